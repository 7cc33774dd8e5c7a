import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';

/** One AES-256 key and the id payloads encrypted with it carry in their metadata. */
export interface PayloadKey {
  id: string;
  /** 32 bytes. */
  material: Buffer;
}

/**
 * The keys a process knows: it encrypts with `current` and decrypts with any of `keys`, so a key
 * can be rotated without making older histories unreadable.
 */
export interface PayloadKeyring {
  current: PayloadKey;
  keys: ReadonlyMap<string, PayloadKey>;
}

export const KEY_BYTES = 32;
const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;

export class PayloadKeyError extends Error {
  override readonly name = 'PayloadKeyError';
}

/**
 * Parses `id1:base64key,id2:base64key` (PAYLOAD_KEYS). Error messages name the key id or the
 * position, never the key material.
 */
export function parsePayloadKeys(spec: string): PayloadKey[] {
  const entries = spec
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (entries.length === 0) throw new PayloadKeyError('PAYLOAD_KEYS is empty: expected id:base64key[,id:base64key...]');
  const keys: PayloadKey[] = [];
  entries.forEach((entry, i) => {
    const colon = entry.indexOf(':');
    if (colon <= 0) throw new PayloadKeyError(`PAYLOAD_KEYS entry ${i + 1}: expected id:base64key`);
    const id = entry.slice(0, colon).trim();
    if (!KEY_ID.test(id)) throw new PayloadKeyError(`PAYLOAD_KEYS entry ${i + 1}: key id must match ${KEY_ID.source}`);
    const encoded = entry.slice(colon + 1).trim();
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) throw new PayloadKeyError(`PAYLOAD_KEYS key "${id}": not base64`);
    const material = Buffer.from(encoded, 'base64');
    if (material.length !== KEY_BYTES) {
      throw new PayloadKeyError(`PAYLOAD_KEYS key "${id}": ${material.length} bytes, AES-256 needs ${KEY_BYTES}`);
    }
    if (keys.some((k) => k.id === id)) throw new PayloadKeyError(`PAYLOAD_KEYS: key id "${id}" appears twice`);
    keys.push({ id, material });
  });
  return keys;
}

/** The current key is `currentId`, or the only key when there is one. */
export function createKeyring(keys: PayloadKey[], currentId?: string): PayloadKeyring {
  if (keys.length === 0) throw new PayloadKeyError('no payload keys');
  const byId = new Map(keys.map((k) => [k.id, k]));
  let current: PayloadKey | undefined;
  if (currentId !== undefined) {
    current = byId.get(currentId);
    if (!current)
      throw new PayloadKeyError(`PAYLOAD_KEY_ID "${currentId}" is not one of the ids in PAYLOAD_KEYS (${[...byId.keys()].join(', ')})`);
  } else if (keys.length === 1) {
    current = keys[0];
  } else {
    throw new PayloadKeyError(`PAYLOAD_KEYS holds ${keys.length} keys: set PAYLOAD_KEY_ID to the one that encrypts`);
  }
  return { current, keys: byId };
}

export function generatePayloadKey(id = `local-${randomBytes(4).toString('hex')}`): PayloadKey {
  return { id, material: randomBytes(KEY_BYTES) };
}

/** The local key file: `{"current": id, "keys": {id: base64}}`, mode 0600. */
interface KeyFile {
  current: string;
  keys: Record<string, string>;
}

function keyringFromFile(text: string, file: string): PayloadKeyring {
  let parsed: KeyFile;
  try {
    parsed = JSON.parse(text) as KeyFile;
  } catch {
    throw new PayloadKeyError(`${file}: not JSON`);
  }
  if (typeof parsed?.current !== 'string' || typeof parsed.keys !== 'object' || parsed.keys === null) {
    throw new PayloadKeyError(`${file}: expected {"current": id, "keys": {id: base64key}}`);
  }
  const spec = Object.entries(parsed.keys)
    .map(([id, key]) => `${id}:${String(key)}`)
    .join(',');
  try {
    return createKeyring(parsePayloadKeys(spec), parsed.current);
  } catch (err) {
    throw new PayloadKeyError(`${file}: ${(err as Error).message.replace(/PAYLOAD_KEYS|PAYLOAD_KEY_ID/g, 'key file')}`);
  }
}

export function keyFileText(keyring: PayloadKeyring): string {
  const keys = Object.fromEntries([...keyring.keys.values()].map((k) => [k.id, k.material.toString('base64')]));
  return JSON.stringify({ current: keyring.current.id, keys }, null, 2) + '\n';
}

/**
 * Reads the local key file, creating it with a fresh key on first use (mode 0600). Safe when two
 * processes start together: the file appears atomically (link of a complete temporary file) and
 * the loser reads the winner's key.
 */
export async function loadOrCreateKeyFile(file: string): Promise<{ keyring: PayloadKeyring; created: boolean }> {
  try {
    return { keyring: keyringFromFile(await fs.readFile(file, 'utf8'), file), created: false };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const key = generatePayloadKey();
  const keyring = createKeyring([key]);
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await fs.writeFile(tmp, keyFileText(keyring), { mode: 0o600, flag: 'wx' });
  try {
    await fs.link(tmp, file);
    return { keyring, created: true };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return { keyring: keyringFromFile(await fs.readFile(file, 'utf8'), file), created: false };
  } finally {
    await fs.unlink(tmp).catch(() => undefined);
  }
}

/**
 * A random secret kept in a 0600 file, created on first use (the codec server's token when
 * CODEC_SERVER_TOKEN is unset). Same atomic creation as the key file.
 */
export async function loadOrCreateSecretFile(file: string, bytes = 24): Promise<{ secret: string; created: boolean }> {
  try {
    const secret = (await fs.readFile(file, 'utf8')).trim();
    if (secret.length < 16) throw new PayloadKeyError(`${file}: the secret is shorter than 16 characters`);
    return { secret, created: false };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const secret = randomBytes(bytes).toString('base64url');
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await fs.writeFile(tmp, secret + '\n', { mode: 0o600, flag: 'wx' });
  try {
    await fs.link(tmp, file);
    return { secret, created: true };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return { secret: (await fs.readFile(file, 'utf8')).trim(), created: false };
  } finally {
    await fs.unlink(tmp).catch(() => undefined);
  }
}
