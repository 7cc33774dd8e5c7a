import { describeMachine, formatTable } from './report';
import { BenchArgs } from '../bench-args';
import { allScenarios, runChaos } from './run';

/**
 * npm run chaos [-- --docs N] [--scenarios a,b,c] [--json] [--seed S] [--keep]
 *
 * The fault-injection suite: a real Temporal dev server (SQLite), standalone worker processes,
 * moto behind a fault proxy, and the faults of docs/reliability.md. One row per scenario; exit 1
 * when any scenario does not hold.
 */
async function main(): Promise<number> {
  const args = new BenchArgs(
    'npm run chaos [-- --docs N] [--scenarios a,b,c] [--kills 5] [--batches 20] [--seed S] [--parallel] [--keep] [--json]',
    { docs: 'value', scenarios: 'value', kills: 'value', batches: 'value', seed: 'value', parallel: 'flag', keep: 'flag', json: 'flag' },
  );
  const json = args.flag('json');
  const workerKills = args.positiveInt('kills', 5);
  const concurrent = args.positiveInt('batches', 20);
  const names = allScenarios({ workerKills, concurrentBatches: concurrent }).map((s) => s.name);
  const scenarios = args.list('scenarios', names);
  const report = await runChaos({
    docs: args.positiveInt('docs', 200_000),
    scenarios,
    seed: args.positiveInt('seed', 42),
    workerKills,
    concurrentBatches: concurrent,
    parallel: args.flag('parallel'),
    keep: args.flag('keep'),
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
