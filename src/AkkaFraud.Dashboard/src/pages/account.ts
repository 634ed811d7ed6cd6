import { api, ApiError } from "../api";
import { card, empty, h, link, mount, type Child } from "../dom";
import * as fmt from "../format";
import { href, navigate } from "../routes";
import type { Transaction } from "../types";
import { clickableRow, decisionBadge, errorBox, transactionLink } from "../ui/widgets";

const LIMITS = [50, 100, 200];

/** Renders any JSON value as text: objects as nested key/value lists, arrays of scalars inline. */
function value(v: unknown, depth = 0): Child {
  if (v === null || v === undefined) return h("span", { class: "muted" }, "—");
  if (typeof v === "number") return fmt.plain(v);
  if (typeof v === "boolean") return v ? "yes" : "no";
  if (typeof v === "string") {
    // ISO timestamps read better as local time; keep the original in the tooltip.
    if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(v)) return h("span", { title: v }, fmt.dateTime(v));
    return v;
  }
  if (depth >= 4) return h("code", null, JSON.stringify(v));
  if (Array.isArray(v)) {
    if (v.length === 0) return h("span", { class: "muted" }, "none");
    if (v.every((x) => x === null || typeof x !== "object")) return v.map((x) => String(x)).join(", ");
    return h("ol", { class: "kv-list" }, v.slice(0, 100).map((x) => h("li", null, value(x, depth + 1))));
  }
  return keyValues(v as Record<string, unknown>, depth + 1);
}

function keyValues(obj: Record<string, unknown>, depth = 0): HTMLElement {
  const entries = Object.entries(obj);
  if (entries.length === 0) return h("span", { class: "muted" }, "empty");
  return h("dl", { class: "kv" }, entries.flatMap(([k, v]) => [h("dt", null, k), h("dd", { "data-field": k }, value(v, depth))]));
}

export async function renderAccount(container: HTMLElement, id: string, params: URLSearchParams, signal: AbortSignal): Promise<void> {
  const requested = Number(params.get("limit"));
  const limit = LIMITS.includes(requested) ? requested : 50;
  const head = (): HTMLElement =>
    h(
      "div",
      { class: "page-head" },
      h("h1", null, "Account"),
      h("span", { class: "mono muted ellipsis" }, id),
      h("span", { class: "spacer" }),
      link(href.alerts({ account: id }), "alerts for this account →"),
    );
  mount(container, h("div", { class: "page" }, head(), h("div", { class: "muted" }, "Loading…")));

  let view;
  try {
    view = await api.account(id, limit, signal);
  } catch (e) {
    if (signal.aborted) return;
    const msg = e instanceof ApiError && e.status === 404 ? `Account not found: ${e.message}` : `Could not load the account: ${e instanceof Error ? e.message : String(e)}`;
    mount(container, h("div", { class: "page" }, head(), errorBox(msg, { "data-testid": "account-error" })));
    return;
  }
  if (signal.aborted) return;

  const history = Array.isArray(view.history) ? view.history : [];
  const flagged = history.filter((t) => t.isFlagged).length;

  const limitSelect = h("select", { class: "input", "aria-label": "how many transactions", "data-testid": "account-limit" }, LIMITS.map((n) => h("option", { value: String(n) }, `last ${n}`)));
  limitSelect.value = String(limit);
  limitSelect.addEventListener("change", () => navigate(`${href.account(id)}?limit=${limitSelect.value}`));

  const summary = card(
    "Summary",
    { "data-testid": "account-summary" },
    view.summary && typeof view.summary === "object"
      ? keyValues(view.summary)
      : empty("No live state for this account (it may be passivated or unknown to the cluster)."),
  );

  const timeline = card(
    "Recent transactions",
    null,
    h("div", { class: "card-meta" }, h("span", { class: "muted" }, `${history.length} shown · ${flagged} flagged`), limitSelect),
    history.length === 0
      ? h("div", { class: "empty", "data-testid": "account-history" }, "No transactions stored for this account.")
      : h("ol", { class: "timeline", "data-testid": "account-history" }, history.map(item)),
  );

  mount(
    container,
    h(
      "div",
      { class: "page account-page", "data-testid": "account-detail", "data-account-id": view.accountId ?? id },
      head(),
      h("div", { class: "account-grid" }, timeline, summary),
    ),
  );
}

function item(t: Transaction): HTMLLIElement {
  const reasons = Array.isArray(t.reasons) ? t.reasons : [];
  const li = h(
    "li",
    {
      class: t.isFlagged ? "flagged" : "",
      "data-testid": "account-history-row",
      "data-transaction-id": t.transactionId,
      "data-flagged": String(!!t.isFlagged),
    },
    h("span", { class: "tl-dot" }),
    h(
      "div",
      { class: "tl-main" },
      h(
        "div",
        { class: "tl-line" },
        transactionLink(t.transactionId, fmt.dateTime(t.eventTime), { class: "nowrap" }),
        h("strong", { class: "nowrap" }, fmt.amount(t.amount, t.currency)),
        decisionBadge(t.decision),
        h("span", { class: "muted small" }, `score ${fmt.score(t.score)}`),
        t.isDuplicate ? h("span", { class: "tag tag-warn" }, "duplicate") : null,
      ),
      h(
        "div",
        { class: "tl-sub muted small" },
        [t.type, t.channel, t.merchantName, t.country].filter((x): x is string => !!x).join(" · "),
      ),
      reasons.length > 0 ? h("div", { class: "tl-reasons small" }, reasons.map((r) => h("div", null, r.message))) : null,
    ),
  );
  clickableRow(li, href.transaction(t.transactionId));
  return li;
}
