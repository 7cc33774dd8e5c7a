import type { ColumnMapping } from './types';

export type Role = 'text' | 'title' | 'label' | 'id';

/** Resolution order: text first, so that an ambiguous column becomes the body rather than a title. */
export const ROLES: readonly Role[] = ['text', 'title', 'label', 'id'];

/** Default names per role, most specific first; matched after normalisation (see `normalizeName`). */
export const COLUMN_ALIASES: Readonly<Record<Role, readonly string[]>> = {
  text: ['text', 'body', 'review', 'content', 'message', 'review_text', 'review_body', 'comment', 'sentence', 'document'],
  title: ['title', 'subject', 'summary', 'headline', 'review_title'],
  label: ['label', 'polarity', 'sentiment', 'class', 'category', 'target'],
  id: ['id', 'doc_id', 'document_id', 'review_id', 'uuid'],
};

/** "Review Text", "review-text" and "review_text" all name the same column. */
export function normalizeName(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
}

/** Role → index into `names`, or -1 when the role has no column. */
export type ResolvedColumns = Record<Role, number>;

export interface Resolution {
  columns: ResolvedColumns;
  /** Roles the caller mapped explicitly whose column does not exist. */
  missing: Role[];
}

/**
 * Picks a column for each role: the explicit mapping (exact name, then normalised) wins; other
 * roles take the first alias present. A column is used for one role only, so an explicit
 * `text: 'title'` does not also make the same column the title.
 */
export function resolveColumns(names: readonly string[], mapping: ColumnMapping | undefined): Resolution {
  const normalized = names.map(normalizeName);
  const taken = new Set<number>();
  const columns: ResolvedColumns = { text: -1, title: -1, label: -1, id: -1 };
  const missing: Role[] = [];

  for (const role of ROLES) {
    const wanted = mapping?.[role];
    if (wanted === undefined) continue;
    let index = names.indexOf(wanted);
    if (index === -1) index = normalized.indexOf(normalizeName(wanted));
    if (index === -1) missing.push(role);
    else {
      columns[role] = index;
      taken.add(index);
    }
  }
  for (const role of ROLES) {
    if (mapping?.[role] !== undefined) continue;
    for (const alias of COLUMN_ALIASES[role]) {
      const index = normalized.findIndex((name, i) => name === alias && !taken.has(i));
      if (index !== -1) {
        columns[role] = index;
        taken.add(index);
        break;
      }
    }
  }
  return { columns, missing };
}

/** The names a role is looked up by, for messages. */
export function namesTried(role: Role, mapping: ColumnMapping | undefined): readonly string[] {
  const wanted = mapping?.[role];
  return wanted === undefined ? COLUMN_ALIASES[role] : [wanted];
}
