/** The page around a report: one self-contained HTML file (inline CSS, inline SVG, no script, no link). */

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** A figure shown in a report, tagged with the JSON field it comes from so tests can compare. */
export function value(key: string, text: string | number): string {
  return `<span data-key="${escapeHtml(key)}">${escapeHtml(String(text))}</span>`;
}

export const fmt = {
  int: (n: number) => String(n),
  pct: (n: number | null) => (n === null || !Number.isFinite(n) ? 'n/a' : `${(100 * n).toFixed(2)}%`),
  num: (n: number | null, digits = 4) => (n === null || !Number.isFinite(n) ? 'n/a' : n.toFixed(digits)),
};

export interface Cell {
  text: string | number;
  /** data-key of the cell (the JSON path it shows). */
  key?: string;
  className?: string;
}

export function table(headers: readonly string[], rows: ReadonlyArray<ReadonlyArray<Cell | string | number>>, id?: string): string {
  const head = headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const body = rows
    .map(
      (row) =>
        `<tr>${row
          .map((c) => {
            const cell: Cell = typeof c === 'object' ? c : { text: c };
            const attrs = `${cell.key ? ` data-key="${escapeHtml(cell.key)}"` : ''}${cell.className ? ` class="${cell.className}"` : ''}`;
            return `<td${attrs}>${escapeHtml(String(cell.text))}</td>`;
          })
          .join('')}</tr>`,
    )
    .join('\n');
  return `<table${id ? ` id="${escapeHtml(id)}"` : ''}><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

export interface Section {
  id: string;
  title: string;
  /** HTML (already escaped where it holds data). */
  body: string;
}

export function figure(svg: string, caption?: string): string {
  return `<figure>${svg}${caption ? `<figcaption>${escapeHtml(caption)}</figcaption>` : ''}</figure>`;
}

export function grid(...items: string[]): string {
  return `<div class="grid">${items.join('\n')}</div>`;
}

export function note(text: string): string {
  return `<p class="note">${escapeHtml(text)}</p>`;
}

const CSS = `
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; color: #111827; background: #f8fafc; }
header { background: #0f172a; color: white; padding: 20px 32px; }
header h1 { margin: 0 0 4px; font-size: 22px; }
header p { margin: 0; color: #cbd5e1; font-size: 13px; }
nav { padding: 8px 32px; background: #e2e8f0; font-size: 13px; }
nav a { margin-right: 14px; color: #1e3a8a; text-decoration: none; }
main { padding: 8px 32px 40px; }
section { background: white; border: 1px solid #e2e8f0; border-radius: 8px; padding: 16px 20px; margin: 16px 0; }
h2 { font-size: 17px; margin: 0 0 12px; }
h3 { font-size: 14px; margin: 12px 0 6px; color: #334155; }
table { border-collapse: collapse; font-size: 13px; margin: 6px 0 10px; }
th, td { border-bottom: 1px solid #e2e8f0; padding: 4px 10px; text-align: right; }
th:first-child, td:first-child { text-align: left; }
th { background: #f1f5f9; font-weight: 600; }
.grid { display: flex; flex-wrap: wrap; gap: 20px; align-items: flex-start; }
figure { margin: 0; }
figcaption { font-size: 12px; color: #475569; margin-top: 4px; }
.note { color: #475569; font-size: 13px; }
.kpis { display: flex; flex-wrap: wrap; gap: 12px; }
.kpi { border: 1px solid #e2e8f0; border-radius: 6px; padding: 8px 14px; min-width: 120px; }
.kpi .label { font-size: 12px; color: #475569; }
.kpi .figure { font-size: 20px; font-weight: 600; }
.ok { color: #15803d; } .warn { color: #b45309; font-weight: 600; } .drift { color: #b91c1c; font-weight: 700; }
.insufficient-data { color: #64748b; }
.decision { font-size: 18px; font-weight: 700; }
`;

export function kpis(items: ReadonlyArray<{ label: string; text: string | number; key: string }>): string {
  return `<div class="kpis">${items
    .map((k) => `<div class="kpi"><div class="label">${escapeHtml(k.label)}</div><div class="figure">${value(k.key, k.text)}</div></div>`)
    .join('')}</div>`;
}

export function page(options: { title: string; subtitle: string; sections: readonly Section[]; generatedAt: string }): string {
  const nav = options.sections.map((s) => `<a href="#${escapeHtml(s.id)}">${escapeHtml(s.title)}</a>`).join('');
  const sections = options.sections
    .map((s) => `<section id="${escapeHtml(s.id)}"><h2>${escapeHtml(s.title)}</h2>\n${s.body}\n</section>`)
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="nlp-batch">
<title>${escapeHtml(options.title)}</title>
<style>${CSS}</style></head>
<body><header><h1>${escapeHtml(options.title)}</h1><p>${escapeHtml(options.subtitle)} · generated ${escapeHtml(options.generatedAt)}</p></header>
<nav>${nav}</nav>
<main>
${sections}
</main></body></html>
`;
}
