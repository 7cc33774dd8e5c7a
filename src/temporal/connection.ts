import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { Settings } from '../config/settings';

type TemporalSettings = Settings['temporal'];

function connectionOptions(t: TemporalSettings) {
  return { address: t.address, tls: t.tls ? {} : undefined, apiKey: t.apiKey };
}

export async function connectClient(t: TemporalSettings): Promise<Client> {
  const connection = await Connection.connect({ ...connectionOptions(t), connectTimeout: '5s' });
  return new Client({ connection, namespace: t.namespace });
}

export function connectWorker(t: TemporalSettings): Promise<NativeConnection> {
  return NativeConnection.connect(connectionOptions(t));
}
