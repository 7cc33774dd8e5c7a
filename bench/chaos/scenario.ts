import type { ChaosEnvironment } from './environment';

/** What one scenario measured. `equal` and `passed` are filled in once the reference is known. */
export interface ScenarioRow {
  scenario: string;
  documents: number;
  /** The workflow status(es) as the server reports them, e.g. COMPLETED, FAILED (AccessDenied), 20/20 COMPLETED. */
  status: string;
  /** Input ids with no exported result (null: nothing to export, as the scenario expects). */
  missing: number | null;
  /** Exported records beyond the first per id. */
  duplicated: number | null;
  /** sha256 over the sorted (id, predicted label, probabilities) of every exported record. */
  sha256: string | null;
  /** sha256 equals the undisturbed run's (null when the scenario expects no results). */
  equal: boolean | null;
  seconds: number;
  /** What the scenario expects: every row scored exactly once, or a typed failure with nothing presented as success. */
  expects: 'all-rows' | 'typed-failure';
  /** Broken expectations found while running (empty when the scenario holds). */
  problems: string[];
  /** What was injected and when. */
  notes: string[];
  passed: boolean;
}

export interface Scenario {
  name: string;
  /** One line for the table's legend. */
  summary: string;
  run(env: ChaosEnvironment, estimateSeconds: number): Promise<ScenarioRow>;
}

export function newRow(scenario: string, documents: number, expects: ScenarioRow['expects'] = 'all-rows'): ScenarioRow {
  return {
    scenario,
    documents,
    status: 'NOT_STARTED',
    missing: null,
    duplicated: null,
    sha256: null,
    equal: null,
    seconds: 0,
    expects,
    problems: [],
    notes: [],
    passed: false,
  };
}

/** Compares with the reference and decides whether the scenario held. */
export function judge(row: ScenarioRow, referenceSha: string | null): ScenarioRow {
  if (row.expects === 'typed-failure') {
    row.equal = null;
    row.passed = row.problems.length === 0;
    return row;
  }
  row.equal = referenceSha !== null && row.sha256 !== null ? row.sha256 === referenceSha : null;
  if (row.missing !== 0) row.problems.push(`${row.missing ?? 'all'} input rows have no exported result`);
  if (row.duplicated !== null && row.duplicated > 0) row.problems.push(`${row.duplicated} rows exported more than once`);
  if (row.equal === false) row.problems.push('exported results differ from the undisturbed run');
  if (row.equal === null && row.scenario !== 'reference') row.problems.push('no reference to compare with');
  row.passed = row.problems.length === 0;
  return row;
}
