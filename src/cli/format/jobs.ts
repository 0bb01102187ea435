import type { JobDetail, JobSummary, ResultRow } from '../../coordinator/api-types.js';

function duration(seconds: number | null): string {
  if (seconds === null) return '-';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

function table(rows: string[][]): string {
  const widths = (rows[0] ?? []).map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** One line per job: id, state, progress, rate, ETA, nodes. */
export function formatJobTable(jobs: readonly JobSummary[]): string {
  if (!jobs.length)
    return 'No jobs yet: submit one with `cluster-tool submit blender SCENE.blend --frames 1-48`.';
  return table([
    ['JOB', 'NAME', 'STATE', 'STAGE', 'DONE', 'FAILED', 'RATE/MIN', 'ETA', 'NODES'],
    ...jobs.map((j) => [
      j.id,
      j.name.length > 24 ? `${j.name.slice(0, 23)}…` : j.name,
      j.state,
      j.stage || '-',
      `${j.progress.done}/${j.progress.total}`,
      String(j.progress.failed),
      j.ratePerMinute ? String(j.ratePerMinute) : '-',
      duration(j.etaSeconds),
      j.nodes.join(',') || '-',
    ]),
  ]);
}

/** A job in detail: progress, stages, allocations, agents, failures and its recent history. */
export function formatJobDetail(j: JobDetail): string {
  const lines = [
    `${j.id}  ${j.name}  [${j.kind}]  ${j.state}${j.error ? `: ${j.error}` : ''}`,
    `progress  ${j.progress.done}/${j.progress.total} done, ${j.progress.leased} rendering, ${j.progress.queued} queued, ${j.progress.failed} failed` +
      (j.ratePerMinute ? `; ${j.ratePerMinute}/min, ETA ${duration(j.etaSeconds)}` : ''),
    `stages    ${j.stages.map((s) => `${s.name}:${s.state}`).join('  ')}`,
    `output    ${j.outputDir}`,
  ];
  if (j.video) lines.push(`video     ${j.dir}/${j.video}`);
  if (j.kind === 'index')
    lines.push(`viewer    ${j.serviceUrl ?? '(the IndeX session is still loading)'}`);
  if (j.auto)
    lines.push(
      `autoscale min ${j.auto.min}, max ${j.auto.max}${j.auto.targetFinishSeconds ? `, finish within ${duration(j.auto.targetFinishSeconds)}` : ''}`,
    );
  lines.push('', 'allocations');
  lines.push(
    table([
      ['SLURM JOB', 'ROLE', 'STATE', 'NODES', 'REASON'],
      ...j.allocations.map((a) => [
        String(a.slurmJobId),
        a.role,
        a.state,
        a.nodes.join(',') || `(${a.requestedNodes} wanted)`,
        a.state === 'pending' ? a.reason : '',
      ]),
    ]),
  );
  const live = j.agents.filter((a) => a.state !== 'gone');
  if (live.length) {
    lines.push('', 'agents');
    lines.push(
      table([
        ['AGENT', 'NODE', 'GPU', 'STATE', 'TASK', 'FAILURES'],
        ...live.map((a) => [
          a.id,
          a.node,
          a.gpu,
          a.state,
          a.currentTaskId ? String(a.currentTaskId) : '-',
          String(a.failures),
        ]),
      ]),
    );
  }
  if (j.failedFrames.length) {
    lines.push('', `failed frames (requeue with \`cluster-tool retry ${j.id}\`)`);
    for (const f of j.failedFrames.slice(0, 20)) {
      lines.push(`  frame ${f.frame}: ${f.error}`);
      for (const t of f.errorTail.slice(-3)) lines.push(`      ${t}`);
    }
  }
  if (j.results?.length) lines.push('', 'results (best first)', formatResults(j.results));
  lines.push('', 'history');
  for (const e of j.events.slice(-12))
    lines.push(
      `  ${new Date(e.at).toISOString().slice(11, 19)}  ${e.actor.padEnd(11)} ${e.message}`,
    );
  return lines.join('\n');
}

const metric = (v: number | null, digits: number): string => (v === null ? '-' : v.toFixed(digits));

/** A results table: task, variables, PSNR, SSIM, LPIPS, minutes, GPU (and state). */
export function formatResults(rows: readonly ResultRow[]): string {
  return table([
    ['TASK', 'VARIABLES', 'PSNR', 'SSIM', 'LPIPS', 'MINUTES', 'GPU', 'STATE'],
    ...rows.map((r) => [
      r.task,
      Object.entries(r.variables)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ') || '-',
      metric(r.psnr, 3),
      metric(r.ssim, 4),
      metric(r.lpips, 4),
      metric(r.minutes, 2),
      r.gpu ?? '-',
      r.state,
    ]),
  ]);
}
