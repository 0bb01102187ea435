import { setTimeout as sleep } from 'node:timers/promises';
import type { RemoteResult } from '../aws/ssm-remote.js';
import { CliError } from '../errors.js';
import { FOLLOWED_FIELDS, waitForJob, type FollowedJob } from './commands/follow-job.js';
import type { RemoteFollow, RemoteHead } from './remote.js';

/** Between two remote reads: each is one SSM command (about a second of round trips on AWS). */
export const REMOTE_POLL_MS = 3000;
/** A remote read is short: it should never take the whole --remote-timeout. */
const READ_TIMEOUT_MS = 120_000;

const err = (s: string) => process.stderr.write(s);
const out = (s: string) => process.stdout.write(s);

function parseAnswer<T>(r: RemoteResult, what: string): T {
  try {
    return JSON.parse(r.stdout) as T;
  } catch {
    throw new CliError(
      `the head node's answer to \`${what}\` is not JSON (SSM keeps only 24,000 characters of output): ${r.stdout.slice(0, 200)}`,
    );
  }
}

/** Reads what following a job needs with a short `status JOB --json --fields ...` on the head node. */
export async function readRemoteJob(head: RemoteHead, id: string): Promise<FollowedJob> {
  const args = ['status', id, '--json', `--fields=${FOLLOWED_FIELDS.join(',')}`];
  const r = await head.run(args, READ_TIMEOUT_MS);
  if (r.exitCode !== 0)
    throw new CliError(`\`cluster-tool status ${id}\` failed on the head node: ${r.stderr.trim()}`);
  return parseAnswer<FollowedJob>(r, `status ${id}`);
}

/** Prints the job as the head node formats it (or as JSON) once following is over. */
async function printFinal(head: RemoteHead, id: string, json: boolean): Promise<void> {
  const r = await head.run(['status', id, ...(json ? ['--json'] : [])], READ_TIMEOUT_MS);
  out(r.stdout);
  err(r.stderr);
}

/** `submit ... --wait --cluster`: submit there, then follow the job from here. */
export const followSubmit: RemoteFollow = {
  flag: 'wait',
  async run(args, send, head) {
    if (args['dry-run'] === true) {
      const r = await send(args);
      out(r.stdout);
      err(r.stderr);
      return r.exitCode;
    }
    const r = await send({ ...args, wait: false, json: true });
    err(r.stderr);
    if (r.exitCode !== 0) {
      out(r.stdout);
      return r.exitCode;
    }
    const { id } = parseAnswer<{ id: string }>(r, 'submit');
    err(`Submitted ${id}; following it on the head node\n`);
    const json = args.json === true;
    const done = await waitForJob((i) => readRemoteJob(head, i), id, {
      bar: !json && process.stderr.isTTY,
      log: (line) => err(`${line}\n`),
      pollMs: REMOTE_POLL_MS,
      // The name passed ranRemotely's check: letters, digits and hyphens, one shell word.
      reach: ` --cluster ${String(args.cluster)}`,
    });
    await printFinal(head, id, json);
    if (done.state !== 'succeeded')
      throw new CliError(`job ${done.id} ${done.state}${done.error ? `: ${done.error}` : ''}`);
    return 0;
  },
};

/** `status [JOB] --watch --cluster`: the head node's status, again every few seconds. */
export const followStatus: RemoteFollow = {
  flag: 'watch',
  async run(args, send, head) {
    const job = args.job as string | undefined;
    for (;;) {
      const r = await send({ ...args, watch: false });
      if (process.stdout.isTTY) out('\x1b[2J\x1b[H');
      out(r.stdout);
      err(r.stderr);
      if (r.exitCode !== 0) return r.exitCode;
      if (job !== undefined) {
        const j = await readRemoteJob(head, job);
        if (j.state !== 'running' && j.state !== 'queued') return 0;
      }
      await sleep(REMOTE_POLL_MS);
    }
  },
};

/** `scale JOB ... --wait --cluster`: scale there, then wait here until no grow is pending. */
export const followScale: RemoteFollow = {
  flag: 'wait',
  async run(args, send, head) {
    const r = await send({ ...args, wait: false, json: true });
    err(r.stderr);
    if (r.exitCode !== 0) {
      out(r.stdout);
      return r.exitCode;
    }
    const { id } = parseAnswer<{ id: string }>(r, 'scale');
    const started = Date.now();
    for (;;) {
      const job = await readRemoteJob(head, id);
      const pending = job.allocations.filter((a) => a.state === 'pending');
      if (pending.length === 0) break;
      err(
        `· waiting ${Math.round((Date.now() - started) / 1000)} s for Slurm job(s) ${pending.map((a) => `${a.slurmJobId} (${a.reason || 'pending'})`).join(', ')}\n`,
      );
      await sleep(REMOTE_POLL_MS);
    }
    await printFinal(head, id, args.json === true);
    return 0;
  },
};
