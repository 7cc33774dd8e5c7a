/**
 * The vocabulary ids of the last cleaned document's tokens: `ids[i]` for `tokens[i]`, -1 for a
 * token the vocabulary does not intern (digits, more than 30 code units). Ids stay valid while
 * `epoch` is unchanged: the vocabulary starts over (a new epoch) between documents once full.
 */
export interface TokenIdView {
  readonly ids: Int32Array;
  readonly epoch: number;
}
