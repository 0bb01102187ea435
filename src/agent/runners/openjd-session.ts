import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { EnvironmentCommands } from '../../openjd/environment-actions.js';
import type { FileToWrite } from '../../openjd/host-scope.js';
import { applyEnvMessages } from '../../openjd/output-messages.js';
import { maskCommand, Redactor } from '../../openjd/redaction.js';
import { TaskFailure } from '../runner.js';
import { actionFailure, runAction } from './openjd-action.js';

/** Writes embedded files (0600, or 0700 when runnable), making their directories. */
export function writeFiles(files: readonly FileToWrite[]): void {
  for (const f of files) {
    mkdirSync(path.dirname(f.path), { recursive: true, mode: 0o700 });
    writeFileSync(f.path, f.content, { mode: f.runnable ? 0o700 : 0o600 });
  }
}

interface Entered {
  env: EnvironmentCommands;
  /** The variables before this environment was entered, restored when it is exited. */
  before: Record<string, string>;
}

/**
 * One agent's session of a job (openjd-specifications wiki "How Jobs Are Run"): a working
 * directory of its own (Session.WorkingDirectory, removed at the end), the job's environments
 * entered once before the first task, the step's environments entered when the session moves to
 * that step and exited (in reverse) when it moves on or ends. Variables set by an environment,
 * and by `openjd_env`/`openjd_redacted_env` from its onEnter, stay in effect until it is exited;
 * redacted values stay masked in its output until the session ends.
 */
export class OpenjdSession {
  private readonly stack: Entered[] = [];
  private vars: Record<string, string> = {};
  private step: string | null = null;
  private readonly logFile: string;
  /** Values set by `openjd_redacted_env`, masked in all output kept from here on. */
  readonly redactor = new Redactor();

  constructor(
    readonly jobDir: string,
    private readonly gpu: string,
    readonly dir = mkdtempSync(path.join(os.tmpdir(), 'ct-openjd-session-')),
  ) {
    this.logFile = path.join(jobDir, 'logs', `openjd-${path.basename(dir)}.log`);
  }

  /** Appends to the session's log in the job's logs directory (0600). */
  log(text: string): void {
    try {
      appendFileSync(this.logFile, text, { mode: 0o600 });
    } catch {
      // a log that cannot be written must not fail the work
    }
  }

  /** The whole environment an action runs with: the agent's, less its own settings, plus ours. */
  processEnv(): Record<string, string | undefined> {
    const base = Object.fromEntries(
      Object.entries(process.env).filter(([k]) => !k.startsWith('CT_')),
    );
    return { ...base, ...(this.gpu ? { CUDA_VISIBLE_DEVICES: this.gpu } : {}), ...this.vars };
  }

  /**
   * Makes the session ready for a task of `step`: the job's environments once, then the step's
   * (after leaving another step's). An onEnter that fails exits what was entered and throws a
   * TaskFailure; the session is then spent (`closed`).
   */
  async prepare(step: string, envs: readonly EnvironmentCommands[], signal: AbortSignal) {
    if (this.step !== step) {
      await this.exitWhile((e) => e.scope === 'step');
      this.step = null;
    }
    for (const env of envs) {
      if (this.stack.some((e) => e.env.scope === env.scope && e.env.name === env.name)) continue;
      await this.enter(env, signal);
    }
    this.step = step;
  }

  private async enter(env: EnvironmentCommands, signal: AbortSignal): Promise<void> {
    const before = this.vars;
    this.vars = { ...this.vars, ...env.variables };
    writeFiles(env.files);
    if (env.onEnter) {
      this.log(
        `--- ${env.scope} environment "${env.name}" onEnter: ${maskCommand(JSON.stringify(env.onEnter.argv), this.redactor)}\n`,
      );
      const r = await runAction(env.onEnter, {
        cwd: this.dir,
        env: this.processEnv(),
        sessionDir: this.dir,
        line: (_stream, t) => this.log(`${t}\n`),
        redactor: this.redactor,
        signal,
      });
      const failed = actionFailure(`environment "${env.name}" onEnter`, r);
      if (failed) {
        // an environment that did not enter is not exited; the ones before it are
        this.vars = before;
        await this.close();
        throw new TaskFailure(failed, r.tail);
      }
      this.vars = applyEnvMessages(this.vars, r.events);
    }
    this.stack.push({ env, before });
  }

  /** Exits environments from the top of the stack while `which` says so; failures are logged. */
  private async exitWhile(which: (e: EnvironmentCommands) => boolean): Promise<void> {
    for (let top = this.stack.at(-1); top && which(top.env); top = this.stack.at(-1)) {
      this.stack.pop();
      const { env } = top;
      if (env.onExit) {
        writeFiles(env.files);
        this.log(
          `--- ${env.scope} environment "${env.name}" onExit: ${maskCommand(JSON.stringify(env.onExit.argv), this.redactor)}\n`,
        );
        const r = await runAction(env.onExit, {
          cwd: this.dir,
          env: this.processEnv(),
          sessionDir: this.dir,
          line: (_stream, t) => this.log(`${t}\n`),
          redactor: this.redactor,
        });
        const failed = actionFailure(`environment "${env.name}" onExit`, r);
        if (failed) this.log(`--- ${failed}\n`);
      }
      this.vars = top.before;
    }
  }

  closed = false;

  /** Exits every environment, step's first, and removes the working directory. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.exitWhile(() => true);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
