/**
 * Where and as whom the AWS clients talk. `endpoint` is set only for an emulator (moto) or a VPC
 * endpoint; leaving the keys out falls back to the SDK's default credential chain (env, profile,
 * container/instance role), which is what a deployed worker should use.
 */
export interface AwsSettings {
  region: string;
  endpoint?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  sessionToken?: string;
}

/** The static credential shape every v3 client accepts (kept local: @aws-sdk/types is only transitive). */
export interface StaticCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** Static credentials when both keys are given, `undefined` (default chain) when neither is. */
export function credentialsFrom(settings: AwsSettings): StaticCredentials | undefined {
  const { accessKeyId, secretAccessKey, sessionToken } = settings;
  if (!accessKeyId && !secretAccessKey) {
    // A lone session token cannot authenticate anything; refusing it beats silently ignoring it.
    if (sessionToken) throw new Error('AWS settings: sessionToken given without accessKeyId/secretAccessKey');
    return undefined;
  }
  if (!accessKeyId || !secretAccessKey) {
    // Never echo the value that is present: the message ends up in logs.
    throw new Error('AWS settings: accessKeyId and secretAccessKey must be given together');
  }
  return sessionToken ? { accessKeyId, secretAccessKey, sessionToken } : { accessKeyId, secretAccessKey };
}

/** A log-safe view of the settings: the credential source, never the keys themselves. */
export function describeAwsSettings(settings: AwsSettings): {
  region: string;
  endpoint?: string;
  credentials: 'static' | 'static+session' | 'default-chain';
} {
  const credentials = !settings.accessKeyId ? 'default-chain' : settings.sessionToken ? 'static+session' : 'static';
  return settings.endpoint === undefined
    ? { region: settings.region, credentials }
    : { region: settings.region, endpoint: settings.endpoint, credentials };
}
