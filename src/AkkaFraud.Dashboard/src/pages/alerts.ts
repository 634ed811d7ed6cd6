import { api, type AlertFilter } from "../api";
import { h, mount, setText } from "../dom";
import * as fmt from "../format";
import { href, navigate } from "../routes";
import type { Transaction } from "../types";
import { accountLink, clickableRow, decisionBadge, errorBox, headRow, tableWrap, transactionLink } from "../ui/widgets";

const PAGE_SIZE = 50;
/** The history table never holds more than this many rows in memory. */
const MAX_ROWS = 5000;

export interface AlertsContext {
  signal: AbortSignal;
  /** Rule ids seen recently (from the metrics), offered as suggestions. */
  knownRules: () => string[];
}

function filterFrom(params: URLSearchParams): AlertFilter {
  return {
    from: params.get("from"),
    to: params.get("to"),
    decision: params.get("decision"),
    rule: params.get("rule"),
    account: params.get("account"),
  };
}

/** Alert history: GET /api/alerts with filters, newest first, paged with the `next` cursor. */
export function renderAlerts(container: HTMLElement, params: URLSearchParams, ctx: AlertsContext): void {
  const filter = filterFrom(params);

  const from = h("input", { type: "datetime-local", class: "input", "data-testid": "filter-from", value: fmt.toLocalInput(filter.from) });
  const to = h("input", { type: "datetime-local", class: "input", "data-testid": "filter-to", value: fmt.toLocalInput(filter.to) });
  const decision = h(
    "select",
    { class: "input", "data-testid": "filter-decision" },
    h("option", { value: "" }, "any"),
    h("option", { value: "review" }, "review"),
    h("option", { value: "block" }, "block"),
  );
  decision.value = filter.decision ?? "";
  const rules = h("datalist", { id: "known-rules" }, ctx.knownRules().map((r) => h("option", { value: r })));
  const rule = h("input", { type: "text", class: "input", "data-testid": "filter-rule", list: "known-rules", placeholder: "rule id", value: filter.rule ?? "", autocomplete: "off" });
  const account = h("input", { type: "text", class: "input", "data-testid": "filter-account", placeholder: "account id", value: filter.account ?? "", autocomplete: "off" });

  const quick = (label: string, minutes: number): HTMLButtonElement => {
    const b = h("button", { type: "button", class: "btn btn-ghost" }, label);
    b.addEventListener("click", () => {
      from.value = fmt.toLocalInput(new Date(Date.now() - minutes * 60_000).toISOString());
      to.value = "";
      apply();
    });
    return b;
  };
  const clear = h("button", { type: "button", class: "btn btn-ghost", "data-testid": "filter-clear" }, "Clear");
  clear.addEventListener("click", () => navigate(href.alerts()));

  const form = h(
    "form",
    { class: "filters", "data-testid": "alerts-filters" },
    h("label", { class: "field" }, h("span", null, "From"), from),
    h("label", { class: "field" }, h("span", null, "To"), to),
    h("label", { class: "field" }, h("span", null, "Decision"), decision),
    h("label", { class: "field" }, h("span", null, "Rule"), rule, rules),
    h("label", { class: "field" }, h("span", null, "Account"), account),
    h(
      "div",
      { class: "field actions" },
      h("button", { type: "submit", class: "btn btn-accent", "data-testid": "filter-apply" }, "Apply"),
      clear,
    ),
    h("div", { class: "quick" }, h("span", { class: "muted small" }, "Last:"), quick("15 min", 15), quick("1 h", 60), quick("24 h", 1440)),
  );

  function apply(): void {
    const target = href.alerts({
      from: fmt.fromLocalInput(from.value),
      to: fmt.fromLocalInput(to.value),
      decision: decision.value,
      rule: rule.value.trim(),
      account: account.value.trim(),
    });
    if (location.hash === target) void load(true);
    else navigate(target);
  }
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    apply();
  });

  const body = h("tbody");
  const table = h(
    "table",
    { class: "table", "data-testid": "alerts-table" },
    headRow("Event time", "Transaction", "Account", ["Amount", "num"], "Merchant", "Country", "Channel", "Decision", ["Score", "num"], "Rules"),
    body,
  );
  const status = h("div", { class: "muted", "data-testid": "alerts-status" }, "Loading…");
  const errorSlot = h("div");
  const more = h("button", { type: "button", class: "btn", "data-testid": "alerts-load-more" }, "Load more");
  more.hidden = true;

  let next: string | null = null;
  let rows = 0;
  let loading = false;

  async function load(reset: boolean): Promise<void> {
    if (loading) return;
    loading = true;
    more.disabled = true;
    if (reset) {
      next = null;
      rows = 0;
      mount(body);
      setText(status, "Loading…");
    } else {
      setText(more, "Loading…");
    }
    mount(errorSlot);
    try {
      const page = await api.alerts(filter, PAGE_SIZE, reset ? null : next, ctx.signal);
      if (ctx.signal.aborted) return;
      const items = Array.isArray(page.items) ? page.items : [];
      for (const t of items) body.append(row(t));
      rows += items.length;
      next = page.next ?? null;
      if (rows > MAX_ROWS) next = null;
      setText(status, rows === 0 ? "No alerts match these filters." : `${fmt.integer(rows)} alert${rows === 1 ? "" : "s"}${next ? " shown, more available" : ""}`);
    } catch (e) {
      if (ctx.signal.aborted) return;
      mount(errorSlot, errorBox(`Could not load alerts: ${e instanceof Error ? e.message : String(e)}`, { "data-testid": "alerts-error" }));
      if (reset) setText(status, "");
    } finally {
      loading = false;
      more.disabled = false;
      setText(more, "Load more");
      more.hidden = next === null;
    }
  }
  more.addEventListener("click", () => void load(false));

  mount(
    container,
    h(
      "div",
      { class: "page alerts-page", "data-testid": "alerts-page" },
      h("div", { class: "page-head" }, h("h1", null, "Alerts"), h("span", { class: "muted" }, "flagged transactions, newest first")),
      h("section", { class: "card" }, form),
      h("section", { class: "card" }, status, errorSlot, tableWrap(table), h("div", { class: "load-more" }, more)),
    ),
  );
  void load(true);
}

function row(t: Transaction): HTMLTableRowElement {
  const reasons = Array.isArray(t.reasons) ? t.reasons : [];
  const tr = h(
    "tr",
    { "data-testid": "alerts-row", "data-transaction-id": t.transactionId, "data-decision": String(t.decision) },
    h("td", { class: "nowrap", title: t.eventTime }, fmt.shortDateTime(t.eventTime)),
    h("td", { class: "mono ellipsis" }, transactionLink(t.transactionId)),
    h("td", { class: "ellipsis" }, accountLink(t.accountId)),
    h("td", { class: "num nowrap" }, fmt.amount(t.amount, t.currency)),
    h("td", { class: "ellipsis", "data-testid": "alerts-merchant", title: t.merchantName ?? "" }, t.merchantName ?? "—"),
    h("td", null, t.country ?? "—"),
    h("td", null, t.channel ?? "—"),
    h("td", null, decisionBadge(t.decision)),
    h("td", { class: "num" }, fmt.score(t.score)),
    h("td", { class: "small", title: reasons.map((r) => r.message).join("\n") }, reasons.map((r) => r.ruleId).join(", ") || "—"),
  );
  clickableRow(tr, href.transaction(t.transactionId));
  return tr;
}
