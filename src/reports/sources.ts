import type { BatchStatisticsDocumentV1 } from '../activities/drift/types';
import type { DriftReportV1 } from '../contracts/drift-correction';
import { driftKeys } from '../drift/keys';
import { readBatchManifest } from '../lake/manifest';
import type { ModelRegistry } from '../model/registry';
import { layout } from '../pipeline/layout';
import { ObjectNotFoundError, type ObjectStore } from '../storage/object-store';
import { renderBatchReport } from './batch-report';
import { renderDriftReport } from './drift-report';
import { modelReportKeys, readModelReportInputs, resolveModelRef } from './model-inputs';
import { renderModelReport } from './model-report';
import type { BatchProfileV1 } from './profile';

/** Where each report is stored: next to the JSON it is rendered from. */
export const reportKeys = {
  batch: (batchId: string) => layout.batchReport(batchId),
  model: (modelName: string, version: string) => modelReportKeys.report(modelName, version),
  drift: (runId: string) => driftKeys.report(runId).replace(/\.json$/, '.html'),
};

export class ReportSourceMissingError extends Error {
  override readonly name = 'ReportSourceMissingError';
}

async function readJson<T>(store: ObjectStore, key: string): Promise<T | null> {
  try {
    return JSON.parse((await store.get(key)).toString('utf8')) as T;
  } catch (err) {
    if (err instanceof ObjectNotFoundError) return null;
    throw err;
  }
}

/** A batch's report from its manifest, statistics and profile (small JSON documents, never the rows). */
export async function buildBatchReport(store: ObjectStore, batchId: string): Promise<string> {
  const manifest = await readBatchManifest(store, batchId);
  const [statistics, profile] = await Promise.all([
    readJson<BatchStatisticsDocumentV1>(store, layout.statistics(batchId)),
    readJson<BatchProfileV1>(store, layout.profile(batchId)),
  ]);
  return renderBatchReport({ manifest, statistics, profile });
}

export async function buildModelReport(
  store: ObjectStore,
  registry: ModelRegistry,
  ref: string,
): Promise<{ html: string; modelName: string; version: string }> {
  const { modelName, version } = await resolveModelRef(registry, ref);
  const inputs = await readModelReportInputs(store, registry, modelName, version);
  return { html: renderModelReport(inputs), modelName, version };
}

export async function buildDriftReport(store: ObjectStore, runId: string): Promise<string> {
  const key = driftKeys.report(runId);
  const report = await readJson<DriftReportV1>(store, key);
  if (!report) throw new ReportSourceMissingError(`no drift report at ${key} (unknown run id, or the check has not finished)`);
  return renderDriftReport(report);
}
