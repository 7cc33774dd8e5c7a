import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** An S3 error as S3 sends it: HTTP status and the XML body's Code and Message. */
export interface S3Fault {
  status: number;
  code: string;
  message: string;
}

export const TRANSIENT_FAULTS: readonly S3Fault[] = [
  { status: 500, code: 'InternalError', message: 'We encountered an internal error. Please try again.' },
  { status: 503, code: 'ServiceUnavailable', message: 'Service is unable to handle request.' },
  { status: 503, code: 'SlowDown', message: 'Please reduce your request rate.' },
];

export const ACCESS_DENIED: S3Fault = { status: 403, code: 'AccessDenied', message: 'Access Denied' };

export interface ProxiedRequest {
  method: string;
  /** Path without the query, still URL-encoded (path-style: /bucket/key). */
  path: string;
}

export interface FaultProxyStats {
  forwarded: number;
  faulted: Record<string, number>;
}

/**
 * An HTTP forwarder on loopback in front of moto. Requests pass through byte for byte unless a
 * rule answers them with an S3-style XML error instead: a timed window of transient 500/503/SlowDown
 * answers (an S3 brown-out), or a permanent answer for matching requests (AccessDenied on a prefix,
 * as a wrong IAM policy gives). The application sees it as S3 through AWS_ENDPOINT_URL.
 */
export class FaultProxy {
  private windowEnds = 0;
  private rotation = 0;
  private readonly rules: Array<{ matches: (r: ProxiedRequest) => boolean; fault: S3Fault }> = [];
  readonly stats: FaultProxyStats = { forwarded: 0, faulted: {} };

  private readonly server: http.Server;
  private readonly agent = new http.Agent({ keepAlive: true });
  endpoint = '';

  private constructor(private readonly upstream: URL) {
    this.server = http.createServer((req, res) => this.handle(req, res));
  }

  static async start(target: string): Promise<FaultProxy> {
    const proxy = new FaultProxy(new URL(target));
    await new Promise<void>((resolve, reject) => {
      proxy.server.once('error', reject);
      proxy.server.listen(0, '127.0.0.1', () => resolve());
    });
    proxy.endpoint = `http://127.0.0.1:${(proxy.server.address() as AddressInfo).port}`;
    return proxy;
  }

  /** For `ms` from now every request gets a transient error (500, 503, SlowDown in turn). */
  faultFor(ms: number): void {
    this.windowEnds = Date.now() + ms;
  }

  get faulting(): boolean {
    return Date.now() < this.windowEnds;
  }

  /** From now on, requests that `matches` accepts get `fault`. */
  deny(matches: (r: ProxiedRequest) => boolean, fault: S3Fault = ACCESS_DENIED): void {
    this.rules.push({ matches, fault });
  }

  private pickFault(request: ProxiedRequest): S3Fault | undefined {
    if (this.faulting) return TRANSIENT_FAULTS[this.rotation++ % TRANSIENT_FAULTS.length];
    return this.rules.find((rule) => rule.matches(request))?.fault;
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const upstream = this.upstream;
    const request: ProxiedRequest = { method: req.method ?? 'GET', path: (req.url ?? '/').split('?')[0] };
    const fault = this.pickFault(request);
    if (fault) {
      this.stats.faulted[fault.code] = (this.stats.faulted[fault.code] ?? 0) + 1;
      // Read the request to its end first: answering mid-upload resets the client's socket, and
      // S3 answers after it has the request.
      req.resume();
      req.once('end', () => answerWithFault(res, request, fault));
      return;
    }
    this.stats.forwarded++;
    const forwarded = http.request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: withoutHopByHop(req.headers),
        agent: this.agent,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, withoutHopByHop(answer.headers));
        answer.pipe(res);
      },
    );
    forwarded.on('error', (err) => res.destroy(err));
    req.pipe(forwarded);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.agent.destroy();
  }
}

function answerWithFault(res: http.ServerResponse, request: ProxiedRequest, fault: S3Fault): void {
  const requestId = randomBytes(8).toString('hex').toUpperCase();
  const body =
    request.method === 'HEAD'
      ? ''
      : `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${fault.code}</Code><Message>${fault.message}</Message>` +
        `<Resource>${request.path}</Resource><RequestId>${requestId}</RequestId><HostId>chaos-fault-proxy</HostId></Error>`;
  res.writeHead(fault.status, {
    'Content-Type': 'application/xml',
    'Content-Length': Buffer.byteLength(body),
    'x-amz-request-id': requestId,
    ...(fault.code === 'SlowDown' || fault.status === 503 ? { 'Retry-After': '1' } : {}),
  });
  res.end(body);
}

const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'upgrade', 'transfer-encoding'];

function withoutHopByHop(headers: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  const out: http.OutgoingHttpHeaders = { ...headers };
  for (const name of HOP_BY_HOP) delete out[name];
  return out;
}
