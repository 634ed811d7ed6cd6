import { api } from "../api";
import { h, mount, setText } from "../dom";
import * as fmt from "../format";
import { can } from "../session";
import type { AuditRecord } from "../types";
import { errorBox, headRow, roleHint, tableWrap } from "../ui/widgets";

const PAGE_SIZE = 50;
const KNOWN_OUTCOMES = new Set(["ok", "refused", "failed"]);

/** The audit log (admin): every mutation the API was asked for, granted or refused, newest first, page after page. */
export function renderAudit(outlet: HTMLElement, signal: AbortSignal): void {
  const head = h("div", { class: "page-head" }, h("h1", null, "Audit log"), h("span", { class: "muted" }, "every API mutation, granted or refused, newest first"));
  if (!can("admin")) {
    mount(outlet, h("div", { class: "page", "data-testid": "audit-page" }, head, roleHint("reading the audit log", "admin")));
    return;
  }

  const body = h("tbody", { "data-testid": "audit-rows" });
  const status = h("div", { class: "muted", "data-testid": "audit-status" }, "Loading…");
  const problem = h("div");
  const older = h("button", { type: "button", class: "btn", hidden: true, "data-testid": "audit-older" }, "Older");
  let next: number | null = null;
  let rows = 0;
  let loading = false;

  async function load(): Promise<void> {
    if (loading) return;
    loading = true;
    older.disabled = true;
    mount(problem);
    try {
      const page = await api.audit(next, PAGE_SIZE, signal);
      if (signal.aborted) return;
      body.append(...page.records.map(row));
      rows += page.records.length;
      next = page.next;
      setText(status, rows === 0 ? "No mutations recorded yet." : `${fmt.integer(rows)} record${rows === 1 ? "" : "s"}${next !== null ? " shown, older ones available" : ""}`);
    } catch (e) {
      if (signal.aborted) return;
      mount(problem, errorBox(`Could not load the audit log: ${e instanceof Error ? e.message : String(e)}`, { "data-testid": "audit-error" }));
      if (rows === 0) setText(status, "");
    } finally {
      loading = false;
      older.disabled = false;
      older.hidden = next === null;
    }
  }
  older.addEventListener("click", () => void load());

  mount(
    outlet,
    h(
      "div",
      { class: "page", "data-testid": "audit-page" },
      head,
      h(
        "section",
        { class: "card" },
        status,
        problem,
        tableWrap(h("table", { class: "table", "data-testid": "audit-table" }, headRow("Time", "Who", "Action", "Request", "From", "Answer"), body)),
        h("div", { class: "load-more" }, older),
      ),
    ),
  );
  void load();
}

function row(r: AuditRecord): HTMLTableRowElement {
  const outcome = KNOWN_OUTCOMES.has(r.outcome) ? r.outcome : "other";
  const who = r.actorId ? `${r.via}, ${r.actorId}` : r.via;
  return h(
    "tr",
    { "data-testid": "audit-row", "data-id": r.id, "data-action": r.action, "data-outcome": r.outcome },
    h("td", { class: "mono nowrap", title: r.at }, fmt.dateTime(r.at)),
    h("td", { class: "nowrap", title: who, "data-testid": "audit-actor" }, r.actor ?? "anonymous", r.role ? h("span", { class: "muted" }, ` · ${r.role}`) : null),
    h("td", { class: "mono", "data-testid": "audit-action" }, r.action),
    h("td", { class: "mono wrap", "data-testid": "audit-request" }, `${r.method} ${r.path}`),
    h("td", { class: "mono" }, r.remoteAddress ?? "—"),
    h("td", { class: "nowrap" }, `${r.status} `, h("span", { class: `badge outcome-${outcome}`, "data-testid": "audit-outcome" }, r.outcome)),
  );
}
