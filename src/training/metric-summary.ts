import type { MetricSummaryV1 } from '../contracts/continuous-training';
import type { ClassificationReport } from '../model';

/** The few figures that travel through workflow history (the full report stays in metrics.json). */
export function summarize(report: ClassificationReport): MetricSummaryV1 {
  return {
    accuracy: report.accuracy,
    macroF1: report.macro.f1,
    recall: Object.fromEntries(Object.entries(report.perClass).map(([label, m]) => [label, m.recall])),
    support: Object.fromEntries(Object.entries(report.perClass).map(([label, m]) => [label, m.support])),
    ...(report.logLoss !== undefined && { logLoss: report.logLoss }),
    testRows: report.documents,
  };
}
