import type { CoordinatorEvent, CoordinatorHealth } from '../../api/types.js';
import { api, AUTH_LOST, redeemCode, signedIn, signOut } from './api.js';
import { clusterView } from './cluster-view.js';
import { farmView } from './farm-view.js';
import { button, h, replace } from './dom.js';
import { followEvents } from './events.js';
import { parseHash } from './format.js';
import { jobView } from './job-view.js';
import { jobsView } from './jobs-view.js';
import { loginPrompt } from './login.js';
import { outageText } from './pace-text.js';
import type { View } from './view.js';

const root = document.getElementById('app') ?? document.body;
let view: View | null = null;
let stopEvents: (() => void) | null = null;
let healthTimer: number | undefined;
/** Whether the sign-in prompt is up (a late 401 from before it must not empty it again). */
let prompting = false;

function showLogin(message: string | null): void {
  // Nothing asks the API behind the prompt (each 401 would put the prompt up again, emptied).
  window.clearInterval(healthTimer);
  window.onhashchange = null;
  prompting = true;
  stopEvents?.();
  stopEvents = null;
  view?.close?.();
  view = null;
  replace(
    root,
    loginPrompt(message, () => startApp()),
  );
}

function startApp(): void {
  prompting = false;
  const live = h('span', { class: 'live off', attrs: { 'data-role': 'live' } }, 'connecting');
  const links = {
    jobs: h('a', { attrs: { href: '#/jobs' } }, 'Jobs'),
    cluster: h('a', { attrs: { href: '#/cluster' } }, 'Cluster'),
    farm: h('a', { attrs: { href: '#/farm' } }, 'Farm'),
  };
  const mainEl = h('main');
  // The coordinator's own trouble (its disk refusing writes), above every page while it lasts.
  const outage = h('div', {
    class: 'panel notice error',
    attrs: { 'data-role': 'outage', hidden: '' },
  });
  const checkHealth = () =>
    api<CoordinatorHealth>('GET', '/api/coordinator').then(
      (hl) => {
        const text = outageText(hl);
        outage.textContent = text ?? '';
        outage.hidden = !text;
      },
      () => {},
    );
  void checkHealth();
  window.clearInterval(healthTimer);
  healthTimer = window.setInterval(() => void checkHealth(), 5_000);
  const logout = button('Sign out', () => {
    // The prompt first: the event stream stops before the cookie goes, so nothing sees a 401.
    showLogin(null);
    void signOut();
  });
  replace(
    root,
    h(
      'header',
      { class: 'top' },
      h('span', { class: 'brand' }, 'cluster-tool'),
      h('nav', {}, links.jobs, links.farm, links.cluster),
      h('span', { class: 'spacer' }),
      live,
      logout,
    ),
    outage,
    mainEl,
  );

  let following = '';
  const follow = (route: string) => {
    if (route === following && stopEvents) return;
    stopEvents?.();
    following = route;
    let first = true;
    stopEvents = followEvents(
      route,
      (e: CoordinatorEvent) => view?.onEvent(e),
      (on) => {
        live.className = `live ${on ? 'on' : 'off'}`;
        live.textContent = on ? 'live' : 'reconnecting';
        // After a reconnect, events may have been missed: load the view again (a job's own
        // stream starts over with the whole job instead).
        if (on && !first && !view?.stream) void view?.load().catch(() => {});
        first = false;
      },
    );
  };

  const route = () => {
    const r = parseHash(location.hash);
    if (r.view === 'login') return;
    view?.close?.();
    view =
      r.view === 'job'
        ? jobView(r.id)
        : r.view === 'cluster'
          ? clusterView()
          : r.view === 'farm'
            ? farmView()
            : jobsView();
    links.jobs.className = r.view === 'jobs' || r.view === 'job' ? 'active' : '';
    links.farm.className = r.view === 'farm' ? 'active' : '';
    links.cluster.className = r.view === 'cluster' ? 'active' : '';
    replace(mainEl, view.el);
    const v = view;
    follow(v.stream ?? '/api/events');
    v.load().catch((err: Error) => {
      if (view === v)
        replace(
          mainEl,
          h('div', { class: 'panel notice error' }, `Could not load: ${err.message}`),
        );
    });
  };
  window.onhashchange = route;
  stopEvents?.();
  stopEvents = null;
  route();
}

/**
 * Trades a `#code=` in the address for a session (the code leaves the address bar and history at
 * once), then shows the page the address names if the browser is signed in (its session cookie,
 * from this tab or another), else the prompt, which comes back to that page.
 */
async function signInFromHash(): Promise<void> {
  const r = parseHash(location.hash);
  let message: string | null = null;
  if (r.view === 'login') {
    const page = r.job === undefined ? '#/jobs' : `#/job/${encodeURIComponent(r.job)}`;
    history.replaceState(null, '', `${location.pathname}${page}`);
    try {
      await redeemCode(r.code);
    } catch (err) {
      message = (err as Error).message;
    }
  }
  // A coordinator that cannot answer now is shown as such by the page (reconnecting), not as a
  // sign-in: the session may well be fine.
  const ok = await signedIn().catch(() => true);
  if (ok) startApp();
  else showLogin(message);
}

window.addEventListener(AUTH_LOST, () => {
  if (!prompting)
    showLogin(
      'The session ended (signed out, or the coordinator token was replaced). Sign in again.',
    );
});
// A login link opened in a tab that already shows the page changes only the fragment.
window.addEventListener('hashchange', () => {
  if (parseHash(location.hash).view === 'login') void signInFromHash();
});
void signInFromHash();
