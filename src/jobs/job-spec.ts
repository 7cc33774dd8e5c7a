import { z } from 'zod';
import { LANGUAGES, type Language } from '../text/options';
import type { ObjectStore } from '../storage/object-store';
import { validateKey } from '../storage/object-store';
import type { EtlJobSpec, JobSpec, ScoringJobSpec } from './remote-job';
import { PermanentTaskError } from './task-errors';

/** AWS Batch's array limit; the local runner keeps the same bound so both accept the same specs. */
export const MAX_JOB_TASKS = 10_000;

const key = z.string().refine((k) => {
  try {
    validateKey(k);
    return true;
  } catch {
    return false;
  }
}, 'not a valid object key');
const jsonlKey = key.refine((k) => k.endsWith('.jsonl'), 'must end with .jsonl');
const batchId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/);

const etlSchema = z
  .object({
    kind: z.literal('etl'),
    batchId,
    range: z.number().int().nonnegative().optional(),
    inputKeys: z.array(key).min(1).max(MAX_JOB_TASKS),
    outputKeys: z.array(jsonlKey).min(1).max(MAX_JOB_TASKS),
    textOptions: z.object({
      language: z.enum(LANGUAGES as [Language, ...Language[]]),
      keepNegations: z.boolean(),
      stem: z.boolean(),
      detectLanguage: z.boolean().optional(),
    }),
    redactPii: z.boolean().optional(),
  })
  .refine((s) => s.inputKeys.length === s.outputKeys.length, 'inputKeys and outputKeys differ in length');

const scoringSchema = z
  .object({
    kind: z.literal('scoring'),
    batchId,
    range: z.number().int().nonnegative().optional(),
    modelName: z.string().min(1),
    modelVersion: z.string().min(1),
    processedKeys: z.array(key).min(1).max(MAX_JOB_TASKS),
    resultKeys: z.array(jsonlKey).min(1).max(MAX_JOB_TASKS),
  })
  .refine((s) => s.processedKeys.length === s.resultKeys.length, 'processedKeys and resultKeys differ in length');

/** Checks a spec before it is submitted (runners) or after it is read (tasks): same rules on both sides. */
export function validateJobSpec<K extends JobSpec['kind']>(candidate: unknown, kind: K): Extract<JobSpec, { kind: K }> {
  const schema = kind === 'etl' ? etlSchema : scoringSchema;
  const parsed = schema.safeParse(candidate);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new PermanentTaskError(`invalid ${kind} job spec at ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data as Extract<JobSpec, { kind: K }>;
}

/** Number of array tasks (shards) a spec describes. */
export function taskCount(spec: JobSpec): number {
  return spec.kind === 'etl' ? spec.inputKeys.length : spec.processedKeys.length;
}

/** Reads the claim-checked spec a job was given by key. */
export async function readJobSpec<K extends JobSpec['kind']>(
  store: ObjectStore,
  specKey: string,
  kind: K,
): Promise<Extract<JobSpec, { kind: K }>> {
  const bytes = await store.get(specKey);
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    throw new PermanentTaskError(`${specKey} is not valid JSON (${(err as Error).message})`);
  }
  return validateJobSpec(json, kind);
}

export type { EtlJobSpec, ScoringJobSpec };
