/** Small DOM builders: every value goes in as an attribute or a text node, never as HTML. */

export type Child = Node | string | number | null | undefined | false;
export type Attrs = Record<string, string | number | boolean | null | undefined>;

function setAttrs(el: Element, attrs: Attrs): void {
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    el.setAttribute(name, value === true ? '' : String(value));
  }
}

function append(el: Element, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    el.append(typeof child === 'number' ? String(child) : child);
  }
}

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

export function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

/**
 * Re-renders a live region of the page without losing the keyboard user's place: the focused
 * element's `data-focus-key` is looked up again after the render. If it is gone (a button that
 * no longer applies), focus goes to `fallback`, never to the document body.
 */
export function preserveFocus(container: Element, fallback: HTMLElement, render: () => void): void {
  const active = document.activeElement;
  const key = active && container.contains(active) ? active.getAttribute('data-focus-key') : null;
  render();
  if (key === null || (document.activeElement && container.contains(document.activeElement))) {
    return;
  }
  const again = [...container.querySelectorAll<HTMLElement>('[data-focus-key]')].find(
    (el) => el.getAttribute('data-focus-key') === key,
  );
  (again ?? fallback).focus();
}
