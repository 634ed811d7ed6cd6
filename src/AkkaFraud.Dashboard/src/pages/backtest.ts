import { api } from "../api";
import { h, mount, setText } from "../dom";
import * as fmt from "../format";
import { can } from "../session";
import type { BacktestResult } from "../types";
import { errorBox, headRow, roleHint, tableWrap, transactionLink } from "../ui/widgets";

const RANGES: [string, number][] = [
  ["last 15 minutes", 15],
  ["last hour", 60],
  ["last 6 hours", 360],
  ["last 24 hours", 1440],
];

/**
 * "What would this rule set have flagged last hour?": POST /api/backtests over the stored transactions of a range,
 * with the rule set in force as the starting text and as the comparison (analysts and up).
 */
export function renderBacktest(outlet: HTMLElement, signal: AbortSignal): void {
  const head = h("div", { class: "page-head" }, h("h1", null, "Backtest"), h("span", { class: "muted" }, "what a rule set would have flagged among the stored transactions, beside the rules in force"));
  if (!can("analyst")) {
    mount(outlet, h("div", { class: "page", "data-testid": "backtest-page" }, head, roleHint("running a backtest", "analyst")));
    return;
  }

  const range = h("select", { class: "input", "data-testid": "backtest-range" }, RANGES.map(([label, minutes]) => h("option", { value: String(minutes) }, label)), h("option", { value: "custom" }, "from – to"));
  range.value = "60";
  const from = h("input", { type: "datetime-local", class: "input", "data-testid": "backtest-from" });
  const to = h("input", { type: "datetime-local", class: "input", "data-testid": "backtest-to" });
  const fromField = h("label", { class: "field", hidden: true }, h("span", null, "From"), from);
  const toField = h("label", { class: "field", hidden: true }, h("span", null, "To"), to);
  const warmUp = h("input", { type: "number", class: "input", min: "0", max: "10080", placeholder: "the rules' horizon", "data-testid": "backtest-warmup" });
  const rules = h("textarea", { class: "input mono rules-editor", rows: 18, spellcheck: "false", "data-testid": "backtest-rules" });
  const rulesProblem = h("div", { class: "error-text small", role: "alert", "data-testid": "backtest-rules-problem" });
  const reset = h("button", { type: "button", class: "btn btn-ghost", "data-testid": "backtest-reset" }, "The rules in force");
  const run = h("button", { type: "submit", class: "btn btn-accent", "data-testid": "backtest-run" }, "Run backtest");
  const status = h("div", { class: "muted", role: "status", "data-testid": "backtest-status" });
  const problem = h("div");
  const result = h("div", { "data-testid": "backtest-result" });
  let inForce = "";

  range.addEventListener("change", () => {
    const custom = range.value === "custom";
    fromField.hidden = !custom;
    toField.hidden = !custom;
    if (custom && !from.value) {
      from.value = fmt.toLocalInput(new Date(Date.now() - 3_600_000).toISOString());
      to.value = fmt.toLocalInput(new Date().toISOString());
    }
  });

  /** The rule set as typed, or null with the reason shown under it: the node validates it as a whole too. */
  function parsedRules(): unknown {
    try {
      const value: unknown = JSON.parse(rules.value);
      if (value === null || typeof value !== "object" || Array.isArray(value)) throw new Error("a rule set is a JSON object with \"version\" and \"rules\"");
      setText(rulesProblem, "");
      return value;
    } catch (e) {
      setText(rulesProblem, `Not a rule set: ${e instanceof Error ? e.message : String(e)}`);
      return null;
    }
  }
  rules.addEventListener("input", () => {
    run.disabled = parsedRules() === null;
  });
  reset.addEventListener("click", () => {
    rules.value = inForce;
    run.disabled = parsedRules() === null;
  });

  function chosenRange(): { from: string; to: string } | null {
    if (range.value !== "custom") {
      const end = new Date();
      return { from: new Date(end.getTime() - Number(range.value) * 60_000).toISOString(), to: end.toISOString() };
    }
    const start = fmt.fromLocalInput(from.value);
    const end = fmt.fromLocalInput(to.value);
    return start && end && start < end ? { from: start, to: end } : null;
  }

  const form = h(
    "form",
    { class: "backtest-form", "data-testid": "backtest-form" },
    h(
      "div",
      { class: "filters" },
      h("label", { class: "field" }, h("span", null, "Range"), range),
      fromField,
      toField,
      h("label", { class: "field" }, h("span", null, "Warm-up, minutes"), warmUp),
      h("div", { class: "field actions" }, run, reset),
    ),
    h("label", { class: "field" }, h("span", null, "Rule set (JSON)"), rules),
    rulesProblem,
  );

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const ruleSet = parsedRules();
    const span = chosenRange();
    mount(problem);
    if (ruleSet === null) return;
    if (span === null) {
      mount(problem, errorBox("Choose a range whose start is before its end.", { "data-testid": "backtest-error" }));
      return;
    }
    run.disabled = true;
    const started = Date.now();
    const tick = (): void => setText(status, `Replaying the stored transactions… ${Math.round((Date.now() - started) / 1000)} s`);
    tick();
    const timer = setInterval(tick, 1000);
    try {
      const answer = await api.backtest({ rules: ruleSet, against: null, from: span.from, to: span.to, warmUpMinutes: warmUp.value === "" ? null : Number(warmUp.value) }, signal);
      if (signal.aborted) return;
      setText(status, `Done in ${answer.seconds.toFixed(1)} s.`);
      mount(result, report(answer));
    } catch (e) {
      if (signal.aborted) return;
      setText(status, "");
      mount(problem, errorBox(`The backtest did not run: ${e instanceof Error ? e.message : String(e)}`, { "data-testid": "backtest-error" }));
    } finally {
      clearInterval(timer);
      run.disabled = parsedRules() === null;
    }
  });

  mount(outlet, h("div", { class: "page", "data-testid": "backtest-page" }, head, h("section", { class: "card" }, form, status, problem), result));

  run.disabled = true;
  setText(status, "Loading the rules in force…");
  api
    .rules(signal)
    .then((ruleSet) => {
      if (signal.aborted) return;
      inForce = JSON.stringify(ruleSet, null, 2);
      rules.value = inForce;
      run.disabled = parsedRules() === null;
      setText(status, "");
    })
    .catch((e: unknown) => {
      if (signal.aborted) return;
      setText(status, "");
      mount(problem, errorBox(`Could not load the rules in force: ${e instanceof Error ? e.message : String(e)}`, { "data-testid": "backtest-error" }));
    });
}

function examples(ids: string[], testId: string): HTMLElement {
  return h("span", { "data-testid": testId }, ids.length === 0 ? "—" : ids.flatMap((id, i) => [i > 0 ? ", " : "", transactionLink(id)]));
}

function report(r: BacktestResult): HTMLElement {
  const flaggedShare = r.transactions === 0 ? "" : ` (${fmt.percent(r.flagged / r.transactions)} %)`;
  return h(
    "div",
    { class: "grid-2" },
    h(
      "section",
      { class: "card" },
      h("h2", { class: "card-title" }, `Rule set v${r.ruleSetVersion} against v${r.againstVersion} in force`),
      h(
        "dl",
        { class: "kv" },
        h("dt", null, "Range"),
        h("dd", null, `${fmt.dateTime(r.from)} – ${fmt.dateTime(r.to)}`),
        h("dt", null, "Transactions"),
        h("dd", { "data-testid": "backtest-transactions" }, `${fmt.integer(r.transactions)} of ${fmt.integer(r.accounts)} accounts`),
        h("dt", null, "Warm-up"),
        h("dd", null, `from ${fmt.dateTime(r.warmUpFrom)}: ${fmt.integer(r.warmUpTransactions)} earlier transactions built the accounts' state`),
        h("dt", null, "Flagged"),
        h("dd", { "data-testid": "backtest-flagged" }, `${fmt.integer(r.flagged)}${flaggedShare}`),
        h("dt", null, "By the rules in force"),
        h("dd", { "data-testid": "backtest-against-flagged" }, fmt.integer(r.againstFlagged)),
        h("dt", null, "Recorded at the time"),
        h("dd", { "data-testid": "backtest-recorded-flagged" }, fmt.integer(r.recordedFlagged)),
        h("dt", null, "Newly flagged"),
        h("dd", null, `${fmt.integer(r.newlyFlagged)}: `, examples(r.newlyFlaggedExamples, "backtest-newly")),
        h("dt", null, "No longer flagged"),
        h("dd", null, `${fmt.integer(r.noLongerFlagged)}: `, examples(r.noLongerFlaggedExamples, "backtest-no-longer")),
      ),
      h("p", { class: "muted small" }, "State older than the warm-up (first-seen values, spending profiles) is not known to a backtest: first-seen and amount-anomaly rules may fire more often than they did live."),
    ),
    h(
      "section",
      { class: "card" },
      h("h2", { class: "card-title" }, "Per rule"),
      tableWrap(
        h(
          "table",
          { class: "table", "data-testid": "backtest-rules-table" },
          headRow("Rule", "Kind", "Weight", "Fired"),
          h(
            "tbody",
            null,
            r.rules.map((rule) =>
              h(
                "tr",
                { "data-testid": "backtest-rule", "data-rule": rule.ruleId },
                h("td", { class: "mono" }, rule.ruleId),
                h("td", null, rule.kind),
                h("td", { class: "num" }, String(rule.weight)),
                h("td", { class: "num", "data-testid": "backtest-rule-fired" }, fmt.integer(rule.fired)),
              ),
            ),
          ),
        ),
      ),
    ),
  );
}
