import type { SparseRow } from '../vectorizer/sparse-row';
import { LinearModel } from './linear-model';
import { fitLinearSvm, type LinearSvmOptions } from './linear-svm';
import { fitLogisticRegression, type LogisticRegressionOptions } from './logistic-regression';
import { SparseMatrix } from './sparse-matrix';

/**
 * The second training pass of a linear model: collects every vectorised row (a linear fit
 * iterates over all of them), then fits. Memory is the TF-IDF matrix, 12 bytes per non-zero.
 */
export class LinearTrainer {
  private readonly matrix = new SparseMatrix();
  private classes = new Int32Array(1024);
  private readonly classCounts: Float64Array;

  constructor(
    private readonly options: LogisticRegressionOptions | LinearSvmOptions,
    private readonly labels: readonly string[],
    private readonly features: number,
  ) {
    this.classCounts = new Float64Array(labels.length);
  }

  get rows(): number {
    return this.matrix.rows;
  }

  add(classIndex: number, row: SparseRow): void {
    if (this.matrix.rows >= this.classes.length) {
      const grown = new Int32Array(this.classes.length * 2);
      grown.set(this.classes);
      this.classes = grown;
    }
    this.classes[this.matrix.rows] = classIndex;
    this.classCounts[classIndex]++;
    this.matrix.addRow(row);
  }

  /** Fits the model; `onProgress` is awaited after each optimiser iteration or SGD run (heartbeats, yielding). */
  async fit(onProgress?: (step: string) => void | Promise<void>): Promise<LinearModel> {
    const k = this.labels.length;
    if (k < 2) throw new RangeError(`a linear classifier needs two or more labels, the data has ${k}`);
    const y = this.classes.subarray(0, this.matrix.rows);
    if (this.options.variant === 'logistic') {
      const fit = await fitLogisticRegression(this.matrix, y, k, this.features, this.options, (i) => onProgress?.(`iteration ${i}`));
      return new LinearModel(this.options, this.labels, fit.coefficients, fit.intercepts, fit.columns, null, this.classCounts, {
        iterations: fit.iterations,
        converged: fit.converged,
      });
    }
    const folds = this.options.calibrationFolds;
    for (let c = 0; c < k; c++) {
      if (this.classCounts[c] < folds) {
        throw new RangeError(
          `label ${JSON.stringify(this.labels[c])} has ${this.classCounts[c]} rows: the SVM's calibration needs at least ${folds} (calibrationFolds)`,
        );
      }
    }
    const fit = await fitLinearSvm(this.matrix, y, k, this.features, this.options, onProgress);
    return new LinearModel(this.options, this.labels, fit.coefficients, fit.intercepts, fit.columns, fit.calibration, this.classCounts, {
      iterations: fit.iterations,
      converged: fit.converged,
    });
  }
}
