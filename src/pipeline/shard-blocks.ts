import type { ShardBlockV1 } from '../contracts/ingest-batch';

/** A shard of a range: its batch-wide number and where its staged rows are. */
export interface ShardOfRange {
  index: number;
  sourceIndex: number;
  local: number;
}

/** Every shard a range's blocks describe, in order (a range holds at most a few hundred). */
export function shardsOfBlocks(blocks: readonly ShardBlockV1[]): ShardOfRange[] {
  const shards: ShardOfRange[] = [];
  for (const block of blocks) {
    for (let i = 0; i < block.count; i++)
      shards.push({ index: block.first + i, sourceIndex: block.sourceIndex, local: block.firstLocal + i });
  }
  return shards;
}

export function shardCount(blocks: readonly ShardBlockV1[]): number {
  return blocks.reduce((n, b) => n + b.count, 0);
}
