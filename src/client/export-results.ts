import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { layout } from '../pipeline/layout';
import { ObjectNotFoundError, ObjectStore } from '../storage/object-store';
import { UserError } from './user-error';

interface Manifest {
  parts: Array<{ key: string; rows: number }>;
}

/** Streams every result part of a batch, in order, to a file or stdout as JSON Lines. */
export async function exportResults(store: ObjectStore, batchId: string, outFile?: string): Promise<number> {
  let manifest: Manifest;
  try {
    manifest = JSON.parse((await store.get(layout.manifest(batchId))).toString('utf8')) as Manifest;
  } catch (err) {
    if (err instanceof ObjectNotFoundError) throw new UserError(`batch ${batchId} has no manifest (not finished, or unknown batch)`);
    throw err;
  }
  const out = outFile ? createWriteStream(outFile) : process.stdout;
  let rows = 0;
  for (const part of manifest.parts) {
    const stream = await store.getStream(part.key);
    for await (const chunk of stream) {
      if (!out.write(chunk)) await once(out, 'drain');
    }
    rows += part.rows;
  }
  if (outFile) {
    out.end();
    await once(out, 'finish');
  }
  return rows;
}
