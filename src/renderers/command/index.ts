/** The generic command stage: tasks.jsonl parsing and running one argv per task. */
export * from './run-task.js';
export * from './tasks-file.js';
