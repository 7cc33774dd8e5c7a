import { CfnCondition, CfnParameter, Duration, Fn, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { DeploymentConfig } from './config';
import { METRICS_NAMESPACE } from './compute';

/**
 * Metric names the application emits (src/activities/ingest/record-metrics.ts) and the ones these
 * alarms define for it to emit. All carry the dimensions {pipeline, modelVersion} (plus `class` for
 * ClassShare); the alarms aggregate over every model version with Metrics Insights queries, so a
 * new model version needs no new alarm.
 */
export const PIPELINE_METRICS = {
  emitted: ['DocumentsProcessed', 'DocumentsQuarantined', 'QuarantineRate', 'BatchDuration', 'ClassShare'],
  /**
   * Emitted by src/activities/telemetry/alert-metrics.ts (ingestBatch's failure path and the
   * closed-run watcher for terminated / timed-out runs, driftCorrection, continuousTraining).
   */
  definedHere: {
    BatchesFailed: 'Count: 1 per ingestBatch run that ends failed',
    DriftPSI: 'None: the largest population stability index of a driftCorrection check',
    ModelF1: 'None: macro F1 of the champion on the held-out split, per continuousTraining evaluation',
  },
} as const;

export function insights(select: string, period = Duration.minutes(5), label?: string): cloudwatch.MathExpression {
  return new cloudwatch.MathExpression({ expression: `SELECT ${select} FROM "${METRICS_NAMESPACE}"`, period, usingMetrics: {}, label });
}

export interface AlertingProps {
  config: DeploymentConfig;
  key: kms.IKey;
}

/** The SNS topic for pipeline notifications and alarms, with an optional e-mail subscription. */
export class AlertTopic extends Construct {
  readonly topic: sns.Topic;

  constructor(scope: Construct, id: string, props: AlertingProps) {
    super(scope, id);
    this.topic = new sns.Topic(this, 'Topic', { displayName: 'nlp-batch alerts', masterKey: props.key, enforceSSL: true });

    const email = new CfnParameter(Stack.of(this), 'AlarmEmail', {
      type: 'String',
      default: '',
      description: 'E-mail address subscribed to pipeline alerts and alarms (empty: no subscription). Confirm the e-mail AWS sends.',
      allowedPattern: '^$|^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$',
      constraintDescription: 'an e-mail address or empty',
    });
    const hasEmail = new CfnCondition(this, 'HasAlarmEmail', { expression: Fn.conditionNot(Fn.conditionEquals(email.valueAsString, '')) });
    const subscription = new sns.CfnSubscription(this, 'EmailSubscription', {
      topicArn: this.topic.topicArn,
      protocol: 'email',
      endpoint: email.valueAsString,
    });
    subscription.cfnOptions.condition = hasEmail;
  }
}

export interface PipelineAlarmsProps {
  config: DeploymentConfig;
  topic: sns.ITopic;
  queue: sqs.IQueue;
  deadLetterQueue: sqs.IQueue;
  fn: lambda.IFunction;
  batchJobQueueArn: string;
  glueJobName: string;
  workerClusterName: string;
  workerServiceName: string;
}

/**
 * Alarms (all notify the topic) and one dashboard:
 * failed batches, quarantine rate, drift PSI, model F1 (pipeline metrics); Batch and Glue job
 * failures (EventBridge rules: each failure is also sent to the topic as it happens); the S3-event
 * dead-letter queue and Lambda errors; a worker service without running tasks.
 */
export class PipelineAlarms extends Construct {
  readonly alarms: cloudwatch.Alarm[] = [];
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: PipelineAlarmsProps) {
    super(scope, id);
    const { config } = props;
    const action = new cwActions.SnsAction(props.topic);
    const add = (alarm: cloudwatch.Alarm) => {
      alarm.addAlarmAction(action);
      this.alarms.push(alarm);
      return alarm;
    };
    const atLeastOnce = {
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    };
    const quiet = cloudwatch.TreatMissingData.NOT_BREACHING;

    add(
      new cloudwatch.Alarm(this, 'FailedBatches', {
        alarmDescription: 'An ingestBatch run failed (metric BatchesFailed). See the Temporal UI for the run and its failure.',
        metric: insights('SUM(BatchesFailed)'),
        ...atLeastOnce,
        treatMissingData: quiet,
      }),
    );
    add(
      new cloudwatch.Alarm(this, 'QuarantineRate', {
        alarmDescription: `A batch quarantined more than ${config.quarantineRateThreshold}% of its rows (metric QuarantineRate).`,
        metric: insights('MAX(QuarantineRate)'),
        threshold: config.quarantineRateThreshold,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: quiet,
      }),
    );
    add(
      new cloudwatch.Alarm(this, 'DriftPsi', {
        alarmDescription: `A drift check measured PSI above ${config.driftPsiThreshold} (metric DriftPSI).`,
        metric: insights('MAX(DriftPSI)', Duration.hours(1)),
        threshold: config.driftPsiThreshold,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: quiet,
      }),
    );
    add(
      new cloudwatch.Alarm(this, 'ModelF1', {
        alarmDescription: `The champion model's macro F1 fell below ${config.modelF1Threshold} (metric ModelF1).`,
        metric: insights('MIN(ModelF1)', Duration.hours(1)),
        threshold: config.modelF1Threshold,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        treatMissingData: quiet,
      }),
    );

    // Job failures: AWS Batch and Glue publish state changes to EventBridge, not metrics. Each rule
    // forwards the failure to the topic and its TriggeredRules metric drives an alarm.
    const batchFailures = new events.Rule(this, 'BatchJobFailed', {
      description: 'A scoring job (array parent or single job) of the pipeline queue failed after its retries',
      eventPattern: {
        source: ['aws.batch'],
        detailType: ['Batch Job State Change'],
        detail: { status: ['FAILED'], jobQueue: [props.batchJobQueueArn] },
      },
    });
    batchFailures.addTarget(
      new targets.SnsTopic(props.topic, {
        message: events.RuleTargetInput.fromText(
          `AWS Batch job ${events.EventField.fromPath('$.detail.jobName')} (${events.EventField.fromPath('$.detail.jobId')}) FAILED: ${events.EventField.fromPath('$.detail.statusReason')}`,
        ),
      }),
    );
    const glueFailures = new events.Rule(this, 'GlueJobFailed', {
      description: 'A run of the pipeline Glue job failed, timed out or errored',
      eventPattern: {
        source: ['aws.glue'],
        detailType: ['Glue Job State Change'],
        detail: { jobName: [props.glueJobName], state: ['FAILED', 'TIMEOUT', 'ERROR'] },
      },
    });
    glueFailures.addTarget(
      new targets.SnsTopic(props.topic, {
        message: events.RuleTargetInput.fromText(
          `Glue job ${events.EventField.fromPath('$.detail.jobName')} run ${events.EventField.fromPath('$.detail.jobRunId')} ${events.EventField.fromPath('$.detail.state')}: ${events.EventField.fromPath('$.detail.message')}`,
        ),
      }),
    );
    const triggered = (rule: events.Rule) =>
      new cloudwatch.Metric({
        namespace: 'AWS/Events',
        metricName: 'TriggeredRules',
        dimensionsMap: { RuleName: rule.ruleName },
        statistic: 'Sum',
        period: Duration.minutes(5),
      });
    const batchFailureMetric = triggered(batchFailures);
    const glueFailureMetric = triggered(glueFailures);
    add(
      new cloudwatch.Alarm(this, 'BatchJobFailures', {
        alarmDescription: 'AWS Batch scoring jobs failed.',
        metric: batchFailureMetric,
        ...atLeastOnce,
        treatMissingData: quiet,
      }),
    );
    add(
      new cloudwatch.Alarm(this, 'GlueJobFailures', {
        alarmDescription: 'Glue ETL runs failed.',
        metric: glueFailureMetric,
        ...atLeastOnce,
        treatMissingData: quiet,
      }),
    );

    const dlqDepth = props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' });
    add(
      new cloudwatch.Alarm(this, 'S3EventDeadLetters', {
        alarmDescription:
          'Upload notifications could not be turned into ingestBatch signals after 5 attempts (dead-letter queue not empty).',
        metric: dlqDepth,
        ...atLeastOnce,
        treatMissingData: quiet,
      }),
    );
    const lambdaErrors = props.fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' });
    add(
      new cloudwatch.Alarm(this, 'S3EventLambdaErrors', {
        alarmDescription: 'The S3-event Lambda failed invocations in 3 consecutive 5-minute periods (Temporal unreachable? secret wrong?).',
        metric: lambdaErrors,
        threshold: 1,
        evaluationPeriods: 3,
        datapointsToAlarm: 3,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: quiet,
      }),
    );
    const runningWorkers = new cloudwatch.Metric({
      namespace: 'ECS/ContainerInsights',
      metricName: 'RunningTaskCount',
      dimensionsMap: { ClusterName: props.workerClusterName, ServiceName: props.workerServiceName },
      statistic: 'Minimum',
      period: Duration.minutes(5),
    });
    if (config.workerCount > 0) {
      add(
        new cloudwatch.Alarm(this, 'WorkerNotRunning', {
          alarmDescription: 'Fewer Temporal worker tasks are running than configured for 15 minutes: nothing polls the task queue.',
          metric: runningWorkers,
          threshold: config.workerCount,
          evaluationPeriods: 3,
          comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
          treatMissingData: cloudwatch.TreatMissingData.BREACHING,
        }),
      );
    }

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', { defaultInterval: Duration.days(7) });
    const graph = (title: string, left: cloudwatch.IMetric[], width = 8) => new cloudwatch.GraphWidget({ title, left, width, height: 6 });
    this.dashboard.addWidgets(new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24, height: 4 }));
    this.dashboard.addWidgets(
      graph('Documents scored / quarantined', [
        insights('SUM(DocumentsProcessed)', Duration.hours(1), 'scored'),
        insights('SUM(DocumentsQuarantined)', Duration.hours(1), 'quarantined'),
      ]),
      graph('Quarantine rate (%)', [insights('MAX(QuarantineRate)', Duration.hours(1), 'max quarantine rate')]),
      graph('Batch duration (s)', [insights('MAX(BatchDuration)', Duration.hours(1), 'max batch duration')]),
    );
    this.dashboard.addWidgets(
      graph('Predicted class share (%)', [
        new cloudwatch.MathExpression({
          expression: `SELECT AVG(ClassShare) FROM SCHEMA("${METRICS_NAMESPACE}", class, modelVersion, pipeline) GROUP BY class`,
          period: Duration.hours(1),
          usingMetrics: {},
        }),
      ]),
      graph('Drift PSI / model F1', [
        insights('MAX(DriftPSI)', Duration.hours(1), 'drift PSI'),
        insights('MIN(ModelF1)', Duration.hours(1), 'model F1'),
      ]),
      graph('Failed batches and jobs', [
        insights('SUM(BatchesFailed)', Duration.hours(1), 'failed batches'),
        batchFailureMetric,
        glueFailureMetric,
      ]),
    );
    this.dashboard.addWidgets(
      graph('S3 events: queue and dead letters', [props.queue.metricApproximateNumberOfMessagesVisible(), dlqDepth]),
      graph('S3-event Lambda', [props.fn.metricInvocations(), lambdaErrors, props.fn.metricThrottles()]),
      graph('Worker tasks', [runningWorkers]),
    );
  }
}
