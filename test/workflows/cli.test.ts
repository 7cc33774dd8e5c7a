import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import { startIngest } from '../../src/client/ingest';
import { requestTraining } from '../../src/client/train';
import { signalDriftCheck } from '../../src/activities/drift/request-drift-check';
import { loadSettings } from '../../src/config/settings';
import { csvRow } from '../../src/datasets/csv-writer';
import { messagesToCsv, sampleMessages } from '../helpers/corpus';
import { testCodecEnv } from '../helpers/codec';
import { seedModel } from '../helpers/seed-model';
import { pipelineFixture, workflowBundle, type PipelineFixture } from '../helpers/temporal-env';

/** A phase line of `train` on stderr (phases shorter than the poll interval may be skipped). */
const TRAINING_PROGRESS =
  /^ +\d+s {2}(assembling the training set|searching hyperparameters|fitting the challenger|evaluating the champion|deciding whether to promote)/m;

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * The nlp-batch binary against the shared dev server: no worker polls the fixture's task queue, so
 * a command that needs one hosts it, as on a user's machine where only `nlp-batch` runs.
 */
describe('the nlp-batch command line on a real Temporal server', function () {
  this.timeout(180_000);
  const cli = path.join(__dirname, '../../src/client/cli.js');
  let fx: PipelineFixture;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    fx = await pipelineFixture();
    await seedModel(fx.deps.registry, 'spam', 300);
    env = {
      ...process.env,
      ...testCodecEnv,
      TEMPORAL_ADDRESS: fx.env.address,
      TEMPORAL_TASK_QUEUE: fx.taskQueue,
      TEMPORAL_EMBEDDED: 'false',
      DATA_DIR: fx.dir,
      STORE_ROOT: fx.deps.store.root,
      DRIFT_CHECK_EVERY_BATCHES: '0',
    };
  });
  after(() => fx.cleanup());

  function nlpBatch(args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<CliRun> {
    return new Promise((resolve) => {
      execFile(process.execPath, [cli, ...args], { env: { ...env, ...extraEnv }, timeout: 150_000 }, (err, stdout, stderr) => {
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
      });
    });
  }

  async function file(name: string, content: string): Promise<string> {
    const p = path.join(fx.dir, name);
    await fs.writeFile(p, content);
    return p;
  }

  async function rawKeys(): Promise<string[]> {
    const keys: string[] = [];
    for await (const object of fx.deps.store.list('raw/')) keys.push(object.key);
    return keys;
  }

  it('checks argument values before anything starts, naming the value and the next step', async () => {
    const csv = await file('to-score.csv', messagesToCsv(sampleMessages(5)));
    const runs = await Promise.all([
      nlpBatch(['ingest', csv, '--model', 'nosuch', '--wait']),
      nlpBatch(['ingest', csv, '--model', 'bad name!']),
      nlpBatch(['ingest', csv, '--model', 'spam', '--delimiter', 'pipe']),
      nlpBatch(['ingest', csv, '--model', 'spam', '--format', 'xml']),
      nlpBatch(['promote', 'v99', '--model', 'spam']),
      nlpBatch(['promote', '99', '--model', 'spam']),
      nlpBatch(['rollback', '--model', 'spam']),
      nlpBatch(['train', '--data', csv, '--language', 'fr']),
      nlpBatch(['train', '--data', csv, '--config', await file('bad.json', '{"classifier": {"alpha": -1}}')]),
      nlpBatch(['train', '--data', csv, '--config', await file('typo.json', '{"clasifier": {}}')]),
    ]);
    const lines = runs.map((r) => {
      assert.equal(r.code, 1, r.stderr);
      return r.stderr.trim();
    });
    assert.deepEqual(lines.slice(0, 7), [
      'nlp-batch: no model nosuch: train one with: nlp-batch train --data <labelled files> --model nosuch',
      'nlp-batch: --model "bad name!": a model name has letters, digits, - and _ only (at most 63, starting with a letter or digit)',
      'nlp-batch: --delimiter "pipe": expected comma (,), semicolon (;) or tab',
      'nlp-batch: --format "xml": expected one of csv, amazon-polarity, jsonl, text',
      'nlp-batch: spam has no version v99; its versions: v1 (details: nlp-batch models --model spam)',
      'nlp-batch: "99" is not a model version: versions are written v1, v2, ...',
      'nlp-batch: spam@v1 has no previous version to roll back to',
    ]);
    assert.equal(lines[7], 'nlp-batch: --language "fr": expected one of en, es');
    assert.match(lines[8]!, /^nlp-batch: --config \S+bad\.json: invalid training config at classifier\.alpha: /);
    assert.match(
      lines[9]!,
      /^nlp-batch: --config \S+typo\.json: unknown section "clasifier"; expected text, features, vectorizer, classifier$/,
    );
    assert.deepEqual(await rawKeys(), [], 'nothing was uploaded');
    const started: string[] = [];
    for await (const wf of fx.env.client.workflow.list({ query: `TaskQueue = '${fx.taskQueue}'` })) started.push(wf.workflowId);
    assert.deepEqual(started, [], 'no workflow was started');
  });

  it('prints the root cause of a failed run with its type and the next step, not "Activity task failed"', async () => {
    // One labelled row: it lands on one side of the split only.
    const one = await file('one.csv', csvRow(['text', 'label']) + csvRow(['free money, click now', 'spam']));
    const tiny = await nlpBatch(['train', '--data', one, '--model', 'tiny']);
    assert.equal(tiny.code, 1);
    assert.match(tiny.stderr, TRAINING_PROGRESS, 'progress on stderr');
    assert.match(
      tiny.stderr,
      /\nnlp-batch: workflow failed: TooFewLabelledRows: only 1 labelled row: too few to hold out a test split \(\d for training, \d held out at test fraction 0\.2\)\n {2}next: train on more labelled rows/,
    );

    // One label only: fitCandidate (an activity) fails; the workflow fails with ActivityFailure.
    const spamOnly = sampleMessages(80).filter((m) => m.label === 'spam');
    const single = await file('single.csv', messagesToCsv(spamOnly));
    const run = await nlpBatch(['train', '--data', single, '--model', 'solo']);
    assert.equal(run.code, 1);
    assert.match(
      run.stderr,
      /nlp-batch: workflow failed: SingleClass: training data has a single label \(spam\); a classifier needs at least two\n {2}next: the training data needs rows of at least two labels/,
    );
    const errorLine = run.stderr.split('\n').find((l) => l.startsWith('nlp-batch: '));
    assert.doesNotMatch(errorLine ?? '', /Activity task failed/);
  });

  it('trains a Spanish model from the command line with --language and --config, showing progress', async () => {
    const positive = ['excelente', 'me encantó', 'perfecto', 'muy bueno', 'lo recomiendo', 'llegó rápido'];
    const negative = ['terrible', 'muy malo', 'llegó roto', 'no funciona', 'lo devolví', 'una estafa'];
    const rows: string[] = [];
    for (let i = 0; i < 120; i++) {
      const good = i % 2 === 0;
      const words = good ? positive : negative;
      rows.push(
        csvRow([
          `El producto es ${words[i % 6]} y la calidad ${words[(i * 5 + 1) % 6]}, ${i % 3 ? 'pero' : 'y'} el envío fue ${words[(i + 2) % 6]}`,
          good ? 'positivo' : 'negativo',
        ]),
      );
    }
    const data = await file('resenas.csv', csvRow(['text', 'label']) + rows.join(''));
    const config = await file('train.json', JSON.stringify({ classifier: { alpha: 0.5 }, vectorizer: { minDf: 1 } }));
    const run = await nlpBatch(['train', '--data', data, '--model', 'resenas', '--language', 'es', '--config', config, '--json']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, TRAINING_PROGRESS);
    const outcome = JSON.parse(run.stdout);
    assert.deepEqual(outcome.config, { classifier: { alpha: 0.5 }, vectorizer: { minDf: 1 }, text: { language: 'es' } });
    const keys = fx.deps.registry.versionKeys('resenas', outcome.modelVersion);
    const stored = JSON.parse((await fx.deps.store.get(keys.config)).toString('utf8'));
    const text = JSON.stringify(stored);
    assert.match(text, /"language":"es"/, 'the fitted model was cleaned as Spanish');
    assert.match(text, /"alpha":0\.5/);
  });

  it('shows drift progress, and status reports the progress of all three workflows', async () => {
    const drift = await nlpBatch(['drift', '--model', 'spam']);
    assert.equal(drift.code, 0, drift.stderr);
    assert.match(drift.stderr, /^ +\d+s {2}(collecting the statistics of the recent batches|deciding|done)/m);
    assert.match(drift.stdout, /^spam@(v1|-): none/);

    // A worker that runs workflows but no activities: each run stays in its first phase.
    const queue = `${fx.taskQueue}-status`;
    const worker = await Worker.create({
      connection: fx.env.nativeConnection,
      namespace: fx.env.namespace ?? 'default',
      taskQueue: queue,
      workflowBundle: await workflowBundle(),
    });
    const running = worker.run();
    const settings = loadSettings({ TEMPORAL_TASK_QUEUE: queue });
    try {
      const handles = [
        await startIngest(fx.env.client, settings, { batchId: `status-${Date.now()}`, sources: [{ key: 'raw/x.csv' }], modelName: 'spam' }),
        await requestTraining(fx.env.client, settings, { modelName: 'status-train', data: { keys: ['raw/x.csv'] } }),
        await signalDriftCheck(fx.env.client, { taskQueue: queue, modelName: 'status-drift', trigger: 'manual', reason: 'test' }),
      ];
      const statuses = await Promise.all(handles.map((h) => nlpBatch(['status', h.workflowId], { TEMPORAL_TASK_QUEUE: queue })));
      const views = statuses.map((s) => {
        assert.equal(s.code, 0, s.stderr);
        return JSON.parse(s.stdout);
      });
      assert.deepEqual(
        views.map((v) => [v.type, v.status, v.progress?.phase]),
        [
          ['ingestBatch', 'RUNNING', 'resolving-model'],
          ['continuousTraining', 'RUNNING', 'assembling'],
          ['driftCorrection', 'RUNNING', 'collecting'],
        ],
      );
      await Promise.all(handles.map((h) => h.terminate('test done')));
    } finally {
      worker.shutdown();
      await running;
    }
  });
});
