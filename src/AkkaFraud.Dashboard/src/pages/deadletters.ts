import { api, ApiError, type DeadLetterFilter } from "../api";
import { card, empty, h, mount } from "../dom";
import * as fmt from "../format";
import { href, navigate } from "../routes";
import type { DeadLetter, DeadLetterSummary } from "../types";
import { can } from "../session";
import { errorBox, headRow, roleHint, tableWrap } from "../ui/widgets";

const PAGE = 50;

/**
 * Dead letters: the records the parser rejected, newest first, filtered by reason code and partition, page after page;
 * one of them with its whole payload (text, or hex when it is not UTF-8, always as text nodes), what today's parser
 * says of it, and, for an operator, Replay when it parses now.
 */
export function renderDeadLetters(outlet: HTMLElement, params: URLSearchParams, selected: { partition: number; offset: number } | null, signal: AbortSignal): void {
  const filter: DeadLetterFilter = { reason: params.get("reason"), partition: params.get("partition") };
  const reason = h("input", { class: "input", placeholder: "e.g. malformed_json", value: filter.reason ?? "", "data-testid": "dlq-reason" });
  const partition = h("input", { class: "input", type: "number", min: 0, placeholder: "any", value: filter.partition ?? "", "data-testid": "dlq-partition" });
  const apply = h("button", { class: "btn btn-accent", type: "button", "data-testid": "dlq-apply" }, "Apply");
  const body = h("tbody", { "data-testid": "dlq-rows" });
  const more = h("button", { class: "btn", type: "button", hidden: true, "data-testid": "dlq-more" }, "More");
  const problem = h("div");
  const detail = h("div", { "data-testid": "dlq-detail" });
  let next: string | null = null;

  const query = (): Record<string, string> => {
    const q: Record<string, string> = {};
    if (reason.value.trim()) q["reason"] = reason.value.trim();
    if (partition.value.trim()) q["partition"] = partition.value.trim();
    return q;
  };
  apply.addEventListener("click", () => {
    const to = href.deadLetters(query());
    if (location.hash !== to) {
      navigate(to);
      return;
    }
    // The same filter again: read the newest letters anew.
    body.replaceChildren();
    next = null;
    void load();
  });
  more.addEventListener("click", () => void load());

  mount(
    outlet,
    h(
      "div",
      { class: "page", "data-testid": "dlq-page" },
      h("div", { class: "page-head" }, h("h1", null, "Dead letters")),
      can("operator") ? null : roleHint("replaying a dead letter", "operator"),
      h(
        "div",
        { class: "filters" },
        h("label", { class: "field" }, "Reason code", reason),
        h("label", { class: "field" }, "Partition", partition),
        h("div", { class: "field actions" }, apply),
      ),
      problem,
      h(
        "div",
        { class: "account-grid" },
        card("Records the parser rejected", null, tableWrap(h("table", { class: "table" }, headRow("Received", "Partition", "Offset", "Reason", "Bytes", "Preview"), body)), more),
        detail,
      ),
    ),
  );

  function row(l: DeadLetterSummary): HTMLTableRowElement {
    const tr = h(
      "tr",
      { class: "clickable", "data-testid": "dlq-row", "data-partition": l.partition, "data-offset": l.offset },
      h("td", { class: "mono" }, fmt.dateTime(l.receivedAt)),
      h("td", null, String(l.partition)),
      h("td", null, String(l.offset)),
      h("td", { class: "mono" }, l.reasonCode),
      h("td", null, String(l.bytes)),
      h("td", { class: "mono preview", title: l.detail }, l.preview),
    );
    tr.addEventListener("click", () => navigate(href.deadLetter(l.partition, l.offset, query())));
    return tr;
  }

  async function load(): Promise<void> {
    try {
      const page = await api.deadLetters(filter, PAGE, next, signal);
      body.append(...page.items.map(row));
      if (body.children.length === 0) body.append(h("tr", null, h("td", { colspan: 6 }, empty("No dead letters match."))));
      next = page.next ?? null;
      more.hidden = next === null;
      mount(problem);
    } catch (e) {
      if (!signal.aborted) mount(problem, errorBox(explain(e)));
    }
  }

  async function show(at: { partition: number; offset: number }): Promise<void> {
    try {
      const d = await api.deadLetter(at.partition, at.offset, signal);
      mount(detail, letterCard(d));
    } catch (e) {
      if (!signal.aborted) mount(detail, errorBox(explain(e)));
    }
  }

  void load();
  if (selected) void show(selected);
}

function letterCard(d: DeadLetter): HTMLElement {
  const l = d.letter;
  const result = h("div", { "data-testid": "dlq-replay-result" });
  const replay = h("button", { class: "btn btn-accent", type: "button", disabled: !d.parsesNow, "data-testid": "dlq-replay" }, "Replay");
  replay.addEventListener("click", async () => {
    replay.disabled = true;
    try {
      const r = await api.replay([{ partition: l.partition, offset: l.offset }]);
      const done = r.replayed[0];
      mount(
        result,
        done
          ? h("div", { class: "ok-box" }, `Replayed as transaction ${done.transactionId}: partition ${done.toPartition}, offset ${done.toOffset}.`)
          : errorBox(`Not replayed: ${r.skipped[0]?.reason ?? "unknown"}`),
      );
    } catch (e) {
      replay.disabled = false;
      mount(result, errorBox(explain(e)));
    }
  });
  return card(
    `Partition ${l.partition}, offset ${l.offset}`,
    { "data-testid": "dlq-letter" },
    h(
      "dl",
      { class: "kv" },
      h("dt", null, "Topic"), h("dd", { class: "mono" }, `${l.topic} (Kafka cluster ${l.kafkaCluster})`),
      h("dt", null, "Received"), h("dd", null, fmt.dateTime(l.receivedAt)),
      h("dt", null, "Reason"), h("dd", { "data-testid": "dlq-reason-detail" }, `${l.reasonCode}: ${l.detail}`),
      h("dt", null, "Today"), h("dd", { "data-testid": "dlq-parses-now" }, d.parsesNow ? "parses: it can be replayed" : `still rejected: ${d.rejectedNowBecause ?? ""}`),
      h("dt", null, "Payload"), h("dd", null, `${l.bytes} bytes, ${d.payloadEncoding}`),
    ),
    h("pre", { class: "payload mono", "data-testid": "dlq-payload" }, d.payload),
    can("operator") ? h("div", { class: "node-actions" }, replay) : null,
    result,
  );
}

function explain(e: unknown): string {
  if (e instanceof ApiError && e.status === 401) return `${e.message} Sign in: this node lets no one read without a key.`;
  return e instanceof Error ? e.message : String(e);
}
