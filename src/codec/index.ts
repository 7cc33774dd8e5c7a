import { promises as fs } from 'node:fs';
import { defaultPayloadConverter, type DataConverter, type LoadedDataConverter, type PayloadCodec } from '@temporalio/common';
import { ConfigError, type Settings } from '../config/settings';
import { addLogSecret } from '../logging/secrets';
import { isLoopbackAddress } from '../temporal/dev-server';
import { AesGcmPayloadCodec } from './aes-gcm-codec';
import { failureConverter } from './failure-converter';
import { createKeyring, loadOrCreateKeyFile, loadOrCreateSecretFile, type PayloadKeyring } from './keys';

export {
  AesGcmPayloadCodec,
  ENCRYPTED_ENCODING,
  isEncrypted,
  KEY_ID_METADATA_KEY,
  PayloadDecryptionError,
  payloadKeyId,
} from './aes-gcm-codec';
export { createKeyring, generatePayloadKey, parsePayloadKeys, type PayloadKey, type PayloadKeyring } from './keys';

/**
 * The keys this process encrypts and decrypts with: PAYLOAD_KEYS/PAYLOAD_KEY_ID when set.
 * Otherwise the local key file (DATA_DIR/secrets/payload-keys.json), generated with mode 0600 on
 * first use — but only for a server on this machine (the embedded setup): a worker of a shared
 * cluster with a key of its own would write histories no other process can read.
 */
export async function resolvePayloadKeyring(settings: Settings, log: (line: string) => void = () => undefined): Promise<PayloadKeyring> {
  const { keys, currentKeyId, keyFile } = settings.codec;
  let keyring: PayloadKeyring;
  if (keys) {
    keyring = createKeyring(keys, currentKeyId);
  } else {
    if (!isLoopbackAddress(settings.temporal.address) && !(await exists(keyFile))) {
      throw new ConfigError(
        `PAYLOAD_KEYS is required with the Temporal server at ${settings.temporal.address}: every client and worker must share the payload keys`,
      );
    }
    const loaded = await loadOrCreateKeyFile(keyFile);
    if (loaded.created)
      log(`generated a payload encryption key in ${keyFile} (mode 0600); set PAYLOAD_KEYS to share keys between machines`);
    keyring = loaded.keyring;
  }
  for (const key of keyring.keys.values()) addLogSecret(key.material.toString('base64'));
  return keyring;
}

export async function createPayloadCodec(settings: Settings, log?: (line: string) => void): Promise<AesGcmPayloadCodec> {
  return new AesGcmPayloadCodec(await resolvePayloadKeyring(settings, log));
}

/**
 * The failure converter module, by path: workers hand it to the workflow bundler too. A function,
 * not a constant: a one-file bundle (the Lambda) has no such file, and must not fail on import.
 */
export function failureConverterPath(): string {
  return require.resolve('./failure-converter');
}

/**
 * What workers, replay and clients take: the default payload converter, then the codec; failure
 * messages and stack traces are encoded into a payload first, so the codec encrypts them too.
 * A prebuilt workflow bundle must be made with the same `failureConverterPath`.
 */
export function codecDataConverter(codec: PayloadCodec): DataConverter {
  return { payloadCodecs: [codec], failureConverterPath: failureConverterPath() };
}

/**
 * The same converter already loaded, for clients bundled into one file (the Lambda), where the
 * converter module cannot be required by path. Client accepts a loaded converter as its
 * `dataConverter` (BaseClient checks for one) although the option is typed as DataConverter.
 */
export function loadedCodecDataConverter(codec: PayloadCodec): DataConverter {
  const loaded: LoadedDataConverter = { payloadConverter: defaultPayloadConverter, failureConverter, payloadCodecs: [codec] };
  return loaded as unknown as DataConverter;
}

/** CODEC_SERVER_TOKEN, or a generated one kept in DATA_DIR/secrets/codec-server-token (0600). */
export async function resolveCodecServerToken(
  settings: Settings,
  log: (line: string) => void = () => undefined,
): Promise<{ token: string; source: string }> {
  const server = settings.codec.server;
  if (server.token) {
    addLogSecret(server.token);
    return { token: server.token, source: 'CODEC_SERVER_TOKEN' };
  }
  const { secret, created } = await loadOrCreateSecretFile(server.tokenFile);
  if (created) log(`generated a codec server token in ${server.tokenFile} (mode 0600)`);
  addLogSecret(secret);
  return { token: secret, source: server.tokenFile };
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  );
}
