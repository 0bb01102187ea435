/** One step of a Plenoxels task: a program run from svox2's `opt/` directory. */
export interface PlenoxelsStep {
  name: 'train' | 'eval' | 'render';
  /** The full argument vector, `python` first; the runner may swap argv[0] for another Python. */
  argv: string[];
  /** The step counts as done (and is skipped) when all of these files exist. */
  doneWhen: string[];
}

/** One expanded task of a sweep: one training run (plus its eval and render) on one GPU. */
export interface PlenoxelsTask {
  /** The task's train_dir as the task file wrote it, after substitution; unique in a sweep. */
  id: string;
  /** The variable values of this task as Python would print them. */
  variables: Record<string, string>;
  trainDir: string;
  dataDir: string;
  /** svox2 config path (relative paths are taken from svox2's opt/ directory); '' for none. */
  config: string;
  eval: boolean;
  render: boolean;
  /** autotune.py skips the whole task when this file exists. */
  skipWhen: string;
  steps: PlenoxelsStep[];
}
