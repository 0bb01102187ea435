import { describe, expect, it } from 'vitest';
import type { JobDetail } from '../../src/api/types.js';
import { newLines } from '../../src/cli/commands/job-actions.js';
import { formatJobDetail, formatJobTable } from '../../src/cli/format/jobs.js';
import { jobDetail } from '../../src/coordinator/views.js';
import { etaText, rateText } from '../../src/viewer/app/pace-text.js';
import { testCoordinator } from '../coordinator/view/setup.js';

describe('the CLI view of a job', () => {
  it('prints the rate and ETA in the very words the viewer shows, with units, counting the ETA down', async () => {
    const t = testCoordinator();
    const job = await t.c.submit({ kind: 'blender', scene: t.scene, frames: '1-10', nodes: 1 });
    const a = t.agent(job.id, 'node1', '0');
    for (let i = 0; i < 3; i++) {
      const task = await t.lease(a);
      t.clock.now += 6_000;
      await t.c.complete(a.id, task.id, {});
    }
    const row = t.store.jobs.get(job.id);
    if (!row) throw new Error('no job');
    const d = jobDetail(t.store, row, t.clock.now + 2_000);
    const now = t.clock.now + 5_000;
    const text = formatJobDetail(d, { now });
    expect(rateText(d)).toBe('10.0 frames/min');
    expect(etaText(d, now)).toBe('37 s');
    expect(text).toContain('3/10 frames done, 7 queued; 10.0 frames/min, ETA 37 s; running for');
    expect(formatJobTable([d], now)).toMatch(/3\/10 frames +0 +10\.0 frames\/min +37 s/);
  });

  it('prints the MP4 where it is: in the --output folder when the job has one', async () => {
    const t = testCoordinator();
    const job = await t.c.submit({ kind: 'blender', scene: t.scene, frames: '1', nodes: 1 });
    const d = jobDetail(t.store, t.store.jobs.get(job.id)!);
    const own = formatJobDetail({ ...d, video: 'output/video.mp4' });
    expect(own).toContain(`video     ${job.dir}/output/video.mp4`);
    const elsewhere = formatJobDetail({
      ...d,
      outputDir: '/renders/shot-12',
      video: 'output/video.mp4',
    });
    expect(elsewhere).toContain('video     /renders/shot-12/video.mp4');
  });

  it("prints a service's address when its job shows one, and says while it loads", async () => {
    const t = testCoordinator();
    const job = await t.c.submit({ kind: 'blender', scene: t.scene, frames: '1', nodes: 1 });
    const d = jobDetail(t.store, t.store.jobs.get(job.id)!);
    expect(formatJobDetail(d)).not.toContain('viewer    ');
    const service: JobDetail = { ...d, presentation: { panels: [], scaling: 'service' } };
    const shown: JobDetail = { ...d, presentation: { panels: ['service'], scaling: 'service' } };
    expect(formatJobDetail(service)).not.toContain('viewer    ');
    expect(formatJobDetail({ ...shown, serviceUrl: null })).toContain(
      'viewer    (the IndeX session is still loading)',
    );
    expect(formatJobDetail({ ...shown, serviceUrl: 'http://node1:8080' })).toContain(
      'viewer    http://node1:8080',
    );
  });

  it("names a command job's failed tasks and its agents' tasks, with no frame numbers", async () => {
    const t = testCoordinator();
    const tasks = ['ok', 'bad'].map((id) => JSON.stringify({ id, argv: ['true'] })).join('\n');
    const job = await t.c.submit({ kind: 'command', nodes: 1, tasks });
    const agents = ['0', '1', '2', '3'].map((g) => t.agent(job.id, 'node1', g));
    const first = await t.lease(agents[0]!);
    await t.c.complete(agents[0]!.id, first.id, {});
    for (const a of agents.slice(0, 3)) {
      const task = await t.lease(a);
      t.c.fail(a.id, task.id, 'exit 3', ['oops']);
    }
    const row = t.store.jobs.get(job.id);
    if (!row) throw new Error('no job');
    const text = formatJobDetail(jobDetail(t.store, row));
    expect(text).toContain('failed tasks (requeue with');
    expect(text).toContain('  bad: exit 3');
    expect(text).not.toMatch(/frame -?\d/);
    expect(text).toContain('1/2 tasks done, 1 failed');
  });

  it('shows what each agent renders and no "(None)" from Slurm, and fits a watch into 40 rows', async () => {
    const t = testCoordinator();
    const job = await t.c.submit({ kind: 'blender', scene: t.scene, frames: '1-64', nodes: 4 });
    const agents = Array.from({ length: 16 }, (_, k) =>
      t.agent(job.id, `node${(k >> 2) + 1}`, String(k % 4)),
    );
    for (const a of agents) await t.lease(a);
    const row = t.store.jobs.get(job.id);
    if (!row) throw new Error('no job');
    const d = jobDetail(t.store, row);
    d.allocations = [
      {
        slurmJobId: 7,
        role: 'primary',
        state: 'running',
        nodes: ['node1'],
        requestedNodes: 4,
        reason: 'None',
        createdAt: 0,
        endedAt: null,
      },
    ];
    const full = formatJobDetail(d);
    expect(full).toMatch(/node1 +0 +active +frame 1 /);
    expect(full).not.toContain('None');
    // 39 rows hold the 16 agents' table and some history: the table stays.
    const roomy = formatJobDetail(d, { maxLines: 39 }).split('\n');
    expect(roomy.length).toBeLessThanOrEqual(39);
    expect(roomy[0]).toContain(job.id);
    expect(roomy.join('\n')).toMatch(/node4 +3 +active +frame \d+ /);
    expect(roomy.join('\n')).toContain('history');
    // 25 do not: the agents are summed up in a line.
    const fitted = formatJobDetail(d, { maxLines: 25 }).split('\n');
    expect(fitted.length).toBeLessThanOrEqual(25);
    expect(fitted[0]).toContain(job.id);
    expect(fitted.join('\n')).toContain('agents    16 (16 active) on 4 node(s)');
  });

  it('wraps a watch at words to the width, counting the wrapped lines in its height', async () => {
    const t = testCoordinator();
    const tasks = ['ok', 'bad'].map((id) => JSON.stringify({ id, argv: ['true'] })).join('\n');
    const job = await t.c.submit({ kind: 'command', nodes: 1, tasks, name: 'a job' });
    const agents = ['0', '1', '2', '3'].map((g) => t.agent(job.id, 'node1', g));
    const first = await t.lease(agents[0]!);
    await t.c.complete(agents[0]!.id, first.id, {});
    const headline =
      "Error: Cannot read file '/shared/projects/shot-010/lighting/final-scene.blend': No such file or directory (exited with code 1)";
    for (const a of agents.slice(0, 3)) {
      const task = await t.lease(a);
      t.c.fail(a.id, task.id, headline, [
        'Blender 3.4.1',
        headline.slice(0, 100),
        '',
        'Blender quit',
      ]);
    }
    const d = jobDetail(t.store, t.store.jobs.get(job.id)!);
    const lines = formatJobDetail(d, { maxLines: 30, width: 60 }).split('\n');
    expect(lines.length).toBeLessThanOrEqual(30);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(60);
    const text = lines.join(' ').replace(/ +/g, ' ');
    expect(text).toContain("final-scene.blend': No such file or directory (exited with code 1)");
    // Under its name, the failure's headline once, then the tail's other lines: not the cause again.
    const failed = lines.slice(lines.findIndex((l) => l.startsWith('failed tasks')));
    const entry = failed.slice(1, failed.indexOf(''));
    expect(entry.filter((l) => l.includes('Cannot read file'))).toHaveLength(1);
    expect(entry.slice(-2)).toEqual(['      Blender 3.4.1', '      Blender quit']);
  });

  it('follows a log by printing only the lines after those it printed', () => {
    expect(newLines(['a', 'b', 'c'], ['b', 'c', 'd', 'e'])).toEqual(['d', 'e']);
    expect(newLines(['a'], ['a'])).toEqual([]);
    expect(newLines([], ['x'])).toEqual(['x']);
    expect(newLines(['q'], ['r', 's'])).toEqual(['r', 's']);
  });
});
