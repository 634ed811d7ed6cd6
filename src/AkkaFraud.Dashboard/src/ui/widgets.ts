import { h, link } from "../dom";
import { href, navigate } from "../routes";
import { me } from "../session";
import type { Role } from "../types";

const KNOWN_DECISIONS = new Set(["approve", "review", "block"]);

/** Decision badge; the class comes from a fixed list, the text is the value as sent. */
export function decisionBadge(decision: string | null | undefined): HTMLElement {
  const d = String(decision ?? "—");
  const kind = KNOWN_DECISIONS.has(d) ? d : "other";
  return h("span", { class: `badge badge-${kind}`, "data-testid": "decision-badge", "data-decision": d }, d);
}

const KNOWN_STATUSES = new Set(["up", "joining", "leaving", "exiting", "down", "removed", "weaklyup"]);

export function statusBadge(status: string | null | undefined): HTMLElement {
  const s = String(status ?? "—");
  const kind = KNOWN_STATUSES.has(s) ? s : "other";
  return h("span", { class: `badge status-${kind}` }, s);
}

export function accountLink(accountId: string, attrs?: Record<string, string>): HTMLAnchorElement {
  return link(href.account(accountId), accountId, { class: "mono", title: accountId, ...attrs });
}

export function transactionLink(transactionId: string, text?: string, attrs?: Record<string, string>): HTMLAnchorElement {
  return link(href.transaction(transactionId), text ?? transactionId, { title: transactionId, ...attrs });
}

/** Makes a table row open `target` when clicked anywhere outside its own links/buttons. */
export function clickableRow(row: HTMLElement, target: string): void {
  row.classList.add("clickable");
  row.addEventListener("click", (e) => {
    const el = e.target as Element | null;
    if (el?.closest("a, button, input, select, textarea")) return;
    if (window.getSelection()?.toString()) return; // let people select text
    navigate(target);
  });
}

export function tableWrap(table: HTMLTableElement, attrs?: Record<string, string>): HTMLElement {
  return h("div", { class: "table-wrap", ...attrs }, table);
}

export function headRow(...labels: (string | [string, string])[]): HTMLTableSectionElement {
  return h(
    "thead",
    null,
    h(
      "tr",
      null,
      labels.map((l) => (Array.isArray(l) ? h("th", { class: l[1] }, l[0]) : h("th", null, l))),
    ),
  );
}

export function errorBox(message: string, attrs?: Record<string, string>): HTMLElement {
  return h("div", { class: "error-box", role: "alert", ...attrs }, message);
}

/** The one line shown where a control is left out for the current role: what it would do and which role that needs. */
export function roleHint(what: string, needs: Role): HTMLElement {
  const m = me();
  const who = m?.authenticated ? `Signed in as ${m.role ?? "no role"}` : m?.role ? `Not signed in (anonymous ${m.role})` : "Not signed in";
  return h(
    "p",
    { class: "role-hint", "data-testid": "role-hint", "data-needs": needs },
    `${who}: ${what} needs the ${needs} role.`,
    m?.authenticated ? null : [" ", link(href.signIn(location.hash), "Sign in")],
  );
}
