import { defaultPayloadConverter, type DataConverter, type Payload } from '@temporalio/common';
import type { ClientPlugin } from '@temporalio/client';
import type { WorkerPlugin } from '@temporalio/worker';
import { AesGcmPayloadCodec, codecDataConverter, createKeyring, parsePayloadKeys } from '../../src/codec';

/**
 * The payload keys of the test suite. Committed on purpose: they protect nothing but test runs,
 * and the history fixtures under test/fixtures/histories/ are encrypted with them (test-2), so
 * replaying the fixtures needs them. test-1 is an "old" key that only decrypts (rotation tests).
 */
export const TEST_PAYLOAD_KEYS = 'test-1:ycO0AaYfIuEIvoCvNryjizKOq+o54Rrl0EW7xrE9yLQ=,test-2:jSi0JCYnYlmV9It9e/xsxiXB91YeDmh6RzKWjnEvYN8=';
export const TEST_PAYLOAD_KEY_ID = 'test-2';
/** The same keys as environment variables, for child processes (CLI, worker, capture script). */
export const testCodecEnv = { PAYLOAD_KEYS: TEST_PAYLOAD_KEYS, PAYLOAD_KEY_ID: TEST_PAYLOAD_KEY_ID } as const;

export const testKeyring = createKeyring(parsePayloadKeys(TEST_PAYLOAD_KEYS), TEST_PAYLOAD_KEY_ID);
export const testCodec = new AesGcmPayloadCodec(testKeyring);
export const testDataConverter: DataConverter = codecDataConverter(testCodec);

/**
 * Gives every client, worker and replay worker of the shared test server the test codec: passed
 * to TestWorkflowEnvironment.createLocal, it rides on env.connection and env.nativeConnection, so
 * a test that builds its own Worker on env.nativeConnection encrypts too.
 */
export const testCodecPlugin: ClientPlugin & WorkerPlugin = {
  name: 'nlp-batch-test-codec',
  configureClient: (options) => ({ ...options, dataConverter: options.dataConverter ?? testDataConverter }),
  configureWorker: (options) => ({ ...options, dataConverter: options.dataConverter ?? testDataConverter }),
  configureReplayWorker: (options) => ({ ...options, dataConverter: options.dataConverter ?? testDataConverter }),
};

/** A payload read from a raw history or describe() (encrypted), as a value. */
export async function decodePayload<T>(payload: Payload | null | undefined): Promise<T> {
  if (!payload) throw new Error('no payload');
  const [plain] = await testCodec.decode([payload]);
  return defaultPayloadConverter.fromPayload<T>(plain);
}
