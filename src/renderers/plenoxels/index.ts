/** Plenoxels (svox2) sweeps: autotune.py task files, step commands, results and leaderboards. */
export * from './generators.js';
export * from './leaderboard.js';
export * from './leaderboard-write.js';
export * from './memory.js';
export * from './opt-dir.js';
export * from './py-values.js';
export * from './results.js';
export * from './run-task.js';
export * from './steps.js';
export * from './task-file.js';
export type * from './types.js';
export { productOfVariables, type Combination } from './variables.js';
