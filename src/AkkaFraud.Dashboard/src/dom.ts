// Every piece of text that comes from the server goes into the page through
// text nodes (textContent / Node.append(string)). Nothing here, or anywhere in the
// dashboard, assigns innerHTML: a merchant called "<img src=x onerror=...>" shows
// literally.

export type Child = Node | string | number | null | undefined | false;
export type Attrs = Record<string, string | number | boolean | null | undefined>;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs?: Attrs | null,
  ...children: (Child | Child[])[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (attrs) setAttrs(el, attrs);
  append(el, ...children);
  return el;
}

export function setAttrs(el: Element, attrs: Attrs): void {
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "class") el.className = String(value);
    else el.setAttribute(name, value === true ? "" : String(value));
  }
}

export function append(el: Element, ...children: (Child | Child[])[]): void {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
}

/** Replaces all children of `el`. */
export function mount(el: Element, ...children: (Child | Child[])[]): void {
  el.replaceChildren();
  append(el, ...children);
}

/** Sets text only when it changed (keeps live tiles cheap to update). */
export function setText(el: Element, text: string): void {
  if (el.textContent !== text) el.textContent = text;
}

export function link(href: string, text: string, attrs?: Attrs): HTMLAnchorElement {
  return h("a", { ...attrs, href }, text);
}

export function card(title: string, attrs: Attrs | null, ...body: (Child | Child[])[]): HTMLElement {
  return h("section", { ...attrs, class: `card ${attrs?.class ?? ""}`.trim() }, h("h2", { class: "card-title" }, title), ...body);
}

export function empty(text: string): HTMLElement {
  return h("div", { class: "empty" }, text);
}
