import type {
  AccountView,
  AlertPage,
  AuditPage,
  BacktestRequest,
  BacktestResult,
  ClusterEvent,
  ClusterMembers,
  ClusterNodes,
  ClusterPartitions,
  DeadLetter,
  DeadLetterPage,
  Me,
  MemberOperation,
  ReplayResult,
  InjectResult,
  RuleChange,
  RuleHistory,
  RuleSetDiff,
  Scenario,
  Session,
  SimulatorStatus,
  Transaction,
} from "./types";

/** A non-2xx answer; `message` is the node's `{ error }` text when it sent one. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/**
 * What requests need of the session: its CSRF token for mutations, and whom to tell when a read answers 401.
 * session.ts sets them, so that this file imports nothing of it.
 */
export interface SessionHooks {
  csrfToken(): string | null;
  unauthorized(): void;
}

let hooks: SessionHooks = { csrfToken: () => null, unauthorized: () => {} };

export function useSession(h: SessionHooks): void {
  hooks = h;
}

interface RequestOptions {
  body?: unknown;
  signal?: AbortSignal;
  /** Leaves a 401 unreported: GET /api/me is what the session asks on such a report. */
  keepQuiet?: boolean;
}

const SAFE_METHODS = new Set(["GET", "HEAD"]);

// The session is a same-origin HttpOnly cookie, which fetch sends by itself; a cookie alone could come from another
// site's form, so every mutation also carries the CSRF token that only this page read from the node.
function headersFor(method: string, accept: string, hasBody: boolean): Record<string, string> {
  const headers: Record<string, string> = { Accept: accept };
  if (hasBody) headers["Content-Type"] = "application/json";
  const csrf = SAFE_METHODS.has(method) ? null : hooks.csrfToken();
  if (csrf) headers["X-CSRF-Token"] = csrf;
  return headers;
}

async function failure(method: string, response: Response, keepQuiet = false): Promise<ApiError> {
  const text = await response.text().catch(() => "");
  let message = `${response.status} ${response.statusText}`.trim();
  try {
    const body: unknown = JSON.parse(text);
    if (body && typeof body === "object" && typeof (body as { error?: unknown }).error === "string") {
      message = (body as { error: string }).error;
    }
  } catch {
    if (text && text.length < 300) message = `${message}: ${text}`;
  }
  if (response.status === 401 && SAFE_METHODS.has(method) && !keepQuiet) hooks.unauthorized();
  return new ApiError(response.status, message);
}

async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const init: RequestInit = { method, headers: headersFor(method, "application/json", options.body !== undefined), cache: "no-store", credentials: "same-origin" };
  if (options.body !== undefined) init.body = JSON.stringify(options.body);
  if (options.signal) init.signal = options.signal;

  let response: Response;
  try {
    response = await fetch(path, init);
  } catch (e) {
    if (e instanceof DOMException && e.name === "AbortError") throw e;
    throw new ApiError(0, "The node cannot be reached. Is it running?");
  }
  if (!response.ok) throw await failure(method, response, options.keepQuiet);
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

function query(params: Record<string, string | number | null | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== null && v !== undefined && v !== "") q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : "";
}

const seg = encodeURIComponent;

export interface AlertFilter {
  from?: string | null;
  to?: string | null;
  decision?: string | null;
  rule?: string | null;
  account?: string | null;
}

export interface DeadLetterFilter {
  reason?: string | null;
  partition?: string | null;
  from?: string | null;
  to?: string | null;
}

/**
 * GET /api/cluster/events, read as a stream with fetch (so that a failure's status and message reach the page, which
 * EventSource hides): calls `onEvent` for each event until `signal` aborts; resolves when the node ends the stream,
 * rejects on a failure.
 */
export async function clusterEvents(onEvent: (e: ClusterEvent) => void, signal: AbortSignal): Promise<void> {
  const response = await fetch("/api/cluster/events", { headers: headersFor("GET", "text/event-stream", false), signal, cache: "no-store", credentials: "same-origin" });
  if (!response.ok) throw await failure("GET", response);
  if (!response.body) throw new ApiError(response.status, "The node sent no event stream.");
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let end: number;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = block
        .split("\n")
        .filter((l) => l.startsWith("data:"))
        .map((l) => l.slice(5).trimStart())
        .join("\n");
      if (data) onEvent(JSON.parse(data) as ClusterEvent);
    }
  }
}

const withSignal = (signal?: AbortSignal): RequestOptions => (signal ? { signal } : {});

export const api = {
  me(signal?: AbortSignal): Promise<Me> {
    return request("GET", "/api/me", { ...withSignal(signal), keepQuiet: true });
  },
  signIn(key: string): Promise<Session> {
    return request("POST", "/api/session", { body: { key } });
  },
  signOut(): Promise<void> {
    return request("DELETE", "/api/session");
  },
  audit(before?: number | null, limit = 50, signal?: AbortSignal): Promise<AuditPage> {
    return request("GET", `/api/audit${query({ limit, before })}`, withSignal(signal));
  },
  alerts(filter: AlertFilter, limit = 50, after?: string | null, signal?: AbortSignal): Promise<AlertPage> {
    return request("GET", `/api/alerts${query({ ...filter, limit, after })}`, withSignal(signal));
  },
  transaction(id: string, signal?: AbortSignal): Promise<Transaction> {
    return request("GET", `/api/transactions/${seg(id)}`, withSignal(signal));
  },
  account(id: string, limit = 50, signal?: AbortSignal): Promise<AccountView> {
    return request("GET", `/api/accounts/${seg(id)}${query({ limit })}`, withSignal(signal));
  },
  members(signal?: AbortSignal): Promise<ClusterMembers> {
    return request("GET", "/api/cluster/members", withSignal(signal));
  },
  nodes(signal?: AbortSignal): Promise<ClusterNodes> {
    return request("GET", "/api/cluster/nodes", withSignal(signal));
  },
  partitions(signal?: AbortSignal): Promise<ClusterPartitions> {
    return request("GET", "/api/cluster/partitions", withSignal(signal));
  },
  changeMember(address: string, operation: "Leave" | "Down"): Promise<MemberOperation> {
    return request("PUT", `/api/cluster/members/${seg(address)}`, { body: { operation } });
  },
  deadLetters(filter: DeadLetterFilter, limit = 50, after?: string | null, signal?: AbortSignal): Promise<DeadLetterPage> {
    return request("GET", `/api/dead-letters${query({ ...filter, limit, after })}`, withSignal(signal));
  },
  deadLetter(partition: number, offset: number, signal?: AbortSignal): Promise<DeadLetter> {
    return request("GET", `/api/dead-letters/${partition}/${offset}`, withSignal(signal));
  },
  replay(letters: { partition: number; offset: number }[]): Promise<ReplayResult> {
    return request("POST", "/api/dead-letters/replay", { body: { letters } });
  },
  /** The rule set in force on this node, as the JSON document a backtest takes. */
  rules(signal?: AbortSignal): Promise<unknown> {
    return request("GET", "/api/rules", withSignal(signal));
  },
  /** PUT /api/rules: the whole rule set, whose "version" is the version it was edited from (409 when another is in force). */
  replaceRules(ruleSet: unknown, comment?: string | null): Promise<RuleChange> {
    return request("PUT", `/api/rules${query({ comment })}`, { body: ruleSet });
  },
  /** PATCH /api/rules/{id}: enables or disables one rule of `version`, the version in force. */
  setRuleEnabled(id: string, version: number, enabled: boolean, comment?: string | null): Promise<RuleChange> {
    return request("PATCH", `/api/rules/${seg(id)}`, { body: { version, enabled, comment: comment || null } });
  },
  ruleHistory(signal?: AbortSignal): Promise<RuleHistory> {
    return request("GET", "/api/rules/history", withSignal(signal));
  },
  ruleDiff(from: number | null, to: number | null, signal?: AbortSignal): Promise<RuleSetDiff> {
    return request("GET", `/api/rules/diff${query({ from, to })}`, withSignal(signal));
  },
  /** POST /api/rules/rollback: puts version `to`'s rule set back in force, made to `version`, the version in force. */
  rollBackRules(version: number, to: number, comment?: string | null): Promise<RuleChange> {
    return request("POST", "/api/rules/rollback", { body: { version, to, comment: comment || null } });
  },
  backtest(body: BacktestRequest, signal?: AbortSignal): Promise<BacktestResult> {
    return request("POST", "/api/backtests", { body, ...withSignal(signal) });
  },
  simulator(): Promise<SimulatorStatus> {
    return request("GET", "/api/simulator");
  },
  setSimulatorRate(transactionsPerSecond: number): Promise<unknown> {
    return request("PUT", "/api/simulator/rate", { body: { transactionsPerSecond } });
  },
  inject(scenario: Scenario, accountId: string | null): Promise<InjectResult> {
    const body: { scenario: Scenario; accountId?: string } = { scenario };
    if (accountId) body.accountId = accountId;
    return request("POST", "/api/simulator/inject", { body });
  },
};
