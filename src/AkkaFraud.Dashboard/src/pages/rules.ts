import { api, ApiError } from "../api";
import { h, mount, setText } from "../dom";
import * as fmt from "../format";
import { can } from "../session";
import type { BacktestResult, RuleBookEntry, RuleChange, RuleHistory, RuleSetDiff } from "../types";
import { errorBox, headRow, roleHint, tableWrap, transactionLink } from "../ui/widgets";

/** How many example transactions of a dry run are linked. */
const EXAMPLES = 5;
const DRY_RUN_MINUTES = 60;

/** Fields every rule has, left out of its parameters. */
const RULE_FIELDS = new Set(["type", "id", "enabled", "weight"]);

/**
 * What this page reads of a rule set document (GET /api/rules, or a change's answer). The OpenAPI document types it
 * as any JSON, so it is read field by field; the editor sends the document itself back, as edited.
 */
interface RuleSetView {
  version: number;
  currency: string;
  reviewThreshold: number | null;
  blockThreshold: number | null;
  allowedLatenessSeconds: number | null;
  rates: number;
  rules: RuleView[];
}

interface RuleView {
  id: string;
  type: string;
  enabled: boolean;
  weight: number | null;
  fields: Record<string, unknown>;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);

function readRuleSet(doc: unknown): RuleSetView {
  if (!isObject(doc)) throw new Error("the node sent no rule set");
  const rules = Array.isArray(doc["rules"]) ? doc["rules"] : [];
  return {
    version: num(doc["version"]) ?? 0,
    currency: typeof doc["currency"] === "string" ? doc["currency"] : "—",
    reviewThreshold: num(doc["reviewThreshold"]),
    blockThreshold: num(doc["blockThreshold"]),
    allowedLatenessSeconds: num(doc["allowedLatenessSeconds"]),
    rates: isObject(doc["rates"]) ? Object.keys(doc["rates"]).length : 0,
    rules: rules.filter(isObject).map((r) => ({
      id: String(r["id"] ?? "?"),
      type: String(r["type"] ?? "?"),
      enabled: r["enabled"] !== false,
      weight: num(r["weight"]),
      fields: r,
    })),
  };
}

/** A JSON value in one short line: strings as they are, everything else as JSON, cut at 80 characters. */
function show(v: unknown): string {
  if (v === null || v === undefined) return "—";
  if (typeof v === "string") return v;
  const s = JSON.stringify(v);
  return s.length > 80 ? `${s.slice(0, 79)}…` : s;
}

/** A rule's own parameters, e.g. "limit 9000 · types deposit, refund · conditions new-device, new-payee". */
function parameters(rule: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const [name, value] of Object.entries(rule)) {
    if (RULE_FIELDS.has(name)) continue;
    if (Array.isArray(value) && value.every(isObject)) parts.push(`${name} ${value.map((c) => String(c["id"] ?? c["type"] ?? "?")).join(", ")}`);
    else if (Array.isArray(value) && value.every((x) => typeof x !== "object" || x === null)) parts.push(`${name} ${value.map(String).join(", ")}`);
    else parts.push(`${name} ${show(value)}`);
  }
  return parts.length === 0 ? "—" : parts.join(" · ");
}

/** The top-level fields that differ between two JSON objects: "limit 9000 → 500". */
function fieldChanges(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  const names = [...Object.keys(after), ...Object.keys(before).filter((k) => !(k in after))];
  return names.filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k])).map((k) => `${k} ${show(before[k])} → ${show(after[k])}`);
}

/** One line per difference: "~ reviewThreshold: 50 → 45", "+ rule x", "- rule y", "~ rule z: limit 9000 → 500". */
function diffLines(diff: RuleSetDiff): string[] {
  const lines: string[] = [];
  for (const s of diff.settings) {
    const changes = isObject(s.before) && isObject(s.after) ? fieldChanges(s.before, s.after).join(", ") : `${show(s.before)} → ${show(s.after)}`;
    lines.push(`~ ${s.name}: ${changes}`);
  }
  for (const r of diff.rules) {
    if (r.change === "added") lines.push(`+ rule ${r.ruleId}`);
    else if (r.change === "removed") lines.push(`- rule ${r.ruleId}`);
    else {
      const changes = isObject(r.before) && isObject(r.after) ? fieldChanges(r.before, r.after) : [];
      lines.push(`~ rule ${r.ruleId}${changes.length > 0 ? `: ${changes.join(", ")}` : ""}`);
    }
  }
  return lines;
}

/** "rule-disabled 'card-testing'", "rolled-back to v1", "thresholds-changed". */
function describe(e: RuleBookEntry): string {
  let s = e.change;
  if (e.rolledBackTo !== null) s += ` to v${e.rolledBackTo}`;
  if (e.ruleId) s += ` '${e.ruleId}'`;
  return s;
}

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/**
 * The rule book (#/rules): the rule set in force with its rules, an editor for the whole set with a dry run over the
 * last hour (analysts and up) and activation (admin), and the history of versions with the difference to any of them
 * and a rollback (admin). Every change is made to the version in force; the node refuses it (409) when another is.
 */
export function renderRules(outlet: HTMLElement, signal: AbortSignal): void {
  const admin = can("admin");
  const analyst = can("analyst");
  const head = h("div", { class: "page-head" }, h("h1", null, "Rules"), h("span", { class: "muted" }, "the rule set in force on every node, its versions, and changes to it"));

  const status = h("div", { class: "muted", role: "status", "data-testid": "rules-status" }, "Loading the rule book…");
  const problem = h("div");
  const comment = h("input", { type: "text", class: "input", maxlength: "500", placeholder: "why (recorded with the change)", "data-testid": "rules-comment" });

  // ---- in force
  const version = h("dd", { "data-testid": "rules-version" }, "—");
  const thresholds = h("dd", { "data-testid": "rules-thresholds" }, "—");
  const currency = h("dd", { "data-testid": "rules-currency" }, "—");
  const lateness = h("dd", { "data-testid": "rules-lateness" }, "—");
  const ruleRows = h("tbody", { "data-testid": "rules-rows" });
  const ruleHead = admin ? headRow("Rule", "Type", ["Weight", "num"], "State", "Parameters", "") : headRow("Rule", "Type", ["Weight", "num"], "State", "Parameters");

  // ---- editor
  const editor = h("textarea", { class: "input mono rules-editor", rows: 18, spellcheck: "false", "data-testid": "rules-editor" });
  const editorProblem = h("div", { class: "error-text small", role: "alert", "data-testid": "rules-editor-problem" });
  const editorNote = h("div", { class: "muted small", "data-testid": "rules-editor-note" });
  const dryRun = h("button", { type: "button", class: "btn", "data-testid": "rules-dry-run" }, "Dry run (last hour)");
  const activate = h("button", { type: "button", class: "btn btn-accent", "data-testid": "rules-activate" }, "Activate");
  const reset = h("button", { type: "button", class: "btn btn-ghost", "data-testid": "rules-reset" }, "The rules in force");
  const dryRunStatus = h("div", { class: "muted", role: "status", "data-testid": "rules-dry-run-status" });
  const dryRunResult = h("div", { "data-testid": "rules-dry-run-result" });

  // ---- history
  const historyRows = h("tbody", { "data-testid": "rules-history-rows" });
  const diffOut = h("div", { class: "rules-diff", "data-testid": "rules-diff" });

  let current: RuleSetView | null = null;
  /** The text the editor was last filled with: it is refilled after a change only while it still holds it (untouched). */
  let filled = "";
  let busy = false;

  function setBusy(b: boolean): void {
    busy = b;
    for (const el of outlet.querySelectorAll<HTMLButtonElement>("button[data-mutates]")) el.disabled = b;
    updateEditor();
  }

  /** The edited rule set, or why it is not one (the node validates it as a whole, too). */
  function edited(): Record<string, unknown> | string {
    try {
      const value: unknown = JSON.parse(editor.value);
      return isObject(value) ? value : 'a rule set is a JSON object with "version" and "rules"';
    } catch (e) {
      return message(e);
    }
  }

  function updateEditor(): void {
    const parsed = edited();
    if (typeof parsed === "string") {
      editorProblem.dataset["source"] = "parse";
      setText(editorProblem, `Not a rule set: ${parsed}`);
    } else if (editorProblem.dataset["source"] !== "node") {
      setText(editorProblem, "");
    }
    const invalid = typeof parsed === "string";
    dryRun.disabled = invalid || busy;
    activate.disabled = invalid || busy;
    const from = invalid ? null : num(parsed["version"]);
    setText(editorNote, current && from !== null && from !== current.version ? `Edited from v${from}, but v${current.version} is in force: activating it will be refused. Start again from the rules in force.` : "");
  }

  editor.addEventListener("input", () => {
    delete editorProblem.dataset["source"];
    updateEditor();
  });
  reset.addEventListener("click", () => {
    editor.value = filled;
    delete editorProblem.dataset["source"];
    updateEditor();
  });

  function nodeRefused(text: string): void {
    editorProblem.dataset["source"] = "node";
    setText(editorProblem, text);
  }

  function showRuleSet(rs: RuleSetView): void {
    current = rs;
    setText(version, `v${rs.version}`);
    setText(thresholds, `review at ${show(rs.reviewThreshold)}, block at ${show(rs.blockThreshold)}`);
    setText(currency, `${rs.currency}${rs.rates > 0 ? `, with rates for ${rs.rates} currencies` : ""}`);
    setText(lateness, rs.allowedLatenessSeconds === null ? "—" : `${fmt.integer(rs.allowedLatenessSeconds)} s`);
    mount(ruleRows, rs.rules.length === 0 ? h("tr", null, h("td", { colspan: admin ? 6 : 5, class: "muted" }, "No rules.")) : rs.rules.map(ruleRow));
  }

  function ruleRow(r: RuleView): HTMLTableRowElement {
    return h(
      "tr",
      { "data-testid": "rules-row", "data-rule": r.id, "data-enabled": String(r.enabled), class: r.enabled ? null : "rule-disabled" },
      h("td", { class: "mono" }, r.id),
      h("td", null, r.type),
      h("td", { class: "num" }, show(r.weight)),
      h("td", null, h("span", { class: `badge ${r.enabled ? "outcome-ok" : "outcome-other"}`, "data-testid": "rules-enabled" }, r.enabled ? "enabled" : "disabled")),
      h("td", { class: "wrap small", "data-testid": "rules-params" }, parameters(r.fields)),
      admin ? h("td", { class: "nowrap" }, toggleButton(r)) : null,
    );
  }

  function toggleButton(r: RuleView): HTMLButtonElement {
    const b = h("button", { type: "button", class: "btn", "data-testid": "rules-toggle", "data-mutates": true, disabled: busy }, r.enabled ? "Disable" : "Enable");
    b.addEventListener("click", () => void change(() => api.setRuleEnabled(r.id, current?.version ?? 0, !r.enabled, comment.value.trim())));
    return b;
  }

  function showHistory(history: RuleHistory): void {
    mount(historyRows, history.entries.map((e) => historyRow(e, history.version)));
  }

  function historyRow(e: RuleBookEntry, inForce: number): HTMLTableRowElement {
    const actions: HTMLElement[] = [];
    const older = e.version < inForce;
    if (older || e.version > 1) {
      const from = older ? e.version : e.version - 1;
      const to = older ? inForce : e.version;
      const diff = h("button", { type: "button", class: "btn btn-ghost", "data-testid": "rules-diff-button", title: `what differs from v${from} to v${to}` }, "Diff");
      diff.addEventListener("click", () => void showDiff(from, to));
      actions.push(diff);
    }
    if (admin && older) {
      const back = h("button", { type: "button", class: "btn", "data-testid": "rules-rollback", "data-mutates": true, disabled: busy }, "Roll back to this");
      back.addEventListener("click", () => void change(() => api.rollBackRules(inForce, e.version, comment.value.trim())));
      actions.push(back);
    }
    const rule = e.ruleId ? `${e.ruleId}${e.accountId ? ` for ${e.accountId}` : ""}` : "—";
    return h(
      "tr",
      { "data-testid": "rules-history-row", "data-version": String(e.version), "data-change": e.change, class: older ? null : "current" },
      h("td", { class: "mono nowrap" }, `v${e.version}`, older ? null : h("span", { class: "muted" }, " · in force")),
      h("td", { class: "mono", "data-testid": "rules-history-change" }, e.rolledBackTo !== null ? `${e.change} to v${e.rolledBackTo}` : e.change),
      h("td", { class: "mono", "data-testid": "rules-history-rule" }, rule),
      h("td", { "data-testid": "rules-history-who" }, e.who),
      h("td", { class: "mono nowrap", title: e.at }, fmt.dateTime(e.at)),
      h("td", { class: "wrap", "data-testid": "rules-history-comment" }, e.comment ?? ""),
      h("td", { class: "nowrap" }, actions),
    );
  }

  async function showDiff(from: number, to: number): Promise<void> {
    mount(diffOut, h("p", { class: "muted" }, `Comparing v${from} with v${to}…`));
    try {
      const diff = await api.ruleDiff(from, to, signal);
      if (signal.aborted) return;
      const lines = diffLines(diff);
      mount(
        diffOut,
        h("h3", { class: "card-title", "data-testid": "rules-diff-title" }, `From v${diff.from} to v${diff.to}`),
        lines.length === 0
          ? h("p", { class: "muted", "data-testid": "rules-diff-empty" }, "No differences: the two versions hold the same rule set.")
          : h("ul", { class: "diff-lines mono" }, lines.map((l) => h("li", { "data-testid": "rules-diff-line" }, l))),
      );
    } catch (e) {
      if (signal.aborted) return;
      mount(diffOut, errorBox(`Could not compare v${from} with v${to}: ${message(e)}`, { "data-testid": "rules-diff-error" }));
    }
  }

  /** Fills the page from GET /api/rules and /history; `known` is a rule set a change just answered with. */
  async function load(known?: unknown): Promise<void> {
    const before = current?.version ?? null;
    const history = await api.ruleHistory(signal);
    let doc = known ?? (await api.rules(signal));
    let rs = readRuleSet(doc);
    // This node's copy of the rule set follows the rule book within a second or so: wait for it to catch up.
    for (let tries = 0; rs.version < history.version && tries < 20 && !signal.aborted; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      doc = await api.rules(signal);
      rs = readRuleSet(doc);
    }
    if (signal.aborted) return;
    const untouched = editor.value === filled;
    showRuleSet(rs);
    showHistory(history);
    if (untouched || before === null) {
      filled = JSON.stringify(doc, null, 2);
      editor.value = filled;
      delete editorProblem.dataset["source"];
    }
    updateEditor();
  }

  /** Makes one change; on success says what is in force now, on 409 says why not and shows what is in force instead. */
  async function change(make: () => Promise<RuleChange>, fromEditor = false): Promise<void> {
    if (busy) return;
    setBusy(true);
    mount(problem);
    setText(status, "Asking the rule book…");
    let answer: RuleChange;
    try {
      answer = await make();
    } catch (e) {
      if (signal.aborted) return;
      setText(status, "");
      if (e instanceof ApiError && e.status === 400 && fromEditor) {
        nodeRefused(`The node refused this rule set: ${e.message}`);
      } else {
        mount(problem, errorBox(`Not changed: ${message(e)}`, { "data-testid": "rules-error" }));
        if (e instanceof ApiError && e.status === 409) await load().catch(() => {});
      }
      if (!signal.aborted) setBusy(false);
      return;
    }
    if (signal.aborted) return;
    comment.value = "";
    if (fromEditor) editor.value = filled; // the edit is in force now: the editor starts from it again
    setText(status, `v${answer.entry.version} in force: ${describe(answer.entry)}`);
    try {
      await load(answer.ruleSet);
    } catch (e) {
      if (!signal.aborted) mount(problem, errorBox(`Changed, but the page could not read the rule book again: ${message(e)}`, { "data-testid": "rules-error" }));
    } finally {
      if (!signal.aborted) setBusy(false);
    }
  }

  activate.addEventListener("click", () => {
    const rs = edited();
    if (typeof rs !== "string") void change(() => api.replaceRules(rs, comment.value.trim()), true);
  });

  dryRun.addEventListener("click", async () => {
    const rs = edited();
    if (typeof rs === "string" || busy) return;
    dryRun.disabled = true;
    mount(dryRunResult);
    const started = Date.now();
    const tick = (): void => setText(dryRunStatus, `Replaying the last hour's stored transactions… ${Math.round((Date.now() - started) / 1000)} s`);
    tick();
    const timer = setInterval(tick, 1000);
    try {
      const end = new Date();
      const from = new Date(end.getTime() - DRY_RUN_MINUTES * 60_000);
      const answer = await api.backtest({ rules: rs, against: null, from: from.toISOString(), to: end.toISOString(), warmUpMinutes: null }, signal);
      if (signal.aborted) return;
      setText(dryRunStatus, `Done in ${answer.seconds.toFixed(1)} s.`);
      mount(dryRunResult, dryRunReport(answer));
    } catch (e) {
      if (signal.aborted) return;
      setText(dryRunStatus, "");
      if (e instanceof ApiError && e.status === 400) nodeRefused(`The node refused this rule set: ${e.message}`);
      else mount(dryRunResult, errorBox(`The dry run did not run: ${message(e)}`, { "data-testid": "rules-dry-run-error" }));
    } finally {
      clearInterval(timer);
      if (!signal.aborted) updateEditor();
    }
  });

  // ---- the page
  const inForceCard = h(
    "section",
    { class: "card", "data-testid": "rules-in-force" },
    h("h2", { class: "card-title" }, "In force"),
    h("dl", { class: "kv" }, h("dt", null, "Version"), version, h("dt", null, "Thresholds"), thresholds, h("dt", null, "Currency"), currency, h("dt", null, "Allowed lateness"), lateness),
    tableWrap(h("table", { class: "table rules-table", "data-testid": "rules-table" }, ruleHead, ruleRows)),
    admin ? null : roleHint("enabling or disabling a rule", "admin"),
  );

  const editorCard = h(
    "section",
    { class: "card", "data-testid": "rules-editor-card" },
    h("h2", { class: "card-title" }, "Edit the rule set"),
    analyst
      ? [
          h(
            "div",
            { class: "backtest-form" },
            h("label", { class: "field" }, h("span", null, "Rule set (JSON); its version is the one it was edited from"), editor),
            editorProblem,
            editorNote,
            h("div", { class: "filters" }, h("div", { class: "field actions" }, dryRun, admin ? activate : null, reset)),
            admin ? null : roleHint("activating a rule set", "admin"),
          ),
          dryRunStatus,
          dryRunResult,
        ]
      : roleHint("dry-running an edited rule set", "analyst"),
  );
  if (admin) activate.dataset["mutates"] = "";

  const historyCard = h(
    "section",
    { class: "card", "data-testid": "rules-history" },
    h("h2", { class: "card-title" }, "History"),
    tableWrap(h("table", { class: "table", "data-testid": "rules-history-table" }, headRow("Version", "Change", "Rule", "Who", "At", "Comment", ""), historyRows)),
    admin ? null : roleHint("rolling back to an earlier version", "admin"),
    diffOut,
  );

  const changeBar = admin
    ? h("section", { class: "card" }, h("div", { class: "filters" }, h("label", { class: "field rules-comment" }, h("span", null, "Comment for the next change"), comment)), status, problem)
    : h("div", null, status, problem);

  mount(outlet, h("div", { class: "page", "data-testid": "rules-page" }, head, changeBar, inForceCard, editorCard, historyCard));

  updateEditor();
  load()
    .then(() => {
      if (!signal.aborted) setText(status, "");
    })
    .catch((e: unknown) => {
      if (signal.aborted) return;
      setText(status, "");
      mount(problem, errorBox(`Could not load the rule book: ${message(e)}`, { "data-testid": "rules-error" }));
    });
}

function examples(ids: string[], testId: string): HTMLElement {
  const shown = ids.slice(0, EXAMPLES);
  return h("span", { "data-testid": testId }, shown.length === 0 ? "—" : shown.flatMap((id, i) => [i > 0 ? ", " : "", transactionLink(id)]), ids.length > shown.length ? ", …" : null);
}

function dryRunReport(r: BacktestResult): HTMLElement {
  return h(
    "dl",
    { class: "kv", "data-testid": "rules-dry-run-report" },
    h("dt", null, "Range"),
    h("dd", null, `${fmt.dateTime(r.from)} – ${fmt.dateTime(r.to)}: ${fmt.integer(r.transactions)} transactions of ${fmt.integer(r.accounts)} accounts`),
    h("dt", null, "Flagged"),
    h("dd", { "data-testid": "rules-dry-run-flagged" }, `${fmt.integer(r.flagged)} by the edited rules (v${r.ruleSetVersion}), ${fmt.integer(r.againstFlagged)} by v${r.againstVersion} in force`),
    h("dt", null, "Newly flagged"),
    h("dd", null, `${fmt.integer(r.newlyFlagged)}: `, examples(r.newlyFlaggedExamples, "rules-dry-run-newly")),
    h("dt", null, "No longer flagged"),
    h("dd", null, `${fmt.integer(r.noLongerFlagged)}: `, examples(r.noLongerFlaggedExamples, "rules-dry-run-no-longer")),
  );
}
