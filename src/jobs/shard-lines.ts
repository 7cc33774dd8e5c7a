import { parseJsonl } from '../pipeline/jsonl';
import { PermanentTaskError } from './task-errors';

/** A shard's JSON Lines; a malformed line is a permanent failure (retrying reads the same bytes). */
export function parseShard(content: Buffer, key: string): unknown[] {
  try {
    return parseJsonl<unknown>(content, key);
  } catch (err) {
    throw new PermanentTaskError((err as Error).message);
  }
}
