import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  DELIVERY_HEADER,
  notifyKey,
  SIGNATURE_HEADER,
  signNotice,
  type JobEndNotice,
} from '../../../src/api/notify.js';
import type { JobDetail } from '../../../src/api/types.js';
import { readAddress, readToken } from '../../../src/coordinator/state-dir.js';
import { SlurmClient } from '../../../src/slurm/client.js';
import { runCli } from '../../helpers/cli.js';
import { cleanUp, CoordinatorProcess, ended } from '../../helpers/coordinator.js';

// A job's end told to webhook receivers on loopback: signed, once per URL, also when the
// coordinator restarts between the end and the delivery; and the metrics a scraper reads.

const slurmConf = inject('slurmConf');
const slurm = new SlurmClient({ slurmConf });
const root = mkdtempSync('/tmp/ct-notify-');
let coord: CoordinatorProcess;
let receiver: Server | undefined;
let port = 0;
const got: { path: string; body: string; signature: string; delivery: string }[] = [];

/** A free loopback port, closed again: nothing answers there until the receiver listens. */
async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const p = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return p;
}

async function listen(): Promise<void> {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      got.push({
        path: req.url ?? '',
        body,
        signature: String(req.headers[SIGNATURE_HEADER]),
        delivery: String(req.headers[DELIVERY_HEADER]),
      });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => receiver!.listen(port, '127.0.0.1', r));
}

const commandJob = (argv: string[], notify: string[]) =>
  coord.api<JobDetail>('POST', '/api/jobs', {
    kind: 'command',
    nodes: 1,
    gpusPerNode: 1,
    tasks: JSON.stringify({ id: 't', argv }) + '\n',
    notify,
  });

beforeAll(async () => {
  port = await freePort();
  coord = new CoordinatorProcess(path.join(root, 'state'), slurmConf, [
    '--notify',
    `http://127.0.0.1:${port}/all`,
  ]);
  await coord.start();
});

afterAll(async () => {
  await new Promise((r) => (receiver ? receiver.close(r) : r(undefined)));
  await cleanUp(slurm, root, coord);
});

describe("a job's end told to a URL", () => {
  it('delivers one signed message per URL, after a restart between the end and the send', async () => {
    const job = await commandJob(['true'], [`http://127.0.0.1:${port}/mine`]);
    await coord.waitFor(job.id, ended, 120_000);
    // Nobody listens yet: the coordinator says so in the job's history and tries again later.
    await coord.waitFor(job.id, (j) => j.events.some((e) => e.type === 'notify:failed'), 30_000);
    await coord.stop();
    await listen();
    await coord.start();
    for (let i = 0; i < 300 && got.length < 2; i++) await sleep(100);
    await sleep(3_000); // nothing more comes
    expect(got.map((g) => g.path).sort()).toEqual(['/all', '/mine']);

    const key = notifyKey(readToken(coord.stateDir)!);
    const printed = runCli(['notify-key', '--state-dir', coord.stateDir]);
    expect(printed.stdout.trim()).toBe(key);
    for (const g of got) {
      expect(g.signature).toBe(signNotice(key, g.body));
      const notice = JSON.parse(g.body) as JobEndNotice;
      expect(notice).toMatchObject({
        type: 'job.ended',
        jobId: job.id,
        state: 'succeeded',
        tasks: { total: 1, done: 1, failed: 0 },
      });
    }
    expect(new Set(got.map((g) => g.delivery)).size).toBe(2);
    const after = await coord.api<JobDetail>('GET', `/api/jobs/${job.id}`);
    expect(after.events.filter((e) => e.type === 'notify:delivered')).toHaveLength(2);
  }, 300_000);

  it("says a failed job's headline", async () => {
    got.length = 0;
    const job = await commandJob(['sh', '-c', 'echo "cannot open the input" >&2; exit 3'], []);
    await coord.waitFor(job.id, ended, 180_000);
    for (let i = 0; i < 200 && got.length < 1; i++) await sleep(100);
    expect(got).toHaveLength(1);
    const notice = JSON.parse(got[0]!.body) as JobEndNotice;
    expect(notice.state).toBe('failed');
    expect(notice.error).toContain('cannot open the input');
  }, 240_000);

  it('refuses a URL that is not one, before anything runs', async () => {
    const tasks = path.join(root, 'tasks.jsonl');
    writeFileSync(tasks, '{"id":"t","argv":["true"]}\n');
    const r = runCli([
      ...['submit', 'command', '--tasks', tasks, '--notify', 'file:///etc/passwd'],
      ...['--state-dir', coord.stateDir],
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--notify: a notification URL must start with http:// or https://');
    await expect(
      coord.api('POST', '/api/jobs', {
        kind: 'command',
        tasks: '{"id":"t","argv":["true"]}\n',
        notify: ['http://169.254.169.254/latest/meta-data/'],
      }),
    ).rejects.toThrow(/link-local/);
  });
});

describe('GET /metrics', () => {
  it('counts jobs, tasks, agents, leases and times Slurm, for the user token only', async () => {
    const url = `${readAddress(coord.stateDir)!.url}/metrics`;
    const denied = await fetch(url);
    expect(denied.status).toBe(401);
    const res = await fetch(url, {
      headers: { authorization: `Bearer ${readToken(coord.stateDir)}` },
    });
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(text).toContain('cluster_tool_jobs{state="succeeded"} 1');
    expect(text).toContain('cluster_tool_jobs{state="failed"} 1');
    expect(text).toMatch(/cluster_tool_leases_total [1-9]/);
    expect(text).toMatch(/cluster_tool_agents\{state="[a-z]+"\} \d/);
    expect(text).toMatch(/cluster_tool_lease_decision_seconds_count [1-9]/);
    expect(text).toMatch(
      /cluster_tool_slurm_command_seconds_count\{command="sbatch",outcome="ok"\} [1-9]/,
    );
    expect(text).toContain('cluster_tool_notices_pending 0');
  });
});
