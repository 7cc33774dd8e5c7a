import * as Plot from '@observablehq/plot';
import { parseHTML } from 'linkedom';

/**
 * Charts as inline SVG, rendered on the server by Observable Plot into a linkedom document (no
 * browser, no canvas, no network). A report embeds the returned markup as is. Continuous colour
 * legends need a canvas, so heatmaps carry their counts as text instead of a legend.
 */
const { document } = parseHTML('<!doctype html><html><body></body></html>') as unknown as { document: unknown };

const STYLE = { fontSize: '12px', background: 'white', color: '#1f2937', overflow: 'visible' } as const;
const COLORS = { primary: '#2563eb', secondary: '#f59e0b' };

function render(options: Plot.PlotOptions): string {
  const node = Plot.plot({ ...options, document, style: STYLE } as Plot.PlotOptions) as unknown as { outerHTML: string };
  return node.outerHTML;
}

export interface Bar {
  label: string;
  value: number;
}

/** Vertical bars in the given order (categories, or histogram bins named by their ranges). */
export function barChart(bars: readonly Bar[], options: { x: string; y: string; width?: number; height?: number; color?: string }): string {
  const domain = bars.map((b) => b.label);
  return render({
    width: options.width ?? Math.max(360, Math.min(900, 60 * bars.length + 120)),
    height: options.height ?? 260,
    marginBottom: bars.some((b) => b.label.length > 6) ? 70 : 40,
    marginLeft: 60,
    x: { domain, label: options.x, tickRotate: bars.some((b) => b.label.length > 6) ? -30 : 0 },
    y: { grid: true, label: options.y },
    marks: [
      Plot.barY(bars as Bar[], { x: 'label', y: 'value', fill: options.color ?? COLORS.primary, tip: false }),
      Plot.text(bars as Bar[], { x: 'label', y: 'value', text: (b: Bar) => formatShort(b.value), dy: -6, fontSize: 10 }),
      Plot.ruleY([0]),
    ],
  });
}

/** Horizontal bars, largest first as given: top terms. */
export function horizontalBars(input: readonly Bar[], options: { x: string; width?: number; color?: string }): string {
  // Long n-grams (mail headers glued together) would push the chart off the page.
  const bars = input.map((b, i) => ({ ...b, label: b.label.length > 26 ? `${b.label.slice(0, 24)}…${i}` : b.label }));
  const longest = bars.reduce((m, b) => Math.max(m, b.label.length), 4);
  return render({
    width: options.width ?? 380,
    height: 22 * bars.length + 50,
    marginLeft: Math.min(200, 8 * longest + 16),
    marginRight: 40,
    x: { grid: true, label: options.x },
    y: { domain: bars.map((b) => b.label), label: null },
    marks: [
      Plot.barX(bars as Bar[], { y: 'label', x: 'value', fill: options.color ?? COLORS.primary }),
      Plot.text(bars as Bar[], {
        y: 'label',
        x: 'value',
        text: (b: Bar) => formatShort(b.value),
        dx: 4,
        textAnchor: 'start',
        fontSize: 10,
      }),
      Plot.ruleX([0]),
    ],
  });
}

export interface PairedBar {
  bin: string;
  series: string;
  value: number;
}

/** Two series side by side per bin (baseline vs current), as shares so different sizes compare. */
export function pairedBars(bars: readonly PairedBar[], options: { x: string; y: string; series: [string, string] }): string {
  const bins = [...new Set(bars.map((b) => b.bin))];
  return render({
    width: Math.max(420, Math.min(960, 70 * bins.length + 120)),
    height: 280,
    marginBottom: bins.some((b) => b.length > 6) ? 80 : 50,
    marginLeft: 60,
    fx: { domain: bins, label: options.x, tickRotate: bins.some((b) => b.length > 6) ? -30 : 0, padding: 0.15 },
    x: { domain: options.series, axis: null },
    y: { grid: true, label: options.y },
    color: { domain: options.series, range: [COLORS.secondary, COLORS.primary], legend: true },
    marks: [Plot.barY(bars as PairedBar[], { fx: 'bin', x: 'series', y: 'value', fill: 'series' }), Plot.ruleY([0])],
  });
}

/** A confusion matrix: rows are true labels, columns predictions, each cell shows its count. */
export function heatmap(labels: readonly string[], matrix: readonly (readonly number[])[], options: { x: string; y: string }): string {
  const cells = labels.flatMap((t, i) => labels.map((p, j) => ({ truth: t, predicted: p, count: matrix[i]?.[j] ?? 0 })));
  const max = cells.reduce((m, c) => Math.max(m, c.count), 0);
  const size = Math.max(60, Math.min(110, 480 / Math.max(1, labels.length)));
  return render({
    width: size * labels.length + 140,
    height: size * labels.length + 90,
    marginLeft: 120,
    marginTop: 40,
    x: { domain: [...labels], label: options.x, axis: 'top' },
    y: { domain: [...labels], label: options.y },
    color: { type: 'linear', range: ['#eff6ff', '#1d4ed8'], domain: [0, Math.max(1, max)], legend: false },
    marks: [
      Plot.cell(cells, { x: 'predicted', y: 'truth', fill: 'count', inset: 1 }),
      Plot.text(cells, {
        x: 'predicted',
        y: 'truth',
        text: (c: { count: number }) => String(c.count),
        fill: (c: { count: number }) => (c.count > max / 2 ? 'white' : '#111827'),
        fontSize: 13,
        fontWeight: 'bold',
      }),
    ],
  });
}

/** Scores of many configurations, best first (the tuning grid). */
export function dotChart(points: ReadonlyArray<{ label: string; value: number; highlight: boolean }>, options: { x: string }): string {
  const longest = points.reduce((m, p) => Math.max(m, p.label.length), 4);
  const values = points.map((p) => p.value);
  const lo = Math.min(...values, 1);
  const hi = Math.max(...values, 0);
  return render({
    width: 760,
    height: 20 * points.length + 60,
    marginLeft: Math.min(420, 6.5 * longest + 16),
    // A visible range even when every configuration scored the same.
    x: { grid: true, label: options.x, domain: [Math.max(0, lo - 0.01), Math.min(1, hi + 0.01)] },
    y: { domain: points.map((p) => p.label), label: null },
    marks: [
      Plot.dot(points as Array<{ label: string; value: number; highlight: boolean }>, {
        x: 'value',
        y: 'label',
        r: 5,
        fill: (p: { highlight: boolean }) => (p.highlight ? COLORS.secondary : COLORS.primary),
      }),
    ],
  });
}

function formatShort(v: number): string {
  if (Number.isInteger(v)) return String(v);
  return Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toFixed(3);
}
