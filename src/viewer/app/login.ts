import { tryToken } from './api.js';
import { h, replace } from './dom.js';

/** The prompt shown without a session: paste the user token (or open a fresh `cluster-tool viewer` link). */
export function loginPrompt(message: string | null, onDone: () => void): HTMLElement {
  const input = h('input', {
    attrs: {
      type: 'password',
      autocomplete: 'off',
      placeholder: 'coordinator token',
      'aria-label': 'token',
      'data-role': 'token',
    },
  });
  const notice = h(
    'div',
    { class: 'notice error', attrs: { 'data-role': 'login-error' } },
    message ?? '',
  );
  const form = h(
    'form',
    { class: 'panel login', attrs: { 'data-role': 'login' } },
    h('h1', {}, 'Sign in to the cluster-tool viewer'),
    h(
      'p',
      { class: 'muted' },
      'Open the link that `cluster-tool viewer` prints (it signs you in once), or paste the coordinator token (the `token` file in its state directory).',
    ),
    input,
    h('button', { class: 'primary', attrs: { type: 'submit' } }, 'Sign in'),
    notice,
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const token = input.value.trim();
    input.value = '';
    void tryToken(token).then((ok) =>
      ok ? onDone() : replace(notice, 'That token was not accepted.'),
    );
  });
  return form;
}
