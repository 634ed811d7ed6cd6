import { api } from "../api";
import { StreamChart } from "../charts";
import { card, empty, h, link, mount, setText } from "../dom";
import * as fmt from "../format";
import type { ConnectionStatus, LiveHub } from "../hub";
import { href } from "../routes";
import type { Alert, Member, MetricsSnapshot, Transaction } from "../types";
import { accountLink, clickableRow, decisionBadge, headRow, statusBadge, tableWrap, transactionLink } from "../ui/widgets";
import { SimulatorPanel } from "./simulator";

/** The live feed keeps at most this many alerts in memory and on screen. */
export const FEED_CAP = 200;

interface Tile {
  root: HTMLElement;
  value: HTMLElement;
  sub: HTMLElement;
}

function tile(testId: string, label: string, unit: string): Tile {
  const value = h("span", { class: "tile-value", "data-testid": "tile-value" }, "—");
  const sub = h("div", { class: "tile-sub" });
  const root = h(
    "div",
    { class: "tile", "data-testid": testId },
    h("div", { class: "tile-label" }, label),
    h("div", { class: "tile-main" }, value, unit ? h("span", { class: "tile-unit" }, unit) : null),
    sub,
  );
  return { root, value, sub };
}

function setTile(t: Tile, raw: number | null | undefined, text: string, sub = ""): void {
  setText(t.value, text);
  setText(t.sub, sub);
  t.root.dataset["value"] = raw === null || raw === undefined ? "" : String(raw);
}

function transactionAsAlert(t: Transaction): Alert {
  return {
    alertId: t.transactionId,
    transactionId: t.transactionId,
    accountId: t.accountId,
    eventTime: t.eventTime,
    amount: t.amount,
    currency: t.currency,
    merchantName: t.merchantName ?? null,
    country: t.country,
    channel: t.channel,
    score: t.score,
    decision: t.decision,
    reasons: Array.isArray(t.reasons) ? t.reasons : [],
    committedAt: t.processedAt,
  };
}

const byTimeAsc = (a: Alert, b: Alert): number =>
  (Date.parse(a.committedAt) || 0) - (Date.parse(b.committedAt) || 0) ||
  (Date.parse(a.eventTime) || 0) - (Date.parse(b.eventTime) || 0);

/**
 * The live page. It is built once and kept (hidden while another page shows), so
 * charts and the feed keep their history while the operator drills down.
 */
export class LivePage {
  readonly root: HTMLElement;

  private readonly tiles: Record<"tps" | "flagged" | "rate" | "p99" | "lag" | "nodes" | "gaps", Tile>;
  private readonly updatedAt = h("span", { class: "muted", "data-testid": "metrics-at" }, "waiting for metrics…");
  private readonly throughput: StreamChart;
  private readonly latency: StreamChart;
  private readonly feedBody = h("tbody");
  private readonly feedEmpty = empty("No alerts yet. Flagged transactions appear here as they are committed.");
  private readonly feedCount = h("span", { class: "muted" });
  private readonly topAccounts = h("div", { "data-testid": "top-accounts" });
  private readonly ruleHits = h("div", { "data-testid": "rule-hits" });
  private readonly members = h("div", { "data-testid": "members" });
  private readonly simulator: SimulatorPanel;
  /** Parts refreshed by metrics pushes, and the members card refreshed by membership pushes. */
  private readonly metricParts: HTMLElement[];
  private readonly membersCard: HTMLElement;

  private feed: Alert[] = [];
  private readonly feedIds = new Set<string>();
  private memberCount = 0;
  private lastMetrics: MetricsSnapshot | null = null;

  constructor(hub: LiveHub) {
    this.tiles = {
      tps: tile("tile-tps", "Throughput", "tx/s"),
      flagged: tile("tile-flagged", "Flagged", "/s"),
      rate: tile("tile-flag-rate", "Flag rate", "%"),
      p99: tile("tile-p99", "p99 latency", "ms"),
      lag: tile("tile-lag", "Consumer lag", "records"),
      nodes: tile("tile-nodes", "Scorer nodes", ""),
      gaps: tile("tile-gaps", "Ingest gaps", ""),
    };
    const tileGrid = h("div", { class: "tiles" }, Object.values(this.tiles).map((t) => t.root));

    const throughputEl = h("div", { class: "chart", "data-testid": "chart-throughput" });
    const latencyEl = h("div", { class: "chart", "data-testid": "chart-latency" });
    const feedTable = h(
      "table",
      { class: "table feed" },
      headRow("Time", "Account", ["Amount", "num"], "Decision", "Merchant", "Reasons"),
      this.feedBody,
    );
    this.simulator = new SimulatorPanel();

    const chartsRow = h(
      "div",
      { class: "grid-2" },
      card("Transactions / s", { class: "chart-card" }, throughputEl),
      card("Ingest → commit latency (ms)", { class: "chart-card" }, latencyEl),
    );
    const feedCard = card(
      "Live alerts",
      { class: "feed-card" },
      h("div", { class: "card-meta" }, this.feedCount, link(href.alerts(), "history →")),
      tableWrap(feedTable, { "data-testid": "alert-feed" }),
      this.feedEmpty,
    );
    const topCard = card("Top risky accounts (5 min)", null, this.topAccounts);
    const rulesCard = card("Rule hits (5 min)", null, this.ruleHits);
    const membersCard = card("Cluster members", null, this.members);
    this.membersCard = membersCard;
    this.metricParts = [tileGrid, chartsRow, topCard, rulesCard];

    this.root = h(
      "div",
      { class: "page live-page", "data-testid": "live-page" },
      h("div", { class: "page-head" }, h("h1", null, "Live"), this.updatedAt),
      tileGrid,
      chartsRow,
      h(
        "div",
        { class: "live-main" },
        feedCard,
        h("div", { class: "side" }, topCard, rulesCard, membersCard, this.simulator.root),
      ),
    );

    this.throughput = new StreamChart(throughputEl, [
      { label: "tx/s", color: "#4ea1ff", fill: true },
      { label: "flagged/s", color: "#ff8a3d", scale: "f" },
    ]);
    this.latency = new StreamChart(latencyEl, [
      { label: "p50", color: "#7ccf9a", format: fmt.ms },
      { label: "p99", color: "#e879a6", format: fmt.ms },
    ]);

    this.renderFeedMeta();
    mount(this.topAccounts, empty("No alerts in the last 5 minutes."));
    mount(this.ruleHits, empty("No rule hits in the last 5 minutes."));
    mount(this.members, empty("Waiting for the cluster membership…"));
    setTile(this.tiles.gaps, null, "—");

    hub.metrics.on((m) => this.onMetrics(m));
    hub.alerts.on((batch) => this.onAlerts(batch));
    hub.membership.on((list) => this.onMembership(list));
    hub.status.on((s) => this.onStatus(s));
    hub.connected.on(() => {
      void this.backfill();
      this.simulator.refresh();
    });
    this.onStatus(hub.state);
  }

  show(): void {
    this.root.hidden = false;
    this.throughput.resize();
    this.latency.resize();
    this.simulator.setActive(true);
  }

  hide(): void {
    this.root.hidden = true;
    this.simulator.setActive(false);
  }

  private onStatus(s: ConnectionStatus): void {
    const stale = s.state !== "connected";
    for (const part of [...this.metricParts, this.membersCard]) part.classList.toggle("stale", stale);
    if (stale && this.lastMetrics) setText(this.updatedAt, `last update ${fmt.time(this.lastMetrics.at)} · not live`);
  }

  private onMetrics(m: MetricsSnapshot): void {
    this.lastMetrics = m;
    const t = this.tiles;
    const totals = m.totals ?? { scored: 0, flagged: 0, deadLettered: 0 };
    setTile(t.tps, m.scoredPerSecond, fmt.compact(m.scoredPerSecond),
      `consumed ${fmt.compact(m.consumedPerSecond)}/s · ${fmt.compact(totals.scored)} scored`);
    setTile(t.flagged, m.flaggedPerSecond, fmt.compact(m.flaggedPerSecond), `${fmt.compact(totals.flagged)} flagged in total`);
    setTile(t.rate, m.flagRate, fmt.percent(m.flagRate), "of scored, last second");
    setTile(t.p99, m.p99LatencyMs, fmt.ms(m.p99LatencyMs), m.p50LatencyMs === null || m.p50LatencyMs === undefined ? "no commits" : `p50 ${fmt.ms(m.p50LatencyMs)} ms`);
    setTile(t.lag, m.consumerLag, fmt.compact(m.consumerLag), "behind, all partitions");
    setTile(t.nodes, m.scorerNodes, fmt.integer(m.scorerNodes), this.memberCount ? `${this.memberCount} cluster members` : "");
    const gaps = m.ingestGaps ?? 0;
    setTile(t.gaps, gaps, fmt.integer(gaps), gaps > 0 ? "records lost before scoring — investigate" : "no data lost");
    t.gaps.root.classList.toggle("alarm", gaps > 0);
    t.gaps.root.dataset["alarm"] = String(gaps > 0);
    t.lag.root.classList.toggle("warn", m.consumerLag > 100_000);
    setText(this.updatedAt, `updated ${fmt.time(m.at)} · dead letters ${fmt.compact(m.deadLetteredPerSecond)}/s (${fmt.compact(totals.deadLettered)} total)`);

    const at = Date.parse(m.at);
    const x = (Number.isFinite(at) ? at : Date.now()) / 1000;
    this.throughput.push(x, [m.scoredPerSecond, m.flaggedPerSecond]);
    this.latency.push(x, [m.p50LatencyMs, m.p99LatencyMs]);

    this.renderTopAccounts(m);
    this.renderRuleHits(m);
    for (const part of this.metricParts) part.classList.remove("stale");
  }

  // ---- alert feed -------------------------------------------------------------

  private onAlerts(batch: Alert[]): void {
    const fresh = batch.filter((a) => a && typeof a.transactionId === "string" && !this.feedIds.has(a.transactionId));
    if (fresh.length === 0) return;
    fresh.sort(byTimeAsc); // oldest first, so prepending leaves the newest on top
    for (const a of fresh) {
      this.feed.unshift(a);
      this.feedIds.add(a.transactionId);
      const row = this.alertRow(a);
      row.classList.add("fresh");
      this.feedBody.prepend(row);
    }
    this.trimFeed();
    this.renderFeedMeta();
  }

  /** On (re)connect: fill the feed with what was committed while we were away. */
  private async backfill(): Promise<void> {
    try {
      const page = await api.alerts({}, 50);
      const missing = (page.items ?? []).filter((t) => t && !this.feedIds.has(t.transactionId)).map(transactionAsAlert);
      if (missing.length === 0) return;
      for (const a of missing) this.feedIds.add(a.transactionId);
      // Merge by commit time, newest first; live rows already shown keep their relative order.
      this.feed = [...this.feed, ...missing].sort((a, b) => byTimeAsc(b, a));
      this.trimFeed();
      mount(this.feedBody, this.feed.map((a) => this.alertRow(a)));
      this.renderFeedMeta();
    } catch {
      // History is a nicety here; the live pushes still work without it.
    }
  }

  private trimFeed(): void {
    while (this.feed.length > FEED_CAP) {
      const dropped = this.feed.pop()!;
      this.feedIds.delete(dropped.transactionId);
    }
    while (this.feedBody.rows.length > FEED_CAP) this.feedBody.lastElementChild?.remove();
  }

  private renderFeedMeta(): void {
    this.feedEmpty.hidden = this.feed.length > 0;
    setText(this.feedCount, this.feed.length === 0 ? "" : `newest ${this.feed.length} (max ${FEED_CAP})`);
  }

  private alertRow(a: Alert): HTMLTableRowElement {
    const reasons = Array.isArray(a.reasons) ? a.reasons : [];
    const row = h(
      "tr",
      { "data-testid": "alert-row", "data-transaction-id": a.transactionId, "data-decision": String(a.decision) },
      h("td", { class: "nowrap" }, transactionLink(a.transactionId, fmt.time(a.eventTime), { title: `event ${a.eventTime} · committed ${a.committedAt}` })),
      h("td", { class: "ellipsis" }, accountLink(a.accountId, { "data-testid": "alert-account" })),
      h("td", { class: "num nowrap", "data-testid": "alert-amount" }, fmt.amount(a.amount, a.currency)),
      h("td", { class: "nowrap" }, decisionBadge(a.decision), " ", h("span", { class: "muted small", title: "score" }, fmt.score(a.score))),
      h(
        "td",
        { class: "ellipsis", "data-testid": "alert-merchant", title: a.merchantName ?? "" },
        a.merchantName ?? "—",
      ),
      h(
        "td",
        { class: "reasons", "data-testid": "alert-reasons" },
        reasons.length === 0 ? "—" : reasons.map((r) => h("div", { title: `${r.ruleId} (${r.kind})` }, r.message)),
      ),
    );
    clickableRow(row, href.transaction(a.transactionId));
    return row;
  }

  // ---- side panels ------------------------------------------------------------

  private renderTopAccounts(m: MetricsSnapshot): void {
    const list = (m.topAccounts ?? []).slice(0, 10);
    if (list.length === 0) {
      mount(this.topAccounts, empty("No alerts in the last 5 minutes."));
      return;
    }
    const body = h(
      "tbody",
      null,
      list.map((a) =>
        h(
          "tr",
          { "data-account-id": a.accountId },
          h("td", { class: "ellipsis" }, accountLink(a.accountId)),
          h("td", { class: "num" }, fmt.integer(a.alerts)),
          h("td", { class: "num" }, fmt.score(a.maxScore)),
          h("td", { class: "num muted nowrap", title: a.lastAlertAt }, fmt.time(a.lastAlertAt)),
        ),
      ),
    );
    mount(this.topAccounts, tableWrap(h("table", { class: "table compact" }, headRow("Account", ["Alerts", "num"], ["Max score", "num"], ["Last", "num"]), body)));
  }

  private renderRuleHits(m: MetricsSnapshot): void {
    const hits = m.ruleHits ?? [];
    if (hits.length === 0) {
      mount(this.ruleHits, empty("No rule hits in the last 5 minutes."));
      return;
    }
    const max = Math.max(1, ...hits.map((r) => r.count));
    mount(
      this.ruleHits,
      h(
        "ul",
        { class: "bars" },
        hits.slice(0, 20).map((r) => {
          const bar = h("div", { class: "bar-fill" });
          bar.style.width = `${Math.max(2, (100 * r.count) / max)}%`;
          return h(
            "li",
            { "data-rule-id": r.ruleId },
            h("div", { class: "bar-label" }, link(href.alerts({ rule: r.ruleId }), r.ruleId, { title: `alerts for ${r.ruleId}` }), h("span", { class: "num" }, fmt.integer(r.count))),
            h("div", { class: "bar" }, bar),
          );
        }),
      ),
    );
  }

  private onMembership(list: Member[]): void {
    this.memberCount = list.length;
    this.membersCard.classList.remove("stale");
    if (list.length === 0) {
      mount(this.members, empty("No members."));
      return;
    }
    const sorted = [...list].sort((a, b) => String(a.address).localeCompare(String(b.address)));
    mount(
      this.members,
      h(
        "ul",
        { class: "members" },
        sorted.map((m) =>
          h(
            "li",
            { "data-testid": "member-row", "data-address": m.address, "data-status": m.status, class: m.reachable ? "" : "unreachable" },
            h("div", { class: "member-line" }, h("span", { class: "mono ellipsis member-address", title: m.address }, m.address), statusBadge(m.status)),
            h(
              "div",
              { class: "member-sub small muted" },
              (m.roles ?? []).join(", ") || "no roles",
              m.isLeader ? h("span", { class: "tag" }, "leader") : null,
              m.isOldest ? h("span", { class: "tag" }, "oldest") : null,
              m.reachable ? null : h("span", { class: "tag tag-bad" }, "unreachable"),
            ),
          ),
        ),
      ),
    );
    if (this.lastMetrics) setText(this.tiles.nodes.sub, `${this.memberCount} cluster members`);
  }
}
