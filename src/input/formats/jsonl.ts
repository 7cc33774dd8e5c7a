import { emptyFileError } from '../errors';
import type { Role } from '../columns';
import type { ScannedRow } from '../record-scanner';
import { decodeRecord, isBlankText, nonBlank, reject } from '../text-utils';
import { clip, previewOfString } from '../preview';
import type { ColumnMapping, ParsedRow } from '../types';
import { JsonKeyResolver } from './json-keys';
import type { RowBuilder } from './row-builder';

/** Marks a field whose JSON type cannot be used; carries the message. */
class FieldTypeError {
  constructor(readonly message: string) {}
}

/** JSON Lines: one JSON object per non-blank line. */
export class JsonLinesRowBuilder implements RowBuilder {
  readonly quotes = false;
  private readonly keys: JsonKeyResolver;

  constructor(
    private readonly fileName: string,
    mapping: ColumnMapping | undefined,
  ) {
    this.keys = new JsonKeyResolver(mapping);
  }

  build(scanned: ScannedRow): ParsedRow {
    if (scanned.kind === 'rejected') return { ok: false, rejected: scanned.rejected };
    const { line, endLine } = scanned;
    const text = decodeRecord(line, endLine, scanned.bytes);
    if (typeof text !== 'string') return { ok: false, rejected: text };

    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      return reject(line, endLine, 'invalid_json', `not valid JSON: ${clip((error as Error).message)}`, previewOfString(text));
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      return reject(
        line,
        endLine,
        'not_an_object',
        `expected a JSON object with a text field, found ${describe(value)}`,
        previewOfString(text),
      );
    }

    const object = value as Record<string, unknown>;
    const keys = this.keys.resolve(object);
    if (keys.text === null) {
      const present = Object.keys(object)
        .slice(0, 10)
        .map((key) => clip(key, 40));
      return reject(
        line,
        endLine,
        'missing_text',
        `no text field (looked for ${this.keys.tried('text').join('/')}; keys: ${present.join(', ') || 'none'})`,
        previewOfString(text),
      );
    }
    const body = object[keys.text];
    if (typeof body !== 'string') {
      return reject(
        line,
        endLine,
        'invalid_field_type',
        `"${clip(keys.text, 40)}" must be a string, found ${describe(body)}`,
        previewOfString(text),
      );
    }
    if (isBlankText(body)) {
      return reject(line, endLine, 'empty_text', `"${clip(keys.text, 40)}" is empty`, previewOfString(text));
    }

    const id = scalar(object, keys.id, 'id');
    const title = scalar(object, keys.title, 'title');
    const label = scalar(object, keys.label, 'label');
    for (const field of [id, title, label]) {
      if (field instanceof FieldTypeError) {
        return reject(line, endLine, 'invalid_field_type', field.message, previewOfString(text));
      }
    }
    return {
      ok: true,
      record: {
        line,
        id: nonBlank(id as string | undefined),
        title: (title as string | undefined) ?? '',
        body,
        label: nonBlank(label as string | undefined),
      },
    };
  }

  finish(rows: number): void {
    if (rows === 0) throw emptyFileError(this.fileName);
  }
}

/**
 * Optional fields accept strings, numbers and booleans (an id of 17 or a label of 1 is common);
 * null or absent means "no value"; objects and arrays are errors rather than silently stringified.
 */
function scalar(object: Record<string, unknown>, key: string | null, role: Role): string | undefined | FieldTypeError {
  if (key === null) return undefined;
  const value = object[key];
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return new FieldTypeError(`the ${role} field "${clip(key, 40)}" must be a string or number, found ${describe(value)}`);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}
