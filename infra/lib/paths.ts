import { existsSync } from 'node:fs';
import path from 'node:path';

/** The repository root (package.json + requirements.txt), from wherever the compiled app runs. */
export function repoRoot(from: string = __dirname): string {
  let dir = from;
  for (;;) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'requirements.txt'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no repository root above ${from}`);
    dir = parent;
  }
}

export const paths = {
  root: () => repoRoot(),
  lambdaEntry: () => path.join(repoRoot(), 'infra', 'lambda', 's3-event-handler.ts'),
  infraDir: () => path.join(repoRoot(), 'infra'),
  /** esbuild runs from infra/ (where it is installed); src/ and the root node_modules resolve upwards. */
  infraLockFile: () => path.join(repoRoot(), 'infra', 'package-lock.json'),
  glueDir: () => path.join(repoRoot(), 'glue'),
  dockerfile: 'docker/Dockerfile',
};
