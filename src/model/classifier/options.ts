import type { LinearSvmOptions } from '../linear/linear-svm';
import type { LogisticRegressionOptions } from '../linear/logistic-regression';
import type { NaiveBayesOptions } from './naive-bayes';

/** Every classifier a model can be: naive Bayes (two variants) or a linear model (two). */
export type ClassifierOptions = NaiveBayesOptions | LogisticRegressionOptions | LinearSvmOptions;
export type ClassifierVariant = ClassifierOptions['variant'];
export type { LinearSvmOptions, LogisticRegressionOptions, NaiveBayesOptions };

export const CLASSIFIER_VARIANTS: readonly ClassifierVariant[] = ['multinomial', 'complement', 'logistic', 'svm'];

/**
 * Each variant's options when a config switches to it. Naive Bayes: the engine's tuned alpha;
 * linear models: scikit-learn's defaults (LogisticRegression C=1, tol 1e-4, max_iter 100 raised to
 * 300 because TF-IDF rows with C >= 10 often need more; SGDClassifier alpha 1e-4, tol 1e-3,
 * max_iter 1000; CalibratedClassifierCV's 5 folds).
 */
export const CLASSIFIER_DEFAULTS: Readonly<Record<ClassifierVariant, Readonly<ClassifierOptions>>> = {
  multinomial: { variant: 'multinomial', alpha: 0.03, fitPrior: true, classPrior: null },
  complement: { variant: 'complement', alpha: 0.03, fitPrior: true, classPrior: null },
  logistic: { variant: 'logistic', C: 1, maxIter: 300, tol: 1e-4 },
  svm: { variant: 'svm', alpha: 1e-4, maxIter: 1000, tol: 1e-3, calibrationFolds: 5, shuffle: true, seed: 0 },
};

export function isNaiveBayes(options: ClassifierOptions): options is NaiveBayesOptions {
  return options.variant === 'multinomial' || options.variant === 'complement';
}

/** Which options two variants share (naive Bayes variants share alpha and priors). */
export function sameFamily(a: ClassifierVariant, b: ClassifierVariant): boolean {
  const family = (v: ClassifierVariant) => (v === 'multinomial' || v === 'complement' ? 'naive-bayes' : v);
  return family(a) === family(b);
}
