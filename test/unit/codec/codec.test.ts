import assert from 'node:assert/strict';
import { promises as fs, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import {
  AesGcmPayloadCodec,
  createKeyring,
  ENCRYPTED_ENCODING,
  generatePayloadKey,
  isEncrypted,
  parsePayloadKeys,
  PayloadDecryptionError,
  payloadKeyId,
  resolvePayloadKeyring,
} from '../../../src/codec';
import { loadOrCreateKeyFile, loadOrCreateSecretFile } from '../../../src/codec/keys';
import { ConfigError, loadSettings } from '../../../src/config/settings';

const b64 = (key: { material: Buffer }) => key.material.toString('base64');
const encoding = (p: Payload) => Buffer.from(p.metadata?.encoding ?? new Uint8Array()).toString();

describe('AES-256-GCM payload codec', () => {
  const oldKey = generatePayloadKey('k-2023');
  const newKey = generatePayloadKey('k-2024');
  const value = { batchId: 'b1', sources: [{ key: 'raw/canary-zq81/file.csv' }], text: 'secret words' };
  const plain = defaultPayloadConverter.toPayload(value);

  it('encrypts the whole payload (metadata included) and decrypts it back', async () => {
    const codec = new AesGcmPayloadCodec(createKeyring([newKey]));
    const [encrypted] = await codec.encode([plain]);
    assert.equal(encoding(encrypted), ENCRYPTED_ENCODING);
    assert.equal(payloadKeyId(encrypted), 'k-2024');
    assert.ok(isEncrypted(encrypted));
    const bytes = Buffer.from(encrypted.data as Uint8Array).toString('latin1');
    for (const secret of ['canary-zq81', 'secret words', 'json/plain']) assert.ok(!bytes.includes(secret), `ciphertext shows ${secret}`);
    const [decrypted] = await codec.decode([encrypted]);
    assert.deepEqual(defaultPayloadConverter.fromPayload(decrypted), value);
    assert.equal(encoding(decrypted), 'json/plain');
  });

  it('uses a fresh IV per payload', async () => {
    const codec = new AesGcmPayloadCodec(createKeyring([newKey]));
    const [a, b] = await codec.encode([plain, plain]);
    assert.notDeepEqual(Buffer.from(a.data as Uint8Array), Buffer.from(b.data as Uint8Array));
  });

  it('rotates: encodes with the current key, decodes payloads of any known key', async () => {
    const before = new AesGcmPayloadCodec(createKeyring([oldKey]));
    const after = new AesGcmPayloadCodec(createKeyring([oldKey, newKey], 'k-2024'));
    const [written] = await before.encode([plain]);
    const [rewritten] = await after.encode([plain]);
    assert.equal(payloadKeyId(rewritten), 'k-2024');
    assert.deepEqual(defaultPayloadConverter.fromPayload((await after.decode([written]))[0]), value);
    // A process that never learnt the new key cannot read what the new key wrote, and says why.
    await assert.rejects(before.decode([rewritten]), (err: unknown) => {
      assert.ok(err instanceof PayloadDecryptionError);
      assert.match(err.message, /key id "k-2024".*not among the known keys \(k-2023\)/);
      return true;
    });
  });

  it('rejects altered ciphertext, a wrong key under the right id, and a relabelled key id', async () => {
    const codec = new AesGcmPayloadCodec(createKeyring([newKey]));
    const [encrypted] = await codec.encode([plain]);
    const data = Buffer.from(encrypted.data as Uint8Array);
    data[20] ^= 1;
    await assert.rejects(codec.decode([{ ...encrypted, data }]), /failed authentication/);
    const impostor = new AesGcmPayloadCodec(createKeyring([{ id: 'k-2024', material: generatePayloadKey().material }]));
    await assert.rejects(impostor.decode([encrypted]), /failed authentication/);
    // Same material under another id: the id is authenticated data, so this fails too.
    const relabelled = new AesGcmPayloadCodec(createKeyring([{ id: 'k-other', material: newKey.material }]));
    const metadata = { ...encrypted.metadata, 'encryption-key-id': Buffer.from('k-other') };
    await assert.rejects(relabelled.decode([{ ...encrypted, metadata }]), /failed authentication/);
    await assert.rejects(codec.decode([{ ...encrypted, data: Buffer.alloc(10) }]), /truncated/);
  });

  it('passes unencrypted payloads through on decode (histories from before encryption)', async () => {
    const codec = new AesGcmPayloadCodec(createKeyring([newKey]));
    assert.deepEqual(await codec.decode([plain]), [plain]);
  });
});

describe('payload keys from configuration', () => {
  const k1 = generatePayloadKey('one');
  const k2 = generatePayloadKey('two');

  it('parses PAYLOAD_KEYS and PAYLOAD_KEY_ID into settings', () => {
    const settings = loadSettings({ PAYLOAD_KEYS: `one:${b64(k1)}, two:${b64(k2)}`, PAYLOAD_KEY_ID: 'two' });
    assert.deepEqual(
      settings.codec.keys?.map((k) => k.id),
      ['one', 'two'],
    );
    assert.equal(settings.codec.currentKeyId, 'two');
    assert.deepEqual(createKeyring(settings.codec.keys ?? [], settings.codec.currentKeyId).current.material, k2.material);
  });

  it('refuses bad keys with messages that never contain key material', () => {
    const short = Buffer.alloc(16, 7).toString('base64');
    const bad: Array<[Record<string, string>, RegExp]> = [
      [{ PAYLOAD_KEYS: `one:${short}` }, /16 bytes, AES-256 needs 32/],
      [{ PAYLOAD_KEYS: `one:${b64(k1)},two:${b64(k2)}` }, /set PAYLOAD_KEY_ID/],
      [{ PAYLOAD_KEYS: `one:${b64(k1)}`, PAYLOAD_KEY_ID: 'three' }, /"three" is not one of the ids/],
      [{ PAYLOAD_KEYS: `one:${b64(k1)},one:${b64(k2)}`, PAYLOAD_KEY_ID: 'one' }, /appears twice/],
      [{ PAYLOAD_KEYS: `${b64(k1)}` }, /expected id:base64key|key id must match/],
      [{ PAYLOAD_KEYS: 'one:not base64!' }, /not base64/],
      [{ PAYLOAD_KEY_ID: 'one' }, /PAYLOAD_KEYS is not/],
    ];
    for (const [env, message] of bad) {
      assert.throws(
        () => loadSettings(env),
        (err: unknown) => {
          assert.ok(err instanceof ConfigError, String(err));
          assert.match(err.message, message);
          for (const secret of [b64(k1), b64(k2), short]) assert.ok(!err.message.includes(secret), 'key material in the message');
          return true;
        },
      );
    }
    assert.deepEqual(
      parsePayloadKeys(` one:${b64(k1)} ,`).map((k) => k.id),
      ['one'],
    );
  });

  describe('the local key file (embedded setup, PAYLOAD_KEYS unset)', () => {
    let dir: string;
    beforeEach(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'nlp-keys-'))));
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('is created once, mode 0600, and reused', async () => {
      const settings = loadSettings({ DATA_DIR: dir });
      const first = await resolvePayloadKeyring(settings);
      const file = path.join(dir, 'secrets', 'payload-keys.json');
      assert.equal(settings.codec.keyFile, file);
      assert.equal((await fs.stat(file)).mode & 0o777, 0o600);
      const second = await resolvePayloadKeyring(settings);
      assert.equal(second.current.id, first.current.id);
      assert.deepEqual(second.current.material, first.current.material);
    });

    it('gives every process started together the same key', async () => {
      const file = path.join(dir, 'k.json');
      const results = await Promise.all(Array.from({ length: 8 }, () => loadOrCreateKeyFile(file)));
      assert.equal(results.filter((r) => r.created).length, 1);
      assert.equal(new Set(results.map((r) => r.keyring.current.material.toString('hex'))).size, 1);
      assert.deepEqual(await fs.readdir(dir), ['k.json'], 'no temporary files left');
      const secrets = await Promise.all(Array.from({ length: 4 }, () => loadOrCreateSecretFile(path.join(dir, 'token'))));
      assert.equal(new Set(secrets.map((s) => s.secret)).size, 1);
      assert.ok(secrets[0].secret.length >= 24);
    });

    it('is not generated for a remote server: every process there must share PAYLOAD_KEYS', async () => {
      const settings = loadSettings({ DATA_DIR: dir, TEMPORAL_ADDRESS: 'temporal.example.internal:7233', STORE: 's3', S3_BUCKET: 'b' });
      await assert.rejects(
        resolvePayloadKeyring(settings),
        (err: unknown) => err instanceof ConfigError && /PAYLOAD_KEYS is required/.test(err.message),
      );
      await assert.rejects(fs.stat(settings.codec.keyFile));
    });
  });
});
