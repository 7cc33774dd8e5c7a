/** Kept for its importers: the helpers live in src/starters (one module for every workflow start). */
export { signalWithStartTraining, trainingMemo } from '../../starters/training';
