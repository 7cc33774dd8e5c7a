/**
 * Which language a training run's config names, and the config with a detected one filled in.
 * Pure (the workflow imports it): the detection itself runs in assembleTrainingSet.
 */

export interface LanguageChoice {
  language: string;
  /** given: the request's config named it; detected: from the training rows; default: neither (the engine's default). */
  source: 'given' | 'detected' | 'default';
}

/** The `text.language` a config-overrides object sets, if any. */
export function configuredLanguage(config: Record<string, unknown> | undefined): string | undefined {
  const text = config?.text as { language?: unknown } | undefined;
  return typeof text?.language === 'string' ? text.language : undefined;
}

/** The config to train with: the given language wins, else the detected one is written into `text.language`. */
export function chooseLanguage(
  config: Record<string, unknown> | undefined,
  detected: string | null | undefined,
  defaultLanguage: string,
): { config: Record<string, unknown> | undefined; choice: LanguageChoice } {
  const given = configuredLanguage(config);
  if (given !== undefined) return { config, choice: { language: given, source: 'given' } };
  if (!detected) return { config, choice: { language: defaultLanguage, source: 'default' } };
  const text = { ...((config?.text as Record<string, unknown> | undefined) ?? {}), language: detected };
  return { config: { ...(config ?? {}), text }, choice: { language: detected, source: 'detected' } };
}
