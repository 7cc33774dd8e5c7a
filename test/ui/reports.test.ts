import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { PipelineWorker } from '../../src/workers/pipeline-worker';
import { chromium, type Browser, type Page } from 'playwright-core';
import { signalWithStartDriftCheck } from '../../src/activities/drift/request-drift-check';
import type { BatchStatisticsDocumentV1 } from '../../src/activities/drift/types';
import { signalWithStartTraining } from '../../src/activities/training/submit-training';
import { ingestOptions, ingestWorkflowId } from '../../src/client/ingest';
import { loadSettings } from '../../src/config/settings';
import { trainingWorkflowId } from '../../src/contracts/continuous-training';
import type { DriftReportV1 } from '../../src/contracts/drift-correction';
import { confusionMetrics } from '../../src/drift';
import type { BatchManifest } from '../../src/lake/manifest';
import { layout } from '../../src/pipeline/layout';
import type { ModelRunRecordV1 } from '../../src/reports/model-inputs';
import type { BatchProfileV1 } from '../../src/reports/profile';
import { reportKeys } from '../../src/reports/sources';
import { buildTrainingInput } from '../../src/training/training-input';
import { repoRoot } from '../../src/util/repo-root';
import type { PipelineDependencies } from '../../src/workers/dependencies';
import { ingestBatch } from '../../src/workflows/ingest-batch';
import { testCodecEnv } from '../helpers/codec';
import { messagesToCsv, sampleMessages } from '../helpers/corpus';
import { pipelineFixture, type PipelineFixture } from '../helpers/temporal-env';

const CHROMIUM = '/usr/bin/chromium';
const run = promisify(execFile);
const settings = loadSettings({});
const ARTIFACTS = path.join(repoRoot(), 'test', 'artifacts');

interface BrowserGlobals {
  document: { querySelectorAll(s: string): ArrayLike<{ getAttribute(n: string): string | null; textContent: string | null }> };
}

/**
 * The three reports as people see them: real runs of continuousTraining (with tuning),
 * ingestBatch and driftCorrection on the dev server write them to the store; Chromium opens each
 * file with every non-file request blocked, a screenshot goes to test/artifacts, and each figure
 * tagged in the page is compared with the JSON document it was rendered from.
 */
describe('HTML reports in Chromium', function () {
  this.timeout(240_000);
  let fx: PipelineFixture;
  let worker: PipelineWorker;
  let running: Promise<void>;
  let browser: Browser;
  const model = `rep${Date.now().toString(36)}`;

  before(async () => {
    fx = await pipelineFixture();
    worker = await fx.newWorker({ client: fx.env.client } as Partial<PipelineDependencies>);
    running = worker.run();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'],
    });
    mkdirSync(ARTIFACTS, { recursive: true });
  });
  after(async () => {
    // The drift check may have started a retraining: stop it, nothing polls this queue afterwards.
    await fx.env.client.workflow
      .getHandle(trainingWorkflowId(model))
      .terminate('reports test finished')
      .catch(() => undefined);
    await browser?.close();
    worker?.shutdown();
    await running;
    fx.cleanup();
  });

  async function json<T>(key: string): Promise<T> {
    return JSON.parse((await fx.deps.store.get(key)).toString('utf8')) as T;
  }

  /** Opens a stored report (network blocked), screenshots it, and returns data-key -> shown text. */
  async function open(key: string, screenshot: string): Promise<{ shown: Map<string, string>; page: Page; external: string[] }> {
    const file = path.join(fx.deps.store.root, key);
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const external: string[] = [];
    await page.route('**/*', (route) => {
      if (route.request().url().startsWith('file://')) return route.continue();
      external.push(route.request().url());
      return route.abort();
    });
    await page.goto(`file://${file}`);
    await page.screenshot({ path: path.join(ARTIFACTS, screenshot), fullPage: true });
    const pairs = await page.evaluate(() =>
      Array.from((globalThis as unknown as BrowserGlobals).document.querySelectorAll('[data-key]')).map(
        (e) => [e.getAttribute('data-key') ?? '', (e.textContent ?? '').trim()] as [string, string],
      ),
    );
    return { shown: new Map(pairs), page, external };
  }

  function expectShown(shown: Map<string, string>, key: string, expected: string | number): void {
    assert.equal(shown.get(key), String(expected), `${key} shows ${shown.get(key)}, the JSON says ${expected}`);
  }

  it('model, batch and drift reports show the figures of their JSON, with charts, and fetch nothing', async () => {
    // A model trained by continuousTraining with a small hyperparameter search.
    await fx.deps.store.put('raw/reports/train.csv', messagesToCsv(sampleMessages(300, 2000)));
    const training = await signalWithStartTraining(
      fx.env.client,
      fx.taskQueue,
      buildTrainingInput({
        modelName: model,
        requestId: 'reports-1',
        data: { keys: ['raw/reports/train.csv'] },
        maxRecordBytes: settings.pipeline.maxRecordBytes,
        tune: true,
        tuningBudget: 3,
        tuning: { folds: 2, parallelism: 2 },
      }),
    );
    const outcome = await training.result();
    assert.equal(outcome.promoted, true);
    const memo = (await training.describe()).memo as Record<string, string>;
    assert.equal(memo.report, reportKeys.model(model, outcome.modelVersion));

    // A batch with markup, links, addresses and bad rows, scored by that model.
    const batchId = `${model}-b1`;
    const extra =
      '"m1","<b>Win</b> now","<p>Visit https://example.com/deal or mail win@example.com &amp; @promo!</p>","spam"\r\n' +
      '"bad","a title","text with "stray" quotes","spam"\r\n';
    await fx.deps.store.put(`raw/${batchId}/in.csv`, messagesToCsv(sampleMessages(150, 4000)) + extra);
    const batch = await fx.env.client.workflow.execute(ingestBatch, {
      taskQueue: fx.taskQueue,
      workflowId: ingestWorkflowId(batchId),
      args: [
        {
          version: 1,
          batchId,
          modelName: model,
          sources: [{ key: `raw/${batchId}/in.csv` }],
          options: ingestOptions(settings, { shardSize: 60, parallelism: 2, driftCheckEveryBatches: 0 }),
        },
      ],
    });
    const batchMemo = (await fx.env.client.workflow.getHandle(ingestWorkflowId(batchId)).describe()).memo as Record<string, string>;
    assert.equal(batchMemo.report, layout.batchReport(batchId));

    // A drift check of that batch against the model's baseline.
    const drift = await signalWithStartDriftCheck(fx.env.client, fx.taskQueue, {
      version: 1,
      modelName: model,
      window: 1,
      // Shifts warn but never retrain here: a retraining would only lengthen the test.
      policy: { psiDrift: 1000, macroF1Drop: 1 },
      request: { requestId: 'reports-drift', trigger: 'manual', reason: 'reports test' },
    });
    const driftResult = await drift.result();
    const driftRunId = driftResult.runId;
    const driftMemo = (await fx.env.client.workflow.getHandle(drift.workflowId, driftRunId).describe()).memo as Record<string, string>;
    assert.equal(driftMemo.reportHtml, reportKeys.drift(driftRunId));

    // --- model report
    const metrics = await json<{
      evaluation: {
        accuracy: number;
        macro: { f1: number };
        perClass: Record<string, { precision: number; recall: number; f1: number; support: number }>;
      };
    }>(fx.deps.registry.versionKeys(model, outcome.modelVersion).metrics);
    const runRecord = await json<ModelRunRecordV1>(`models/${model}/${outcome.modelVersion}/run.json`);
    const m = await open(reportKeys.model(model, outcome.modelVersion), 'report-model.png');
    expectShown(m.shown, 'evaluation.accuracy', metrics.evaluation.accuracy.toFixed(4));
    expectShown(m.shown, 'evaluation.macroF1', metrics.evaluation.macro.f1.toFixed(4));
    for (const [label, c] of Object.entries(metrics.evaluation.perClass)) {
      expectShown(m.shown, `perClass.${label}.precision`, c.precision.toFixed(4));
      expectShown(m.shown, `perClass.${label}.recall`, c.recall.toFixed(4));
      expectShown(m.shown, `perClass.${label}.f1`, c.f1.toFixed(4));
      expectShown(m.shown, `perClass.${label}.support`, c.support);
    }
    expectShown(m.shown, 'challenger.macroF1', runRecord.challenger.macroF1.toFixed(4));
    // The budgeted search keeps its table of candidates in the store; the run record carries the winner.
    assert.equal(runRecord.tuning?.candidates, 3);
    const tried = [...(runRecord.tuning?.tried ?? (runRecord.tuning ? [runRecord.tuning.best] : []))].sort(
      (a, b) => (a.failed ? 1 : 0) - (b.failed ? 1 : 0) || b.meanMacroF1 - a.meanMacroF1,
    );
    tried.forEach((t, i) => expectShown(m.shown, `tuning.${i}.meanMacroF1`, t.meanMacroF1.toFixed(4)));
    assert.ok((await m.page.locator('#ngrams svg').count()) >= 2, 'one n-gram chart per class');
    assert.equal(await m.page.locator('#confusion svg').count(), 1);

    // --- batch report
    const manifest = await json<BatchManifest>(layout.manifest(batchId));
    const stats = (await json<BatchStatisticsDocumentV1>(layout.statistics(batchId))).statistics;
    const profile = await json<BatchProfileV1>(layout.profile(batchId));
    const b = await open(layout.batchReport(batchId), 'report-batch.png');
    expectShown(b.shown, 'counts.inputRows', manifest.counts.inputRows);
    expectShown(b.shown, 'counts.scored', batch.scored);
    expectShown(b.shown, 'counts.quarantined', batch.quarantined);
    expectShown(b.shown, 'quarantine.malformed_quoting', 1);
    for (const [label, n] of Object.entries(stats.labels)) expectShown(b.shown, `labels.${label}`, n);
    for (const [label, n] of Object.entries(stats.predictions?.classes ?? {})) expectShown(b.shown, `predictions.${label}`, n);
    for (const s of ['positive', 'neutral', 'negative'] as const) expectShown(b.shown, `sentiment.${s}`, stats.sentimentLabels[s]);
    expectShown(b.shown, 'quality.duplicate', stats.quality.duplicate);
    expectShown(b.shown, 'confusion.accuracy', confusionMetrics(stats.confusion ?? { labels: [], matrix: [] }).accuracy.toFixed(4));
    for (const step of ['markup', 'urls', 'addresses', 'punctuation'] as const) {
      expectShown(b.shown, `removed.${step}.chars`, profile.removed[step].removed);
      assert.ok(profile.removed[step].removed > 0, `${step} removed something in this batch`);
    }
    expectShown(b.shown, 'stopwords.removed', profile.stopwords.removed);
    expectShown(b.shown, 'profile.rawChars', profile.rawChars);
    for (const [language, n] of Object.entries(profile.languages)) expectShown(b.shown, `languages.${language}`, n);
    expectShown(b.shown, 'distinct.tokens', stats.vocabulary.distinctTerms);
    expectShown(b.shown, 'distinct.withoutStopwords', stats.vocabulary.distinctTerms - profile.stopwordTerms.length);
    expectShown(b.shown, 'distinct.stems', profile.distinct.stems);
    assert.equal(profile.documents, batch.scored);
    assert.ok(profile.rawChars > profile.cleanChars);
    assert.ok((await b.page.locator('svg').count()) >= 10, 'charts are embedded as SVG');

    // --- drift report
    const report = await json<DriftReportV1>(driftResult.reportKey);
    const d = await open(reportKeys.drift(driftRunId), 'report-drift.png');
    expectShown(d.shown, 'decision', report.decision);
    for (const s of report.statistics) {
      expectShown(d.shown, `status.${s.name}`, s.status);
      if (s.kind === 'distribution') {
        expectShown(d.shown, `psi.${s.name}`, s.psi === null ? 'n/a' : s.psi.toFixed(4));
        expectShown(d.shown, `js.${s.name}`, s.jsDistance === null ? 'n/a' : s.jsDistance.toFixed(4));
        s.window.forEach((n, i) => expectShown(d.shown, `bins.${s.name}.${i}.window`, n));
      }
    }
    assert.ok((await d.page.locator('svg').count()) >= 3, 'a baseline-vs-window chart per distribution');

    for (const r of [m, b, d]) {
      assert.deepEqual(r.external, [], 'a report fetches nothing');
      assert.equal(await r.page.locator('script, link, img, iframe').count(), 0, 'self-contained: no script, link or image');
      await r.page.close();
    }

    // The alarms' metrics came from these runs: ModelF1 of the new champion, DriftPSI of the check.
    const datums = (await readFile(fx.metricsFile, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { name: string; value: number; dimensions: Record<string, string> });
    // (The drift check may have retrained meanwhile: a later version adds its own datum.)
    const f1 = datums.filter((x) => x.name === 'ModelF1' && x.dimensions.modelVersion === `${model}@${outcome.modelVersion}`);
    assert.deepEqual(
      f1.map((x) => x.value),
      [outcome.metrics.macroF1],
    );
    const psis = report.statistics.flatMap((s) =>
      s.kind === 'distribution' && s.psi !== null && s.status !== 'insufficient-data' ? [s.psi] : [],
    );
    assert.deepEqual(
      datums.filter((x) => x.name === 'DriftPSI').map((x) => x.value),
      [Math.max(...psis)],
    );

    // The CLI renders the same report to a file and prints its path.
    const env = { ...process.env, ...testCodecEnv, STORE: 'fs', STORE_ROOT: fx.deps.store.root, DATA_DIR: fx.dir };
    const { stdout } = await run(process.execPath, [path.join(repoRoot(), 'dist/src/client/cli.js'), 'report', 'batch', batchId], { env });
    const printed = stdout.trim();
    assert.equal(printed, path.join(fx.dir, 'reports', `batch-${batchId}.html`));
  });
});
