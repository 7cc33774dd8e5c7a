import type { Command } from 'commander';
import { createSqsClient } from '../../aws/clients';
import { codecDataConverter, createPayloadCodec } from '../../codec';
import { runPollerService } from '../../lambda/poller-service';
import { connectClient } from '../../temporal/connection';
import { UserError } from '../user-error';
import type { CliContext } from './context';
import { examples } from './examples';

export function registerSqsPoller(program: Command, ctx: CliContext): void {
  program
    .command('sqs-poller')
    .description('turn S3 upload notifications from an SQS queue into ingestBatch runs (what the Lambda does, as a long-running process)')
    .option('--queue-url <url>', 'the SQS queue (default: SQS_QUEUE_URL)')
    .option('--once', 'one receive round, then exit')
    .addHelpText(
      'after',
      examples([
        'nlp-batch sqs-poller   # with SQS_QUEUE_URL, STORE=s3 and S3_BUCKET set',
        'nlp-batch sqs-poller --queue-url http://127.0.0.1:5000/123456789012/nlp-batch-uploads --once',
      ]),
    )
    .action(async (opts: { queueUrl?: string; once?: boolean }) => {
      const settings = ctx.settings();
      const queueUrl = opts.queueUrl ?? settings.ingestEvents.queueUrl;
      if (!queueUrl) throw new UserError('sqs-poller needs the queue: set SQS_QUEUE_URL or pass --queue-url');
      if (settings.store.kind !== 's3') throw new UserError('sqs-poller needs STORE=s3 and S3_BUCKET (it maps bucket keys to store keys)');
      const client = await connectClient(settings.temporal, codecDataConverter(await createPayloadCodec(settings, ctx.log)));
      const sqs = createSqsClient({
        region: settings.aws.region,
        ...(settings.aws.endpoint !== undefined && { endpoint: settings.aws.endpoint }),
      });
      const stop = new AbortController();
      const onSignal = () => stop.abort();
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      ctx.log(
        `sqs-poller: ${queueUrl} -> ingestBatch on "${settings.temporal.taskQueue}" (window ${settings.ingestEvents.windowMs / 1000} s)`,
      );
      try {
        const totals = await runPollerService({
          settings,
          client,
          sqs,
          queueUrl,
          log: (entry) => ctx.log(JSON.stringify(entry)),
          signal: stop.signal,
          once: opts.once === true,
        });
        ctx.log(`sqs-poller stopped after ${totals.rounds} round(s), ${totals.received} message(s)`);
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        sqs.destroy();
        await client.connection.close();
      }
    });
}
