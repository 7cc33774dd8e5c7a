import { CloudWatchClient, GetMetricDataCommand, MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import assert from 'node:assert/strict';
import { createCloudWatchClient } from '../../src/aws/clients';
import { chunkDatums, CloudWatchMetricsSink } from '../../src/metrics/cloudwatch-metrics-sink';
import { MetricDatum } from '../../src/metrics/metrics-sink';
import { MotoServer, startMoto } from '../helpers/moto';

describe('CloudWatchMetricsSink', () => {
  describe('chunking', () => {
    it('cuts at 1,000 datums and at the payload budget', () => {
      const small = Array.from({ length: 2500 }, (_, i) => ({ MetricName: 'm', Value: i }));
      assert.deepEqual(
        chunkDatums(small).map((c) => c.length),
        [1000, 1000, 500],
      );
      // Fat datums (30 long dimensions) hit the byte budget long before 1,000.
      const fat = Array.from({ length: 1000 }, (_, i) => ({
        MetricName: 'm',
        Value: i,
        Dimensions: Array.from({ length: 30 }, (_, d) => ({ Name: `dimension-${d}`, Value: 'v'.repeat(100) })),
      }));
      const chunks = chunkDatums(fat);
      assert.ok(chunks.length > 1);
      for (const chunk of chunks) assert.ok(Buffer.byteLength(JSON.stringify(chunk)) < 1_000_000);
      assert.equal(chunks.flat().length, 1000);
    });

    it('refuses structural mistakes before sending anything', async () => {
      let calls = 0;
      const client = { send: async () => void calls++ } as unknown as CloudWatchClient;
      const sink = new CloudWatchMetricsSink({ client, namespace: 'NlpBatch/Test' });
      const base: MetricDatum = { name: 'm', value: 1, unit: 'Count', dimensions: {} };
      const tooMany = Object.fromEntries(Array.from({ length: 31 }, (_, i) => [`d${i}`, 'x']));
      await assert.rejects(sink.record([base, { ...base, dimensions: tooMany }]), RangeError);
      await assert.rejects(sink.record([{ ...base, dimensions: { pipeline: '' } }]), RangeError);
      assert.equal(calls, 0);
      assert.throws(() => new CloudWatchMetricsSink({ client, namespace: 'AWS/EC2' }));
      // Values CloudWatch cannot store are dropped rather than failing the whole batch.
      await sink.record([
        { ...base, value: Number.NaN },
        { ...base, value: Number.POSITIVE_INFINITY },
      ]);
      assert.equal(calls, 0);
    });
  });

  describe('over the wire (moto)', () => {
    let moto: MotoServer;
    let client: CloudWatchClient;
    const puts: number[] = [];

    before(async () => {
      moto = await startMoto();
      client = createCloudWatchClient(moto.settings);
      client.middlewareStack.add(
        (next, context) => (args) => {
          if (context.commandName === 'PutMetricDataCommand') {
            puts.push(((args.input as { MetricData?: unknown[] }).MetricData ?? []).length);
          }
          return next(args);
        },
        { step: 'initialize', name: 'countPutMetricData' },
      );
    });
    after(async () => {
      client?.destroy();
      await moto?.stop();
    });

    it('puts 2,500 datums in three requests and reads the values back with GetMetricData', async () => {
      const namespace = 'NlpBatch/Test';
      // One minute boundary, a few minutes ago: every datum falls in the same period.
      const at = new Date(Math.floor((Date.now() - 5 * 60_000) / 60_000) * 60_000);
      const shards = ['s0', 's1', 's2', 's3', 's4'];
      const data: MetricDatum[] = Array.from({ length: 2500 }, (_, i) => ({
        name: 'DocumentsScored',
        value: (i % 7) + 1,
        unit: 'Count',
        dimensions: { pipeline: 'ingestBatch', shard: shards[i % shards.length] as string },
        timestamp: at,
      }));
      await new CloudWatchMetricsSink({ client, namespace }).record(data);
      assert.deepEqual(puts, [1000, 1000, 500]);

      const queries: MetricDataQuery[] = shards.flatMap((shard, s) =>
        (['Sum', 'SampleCount'] as const).map((stat) => ({
          Id: `${stat.toLowerCase()}${s}`,
          MetricStat: {
            Metric: {
              Namespace: namespace,
              MetricName: 'DocumentsScored',
              Dimensions: [
                { Name: 'pipeline', Value: 'ingestBatch' },
                { Name: 'shard', Value: shard },
              ],
            },
            Period: 600,
            Stat: stat,
          },
        })),
      );
      const out = await client.send(
        new GetMetricDataCommand({
          MetricDataQueries: queries,
          StartTime: new Date(at.getTime() - 5 * 60_000),
          EndTime: new Date(at.getTime() + 5 * 60_000),
        }),
      );
      const byId = Object.fromEntries((out.MetricDataResults ?? []).map((r) => [r.Id, r.Values ?? []]));
      shards.forEach((shard, s) => {
        const values = data.filter((d) => d.dimensions.shard === shard).map((d) => d.value);
        assert.deepEqual(byId[`samplecount${s}`], [values.length], shard);
        assert.deepEqual(byId[`sum${s}`], [values.reduce((a, b) => a + b, 0)], shard);
      });
    });
  });
});
