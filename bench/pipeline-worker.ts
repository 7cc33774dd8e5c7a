import { codecDataConverter, createPayloadCodec } from '../src/codec';
import { loadSettings } from '../src/config/settings';
import { connectClient, connectWorker } from '../src/temporal/connection';
import { buildDependencies } from '../src/workers/dependencies';
import { createPipelineWorker } from '../src/workers/pipeline-worker';

/** The benchmark's worker, in its own process so its peak RSS is its own. Talks over IPC. */
async function main(): Promise<void> {
  const settings = loadSettings();
  const dataConverter = codecDataConverter(await createPayloadCodec(settings));
  const connection = await connectWorker(settings.temporal);
  const client = await connectClient(settings.temporal, dataConverter);
  const worker = await createPipelineWorker({
    connection,
    namespace: settings.temporal.namespace,
    taskQueue: settings.temporal.taskQueue,
    deps: { ...buildDependencies(settings), client },
    dataConverter,
  });
  process.on('message', (message: string) => {
    if (message === 'report') process.send?.({ maxRssMb: process.resourceUsage().maxRSS / 1024 });
    // CPU of every thread of this process (main, CPU pool, V8 and libuv helpers) so far.
    if (message === 'cpu') {
      const used = process.cpuUsage();
      process.send?.({ cpuSeconds: (used.user + used.system) / 1e6 });
    }
    if (message === 'stop') worker.shutdown();
  });
  const running = worker.run();
  process.send?.({ ready: true });
  await running;
  await connection.close();
  await client.connection.close();
  process.disconnect?.(); // the IPC channel would keep this process alive
}

main().catch((err) => {
  process.stderr.write(`bench worker failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
