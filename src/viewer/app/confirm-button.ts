import { button } from './dom.js';

/**
 * A Cancel button that asks first: the first click arms it (its label says so and `ask` tells
 * what will happen), a second click within 5 s runs `onConfirm`; otherwise it disarms itself
 * (`disarm` does it at once, for a job that ended meanwhile).
 */
export function confirmCancelButton(
  ask: () => void,
  onConfirm: () => void,
): HTMLButtonElement & { disarm(): void } {
  let armed: number | undefined;
  const disarm = () => {
    window.clearTimeout(armed);
    armed = undefined;
    cancel.textContent = 'Cancel';
    cancel.classList.remove('armed');
  };
  const cancel = button(
    'Cancel',
    () => {
      if (armed === undefined) {
        cancel.textContent = 'Confirm cancel';
        cancel.classList.add('armed');
        ask();
        armed = window.setTimeout(disarm, 5000);
        return;
      }
      disarm();
      onConfirm();
    },
    { class: 'danger', attrs: { 'data-action': 'cancel' } },
  );
  return Object.assign(cancel, { disarm });
}
