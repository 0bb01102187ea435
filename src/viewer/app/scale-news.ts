import type { JobDetail, ScaleRequest, TaskView } from '../../api/types.js';
import { slurmReason } from './pace-text.js';

/** A scale request being followed: what was asked, since when, and the (first) Slurm job it made. */
export interface ScaleWatch {
  request: ScaleRequest;
  since: number;
  slurmJobId: number | null;
  /** The coordinator has answered the request. */
  done: boolean;
}

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

/**
 * What a scale request has come to, in words (null when there is nothing to say yet): a grow
 * names the Slurm job it asked for and why it waits, then the nodes that joined; a shrink says
 * which frames its draining nodes wait on, then what was released. Shared wording for the
 * viewer and `cluster-tool scale`.
 */
export function scaleNews(w: ScaleWatch, d: JobDetail, tasks: readonly TaskView[]): string | null {
  const r = w.request;
  if (
    r.auto !== undefined &&
    r.add === undefined &&
    r.remove === undefined &&
    r.nodes === undefined
  )
    return w.done
      ? d.auto
        ? `autoscaling on: ${d.auto.min}-${d.auto.max} node(s)`
        : 'autoscaling off'
      : null;
  // A grow is one Slurm job, or one per node (a per-node job): followed together.
  const grown = d.allocations
    .filter(
      (a) =>
        a.role === 'attached' &&
        a.createdAt >= w.since - 1000 &&
        (w.slurmJobId === null || a.slurmJobId >= w.slurmJobId),
    )
    .sort((a, b) => a.slurmJobId - b.slurmJobId);
  const first = grown[0];
  if (first) {
    w.slurmJobId = first.slurmJobId;
    const ids = grown.map((a) => a.slurmJobId);
    const named =
      ids.length === 1
        ? `Slurm job ${first.slurmJobId}`
        : `Slurm jobs ${ids.length > 3 ? `${ids[0]}…${ids.at(-1)}` : ids.join(', ')}`;
    const count = grown.reduce((s, a) => s + a.requestedNodes, 0);
    const asked = `asked Slurm for ${plural(count, 'node')} (${named}`;
    if (grown.every((a) => a.state === 'pending')) {
      const why = slurmReason(first.reason);
      return `${asked} pending${why ? `: ${why}` : ''})`;
    }
    if (grown.every((a) => a.state === 'ended')) return `${asked}) ended before its nodes joined`;
    const up = grown.filter((a) => a.state === 'running');
    const joined = up.flatMap((g) =>
      g.nodes.filter((n) =>
        d.agents.some((a) => a.node === n && a.slurmJobId === g.slurmJobId && a.state === 'active'),
      ),
    );
    return joined.length
      ? `${asked}) → ${joined.join(', ')} joined; ${d.nodes.length} node(s) in use`
      : `${asked}) running on ${up.flatMap((g) => g.nodes).join(', ')}; its agents are starting`;
  }
  const draining = d.agents.filter((a) => a.state === 'draining');
  if (draining.length && !w.done) {
    const ids = new Set(draining.map((a) => a.id));
    const busy = tasks.filter(
      (t) => t.state === 'leased' && t.agentId !== null && ids.has(t.agentId),
    );
    const nodes = [...new Set(draining.map((a) => a.node))].join(', ');
    const frames = busy.map((t) => t.name.replace(/^frames? /, ''));
    return busy.length
      ? `draining ${nodes}: waiting on ${busy.every((t) => t.frames.length) ? 'frames' : 'tasks'} ${frames.join(', ')}`
      : `draining ${nodes}: releasing it`;
  }
  if (w.done) {
    const released = [...d.events]
      .reverse()
      .find((e) => e.type === 'scale:shrink' && e.at >= w.since - 1000);
    if (released) return `${released.message}; ${d.nodes.length} node(s) in use`;
  }
  return null;
}
