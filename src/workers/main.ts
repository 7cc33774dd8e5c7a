import { loadSettings } from '../config/settings';
import { connectClient, connectWorker } from '../temporal/connection';
import { buildDependencies } from './dependencies';
import { createPipelineWorker } from './pipeline-worker';

/** A standalone worker process (what the Docker image and the ECS service run). */
async function main(): Promise<void> {
  const settings = loadSettings();
  const connection = await connectWorker(settings.temporal);
  const client = await connectClient(settings.temporal);
  const worker = await createPipelineWorker({
    connection,
    namespace: settings.temporal.namespace,
    taskQueue: settings.temporal.taskQueue,
    deps: { ...buildDependencies(settings, (line) => process.stderr.write(line + '\n')), client },
  });
  await worker.run();
  await client.connection.close();
  await connection.close();
}

main().catch((err) => {
  process.stderr.write(`worker failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
