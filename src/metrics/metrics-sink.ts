export type MetricUnit = 'Count' | 'Seconds' | 'Milliseconds' | 'Percent' | 'None' | 'Count/Second';

export interface MetricDatum {
  name: string;
  value: number;
  unit: MetricUnit;
  /** Dimensions such as { pipeline: 'ingestBatch', modelVersion: 'v3' }. */
  dimensions: Record<string, string>;
  timestamp?: Date;
}

/** Where pipeline metrics go: a local JSON Lines file by default, CloudWatch on AWS. */
export interface MetricsSink {
  record(data: MetricDatum[]): Promise<void>;
}
