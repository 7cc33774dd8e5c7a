import { setTimeout as sleep } from 'node:timers/promises';
import { emptyCounter, labelledCounterKey, type LabelledCounterV1 } from '../../training/labelled-counter';
import { ObjectNotFoundError, PreconditionFailedError, type ObjectStore } from '../../storage/object-store';

const MAX_RACES = 50;

/** The counter and the etag it was read at (head / get / head, so the etag describes the content). */
export async function readLabelledCounter(store: ObjectStore, modelName: string): Promise<{ counter: LabelledCounterV1; etag?: string }> {
  const key = labelledCounterKey(modelName);
  for (let attempt = 0; attempt < 5; attempt++) {
    const before = await store.head(key);
    if (!before) return { counter: emptyCounter(modelName, new Date()) };
    let body: Buffer;
    try {
      body = await store.get(key);
    } catch (err) {
      if (err instanceof ObjectNotFoundError) continue; // deleted in between: read again
      throw err;
    }
    const after = await store.head(key);
    if (after?.etag !== before.etag) continue;
    return { counter: JSON.parse(body.toString('utf8')) as LabelledCounterV1, etag: before.etag };
  }
  throw new Error(`${key} kept changing while being read`);
}

/**
 * Read, change, write with if-match (if-none-match for the first write); on a lost race read again
 * and re-apply, so concurrent batches never overwrite each other's counts. `change` must be pure.
 */
export async function updateLabelledCounter(
  store: ObjectStore,
  modelName: string,
  change: (counter: LabelledCounterV1) => LabelledCounterV1,
): Promise<LabelledCounterV1> {
  const key = labelledCounterKey(modelName);
  for (let race = 0; ; race++) {
    const { counter, etag } = await readLabelledCounter(store, modelName);
    const next = change(counter);
    if (next === counter && etag !== undefined) return counter;
    try {
      await store.put(key, JSON.stringify(next), {
        contentType: 'application/json',
        ...(etag === undefined ? { ifNoneMatch: true } : { ifMatch: etag }),
      });
      return next;
    } catch (err) {
      if (!(err instanceof PreconditionFailedError) || race >= MAX_RACES) throw err;
      await sleep(Math.floor(Math.random() * 20 * (race + 1))); // jitter, so racers do not collide again in lockstep
    }
  }
}
