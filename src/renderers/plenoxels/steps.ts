import { pyJoin } from './format.js';
import type { PlenoxelsStep } from './types.js';

/** The inputs autotune.py's run_exp gets for one task. */
export interface StepInputs {
  trainDir: string;
  dataDir: string;
  config: string;
  flags: string[];
  evalFlags: string[];
  commonFlags: string[];
  eval: boolean;
  render: boolean;
}

/**
 * autotune.py joins flags with spaces and runs them through a shell, so one list element such
 * as "--lr_sigma 3e1" becomes two words. We split on whitespace the same way but never hand the
 * text to a shell: quotes, `$` and globs stay literal.
 */
export function splitFlagWords(flags: readonly string[]): string[] {
  return flags.flatMap((f) => f.split(/[ \t\n]+/).filter((w) => w !== ''));
}

/** The file names autotune.py and the svox2 scripts write into a train_dir. */
export const trainFiles = {
  tunePsnr: 'test_psnr.txt',
  log: 'log',
  ckpt: 'ckpt.npz',
  minutes: 'time_mins.txt',
  testPsnr: 'test_renders/psnr.txt',
  ssim: 'test_renders/ssim.txt',
  lpips: 'test_renders/lpips.txt',
  testVideo: 'test_renders.mp4',
  pathVideo: 'test_renders_path.mp4',
} as const;

/** Builds the train, eval and render steps exactly as autotune.py's run_exp builds its commands. */
export function buildSteps(t: StepInputs): PlenoxelsStep[] {
  const at = (file: string): string => pyJoin(t.trainDir, file);
  const config = t.config !== '' ? ['-c', t.config] : [];
  const common = splitFlagWords(t.commonFlags);
  const train: PlenoxelsStep = {
    name: 'train',
    argv: [
      'python',
      'opt.py',
      '--tune_mode',
      ...(t.eval ? [] : ['--tune_nosave']),
      '-t',
      t.trainDir,
      t.dataDir,
      ...config,
      ...splitFlagWords(t.flags),
      ...common,
    ],
    // with eval autotune skips training when the checkpoint exists; without, it trains until
    // test_psnr.txt exists (and then skips the whole task)
    doneWhen: [at(t.eval ? trainFiles.ckpt : trainFiles.tunePsnr)],
  };
  if (!t.eval) return [train];
  const ckpt = at(trainFiles.ckpt);
  const evalBase = ['python', 'render_imgs.py', ckpt, t.dataDir, ...config];
  const evalFlags = splitFlagWords(t.evalFlags);
  const steps: PlenoxelsStep[] = [
    train,
    {
      name: 'eval',
      argv: [...evalBase, ...evalFlags, ...common],
      doneWhen: [at(trainFiles.testPsnr)],
    },
  ];
  if (t.render) {
    // autotune re-renders every time; the video render_imgs.py writes marks it done for us
    steps.push({
      name: 'render',
      argv: [...evalBase, '--render_path', ...evalFlags, ...common],
      doneWhen: [at(trainFiles.pathVideo)],
    });
  }
  return steps;
}
