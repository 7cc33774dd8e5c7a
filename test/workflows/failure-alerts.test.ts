import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { GetMetricDataCommand, type CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { WorkflowFailedError, type Client } from '@temporalio/client';
import type { Duration } from '@temporalio/common';
import type { PipelineWorker } from '../../src/workers/pipeline-worker';
import { createAlertMetricActivities } from '../../src/activities/telemetry/alert-metrics';
import { closedRunAlertKey, type AlertClosedRunsOutput } from '../../src/activities/telemetry/closed-runs';
import { createCloudWatchClient } from '../../src/aws/clients';
import { ingestOptions, ingestWorkflowId } from '../../src/client/ingest';
import { loadSettings } from '../../src/config/settings';
import { searchAttributes } from '../../src/contracts/search-attributes';
import { CloudWatchMetricsSink } from '../../src/metrics/cloudwatch-metrics-sink';
import type { PipelineDependencies } from '../../src/workers/dependencies';
import { closedRunWatch } from '../../src/workflows/closed-run-watch';
import { ingestBatch } from '../../src/workflows/ingest-batch';
import { startMoto, type MotoServer } from '../helpers/moto';
import { seedModel } from '../helpers/seed-model';
import { pipelineFixture, type PipelineFixture } from '../helpers/temporal-env';

const settings = loadSettings({});
/** The namespace the stack's alarms query (infra/lib/compute.ts METRICS_NAMESPACE; CLOUDWATCH_NAMESPACE's default). */
const NAMESPACE = settings.aws.cloudwatchNamespace;

interface NotificationLine {
  event: string;
  severity: string;
  attributes: Record<string, string | number>;
}

async function lines(file: string): Promise<NotificationLine[]> {
  const text = await fs.readFile(file, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as NotificationLine);
}

/** Visibility is eventually consistent: wait until the query finds these runs. */
async function visible(client: Client, query: string, ids: string[]): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const found = new Set<string>();
    for await (const w of client.workflow.list({ query })) found.add(w.workflowId);
    if (ids.every((id) => found.has(id))) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.fail(`visibility never listed ${ids.join(', ')} for ${query}`);
}

describe('failure alerts: BatchesFailed, DriftPSI, ModelF1 and runs that never reach their catch block', function () {
  this.timeout(120_000);
  let fx: PipelineFixture;
  let moto: MotoServer;
  let cloudwatch: CloudWatchClient;
  let worker: PipelineWorker;
  let running: Promise<void>;

  before(async () => {
    fx = await pipelineFixture();
    await seedModel(fx.deps.registry, 'alerts');
    moto = await startMoto();
    cloudwatch = createCloudWatchClient(moto.settings);
    const metrics = new CloudWatchMetricsSink({ client: cloudwatch, namespace: NAMESPACE });
    worker = await fx.newWorker({ metrics } as Partial<PipelineDependencies>);
    running = worker.run();
  });
  after(async () => {
    worker?.shutdown();
    await running;
    cloudwatch?.destroy();
    await moto?.stop();
    fx.cleanup();
  });

  it('a batch that fails in its own code sends BatchesFailed to CloudWatch', async () => {
    const batchId = `alerts-failed-${Date.now().toString(36)}`;
    const run = fx.env.client.workflow.execute(ingestBatch, {
      taskQueue: fx.taskQueue,
      workflowId: ingestWorkflowId(batchId),
      args: [
        {
          version: 1,
          batchId,
          modelName: 'alerts',
          sources: [{ key: 'raw/alerts/missing.csv' }],
          options: ingestOptions(settings, { driftCheckEveryBatches: 0 }),
        },
      ],
    });
    await assert.rejects(run, WorkflowFailedError);
    const out = await cloudwatch.send(
      new GetMetricDataCommand({
        MetricDataQueries: [
          {
            Id: 'failed',
            MetricStat: {
              Metric: {
                Namespace: NAMESPACE,
                MetricName: 'BatchesFailed',
                Dimensions: [
                  { Name: 'pipeline', Value: 'ingestBatch' },
                  { Name: 'modelVersion', Value: 'alerts@v1' },
                ],
              },
              Period: 3600,
              Stat: 'Sum',
            },
          },
        ],
        StartTime: new Date(Date.now() - 30 * 60_000),
        EndTime: new Date(Date.now() + 5 * 60_000),
      }),
    );
    assert.deepEqual(out.MetricDataResults?.[0]?.Values, [1]);
  });

  it('DriftPSI and ModelF1 reach CloudWatch under the names and dimensions the alarms query', async () => {
    const activities = createAlertMetricActivities(new CloudWatchMetricsSink({ client: cloudwatch, namespace: NAMESPACE }));
    await activities.recordDriftPsi({ modelName: 'alerts', modelVersion: 'v1', psi: 0.37 });
    await activities.recordDriftPsi({ modelName: 'alerts', modelVersion: 'v1', psi: null }); // nothing measurable: nothing sent
    await activities.recordModelF1({ modelName: 'alerts', modelVersion: 'v2', macroF1: 0.91 });
    const query = (id: string, name: string, pipeline: string, version: string) => ({
      Id: id,
      MetricStat: {
        Metric: {
          Namespace: NAMESPACE,
          MetricName: name,
          Dimensions: [
            { Name: 'pipeline', Value: pipeline },
            { Name: 'modelVersion', Value: version },
          ],
        },
        Period: 3600,
        Stat: 'Maximum',
      },
    });
    const out = await cloudwatch.send(
      new GetMetricDataCommand({
        MetricDataQueries: [
          query('psi', 'DriftPSI', 'driftCorrection', 'alerts@v1'),
          query('f1', 'ModelF1', 'continuousTraining', 'alerts@v2'),
        ],
        StartTime: new Date(Date.now() - 30 * 60_000),
        EndTime: new Date(Date.now() + 5 * 60_000),
      }),
    );
    const byId = Object.fromEntries((out.MetricDataResults ?? []).map((r) => [r.Id, r.Values]));
    assert.deepEqual(byId, { psi: [0.37], f1: [0.91] });
  });

  it('alerts once on each ingestBatch run that was terminated or timed out (closedRunWatch)', async () => {
    // No worker polls this queue: the runs wait until they are terminated or time out.
    const idle = `${fx.taskQueue}-idle`;
    // Started the way the CLI and the Lambda start batches (with their search attributes).
    const start = (batchId: string, timeout?: Duration) =>
      fx.env.client.workflow.start(ingestBatch, {
        taskQueue: idle,
        workflowId: ingestWorkflowId(batchId),
        typedSearchAttributes: [
          { key: searchAttributes.batchId, value: batchId },
          { key: searchAttributes.modelName, value: 'alerts' },
        ],
        ...(timeout && { workflowExecutionTimeout: timeout }),
        args: [{ version: 1, batchId, modelName: 'alerts', sources: [{ key: 'raw/x.csv' }], options: ingestOptions(settings, {}) }],
      });
    const stamp = Date.now().toString(36);
    const terminated = await start(`alerts-term-${stamp}`);
    const timedOut = await start(`alerts-timeout-${stamp}`, '1s');
    await terminated.terminate('operator stopped it');
    await assert.rejects(timedOut.result(), WorkflowFailedError);
    const ids = [terminated.workflowId, timedOut.workflowId];
    await visible(fx.env.client, `WorkflowType = 'ingestBatch' AND ExecutionStatus IN ('Terminated', 'TimedOut')`, ids);

    const watch = () =>
      fx.env.client.workflow.execute(closedRunWatch, {
        taskQueue: fx.taskQueue,
        workflowId: `closed-run-watch-${stamp}-${Math.random().toString(36).slice(2)}`,
        args: [{ lookbackMs: 10 * 60_000 }],
      });
    const first: AlertClosedRunsOutput = await watch();
    const ours = first.alerted.filter((a) => ids.includes(a.workflowId));
    assert.deepEqual(
      ours.map((a) => [a.workflowId, a.status]).sort(),
      [
        [terminated.workflowId, 'terminated'],
        [timedOut.workflowId, 'timed out'],
      ].sort(),
    );
    const notifications = (await lines(fx.notificationsFile)).filter((n) => ids.includes(String(n.attributes.workflowId)));
    assert.deepEqual(notifications.map((n) => [n.event, n.severity, n.attributes.status]).sort(), [
      ['batch.failed', 'error', 'terminated'],
      ['batch.failed', 'error', 'timed out'],
    ]);
    for (const a of ours) assert.ok(await fx.deps.store.head(closedRunAlertKey(a.workflowId, a.runId)), 'the alert is recorded');

    // Once each: a second look (overlapping lookback) finds them alerted already.
    const second: AlertClosedRunsOutput = await watch();
    assert.ok(second.examined >= 2);
    assert.deepEqual(
      second.alerted.filter((a) => ids.includes(a.workflowId)),
      [],
    );
    assert.equal((await lines(fx.notificationsFile)).filter((n) => ids.includes(String(n.attributes.workflowId))).length, 2);

    // And the alarm's metric counted both.
    const out = await cloudwatch.send(
      new GetMetricDataCommand({
        MetricDataQueries: [
          {
            Id: 'f',
            MetricStat: {
              Metric: {
                Namespace: NAMESPACE,
                MetricName: 'BatchesFailed',
                Dimensions: [
                  { Name: 'pipeline', Value: 'ingestBatch' },
                  { Name: 'modelVersion', Value: 'alerts@unresolved' },
                ],
              },
              Period: 3600,
              Stat: 'Sum',
            },
          },
        ],
        StartTime: new Date(Date.now() - 30 * 60_000),
        EndTime: new Date(Date.now() + 5 * 60_000),
      }),
    );
    assert.deepEqual(out.MetricDataResults?.[0]?.Values, [2]);
  });
});
