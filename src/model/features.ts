import { documentFeatures, type TextInput } from '../text';
import type { TrainingConfig } from './config';

/** One training example: the token list selected by `config.features`, and its label. */
export interface LabelledDoc {
  features: string[];
  label: string;
}

export interface LabelledRecordInput extends TextInput {
  label: string;
}

/**
 * The feature tokens of a raw record under a model's config. Training and scoring both call this
 * (directly or through TextClassifier.predictRecord), so they cannot featurise differently.
 */
export function recordFeatures(record: TextInput, config: Pick<TrainingConfig, 'text' | 'features'>): string[] {
  return documentFeatures({ title: record.title, body: record.body }, config.features, config.text);
}

export function toLabelledDoc(record: LabelledRecordInput, config: Pick<TrainingConfig, 'text' | 'features'>): LabelledDoc {
  return { features: recordFeatures(record, config), label: record.label };
}
