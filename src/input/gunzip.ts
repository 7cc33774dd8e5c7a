import { pipeline, Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { InputFileError } from './errors';

/**
 * Decompresses a gzip stream as it arrives (several concatenated members too), so a compressed
 * upload is parsed with the same bounded memory as a plain one. Corrupt or truncated gzip data is
 * the file's fault (`invalid_compressed`); an error of the source itself (a broken connection)
 * passes through unchanged, for the caller to retry.
 */
export async function* gunzipChunks(compressed: AsyncIterable<Uint8Array>, fileName: string): AsyncGenerator<Buffer> {
  const gunzip = pipeline(Readable.from(copies(compressed), { objectMode: false }), createGunzip(), () => undefined);
  try {
    for await (const chunk of gunzip) yield chunk as Buffer;
  } catch (err) {
    if (isZlibError(err)) {
      throw new InputFileError(
        'invalid_compressed',
        fileName,
        `${fileName}: the gzip data is truncated or corrupt (${(err as Error).message}). Compress the file again and upload it whole.`,
      );
    }
    throw err;
  } finally {
    gunzip.destroy();
  }
}

/** zlib reads its input later than we hand it over, and the source may reuse a chunk's memory. */
async function* copies(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<Buffer> {
  for await (const chunk of chunks) yield Buffer.from(chunk);
}

function isZlibError(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' && code.startsWith('Z_');
}
