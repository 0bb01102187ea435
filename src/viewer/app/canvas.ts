import { h } from './dom.js';

/**
 * A canvas sized to its CSS box at the device pixel ratio, with a text tooltip (textContent
 * only). `onResize` runs when the box changes width, so the drawing is redone sharp at the new
 * size instead of being stretched.
 */
export function makeCanvas(
  height: number,
  role: string,
  onResize?: () => void,
): {
  canvas: HTMLCanvasElement;
  el: HTMLElement;
  ctx(): CanvasRenderingContext2D | null;
  tip(text: string | null, e?: MouseEvent): void;
  close(): void;
} {
  const canvas = h('canvas', { attrs: { 'data-role': role } });
  canvas.style.height = `${height}px`;
  const tooltip = h('div', { class: 'tooltip' });
  tooltip.hidden = true;
  const el = h('div', {}, canvas, tooltip);
  let width = 0;
  const observer = new ResizeObserver(() => {
    if (canvas.clientWidth === width) return;
    width = canvas.clientWidth;
    onResize?.();
  });
  observer.observe(canvas);
  return {
    canvas,
    el,
    ctx() {
      const dpr = window.devicePixelRatio || 1;
      const w = canvas.clientWidth || 500;
      canvas.width = Math.round(w * dpr);
      canvas.height = Math.round(height * dpr);
      const c = canvas.getContext('2d');
      c?.setTransform(dpr, 0, 0, dpr, 0, 0);
      return c;
    },
    tip(text, e) {
      tooltip.hidden = !text || !e;
      if (!text || !e) return;
      tooltip.textContent = text;
      tooltip.style.left = `${e.clientX + 12}px`;
      tooltip.style.top = `${e.clientY + 12}px`;
    },
    close() {
      observer.disconnect();
    },
  };
}

export const COLORS: Record<string, string> = {
  done: '#3fb970',
  failed: '#f0565b',
  leased: '#4ea1ff',
  queued: '#555d6a',
  cancelled: '#a08a4a',
};
