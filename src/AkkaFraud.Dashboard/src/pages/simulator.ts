import { api, ApiError } from "../api";
import { card, h, link, mount, setText } from "../dom";
import * as fmt from "../format";
import { href } from "../routes";
import { can, onChange } from "../session";
import { SCENARIOS, type Scenario, type SimulatorStatus } from "../types";
import { roleHint } from "../ui/widgets";

const POLL_MS = 5000;

/**
 * The built-in simulator (embedded mode): shown only when GET /api/simulator answers 200; its controls only to an
 * operator (or admin), everyone else gets a line saying so.
 */
export class SimulatorPanel {
  readonly root: HTMLElement;
  private readonly status = h("div", { class: "sim-status", "data-testid": "sim-status" }, "—");
  private readonly rate = h("input", { type: "number", class: "input", min: "0", step: "1", "data-testid": "sim-rate", "aria-label": "transactions per second" });
  private readonly rateApply = h("button", { type: "submit", class: "btn", "data-testid": "sim-rate-apply" }, "Set rate");
  private readonly scenario = h("select", { class: "input", "data-testid": "sim-scenario", "aria-label": "scenario" }, SCENARIOS.map((s) => h("option", { value: s }, s)));
  private readonly account = h("input", { type: "text", class: "input", "data-testid": "sim-account", placeholder: "account (optional)", autocomplete: "off" });
  private readonly inject = h("button", { type: "submit", class: "btn btn-accent", "data-testid": "sim-inject" }, "Inject");
  private readonly message = h("div", { class: "sim-message", "aria-live": "polite" });
  private readonly controls = h("div", { "data-testid": "sim-controls" });
  private readonly forms: HTMLElement[];

  private timer: number | undefined;
  private active = false;
  private rateDirty = false;
  private inFlight = false;

  constructor() {
    this.rate.addEventListener("input", () => (this.rateDirty = true));

    const rateForm = h("form", { class: "row-form", "data-testid": "sim-rate-form" }, h("label", { class: "field-label" }, "Rate (tx/s)"), this.rate, this.rateApply);
    rateForm.addEventListener("submit", (e) => {
      e.preventDefault();
      void this.setRate();
    });
    const injectForm = h("form", { class: "row-form", "data-testid": "sim-inject-form" }, h("label", { class: "field-label" }, "Scenario"), this.scenario, this.account, this.inject);
    injectForm.addEventListener("submit", (e) => {
      e.preventDefault();
      void this.injectScenario();
    });

    this.forms = [rateForm, injectForm];
    this.root = card("Simulator", { "data-testid": "simulator", class: "simulator" }, this.status, this.controls, this.message);
    this.root.hidden = true;
    this.showControls();
    onChange(() => this.showControls());
  }

  private showControls(): void {
    mount(this.message);
    if (can("operator")) mount(this.controls, this.forms);
    else mount(this.controls, roleHint("changing the simulator's rate or injecting fraud", "operator"));
  }

  setActive(active: boolean): void {
    this.active = active;
    window.clearTimeout(this.timer);
    if (active) this.refresh();
  }

  refresh(): void {
    window.clearTimeout(this.timer);
    void this.poll();
  }

  private async poll(): Promise<void> {
    try {
      this.show(await api.simulator());
    } catch (e) {
      if (e instanceof ApiError && (e.status === 404 || e.status === 405)) this.root.hidden = true;
      // other failures (node restarting): keep what we showed
    }
    if (this.active) {
      window.clearTimeout(this.timer);
      this.timer = window.setTimeout(() => void this.poll(), POLL_MS);
    }
  }

  private show(s: SimulatorStatus): void {
    this.root.hidden = false;
    this.root.dataset["running"] = String(!!s.running);
    setText(this.status, `${s.running ? "running" : "stopped"} · ${fmt.integer(s.transactionsPerSecond)} tx/s · ${fmt.compact(s.produced)} produced`);
    if (!this.rateDirty && document.activeElement !== this.rate) this.rate.value = String(s.transactionsPerSecond ?? 0);
  }

  private async setRate(): Promise<void> {
    const value = Number(this.rate.value);
    if (this.rate.value.trim() === "" || !Number.isFinite(value) || value < 0) {
      this.error("Enter a rate of 0 or more transactions per second.");
      return;
    }
    await this.run(async () => {
      await api.setSimulatorRate(value);
      this.rateDirty = false;
      this.ok(`Rate set to ${fmt.integer(value)} tx/s.`);
      this.refresh();
    });
  }

  private async injectScenario(): Promise<void> {
    const scenario = this.scenario.value as Scenario;
    const accountId = this.account.value.trim() || null;
    await this.run(async () => {
      const result = await api.inject(scenario, accountId);
      const n = result?.transactionIds?.length ?? 0;
      const p = h("div", { class: "ok", "data-testid": "sim-result" }, `Injected ${scenario}: ${n} transaction${n === 1 ? "" : "s"} on account `);
      if (result?.accountId) p.append(link(href.account(result.accountId), result.accountId));
      mount(this.message, p);
    });
  }

  private async run(action: () => Promise<void>): Promise<void> {
    if (this.inFlight) return;
    this.inFlight = true;
    this.rateApply.disabled = this.inject.disabled = true;
    try {
      await action();
    } catch (e) {
      const msg = e instanceof ApiError ? (e.status ? `${e.status}: ${e.message}` : e.message) : String(e);
      this.error(msg);
    } finally {
      this.inFlight = false;
      this.rateApply.disabled = this.inject.disabled = false;
    }
  }

  private ok(text: string): void {
    mount(this.message, h("div", { class: "ok", "data-testid": "sim-result" }, text));
  }

  private error(text: string): void {
    mount(this.message, h("div", { class: "error-text", role: "alert", "data-testid": "sim-error" }, text));
  }
}
