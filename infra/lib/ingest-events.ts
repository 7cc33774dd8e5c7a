import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { DeploymentConfig } from './config';
import { paths } from './paths';
import { STORE_PREFIXES } from './storage';
import { lambdaEnvironment } from './service-environment';

export interface IngestEventsProps {
  config: DeploymentConfig;
  store: s3.Bucket;
  /** Log groups and the Lambda environment. */
  key: kms.IKey;
  /** The queues. */
  messagingKey: kms.IKey;
  vpc: ec2.IVpc;
  subnets: ec2.SubnetSelection;
  temporalApiKey: secretsmanager.ISecret;
  payloadKeys: secretsmanager.ISecret;
  logRetention: logs.RetentionDays;
}

/** Lambda timeout; the queue's visibility timeout is six times this (AWS's guidance for SQS sources). */
const FUNCTION_TIMEOUT = Duration.seconds(30);

/**
 * raw/ uploads -> S3 event notification -> SQS (dead-letter queue after 5 receives) -> the S3-event
 * Lambda, which signal-with-starts one ingestBatch per folder and time window. The function has no
 * S3 permissions at all: notifications carry the keys, the worker reads the objects.
 */
export class IngestEvents extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  readonly fn: nodejs.NodejsFunction;

  constructor(scope: Construct, id: string, props: IngestEventsProps) {
    super(scope, id);
    const { config } = props;

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: props.messagingKey,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.queue = new sqs.Queue(this, 'Queue', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: props.messagingKey,
      dataKeyReuse: Duration.hours(1),
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(FUNCTION_TIMEOUT.toSeconds() * 6),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: 5 },
      removalPolicy: RemovalPolicy.DESTROY,
    });

    props.store.addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.SqsDestination(this.queue), { prefix: STORE_PREFIXES.raw });

    const logGroup = new logs.LogGroup(this, 'Logs', {
      encryptionKey: props.key,
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const securityGroup = new ec2.SecurityGroup(this, 'Sg', {
      vpc: props.vpc,
      description: 'S3-event Lambda: HTTPS out (Temporal, Secrets Manager)',
      allowAllOutbound: false,
    });
    securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'AWS endpoints and Temporal Cloud');
    securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(portOf(config.temporalAddress)), 'Temporal frontend');

    this.fn = new nodejs.NodejsFunction(this, 'Function', {
      description: 'S3 upload notifications -> signal-with-start ingestBatch on Temporal',
      entry: paths.lambdaEntry(),
      handler: 'handler',
      projectRoot: paths.infraDir(),
      depsLockFilePath: paths.infraLockFile(),
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.X86_64,
      memorySize: 512,
      timeout: FUNCTION_TIMEOUT,
      // One poller per folder and window is enough; this also caps Temporal connections.
      reservedConcurrentExecutions: 5,
      vpc: props.vpc,
      vpcSubnets: props.subnets,
      securityGroups: [securityGroup],
      logGroup,
      tracing: lambda.Tracing.ACTIVE,
      environmentEncryption: props.key,
      // The same coordinates as the workers (service-environment.ts); where stages run is theirs to decide.
      environment: lambdaEnvironment(
        config,
        { bucket: props.store.bucketName },
        { temporalApiKeySecretArn: props.temporalApiKey.secretArn, payloadKeysSecretArn: props.payloadKeys.secretArn },
      ),
      bundling: {
        // Bundle the pinned SDK clients instead of relying on the runtime's copy.
        externalModules: [],
        target: 'node24',
        sourceMap: true,
        minify: true,
        esbuildArgs: { '--log-level': 'warning' },
      },
    });
    props.temporalApiKey.grantRead(this.fn);
    props.payloadKeys.grantRead(this.fn);
    this.fn.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: 10,
        maxBatchingWindow: Duration.seconds(5),
        reportBatchItemFailures: true,
        maxConcurrency: 5,
      }),
    );
  }
}

function portOf(address: string): number {
  return Number(address.slice(address.lastIndexOf(':') + 1));
}
