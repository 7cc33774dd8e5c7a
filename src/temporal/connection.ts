import { Client, Connection } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { NativeConnection } from '@temporalio/worker';
import type { Settings } from '../config/settings';

type TemporalSettings = Settings['temporal'];

function connectionOptions(t: TemporalSettings) {
  return { address: t.address, tls: t.tls ? {} : undefined, apiKey: t.apiKey };
}

/**
 * A client whose payloads go through `dataConverter` (src/codec: `codecDataConverter(codec)`), so
 * inputs, results, signals, queries, memos and failures reach the server encrypted. Required on
 * purpose: a client without the codec would write plaintext histories and could not read results.
 */
export async function connectClient(t: TemporalSettings, dataConverter: DataConverter): Promise<Client> {
  const connection = await Connection.connect({ ...connectionOptions(t), connectTimeout: '5s' });
  return new Client({ connection, namespace: t.namespace, dataConverter });
}

export function connectWorker(t: TemporalSettings): Promise<NativeConnection> {
  return NativeConnection.connect(connectionOptions(t));
}
