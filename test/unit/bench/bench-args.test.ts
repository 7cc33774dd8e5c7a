import assert from 'node:assert/strict';
import { BenchArgs } from '../../../bench/bench-args';

const USAGE = 'node dist/bench/x.js [--docs 100000,1000000] [--rounds 6] [--json]';
const kinds = { docs: 'value', rounds: 'value', name: 'value', json: 'flag' } as const;

describe('BenchArgs: a benchmark command line', () => {
  it('reads counts, lists, text and flags, and falls back where an option is absent', () => {
    const args = new BenchArgs(USAGE, kinds, ['--docs', '1000,20000', '--json', '--name', 'x']);
    assert.deepEqual(args.positiveInts('docs', [1]), [1000, 20000]);
    assert.equal(args.positiveInt('rounds', 6), 6);
    assert.equal(args.text('name'), 'x');
    assert.equal(args.flag('json'), true);
    const none = new BenchArgs(USAGE, kinds, []);
    assert.deepEqual(none.positiveInts('docs', [100_000, 1_000_000]), [100_000, 1_000_000]);
    assert.equal(none.flag('json'), false);
    assert.equal(none.text('name', 'fallback'), 'fallback');
    assert.equal(none.positiveInt('rounds', undefined), undefined);
    assert.equal(none.positiveInt('rounds', Infinity), Infinity);
  });

  it('refuses a misspelt option with the usage, instead of running the defaults', () => {
    assert.throws(
      () => new BenchArgs(USAGE, kinds, ['--doc', '1000']),
      (err: Error) => err.message.includes("'--doc'") && err.message.includes(`usage: ${USAGE}`) && err.stack === err.message,
    );
  });

  it('refuses counts that are not positive integers, naming the option and the value', () => {
    for (const bad of ['abc', '0', '-5', '1.5', '1e6', '']) {
      const args = new BenchArgs(USAGE, kinds, [`--rounds=${bad}`]);
      assert.throws(
        () => args.positiveInt('rounds', 6),
        new RegExp(`--rounds must be a positive integer, got "${bad.replace('.', '\\.')}"`),
      );
    }
    assert.throws(
      () => new BenchArgs(USAGE, kinds, ['--docs', '1000,x']).positiveInts('docs', [1]),
      /--docs must be a positive integer, got "x"/,
    );
    assert.throws(() => new BenchArgs(USAGE, kinds, ['--docs', ',']).positiveInts('docs', [1]), /--docs needs at least one item/);
  });

  it('refuses a value option given no value, and a flag given one', () => {
    assert.throws(() => new BenchArgs(USAGE, kinds, ['--docs']), /usage:/);
    assert.throws(() => new BenchArgs(USAGE, kinds, ['--json=yes']), /usage:/);
  });

  it('treats reading an undeclared option as the bench’s own bug', () => {
    const args = new BenchArgs(USAGE, kinds, []);
    assert.throws(() => args.flag('docs'), /--docs is not declared as a flag/);
    assert.throws(() => args.positiveInt('seed', 1), /--seed is not declared as a value/);
  });
});
