import { MODEL_NAME_PATTERN, MODEL_NAME_RULE } from '../config/settings';
import type { ModelRegistry } from '../model';
import { UserError } from './user-error';

/**
 * Checks of command-line values made before anything starts (no upload, no server, no workflow):
 * a mistake in an argument is named with the value and the next step, instead of surfacing
 * later as a failed workflow.
 */

export function checkModelName(name: string, flag = '--model'): string {
  if (!MODEL_NAME_PATTERN.test(name)) throw new UserError(`${flag} ${JSON.stringify(name)}: a model name has ${MODEL_NAME_RULE}`);
  return name;
}

export function checkChoice<T extends string>(value: string, allowed: readonly T[], flag: string, names?: Record<string, string>): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  const shown = allowed.map((a) => names?.[a] ?? a).join(', ');
  throw new UserError(`${flag} ${JSON.stringify(value)}: expected one of ${shown}`);
}

const VERSION = /^v[1-9][0-9]{0,8}$/;

/** The model must have a promoted version: what ingest scores with and what drift compares. */
export async function requirePromotedModel(registry: ModelRegistry, name: string): Promise<void> {
  if (await registry.latest(name)) return;
  const versions = await registry.listVersions(name);
  if (versions.length === 0) {
    throw new UserError(`no model ${name}: train one with: nlp-batch train --data <labelled files> --model ${name}`);
  }
  throw new UserError(
    `model ${name} has versions (${versions.map((v) => v.version).join(', ')}) but none is promoted: ` +
      `promote one with: nlp-batch promote <version> --model ${name}`,
  );
}

/** A version to promote must be written vN and exist, complete, in the registry. */
export async function requireVersion(registry: ModelRegistry, name: string, version: string): Promise<void> {
  if (!VERSION.test(version)) throw new UserError(`${JSON.stringify(version)} is not a model version: versions are written v1, v2, ...`);
  const versions = await registry.listVersions(name);
  const found = versions.find((v) => v.version === version);
  if (found?.complete) return;
  const complete = versions.filter((v) => v.complete).map((v) => v.version);
  if (found) throw new UserError(`${name}@${version} is incomplete (its training was interrupted) and cannot be promoted`);
  if (complete.length === 0)
    throw new UserError(`no model ${name}: train one with: nlp-batch train --data <labelled files> --model ${name}`);
  throw new UserError(
    `${name} has no version ${version}; its versions: ${complete.join(', ')} (details: nlp-batch models --model ${name})`,
  );
}

/** Rollback needs a promoted version that records a previous one. */
export async function requireRollbackTarget(registry: ModelRegistry, name: string): Promise<void> {
  const latest = await registry.latest(name);
  if (!latest) throw new UserError(`${name} has no promoted version to roll back (nlp-batch models --model ${name})`);
  if (!latest.previousVersion) throw new UserError(`${name}@${latest.version} has no previous version to roll back to`);
}
