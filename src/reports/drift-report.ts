import type { DriftReportV1 } from '../contracts/drift-correction';
import type { AssessedStatisticV1 } from '../drift/policy';
import { pairedBars } from './charts';
import { escapeHtml, figure, fmt, kpis, note, page, table, type Cell, type Section } from './html';

function thresholds(s: AssessedStatisticV1): string {
  return Object.entries(s.thresholds)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
}

/** The drift report: baseline vs window per monitored statistic, the tests and the decision. */
export function renderDriftReport(report: DriftReportV1, generatedAt = new Date().toISOString()): string {
  const sections: Section[] = [];
  sections.push({
    id: 'decision',
    title: 'Decision',
    body:
      `<p class="decision ${escapeHtml(report.decision === 'none' ? 'ok' : report.decision === 'warn' ? 'warn' : 'drift')}" data-key="decision">${escapeHtml(report.decision)}</p>` +
      `<ul>${report.reasons.map((r, i) => `<li data-key="reasons.${i}">${escapeHtml(r)}</li>`).join('')}</ul>` +
      kpis([
        { label: 'batches in window', text: report.window.batches.length, key: 'window.batches' },
        { label: 'documents', text: report.window.documents, key: 'window.documents' },
        { label: 'labelled', text: report.window.labelled, key: 'window.labelled' },
        { label: 'cooldown active', text: String(report.cooldown.active), key: 'cooldown.active' },
      ]) +
      (report.actions.length > 0
        ? '<h3>Actions</h3>' +
          table(
            ['action', 'details'],
            report.actions.map((a) => [
              a.type,
              a.type === 'alert' ? a.event : a.type === 'suppressed' ? `cooldown until ${a.until}` : `${a.workflowId} (run ${a.runId})`,
            ]),
          )
        : note('No action: nothing to alert or retrain.')) +
      note(
        `Model ${report.modelName}@${report.modelVersion ?? 'none'}; baseline ${report.baselineKey ?? 'none'}; trigger ${report.request.trigger} (${report.request.reason}); batches ${report.window.batches.join(', ') || 'none'}.`,
      ),
  });

  const rows: Array<Array<Cell | string>> = report.statistics.map((s) => {
    const base: Cell[] = [{ text: s.name }, { text: s.status, key: `status.${s.name}`, className: s.status }];
    if (s.kind === 'distribution') {
      return [
        ...base,
        { text: fmt.num(s.psi), key: `psi.${s.name}` },
        { text: fmt.num(s.jsDistance), key: `js.${s.name}` },
        { text: s.chiSquare ? fmt.num(s.chiSquare.statistic, 2) : 'n/a', key: `chi2.${s.name}` },
        { text: s.chiSquare ? s.chiSquare.pValue.toExponential(3) : 'n/a', key: `p.${s.name}` },
        { text: `${s.baselineN} / ${s.windowN}` },
        { text: thresholds(s) },
      ];
    }
    if (s.kind === 'rate') {
      return [
        ...base,
        { text: `baseline ${fmt.pct(s.baseline)}` },
        { text: `window ${fmt.pct(s.window)}`, key: `window.${s.name}` },
        { text: `change ${fmt.pct(s.change)}` },
        '',
        `n ${s.windowN}`,
        { text: thresholds(s) },
      ];
    }
    return [
      ...base,
      { text: `recorded ${fmt.pct(s.reference)}` },
      { text: `window ${fmt.pct(s.window)}`, key: `window.${s.name}` },
      { text: `drop ${fmt.pct(s.drop)}` },
      '',
      `labelled ${s.labelled}`,
      { text: thresholds(s) },
    ];
  });
  sections.push({
    id: 'tests',
    title: 'PSI, Jensen-Shannon and chi-square per statistic',
    body:
      table(
        ['statistic', 'status', 'PSI', 'JS distance', 'chi-square', 'p-value', 'n baseline / window', 'thresholds'],
        rows,
        'statistics',
      ) +
      note(
        `Policy: PSI warn > ${report.policy.psiWarn}, drift > ${report.policy.psiDrift}, only when chi-square p < ${report.policy.alpha}; at least ${report.policy.minDocuments} window documents.`,
      ) +
      `<ul>${report.statistics.map((s) => `<li>${escapeHtml(s.note)}</li>`).join('')}</ul>`,
  });

  for (const s of report.statistics) {
    if (s.kind !== 'distribution' || (s.baselineN === 0 && s.windowN === 0)) continue;
    const share = (n: number, total: number) => (total === 0 ? 0 : n / total);
    const bars = s.bins.flatMap((bin, i) => [
      { bin, series: 'baseline', value: share(s.baseline[i], s.baselineN) },
      { bin, series: 'window', value: share(s.window[i], s.windowN) },
    ]);
    sections.push({
      id: `dist-${s.name}`,
      title: `${s.name}: baseline vs current`,
      body:
        `<p class="${escapeHtml(s.status)}">${escapeHtml(s.status)} · PSI ${escapeHtml(fmt.num(s.psi))} · JS ${escapeHtml(fmt.num(s.jsDistance))}</p>` +
        figure(pairedBars(bars, { x: s.name, y: 'share of documents', series: ['baseline', 'window'] })) +
        table(
          ['bin', 'baseline', 'window'],
          s.bins.map((bin, i) => [
            bin,
            { text: s.baseline[i], key: `bins.${s.name}.${i}.baseline` },
            { text: s.window[i], key: `bins.${s.name}.${i}.window` },
          ]),
        ),
    });
  }
  return page({
    title: `Drift check ${report.runId}`,
    subtitle: `${report.modelName}@${report.modelVersion ?? 'none'} · decision ${report.decision} · checked ${report.checkedAt}`,
    sections,
    generatedAt,
  });
}
