// ml-naivebayes 4.0.0 ships no types; only what the cross-check uses.
declare module 'ml-naivebayes' {
  interface MatrixLike {
    get(row: number, column: number): number;
  }
  export class MultinomialNB {
    train(trainingSet: number[][], trainingLabels: number[]): void;
    predict(dataset: number[][]): number[];
    toJSON(): { name: string; priorProbability: MatrixLike; conditionalProbability: MatrixLike };
  }
}
