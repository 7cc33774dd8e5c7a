/** Where drift detection keeps its objects (alongside the pipeline's layout in src/pipeline/layout.ts). */
export const driftKeys = {
  /** The statistics of a model version's training data. */
  baseline: (modelName: string, version: string) => `models/${modelName}/${version}/baseline.json`,
  /** The statistics of one scored batch. */
  batchStatistics: (batchId: string) => `batches/${batchId}/statistics.json`,
  /** The report of one driftCorrection run. */
  report: (runId: string) => `drift/${runId}.json`,
  /** Cooldown state: when drift last started a retraining of the model. */
  state: (modelName: string) => `drift/${modelName}/state.json`,
  /** The model's recent batches with statistics, newest last: where a drift window comes from. */
  batchIndex: (modelName: string) => `drift/${modelName}/batches.json`,
  /** Batches counted since the last drift check was requested. */
  counter: (modelName: string) => `drift/${modelName}/counter.json`,
};
