import type { ModelRegistry } from '../../model/registry';
import { modelReportKeys, type ModelRunRecordV1 } from '../../reports/model-inputs';
import { buildBatchReport, buildDriftReport, buildModelReport, reportKeys } from '../../reports/sources';
import type { ObjectStore } from '../../storage/object-store';

export interface ReportDependencies {
  store: ObjectStore;
  registry: ModelRegistry;
}

const html = { contentType: 'text/html; charset=utf-8' } as const;

/**
 * One small activity per report, each rendering from the JSON its workflow already stored (no row
 * is read again) and writing the HTML next to it. Keys in, keys out.
 */
export function createReportActivities({ store, registry }: ReportDependencies) {
  return {
    async writeBatchReport({ batchId }: { batchId: string }): Promise<{ key: string }> {
      const key = reportKeys.batch(batchId);
      await store.put(key, await buildBatchReport(store, batchId), html);
      return { key };
    },

    /** Records the training run's decision next to the version (run.json), then renders the model report. */
    async writeModelReport({
      run,
    }: {
      run: Omit<ModelRunRecordV1, 'schemaVersion' | 'recordedAt'>;
    }): Promise<{ key: string; runKey: string }> {
      const runKey = modelReportKeys.run(run.modelName, run.version);
      const record: ModelRunRecordV1 = { schemaVersion: 1, ...run, recordedAt: new Date().toISOString() };
      await store.put(runKey, JSON.stringify(record, null, 2) + '\n', { contentType: 'application/json' });
      const { html: page } = await buildModelReport(store, registry, `${run.modelName}@${run.version}`);
      const key = reportKeys.model(run.modelName, run.version);
      await store.put(key, page, html);
      return { key, runKey };
    },

    async writeDriftReportHtml({ runId }: { runId: string }): Promise<{ key: string }> {
      const key = reportKeys.drift(runId);
      await store.put(key, await buildDriftReport(store, runId), html);
      return { key };
    },
  };
}

export type ReportActivities = ReturnType<typeof createReportActivities>;
