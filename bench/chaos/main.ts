import { describeMachine, formatTable } from './report';
import { allScenarios, runChaos } from './run';

/**
 * npm run chaos [-- --docs N] [--scenarios a,b,c] [--json] [--seed S] [--keep]
 *
 * The fault-injection suite: a real Temporal dev server (SQLite), standalone worker processes,
 * moto behind a fault proxy, and the faults of docs/reliability.md. One row per scenario; exit 1
 * when any scenario does not hold.
 */
function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function positiveInt(name: string, fallback: number): number {
  const raw = arg(name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got ${raw}`);
  return n;
}

async function main(): Promise<number> {
  const json = process.argv.includes('--json');
  const workerKills = positiveInt('kills', 5);
  const concurrent = positiveInt('batches', 20);
  const names = allScenarios({ workerKills, concurrentBatches: concurrent }).map((s) => s.name);
  const scenarios = (arg('scenarios') ?? names.join(','))
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const report = await runChaos({
    docs: positiveInt('docs', 200_000),
    scenarios,
    seed: positiveInt('seed', 42),
    workerKills,
    concurrentBatches: concurrent,
    parallel: process.argv.includes('--parallel'),
    keep: process.argv.includes('--keep'),
    log: (line) => process.stderr.write(`[chaos ${new Date().toISOString().slice(11, 19)}] ${line}\n`),
  });
  if (json) {
    process.stdout.write(JSON.stringify(report) + '\n');
  } else {
    process.stdout.write(`\nnpm run chaos -- ${process.argv.slice(2).join(' ')}\n`);
    process.stdout.write(`machine: ${describeMachine(report.machine)}\n`);
    process.stdout.write(`reference sha256: ${report.referenceSha256 ?? 'none (the undisturbed run did not complete cleanly)'}\n\n`);
    process.stdout.write(formatTable(report.rows) + '\n');
    process.stdout.write(`\nwhole run: ${report.seconds.toFixed(0)} s${report.options.keep ? `; files kept in ${report.dir}` : ''}\n`);
  }
  return report.rows.every((r) => r.passed) ? 0 : 1;
}

// Ctrl-C or a kill of the harness: exit through process.exit so the children (server, workers) are SIGKILLed too.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(2);
  },
);
