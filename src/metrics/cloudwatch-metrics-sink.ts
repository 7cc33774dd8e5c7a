import { CloudWatchClient, MetricDatum as CloudWatchDatum, PutMetricDataCommand, StandardUnit } from '@aws-sdk/client-cloudwatch';
import { MetricDatum, MetricsSink } from './metrics-sink';

export interface CloudWatchMetricsSinkOptions {
  client: CloudWatchClient;
  /** e.g. `NlpBatch`; `AWS/` is reserved for AWS's own metrics. */
  namespace: string;
}

/** PutMetricData limits: 1,000 datums and 1 MB of payload per request, 30 dimensions per datum. */
export const MAX_DATUMS_PER_REQUEST = 1000;
const MAX_REQUEST_BYTES = 1_000_000;
/** Room left for the namespace, the envelope and serialisation differences of the wire protocol. */
const REQUEST_BYTES_BUDGET = 900_000;
const MAX_DIMENSIONS = 30;
/** CloudWatch rejects magnitudes outside [8.515920e-109, 1.174271e+108] (zero aside). */
const MIN_MAGNITUDE = 8.51592e-109;
const MAX_MAGNITUDE = 1.174271e108;

/**
 * Sends pipeline metrics to CloudWatch. One bad datum fails a whole PutMetricData request, so
 * datums are checked before anything is sent: structural mistakes (too many dimensions, empty
 * names) throw, values CloudWatch cannot store (NaN, Infinity) are dropped, out-of-range magnitudes
 * are clamped.
 */
export class CloudWatchMetricsSink implements MetricsSink {
  private readonly client: CloudWatchClient;
  private readonly namespace: string;

  constructor(options: CloudWatchMetricsSinkOptions) {
    if (!options.namespace || /^AWS\//.test(options.namespace)) {
      throw new Error(`CloudWatchMetricsSink: invalid namespace ${JSON.stringify(options.namespace)}`);
    }
    this.client = options.client;
    this.namespace = options.namespace;
  }

  async record(data: MetricDatum[]): Promise<void> {
    const datums = data.map(toCloudWatch).filter((d): d is CloudWatchDatum => d !== undefined);
    // Sequential on purpose: order is kept and one failure stops the rest instead of racing them.
    for (const chunk of chunkDatums(datums)) {
      await this.client.send(new PutMetricDataCommand({ Namespace: this.namespace, MetricData: chunk }));
    }
  }
}

/** Splits into requests of at most 1,000 datums and about 900 KB each. */
export function chunkDatums(datums: CloudWatchDatum[], budgetBytes: number = REQUEST_BYTES_BUDGET): CloudWatchDatum[][] {
  const chunks: CloudWatchDatum[][] = [];
  let current: CloudWatchDatum[] = [];
  let bytes = 0;
  for (const datum of datums) {
    // JSON is what the SDK sends (awsJson1_0); a Date serialises longer here than on the wire, so
    // the estimate errs on the safe side.
    const size = Buffer.byteLength(JSON.stringify(datum)) + 1;
    if (size > MAX_REQUEST_BYTES) throw new RangeError(`metric datum ${datum.MetricName} exceeds the PutMetricData size limit`);
    if (current.length > 0 && (current.length >= MAX_DATUMS_PER_REQUEST || bytes + size > budgetBytes)) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(datum);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

function toCloudWatch(datum: MetricDatum): CloudWatchDatum | undefined {
  if (!datum.name || datum.name.length > 255) throw new RangeError(`invalid metric name ${JSON.stringify(datum.name)}`);
  const dimensions = Object.entries(datum.dimensions ?? {});
  if (dimensions.length > MAX_DIMENSIONS) {
    throw new RangeError(`metric ${datum.name} has ${dimensions.length} dimensions (CloudWatch allows ${MAX_DIMENSIONS})`);
  }
  for (const [name, value] of dimensions) {
    // Truncating or dropping a dimension would silently file the value under another metric.
    if (!name || name.length > 255 || !value || value.length > 1024) {
      throw new RangeError(`metric ${datum.name}: invalid dimension ${JSON.stringify(name)}=${JSON.stringify(value)}`);
    }
  }
  if (!Number.isFinite(datum.value)) return undefined;
  return {
    MetricName: datum.name,
    Value: clampMagnitude(datum.value),
    Unit: datum.unit as StandardUnit,
    ...(datum.timestamp ? { Timestamp: datum.timestamp } : {}),
    ...(dimensions.length > 0 ? { Dimensions: dimensions.map(([Name, Value]) => ({ Name, Value })) } : {}),
  };
}

function clampMagnitude(value: number): number {
  const magnitude = Math.abs(value);
  if (magnitude === 0) return 0;
  if (magnitude < MIN_MAGNITUDE) return 0;
  if (magnitude > MAX_MAGNITUDE) return Math.sign(value) * MAX_MAGNITUDE;
  return value;
}
