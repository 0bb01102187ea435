import { mkdtempSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { JobDetail } from '../../src/api/types.js';
import { SlurmClient } from '../../src/slurm/client.js';
import { runCli } from '../helpers/cli.js';
import { cleanUp, CoordinatorProcess, ended } from '../helpers/coordinator.js';

// A real shrink on the local cluster: the lines Slurm prints when a released node's step is
// ended are marked as the release's in the job's Slurm output, and no other line is.

const slurmConf = inject('slurmConf');
const slurm = new SlurmClient({ slurmConf });
const root = mkdtempSync('/tmp/ct-release-');
let coord: CoordinatorProcess;

beforeAll(async () => {
  coord = new CoordinatorProcess(path.join(root, 'state'), slurmConf, ['--lease-seconds', '5']);
  await coord.start();
});

afterAll(async () => {
  await cleanUp(slurm, root, coord);
});

const cli = (args: string[]) => runCli([...args, '--state-dir', coord.stateDir]);
const running = (j: JobDetail) =>
  j.allocations.filter((a) => a.state === 'running').flatMap((a) => a.nodes);

describe("a shrink's lines in the Slurm output", () => {
  it('marks the lines of the released node as from the release, by whom and when', async () => {
    const file = path.join(root, 'sleepers.jsonl');
    const tasks = Array.from({ length: 8 }, (_, i) => ({ id: `s${i}`, argv: ['sleep', '15'] }));
    writeFileSync(file, tasks.map((t) => JSON.stringify(t)).join('\n') + '\n');
    const sub = cli(['submit', 'command', '--tasks', file, '--nodes', '2']);
    expect(sub.code, sub.stderr).toBe(0);
    const id = sub.stdout.trim();
    const busy = await coord.waitFor(
      id,
      (j) =>
        running(j).length === 2 && j.agents.filter((a) => a.currentTaskId !== null).length >= 8,
    );
    const r = cli(['scale', id, '--remove', '1', '--now']);
    expect(r.code, r.stderr).toBe(0);
    const after = await coord.api<JobDetail>('GET', `/api/jobs/${id}`);
    const [gone] = running(busy).filter((n) => !running(after).includes(n));
    expect(gone).toMatch(/^node\d$/);
    const done = await coord.waitFor(id, ended);
    expect(done.state).toBe('succeeded');

    const api = await coord.api<{ lines: string[]; released: (string | null)[] }>(
      'GET',
      `/api/jobs/${id}/logs?tail=1000`,
    );
    const out = cli(['logs', id, '--tail', '1000']);
    expect(out.code, out.stderr).toBe(0);
    console.log(out.stdout);
    const marked = out.stdout.split('\n').filter((l) => l.startsWith('[released '));
    expect(marked.length).toBeGreaterThan(0);
    const note = new RegExp(
      `^\\[released ${gone} by scale --remove at \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ\\] `,
    );
    for (const l of marked) expect(l).toMatch(note);
    // Every line that names the released node's ended step is marked; none naming another node.
    api.lines.forEach((l, i) => {
      if (new RegExp(`${gone}\\b.*(Killed|Terminated|CANCELLED)|ON ${gone} CANCELLED`).test(l))
        expect(api.released[i], l).toMatch(/^released /);
      const kept = running(busy).find((n) => n !== gone) ?? '';
      if (new RegExp(`\\b${kept}\\b`).test(l)) expect(api.released[i], l).toBeNull();
    });
  });
});
