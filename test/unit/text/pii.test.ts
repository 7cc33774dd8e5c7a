import assert from 'node:assert/strict';
import { cleanDocument } from '../../../src/text';
import { isPhone, redactDocumentPii, redactPii, redactPiiWithCounts } from '../../../src/text/pii';

describe('redactPii', () => {
  describe('e-mail addresses', () => {
    const cases: Array<[string, string]> = [
      ['write to john.doe@example.com today', 'write to [EMAIL] today'],
      ['JOHN_DOE+spam@Mail.Example.CO.UK', '[EMAIL]'],
      ['<a href="mailto:ana@correo.es">Ana</a>', '<a href="[EMAIL]">Ana</a>'],
      ['(ana@correo.es)', '([EMAIL])'],
      ['ends with a period: bob@example.org.', 'ends with a period: [EMAIL].'],
      ['two: a@b.io, c@d.de', 'two: [EMAIL], [EMAIL]'],
      ['unicode: josé.garcía@correo.es', 'unicode: [EMAIL]'],
      ["o'brien@example.ie", "o'[EMAIL]"], // the apostrophe is not part of a local part we accept
      ['user%tag@sub-domain.example.com', '[EMAIL]'],
    ];
    for (const [input, expected] of cases) it(JSON.stringify(input), () => assert.equal(redactPii(input), expected));

    it('leaves @mentions, bare @ and addresses without a top-level domain alone', () => {
      for (const text of ['thanks @support!', 'meet @ 5pm', 'root@localhost', 'a@b', 'price @ $5.00', 'email me at john dot doe'])
        assert.equal(redactPii(text), text);
    });
  });

  describe('URLs', () => {
    const cases: Array<[string, string]> = [
      ['see https://example.com/a?b=1&c=2#frag now', 'see [URL] now'],
      ['http://localhost:8080/path', '[URL]'],
      ['visit www.example.org.', 'visit [URL].'],
      ['(https://en.wikipedia.org/wiki/Foo_(bar)) and more', '([URL]) and more'],
      ['link: https://example.com/x, then', 'link: [URL], then'],
      ['"https://example.com/q"', '"[URL]"'],
      ['ftp://files.example.net/pub/file.tgz', '[URL]'],
      ['go to bit.ly/3abcXYZ!', 'go to [URL]!'],
      ['bought it on amazon.com last week', 'bought it on [URL] last week'],
      ['EXAMPLE.CO.UK/Path', '[URL]'],
      ['https://例え.jp/パス', '[URL]'],
    ];
    for (const [input, expected] of cases) it(JSON.stringify(input), () => assert.equal(redactPii(input), expected));

    it('leaves abbreviations, file names and decimals alone', () => {
      for (const text of ['e.g. this, i.e. that', 'see Node.js and report.pdf', 'pi is 3.14', 'U.S. and a.m.', 'version 1.2.3', 'foo.bar'])
        assert.equal(redactPii(text), text);
    });
  });

  describe('phone numbers', () => {
    const positives = [
      '+1 (555) 123-4567',
      '(555) 123-4567',
      '555-123-4567',
      '555.123.4567',
      '555 123 4567',
      '+44 20 7946 0958',
      '0044 20 7946 0958',
      '+34 912 345 678',
      '+14155552671',
      '1-800-555-0199',
      '91 234 56 78',
      '555-1234',
      '+49 (0)30 1234567',
      '06 12 34 56 78',
    ];
    for (const phone of positives) {
      it(`redacts ${JSON.stringify(phone)}`, () => {
        assert.equal(redactPii(`call ${phone} now`), 'call [PHONE] now');
        assert.equal(redactPii(`Tel:${phone}.`), 'Tel:[PHONE].');
      });
    }

    const negatives = [
      'on 2024-01-15 at 10:30',
      'on 15/01/2024 and 15.01.2024',
      'from 1990-1995',
      'in 2019 2020 2021',
      'server 192.168.100.200',
      'costs $1 234 567 or 1 234 567 €',
      'costs 1,234,567.89 USD',
      'order 1234567890',
      'order #12345678',
      'ISBN 978-3-16-148410-0',
      'pi = 3.14159265',
      'score 12 3456',
      'counted 1 2 3 4 5 6 7',
      'version 10.0.19045.2965',
      'sku AB-123-456-7890',
    ];
    for (const text of negatives) it(`leaves ${JSON.stringify(text)} alone`, () => assert.equal(redactPii(text), text));

    it('decides on digits, separators and context', () => {
      assert.equal(isPhone('555-123-4567'), true);
      assert.equal(isPhone('555-123-4567', 'USD '), false);
      assert.equal(isPhone('123-456', ''), false); // 6 digits
      assert.equal(isPhone('+1234567890123456'), false); // 16 digits: longer than E.164
    });
  });

  it('redacts all three kinds in one text and counts them', () => {
    const text =
      'Hi, I am Ana (ana.lopez@example.com, +34 612 345 678). My order page https://shop.example.com/o/12345 ' +
      'says to call 555-123-4567 or write support@shop.example.com. Loved it: 5 stars, 2024-01-15.';
    const { text: out, counts } = redactPiiWithCounts(text);
    assert.equal(
      out,
      'Hi, I am Ana ([EMAIL], [PHONE]). My order page [URL] says to call [PHONE] or write [EMAIL]. Loved it: 5 stars, 2024-01-15.',
    );
    assert.deepEqual(counts, { email: 2, phone: 2, url: 1 });
  });

  it('does not find phone numbers inside URLs or e-mail addresses', () => {
    assert.equal(redactPii('https://example.com/555-123-4567 and 5551234567@example.com'), '[URL] and [EMAIL]');
  });

  it('is idempotent and leaves text without PII unchanged', () => {
    const texts = ['Great product, would buy again!', '', 'Número 3: ¡muy bueno!', 'rated 4.5/5 on 3 May'];
    for (const t of texts) assert.equal(redactPii(t), t);
    const once = redactPii('mail a@b.com, call +1 555 123 4567, see www.x.com');
    assert.equal(redactPii(once), once);
  });

  it('runs in linear time on long and adversarial inputs', () => {
    const inputs = ['a'.repeat(200_000) + '@', '1-'.repeat(50_000), ('x.'.repeat(30_000) + ' ').repeat(2), '+'.repeat(100_000) + '1'];
    for (const input of inputs) {
      const started = process.hrtime.bigint();
      redactPii(input);
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      assert.ok(ms < 1000, `${ms.toFixed(0)} ms for ${input.slice(0, 10)}…`);
    }
  });

  describe('redactDocumentPii (the cleaning hook)', () => {
    it('redacts title and body and keeps the other fields', () => {
      const row = {
        id: 'r1',
        source: { key: 'raw/a.csv', line: 2 },
        title: 'from bob@example.com',
        body: 'call 555-123-4567',
        label: 'ham',
      };
      assert.deepEqual(redactDocumentPii(row), { ...row, title: 'from [EMAIL]', body: 'call [PHONE]' });
      assert.equal(row.body, 'call 555-123-4567', 'the input row is not modified');
    });

    it('keeps redacted values out of the cleaned tokens', () => {
      const cleaned = cleanDocument(redactDocumentPii({ title: '', body: 'Call me at 555-123-4567 or mail zq@example.com' }), {});
      assert.ok(!cleaned.tokens.some((t) => /\d/.test(t)), cleaned.tokens.join(' '));
      assert.ok(cleaned.tokens.includes('phone') && cleaned.tokens.includes('email'));
    });
  });
});
