import assert from 'node:assert/strict';
import { loadSpamAssassin } from '../../../src/model';
import { cleanDocument, cleanText, cleanTokens, composeText, tokenize } from '../../../src/text';

describe('text cleaning', () => {
  it('composes text from title and body', () => {
    assert.equal(composeText('Great phone', 'Works well.'), 'Great phone\nWorks well.');
    assert.equal(composeText(undefined, 'Body only'), 'Body only');
    const doc = cleanDocument({ title: 'Great phone', body: 'Works well.' });
    assert.equal(doc.text, 'Great phone\nWorks well.');
    assert.deepEqual(doc.tokens, ['great', 'phone', 'works', 'well']);
  });

  it('removes URLs', () => {
    assert.equal(cleanText('see https://example.com/a?b=c&d=1 and www.test.org/x or HTTP://EXAMPLE.ORG now'), 'see and or now');
    assert.equal(cleanText('ftp://files.example.com/pub/file.tar.gz done'), 'done');
  });

  it('removes e-mail addresses and @mentions, not lone at-signs', () => {
    assert.equal(cleanText('mail john.doe+news@mail.example.co.uk today'), 'mail today');
    assert.equal(cleanText('write to <ana.garcía@correo.es>, thanks @john_doe and @Ana!'), 'write to thanks and');
    assert.equal(cleanText('meet @ noon, 3 @ 5'), 'meet noon 3 5');
    assert.equal(cleanText('user@localhost is not an address'), 'user localhost is not an address');
  });

  it('removes HTML tags, comments, scripts and styles, and decodes entities', () => {
    assert.equal(
      cleanText('<p>Hello <b>World</b></p><script>var x = "hidden";</script><style>p { color: red }</style><!-- note -->'),
      'hello world',
    );
    assert.equal(cleanText('caf&eacute; &amp; cr&#232;me &#x41;BC&nbsp;x'), 'café crème abc x');
    // Comparison signs in prose are not tags.
    assert.equal(cleanText('if a < b and c > d then'), 'if a b and c d then');
  });

  it('removes punctuation and symbols, keeps digits and lower-cases', () => {
    assert.equal(cleanText('Hello, WORLD!!! (yes) -- 100% [ok] {x}_y'), 'hello world yes 100 ok x y');
    assert.equal(cleanText('   '), '');
    assert.deepEqual(tokenize(''), []);
  });

  it('is Unicode-aware and keeps accents (NFC)', () => {
    assert.equal(cleanText('ÉCOLE Ñandú São Paulo — Ärger'), 'école ñandú são paulo ärger');
    assert.equal(cleanText('Cafe\u0301'), 'café');
    assert.equal(cleanText('Привет, мир! 你好'), 'привет мир 你好');
  });

  it('keeps contractions as one token (straight and typographic apostrophes)', () => {
    assert.deepEqual(cleanDocument({ body: "I don't know, it can’t be 'quoted'" }).tokens, [
      'i',
      'dont',
      'know',
      'it',
      'cant',
      'be',
      'quoted',
    ]);
  });

  it('joins tokens of text_clean with single spaces', () => {
    const doc = cleanDocument({ body: '  Multiple   spaces\tand\nlines ' });
    assert.equal(doc.textClean, 'multiple spaces and lines');
    assert.deepEqual(tokenize(doc.textClean), doc.tokens);
  });

  // text_clean is written while the tokens are scanned (ASCII) or joined (other scripts): both ways
  // must give exactly the join, including right after a document of the other kind.
  it('gives text_clean equal to the tokens joined by spaces, in every script and on real mail', () => {
    const bodies = [
      '',
      '!!! ...',
      'plain ascii words and 42 numbers x1y2',
      'Café crème brûlée, naïve résumé',
      'ascii again after accents',
      'Ελληνικά κείμενα και 𝐦𝐚𝐭𝐡 letters 😀 done',
      `a ${'z'.repeat(40)} b`,
      '<p>Hello&nbsp;world</p> see http://x.example/y mail me@x.org',
      ...loadSpamAssassin()
        .slice(0, 400)
        .map((r) => r.body),
    ];
    for (const body of bodies) {
      const doc = cleanDocument({ body });
      assert.equal(doc.textClean, doc.tokens.join(' '), body.slice(0, 80));
      assert.equal(cleanText(body), cleanTokens(body).join(' '), body.slice(0, 80));
    }
  });
});
