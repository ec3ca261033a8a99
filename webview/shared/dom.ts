// DOM building for the webviews: text goes in through textContent only, never parsed as HTML.
import { visibleText } from '../../src/core/textSafety.ts';

/** Attributes a person reads (or a screen reader speaks): hidden characters are shown there too. */
const READ_ATTRIBUTES = new Set(['aria-label', 'aria-description', 'title', 'placeholder', 'alt']);

type Child = Node | string | null | undefined | false;

export interface ElementOptions {
  className?: string;
  /** Set with textContent after invisible characters are made visible (core/textSafety's table). */
  text?: string;
  attrs?: Record<string, string>;
  /** Event listeners. */
  on?: Partial<Record<string, (event: Event) => void>>;
}

/** Create an element with text and attributes; strings among the children become text nodes. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  options?: ElementOptions,
  ...children: Child[]
): HTMLElementTagNameMap[K];
export function el(tag: string, options?: ElementOptions, ...children: Child[]): HTMLElement;
export function el(tag: string, options: ElementOptions = {}, ...children: Child[]): HTMLElement {
  const node = document.createElement(tag);
  if (options.className !== undefined) node.className = options.className;
  for (const [name, value] of Object.entries(options.attrs ?? {}))
    node.setAttribute(name, READ_ATTRIBUTES.has(name) ? visibleText(value) : value);
  if (options.text !== undefined) node.textContent = visibleText(options.text);
  for (const [name, listener] of Object.entries(options.on ?? {})) {
    if (listener) node.addEventListener(name, listener);
  }
  append(node, ...children);
  return node;
}

/** Append children; strings are inserted as (visibly escaped) text nodes. */
export function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'string' ? document.createTextNode(visibleText(child)) : child);
  }
}

/** Replace a node's text, with hidden characters made visible (for text that changes after creation). */
export function setText(node: Node, text: string): void {
  node.textContent = visibleText(text);
}

/** Remove every child of a node. */
export function clear(node: Node): void {
  while (node.firstChild) node.removeChild(node.firstChild);
}

/** The app root. */
export function root(): HTMLElement {
  const app = document.getElementById('app');
  if (!app) throw new Error('missing #app');
  return app;
}

/** A vscode-button with a label, an accessible name and a click handler. */
export function button(
  label: string,
  onClick: () => void,
  options: { secondary?: boolean; aria?: string } = {},
): HTMLElement {
  const attrs: Record<string, string> = { 'aria-label': options.aria ?? label };
  if (options.secondary) attrs.secondary = '';
  return el('vscode-button', { text: label, attrs, on: { click: onClick } });
}
