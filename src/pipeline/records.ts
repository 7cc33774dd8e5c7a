/** Shapes of the JSON Lines records each stage writes. */

export interface SourcePosition {
  key: string;
  line: number;
}

/** staged/: a validated input row, normalised across input formats. */
export interface StagedRecord {
  id: string;
  source: SourcePosition;
  title: string;
  body: string;
  label: string | null;
}

export interface Sentiment {
  compound: number;
  label: 'positive' | 'negative' | 'neutral';
}

/** processed/: the cleaned row, following the source design's data dictionary. */
export interface ProcessedRecord {
  id: string;
  source: SourcePosition;
  label: string | null;
  text_clean: string;
  tokens: string[];
  tokens_nostop: string[];
  stems: string[];
  sentiment: Sentiment;
}

/** batches/<id>/results/ (JSON Lines) and results/ (Parquet): what users export. */
export interface ResultRecord {
  id: string;
  source: SourcePosition;
  label: string | null;
  predictedLabel: string;
  probabilities: Record<string, number>;
  sentiment: Sentiment;
  modelVersion: string;
}

/** quarantine/: a rejected row and why, with a short preview (never the whole row). */
export interface QuarantineRecord {
  source: SourcePosition & { endLine: number };
  reason: string;
  detail: string;
  preview: string;
}
