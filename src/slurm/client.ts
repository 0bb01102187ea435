// One file, over 8 KB: every Slurm command the tool runs goes through this one client.
import { CommandError } from '../errors.js';
import { formatCommandLine, runCommand, type RunOptions, type RunResult } from '../process/run.js';
import { SlurmCommandError } from './errors.js';
import { parseSlurmVersion, type SlurmVersion } from './version.js';
import {
  parseScontrolRecords,
  parseSinfoJson,
  parseSqueueJson,
  type SlurmJob,
  type SlurmNode,
} from './json.js';

export type { SlurmJob, SlurmNode } from './json.js';
export { isJobActive } from './json.js';
export type { SlurmVersion } from './version.js';

/** Options shared by every call of a client. */
export interface SlurmClientOptions {
  /** Path of slurm.conf; sets SLURM_CONF for every command. Default: the caller's environment. */
  slurmConf?: string;
  /** Per-command timeout in ms (default 30 s). */
  timeoutMs?: number;
  /** Called with each command line before it runs (for --verbose and logs). */
  onCommand?: (commandLine: string) => void;
  /** Called after each command with its name, how long it took and whether it succeeded. */
  onTimed?: (command: string, seconds: number, ok: boolean) => void;
  /**
   * A command prefix every Slurm command runs through, e.g. `ip netns exec NS` where the
   * controller is reachable only from a network namespace. Default: none.
   */
  via?: readonly string[];
}

export interface SbatchOptions {
  /** A script file to submit; or `script` to pass the script on stdin. */
  scriptPath?: string;
  script?: string;
  /** sbatch options as separate words, e.g. ['--nodes=4', '--job-name=ct-1']. */
  args?: readonly string[];
  cwd?: string;
  env?: Record<string, string | undefined>;
}

const INSTALL_HINT =
  'Install Slurm (`cluster-tool local install`, or apt-get install slurm-wlm) or add its bin directory to PATH.';

/**
 * The arguments of `squeue` for a filter (see `SlurmClient.squeue`). Job ids stay out: `--jobs`
 * with an id Slurm has forgotten is an error, not an empty list. `--states=all` keeps finished
 * jobs in the answer for MinJobAge, so their end state can be read: 24.11 applies squeue's
 * default filter (pending and running only) to `--json`, where 22.05 printed every job.
 */
export function squeueArgs(filter: { name?: string; me?: boolean }): string[] {
  return [
    '--json',
    '--states=all',
    ...(filter.me ? ['--me'] : []),
    ...(filter.name !== undefined ? [`--name=${filter.name}`] : []),
  ];
}

/** Typed calls to Slurm's commands. Every call uses an argument array and a timeout. */
export class SlurmClient {
  readonly slurmConf: string | undefined;
  private readonly timeoutMs: number;
  private readonly onCommand: ((line: string) => void) | undefined;
  private readonly onTimed: SlurmClientOptions['onTimed'];
  private readonly via: readonly string[];

  constructor(opts: SlurmClientOptions = {}) {
    this.slurmConf = opts.slurmConf;
    this.via = opts.via ?? [];
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    this.onCommand = opts.onCommand;
    this.onTimed = opts.onTimed;
  }

  /** The environment Slurm's commands run with. */
  env(extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
    return { ...process.env, ...(this.slurmConf ? { SLURM_CONF: this.slurmConf } : {}), ...extra };
  }

  /** Runs a Slurm command with this cluster's environment; a failure becomes a SlurmCommandError. */
  private async exec(
    file: string,
    args: string[],
    opts: Partial<RunOptions> = {},
  ): Promise<RunResult> {
    // The prefix runs the command, so the line logged is the one that runs.
    const [viaFile, ...viaArgs] = this.via;
    const runFile = viaFile ?? file;
    const runArgs = viaFile ? [...viaArgs, file, ...args] : args;
    this.onCommand?.(formatCommandLine(runFile, runArgs));
    const started = performance.now();
    const timed = (ok: boolean) => this.onTimed?.(file, (performance.now() - started) / 1000, ok);
    try {
      const result = await runCommand(runFile, runArgs, {
        ...opts,
        env: this.env(opts.env),
        timeoutMs: opts.timeoutMs ?? this.timeoutMs,
        missingHint: INSTALL_HINT,
      });
      timed(true);
      return result;
    } catch (err) {
      timed(false);
      if (err instanceof CommandError && !(err instanceof SlurmCommandError)) {
        throw new SlurmCommandError({
          command: err.command,
          code: err.code,
          stderr: err.stderr,
          timedOut: err.timedOut,
        });
      }
      throw err;
    }
  }

  private async run(file: string, args: string[], opts: Partial<RunOptions> = {}): Promise<string> {
    return (await this.exec(file, args, opts)).stdout;
  }

  /** Submits a batch job and returns its id (`sbatch --parsable`). */
  async sbatch(opts: SbatchOptions): Promise<number> {
    const args = ['--parsable', ...(opts.args ?? [])];
    if (opts.scriptPath) args.push(opts.scriptPath);
    const out = await this.run('sbatch', args, {
      cwd: opts.cwd,
      env: opts.env,
      input: opts.script,
    });
    const id = Number(out.trim().split(';')[0]);
    if (!Number.isInteger(id) || id <= 0) throw new Error(`sbatch printed no job id: ${out}`);
    return id;
  }

  /** Allocates nodes without starting a shell (`salloc --no-shell`) and returns the job id. */
  async sallocNoShell(args: readonly string[]): Promise<number> {
    const { stderr, stdout } = await this.exec('salloc', ['--no-shell', ...args]);
    const m = /job allocation (\d+)/.exec(stderr + stdout);
    if (!m) throw new Error(`salloc printed no job allocation: ${stderr}`);
    return Number(m[1]);
  }

  /**
   * Jobs in the queue, optionally only these ids, this name, or this user's (`me`). The filters
   * go to Slurm, which on a busy cluster shortens what it prints and what is parsed here, and
   * are applied here too: 22.05's `squeue --json` ignores every filter (its man page: "All other
   * formatting and filtering arguments will be ignored").
   */
  async squeue(
    filter: { jobIds?: readonly number[]; name?: string; me?: boolean } = {},
  ): Promise<SlurmJob[]> {
    const jobs = parseSqueueJson(await this.run('squeue', squeueArgs(filter)));
    return jobs.filter(
      (j) =>
        (!filter.jobIds || filter.jobIds.includes(j.jobId)) &&
        (filter.name === undefined || j.name === filter.name),
    );
  }

  /**
   * Nodes with their state and GPUs (`sinfo --json`), of one partition when given (22.05 prints
   * every node regardless, as with squeue; callers filter by partition themselves).
   */
  async nodes(partition?: string): Promise<SlurmNode[]> {
    return parseSinfoJson(
      await this.run('sinfo', ['--json', ...(partition ? [`--partition=${partition}`] : [])]),
    );
  }

  /** The release of the Slurm whose commands run (`sinfo --version`). */
  async version(): Promise<SlurmVersion> {
    const out = await this.run('sinfo', ['--version']);
    const v = parseSlurmVersion(out);
    if (!v) throw new Error(`sinfo --version printed no Slurm release: ${out.slice(0, 200)}`);
    return v;
  }

  /** `scontrol show job -o ID` as a key/value record, or undefined when Slurm no longer knows the job. */
  async showJob(jobId: number): Promise<Record<string, string> | undefined> {
    try {
      return parseScontrolRecords(
        await this.run('scontrol', ['show', 'job', '-o', String(jobId)]),
      )[0];
    } catch (err) {
      if (err instanceof SlurmCommandError && /Invalid job id/i.test(err.stderr)) return undefined;
      throw err;
    }
  }

  /** `scontrol show node -o NAME` as a key/value record. */
  async showNode(name: string): Promise<Record<string, string> | undefined> {
    return parseScontrolRecords(await this.run('scontrol', ['show', 'node', '-o', name]))[0];
  }

  /** Shrinks a running job to these nodes or its first `numNodes`; or sets a job's nice (≥ 0). */
  async updateJob(
    jobId: number,
    change: { nodeList: string } | { numNodes: number } | { nice: number },
  ): Promise<void> {
    const setting =
      'nodeList' in change
        ? `NodeList=${change.nodeList}`
        : 'numNodes' in change
          ? `NumNodes=${change.numNodes}`
          : `Nice=${change.nice}`;
    await this.run('scontrol', ['update', `JobId=${jobId}`, setting]);
  }

  /** Cancels jobs. `signal` sends a signal instead of ending them; `full` includes the batch shell. */
  async scancel(
    jobIds: readonly number[],
    opts: { signal?: string; full?: boolean } = {},
  ): Promise<void> {
    if (jobIds.length === 0) return;
    const args: string[] = [];
    if (opts.signal) args.push(`--signal=${opts.signal}`);
    if (opts.full) args.push('--full');
    await this.run('scancel', [...args, ...jobIds.map(String)]);
  }
}
