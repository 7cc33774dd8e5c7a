import { CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { FaultProxy } from '../../bench/chaos/fault-proxy';
import { createS3Client } from '../../src/aws/clients';
import { S3ObjectStore } from '../../src/storage/s3-object-store';
import { startMoto, type MotoServer } from './moto';

export interface FaultyS3 {
  moto: MotoServer;
  proxy: FaultProxy;
  /** The application's own S3 client, pointed at the proxy. */
  s3: S3Client;
  /** An S3ObjectStore on `bucket` under the prefix `nlp`, through the proxy. */
  store: S3ObjectStore;
  close(): Promise<void>;
}

/** moto on 127.0.0.1 behind the chaos suite's fault proxy, with one bucket made: S3 that can fail on cue. */
export async function faultyS3(bucket: string): Promise<FaultyS3> {
  const moto = await startMoto();
  const proxy = await FaultProxy.start(moto.endpoint);
  const s3 = createS3Client({ ...moto.settings, endpoint: proxy.endpoint });
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  return {
    moto,
    proxy,
    s3,
    store: new S3ObjectStore({ client: s3, bucket, prefix: 'nlp' }),
    async close() {
      s3.destroy();
      await proxy.close();
      await moto.stop();
    },
  };
}
