import { barChart, dotChart, heatmap, horizontalBars } from './charts';
import { escapeHtml, figure, fmt, grid, kpis, note, page, table, type Cell, type Section } from './html';
import type { ModelReportInputs } from './model-inputs';

/** The model report: evaluation per class, confusion, indicative n-grams, champion vs challenger, training data, tuning. */
export function renderModelReport(m: ModelReportInputs, generatedAt = new Date().toISOString()): string {
  const sections: Section[] = [];
  const e = m.evaluation;
  sections.push({
    id: 'overview',
    title: 'Overview',
    body:
      kpis([
        { label: 'version', text: `${m.modelName}@${m.version}`, key: 'version' },
        { label: 'accuracy', text: e ? fmt.num(e.accuracy) : 'n/a', key: 'evaluation.accuracy' },
        { label: 'macro F1', text: e ? fmt.num(e.macro.f1) : 'n/a', key: 'evaluation.macroF1' },
        { label: 'held-out rows', text: e ? e.documents : 'n/a', key: 'evaluation.documents' },
        {
          label: 'promoted now',
          text: m.currentChampion === m.version ? 'yes' : `no (champion ${m.currentChampion ?? 'none'})`,
          key: 'champion',
        },
      ]) +
      note(
        `Saved ${m.savedAt ?? 'unknown'}.${m.evaluationRows ? ` Evaluated on ${m.evaluationRows}.` : ''}${m.majorityBaseline ? ` Majority-class baseline (${m.majorityBaseline.label}): accuracy ${fmt.num(m.majorityBaseline.accuracy)}, macro F1 ${fmt.num(m.majorityBaseline.macroF1)}.` : ''}`,
      ),
  });

  if (e) {
    const rows: Cell[][] = e.labels.map((label) => {
      const c = e.perClass[label];
      return [
        { text: label },
        { text: fmt.num(c.precision), key: `perClass.${label}.precision` },
        { text: fmt.num(c.recall), key: `perClass.${label}.recall` },
        { text: fmt.num(c.f1), key: `perClass.${label}.f1` },
        { text: c.support, key: `perClass.${label}.support` },
      ];
    });
    rows.push([
      { text: 'macro average' },
      { text: fmt.num(e.macro.precision), key: 'macro.precision' },
      { text: fmt.num(e.macro.recall), key: 'macro.recall' },
      { text: fmt.num(e.macro.f1), key: 'macro.f1' },
      { text: e.documents },
    ]);
    sections.push({
      id: 'per-class',
      title: 'Precision, recall and F1 per class',
      body: grid(
        table(['class', 'precision', 'recall', 'F1', 'support'], rows),
        figure(
          barChart(
            e.labels.map((label) => ({ label, value: e.perClass[label].f1 })),
            { x: 'class', y: 'F1' },
          ),
          'F1 per class',
        ),
      ),
    });
    sections.push({
      id: 'confusion',
      title: 'Confusion matrix (held-out rows)',
      body: figure(heatmap(e.labels, e.confusionMatrix, { x: 'predicted', y: 'true label' }), 'rows: true label, columns: predicted'),
    });
  } else {
    sections.push({ id: 'per-class', title: 'Evaluation', body: note('metrics.json has no evaluation report.') });
  }

  sections.push({
    id: 'ngrams',
    title: 'Top n-grams per class',
    body:
      note("Among each class's 2,000 most probable n-grams, those with the highest log-odds against the other classes.") +
      grid(
        ...Object.entries(m.topTerms).map(([label, terms]) =>
          figure(
            horizontalBars(
              terms.map((t) => ({ label: t.term, value: Number(t.logOdds.toFixed(3)) })),
              { x: 'log-odds' },
            ),
            label,
          ),
        ),
      ),
  });

  const r = m.run;
  if (r) {
    const line = (
      name: string,
      metrics: { accuracy: number; macroF1: number; recall: Record<string, number>; testRows: number },
      key: string,
    ): Cell[] => [
      { text: name },
      { text: fmt.num(metrics.accuracy), key: `${key}.accuracy` },
      { text: fmt.num(metrics.macroF1), key: `${key}.macroF1` },
      {
        text: Object.entries(metrics.recall)
          .map(([l, v]) => `${l} ${fmt.num(v, 3)}`)
          .join(', '),
      },
      { text: metrics.testRows, key: `${key}.testRows` },
    ];
    sections.push({
      id: 'champion',
      title: 'Champion vs challenger (same held-out rows)',
      body:
        `<p class="decision ${r.promoted ? 'ok' : 'warn'}" data-key="run.promoted">${r.promoted ? 'promoted' : 'not promoted'}</p>` +
        `<p>${escapeHtml(r.decision)}</p>` +
        table(
          ['model', 'accuracy', 'macro F1', 'recall per class', 'rows'],
          [
            line(`challenger ${r.version}`, r.challenger, 'challenger'),
            ...(r.champion ? [line(`champion ${r.champion.version}`, r.champion.metrics, 'championMetrics')] : []),
          ],
        ) +
        (r.champion
          ? figure(
              barChart(
                [
                  { label: `challenger ${r.version}`, value: r.challenger.macroF1 },
                  { label: `champion ${r.champion.version}`, value: r.champion.metrics.macroF1 },
                ],
                { x: 'model', y: 'macro F1' },
              ),
            )
          : note('There was no champion: the first version is promoted if it beats the majority-class baseline.')) +
        note(`Run ${r.workflowId} (${r.runId}), trigger ${r.trigger}, ${r.trainRows} training rows, ${r.testRows} held-out rows.`),
    });
  } else {
    sections.push({
      id: 'champion',
      title: 'Champion vs challenger',
      body: note('No training-run record for this version (run.json): it was not trained by continuousTraining with reports on.'),
    });
  }

  const labelRows = Object.entries(m.training.labelCounts).sort((a, b) => b[1] - a[1]);
  sections.push({
    id: 'training',
    title: 'Training data',
    body:
      kpis([
        { label: 'training documents', text: m.training.documents ?? 'n/a', key: 'training.documents' },
        { label: 'vocabulary', text: m.training.vocabularySize ?? 'n/a', key: 'training.vocabularySize' },
      ]) +
      (labelRows.length > 0
        ? grid(
            table(
              ['label', 'documents'],
              labelRows.map(([l, n]) => [l, { text: n, key: `training.labels.${l}` }]),
            ),
            figure(
              barChart(
                labelRows.map(([label, value]) => ({ label, value })),
                { x: 'label', y: 'documents' },
              ),
            ),
          )
        : '') +
      '<h3>Configuration</h3><pre>' +
      escapeHtml(JSON.stringify(m.config, null, 2)) +
      '</pre>',
  });

  const tuning = r?.tuning;
  if (tuning) {
    const tried = [...tuning.tried].sort((a, b) => (a.failed ? 1 : 0) - (b.failed ? 1 : 0) || b.meanMacroF1 - a.meanMacroF1);
    sections.push({
      id: 'tuning',
      title: `Tuning grid (${tuning.tried.length} configurations, ${tuning.folds}-fold cross-validation)`,
      body:
        figure(
          dotChart(
            tried.filter((t) => !t.failed).map((t) => ({ label: t.id, value: t.meanMacroF1, highlight: t.id === tuning.best.id })),
            { x: 'mean macro F1' },
          ),
          'best configuration highlighted',
        ) +
        table(
          ['configuration', 'mean macro F1', 'mean accuracy', 'rows', 'note'],
          tried.map((t, i) => [
            { text: t.id + (t.id === tuning.best.id ? ' (best)' : '') },
            { text: fmt.num(t.meanMacroF1), key: `tuning.${i}.meanMacroF1` },
            { text: fmt.num(t.meanAccuracy), key: `tuning.${i}.meanAccuracy` },
            { text: t.rows },
            { text: t.failed ?? '' },
          ]),
          'tuning',
        ),
    });
  } else {
    sections.push({ id: 'tuning', title: 'Tuning grid', body: note('This version was trained without a hyperparameter search.') });
  }

  return page({
    title: `Model ${m.modelName}@${m.version}`,
    subtitle: e ? `macro F1 ${fmt.num(e.macro.f1)} on ${e.documents} held-out rows` : 'no evaluation',
    sections,
    generatedAt,
  });
}
