import assert from 'node:assert/strict';
import { defaultPayloadConverter } from '@temporalio/common';
import { AesGcmPayloadCodec, createKeyring, generatePayloadKey } from '../../../src/codec';
import { CODEC_COOKIE, payloadsFromJson, payloadsToJson, startCodecServer, type RunningCodecServer } from '../../../src/codec/codec-server';

const TOKEN = 'codec-token-zq81-do-not-log';
const UI = 'http://localhost:8233';

describe('codec server (Temporal remote codec protocol)', () => {
  const codec = new AesGcmPayloadCodec(createKeyring([generatePayloadKey('k1')]));
  const logged: Array<Record<string, unknown>> = [];
  let server: RunningCodecServer;

  before(async () => {
    server = await startCodecServer({ codec, token: TOKEN, corsOrigins: [UI], port: 0, log: (e) => logged.push(e) });
  });
  after(() => server.close());

  const value = { batchId: 'b1', firstFile: 'raw/canary-zq81/file.csv' };
  async function encryptedBody() {
    return payloadsToJson(await codec.encode([defaultPayloadConverter.toPayload(value)]));
  }
  function post(path: string, body: unknown, headers: Record<string, string> = {}) {
    return fetch(server.url + path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Namespace': 'default', ...headers },
      body: JSON.stringify(body),
    });
  }

  it('refuses /decode and /encode without the token, or with a wrong one (401)', async () => {
    const body = await encryptedBody();
    const before = server.stats.unauthorized;
    const attempts: Array<Record<string, string>> = [
      {},
      { Authorization: 'Bearer wrong-token-0000000000' },
      { Authorization: TOKEN },
      { Cookie: `${CODEC_COOKIE}=nope` },
    ];
    for (const headers of attempts) {
      for (const path of ['/decode', '/encode']) {
        const res = await post(path, body, headers);
        assert.equal(res.status, 401, `${path} with ${JSON.stringify(headers)}`);
        const text = await res.text();
        assert.ok(!text.includes('canary'), 'nothing decoded in a refusal');
        assert.match(res.headers.get('www-authenticate') ?? '', /^Bearer/);
      }
    }
    assert.equal(server.stats.unauthorized - before, 8);
    assert.equal(server.stats.decoded, 0);
  });

  it('decodes with the bearer token: protobuf JSON in and out, under any path prefix, query ignored', async () => {
    const res = await post('/some/prefix/decode?preserveStorageRefs=true', await encryptedBody(), { Authorization: `Bearer ${TOKEN}` });
    assert.equal(res.status, 200);
    const json = (await res.json()) as { payloads: Array<{ metadata: Record<string, string>; data: string }> };
    assert.equal(Buffer.from(json.payloads[0].metadata.encoding, 'base64').toString(), 'json/plain');
    assert.deepEqual(JSON.parse(Buffer.from(json.payloads[0].data, 'base64').toString()), value);
  });

  it('encodes what it is given, and the result decodes back', async () => {
    const plain = payloadsToJson([defaultPayloadConverter.toPayload(value)]);
    const encoded = await (await post('/encode', plain, { Authorization: `Bearer ${TOKEN}` })).json();
    const [payload] = payloadsFromJson(encoded);
    assert.equal(Buffer.from(payload.metadata?.encoding ?? []).toString(), 'binary/encrypted');
    assert.deepEqual(defaultPayloadConverter.fromPayload((await codec.decode([payload]))[0]), value);
  });

  it('signs a browser in with a cookie (HttpOnly, SameSite=Strict) that then authorises /decode', async () => {
    const wrong = await fetch(`${server.url}/login`, { method: 'POST', body: new URLSearchParams({ token: 'guess' }) });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.headers.get('set-cookie'), null);
    const login = await fetch(`${server.url}/login`, { method: 'POST', body: new URLSearchParams({ token: TOKEN }) });
    assert.equal(login.status, 200);
    const cookie = login.headers.get('set-cookie') ?? '';
    assert.match(cookie, new RegExp(`^${CODEC_COOKIE}=`));
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Strict/);
    const res = await post('/decode', await encryptedBody(), { Cookie: cookie.split(';')[0], Origin: UI });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('access-control-allow-origin'), UI);
    assert.equal(res.headers.get('access-control-allow-credentials'), 'true');
    assert.equal((await fetch(`${server.url}/login`)).status, 200, 'the login form');
  });

  it('answers CORS preflights for the UI origin without a token, and refuses other origins', async () => {
    const ok = await fetch(`${server.url}/decode`, {
      method: 'OPTIONS',
      headers: { Origin: UI, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type,x-namespace' },
    });
    assert.equal(ok.status, 204);
    assert.equal(ok.headers.get('access-control-allow-origin'), UI);
    assert.equal(ok.headers.get('access-control-allow-credentials'), 'true');
    assert.match(ok.headers.get('access-control-allow-headers') ?? '', /X-Namespace/);
    assert.match(ok.headers.get('access-control-allow-methods') ?? '', /POST/);
    const evil = await fetch(`${server.url}/decode`, {
      method: 'OPTIONS',
      headers: { Origin: 'http://evil.example', 'Access-Control-Request-Method': 'POST' },
    });
    assert.equal(evil.status, 403);
    assert.equal(evil.headers.get('access-control-allow-origin'), null);
    // A refused request still carries CORS headers for the UI, so the UI can show the 401.
    const refused = await post('/decode', await encryptedBody(), { Origin: UI });
    assert.equal(refused.status, 401);
    assert.equal(refused.headers.get('access-control-allow-origin'), UI);
  });

  it('rejects malformed bodies and undecryptable payloads with 4xx, and unknown paths with 404', async () => {
    const auth = { Authorization: `Bearer ${TOKEN}` };
    assert.equal((await post('/decode', { nope: 1 }, auth)).status, 400);
    const notJson = await fetch(`${server.url}/decode`, { method: 'POST', headers: auth, body: '{' });
    assert.equal(notJson.status, 400);
    const other = new AesGcmPayloadCodec(createKeyring([generatePayloadKey('k9')]));
    const foreign = payloadsToJson(await other.encode([defaultPayloadConverter.toPayload(value)]));
    const res = await post('/decode', foreign, auth);
    assert.equal(res.status, 422);
    assert.match(((await res.json()) as { error: string }).error, /key id "k9"/);
    assert.equal((await post('/elsewhere', {}, auth)).status, 404);
    assert.equal((await fetch(`${server.url}/decode`, { headers: auth })).status, 405);
  });

  it('never logs the token, headers or payloads', () => {
    assert.ok(logged.length > 10);
    const text = JSON.stringify(logged);
    for (const secret of [TOKEN, 'canary', 'Bearer', CODEC_COOKIE, 'preserveStorageRefs'])
      assert.ok(!text.includes(secret), `log shows ${secret}`);
    assert.ok(logged.some((e) => e.path === '/decode' && e.status === 401));
  });
});
