import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import assert from 'node:assert/strict';
import path from 'node:path';
import { createS3Client } from '../../src/aws/clients';
import { objectStoreFromSettings, storeEnvironment } from '../../src/aws/store-from-settings';
import { loadSettings } from '../../src/config/settings';
import { jobSpecKey } from '../../src/jobs/job-spec-key';
import { LocalProcessRunner } from '../../src/jobs/local-process-runner';
import type { EtlJobSpec, RemoteJobRunner, RemoteJobState, ScoringJobSpec } from '../../src/jobs/remote-job';
import { readScoringSummary } from '../../src/jobs/scoring-summary';
import { ModelRegistry } from '../../src/model';
import { layout } from '../../src/pipeline/layout';
import { parseJsonl, toJsonl } from '../../src/pipeline/jsonl';
import type { ResultRecord } from '../../src/pipeline/records';
import { S3ObjectStore } from '../../src/storage/s3-object-store';
import { sampleMessages } from '../helpers/corpus';
import { MotoServer, startMoto } from '../helpers/moto';
import { seedModel } from '../helpers/seed-model';

const compiled = path.resolve(__dirname, '..', '..', 'src');

async function waitForEnd(runner: RemoteJobRunner, jobId: string): Promise<RemoteJobState> {
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 50))) {
    const state = await runner.status(jobId);
    if (state.state !== 'running') return state;
  }
  throw new Error('job did not end');
}

/** The job entrypoints as AWS Batch would run them, but as local processes, against an S3 store (moto). */
describe('job entrypoints on an S3 store (moto)', () => {
  let moto: MotoServer;
  let s3: S3Client;
  let runner: LocalProcessRunner;

  before(async () => {
    moto = await startMoto();
    s3 = createS3Client(moto.settings);
    await s3.send(new CreateBucketCommand({ Bucket: 'nlp-store' }));
  });
  after(async () => {
    await runner?.close();
    s3?.destroy();
    await moto?.stop();
  });

  it('cleans and scores shards read from and written to S3 under the store prefix', async function () {
    this.timeout(90_000);
    const settings = loadSettings({
      STORE: 's3',
      S3_BUCKET: 'nlp-store',
      S3_PREFIX: 'team/dev',
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL: moto.endpoint,
    });
    // The test's own view of the store; the children build theirs from the environment.
    const store = new S3ObjectStore({ client: s3, bucket: 'nlp-store', prefix: 'team/dev' });
    assert.equal(objectStoreFromSettings(settings).location, 's3://nlp-store/team/dev');
    await seedModel(new ModelRegistry(store), 'mail', 200);

    const batchId = 'b-s3';
    const messages = sampleMessages(16, 2400);
    const shards = [messages.slice(0, 9), messages.slice(9)];
    for (const [s, part] of shards.entries()) {
      await store.put(
        layout.staged(batchId, s),
        toJsonl(
          part.map((m, i) => ({
            id: `${s}.${i}`,
            source: { key: 'raw/m.csv', line: i + 2 },
            title: m.subject,
            body: m.body,
            label: m.label,
          })),
        ),
      );
    }

    runner = new LocalProcessRunner({
      entrypoints: {
        scoring: path.join(compiled, 'scoring', 'batch-entrypoint.js'),
        etl: path.join(compiled, 'etl', 'local-etl-entrypoint.js'),
      },
      // Children get the store settings and dummy credentials for the emulator, nothing else of ours.
      env: { ...storeEnvironment(settings), AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing' },
    });
    const etl: EtlJobSpec = {
      kind: 'etl',
      batchId,
      inputKeys: shards.map((_, s) => layout.staged(batchId, s)),
      outputKeys: shards.map((_, s) => layout.processed(batchId, s)),
      textOptions: { language: 'en', keepNegations: true, stem: true },
    };
    await store.put(jobSpecKey(batchId, 'etl'), JSON.stringify(etl));
    assert.deepEqual(await waitForEnd(runner, await runner.submit(etl, 'b-s3-etl')), { state: 'succeeded' });

    const scoring: ScoringJobSpec = {
      kind: 'scoring',
      batchId,
      modelName: 'mail',
      modelVersion: 'v1',
      processedKeys: etl.outputKeys,
      resultKeys: shards.map((_, s) => layout.resultPart(batchId, s)),
    };
    await store.put(jobSpecKey(batchId, 'scoring'), JSON.stringify(scoring));
    assert.deepEqual(await waitForEnd(runner, await runner.submit(scoring, 'b-s3-scoring')), { state: 'succeeded' });

    for (const [s, part] of shards.entries()) {
      const results = parseJsonl<ResultRecord>(await store.get(scoring.resultKeys[s]), scoring.resultKeys[s]);
      assert.deepEqual(
        results.map((r) => r.id),
        part.map((_, i) => `${s}.${i}`),
      );
      assert.ok(results.every((r) => r.modelVersion === 'v1' && ['spam', 'ham'].includes(r.predictedLabel)));
      const summary = await readScoringSummary(store, scoring.resultKeys[s]);
      assert.equal(summary.rows, part.length);
      assert.equal(
        Object.values(summary.predictedCounts).reduce((a, b) => a + b, 0),
        part.length,
      );
    }
  });
});
