import type { Command } from 'commander';
import { createPayloadCodec, resolveCodecServerToken } from '../../codec';
import { startCodecServer } from '../../codec/codec-server';
import { untilInterrupted } from '../until-interrupted';
import { UserError } from '../user-error';
import type { CliContext } from './context';
import { examples } from './examples';

function parsePort(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UserError(`--port ${JSON.stringify(value)}: expected 0..65535`);
  return n;
}

export function registerCodecServer(program: Command, ctx: CliContext): void {
  program
    .command('codec-server')
    .description(
      'serve POST /encode and /decode with the payload keys, so the Temporal UI (or `temporal --codec-endpoint`) shows decrypted payloads to holders of the token',
    )
    .addHelpText('after', examples(['nlp-batch codec-server', 'nlp-batch codec-server --port 9888 --origin https://cloud.temporal.io']))
    .option('--port <port>', 'port (default CODEC_SERVER_PORT, 8888)', parsePort)
    .option('--host <host>', 'interface to bind (default CODEC_SERVER_HOST, 127.0.0.1)')
    .option('--origin <origins...>', 'browser origins allowed by CORS (default CODEC_SERVER_CORS_ORIGINS, else the UI origin)')
    .action(async (opts) => {
      const settings = ctx.settings();
      const codec = await createPayloadCodec(settings, ctx.log);
      const { token, source } = await resolveCodecServerToken(settings, ctx.log);
      const corsOrigins: string[] = opts.origin ?? settings.codec.server.corsOrigins;
      const server = await startCodecServer({
        codec,
        token,
        corsOrigins,
        host: opts.host ?? settings.codec.server.host,
        port: opts.port ?? settings.codec.server.port,
        log: (entry) => ctx.log(JSON.stringify({ component: 'codec-server', ...entry })),
      });
      // The browser must reach it under the UI's host name (localhost), or the sign-in cookie is not sent.
      const publicUrl = opts.port === undefined ? settings.codec.server.url : `http://localhost:${server.port}`;
      ctx.log(
        `codec server listening on ${server.url} (CORS: ${corsOrigins.join(', ') || 'none'}); encrypting with key "${codec.currentKeyId}"`,
      );
      ctx.log(
        `token: from ${source}; browsers sign in at ${publicUrl}/login, tools send "Authorization: Bearer <token>" (docs/encryption.md)`,
      );
      ctx.log('press Ctrl-C to stop');
      await untilInterrupted();
      await server.close();
    });
}
