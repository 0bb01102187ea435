import type { JobSummary } from '../../api/types.js';
import {
  doneText,
  etaText,
  formatDuration,
  elapsedAt,
  rateText,
  shownState,
} from '../../viewer/app/pace-text.js';
import { table } from './table.js';

export { formatJobDetail } from './job-detail.js';
export { formatResults } from './results.js';

/** A job's owner as shown: a long AWS ARN by its last part; none is the operator's. */
export function ownerText(owner: string | null | undefined): string {
  if (!owner) return 'operator';
  return owner.startsWith('arn:') ? (owner.split(/[:/]/).pop() ?? owner) : owner;
}

/**
 * One line per job: id, owner, state, priority, progress in its unit, rate, ETA, time, nodes; then why
 * each waiting job waits.
 */
export function formatJobTable(jobs: readonly JobSummary[], now = Date.now()): string {
  if (!jobs.length)
    return 'No jobs yet: submit one with `cluster-tool submit blender SCENE.blend --frames 1-48`.';
  const rows = table([
    ['JOB', 'NAME', 'OWNER', 'STATE', 'PRIO', 'STAGE', 'DONE', 'FAILED', 'RATE', 'ETA', 'TIME', 'NODES'],
    ...jobs.map((j) => [
      j.id,
      j.name.length > 24 ? `${j.name.slice(0, 23)}…` : j.name,
      ownerText(j.owner),
      shownState(j),
      String(j.priority),
      j.stage || '-',
      doneText(j.progress, j.unit),
      String(j.progress.failed) +
        (j.progress.cancelled ? ` (+${j.progress.cancelled} cancelled)` : ''),
      rateText(j),
      etaText(j, now),
      formatDuration(elapsedAt(j, now)),
      j.nodes.join(',') || '-',
    ]),
  ]);
  const waits = jobs.flatMap((j) => (j.waiting ? [`${j.id} ${j.waiting.reason}`] : []));
  return waits.length ? `${rows}\n\n${waits.join('\n')}` : rows;
}
