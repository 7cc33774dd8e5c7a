import { BatchClient } from '@aws-sdk/client-batch';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { GlueClient } from '@aws-sdk/client-glue';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { AwsSettings, credentialsFrom } from './settings';

export type { AwsSettings } from './settings';
export { credentialsFrom, describeAwsSettings } from './settings';

/** The options every v3 client shares; `undefined` fields keep the SDK's own defaults. */
function baseConfig(settings: AwsSettings): {
  region: string;
  endpoint?: string;
  credentials?: ReturnType<typeof credentialsFrom>;
} {
  if (!settings.region) throw new Error('AWS settings: region is required');
  const credentials = credentialsFrom(settings);
  return {
    region: settings.region,
    ...(settings.endpoint !== undefined ? { endpoint: settings.endpoint } : {}),
    ...(credentials !== undefined ? { credentials } : {}),
  };
}

export function createS3Client(settings: AwsSettings): S3Client {
  const emulated = settings.endpoint !== undefined;
  return new S3Client({
    ...baseConfig(settings),
    // Emulators (and most VPC/custom endpoints) cannot resolve `<bucket>.host` virtual-host names.
    forcePathStyle: emulated,
    // Since 3.729 the SDK adds CRC32 trailers to every upload and validates response checksums by
    // default; emulators do not all understand aws-chunked trailers, so only send what S3 requires.
    ...(emulated ? { requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' } : {}),
  });
}

export function createSnsClient(settings: AwsSettings): SNSClient {
  return new SNSClient(baseConfig(settings));
}

export function createSqsClient(settings: AwsSettings): SQSClient {
  return new SQSClient(baseConfig(settings));
}

export function createCloudWatchClient(settings: AwsSettings): CloudWatchClient {
  return new CloudWatchClient(baseConfig(settings));
}

export function createGlueClient(settings: AwsSettings): GlueClient {
  return new GlueClient(baseConfig(settings));
}

export function createBatchClient(settings: AwsSettings): BatchClient {
  return new BatchClient(baseConfig(settings));
}
