import type { ProcessedRecord, ResultRecord } from './records';

/**
 * JSON Lines writers for the two largest records of the pipeline, byte-for-byte what
 * `JSON.stringify` writes (a unit test holds them to it). Serialising a processed record's three
 * token lists with JSON.stringify costs as much as scoring it; tokens almost never need escaping,
 * so a list is written as one joined string and checked once for characters that would.
 */
// eslint-disable-next-line no-control-regex -- control characters are exactly what JSON must escape
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

function stringList(values: readonly string[]): string {
  if (values.length === 0) return '[]';
  const joined = values.join('","');
  return NEEDS_ESCAPE.test(joined) ? JSON.stringify(values) : `["${joined}"]`;
}

function str(value: string): string {
  return NEEDS_ESCAPE.test(value) ? JSON.stringify(value) : `"${value}"`;
}

function num(value: number): string {
  return JSON.stringify(value);
}

/** The `"source":{...}` part, computed once per source key. */
export class SourceJson {
  private key: string | undefined;
  private keyJson = '';

  source(key: string, line: number): string {
    if (key !== this.key) {
      this.key = key;
      this.keyJson = JSON.stringify(key);
    }
    return `{"key":${this.keyJson},"line":${num(line)}}`;
  }
}

export function processedRecordJson(r: ProcessedRecord, sources: SourceJson): string {
  return (
    `{"id":${str(r.id)},"source":${sources.source(r.source.key, r.source.line)},"label":${r.label === null ? 'null' : str(r.label)}` +
    `,"text_clean":${str(r.text_clean)},"tokens":${stringList(r.tokens)},"tokens_nostop":${stringList(r.tokens_nostop)}` +
    `,"stems":${stringList(r.stems)},"sentiment":{"compound":${num(r.sentiment.compound)},"label":${str(r.sentiment.label)}}}`
  );
}

export function resultRecordJson(r: ResultRecord, sources: SourceJson): string {
  let probabilities = '{';
  let first = true;
  for (const label in r.probabilities) {
    probabilities += `${first ? '' : ','}${str(label)}:${num(r.probabilities[label])}`;
    first = false;
  }
  probabilities += '}';
  return (
    `{"id":${str(r.id)},"source":${sources.source(r.source.key, r.source.line)},"label":${r.label === null ? 'null' : str(r.label)}` +
    `,"predictedLabel":${str(r.predictedLabel)},"probabilities":${probabilities}` +
    `,"sentiment":{"compound":${num(r.sentiment.compound)},"label":${str(r.sentiment.label)}},"modelVersion":${str(r.modelVersion)}}`
  );
}
