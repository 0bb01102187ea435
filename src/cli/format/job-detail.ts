import type { JobDetail, JobEvent } from '../../api/types.js';
import { servedPath } from '../../api/served-names.js';
import {
  doneText,
  etaText,
  formatDuration,
  liveText,
  rateText,
  restText,
  shownState,
  slurmReason,
  timeText,
} from '../../viewer/app/pace-text.js';
import { ownerText } from './owner.js';
import { formatResults } from './results.js';
import { table } from './table.js';
import { wrapLines } from './wrap.js';

/** How `formatJobDetail` fits its output: the time it speaks of, and a terminal's size. */
export interface DetailOptions {
  now?: number;
  /** A terminal's height: sections shrink (fewer history lines, then agents summed up) to fit. */
  maxLines?: number;
  /** A terminal's width: lines wrap at words to it, and count as the lines they become. */
  width?: number;
}

/** History lines a fitted view keeps before it sums the agents up instead of listing them. */
const MIN_HISTORY = 3;

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

/**
 * The last `n` lines of a failure's output worth printing under its headline: not blank, and not
 * the cause the headline already quotes (the whole output is `logs JOB --task NAME`).
 */
export function tailBeside(headline: string, tail: readonly string[], n = 3): string[] {
  return tail
    .filter((l) => l.trim() !== '' && !(l.trim().length > 3 && headline.includes(l.trim())))
    .slice(-n);
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
    `owner     ${ownerText(j.owner)}`,
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
            a.currentTask
              ? `${a.currentTask}${a.currentProgress ? ` (${liveText(a.currentProgress, now, !/^frame \d+$/.test(a.currentTask))})` : ''}`
              : '-',
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
            ...tailBeside(f.error, f.errorTail).map((t) => `      ${t}`),
          ]),
      ]
    : [];
  const results = j.results?.length ? ['', 'results (best first)', formatResults(j.results)] : [];
  // Each section as the terminal shows it: its lines, wrapped at words to the width.
  const shown = (part: string[]) =>
    part.length ? wrapLines(part.join('\n').split('\n'), o.width) : [];
  const fitting = o.maxLines !== undefined;
  const top = [head, allocations].flatMap(shown);
  const bottom = [fitting ? failed.slice(0, 8) : failed, results].flatMap(shown);
  let agents = shown(agentRows);
  let room = 12;
  if (o.maxLines !== undefined) {
    const fixed = top.length + bottom.length + 2;
    // The agent table stays while the history keeps its fewest lines; it gets the rest, up to 12.
    if (fixed + agents.length + MIN_HISTORY > o.maxLines) agents = shown(agentSummary);
    room = Math.max(MIN_HISTORY, Math.min(12, o.maxLines - fixed - agents.length));
  }
  // As many events as fit in the room once wrapped, newest kept.
  let history = shown(historyLines(j.events, room));
  for (let n = room - 1; n > 0 && history.length > room; n--)
    history = shown(historyLines(j.events, n));
  const lines = [...top, ...agents, ...bottom, '', 'history', ...history];
  return (fitting ? lines.slice(0, o.maxLines) : lines).join('\n');
}
