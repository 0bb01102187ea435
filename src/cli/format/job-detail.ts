import type { JobDetail, JobEvent } from '../../api/types.js';
import { servedPath } from '../../api/served-names.js';
import {
  doneText,
  etaText,
  formatDuration,
  rateText,
  restText,
  shownState,
  slurmReason,
  timeText,
} from '../../viewer/app/pace-text.js';
import { formatResults } from './results.js';
import { table } from './table.js';

/** How `formatJobDetail` fits its output: the time it speaks of, and at most how many lines. */
export interface DetailOptions {
  now?: number;
  /** A terminal's height: sections shrink (agents summed up, fewer history lines) to fit. */
  maxLines?: number;
}

const time = (at: number) => new Date(at).toISOString().slice(11, 19);

/** History lines, newest last; routine events (agents, released allocations) are counted, not listed. */
function historyLines(events: readonly JobEvent[], max: number): string[] {
  const shown = events.filter((e) => e.level !== 'detail');
  const folded = events.length - shown.length;
  const lines = shown
    .slice(-max)
    .map(
      (e) =>
        `  ${time(e.at)}  ${e.level === 'error' ? 'ERROR ' : e.level === 'warning' ? 'warn  ' : ''}${e.actor.padEnd(11)} ${e.message}`,
    );
  if (folded)
    lines.push(
      `  (${folded} routine event(s) not shown: agents coming and going, released allocations)`,
    );
  return lines;
}

/** A job in detail: progress, stages, allocations, agents, failures and its recent history. */
export function formatJobDetail(j: JobDetail, o: DetailOptions = {}): string {
  const now = o.now ?? Date.now();
  const rest = restText(j.progress, j.unit);
  const running = j.state === 'running' || j.state === 'queued';
  const pace =
    j.unit === 'session'
      ? `progress  ${timeText(j, now)}`
      : `progress  ${doneText(j.progress, j.unit)} done${rest ? `, ${rest}` : ''}; ${rateText(j)}` +
        (running ? `, ETA ${etaText(j, now)}` : '') +
        `; ${timeText(j, now)}`;
  const head = [
    `${j.id}  ${j.name}  [${j.kind}]  ${shownState(j)}${j.error ? `: ${j.error}` : ''}`,
    ...(j.waiting ? [`waiting   ${j.waiting.reason.replace(/^waiting:? ?/, '')}`] : []),
    pace,
    `priority  ${j.priority}${running ? ` (\`cluster-tool priority ${j.id} N\` changes it)` : ''}`,
    `stages    ${j.stages.map((s) => `${s.name}:${s.state}`).join('  ')}`,
    `output    ${j.outputDir}`,
  ];
  if (j.video) head.push(`video     ${servedPath(j, j.video)}`);
  if (j.presentation.panels.includes('service'))
    head.push(`viewer    ${j.serviceUrl ?? '(the IndeX session is still loading)'}`);
  if (j.auto)
    head.push(
      `autoscale min ${j.auto.min}, max ${j.auto.max}${j.auto.targetFinishSeconds ? `, finish within ${formatDuration(j.auto.targetFinishSeconds)}` : ''}`,
    );
  const allocations = [
    '',
    'allocations',
    table([
      ['SLURM JOB', 'ROLE', 'STATE', 'NODES', 'REASON'],
      ...j.allocations.map((a) => [
        String(a.slurmJobId),
        a.role,
        a.state === 'ended' ? 'released' : a.state,
        a.nodes.join(',') || `(${a.requestedNodes} wanted)`,
        a.state === 'pending' ? slurmReason(a.reason) : '',
      ]),
    ]),
  ];
  const live = j.agents.filter((a) => a.state !== 'gone');
  const agentRows = live.length
    ? [
        '',
        'agents',
        table([
          ['NODE', 'GPU', 'STATE', 'TASK', 'FAILURES', 'AGENT'],
          ...live.map((a) => [
            a.node,
            a.gpu,
            a.state,
            a.currentTask ?? '-',
            String(a.failures),
            a.id,
          ]),
        ]),
      ]
    : [];
  const byState = Object.entries(
    live.reduce<Record<string, number>>((m, a) => ({ ...m, [a.state]: (m[a.state] ?? 0) + 1 }), {}),
  )
    .map(([s, n]) => `${n} ${s}`)
    .join(', ');
  const agentSummary = live.length
    ? [
        '',
        `agents    ${live.length} (${byState}) on ${new Set(live.map((a) => a.node)).size} node(s); \`status ${j.id}\` without --watch lists them`,
      ]
    : [];
  const failed = j.failedTasks.length
    ? [
        '',
        `failed ${j.unit === 'frames' ? 'frames' : 'tasks'} (requeue with \`cluster-tool retry ${j.id}\`)`,
        ...j.failedTasks
          .slice(0, 20)
          .flatMap((f) => [
            `  ${f.name}: ${f.error}`,
            ...f.errorTail.slice(-3).map((t) => `      ${t}`),
          ]),
      ]
    : [];
  const results = j.results?.length ? ['', 'results (best first)', formatResults(j.results)] : [];
  const count = (parts: string[][]) => parts.flat().join('\n').split('\n').length;
  let agents = agentRows;
  let history = 12;
  if (o.maxLines !== undefined) {
    const fixed = count([head, allocations, failed.slice(0, 8), results]) + 2;
    if (fixed + count([agents]) + history > o.maxLines) agents = agentSummary;
    history = Math.max(3, Math.min(12, o.maxLines - fixed - count([agents])));
  }
  const lines = [
    ...head,
    ...allocations,
    ...agents,
    ...(o.maxLines !== undefined ? failed.slice(0, 8) : failed),
    ...results,
    '',
    'history',
    ...historyLines(j.events, history),
  ];
  return (o.maxLines !== undefined ? lines.slice(0, o.maxLines) : lines).join('\n');
}
