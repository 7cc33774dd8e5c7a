import { existsSync } from 'node:fs';
import path from 'node:path';

/** The folder holding package.json, found from a compiled or source file's location. */
export function repoRoot(from: string = __dirname): string {
  let dir = from;
  for (;;) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'requirements.txt'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no project root above ${from}`);
    dir = parent;
  }
}

export function venvBin(name: string): string {
  return path.join(repoRoot(), '.venv', 'bin', name);
}
