import { openRecords, type ColumnMapping, type Delimiter, type InputFormat, type ParsedRow } from '../input';
import { validateKey, type ObjectStore } from '../storage/object-store';

/**
 * Opens one input object, detects its compression, format and delimiter from the key and the
 * first bytes (an explicit format or delimiter wins) and streams its rows. Throws InputFileError /
 * InvalidKeyError / ObjectNotFoundError for files that cannot be read at all.
 */
export async function openInput(
  store: ObjectStore,
  key: string,
  options: { format?: InputFormat; delimiter?: Delimiter; columns?: ColumnMapping; maxRecordBytes: number },
): Promise<{ format: InputFormat; compression: 'gzip' | null; rows: AsyncGenerator<ParsedRow> }> {
  validateKey(key);
  const { format, compression, rows } = await openRecords(await store.getStream(key), {
    fileName: key,
    format: options.format,
    delimiter: options.delimiter,
    columns: options.columns,
    maxRecordBytes: options.maxRecordBytes,
  });
  return { format, compression, rows };
}
