#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Command, CommanderError } from 'commander';
import { TemporalFailure, WorkflowFailedError } from '@temporalio/client';
import { ConfigError, loadSettings, Settings } from '../config/settings';
import { installRuntimeLogger, shutdownRuntime } from '../logging';
import { InvalidKeyError } from '../storage/object-store';
import type { CliContext } from './commands/context';
import { registerCodecServer } from './commands/codec-server';
import { registerDemo } from './commands/demo';
import { registerDrift } from './commands/drift';
import { registerExport } from './commands/export';
import { registerIngest } from './commands/ingest';
import { registerList } from './commands/list';
import { registerModels } from './commands/models';
import { registerQuery } from './commands/query';
import { registerReport } from './commands/report';
import { registerScore } from './commands/score';
import { registerReplay } from './commands/replay';
import { registerSchedule } from './commands/schedule';
import { registerSqsPoller } from './commands/sqs-poller';
import { registerStatus } from './commands/status';
import { registerTrain } from './commands/train';
import { registerUp } from './commands/up';
import { describeWorkflowFailure } from './failures';
import { registerWait } from './commands/wait';
import { registerWorker } from './commands/worker';
import { UserError } from './user-error';
import { repoRoot } from '../util/repo-root';

/** `nlp-batch --version`: the package's version and what it runs on. */
export function versionLine(): string {
  const read = (file: string) => (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
  const own = read(path.join(repoRoot(), 'package.json'));
  const sdk = read(require.resolve('@temporalio/client/package.json'));
  return `nlp-batch ${own} (Temporal TypeScript SDK ${sdk}, Node.js ${process.version})`;
}

/**
 * The command line. A command lives in commands/<name>.ts and is registered with one line below;
 * its --help ends with examples (commands/examples.ts), which a test requires of every command.
 */
export function buildProgram(ctx: CliContext): Command {
  const program = new Command('nlp-batch')
    .description('Durable batch NLP on Temporal: ingest, clean, score, retrain and watch for drift')
    .version(versionLine(), '-V, --version', 'print the version and exit')
    .showHelpAfterError()
    .exitOverride();
  registerIngest(program, ctx);
  registerExport(program, ctx);
  registerStatus(program, ctx);
  registerWait(program, ctx);
  registerList(program, ctx);
  registerTrain(program, ctx);
  registerSchedule(program, ctx);
  registerDrift(program, ctx);
  registerModels(program, ctx);
  registerUp(program, ctx);
  registerDemo(program, ctx);
  registerReplay(program, ctx);
  registerCodecServer(program, ctx);
  registerWorker(program, ctx);
  registerReport(program, ctx);
  registerQuery(program, ctx);
  registerScore(program, ctx);
  registerSqsPoller(program, ctx);
  return program;
}

/** Turns any failure into one line on stderr; only a bug shows a stack (with DEBUG=1). */
function describeFailure(err: unknown, debug: boolean): string {
  if (err instanceof UserError || err instanceof ConfigError || err instanceof InvalidKeyError) return err.message;
  // The root cause of the chain, with its type and the next step (not "Activity task failed").
  if (err instanceof WorkflowFailedError || err instanceof TemporalFailure) return describeWorkflowFailure(err);
  if (err instanceof Error) return debug ? (err.stack ?? err.message) : err.message;
  return String(err);
}

function tryOrUndefined<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch {
    return undefined; // the command reports the configuration error itself
  }
}

export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let settings: Settings | undefined;
  const debug = Boolean(env.DEBUG);
  const ctx: CliContext = {
    ci: env.CI === 'true',
    settings: () => (settings ??= loadSettings(env)),
    out: (line) => process.stdout.write(line + '\n'),
    log: (line) => process.stderr.write(line + '\n'),
  };
  try {
    // JSON log lines on stderr; the SDK's INFO lines (bundler output, worker state) would bury the command's own output.
    // Commands that run a worker for a while serve its Prometheus metrics when configured.
    // (`worker` installs its own: JSON lines on stdout at LOG_LEVEL, like the container's worker.)
    const runsWorker = ['up', 'demo'].includes(argv[2] ?? '');
    const metricsAddress = runsWorker ? tryOrUndefined(() => ctx.settings().telemetry.metricsAddress) : undefined;
    if (argv[2] !== 'worker') installRuntimeLogger({ level: debug ? 'info' : 'warn', metricsAddress });
    await buildProgram(ctx).parseAsync(argv);
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    process.stderr.write(`nlp-batch: ${describeFailure(err, debug)}\n`);
    return 1;
  } finally {
    // The runtime forwards core logs to pino; that channel would keep the process alive.
    await shutdownRuntime();
  }
}

if (require.main === module) {
  main(process.argv).then((code) => {
    process.exitCode = code;
  });
}
