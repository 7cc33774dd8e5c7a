/**
 * One object per promotion, `models/<name>/promotions/<time>-<version>.json`: latest.json is a
 * single pointer (an object store has no symlinks and no append), so the history of who was
 * promoted when, and why, is kept beside it. Keys sort by time.
 */
export interface PromotionLogEntry {
  version: string;
  previousVersion: string | null;
  promotedAt: string;
  reason: string;
  /** The workflow that promoted it (continuousTraining or manualPromotion). */
  workflowId: string;
  /** The promotion attempt's id, as recorded in latest.json (absent in entries written before it existed). */
  promotionId?: string;
}

export const promotionLogPrefix = (modelName: string) => `models/${modelName}/promotions/`;

export function promotionLogKey(modelName: string, entry: Pick<PromotionLogEntry, 'promotedAt' | 'version'>): string {
  const stamp = entry.promotedAt.replace(/[-:]/g, '');
  return `${promotionLogPrefix(modelName)}${stamp}-${entry.version}.json`;
}
