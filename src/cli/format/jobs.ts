import type { JobSummary } from '../../api/types.js';
import {
  doneText,
  etaText,
  formatDuration,
  elapsedAt,
  rateText,
  shownState,
} from '../../viewer/app/pace-text.js';
import { ownerText } from './owner.js';
import { table } from './table.js';

export { formatJobDetail } from './job-detail.js';
export { formatResults } from './results.js';

/**
 * One line per job: id, state, priority, owner, priority, progress in its unit, rate, ETA, time, nodes; then why
 * each waiting job waits.
 */
export function formatJobTable(jobs: readonly JobSummary[], now = Date.now()): string {
  if (!jobs.length)
    return 'No jobs yet: submit one with `cluster-tool submit blender SCENE.blend --frames 1-48`.';
  const rows = table([
    [
      'JOB',
      'NAME',
      'STATE',
      'PRIO',
      'OWNER',
      'STAGE',
      'DONE',
      'FAILED',
      'RATE',
      'ETA',
      'TIME',
      'NODES',
    ],
    ...jobs.map((j) => [
      j.id,
      j.name.length > 24 ? `${j.name.slice(0, 23)}…` : j.name,
      shownState(j),
      String(j.priority),
      ownerText(j.owner),
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
