import { DEFAULT_TRAINING_CONFIG, loadSpamAssassin, toLabelledDoc, type LabelledDoc } from '../../src/model';

let cached: LabelledDoc[] | undefined;

/**
 * SpamAssassin message bodies featurised with the default config, shared by the tests of this
 * folder (cleaning 6,046 mails takes a few seconds; mocha runs all files in one process).
 */
export function spamAssassinDocs(): LabelledDoc[] {
  cached ??= loadSpamAssassin().map((record) => toLabelledDoc(record, DEFAULT_TRAINING_CONFIG));
  return cached;
}

let groups: LabelledDoc[] | undefined;

/**
 * The same documents labelled with three classes instead of two: easy ham, hard ham and spam (the
 * corpus's folder groups), for the multi-class cases.
 */
export function spamAssassinThreeClasses(): LabelledDoc[] {
  groups ??= loadSpamAssassin().map((record, i) => ({
    features: spamAssassinDocs()[i].features,
    label: record.id.startsWith('spam') ? 'spam' : record.id.startsWith('hard') ? 'hard-ham' : 'easy-ham',
  }));
  return groups;
}
