import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * Search attributes the pipeline's workflows set, so engineers can find runs in the UI or with
 * `nlp-batch list --query "ModelVersion = 'v3'"`. They stay within the dev server's SQLite limits.
 */
export const searchAttributes = {
  batchId: defineSearchAttributeKey('BatchId', SearchAttributeType.KEYWORD),
  modelName: defineSearchAttributeKey('ModelName', SearchAttributeType.KEYWORD),
  modelVersion: defineSearchAttributeKey('ModelVersion', SearchAttributeType.KEYWORD),
  pipelineStage: defineSearchAttributeKey('PipelineStage', SearchAttributeType.KEYWORD),
  documentCount: defineSearchAttributeKey('DocumentCount', SearchAttributeType.INT),
  quarantinedCount: defineSearchAttributeKey('QuarantinedCount', SearchAttributeType.INT),
} as const;

export const allSearchAttributes = Object.values(searchAttributes);
