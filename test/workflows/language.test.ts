import assert from 'node:assert/strict';
import type { PipelineWorker } from '../../src/workers/pipeline-worker';
import { signalWithStartTraining } from '../../src/activities/training/submit-training';
import { ingestOptions, ingestWorkflowId } from '../../src/client/ingest';
import { loadSettings } from '../../src/config/settings';
import { csvRow } from '../../src/datasets/csv-writer';
import { createRng } from '../../src/model';
import { readProcessedShard } from '../../src/jobs/processed-record';
import { layout } from '../../src/pipeline/layout';
import { buildTrainingInput } from '../../src/training/training-input';
import { ingestBatch } from '../../src/workflows/ingest-batch';
import { readResultRecords } from '../helpers/batch-results';
import { pipelineFixture, type PipelineFixture } from '../helpers/temporal-env';

const settings = loadSettings({});

/** Spanish product reviews, positive or negative by their adjectives (seeded). */
function spanishReviews(count: number, seed: number): { text: string; label: string }[] {
  const random = createRng(seed);
  const pick = <T>(values: readonly T[]) => values[Math.floor(random() * values.length)];
  const things = ['la película', 'la comida', 'el servicio', 'el hotel', 'el libro', 'las canciones', 'los actores', 'la habitación'];
  const good = ['excelente', 'maravillosa', 'fantástica', 'buenísima', 'encantadora', 'perfecta', 'increíble'];
  const bad = ['terrible', 'aburrida', 'horrible', 'pésima', 'decepcionante', 'malísima', 'desastrosa'];
  const filler = ['Fuimos el sábado con la familia.', 'Lo compré por recomendación de un amigo.', 'Era la primera vez que veníamos.', ''];
  return Array.from({ length: count }, (_, i) => {
    const positive = i % 2 === 0;
    const words = positive ? good : bad;
    const text = `${pick(filler)} En general ${pick(things)} fue ${pick(words)} y ${pick(things)} ${pick(words)}. ${positive ? 'Volveremos sin duda.' : 'No lo recomiendo para nada.'}`;
    return { text, label: positive ? 'positivo' : 'negativo' };
  });
}

describe('language-aware models (continuousTraining, then ingestBatch scoring with the model)', function () {
  this.timeout(180_000);
  let fx: PipelineFixture;
  let worker: PipelineWorker;
  let running: Promise<void>;

  before(async () => {
    fx = await pipelineFixture();
    worker = await fx.newWorker();
    running = worker.run();
  });
  after(async () => {
    worker.shutdown();
    await running;
    fx.cleanup();
  });

  it('detects Spanish in the training rows, records it in the config, and the in-worker ETL cleans and scores batches as Spanish', async () => {
    const rows = spanishReviews(240, 5);
    await fx.deps.store.put('raw/es/reviews.csv', csvRow(['text', 'label']) + rows.map((r) => csvRow([r.text, r.label])).join(''));
    const input = buildTrainingInput({
      modelName: 'resenas',
      requestId: 'es-1',
      data: { keys: ['raw/es/reviews.csv'] },
      maxRecordBytes: settings.pipeline.maxRecordBytes,
      reason: 'test',
      // No language anywhere in the request.
    });
    const outcome = await (await signalWithStartTraining(fx.env.client, fx.taskQueue, input)).result();
    assert.deepEqual(outcome.language, { language: 'es', source: 'detected' });
    assert.equal(outcome.promoted, true, outcome.decision);
    const config = await fx.deps.registry.load('resenas', outcome.modelVersion);
    assert.equal(config.config.text.language, 'es');
    const metrics = (await fx.deps.registry.metrics('resenas', outcome.evaluatedVersion ?? outcome.modelVersion)) as {
      provenance: { language: { language: string; source: string; votes: Record<string, number> } };
    };
    assert.equal(metrics.provenance.language.source, 'detected');
    assert.ok(metrics.provenance.language.votes.es > (metrics.provenance.language.votes.en ?? 0));

    // A batch scored by that model: cleaned with Spanish stopwords, stems and sentiment.
    const batch = ['La comida fue excelente y el servicio muy bueno', 'Las películas fueron aburridas, no las recomiendo'];
    await fx.deps.store.put('raw/es/batch.csv', csvRow(['text']) + batch.map((text) => csvRow([text])).join(''));
    const batchId = `es-${Date.now()}`;
    const handle = await fx.env.client.workflow.start(ingestBatch, {
      taskQueue: fx.taskQueue,
      workflowId: ingestWorkflowId(batchId),
      args: [
        {
          version: 1,
          batchId,
          modelName: 'resenas',
          sources: [{ key: 'raw/es/batch.csv' }],
          options: ingestOptions(settings, { shardSize: 50, parallelism: 1, driftCheckEveryBatches: 0 }),
        },
      ],
    });
    const result = await handle.result();
    const processed = readProcessedShard(await fx.deps.store.get(layout.processed(batchId, 0)), 'processed');
    // Spanish stopwords gone ("la", "el", "y", "muy", "las"), Spanish stems (accents stripped), Spanish lexicon sentiment.
    // (An English model would keep "la", "el", "y" and stem "películas" to "película".)
    assert.deepEqual(processed[0].tokens_nostop, ['comida', 'fue', 'excelente', 'servicio', 'bueno']);
    assert.deepEqual(processed[1].stems, ['pelicul', 'fueron', 'aburr', 'no', 'recom']);
    assert.equal(processed[0].sentiment?.label, 'positive');
    assert.equal(processed[1].sentiment?.label, 'negative');
    const results = await readResultRecords(fx.deps.store, result);
    assert.deepEqual(
      results.map((r) => r.predictedLabel),
      ['positivo', 'negativo'],
    );
  });
});
