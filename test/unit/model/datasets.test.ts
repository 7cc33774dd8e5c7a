import assert from 'node:assert/strict';
import { messageBody } from '../../../src/model';
import { syntheticCorpus } from '../../../src/model/datasets/synthetic';

describe('datasets', () => {
  it('takes the body of an RFC 822 message', () => {
    assert.equal(messageBody('From: a@b.c\nSubject: hi\n\nHello\n\nBye'), 'Hello\n\nBye');
    assert.equal(messageBody('From: a@b.c\r\nSubject: hi\r\n\r\nHello'), 'Hello');
    assert.equal(messageBody('Only: headers'), '');
  });

  it('generates a reproducible synthetic corpus with the configured label mix', () => {
    const first = [...syntheticCorpus(2_000, { seed: 9 })];
    assert.deepEqual([...syntheticCorpus(50, { seed: 9 })], first.slice(0, 50));
    assert.notDeepEqual([...syntheticCorpus(50, { seed: 10 })], first.slice(0, 50));
    const share = (label: string) => first.filter((r) => r.label === label).length / first.length;
    assert.ok(Math.abs(share('billing') - 0.4) < 0.04, `billing ${share('billing')}`);
    assert.ok(Math.abs(share('support') - 0.1) < 0.03, `support ${share('support')}`);
    assert.ok(first.every((r) => r.body.length > 0 && r.title !== undefined));
  });
});
