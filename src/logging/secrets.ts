/**
 * Secret values this process holds (Temporal API key, payload key material, codec server token).
 * The log formatter replaces any occurrence of them in a log line with [REDACTED], whatever field
 * or message carries them; code that loads a secret registers it here.
 */
const secrets = new Set<string>();

/** Values shorter than 8 characters are ignored: replacing them would garble ordinary text. */
export function addLogSecret(value: string | undefined): void {
  if (value && value.length >= 8) secrets.add(value);
}

export function logSecrets(): ReadonlySet<string> {
  return secrets;
}

/** Field names whose values are never logged, whatever they hold. */
export const SECRET_FIELD = /(api[-_]?key|token|secret|password|passwd|authorization|cookie|credential|material|payload[-_]?keys?)$/i;
/** Field names that carry document text: replaced by their length. */
export const TEXT_FIELD = /^(text|body|title|text_clean|tokens|tokens_nostop|stems|document|documents|preview|row|rows)$/i;

export function scrubString(value: string): string {
  let out = value;
  for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join('[REDACTED]');
  return out;
}

/**
 * A copy of a log record that is safe to write: secret-named fields redacted, text-named fields
 * reduced to their size, registered secret values replaced, errors reduced to type and message.
 */
export function scrubValue(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return scrubString(value);
  if (value === null || typeof value !== 'object') return typeof value === 'bigint' ? value.toString() : value;
  if (depth > 6) return '[nested]';
  if (value instanceof Error) return scrubError(value, depth);
  if (value instanceof Uint8Array) return `[${value.length} bytes]`;
  if (Array.isArray(value)) return value.slice(0, 50).map((v) => scrubValue(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (SECRET_FIELD.test(key)) out[key] = '[REDACTED]';
    else if (TEXT_FIELD.test(key)) out[key] = textSize(v);
    else out[key] = scrubValue(v, depth + 1);
  }
  return out;
}

function textSize(v: unknown): string {
  if (typeof v === 'string') return `[text: ${v.length} chars]`;
  if (Array.isArray(v)) return `[${v.length} items]`;
  return '[omitted]';
}

function scrubError(err: Error, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = { type: err.name, message: scrubString(err.message) };
  const extra = err as Error & { type?: string; cause?: unknown; failure?: unknown };
  if (typeof extra.type === 'string') out.failureType = extra.type;
  if (err.stack) out.stack = scrubString(err.stack.split('\n').slice(0, 8).join('\n'));
  if (extra.cause !== undefined) out.cause = scrubValue(extra.cause, depth + 1);
  return out;
}
