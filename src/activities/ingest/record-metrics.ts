import type { MetricDatum, MetricsSink } from '../../metrics/metrics-sink';
import type { ResolvedModel } from './types';

export interface RecordBatchMetricsInput {
  batchId: string;
  model: ResolvedModel;
  inputRows: number;
  scored: number;
  quarantined: number;
  predictedCounts: Record<string, number>;
  startedAt: string;
}

export function createRecordMetrics(sink: MetricsSink) {
  return async function recordMetrics(input: RecordBatchMetricsInput): Promise<void> {
    const dimensions = { pipeline: 'ingestBatch', modelVersion: `${input.model.modelName}@${input.model.modelVersion}` };
    const timestamp = new Date();
    const data: MetricDatum[] = [
      { name: 'DocumentsProcessed', value: input.scored, unit: 'Count', dimensions, timestamp },
      { name: 'DocumentsQuarantined', value: input.quarantined, unit: 'Count', dimensions, timestamp },
      {
        name: 'QuarantineRate',
        value: input.inputRows === 0 ? 0 : (100 * input.quarantined) / input.inputRows,
        unit: 'Percent',
        dimensions,
        timestamp,
      },
      { name: 'BatchDuration', value: (timestamp.getTime() - Date.parse(input.startedAt)) / 1000, unit: 'Seconds', dimensions, timestamp },
    ];
    for (const [label, count] of Object.entries(input.predictedCounts)) {
      data.push({
        name: 'ClassShare',
        value: input.scored === 0 ? 0 : (100 * count) / input.scored,
        unit: 'Percent',
        dimensions: { ...dimensions, class: label },
        timestamp,
      });
    }
    await sink.record(data);
  };
}
