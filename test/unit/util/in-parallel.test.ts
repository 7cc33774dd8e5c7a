import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { inParallel } from '../../../src/util/in-parallel';

/** A lane resource that records what happened to it. */
class Engine {
  static opened: Engine[] = [];
  closed = false;
  constructor(readonly id: number) {
    Engine.opened.push(this);
  }
}

describe('inParallel: items over lanes that each own a resource', () => {
  beforeEach(() => (Engine.opened = []));

  it('does every item once, at most `lanes` at a time, and closes every resource', async () => {
    let running = 0;
    let most = 0;
    const done: number[] = [];
    await inParallel(
      [0, 1, 2, 3, 4, 5, 6],
      3,
      async () => new Engine(Engine.opened.length),
      async (_engine, item) => {
        most = Math.max(most, ++running);
        await sleep(5);
        done.push(item);
        running--;
      },
      async (engine) => void (engine.closed = true),
    );
    assert.deepEqual([...done].sort(), [0, 1, 2, 3, 4, 5, 6]);
    assert.equal(most, 3);
    assert.equal(Engine.opened.length, 3);
    assert.ok(Engine.opened.every((e) => e.closed));
  });

  it('stops the other lanes when one cannot open its resource, and throws that failure', async () => {
    let opens = 0;
    const done: number[] = [];
    await assert.rejects(
      inParallel(
        [0, 1, 2, 3, 4, 5, 6, 7],
        2,
        async () => {
          // The second lane's engine fails to open after the first lane has started.
          if (opens++ === 1) {
            await sleep(2);
            throw new Error('engine would not open');
          }
          return new Engine(0);
        },
        async (_engine, item) => {
          await sleep(5);
          done.push(item);
        },
        async (engine) => void (engine.closed = true),
      ),
      /engine would not open/,
    );
    // The first lane finished the item it held and took no other.
    assert.deepEqual(done, [0]);
    assert.equal(Engine.opened.length, 1);
    assert.equal(Engine.opened[0].closed, true);
  });

  it('lets the other lanes finish what they hold before it throws a failure, closing nothing in use', async () => {
    const log: string[] = [];
    await assert.rejects(
      inParallel(
        [0, 1, 2, 3, 4, 5],
        2,
        async () => new Engine(Engine.opened.length),
        async (engine, item) => {
          if (item === 1) throw new Error('part 1 is corrupt');
          await sleep(10);
          assert.equal(engine.closed, false);
          log.push(`done ${item}`);
        },
        async (engine) => {
          engine.closed = true;
          log.push(`closed ${engine.id}`);
        },
      ),
      /part 1 is corrupt/,
    );
    assert.deepEqual(log.slice(-3), ['closed 1', 'done 0', 'closed 0']);
    assert.ok(!log.some((l) => /done [2-5]/.test(l)), log.join(', '));
  });
});
