import { api, ApiError, clusterEvents } from "../api";
import { card, empty, h, mount, setText } from "../dom";
import * as fmt from "../format";
import type { ClusterEvent, ClusterMembers, ClusterNodes, ClusterPartitions } from "../types";
import { can } from "../session";
import { errorBox, roleHint, statusBadge } from "../ui/widgets";

const POLL_MS = 2000;
const MAX_EVENTS = 200;

type Operation = "Leave" | "Down";

/** A member's address as operators write it: without "akka.tcp://". */
function shortAddress(address: string): string {
  return address.replace(/^akka\.tcp:\/\//, "");
}

/** "0-3,7" for [0, 1, 2, 3, 7]. */
function ranges(values: readonly number[]): string {
  if (values.length === 0) return "—";
  const sorted = [...values].sort((a, b) => a - b);
  const parts: string[] = [];
  let start = sorted[0]!;
  for (let i = 1; i <= sorted.length; i++) {
    if (i === sorted.length || sorted[i] !== sorted[i - 1]! + 1) {
      const end = sorted[i - 1]!;
      parts.push(start === end ? String(start) : `${start}-${end}`);
      if (i < sorted.length) start = sorted[i]!;
    }
  }
  return parts.join(",");
}

/**
 * The cluster console: a card per member (membership from /api/cluster/members, work from /api/cluster/nodes, lag
 * from /api/cluster/partitions, read every 2 s), the live event log (/api/cluster/events), and, for an operator,
 * Leave / Down behind a confirmation that names the member and says what will happen.
 */
export function renderCluster(outlet: HTMLElement, signal: AbortSignal): void {
  const operator = can("operator");
  const summary = h("span", { class: "muted", "data-testid": "cluster-summary" });
  const problem = h("div");
  const cards = h("div", { class: "node-cards", "data-testid": "node-cards" });
  const log = h("ol", { class: "event-log", "data-testid": "event-log" });
  const logState = h("span", { class: "muted", "data-testid": "event-log-state" }, "connecting…");
  const dialog = new ConfirmDialog();

  mount(
    outlet,
    h(
      "div",
      { class: "page", "data-testid": "cluster-page" },
      h("div", { class: "page-head" }, h("h1", null, "Cluster"), summary),
      operator ? null : roleHint("making a member leave or downing it", "operator"),
      problem,
      cards,
      card("Events", null, h("div", { class: "card-meta" }, logState), log),
      dialog.root,
    ),
  );

  async function refresh(): Promise<void> {
    try {
      const [members, nodes, partitions] = await Promise.all([api.members(signal), api.nodes(signal), api.partitions(signal)]);
      mount(problem);
      showCards(members, nodes, partitions);
    } catch (e) {
      if (signal.aborted) return;
      mount(problem, errorBox(explain(e), { "data-testid": "cluster-error" }));
      cards.classList.add("stale");
    }
  }

  function showCards(members: ClusterMembers, nodes: ClusterNodes, partitions: ClusterPartitions): void {
    cards.classList.remove("stale");
    const work = new Map(nodes.nodes.map((n) => [n.node, n]));
    const lag = new Map<string, number>();
    for (const p of partitions.partitions) if (p.owner) lag.set(p.owner, (lag.get(p.owner) ?? 0) + p.lag);
    const up = members.members.filter((m) => m.status === "Up").length;
    setText(summary, `${members.members.length} members, ${up} up, ${members.unreachable.length} unreachable · answered by ${shortAddress(members.selfNode)}`);
    if (members.members.length === 0) {
      mount(cards, empty("No members."));
      return;
    }
    mount(
      cards,
      members.members.map((m) => {
        const n = work.get(m.node);
        const answered = n?.answered === true;
        const marks = [members.leader === m.node ? "leader" : null, members.oldest === m.node ? "oldest" : null].filter((x): x is string => x !== null);
        const fact = (name: string, value: string, id: string): HTMLElement =>
          h("div", { class: "fact" }, h("span", { class: "fact-name" }, name), h("span", { class: "fact-value", "data-testid": id }, value));
        const act = (operation: Operation): HTMLButtonElement => {
          const b = h("button", { class: "btn", type: "button", "data-testid": `node-${operation.toLowerCase()}` }, operation);
          b.addEventListener("click", () => dialog.open(m.node, operation, () => void refresh()));
          return b;
        };
        return h(
          "section",
          { class: `card node-card${m.reachable ? "" : " unreachable"}`, "data-testid": "node-card", "data-node": m.node, "data-status": m.status },
          h(
            "div",
            { class: "node-head" },
            h("span", { class: "mono node-address", "data-testid": "node-address", title: m.node }, shortAddress(m.node)),
            statusBadge(m.status.toLowerCase()),
            m.reachable ? null : h("span", { class: "badge status-down", "data-testid": "node-unreachable" }, "unreachable"),
            marks.map((x) => h("span", { class: "badge badge-other", "data-testid": `node-${x}` }, x)),
          ),
          h(
            "div",
            { class: "facts" },
            fact("Roles", m.roles.join(", ") || "—", "node-roles"),
            fact("Pipeline", answered ? (n!.pipeline ?? "—") : "no answer", "node-pipeline"),
            fact("Partitions", answered ? ranges(n!.partitions) : "—", "node-partitions"),
            fact("Shards", answered ? String(n!.shards) : "—", "node-shards"),
            fact("Entities", answered ? fmt.integer(n!.entities) : "—", "node-entities"),
            fact("Lag", fmt.integer(lag.get(m.node) ?? 0), "node-lag"),
            fact("tx/s", answered ? n!.transactionsPerSecond.toFixed(1) : "—", "node-tps"),
            fact("Batch write", n?.batchWriteMs != null ? `${n.batchWriteMs.toFixed(1)} ms` : "—", "node-batch"),
          ),
          operator ? h("div", { class: "node-actions" }, act("Leave"), act("Down")) : null,
        );
      }),
    );
  }

  function addEvent(e: ClusterEvent): void {
    const what = e.member
      ? `${shortAddress(e.member.node)} (${e.member.status}, ${e.member.roles.join(",")})`
      : e.move
        ? `partition ${e.move.partition}: ${e.move.from ? shortAddress(e.move.from) : "nobody"} → ${e.move.to ? shortAddress(e.move.to) : "nobody"}`
        : e.leader
          ? shortAddress(e.leader)
          : "no leader";
    log.prepend(
      h("li", { "data-testid": "event", "data-type": e.type }, h("span", { class: "muted mono" }, fmt.time(e.at)), " ", h("strong", null, e.type), " ", what),
    );
    while (log.children.length > MAX_EVENTS) log.lastElementChild?.remove();
  }

  async function follow(): Promise<void> {
    // The stream ends when the node stops or a proxy cuts it: follow it again after a pause, until the page goes.
    while (!signal.aborted) {
      try {
        setText(logState, "live");
        await clusterEvents(addEvent, signal);
        setText(logState, "the node ended the stream; reconnecting…");
      } catch (e) {
        if (signal.aborted) return;
        setText(logState, `${explain(e)} Retrying…`);
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  void refresh();
  void follow();
  const timer = setInterval(() => void refresh(), POLL_MS);
  signal.addEventListener("abort", () => clearInterval(timer));
}

function explain(e: unknown): string {
  if (e instanceof ApiError && e.status === 401) return `${e.message} Sign in: this node lets no one read without a key.`;
  if (e instanceof Error) return e.message;
  return String(e);
}

/** The confirmation before Leave or Down: names the member and says what will happen. */
class ConfirmDialog {
  readonly root: HTMLDialogElement;
  private readonly title = h("h2", { class: "card-title", "data-testid": "confirm-title" });
  private readonly text = h("p", { "data-testid": "confirm-text" });
  private readonly confirm = h("button", { class: "btn btn-accent", type: "button", "data-testid": "confirm-ok" });
  private readonly result = h("div", { "data-testid": "confirm-result" });
  private pending: { address: string; operation: Operation; done: () => void } | null = null;

  constructor() {
    const cancel = h("button", { class: "btn btn-ghost", type: "button", "data-testid": "confirm-cancel" }, "Cancel");
    cancel.addEventListener("click", () => this.root.close());
    this.confirm.addEventListener("click", () => void this.run());
    this.root = h(
      "dialog",
      { class: "card confirm", "data-testid": "confirm-dialog" },
      this.title,
      this.text,
      this.result,
      h("div", { class: "node-actions" }, cancel, this.confirm),
    );
  }

  open(address: string, operation: Operation, done: () => void): void {
    this.pending = { address, operation, done };
    setText(this.title, `${operation} ${shortAddress(address)}?`);
    setText(
      this.text,
      operation === "Leave"
        ? `${address} will hand its Kafka partitions and shards to the other scorers, leave the cluster, and its process will exit.`
        : `${address} will be removed from the cluster at once, as if it had crashed: its partitions and shards move, and it cannot come back without a restart. Use Down for a member that is frozen or gone.`,
    );
    setText(this.confirm, operation);
    this.confirm.disabled = false;
    mount(this.result);
    this.root.showModal();
  }

  private async run(): Promise<void> {
    const p = this.pending;
    if (!p) return;
    this.confirm.disabled = true;
    try {
      const answer = await api.changeMember(p.address, p.operation);
      mount(this.result, h("div", { class: "ok-box", "data-testid": "confirm-ok-message" }, answer.message));
      p.done();
      setTimeout(() => this.root.close(), 1500);
    } catch (e) {
      this.confirm.disabled = false;
      mount(this.result, errorBox(e instanceof Error ? e.message : String(e)));
    }
  }
}
