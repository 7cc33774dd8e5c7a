import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';

/**
 * An in-memory DuckDB for one job (a conversion, an export, a query): it reads and writes local
 * files only (no extension is loaded, so nothing is downloaded). Closed by the caller.
 */
export interface Engine {
  connection: DuckDBConnection;
  close(): void;
}

export async function openEngine(options: { threads?: number; memoryLimit?: string } = {}): Promise<Engine> {
  const instance = await DuckDBInstance.create(':memory:', {
    threads: String(options.threads ?? 1),
    memory_limit: options.memoryLimit ?? '512MB',
    // Results never come from the network: refuse to autoload or install extensions.
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
  });
  const connection = await instance.connect();
  return {
    connection,
    close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
}
