import { createHash, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';

/**
 * Temporal's remote codec protocol over HTTP, for the Web UI and `temporal workflow show
 * --codec-endpoint`: POST …/encode and …/decode take and return `{"payloads": [...]}` in protobuf
 * JSON form (metadata values and data base64). Only the last path segment counts, so the server
 * may sit under any prefix, and the UI's `?preserveStorageRefs=true` is ignored.
 *
 * Every encode/decode needs the token, as `Authorization: Bearer <token>` (CLI, scripts) or as the
 * HttpOnly cookie that GET/POST /login sets (the Web UI: it sends cookies to the codec server when
 * "Include cross-origin credentials" is ticked in its Codec Server settings; it can only send a
 * bearer token of its own OIDC login, over https). Browsers get CORS only for the configured
 * origins, with credentials allowed; preflights need no token. Logs carry the method, the path
 * (never its query), the status and the payload count — never headers, bodies or the token.
 */
export interface CodecServerOptions {
  codec: PayloadCodec;
  token: string;
  /** Browser origins allowed to call the server (the Temporal UI's), e.g. http://localhost:8233. */
  corsOrigins: string[];
  host?: string;
  /** 0 picks a free port. */
  port: number;
  log?: (entry: Record<string, unknown>) => void;
  /** Largest request body accepted (default 16 MiB). */
  maxBodyBytes?: number;
}

export interface CodecServerStats {
  encoded: number;
  decoded: number;
  unauthorized: number;
  failed: number;
}

export interface RunningCodecServer {
  /** http://<host>:<port> as bound. */
  url: string;
  port: number;
  stats: CodecServerStats;
  close(): Promise<void>;
}

export const CODEC_COOKIE = 'nlp_batch_codec_token';
const ALLOWED_HEADERS = 'Content-Type, X-Namespace, Authorization, Authorization-Extras';
const COOKIE_MAX_AGE_S = 7 * 24 * 3600;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** Constant-time comparison of a presented token with the expected one. */
export function tokenMatches(presented: string | undefined, expected: string): boolean {
  if (!presented) return false;
  return timingSafeEqual(digest(presented), digest(expected));
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

function presentedToken(req: http.IncomingMessage): string | undefined {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice('Bearer '.length).trim();
  return cookieValue(req.headers.cookie, CODEC_COOKIE);
}

async function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new HttpError(413, `request body over ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** `{payloads:[{metadata:{k: base64}, data: base64}]}` -> Payload[] (and back). */
export function payloadsFromJson(body: unknown): Payload[] {
  if (typeof body !== 'object' || body === null || !Array.isArray((body as { payloads?: unknown }).payloads)) {
    throw new HttpError(400, 'expected {"payloads": [...]}');
  }
  try {
    const message = temporal.api.common.v1.Payloads.fromObject(body as Record<string, unknown>);
    return (message.payloads ?? []).map((p) => ({ metadata: p.metadata ?? {}, data: p.data ?? new Uint8Array() }));
  } catch (err) {
    throw new HttpError(400, `not protobuf JSON payloads: ${(err as Error).message}`);
  }
}

export function payloadsToJson(payloads: Payload[]): { payloads: unknown[] } {
  const message = temporal.api.common.v1.Payloads.create({ payloads });
  const object = temporal.api.common.v1.Payloads.toObject(message, { bytes: String, defaults: false });
  return { payloads: (object.payloads as unknown[]) ?? [] };
}

function loginPage(message = ''): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>nlp-batch codec server</title></head>
<body style="font-family: sans-serif; max-width: 40em; margin: 3em auto">
<h1>nlp-batch codec server</h1>
${message ? `<p><strong>${message}</strong></p>` : ''}
<form method="post" action="login">
  <label>Token <input type="password" name="token" autocomplete="off" autofocus></label>
  <button type="submit">Sign in</button>
</form>
<p>Then, in the Temporal UI: Codec Server settings &rarr; use my browser setting, endpoint = this server's URL,
tick <em>Include cross-origin credentials</em>.</p>
</body></html>`;
}

export function createCodecRequestHandler(options: CodecServerOptions, stats: CodecServerStats): http.RequestListener {
  const origins = new Set(options.corsOrigins);
  const limit = options.maxBodyBytes ?? 16 * 1024 * 1024;
  const log = options.log ?? (() => undefined);

  return (req, res) => {
    const started = Date.now();
    const url = new URL(req.url ?? '/', 'http://codec.invalid');
    const operation = url.pathname.split('/').filter(Boolean).pop() ?? '';
    const origin = req.headers.origin;
    let payloadCount: number | undefined;

    const finish = (status: number, body: string, contentType = 'application/json', extra: Record<string, string> = {}) => {
      const headers: Record<string, string> = { 'Content-Type': contentType, 'Cache-Control': 'no-store', ...extra };
      if (origin && origins.has(origin)) {
        headers['Access-Control-Allow-Origin'] = origin;
        headers['Access-Control-Allow-Credentials'] = 'true';
        headers.Vary = 'Origin';
      }
      res.writeHead(status, headers).end(body);
      log({
        method: req.method,
        path: url.pathname,
        status,
        ...(payloadCount !== undefined && { payloads: payloadCount }),
        ms: Date.now() - started,
      });
    };
    const json = (status: number, value: unknown, extra?: Record<string, string>) =>
      finish(status, JSON.stringify(value), 'application/json', extra);

    const handle = async () => {
      if (req.method === 'OPTIONS') {
        if (!origin || !origins.has(origin)) return finish(403, '', 'text/plain');
        return finish(204, '', 'text/plain', {
          'Access-Control-Allow-Methods': 'POST, OPTIONS',
          'Access-Control-Allow-Headers': ALLOWED_HEADERS,
          'Access-Control-Max-Age': '600',
        });
      }
      if (req.method === 'GET' && operation === 'health') return finish(200, 'ok', 'text/plain');
      if (operation === 'login' && req.method === 'GET') return finish(200, loginPage(), 'text/html; charset=utf-8');
      if (operation === 'login' && req.method === 'POST') {
        const form = new URLSearchParams((await readBody(req, 64 * 1024)).toString('utf8'));
        if (!tokenMatches(form.get('token') ?? undefined, options.token)) {
          stats.unauthorized++;
          return finish(401, loginPage('Wrong token.'), 'text/html; charset=utf-8');
        }
        const secure = req.headers['x-forwarded-proto'] === 'https' ? '; Secure' : '';
        const cookie = `${CODEC_COOKIE}=${encodeURIComponent(options.token)}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${COOKIE_MAX_AGE_S}${secure}`;
        return finish(200, loginPage('Signed in: this browser may now decode payloads.'), 'text/html; charset=utf-8', {
          'Set-Cookie': cookie,
        });
      }
      if (operation === 'logout') {
        return finish(200, loginPage('Signed out.'), 'text/html; charset=utf-8', {
          'Set-Cookie': `${CODEC_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0`,
        });
      }
      if (operation !== 'encode' && operation !== 'decode') return json(404, { error: 'not found: POST …/encode or …/decode' });
      if (req.method !== 'POST') return json(405, { error: 'use POST' }, { Allow: 'POST, OPTIONS' });
      if (!tokenMatches(presentedToken(req), options.token)) {
        stats.unauthorized++;
        return json(401, { error: 'missing or invalid codec server token' }, { 'WWW-Authenticate': 'Bearer realm="nlp-batch codec"' });
      }
      let body: unknown;
      try {
        body = JSON.parse((await readBody(req, limit)).toString('utf8'));
      } catch (err) {
        if (err instanceof HttpError) throw err;
        throw new HttpError(400, 'body is not JSON');
      }
      const payloads = payloadsFromJson(body);
      payloadCount = payloads.length;
      let converted: Payload[];
      try {
        converted = operation === 'encode' ? await options.codec.encode(payloads) : await options.codec.decode(payloads);
      } catch (err) {
        throw new HttpError(422, `cannot ${operation}: ${(err as Error).message}`);
      }
      if (operation === 'encode') stats.encoded += payloads.length;
      else stats.decoded += payloads.length;
      return json(200, payloadsToJson(converted));
    };

    handle().catch((err: unknown) => {
      stats.failed++;
      if (res.headersSent) return res.destroy();
      const status = err instanceof HttpError ? err.status : 500;
      json(status, { error: err instanceof HttpError ? err.message : 'internal error' });
    });
  };
}

export async function startCodecServer(options: CodecServerOptions): Promise<RunningCodecServer> {
  const stats: CodecServerStats = { encoded: 0, decoded: 0, unauthorized: 0, failed: 0 };
  const server = http.createServer(createCodecRequestHandler(options, stats));
  server.keepAliveTimeout = 5_000;
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    stats,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
