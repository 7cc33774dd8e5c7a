import { readFile } from 'node:fs/promises';
import { resolveTrainingConfig, type TrainingConfigOverrides } from '../model/config';
import { LANGUAGES } from '../text';
import { UserError } from './user-error';

const SECTIONS = ['text', 'features', 'vectorizer', 'classifier'];

/**
 * The training config overrides `train --config FILE --language L` asks for, validated here
 * (the same validation the fit applies) so a typo is reported before anything starts.
 * `--language` wins over the file's text.language. Undefined when neither is given.
 */
export async function readTrainingConfig(options: { file?: string; language?: string }): Promise<Record<string, unknown> | undefined> {
  if (options.file === undefined && options.language === undefined) return undefined;
  let overrides: TrainingConfigOverrides = {};
  if (options.file !== undefined) {
    const text = await readFile(options.file, 'utf8').catch((err: NodeJS.ErrnoException) => {
      throw new UserError(`--config ${options.file}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`);
    });
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw new UserError(`--config ${options.file}: not JSON (${(err as Error).message})`);
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
      throw new UserError(`--config ${options.file}: expected a JSON object such as {"classifier": {"alpha": 0.01}}`);
    const unknown = Object.keys(parsed).filter((key) => !SECTIONS.includes(key));
    if (unknown.length > 0)
      throw new UserError(
        `--config ${options.file}: unknown section ${unknown.map((k) => JSON.stringify(k)).join(', ')}; expected ${SECTIONS.join(', ')}`,
      );
    overrides = parsed as TrainingConfigOverrides;
  }
  if (options.language !== undefined) {
    if (!(LANGUAGES as readonly string[]).includes(options.language))
      throw new UserError(`--language ${JSON.stringify(options.language)}: expected one of ${LANGUAGES.join(', ')}`);
    overrides = { ...overrides, text: { ...overrides.text, language: options.language as (typeof LANGUAGES)[number] } };
  }
  try {
    resolveTrainingConfig(overrides);
  } catch (err) {
    const where = options.file !== undefined ? `--config ${options.file}` : '--language';
    throw new UserError(`${where}: ${(err as Error).message}`);
  }
  return overrides as Record<string, unknown>;
}
