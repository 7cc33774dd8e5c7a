/**
 * Lambda has no native way to put a Secrets Manager value into an environment variable (ECS does),
 * so the S3-event function gets `<NAME>_SECRET_ARN` variables and resolves them once per cold start
 * into `<NAME>` before the application's settings are read. Pure apart from the injected fetcher.
 */

export const SECRET_ARN_SUFFIX = '_SECRET_ARN';

export type SecretFetcher = (secretArn: string) => Promise<string>;

export class SecretEnvError extends Error {
  override readonly name = 'SecretEnvError';
}

/** A copy of `env` where every `<NAME>_SECRET_ARN` has been replaced by `<NAME>` = the secret's value. */
export async function resolveSecretEnv(
  env: Record<string, string | undefined>,
  fetch: SecretFetcher,
): Promise<Record<string, string | undefined>> {
  const out: Record<string, string | undefined> = { ...env };
  const pending: Array<Promise<void>> = [];
  for (const [name, arn] of Object.entries(env)) {
    if (!name.endsWith(SECRET_ARN_SUFFIX) || !arn) continue;
    const target = name.slice(0, -SECRET_ARN_SUFFIX.length);
    if (!target) throw new SecretEnvError(`${name}: no variable name before ${SECRET_ARN_SUFFIX}`);
    if (env[target] !== undefined) throw new SecretEnvError(`${target} is set both directly and through ${name}`);
    delete out[name];
    pending.push(
      fetch(arn).then((value) => {
        const trimmed = value.trim();
        // An empty secret would silently turn into "no API key" (plaintext, unauthenticated).
        if (trimmed === '') throw new SecretEnvError(`the secret behind ${name} is empty`);
        out[target] = trimmed;
      }),
    );
  }
  await Promise.all(pending);
  return out;
}

/** S3_EVENT_WINDOW_SECONDS (default 60): uploads within one window of a folder join one batch. */
export function eventWindowMs(env: Record<string, string | undefined>): number {
  const raw = env.S3_EVENT_WINDOW_SECONDS ?? '60';
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > 86_400) {
    throw new SecretEnvError(`S3_EVENT_WINDOW_SECONDS must be an integer in [1, 86400], got ${JSON.stringify(raw)}`);
  }
  return Number(raw) * 1000;
}
