import type { FarmAgent, FarmJob, FarmNode, FarmView } from '../../api/farm.js';
import type { CoordinatorEvent, JobDetail } from '../../api/types.js';
import { api, ApiError } from './api.js';
import { nodeCells } from './cluster-view.js';
import { button, h, replace, throttle } from './dom.js';
import { farmActions } from './farm-actions.js';
import { mayChange, notYours, whoAmI, type Me } from './me.js';
import { stateBadge } from './jobs-view.js';
import { doneText } from './pace-text.js';
import type { View } from './view.js';

const jobLink = (id: string, text: string = id) =>
  h('a', { attrs: { href: `#/job/${encodeURIComponent(id)}` } }, text);

/** `GPU 0 · j3 · frame 12`, `GPU 1 · j3 · idle`, `… · draining`. */
function agentLine(a: FarmAgent): HTMLElement {
  return h(
    'div',
    { class: 'farm-agent', attrs: { 'data-agent': a.id } },
    h('span', { class: 'mono' }, `GPU ${a.gpu}`),
    ' · ',
    jobLink(a.jobId),
    h('span', { class: 'muted' }, ` ${a.jobName}`),
    ' · ',
    a.currentTask ?? h('span', { class: 'muted' }, 'idle'),
    a.state === 'draining' ? h('span', { class: 'muted' }, ' · draining') : null,
  );
}

function nodeRow(n: FarmNode): HTMLElement {
  return h(
    'tr',
    { attrs: { 'data-node': n.name } },
    ...nodeCells(n),
    h(
      'td',
      {},
      ...(n.agents.length
        ? n.agents.map(agentLine)
        : [h('span', { class: 'muted' }, n.jobId ? `${n.jobId}: agents starting` : 'free')]),
    ),
  );
}

const table = (role: string, heads: string[], body: HTMLElement) =>
  h(
    'div',
    { class: 'table-scroll' },
    h(
      'table',
      { attrs: { 'data-role': role } },
      h('thead', {}, h('tr', {}, ...heads.map((t) => h('th', {}, t)))),
      body,
    ),
  );

/**
 * The farm at a glance: every node with the agents at work on it (job, task, GPU), the queue in
 * the order Slurm starts it (priority, then age) with each job's wait reason, several jobs
 * selected at once for an action, and each job's blocklisted agents with a button that clears
 * them (desk/blocklist.ts says what clearing does).
 */
export function farmView(): View {
  const selected = new Set<string>();
  let queue: FarmJob[] = [];
  let me: Me | undefined;
  const queueBody = h('tbody');
  const nodesBody = h('tbody');
  const blockedBody = h('tbody');
  const count = h('span', { class: 'muted', attrs: { 'data-role': 'selected-count' } });
  const blockedNotice = h('div', { class: 'notice', attrs: { 'data-role': 'blocked-notice' } });
  const showCount = () =>
    replace(count, selected.size ? `${selected.size} selected` : 'select jobs to act on them');
  const refresh = throttle(() => void load().catch(() => {}), 2000);
  const actions = farmActions(
    () => queue.filter((j) => selected.has(j.id)),
    () => void load().catch(() => {}),
  );

  const check = (j: FarmJob) => {
    const box = h('input', {
      attrs: { type: 'checkbox', 'aria-label': `select ${j.id}`, 'data-role': 'select-job' },
    });
    box.checked = selected.has(j.id);
    // another user's job cannot be selected (nor its blocklist cleared): the page says whose
    if (!mayChange(me, j)) {
      box.disabled = true;
      box.title = notYours(j);
    }
    box.addEventListener('change', () => {
      if (box.checked) selected.add(j.id);
      else selected.delete(j.id);
      showCount();
    });
    return box;
  };
  const queueRow = (j: FarmJob, i: number) =>
    h(
      'tr',
      { attrs: { 'data-job': j.id } },
      h('td', {}, check(j)),
      h('td', { class: 'muted' }, String(i + 1)),
      h(
        'td',
        { class: 'name' },
        jobLink(j.id, j.name),
        h('div', { class: 'muted mono' }, `${j.id} · ${j.kind}`),
      ),
      h('td', { class: 'muted', attrs: { 'data-role': 'owner' } }, j.owner ?? 'operator'),
      h('td', { attrs: { 'data-role': 'priority' } }, String(j.priority)),
      h(
        'td',
        {},
        stateBadge(j),
        j.waiting
          ? h(
              'div',
              { class: 'waiting-reason', attrs: { 'data-role': 'waiting' } },
              j.waiting.reason,
            )
          : null,
      ),
      h('td', {}, doneText(j.progress, j.unit)),
      h('td', { class: 'mono' }, j.nodes.join(', ') || '—'),
    );
  const clear = (j: FarmJob) =>
    button(
      'Clear',
      () => {
        blockedNotice.className = 'notice muted';
        replace(blockedNotice, `Clearing the blocklist of ${j.id}…`);
        api<JobDetail>('POST', `/api/jobs/${encodeURIComponent(j.id)}/blocked/clear`, {}).then(
          (d) => {
            const said = [...d.events].reverse().find((e) => e.type === 'agent:cleared');
            blockedNotice.className = 'notice ok';
            replace(blockedNotice, `${j.id}: ${said?.message ?? 'blocklist cleared'}`);
            void load();
          },
          (err) => {
            blockedNotice.className = 'notice error';
            replace(blockedNotice, err instanceof ApiError ? err.message : String(err));
          },
        );
      },
      {
        title: 'Forget these agents and the tasks they failed; the job may take the node again',
        attrs: { 'data-action': 'clear-blocked' },
      },
    );
  const blockedRow = (j: FarmJob) =>
    h(
      'tr',
      { attrs: { 'data-job': j.id } },
      h('td', {}, jobLink(j.id), h('span', { class: 'muted' }, ` ${j.name}`)),
      h(
        'td',
        {},
        ...j.blocked.map((a) =>
          h(
            'div',
            { class: 'mono', attrs: { 'data-agent': a.id } },
            `${a.node} GPU ${a.gpu} (${a.failures} failures)`,
          ),
        ),
      ),
      h('td', {}, mayChange(me, j) ? clear(j) : null),
    );

  const el = h(
    'div',
    {},
    h(
      'div',
      { class: 'panel' },
      h('div', { class: 'panel-head' }, h('h2', {}, 'Queue'), count),
      h(
        'p',
        { class: 'muted small' },
        'In the order Slurm starts them: higher priority first, then older.',
      ),
      actions,
      table('queue', ['', '#', 'Job', 'Owner', 'Priority', 'State', 'Done', 'Nodes'], queueBody),
    ),
    h(
      'div',
      { class: 'cols2' },
      h(
        'div',
        { class: 'panel' },
        h('h2', {}, 'Nodes'),
        table('farm-nodes', ['Node', 'State', 'GPUs', 'Agents (GPU · job · task)'], nodesBody),
      ),
      h(
        'div',
        { class: 'panel' },
        h('h2', {}, 'Blocklisted agents'),
        table('blocked', ['Job', 'Agents', ''], blockedBody),
        blockedNotice,
      ),
    ),
  );

  const load = async () => {
    const farm = await api<FarmView>('GET', '/api/farm');
    me = await whoAmI();
    queue = farm.queue;
    for (const id of [...selected])
      if (!queue.some((j) => j.id === id && mayChange(me, j))) selected.delete(id);
    showCount();
    replace(
      queueBody,
      ...(queue.length
        ? queue.map(queueRow)
        : [
            h(
              'tr',
              {},
              h('td', { class: 'muted', attrs: { colspan: '8' } }, 'No job is queued or running.'),
            ),
          ]),
    );
    replace(nodesBody, ...farm.nodes.map(nodeRow));
    const blocked = queue.filter((j) => j.blocked.length);
    replace(
      blockedBody,
      ...(blocked.length
        ? blocked.map(blockedRow)
        : [
            h(
              'tr',
              {},
              h('td', { class: 'muted', attrs: { colspan: '3' } }, 'No agent is blocklisted.'),
            ),
          ]),
    );
  };
  return {
    el,
    load,
    onEvent(e: CoordinatorEvent) {
      // /api/farm asks Slurm for the nodes: at most every 2 s however many events arrive.
      if (e.type !== 'task:updated') refresh();
    },
    close: () => refresh.cancel(),
  };
}
