/**
 * Turns whatever an S3 upload notification arrives wrapped in into a flat list of created objects.
 * Pure: no AWS SDK, no I/O, so the Lambda handler and an SQS poller share it and it is unit-tested
 * with fixtures.
 *
 * Shapes accepted, nested in any combination AWS produces:
 * - an S3 event notification `{ Records: [{ eventSource: 'aws:s3', s3: {...} }] }`;
 * - a Lambda SQS event `{ Records: [{ eventSource: 'aws:sqs', body: '<json>' }] }`, an SDK
 *   ReceiveMessage output `{ Messages: [{ Body }] }` or a single message `{ Body }`;
 * - an SNS envelope `{ Type: 'Notification', Message: '<json>' }` (raw or as an SQS body) and a
 *   Lambda SNS event `{ Records: [{ EventSource: 'aws:sns', Sns: {...} }] }`;
 * - a JSON string of any of the above, or an array of them.
 */

export interface S3ObjectCreated {
  bucket: string;
  /** Decoded object key, exactly as it was written. */
  key: string;
  size: number;
  eTag?: string;
  /**
   * S3's per-key ordering token (hex; a later write to the same key has a greater value once
   * left-padded). Real S3 always sends it for ObjectCreated; some emulators (moto 5.2.5) do not, in
   * which case it is ''.
   */
  sequencer: string;
  eventName: string;
  eventTime: string;
}

export interface IgnoredNotification {
  reason: string;
}

export interface ParsedS3Notifications {
  records: S3ObjectCreated[];
  ignored: IgnoredNotification[];
}

/** S3 -> SNS -> SQS -> Lambda takes about six levels (each JSON string counts one); far deeper is not AWS. */
const MAX_DEPTH = 12;

export function parseS3Notifications(body: unknown): ParsedS3Notifications {
  const out: ParsedS3Notifications = { records: [], ignored: [] };
  visit(body, 0, out);
  return out;
}

/**
 * S3 URL-encodes keys in notifications the way HTML forms do: spaces become `+`, a literal `+`
 * becomes `%2B`. So `+` must turn into a space before percent-decoding, never after.
 */
export function decodeS3Key(encoded: string): string {
  return decodeURIComponent(encoded.replace(/\+/g, ' '));
}

function visit(value: unknown, depth: number, out: ParsedS3Notifications): void {
  if (depth > MAX_DEPTH) {
    out.ignored.push({ reason: 'nested too deeply to be an S3 notification' });
    return;
  }
  if (typeof value === 'string') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch {
      out.ignored.push({ reason: `body is not JSON: ${preview(value)}` });
      return;
    }
    visit(parsed, depth + 1, out);
    return;
  }
  if (Array.isArray(value)) {
    for (const item of value) visit(item, depth + 1, out);
    return;
  }
  if (!isObject(value)) {
    out.ignored.push({ reason: `not an object: ${typeof value}` });
    return;
  }

  // Sent once when a bucket notification is configured or changed; carries no object.
  if (value.Event === 's3:TestEvent') {
    out.ignored.push({ reason: `s3:TestEvent for bucket ${String(value.Bucket ?? '?')}` });
    return;
  }
  const isSnsMessage = value.Type === 'Notification' || (typeof value.Type === 'string' && typeof value.TopicArn === 'string');
  if (isSnsMessage) {
    if (value.Type === 'Notification' && typeof value.Message === 'string') {
      visit(value.Message, depth + 1, out);
    } else {
      out.ignored.push({ reason: `SNS ${String(value.Type)} message` });
    }
    return;
  }
  if (Array.isArray(value.Records)) {
    for (const record of value.Records) visitRecord(record, depth + 1, out);
    return;
  }
  if (Array.isArray(value.Messages)) {
    for (const message of value.Messages) visit(message, depth + 1, out);
    return;
  }
  if (typeof value.Body === 'string') {
    visit(value.Body, depth + 1, out);
    return;
  }
  if (typeof value.body === 'string') {
    visit(value.body, depth + 1, out);
    return;
  }
  out.ignored.push({ reason: `unrecognised notification shape (keys: ${Object.keys(value).slice(0, 8).join(', ')})` });
}

function visitRecord(record: unknown, depth: number, out: ParsedS3Notifications): void {
  if (!isObject(record)) {
    out.ignored.push({ reason: 'record is not an object' });
    return;
  }
  if (isObject(record.s3)) {
    s3Record(record, out);
  } else if (isObject(record.Sns)) {
    visit(record.Sns, depth + 1, out);
  } else if (typeof record.body === 'string') {
    visit(record.body, depth + 1, out);
  } else {
    const source = record.eventSource ?? record.EventSource;
    out.ignored.push({ reason: `unrecognised record${typeof source === 'string' ? ` from ${source}` : ''}` });
  }
}

function s3Record(record: Record<string, unknown>, out: ParsedS3Notifications): void {
  const eventName = typeof record.eventName === 'string' ? record.eventName : '';
  if (!eventName.startsWith('ObjectCreated:')) {
    out.ignored.push({ reason: `${eventName || 'unnamed event'} is not an ObjectCreated event` });
    return;
  }
  const s3 = record.s3 as Record<string, unknown>;
  const bucket = isObject(s3.bucket) ? s3.bucket.name : undefined;
  const object = isObject(s3.object) ? s3.object : undefined;
  const rawKey = object?.key;
  if (typeof bucket !== 'string' || !bucket || typeof rawKey !== 'string' || !rawKey) {
    out.ignored.push({ reason: `${eventName} record without bucket name or object key` });
    return;
  }
  let key: string;
  try {
    key = decodeS3Key(rawKey);
  } catch {
    out.ignored.push({ reason: `${eventName} record with a malformed URL-encoded key: ${preview(rawKey)}` });
    return;
  }
  const size = toSize(object?.size);
  if (size === undefined) {
    out.ignored.push({ reason: `${eventName} record for s3://${bucket}/${key} without a valid size` });
    return;
  }
  const eTag = typeof object?.eTag === 'string' && object.eTag ? object.eTag : undefined;
  out.records.push({
    bucket,
    key,
    size,
    ...(eTag !== undefined ? { eTag } : {}),
    sequencer: typeof object?.sequencer === 'string' ? object.sequencer : '',
    eventName,
    eventTime: typeof record.eventTime === 'string' ? record.eventTime : '',
  });
}

function toSize(value: unknown): number | undefined {
  // Documented as a number; tolerate a numeric string rather than losing the event.
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function preview(text: string): string {
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text);
}
