import { z } from 'zod';
import { ObjectNotFoundError, PreconditionFailedError, type ObjectStore } from '../storage/object-store';
import { ModelArtifactError } from './artifacts/errors';
import { ARTIFACT_FILES, ARTIFACT_SCHEMA_VERSION, type ArtifactKeys, type ModelArtifacts } from './artifacts/schema';
import { TextClassifier } from './text-classifier';

/** Evaluation figures stored next to a version (typically a ClassificationReport plus training stats). */
export type ModelMetrics = Record<string, unknown>;

export interface LatestPointer {
  version: string;
  /** The etag of latest.json as read: pass it to `promote` as `expectedEtag` to compare-and-set. */
  etag: string;
  promotedAt: string;
  reason: string;
  previousVersion: string | null;
  /** Who wrote this pointer (a workflow run's promotion attempt), so a retry can recognise its own write. */
  promotionId?: string;
}

export interface VersionInfo {
  version: string;
  number: number;
  /** All four artifacts are present (an interrupted save leaves an incomplete, never reused version). */
  complete: boolean;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const VERSION = /^v([1-9][0-9]{0,8})$/;
const MAX_SAVE_ATTEMPTS = 100;

const latestSchema = z.object({
  schemaVersion: z.literal(ARTIFACT_SCHEMA_VERSION),
  version: z.string().regex(VERSION),
  promotedAt: z.string(),
  reason: z.string(),
  previousVersion: z.string().nullable(),
  promotionId: z.string().optional(),
});

function checkName(name: string): string {
  if (!NAME.test(name)) throw new RangeError(`invalid model name ${JSON.stringify(name)}: letters, digits, ".", "_", "-" (max 64)`);
  return name;
}

function versionNumber(version: string): number {
  const match = VERSION.exec(version);
  if (!match) throw new RangeError(`invalid model version ${JSON.stringify(version)}: expected v1, v2, ...`);
  return Number(match[1]);
}

/**
 * Versioned model artifacts in an object store:
 * `models/<name>/v<N>/{config,preprocessor,model,metrics}.json` and `models/<name>/latest.json`.
 * Version numbers are claimed by creating config.json with if-none-match, so concurrent savers
 * never share or reuse a number; latest.json only changes by compare-and-set on its etag.
 */
export class ModelRegistry {
  constructor(private readonly store: ObjectStore) {}

  versionKeys(name: string, version: string): ArtifactKeys & { metrics: string } {
    const prefix = `models/${checkName(name)}/v${versionNumber(version)}/`;
    return {
      config: prefix + ARTIFACT_FILES.config,
      preprocessor: prefix + ARTIFACT_FILES.preprocessor,
      model: prefix + ARTIFACT_FILES.model,
      metrics: prefix + ARTIFACT_FILES.metrics,
    };
  }

  latestKey(name: string): string {
    return `models/${checkName(name)}/latest.json`;
  }

  async listVersions(name: string): Promise<VersionInfo[]> {
    const files = new Map<number, Set<string>>();
    const prefix = `models/${checkName(name)}/v`;
    for await (const object of this.store.list(prefix)) {
      const [version, file] = object.key.slice(prefix.length - 1).split('/');
      const match = VERSION.exec(version);
      if (!match || file === undefined) continue;
      const number = Number(match[1]);
      let set = files.get(number);
      if (!set) files.set(number, (set = new Set()));
      set.add(file);
    }
    const required = Object.values(ARTIFACT_FILES);
    return [...files.entries()]
      .sort(([a], [b]) => a - b)
      .map(([number, present]) => ({ version: `v${number}`, number, complete: required.every((file) => present.has(file)) }));
  }

  /** Stores a new version under the next free number; metrics.json is written last and marks it complete. */
  async saveVersion(name: string, artifacts: ModelArtifacts, metrics: ModelMetrics): Promise<{ version: string }> {
    const versions = await this.listVersions(name);
    let number = versions.length > 0 ? versions[versions.length - 1].number + 1 : 1;
    for (let attempt = 0; ; attempt++, number++) {
      const keys = this.versionKeys(name, `v${number}`);
      try {
        await this.store.put(keys.config, JSON.stringify(artifacts.config), { contentType: 'application/json', ifNoneMatch: true });
      } catch (err) {
        if (err instanceof PreconditionFailedError && attempt < MAX_SAVE_ATTEMPTS) continue;
        throw err;
      }
      const create = { contentType: 'application/json', ifNoneMatch: true } as const;
      await this.store.put(keys.preprocessor, JSON.stringify(artifacts.preprocessor), create);
      await this.store.put(keys.model, JSON.stringify(artifacts.model), create);
      await this.store.put(keys.metrics, JSON.stringify({ schemaVersion: ARTIFACT_SCHEMA_VERSION, ...metrics }), create);
      return { version: `v${number}` };
    }
  }

  async load(name: string, version: string): Promise<TextClassifier> {
    const keys = this.versionKeys(name, version);
    const [config, preprocessor, model] = await Promise.all([
      this.readJson(keys.config),
      this.readJson(keys.preprocessor),
      this.readJson(keys.model),
    ]);
    return TextClassifier.fromArtifacts({ config, preprocessor, model }, keys);
  }

  async metrics(name: string, version: string): Promise<ModelMetrics> {
    return (await this.readJson(this.versionKeys(name, version).metrics)) as ModelMetrics;
  }

  async latest(name: string): Promise<LatestPointer | undefined> {
    const key = this.latestKey(name);
    // head / get / head: the etag returned must describe the content returned.
    for (let attempt = 0; attempt < 5; attempt++) {
      const before = await this.store.head(key);
      if (!before) return undefined;
      const body = await this.readJson(key);
      const after = await this.store.head(key);
      if (after?.etag !== before.etag) continue;
      const parsed = latestSchema.safeParse(body);
      if (!parsed.success) throw new ModelArtifactError(`not a valid latest pointer: ${parsed.error.issues[0].message}`, key);
      const { version, promotedAt, reason, previousVersion, promotionId } = parsed.data;
      return { version, etag: before.etag, promotedAt, reason, previousVersion, ...(promotionId !== undefined && { promotionId }) };
    }
    throw new Error(`${key} kept changing while being read`);
  }

  /**
   * Points latest.json at `version` by compare-and-set: with `expectedEtag`, fails with
   * PreconditionFailedError unless latest.json still has that etag; with `expectedEtag: null`,
   * unless there is no latest.json yet; without it, against whatever is current at the time of the
   * call (or requires that none exists yet). `promotionId` is recorded in the pointer.
   */
  async promote(
    name: string,
    version: string,
    options: { expectedEtag?: string | null; reason: string; promotionId?: string },
  ): Promise<{ etag: string }> {
    const keys = this.versionKeys(name, version);
    const missing = [];
    for (const key of Object.values(keys)) if (!(await this.store.head(key))) missing.push(key);
    if (missing.length > 0)
      throw new ModelArtifactError(`cannot promote an incomplete version; missing ${missing.join(', ')}`, keys.config);

    const key = this.latestKey(name);
    const current = await this.store.head(key);
    // A corrupt pointer must not block the promotion that repairs it.
    const previous = current
      ? await this.latest(name).catch((err: unknown) => {
          if (err instanceof ModelArtifactError) return undefined;
          throw err;
        })
      : undefined;
    const expected = options.expectedEtag === null ? undefined : (options.expectedEtag ?? current?.etag);
    const body = JSON.stringify({
      schemaVersion: ARTIFACT_SCHEMA_VERSION,
      version,
      promotedAt: new Date().toISOString(),
      reason: options.reason,
      previousVersion: previous?.version ?? null,
      ...(options.promotionId !== undefined && { promotionId: options.promotionId }),
    });
    const condition = expected === undefined ? { ifNoneMatch: true } : { ifMatch: expected };
    const written = await this.store.put(key, body, { contentType: 'application/json', ...condition });
    return { etag: written.etag };
  }

  private async readJson(key: string): Promise<unknown> {
    let bytes: Buffer;
    try {
      bytes = await this.store.get(key);
    } catch (err) {
      if (err instanceof ObjectNotFoundError) throw new ModelArtifactError('artifact is missing', key, { cause: err });
      throw err;
    }
    try {
      return JSON.parse(bytes.toString('utf8'));
    } catch (err) {
      throw new ModelArtifactError(`artifact is not valid JSON (${(err as Error).message})`, key, { cause: err });
    }
  }
}
