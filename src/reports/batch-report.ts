import type { BatchStatisticsDocumentV1 } from '../activities/drift/types';
import { binLabels, confusionMetrics, qualityRates, type HistogramV1 } from '../drift';
import type { BatchManifest } from '../lake/manifest';
import { barChart, heatmap, horizontalBars, pairedBars } from './charts';
import { figure, fmt, grid, kpis, note, page, table, type Cell, type Section } from './html';
import { CLEANING_STEPS, termStages, type BatchProfileV1 } from './profile';

/** Everything a batch report shows, read from the batch's own folder (batches/<batchId>/). */
export interface BatchReportInputs {
  manifest: BatchManifest;
  /** Null when the batch's statistics were not computed (then only the manifest's figures show). */
  statistics: BatchStatisticsDocumentV1 | null;
  profile: BatchProfileV1 | null;
}

const STEP_NAMES = { markup: 'HTML markup', urls: 'URLs', addresses: 'e-mail addresses and @mentions', punctuation: 'punctuation' };

function histogramBars(h: HistogramV1) {
  const labels = binLabels(h.cuts);
  return labels.map((label, i) => ({ label, value: h.counts[i] }));
}

function counts(record: Record<string, number>): Array<[string, number]> {
  return Object.entries(record).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

function countSection(id: string, title: string, record: Record<string, number>, keyPrefix: string, what: string): Section {
  const rows = counts(record);
  const total = rows.reduce((s, [, n]) => s + n, 0);
  return {
    id,
    title,
    body:
      rows.length === 0
        ? note(`no ${what}`)
        : grid(
            table(
              [what, 'rows', 'share'],
              rows.map(([k, n]) => [k, { text: n, key: `${keyPrefix}.${k}` }, fmt.pct(total === 0 ? 0 : n / total)]),
            ),
            figure(
              barChart(
                rows.map(([label, value]) => ({ label, value })),
                { x: what, y: 'rows' },
              ),
            ),
          ),
  };
}

export function renderBatchReport(inputs: BatchReportInputs, generatedAt = new Date().toISOString()): string {
  const { manifest: m, statistics: doc, profile: p } = inputs;
  const s = doc?.statistics ?? null;
  const sections: Section[] = [];
  const accepted = m.sources.reduce((n, x) => n + x.accepted, 0);
  const confusion = s?.confusion ? confusionMetrics(s.confusion) : null;

  sections.push({
    id: 'overview',
    title: 'Overview',
    body:
      kpis([
        { label: 'input rows', text: m.counts.inputRows, key: 'counts.inputRows' },
        { label: 'scored', text: m.counts.scored, key: 'counts.scored' },
        { label: 'quarantined', text: m.counts.quarantined, key: 'counts.quarantined' },
        { label: 'rejected files', text: m.counts.rejectedFiles, key: 'counts.rejectedFiles' },
        { label: 'model', text: `${m.model.name}@${m.model.version}`, key: 'model' },
        { label: 'duration (s)', text: fmt.num(m.timings.durationSeconds, 1), key: 'timings.durationSeconds' },
        ...(confusion ? [{ label: 'accuracy', text: fmt.pct(confusion.accuracy), key: 'accuracy' }] : []),
      ]) +
      note(
        `Started ${m.timings.startedAt}, finished ${m.timings.finishedAt}. Sources: ${m.sources.map((x) => `${x.key} (${x.format})`).join(', ')}.`,
      ),
  });

  const stages: Array<[string, number, string]> = [
    ['input rows', m.counts.inputRows, 'stages.input'],
    ['accepted (staged)', accepted, 'stages.accepted'],
    ['cleaned', s?.documents ?? m.counts.scored, 'stages.cleaned'],
    ['scored', m.counts.scored, 'stages.scored'],
    ['quarantined', m.counts.quarantined, 'stages.quarantined'],
  ];
  const reasons: Record<string, number> = {};
  for (const src of m.sources) for (const [r, n] of Object.entries(src.quarantineReasons)) reasons[r] = (reasons[r] ?? 0) + n;
  sections.push({
    id: 'stages',
    title: 'Rows per stage and quarantine reasons',
    body:
      grid(
        table(
          ['stage', 'rows'],
          stages.map(([name, n, key]) => [name, { text: n, key }]),
        ),
        figure(
          barChart(
            stages.map(([label, value]) => ({ label, value })),
            { x: 'stage', y: 'rows' },
          ),
        ),
      ) +
      '<h3>Quarantine reasons</h3>' +
      (Object.keys(reasons).length === 0
        ? note('no row was quarantined')
        : grid(
            table(
              ['reason', 'rows'],
              counts(reasons).map(([r, n]) => [r, { text: n, key: `quarantine.${r}` }]),
            ),
            figure(
              barChart(
                counts(reasons).map(([label, value]) => ({ label, value })),
                { x: 'reason', y: 'rows', color: '#dc2626' },
              ),
            ),
          )) +
      (m.rejectedFiles.length > 0
        ? '<h3>Rejected files</h3>' +
          table(
            ['file', 'code', 'message'],
            m.rejectedFiles.map((f) => [f.key, f.code, f.message]),
          )
        : ''),
  });

  if (p) {
    const mean = (chars: number, docs: number) => (docs === 0 ? 0 : chars / docs);
    sections.push({
      id: 'length',
      title: 'Text length before and after cleaning',
      body:
        table(
          ['', 'documents', 'characters', 'mean characters'],
          [
            [
              'before cleaning (title + body)',
              { text: p.rawDocuments, key: 'profile.rawDocuments' },
              { text: p.rawChars, key: 'profile.rawChars' },
              fmt.num(mean(p.rawChars, p.rawDocuments), 1),
            ],
            [
              'after cleaning (text_clean)',
              { text: p.documents, key: 'profile.documents' },
              { text: p.cleanChars, key: 'profile.cleanChars' },
              fmt.num(mean(p.cleanChars, p.documents), 1),
            ],
          ],
        ) +
        figure(
          pairedBars(
            [
              ...histogramBars(p.rawLength).map((b) => ({ bin: b.label, series: 'before cleaning', value: b.value })),
              ...histogramBars(p.cleanLength).map((b) => ({ bin: b.label, series: 'after cleaning', value: b.value })),
            ],
            { x: 'characters', y: 'documents', series: ['before cleaning', 'after cleaning'] },
          ),
          'Documents per length bin, before and after cleaning',
        ),
    });
    const stepRows: Cell[][] = CLEANING_STEPS.map((step) => [
      { text: STEP_NAMES[step] },
      { text: p.removed[step].removed, key: `removed.${step}.chars` },
      { text: p.removed[step].documents, key: `removed.${step}.documents` },
      { text: fmt.pct(p.tracedRawChars === 0 ? 0 : p.removed[step].removed / p.tracedRawChars) },
    ]);
    sections.push({
      id: 'cleaning',
      title: 'What each cleaning step removed',
      body:
        grid(
          table(['step', 'characters removed', 'documents affected', 'share of raw characters'], stepRows),
          figure(
            barChart(
              CLEANING_STEPS.map((step) => ({ label: step, value: p.removed[step].removed })),
              { x: 'step', y: 'characters removed', color: '#7c3aed' },
            ),
          ),
        ) +
        '<h3>Stopwords</h3>' +
        table(
          ['tokens before', 'stopword tokens removed', 'documents affected', 'share of tokens'],
          [
            [
              { text: p.stopwords.tokensBefore, key: 'stopwords.tokensBefore' },
              { text: p.stopwords.removed, key: 'stopwords.removed' },
              { text: p.stopwords.documents, key: 'stopwords.documents' },
              fmt.pct(p.stopwords.tokensBefore === 0 ? 0 : p.stopwords.removed / p.stopwords.tokensBefore),
            ],
          ],
        ) +
        (p.traced < p.rawDocuments
          ? note(`Cleaning steps traced on ${p.traced} of ${p.rawDocuments} documents (all of the first 10,000, then one in 10).`)
          : '') +
        (p.rawDocuments < p.documents
          ? note(`${p.documents - p.rawDocuments} documents had no staged text left to measure before cleaning.`)
          : ''),
    });
    if (s) {
      const terms = termStages(s.vocabulary, p);
      const top = (list: Array<[string, number]>) => list.slice(0, 15).map(([label, value]) => ({ label, value }));
      sections.push({
        id: 'terms',
        title: 'Top terms before and after stopwords and stemming',
        body:
          table(
            ['', 'tokens', 'without stopwords', 'stems'],
            [
              [
                'distinct terms',
                { text: terms.distinct.tokens, key: 'distinct.tokens' },
                { text: terms.distinct.withoutStopwords, key: 'distinct.withoutStopwords' },
                { text: terms.distinct.stems, key: 'distinct.stems' },
              ],
            ],
          ) +
          grid(
            figure(horizontalBars(top(terms.top.tokens), { x: 'occurrences' }), 'tokens'),
            figure(horizontalBars(top(terms.top.withoutStopwords), { x: 'occurrences', color: '#0891b2' }), 'without stopwords'),
            figure(horizontalBars(top(terms.top.stems), { x: 'occurrences', color: '#059669' }), 'stems'),
          ),
      });
    }
  } else {
    sections.push({
      id: 'cleaning',
      title: 'Cleaning',
      body: note('This batch has no profile (computed with the batch statistics): cleaning figures are not available.'),
    });
  }

  if (s) {
    sections.push(
      countSection(
        'labels',
        'Label balance',
        { ...s.labels, ...(s.unlabelled > 0 ? { '(unlabelled)': s.unlabelled } : {}) },
        'labels',
        'label',
      ),
    );
    sections.push({
      id: 'sentiment',
      title: 'VADER sentiment',
      body: grid(
        table(
          ['sentiment', 'documents'],
          (['positive', 'neutral', 'negative'] as const).map((l) => [l, { text: s.sentimentLabels[l], key: `sentiment.${l}` }]),
        ),
        figure(
          barChart(histogramBars(s.sentiment), { x: 'VADER compound', y: 'documents', color: '#16a34a' }),
          'Compound score histogram (neutral band [-0.05, 0.05))',
        ),
      ),
    });
    if (p) sections.push(countSection('languages', 'Languages', p.languages, 'languages', 'language'));
    const rates = qualityRates(s);
    sections.push({
      id: 'quality',
      title: 'Duplicates and data quality',
      body: table(
        ['', 'rows', 'rate'],
        [
          [
            'duplicates (same text_clean as an earlier document)',
            { text: s.quality.duplicate, key: 'quality.duplicate' },
            fmt.pct(rates.duplicate),
          ],
          ['empty after cleaning', { text: s.quality.empty, key: 'quality.empty' }, fmt.pct(rates.empty)],
          ['unreadable (quarantined)', { text: s.quality.unreadable, key: 'quality.unreadable' }, fmt.pct(rates.unreadable)],
        ],
      ),
    });
    if (s.predictions) {
      sections.push(countSection('predictions', 'Predicted labels', s.predictions.classes, 'predictions', 'predicted label'));
      sections[sections.length - 1].body += figure(
        barChart(histogramBars(s.predictions.confidence), { x: 'winning probability', y: 'documents', color: '#0ea5e9' }),
        'Confidence of the predicted label',
      );
    }
    if (s.confusion && confusion) {
      const c = s.confusion;
      const perClass: Cell[][] = c.labels.map((label, i) => {
        const tp = c.matrix[i][i];
        const support = c.matrix[i].reduce((a, b) => a + b, 0);
        const predicted = c.matrix.reduce((a, row) => a + row[i], 0);
        const precision = predicted === 0 ? 0 : tp / predicted;
        const recall = support === 0 ? 0 : tp / support;
        const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
        return [
          { text: label },
          { text: fmt.num(precision), key: `perClass.${label}.precision` },
          { text: fmt.num(recall), key: `perClass.${label}.recall` },
          { text: fmt.num(f1), key: `perClass.${label}.f1` },
          { text: support, key: `perClass.${label}.support` },
        ];
      });
      sections.push({
        id: 'accuracy',
        title: 'Accuracy and confusion matrix (labelled rows)',
        body:
          kpis([
            { label: 'labelled rows', text: confusion.documents, key: 'confusion.documents' },
            { label: 'accuracy', text: fmt.num(confusion.accuracy), key: 'confusion.accuracy' },
            { label: 'macro F1', text: fmt.num(confusion.macroF1), key: 'confusion.macroF1' },
          ]) +
          grid(
            figure(heatmap(c.labels, c.matrix, { x: 'predicted', y: 'true label' }), 'rows: true label, columns: predicted'),
            table(['label', 'precision', 'recall', 'F1', 'support'], perClass),
          ),
      });
    } else {
      sections.push({ id: 'accuracy', title: 'Accuracy', body: note('No labelled rows in this batch: accuracy is not measurable.') });
    }
  } else {
    sections.push({
      id: 'statistics',
      title: 'Statistics',
      body: note('This batch has no statistics.json: label, sentiment, prediction and quality figures are not available.'),
    });
  }

  return page({
    title: `Batch ${m.batchId}`,
    subtitle: `${m.model.name}@${m.model.version} · ${m.counts.inputRows} input rows`,
    sections,
    generatedAt,
  });
}
