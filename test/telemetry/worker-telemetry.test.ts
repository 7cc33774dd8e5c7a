import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { startIngest } from '../../src/client/ingest';
import { loadSettings } from '../../src/config/settings';
import { testCodecEnv } from '../helpers/codec';
import { messagesToCsv, sampleMessages } from '../helpers/corpus';
import { seedModel } from '../helpers/seed-model';
import { pipelineFixture, type PipelineFixture } from '../helpers/temporal-env';
import { freePort } from '../../src/util/free-port';

interface OtlpSpan {
  name: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
}
interface OtlpBody {
  resourceSpans?: Array<{
    resource?: { attributes?: Array<{ key: string; value: { stringValue?: string } }> };
    scopeSpans?: Array<{ spans?: OtlpSpan[] }>;
  }>;
}

/**
 * The real worker process (Runtime.install is once per process) with TEMPORAL_METRICS_ADDRESS and
 * OTEL_EXPORTER_OTLP_ENDPOINT set: after a batch, its /metrics has Core's workflow-task and activity
 * metrics for the batch's activities, and an OTLP/HTTP collector (a small server here) received the
 * workflow's span and its activities' spans in one trace.
 */
describe('worker telemetry: Prometheus metrics and OpenTelemetry traces', function () {
  this.timeout(180_000);
  let fx: PipelineFixture;
  let child: ChildProcess | undefined;
  let collector: http.Server | undefined;
  const bodies: OtlpBody[] = [];
  const contentTypes = new Set<string>();

  before(async () => {
    fx = await pipelineFixture();
    await seedModel(fx.deps.registry, 'otel');
    collector = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (req.url === '/v1/traces') {
          contentTypes.add(String(req.headers['content-type']));
          bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as OtlpBody);
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    collector.listen(0, '127.0.0.1');
    await once(collector, 'listening');
  });
  after(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    collector?.close();
    fx.cleanup();
  });

  it('serves task and activity metrics on /metrics and exports workflow and activity spans over OTLP', async () => {
    const metricsPort = await freePort();
    const otlp = `http://127.0.0.1:${(collector?.address() as net.AddressInfo).port}`;
    child = spawn(process.execPath, [path.resolve(__dirname, '../../src/workers/main.js')], {
      env: {
        ...process.env,
        ...testCodecEnv,
        TEMPORAL_ADDRESS: fx.env.address,
        TEMPORAL_TASK_QUEUE: fx.taskQueue,
        TEMPORAL_EMBEDDED: 'false',
        DATA_DIR: fx.dir,
        STORE_ROOT: fx.deps.store.root,
        LOG_LEVEL: 'info',
        TEMPORAL_METRICS_ADDRESS: `127.0.0.1:${metricsPort}`,
        OTEL_EXPORTER_OTLP_ENDPOINT: otlp,
        OTEL_SERVICE_NAME: 'nlp-batch-test-worker',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = once(child, 'exit');
    for (let i = 0; !stdout.includes('"worker polling"'); i++) {
      if (child.exitCode !== null || i > 900) assert.fail(`the worker did not start:\n${stdout}\n${stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.match(stdout, new RegExp(`"metrics":"http://127.0.0.1:${metricsPort}/metrics"`));

    await fx.deps.store.put('raw/otel/in.csv', messagesToCsv(sampleMessages(30, 3000)));
    const base = loadSettings({});
    const settings = {
      ...base,
      temporal: { ...base.temporal, taskQueue: fx.taskQueue },
      pipeline: { ...base.pipeline, driftCheckEveryBatches: 0 },
    };
    const handle = await startIngest(fx.env.client, settings, {
      batchId: `otel-${Date.now().toString(36)}`,
      modelName: 'otel',
      sources: [{ key: 'raw/otel/in.csv' }],
    });
    assert.equal((await handle.result()).scored, 30);

    const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    const series = (name: string, label?: string) =>
      metrics.split('\n').filter((l) => l.startsWith(name) && (label === undefined || l.includes(label)) && Number(l.split(' ').pop()) > 0);
    assert.ok(series('temporal_workflow_task_execution_latency', `task_queue="${fx.taskQueue}"`).length > 0, 'workflow task metrics');
    assert.ok(series('temporal_workflow_completed', 'workflow_type="ingestBatch"').length > 0, 'workflow completion counter');
    for (const activity of ['prepareSource', 'processShard', 'finalizeBatch', 'writeResultsParquet'])
      assert.ok(series('temporal_activity_execution_latency', `activity_type="${activity}"`).length > 0, `activity metrics of ${activity}`);

    child.kill('SIGTERM');
    const [code] = await exited;
    assert.equal(code, 0, stderr);

    const spans = bodies.flatMap((b) => (b.resourceSpans ?? []).flatMap((r) => (r.scopeSpans ?? []).flatMap((s) => s.spans ?? [])));
    const services = new Set(
      bodies.flatMap((b) =>
        (b.resourceSpans ?? [])
          .flatMap((r) => r.resource?.attributes ?? [])
          .filter((a) => a.key === 'service.name')
          .map((a) => a.value.stringValue),
      ),
    );
    assert.deepEqual([...services], ['nlp-batch-test-worker']);
    assert.ok([...contentTypes].every((t) => t.startsWith('application/json')));
    const workflowSpan = spans.find((s) => s.name === 'RunWorkflow:ingestBatch');
    assert.ok(workflowSpan, `no workflow span among ${[...new Set(spans.map((s) => s.name))].join(', ')}`);
    for (const activity of ['prepareSource', 'processShard', 'finalizeBatch']) {
      const span = spans.find((s) => s.name === `RunActivity:${activity}` && s.traceId === workflowSpan.traceId);
      assert.ok(
        span,
        `no span of ${activity} in the workflow trace: ${JSON.stringify(spans.map((s) => [s.name, s.traceId, s.parentSpanId]))}`,
      );
    }
  });
});
