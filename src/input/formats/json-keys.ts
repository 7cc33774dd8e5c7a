import { namesTried, resolveColumns, ROLES, type Role } from '../columns';
import type { ColumnMapping } from '../types';

export type ResolvedKeys = Record<Role, string | null>;

/** Distinct key sets remembered; JSON Lines files rarely have more than a handful. */
const CACHE_LIMIT = 256;

/**
 * Resolves role → key for JSON objects with the same rules as CSV headers. Resolution is cached
 * per key set, because the lines of a file almost always share one, and normalising every key of
 * every line would dominate the parse.
 */
export class JsonKeyResolver {
  private readonly cache = new Map<string, ResolvedKeys>();

  constructor(private readonly mapping: ColumnMapping | undefined) {}

  resolve(object: object): ResolvedKeys {
    const keys = Object.keys(object);
    const signature = keys.join('\u0000');
    let resolved = this.cache.get(signature);
    if (resolved === undefined) {
      const { columns } = resolveColumns(keys, this.mapping);
      resolved = { text: null, title: null, label: null, id: null };
      for (const role of ROLES) resolved[role] = columns[role] < 0 ? null : keys[columns[role]]!;
      if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
      this.cache.set(signature, resolved);
    }
    return resolved;
  }

  tried(role: Role): readonly string[] {
    return namesTried(role, this.mapping);
  }
}
