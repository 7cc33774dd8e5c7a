import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { ModelArtifactError, ModelRegistry } from '../../model';
import { explainDocument, type Explanation } from '../../model/explain';
import { resolveModelRef } from '../../reports/model-inputs';
import { buildStore } from '../../workers/dependencies';
import { UserError } from '../user-error';
import type { CliContext } from './context';

function describe(text: string, e: Explanation): string {
  const probabilities = Object.entries(e.probabilities)
    .sort((a, b) => b[1] - a[1])
    .map(([label, p]) => `${label} ${p.toFixed(4)}`)
    .join('  ');
  const terms = e.topTerms.map((t) => `${t.term} (+${t.contribution.toFixed(3)})`).join(', ') || 'none (no known term)';
  return [
    `text         ${text.length > 80 ? text.slice(0, 77) + '...' : text}`,
    `label        ${e.label}`,
    `probability  ${probabilities}`,
    `sentiment    ${e.sentiment.label} (VADER compound ${e.sentiment.compound.toFixed(4)})`,
    `top terms    ${terms}`,
  ].join('\n');
}

/** `score "text"` / `score -`: one model in memory, no workflow, no server. */
export function registerScore(program: Command, ctx: CliContext): void {
  program
    .command('score')
    .description('label, probabilities, sentiment and the top contributing terms of a text ("-": one document per stdin line)')
    .argument('<text...>', 'the text, or - to read lines from stdin')
    .option('--model <name[@vN]>', 'model (default: MODEL_NAME, its promoted version)')
    .option('--top <n>', 'contributing terms shown', '8')
    .option('--json', 'one JSON object per document')
    .action(async (words: string[], opts) => {
      const settings = ctx.settings();
      const store = buildStore(settings);
      const registry = new ModelRegistry(store);
      let classifier;
      let ref: { modelName: string; version: string };
      try {
        ref = await resolveModelRef(registry, opts.model ?? settings.pipeline.modelName);
        classifier = await registry.load(ref.modelName, ref.version);
      } catch (err) {
        if (err instanceof RangeError || err instanceof ModelArtifactError) throw new UserError(err.message);
        throw err;
      }
      const top = Number(opts.top);
      if (!Number.isInteger(top) || top < 0) throw new UserError('--top must be a non-negative integer');
      const one = (text: string) => {
        const e = explainDocument(classifier, { body: text }, top);
        if (opts.json) ctx.out(JSON.stringify({ text, model: `${ref.modelName}@${ref.version}`, ...e }));
        else ctx.out(describe(text, e) + '\n');
      };
      if (words.length === 1 && words[0] === '-') {
        for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) if (line.trim() !== '') one(line);
      } else {
        one(words.join(' '));
      }
    });
}
