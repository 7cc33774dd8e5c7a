/**
 * Notification payloads shaped after AWS's documentation ("Event message structure" for S3, the
 * Lambda SQS and SNS event examples, the SNS HTTP/SQS envelope). Values are made up but realistic.
 */

export const BUCKET = 'nlp-batch-input';

/** S3 encodes keys form-style: "incoming/2024 05/café menu+1.jsonl". */
export const ENCODED_KEY = 'incoming/2024+05/caf%C3%A9+menu%2B1.jsonl';
export const DECODED_KEY = 'incoming/2024 05/café menu+1.jsonl';

export function s3Record(
  overrides: {
    eventName?: string;
    key?: string;
    size?: number;
    sequencer?: string;
    eTag?: string;
  } = {},
): Record<string, unknown> {
  const object: Record<string, unknown> = {
    key: overrides.key ?? ENCODED_KEY,
    eTag: overrides.eTag ?? 'd41d8cd98f00b204e9800998ecf8427e',
    versionId: '096fKKXTRTtl3on89fVO.nfljtsv6qko',
    sequencer: overrides.sequencer ?? '0055AED6DCD90281E5',
  };
  if (overrides.size !== undefined) object.size = overrides.size;
  else if (!(overrides.eventName ?? '').startsWith('ObjectRemoved')) object.size = 1024;
  return {
    eventVersion: '2.1',
    eventSource: 'aws:s3',
    awsRegion: 'eu-west-1',
    eventTime: '2024-05-14T09:31:12.456Z',
    eventName: overrides.eventName ?? 'ObjectCreated:Put',
    userIdentity: { principalId: 'AWS:AIDAJDPLRKLG7UEXAMPLE' },
    requestParameters: { sourceIPAddress: '172.16.0.1' },
    responseElements: {
      'x-amz-request-id': 'C3D13FE58DE4C810',
      'x-amz-id-2': 'FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpD',
    },
    s3: {
      s3SchemaVersion: '1.0',
      configurationId: 'new-input-objects',
      bucket: {
        name: BUCKET,
        ownerIdentity: { principalId: 'A3NL1KOZZKExample' },
        arn: `arn:aws:s3:::${BUCKET}`,
      },
      object,
    },
  };
}

export function s3Event(...records: Record<string, unknown>[]): { Records: Record<string, unknown>[] } {
  return { Records: records.length ? records : [s3Record()] };
}

/** Sent once when a notification configuration is saved. */
export const s3TestEvent = {
  Service: 'Amazon S3',
  Event: 's3:TestEvent',
  Time: '2024-05-14T09:30:00.000Z',
  Bucket: BUCKET,
  RequestId: '5582815E1AEA5ADF',
  HostId: '8cLeGAmw098X5cv4Zkwcmo8vvZa3eH3eKxsPzbB9wrR+YstdA6Knx4Ip8EXAMPLE',
};

/** One record of a Lambda event source mapping on an SQS queue. */
export function sqsRecord(body: string, messageId = '059f36b4-87a3-44ab-83d2-661975830a7d'): Record<string, unknown> {
  return {
    messageId,
    receiptHandle: 'AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a...',
    body,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '1715679072456',
      SenderId: 'AIDAIENQZJOLO23YVJ4VO',
      ApproximateFirstReceiveTimestamp: '1715679072470',
    },
    messageAttributes: {},
    md5OfBody: 'e4e68fb7bd0e697a0ae8f1bb342846b3',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:eu-west-1:123456789012:nlp-batch-input-events',
    awsRegion: 'eu-west-1',
  };
}

export function sqsEvent(...bodies: string[]): { Records: Record<string, unknown>[] } {
  return { Records: bodies.map((body, i) => sqsRecord(body, `msg-${i}`)) };
}

/** The JSON envelope SNS wraps a message in for SQS (without raw delivery) and HTTP subscribers. */
export function snsEnvelope(message: string, type = 'Notification'): Record<string, unknown> {
  return {
    Type: type,
    MessageId: '22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324',
    TopicArn: 'arn:aws:sns:eu-west-1:123456789012:nlp-batch-input-topic',
    Subject: 'Amazon S3 Notification',
    Message: message,
    Timestamp: '2024-05-14T09:31:12.600Z',
    SignatureVersion: '1',
    Signature:
      'EXAMPLEpH+DcEwjAPg8O9mY8dReBSwksfg2S7WKQcikcNKWLQjwu6A4VbeS0QHVCkhRS7fUQvi2egU3N858fiTDN6bkkOxYDVrY0Ad8L10Hs3zH81mtnPk5uvvolIC1CXGu43obcgFxeL3khZl8IKvO61GWB6jI9b5+gLPoBc1Q=',
    SigningCertURL: 'https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-f3ecfb7224c7233fe7bb5f59f96de52f.pem',
    UnsubscribeURL:
      'https://sns.eu-west-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=arn:aws:sns:eu-west-1:123456789012:nlp-batch-input-topic:c9135db0',
  };
}

/** A Lambda event for an SNS subscription. */
export function snsLambdaEvent(message: string): Record<string, unknown> {
  return {
    Records: [
      {
        EventVersion: '1.0',
        EventSubscriptionArn: 'arn:aws:sns:eu-west-1:123456789012:nlp-batch-input-topic:c9135db0',
        EventSource: 'aws:sns',
        Sns: {
          SignatureVersion: '1',
          Timestamp: '2024-05-14T09:31:12.600Z',
          Signature: 'tcc6faL2yUC6dgZdmrwh1Y4cGa/ebXEkAi6RibDsvpi+tE/1+82j...65r==',
          SigningCertUrl: 'https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-f3ecfb7224c7233fe7bb5f59f96de52f.pem',
          MessageId: '95df01b4-ee98-5cb9-9903-4c221d41eb5e',
          Message: message,
          MessageAttributes: {},
          Type: 'Notification',
          UnsubscribeUrl: 'https://sns.eu-west-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=...',
          TopicArn: 'arn:aws:sns:eu-west-1:123456789012:nlp-batch-input-topic',
          Subject: 'Amazon S3 Notification',
        },
      },
    ],
  };
}
