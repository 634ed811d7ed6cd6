import {
  HubConnectionBuilder,
  HubConnectionState,
  LogLevel,
  type HubConnection,
  type ILogger,
  type IRetryPolicy,
  type RetryContext,
} from "@microsoft/signalr";
import type { Alert, Member, MetricsSnapshot } from "./types";

export type ConnectionState = "connected" | "reconnecting" | "disconnected";

export interface ConnectionStatus {
  state: ConnectionState;
  /** Human detail for the indicator's tooltip/hint, e.g. "retrying in 5 s". */
  detail: string;
  /** When the client will try again (epoch ms) while disconnected, else null. */
  retryAt: number | null;
}

type Listener<T> = (value: T) => void;

class Channel<T> {
  private readonly listeners = new Set<Listener<T>>();
  on(fn: Listener<T>): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }
  emit(value: T): void {
    for (const fn of this.listeners) {
      try {
        fn(value);
      } catch (e) {
        console.warn("dashboard listener failed", e);
      }
    }
  }
}

/** SignalR's built-in reconnect: quick at first, then every 5 s, gives up after ~1 minute. */
const builtInRetry: IRetryPolicy = {
  nextRetryDelayInMilliseconds(ctx: RetryContext): number | null {
    if (ctx.elapsedMilliseconds > 60_000) return null;
    return [0, 1000, 2000, 5000][ctx.previousRetryCount] ?? 5000;
  },
};

/** Our own loop after the built-in one gives up (or the first start fails): back off to 10 s, forever. */
const ownRetryDelays = [1000, 2000, 5000, 10_000];

/** Connection drops are expected (node restarts): keep them out of the console's error level. */
const quietLogger: ILogger = {
  log(level: LogLevel, message: string): void {
    if (level >= LogLevel.Warning) console.warn(`[signalr] ${message}`);
  },
};

/**
 * The one connection to /hubs/live. Pushes: "alerts" (Alert[]), "metrics"
 * (MetricsSnapshot), "membership" (Member[]). It always comes back: the built-in
 * automatic reconnect first, then an endless retry loop of our own.
 */
export class LiveHub {
  readonly status = new Channel<ConnectionStatus>();
  readonly alerts = new Channel<Alert[]>();
  readonly metrics = new Channel<MetricsSnapshot>();
  readonly membership = new Channel<Member[]>();
  /** Fired after every successful (re)connect. */
  readonly connected = new Channel<void>();

  private readonly connection: HubConnection;
  private current: ConnectionStatus = { state: "disconnected", detail: "connecting…", retryAt: null };
  private attempt = 0;
  private retryTimer: number | undefined;
  private starting = false;
  /** False while stopped on purpose (no rights without signing in): then nothing reconnects. */
  private enabled = false;

  constructor(url = "/hubs/live") {
    this.connection = new HubConnectionBuilder()
      // Same origin: the session cookie goes with the negotiation and the WebSocket by itself.
      .withUrl(url)
      .withAutomaticReconnect(builtInRetry)
      .configureLogging(quietLogger)
      .build();

    this.connection.on("alerts", (batch: unknown) => {
      const list = Array.isArray(batch) ? batch : batch ? [batch] : [];
      if (list.length > 0) this.alerts.emit(list as Alert[]);
    });
    this.connection.on("metrics", (snapshot: unknown) => {
      if (snapshot && typeof snapshot === "object") this.metrics.emit(snapshot as MetricsSnapshot);
    });
    this.connection.on("membership", (members: unknown) => {
      if (Array.isArray(members)) this.membership.emit(members as Member[]);
    });

    this.connection.onreconnecting(() => this.set({ state: "reconnecting", detail: "connection lost, reconnecting…", retryAt: null }));
    this.connection.onreconnected(() => this.onConnected());
    this.connection.onclose(() => this.scheduleRetry());

    window.addEventListener("online", () => this.retryNow());
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible") this.retryNow();
    });
  }

  get state(): ConnectionStatus {
    return this.current;
  }

  start(): void {
    this.enabled = true;
    void this.tryStart();
  }

  /** Connects anew: the hub knows who it talks to from the connection's start, so a new identity needs a new one. */
  async restart(): Promise<void> {
    this.enabled = true;
    this.attempt = 0;
    window.clearTimeout(this.retryTimer);
    if (this.connection.state !== HubConnectionState.Disconnected) await this.connection.stop();
    void this.tryStart();
  }

  /** Disconnects and stays so until start or restart; `detail` says why. */
  async stop(detail: string): Promise<void> {
    this.enabled = false;
    window.clearTimeout(this.retryTimer);
    if (this.connection.state !== HubConnectionState.Disconnected) await this.connection.stop();
    this.set({ state: "disconnected", detail, retryAt: null });
  }

  /** Skip the wait when we are sitting in our own retry loop. */
  retryNow(): void {
    if (this.connection.state === HubConnectionState.Disconnected && !this.starting) {
      window.clearTimeout(this.retryTimer);
      void this.tryStart();
    }
  }

  private async tryStart(): Promise<void> {
    if (!this.enabled || this.starting || this.connection.state !== HubConnectionState.Disconnected) return;
    this.starting = true;
    window.clearTimeout(this.retryTimer);
    if (this.attempt > 0) this.set({ state: "disconnected", detail: "connecting…", retryAt: null });
    try {
      await this.connection.start();
      this.starting = false;
      this.onConnected();
    } catch {
      this.starting = false;
      this.scheduleRetry();
    }
  }

  private onConnected(): void {
    this.attempt = 0;
    this.set({ state: "connected", detail: "live", retryAt: null });
    this.connected.emit();
  }

  private scheduleRetry(): void {
    if (this.starting || !this.enabled) return;
    window.clearTimeout(this.retryTimer);
    const delay = ownRetryDelays[Math.min(this.attempt, ownRetryDelays.length - 1)] ?? 10_000;
    this.attempt++;
    const retryAt = Date.now() + delay;
    this.set({ state: "disconnected", detail: `retrying in ${Math.round(delay / 1000)} s`, retryAt });
    this.retryTimer = window.setTimeout(() => void this.tryStart(), delay);
  }

  private set(status: ConnectionStatus): void {
    this.current = status;
    this.status.emit(status);
  }
}
