import assert from 'node:assert/strict';
import { SentimentIntensityAnalyzer } from 'vader-sentiment';
import { loadSpamAssassin } from '../../../src/model';
import { cleanDocument, sentimentLabel, spanishCompound, vaderCompound } from '../../../src/text';

const packageCompound = (text: string) => SentimentIntensityAnalyzer.polarity_scores(text).compound;

// Words whose rules the package applies case-sensitively (the bug) and typographic apostrophes
// (read as "'" by our scorer): texts without them must score identically.
const CASE_SENSITIVE_IN_PACKAGE =
  /\b(?:[A-Z][a-zA-Z]*n't|[A-Z][a-zA-Z]*nt|Not|NOT|No|NO|Never|NEVER|None|Nor|Nothing|Nowhere|Neither|Nope|Cannot|Without|Rarely|Seldom|Despite|Uh-?uh|Uhuh|So|SO|This|THIS|But|The|Bad|Yeah|Cut|Kiss|Hand|Just|Kind|Sort)\b|[’ʼ]/;

describe('sentiment', () => {
  it('fixes the package negation-case bug: "Not bad" scores like "not bad"', () => {
    assert.equal(packageCompound('Not bad'), -0.5423, 'the bug this test guards against');
    assert.equal(vaderCompound('not bad'), packageCompound('not bad'));
    assert.equal(vaderCompound('Not bad'), vaderCompound('not bad'));
    assert.ok(vaderCompound('Not bad') >= 0.05);
    assert.equal(cleanDocument({ body: 'Not bad' }).sentiment.label, 'positive');
    assert.ok(vaderCompound('This is NOT good') < -0.05);
    assert.equal(vaderCompound('Never so good'), vaderCompound('never so good'));
    assert.equal(vaderCompound('It was great But the ending was awful'), vaderCompound('It was great but the ending was awful'));
    assert.equal(vaderCompound('I don’t like it'), vaderCompound("I don't like it"));
  });

  it('keeps ALL-CAPS emphasis, punctuation emphasis, boosters and emoticons', () => {
    assert.ok(vaderCompound('The food is GREAT') > vaderCompound('The food is great'));
    assert.ok(vaderCompound('The food is great!!!') > vaderCompound('The food is great'));
    assert.ok(vaderCompound('The food is extremely good') > vaderCompound('The food is good'));
    assert.ok(vaderCompound('I saw it :)') > 0.3);
    assert.equal(vaderCompound(''), 0);
  });

  it('matches vader-sentiment exactly where the bug cannot apply', () => {
    const samples = [
      'VADER is smart, handsome, and funny.',
      'The book was kind of good.',
      "At least it isn't a horrible book.",
      'the plot was good, but the characters are uncompelling and the dialog is not great.',
      'today sux! :( not cool at all, never so bad',
      'the movie was the bomb, yeah right',
      'Make sure you :) or :D today!',
    ];
    for (const text of samples) assert.equal(vaderCompound(text), packageCompound(text), text);

    let compared = 0;
    for (const { body } of loadSpamAssassin().slice(0, 600)) {
      const text = body.slice(0, 1500);
      const lower = text.toLowerCase().replace(/[’ʼ]/g, "'");
      assert.equal(vaderCompound(lower), packageCompound(lower), lower.slice(0, 80));
      if (!CASE_SENSITIVE_IN_PACKAGE.test(text)) {
        assert.equal(vaderCompound(text), packageCompound(text), text.slice(0, 80));
        compared++;
      }
    }
    assert.ok(compared > 100, `only ${compared} raw mails compared`);
  });

  it('labels with VADER thresholds', () => {
    assert.equal(sentimentLabel(0.05), 'positive');
    assert.equal(sentimentLabel(0.0499), 'neutral');
    assert.equal(sentimentLabel(-0.0499), 'neutral');
    assert.equal(sentimentLabel(-0.05), 'negative');
    const neutral = cleanDocument({ body: 'The meeting is on Tuesday at noon.' }).sentiment;
    assert.deepEqual(neutral, { compound: 0, label: 'neutral' });
    const compound = cleanDocument({ body: 'I love this phone, it is wonderful' }).sentiment.compound;
    assert.ok(compound > 0.5 && compound <= 1);
  });

  it('scores Spanish with the lexicon scorer, negation included', () => {
    const es = (body: string) => cleanDocument({ body }, { language: 'es' }).sentiment;
    assert.equal(es('La comida es muy buena y el servicio excelente').label, 'positive');
    assert.equal(es('La comida no es buena').label, 'negative');
    assert.equal(es('Una película terrible y aburrida').label, 'negative');
    assert.equal(es('El paquete llegó el martes').label, 'neutral');
    assert.ok(es('Es muy bueno').compound > es('Es bueno').compound);
    assert.equal(spanishCompound([]), 0);
    const strong = spanishCompound('excelente maravilloso fantástico perfecto increíble genial'.split(' '));
    assert.ok(strong > 0.9 && strong <= 1);
  });
});
