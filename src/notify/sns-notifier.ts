import { MessageAttributeValue, PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { Notification, Notifier } from './notifier';

export interface SnsNotifierOptions {
  client: SNSClient;
  topicArn: string;
  /**
   * How many message attributes to send (event and severity first, then `attributes` in insertion
   * order). SNS itself accepts more, but an SQS subscription with raw message delivery silently
   * discards messages carrying more than 10, so 10 is the safe default. Every attribute is always
   * present in the body's JSON block whatever this limit.
   */
  maxMessageAttributes?: number;
}

/** SNS's limit on a whole message: body plus attribute names, types and values. */
const MAX_MESSAGE_BYTES = 256 * 1024;
const MAX_SUBJECT_CHARS = 100;
const MAX_ATTRIBUTE_NAME_CHARS = 256;

/**
 * Publishes pipeline notifications to an SNS topic. The subject is for e-mail subscribers, the body
 * carries the text and a JSON block for programs, and the message attributes let subscriptions
 * filter (for example `{"severity": ["error"]}` on a paging queue) without parsing the body.
 */
export class SnsNotifier implements Notifier {
  private readonly client: SNSClient;
  private readonly topicArn: string;
  private readonly maxMessageAttributes: number;

  constructor(options: SnsNotifierOptions) {
    if (!options.topicArn) throw new Error('SnsNotifier: topicArn is required');
    this.client = options.client;
    this.topicArn = options.topicArn;
    this.maxMessageAttributes = options.maxMessageAttributes ?? 10;
  }

  async publish(notification: Notification): Promise<void> {
    const attributes = messageAttributes(notification, this.maxMessageAttributes);
    await this.client.send(
      new PublishCommand({
        TopicArn: this.topicArn,
        Subject: snsSubject(notification.subject, notification.event),
        Message: messageBody(notification, MAX_MESSAGE_BYTES - attributesBytes(attributes)),
        MessageAttributes: attributes,
      }),
    );
  }
}

/**
 * SNS rejects subjects that are longer than 100 characters, contain line breaks or control
 * characters, or are not ASCII. Accents and typographic quotes/dashes are folded (é -> e, “ -> ") rather
 * than dropped so names stay readable; other characters (emoji, CJK) are dropped.
 */
export function snsSubject(subject: string, fallback: string): string {
  const ascii = subject
    .replace(/[\u201c\u201d\u201e\u00ab\u00bb]/g, '"')
    .replace(/[\u2018\u2019\u201a]/g, "'")
    .replace(/[\u2013\u2014\u2212]/g, '-')
    .replace(/\u2026/g, '...')
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    // Line breaks and tabs become spaces so words stay apart; matching control characters is the point.
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    .replace(/[^\x20-\x7e]+/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  const text = ascii || `nlp-batch: ${fallback}`;
  return text.length <= MAX_SUBJECT_CHARS ? text : `${text.slice(0, MAX_SUBJECT_CHARS - 3).trimEnd()}...`;
}

/** Human text first, then a machine-readable block with everything a filter or a bot may need. */
export function messageBody(notification: Notification, maxBytes: number = MAX_MESSAGE_BYTES): string {
  const block = JSON.stringify(
    { event: notification.event, severity: notification.severity, attributes: notification.attributes },
    null,
    2,
  );
  const separator = '\n\n';
  const room = maxBytes - Buffer.byteLength(block) - Buffer.byteLength(separator);
  if (room < 0) throw new RangeError('SnsNotifier: notification attributes alone exceed the SNS message size limit');
  return `${truncateUtf8(notification.message, room)}${separator}${block}`;
}

/** String attributes for strings, Number attributes for finite numbers, capped at `max` in total. */
export function messageAttributes(notification: Notification, max: number): Record<string, MessageAttributeValue> {
  // A Map, not an object literal: attribute names such as "__proto__" or "constructor" are legal.
  const out = new Map<string, MessageAttributeValue>([
    ['event', { DataType: 'String', StringValue: notification.event }],
    ['severity', { DataType: 'String', StringValue: notification.severity }],
  ]);
  for (const [rawName, value] of Object.entries(notification.attributes)) {
    if (out.size >= max) break;
    const name = attributeName(rawName);
    if (!name || out.has(name)) continue;
    const attribute = attributeValue(value);
    if (attribute) out.set(name, attribute);
  }
  return Object.fromEntries(out);
}

/**
 * Attribute names may hold letters, digits, `_`, `-` and `.`, must not start or end with `.` nor
 * contain `..`, and may not start with the reserved `AWS.` / `Amazon.` prefixes.
 */
function attributeName(raw: string): string | undefined {
  let name = raw
    .replace(/[^A-Za-z0-9_.-]/g, '_')
    .replace(/\.{2,}/g, '.')
    .replace(/^\.+|\.+$/g, '')
    .slice(0, MAX_ATTRIBUTE_NAME_CHARS);
  if (/^(aws|amazon)\./i.test(name)) name = `x_${name}`.slice(0, MAX_ATTRIBUTE_NAME_CHARS);
  return name || undefined;
}

function attributeValue(value: string | number): MessageAttributeValue | undefined {
  if (typeof value === 'number') {
    const text = String(value);
    // SNS Number values are plain decimals; NaN, Infinity and exponent forms (1e+21) are not, so
    // they travel as strings rather than failing the whole publish.
    if (Number.isFinite(value) && !/e/i.test(text)) return { DataType: 'Number', StringValue: text };
    return { DataType: 'String', StringValue: text };
  }
  // Empty values are rejected by SNS; characters outside XML's allowed set too (the allowed set
  // names tab, LF and CR explicitly).
  // eslint-disable-next-line no-control-regex
  const text = String(value).replace(/[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu, '');
  return text ? { DataType: 'String', StringValue: text } : undefined;
}

function attributesBytes(attributes: Record<string, MessageAttributeValue>): number {
  let bytes = 0;
  for (const [name, value] of Object.entries(attributes)) {
    bytes += Buffer.byteLength(name) + Buffer.byteLength(value.DataType ?? '') + Buffer.byteLength(value.StringValue ?? '');
  }
  return bytes;
}

/** Cuts to at most `maxBytes` of UTF-8 without splitting a character, marking the cut. */
function truncateUtf8(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  const marker = '\n[truncated]';
  const budget = Math.max(0, maxBytes - Buffer.byteLength(marker));
  let cut = Buffer.from(text).subarray(0, budget).toString('utf8');
  // A split multi-byte character decodes to U+FFFD at the end; drop it.
  cut = cut.replace(/\ufffd+$/, '');
  return cut + marker;
}
