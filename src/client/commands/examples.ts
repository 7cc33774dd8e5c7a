/**
 * The end of a command's --help: examples, each a complete command line a user can copy.
 * Every command has some (test/unit/client/cli-help.test.ts checks it):
 *   .addHelpText('after', examples(['nlp-batch ingest reviews.csv --wait']))
 */
export function examples(lines: string[]): string {
  return `\nExamples:\n${lines.map((e) => `  $ ${e}`).join('\n')}\n`;
}
