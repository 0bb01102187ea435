import { describe, expect, it } from 'vitest';
import { recorder } from '../../src/coordinator/history.js';
import { slurmCommandLog } from '../../src/coordinator/slurm-log.js';

describe('the coordinator log', () => {
  it('gets one line per decision, with the job, the decision and its reason', () => {
    const lines: string[] = [];
    const record = recorder({
      events: { add: (e) => ({ ...e, id: 1 }) },
      bus: { emit: () => {}, jobChanged: () => {} },
      now: () => 5,
      log: (l) => lines.push(l),
    });
    record(
      'j3',
      'task:requeued',
      'coordinator',
      'task 12 lease expired (agent a1); back in the queue',
      { taskId: 12 },
    );
    record('j3', 'scale:decision', 'policy', 'grow to 4: 40 frame(s) at 2.00 s each ...', {
      from: 2,
      to: 4,
    });
    expect(lines).toEqual([
      'j3 task:requeued coordinator: task 12 lease expired (agent a1); back in the queue',
      'j3 scale:decision policy: grow to 4: 40 frame(s) at 2.00 s each ...',
    ]);
  });

  it('logs every Slurm command that changes something, and each poll once a minute', () => {
    const lines: string[] = [];
    let t = 0;
    const onCommand = slurmCommandLog(
      (l) => lines.push(l),
      () => t,
    );
    onCommand("sbatch --nodes=2 '/state/jobs/j1/allocation.sbatch'");
    onCommand('squeue --json');
    t += 1_000;
    onCommand('squeue --json');
    onCommand('scontrol update JobId=12 NodeList=node1');
    onCommand('scancel 12');
    t += 60_000;
    onCommand('squeue --json');
    expect(lines).toEqual([
      "slurm: sbatch --nodes=2 '/state/jobs/j1/allocation.sbatch'",
      'slurm: squeue --json (polled; logged once a minute)',
      'slurm: scontrol update JobId=12 NodeList=node1',
      'slurm: scancel 12',
      'slurm: squeue --json (polled; logged once a minute)',
    ]);
  });
});
