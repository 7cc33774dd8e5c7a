/** scikit-learn's default analyzer: lower case, then token_pattern (?u)\b\w\w+\b. */
export function sklearnTokens(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}_]{2,}/gu) ?? [];
}
