import type { Settings } from '../../config/settings';

/** What every command gets: settings parsed once, and where to write. */
export interface CliContext {
  /** Running under CI (CI=true): never wait for Ctrl-C. */
  ci: boolean;
  settings(): Settings;
  /** Results (stdout): what scripts parse. */
  out(line: string): void;
  /** Progress and diagnostics (stderr). */
  log(line: string): void;
}
