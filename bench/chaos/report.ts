import os from 'node:os';
import type { ScenarioRow } from './scenario';

export interface MachineInfo {
  cores: number;
  cpu: string;
  ramGb: number;
  freeRamGbAtStart: number;
  loadAtStart: number[];
  loadAtEnd: number[];
  node: string;
  platform: string;
}

export function machineAtStart(): MachineInfo {
  return {
    cores: os.cpus().length,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    ramGb: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    freeRamGbAtStart: Math.round((os.freemem() / 2 ** 30) * 10) / 10,
    loadAtStart: os.loadavg().map((l) => Math.round(l * 100) / 100),
    loadAtEnd: [],
    node: process.version,
    platform: `${os.type()} ${os.release()}`,
  };
}

export function describeMachine(m: MachineInfo): string {
  return (
    `${m.cores} cores (${m.cpu}), ${m.ramGb} GB RAM (${m.freeRamGbAtStart} GB free at start), ` +
    `load average ${m.loadAtStart.join(' / ')} at start and ${m.loadAtEnd.join(' / ')} at the end (1/5/15 min), ` +
    `Node ${m.node}, ${m.platform}`
  );
}

const yesNo = (v: boolean | null) => (v === null ? '—' : v ? 'yes' : 'NO');
const count = (v: number | null) => (v === null ? '—' : String(v));

/** A Markdown table (readable in a terminal too), then what was injected and what broke, per scenario. */
export function formatTable(rows: ScenarioRow[]): string {
  const header = ['scenario', 'documents', 'final status', 'rows missing', 'rows duplicated', 'equal to undisturbed', 'seconds', 'verdict'];
  const cells = rows.map((r) => [
    r.scenario,
    r.documents.toLocaleString('en-US'),
    r.status,
    count(r.missing),
    count(r.duplicated),
    r.expects === 'typed-failure' ? 'n/a (typed failure)' : yesNo(r.equal),
    r.seconds.toFixed(1),
    r.passed ? 'pass' : 'FAIL',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) => `| ${c.map((v, i) => v.padEnd(widths[i])).join(' | ')} |`;
  const out = [line(header), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...cells.map(line), ''];
  for (const r of rows) {
    out.push(`- ${r.scenario}:`);
    for (const n of r.notes) out.push(`  - ${n}`);
    for (const p of r.problems) out.push(`  - PROBLEM: ${p}`);
  }
  return out.join('\n');
}
