/** Tiny DOM builder: text always goes in as text nodes, never as HTML. */
export type Child = Node | string | number | null | undefined | false;

export interface Props {
  class?: string;
  title?: string;
  /** Plain attributes (never `on*`: handlers go through `on`). */
  attrs?: Record<string, string>;
  on?: Partial<Record<keyof HTMLElementEventMap, (e: Event) => void>>;
}

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (props.class) el.className = props.class;
  if (props.title) el.title = props.title;
  for (const [k, v] of Object.entries(props.attrs ?? {})) {
    if (k.toLowerCase().startsWith('on')) throw new Error(`refusing event attribute ${k}`);
    el.setAttribute(k, v);
  }
  for (const [k, fn] of Object.entries(props.on ?? {})) if (fn) el.addEventListener(k, fn);
  append(el, ...children);
  return el;
}

export function append(el: Node, ...children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.appendChild(
      typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c,
    );
  }
}

/** Replaces every child of `el`. */
export function replace(el: Node, ...children: Child[]): void {
  while (el.firstChild) el.removeChild(el.firstChild);
  append(el, ...children);
}

export function button(label: string, onClick: () => void, props: Props = {}): HTMLButtonElement {
  return h('button', { ...props, on: { click: (e) => (e.stopPropagation(), onClick()) } }, label);
}

/** A function that runs at most once per interval; `cancel` drops a pending call. */
export interface Throttled {
  (): void;
  cancel(): void;
}

/** Runs `fn` at most once per `ms`, trailing call included. */
export function throttle(fn: () => void, ms: number): Throttled {
  let timer: number | undefined;
  let last = 0;
  const run = (() => {
    if (timer !== undefined) return;
    const wait = Math.max(0, last + ms - Date.now());
    timer = window.setTimeout(() => {
      timer = undefined;
      last = Date.now();
      fn();
    }, wait);
  }) as Throttled;
  run.cancel = () => {
    if (timer !== undefined) window.clearTimeout(timer);
    timer = undefined;
  };
  return run;
}

/** Sets an element's text only when it differs (a live page should not touch what did not change). */
export function setText(el: Node, text: string): void {
  if (el.textContent !== text) el.textContent = text;
}

/** Sets an attribute (or the class, for `class`) only when it differs. */
export function setAttr(el: Element, name: string, value: string): void {
  if (name === 'class') {
    if (el.className !== value) el.className = value;
  } else if (el.getAttribute(name) !== value) el.setAttribute(name, value);
}

/** Hides or shows an element, touching it only when that changes. */
export function setHidden(el: HTMLElement, hidden: boolean): void {
  if (el.hidden !== hidden) el.hidden = hidden;
}
