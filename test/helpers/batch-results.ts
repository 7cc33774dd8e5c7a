import type { IngestBatchResultV2 } from '../../src/contracts/ingest-batch';
import { parseJsonl } from '../../src/pipeline/jsonl';
import type { QuarantineRecord, ResultRecord } from '../../src/pipeline/records';
import type { ObjectStore } from '../../src/storage/object-store';

/** The result parts of a batch, as its manifest lists them. */
export async function resultPartKeys(store: ObjectStore, result: Pick<IngestBatchResultV2, 'manifestKey'>): Promise<string[]> {
  const manifest = JSON.parse((await store.get(result.manifestKey)).toString('utf8')) as { parts: Array<{ key: string }> };
  return manifest.parts.map((p) => p.key);
}

export async function readResultRecords(store: ObjectStore, result: Pick<IngestBatchResultV2, 'manifestKey'>): Promise<ResultRecord[]> {
  const rows: ResultRecord[] = [];
  for (const key of await resultPartKeys(store, result)) rows.push(...parseJsonl<ResultRecord>(await store.get(key), key));
  return rows;
}

/** Quarantine files (rows with their reasons) under the result's quarantine prefix. */
export async function quarantineFileKeys(store: ObjectStore, result: Pick<IngestBatchResultV2, 'quarantinePrefix'>): Promise<string[]> {
  const keys: string[] = [];
  for await (const o of store.list(result.quarantinePrefix)) if (o.key.endsWith('.jsonl')) keys.push(o.key);
  return keys;
}

export async function readQuarantine(
  store: ObjectStore,
  result: Pick<IngestBatchResultV2, 'quarantinePrefix'>,
): Promise<QuarantineRecord[]> {
  const rows: QuarantineRecord[] = [];
  for (const key of await quarantineFileKeys(store, result)) rows.push(...parseJsonl<QuarantineRecord>(await store.get(key), key));
  return rows;
}
