import { api, ApiError } from "../api";
import { card, h, link, mount, type Child } from "../dom";
import * as fmt from "../format";
import { href } from "../routes";
import type { Transaction } from "../types";
import { accountLink, decisionBadge, errorBox, headRow, tableWrap } from "../ui/widgets";

/** A definition list whose values carry `data-field` so tests and people can find them. */
export function fields(rows: [string, string, Child | Child[]][]): HTMLElement {
  return h(
    "dl",
    { class: "kv" },
    rows.flatMap(([field, label, value]) => [
      h("dt", null, label),
      h("dd", { "data-field": field }, ...(Array.isArray(value) ? value : [value])),
    ]),
  );
}

const opt = (v: string | null | undefined): string => (v === null || v === undefined || v === "" ? "—" : v);

export async function renderTransaction(container: HTMLElement, id: string, signal: AbortSignal): Promise<void> {
  mount(container, h("div", { class: "page" }, h("div", { class: "page-head" }, h("h1", null, "Transaction"), h("span", { class: "muted mono" }, id)), h("div", { class: "muted" }, "Loading…")));
  let t: Transaction;
  try {
    t = await api.transaction(id, signal);
  } catch (e) {
    if (signal.aborted) return;
    const msg = e instanceof ApiError && e.status === 404 ? `Transaction not found: ${e.message}` : `Could not load the transaction: ${e instanceof Error ? e.message : String(e)}`;
    mount(container, h("div", { class: "page" }, h("div", { class: "page-head" }, h("h1", null, "Transaction"), h("span", { class: "muted mono" }, id)), errorBox(msg, { "data-testid": "transaction-error" })));
    return;
  }
  if (signal.aborted) return;

  const reasons = Array.isArray(t.reasons) ? t.reasons : [];
  const latency = Date.parse(t.processedAt) - Date.parse(t.ingestedAt);
  const coords = t.latitude !== null && t.latitude !== undefined && t.longitude !== null && t.longitude !== undefined ? `${t.latitude}, ${t.longitude}` : "—";

  const verdict = card(
    "Verdict",
    { class: `verdict verdict-${["approve", "review", "block"].includes(String(t.decision)) ? t.decision : "other"}` },
    h(
      "div",
      { class: "verdict-head" },
      decisionBadge(t.decision),
      h("span", { class: "verdict-score" }, h("span", { class: "muted" }, "score "), h("strong", { "data-field": "score" }, fmt.score(t.score))),
      t.isFlagged ? h("span", { class: "tag tag-bad" }, "flagged") : h("span", { class: "tag" }, "not flagged"),
      t.isDuplicate ? h("span", { class: "tag tag-warn" }, "duplicate") : null,
    ),
    fields([
      ["decision", "Decision", String(t.decision)],
      ["isFlagged", "Flagged", t.isFlagged ? "yes" : "no"],
      ["isDuplicate", "Duplicate", t.isDuplicate ? "yes" : "no"],
      ["ruleSetVersion", "Rule set version", fmt.plain(t.ruleSetVersion)],
    ]),
  );

  const reasonsCard = card(
    "Reasons",
    null,
    reasons.length === 0
      ? h("div", { class: "empty", "data-testid": "transaction-reasons" }, "No rule fired.")
      : tableWrap(
          h(
            "table",
            { class: "table" },
            headRow("Rule", "Kind", ["Observed", "num"], ["Limit", "num"], ["Weight", "num"], "Message"),
            h(
              "tbody",
              null,
              reasons.map((r) =>
                h(
                  "tr",
                  { "data-rule-id": r.ruleId },
                  h("td", { class: "mono" }, link(href.alerts({ rule: r.ruleId }), r.ruleId, { title: `alerts for ${r.ruleId}` })),
                  h("td", null, r.kind),
                  h("td", { class: "num" }, fmt.plain(r.observed)),
                  h("td", { class: "num" }, fmt.plain(r.limit)),
                  h("td", { class: "num" }, fmt.plain(r.weight)),
                  h("td", { class: "wrap" }, r.message),
                ),
              ),
            ),
          ),
          { "data-testid": "transaction-reasons" },
        ),
  );

  const details = card(
    "Transaction",
    null,
    fields([
      ["transactionId", "Transaction id", h("span", { class: "mono" }, t.transactionId)],
      ["accountId", "Account", accountLink(t.accountId, { "data-testid": "transaction-account" })],
      ["eventTime", "Event time", h("span", { title: t.eventTime }, fmt.dateTime(t.eventTime))],
      ["amount", "Amount", fmt.amount(t.amount, t.currency)],
      ["currency", "Currency", opt(t.currency)],
      ["type", "Type", opt(t.type)],
      ["channel", "Channel", opt(t.channel)],
      ["merchantName", "Merchant", opt(t.merchantName)],
      ["merchantId", "Merchant id", opt(t.merchantId)],
      ["merchantCategory", "Merchant category", opt(t.merchantCategory)],
      ["counterpartyId", "Counterparty", opt(t.counterpartyId)],
      ["country", "Country", opt(t.country)],
      ["location", "Location", coords],
      ["deviceId", "Device", opt(t.deviceId)],
    ]),
  );

  const pipeline = card(
    "Pipeline",
    null,
    fields([
      ["partition", "Partition", fmt.plain(t.partition)],
      ["offset", "Offset", fmt.plain(t.offset)],
      ["ingestedAt", "Ingested", h("span", { title: t.ingestedAt }, fmt.dateTime(t.ingestedAt))],
      ["processedAt", "Committed", h("span", { title: t.processedAt }, fmt.dateTime(t.processedAt))],
      ["latency", "Ingest → commit", Number.isFinite(latency) ? `${fmt.ms(latency)} ms` : "—"],
    ]),
  );

  mount(
    container,
    h(
      "div",
      { class: "page transaction-page", "data-testid": "transaction-detail", "data-transaction-id": t.transactionId },
      h(
        "div",
        { class: "page-head" },
        h("h1", null, "Transaction"),
        h("span", { class: "mono muted ellipsis" }, t.transactionId),
        h("span", { class: "spacer" }),
        link(href.account(t.accountId), "account history →"),
      ),
      h("div", { class: "grid-2" }, verdict, pipeline),
      reasonsCard,
      details,
    ),
  );
}
