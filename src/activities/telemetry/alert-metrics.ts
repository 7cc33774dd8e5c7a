import type { MetricsSink } from '../../metrics/metrics-sink';

/**
 * The metrics the stack's alarms watch (infra/lib/alerting.ts: BatchesFailed, DriftPSI, ModelF1),
 * with the dimensions every pipeline metric carries: {pipeline, modelVersion}.
 */
export function createAlertMetricActivities(sink: MetricsSink) {
  const dims = (pipeline: string, modelName: string, version: string | null) => ({
    pipeline,
    modelVersion: `${modelName}@${version ?? 'unresolved'}`,
  });
  return {
    /** 1 per ingestBatch run that ends failed, cancelled, terminated or timed out. */
    async recordBatchFailed(input: { batchId: string; modelName: string; modelVersion: string | null; status: string }): Promise<void> {
      await sink.record([
        {
          name: 'BatchesFailed',
          value: 1,
          unit: 'Count',
          dimensions: dims('ingestBatch', input.modelName, input.modelVersion),
          timestamp: new Date(),
        },
      ]);
    },
    /** The largest PSI of a drift check's distributions (none measurable: nothing is sent). */
    async recordDriftPsi(input: { modelName: string; modelVersion: string | null; psi: number | null }): Promise<void> {
      if (input.psi === null || !Number.isFinite(input.psi)) return;
      await sink.record([
        {
          name: 'DriftPSI',
          value: input.psi,
          unit: 'None',
          dimensions: dims('driftCorrection', input.modelName, input.modelVersion),
          timestamp: new Date(),
        },
      ]);
    },
    /** Macro F1 of the champion after a training run's evaluation (the promoted challenger, or the champion kept). */
    async recordModelF1(input: { modelName: string; modelVersion: string; macroF1: number }): Promise<void> {
      await sink.record([
        {
          name: 'ModelF1',
          value: input.macroF1,
          unit: 'None',
          dimensions: dims('continuousTraining', input.modelName, input.modelVersion),
          timestamp: new Date(),
        },
      ]);
    },
  };
}

export type AlertMetricActivities = ReturnType<typeof createAlertMetricActivities>;
