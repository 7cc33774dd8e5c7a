import { createReadStream, promises as fs } from 'node:fs';
import path from 'node:path';
import type { InputFormat, SourceRefV1 } from '../contracts/ingest-batch';
import { layout } from '../pipeline/layout';
import type { ObjectStore } from '../storage/object-store';
import { validateKey } from '../storage/object-store';
import { UserError } from './user-error';

/**
 * Turns the command line's inputs into object-store keys: local files are streamed into
 * `raw/<batchId>/`, `store:<key>` (and `s3://<bucket>/<key>` for the configured bucket) name objects
 * already in the store. Only keys travel to the workflow.
 */
export async function uploadInputs(
  store: ObjectStore,
  batchId: string,
  inputs: string[],
  format: InputFormat | undefined,
  s3Bucket?: string,
): Promise<SourceRefV1[]> {
  const sources: SourceRefV1[] = [];
  const usedNames = new Set<string>();
  for (const input of inputs) {
    if (input.startsWith('store:')) {
      sources.push({ key: input.slice('store:'.length), format });
      continue;
    }
    if (input.startsWith('s3://')) {
      const [bucket, ...rest] = input.slice('s3://'.length).split('/');
      if (bucket !== s3Bucket)
        throw new UserError(`${input}: only objects in the configured bucket (${s3Bucket ?? 'none: STORE=s3 is off'}) can be ingested`);
      sources.push({ key: validateKey(rest.join('/')), format });
      continue;
    }
    const file = path.resolve(input);
    const stat = await fs.stat(file).catch(() => undefined);
    if (!stat) throw new UserError(`${input}: no such file`);
    if (!stat.isFile()) throw new UserError(`${input}: not a file`);
    let name = path.basename(file).replace(/[^A-Za-z0-9._-]/g, '_');
    for (let n = 2; usedNames.has(name); n++) name = `${n}-${path.basename(file)}`.replace(/[^A-Za-z0-9._-]/g, '_');
    usedNames.add(name);
    const key = layout.raw(batchId, name);
    await store.putStream(key, createReadStream(file));
    sources.push({ key, format });
  }
  return sources;
}
