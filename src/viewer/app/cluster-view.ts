import type { ClusterView, CoordinatorEvent, NodeView } from '../../api/types.js';
import { api } from './api.js';
import { h, replace, throttle } from './dom.js';
import type { View } from './view.js';

/** A node's GPUs as squares, the used ones lit. */
function gpus(n: { gpus: number; gpusUsed: number }): HTMLElement {
  return h(
    'span',
    { class: 'gpus', title: `${n.gpusUsed} of ${n.gpus} GPUs in use` },
    ...Array.from({ length: n.gpus }, (_, i) => h('i', { class: i < n.gpusUsed ? 'used' : '' })),
  );
}

/** A node's first cells, on the Cluster and Farm pages alike: name, state, GPUs in use. */
export function nodeCells(n: NodeView): HTMLElement[] {
  return [
    h('td', { class: 'mono' }, n.name),
    h('td', {}, [n.state, ...n.flags].join(' ')),
    h('td', {}, gpus(n), h('span', { class: 'muted' }, ` ${n.gpusUsed}/${n.gpus}`)),
  ];
}

/** Nodes and GPUs as Slurm reports them, and which job holds each node. */
export function clusterView(): View {
  const body = h('tbody');
  const el = h(
    'div',
    { class: 'panel' },
    h('h2', {}, 'Cluster'),
    h(
      'table',
      { attrs: { 'data-role': 'nodes' } },
      h(
        'thead',
        {},
        h('tr', {}, ...['Node', 'State', 'GPUs', 'Job', 'Slurm jobs'].map((t) => h('th', {}, t))),
      ),
      body,
    ),
  );
  const load = async () => {
    const c = await api<ClusterView>('GET', '/api/cluster');
    replace(
      body,
      ...c.nodes.map((n) =>
        h(
          'tr',
          { attrs: { 'data-node': n.name } },
          ...nodeCells(n),
          h(
            'td',
            {},
            n.jobId
              ? h('a', { attrs: { href: `#/job/${encodeURIComponent(n.jobId)}` } }, n.jobId)
              : h('span', { class: 'muted' }, 'free'),
          ),
          h('td', { class: 'mono' }, n.slurmJobIds.join(', ') || '—'),
        ),
      ),
    );
  };
  // /api/cluster asks Slurm: at most every 3 s however many events arrive.
  const refresh = throttle(() => void load().catch(() => {}), 3000);
  return {
    el,
    load,
    onEvent(e: CoordinatorEvent) {
      if (e.type === 'cluster:updated' || e.type === 'job:event') refresh();
    },
  };
}
