import { loadSettings, type Settings } from '../config/settings';
import { objectStoreFromSettings } from '../aws/store-from-settings';
import type { ObjectStore } from '../storage/object-store';
import { describeTaskError, EXIT_OK, exitCodeFor, PermanentTaskError } from './task-errors';

export interface TaskEnvironment {
  /** Key of the job spec in the object store (the claim check). */
  specKey: string;
  /** 0-based; AWS Batch sets it for array children only, so a single job is index 0. */
  index: number;
  /** 1-based attempt number, for logs. */
  attempt: number;
}

function nonNegativeInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  if (!/^\d+$/.test(value)) throw new PermanentTaskError(`${name} must be a non-negative integer, got ${JSON.stringify(value)}`);
  return Number(value);
}

/** The per-task variables AWS Batch (or the local process runner) sets. */
export function readTaskEnvironment(env: NodeJS.ProcessEnv = process.env): TaskEnvironment {
  const specKey = env.SPEC_KEY;
  if (!specKey) throw new PermanentTaskError('SPEC_KEY is not set');
  return {
    specKey,
    index: nonNegativeInt('AWS_BATCH_JOB_ARRAY_INDEX', env.AWS_BATCH_JOB_ARRAY_INDEX, 0),
    attempt: nonNegativeInt('AWS_BATCH_JOB_ATTEMPT', env.AWS_BATCH_JOB_ATTEMPT, 1),
  };
}

export interface TaskContext {
  settings: Settings;
  store: ObjectStore;
  task: TaskEnvironment;
}

/**
 * Runs one task and exits: 0 with one summary line on stdout, or non-zero with one line on stderr
 * (2 = permanent, see task-errors). Exiting explicitly keeps an idle SDK socket from holding the
 * process open after the work is done.
 */
export async function runTaskMain(name: string, body: (context: TaskContext) => Promise<string>): Promise<never> {
  let code = EXIT_OK;
  try {
    const task = readTaskEnvironment();
    const settings = loadSettings();
    const store = objectStoreFromSettings(settings);
    const line = await body({ settings, store, task });
    await write(process.stdout, `${name}: ${line}\n`);
  } catch (err) {
    code = exitCodeFor(err);
    await write(process.stderr, `${name}: ${describeTaskError(err)}\n`);
  }
  process.exit(code);
}

function write(stream: NodeJS.WriteStream, text: string): Promise<void> {
  return new Promise((resolve) => stream.write(text, () => resolve()));
}
