import type { Settings } from '../config/settings';
import { FsObjectStore } from '../storage/fs-object-store';
import type { ObjectStore } from '../storage/object-store';
import { S3ObjectStore } from '../storage/s3-object-store';
import { createS3Client } from './clients';

/**
 * The object store the settings describe. S3 credentials come from the SDK's default chain
 * (environment, profile, ECS task role / Batch job role), never from Settings.
 */
export function objectStoreFromSettings(settings: Pick<Settings, 'store' | 'aws'>): ObjectStore {
  const store = settings.store;
  if (store.kind === 'fs') return new FsObjectStore(store.root);
  const client = createS3Client({
    region: settings.aws.region,
    ...(settings.aws.endpoint !== undefined ? { endpoint: settings.aws.endpoint } : {}),
  });
  return new S3ObjectStore({
    client,
    bucket: store.bucket,
    prefix: store.prefix,
    ...(store.sseKmsKeyId ? { sseKmsKeyId: store.sseKmsKeyId } : {}),
  });
}

/**
 * The environment variables that make `loadSettings()` in a child process (local runner, Batch
 * container) describe the same store as `settings`. Credentials are deliberately not included.
 */
export function storeEnvironment(settings: Pick<Settings, 'store' | 'aws' | 'dataDir'>): Record<string, string> {
  const env: Record<string, string> = { DATA_DIR: settings.dataDir, AWS_REGION: settings.aws.region };
  if (settings.aws.endpoint !== undefined) env.AWS_ENDPOINT_URL = settings.aws.endpoint;
  if (settings.store.kind === 'fs') return { ...env, STORE: 'fs', STORE_ROOT: settings.store.root };
  return {
    ...env,
    STORE: 's3',
    S3_BUCKET: settings.store.bucket,
    S3_PREFIX: settings.store.prefix,
    ...(settings.store.sseKmsKeyId ? { S3_SSE_KMS_KEY_ID: settings.store.sseKmsKeyId } : {}),
  };
}
