import { detectFormat, readRecords, type ColumnMapping, type InputFormat, type ParsedRow } from '../input';
import { validateKey, type ObjectStore } from '../storage/object-store';
import { peekHead } from './peek-head';

const HEAD_BYTES = 8192;

/**
 * Opens one input object, detects its format from the key and the first bytes (an explicit
 * format wins) and streams its rows. Throws InputFileError / InvalidKeyError / ObjectNotFoundError
 * for files that cannot be read at all.
 */
export async function openInput(
  store: ObjectStore,
  key: string,
  options: { format?: InputFormat; columns?: ColumnMapping; maxRecordBytes: number },
): Promise<{ format: InputFormat; rows: AsyncGenerator<ParsedRow> }> {
  validateKey(key);
  const { head, all } = await peekHead(await store.getStream(key), HEAD_BYTES);
  const format = detectFormat(key, head, options.format);
  return { format, rows: readRecords(all, { fileName: key, format, columns: options.columns, maxRecordBytes: options.maxRecordBytes }) };
}
