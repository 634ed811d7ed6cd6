import type {
  AccountView,
  AlertPage,
  ClusterEvent,
  ClusterMembers,
  ClusterNodes,
  ClusterPartitions,
  DeadLetter,
  DeadLetterPage,
  MemberOperation,
  ReplayResult,
  InjectResult,
  Scenario,
  SimulatorStatus,
  Transaction,
} from "./types";
import { loadToken } from "./token";

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

interface RequestOptions {
  body?: unknown;
  token?: string;
  signal?: AbortSignal;
}

async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: "application/json" };
  if (options.body !== undefined) headers["Content-Type"] = "application/json";
  // The key typed last (any page's key field) goes with every request: on a cluster every read needs one.
  const token = options.token || loadToken();
  if (token) headers["Authorization"] = `Bearer ${token}`;
  const init: RequestInit = { method, headers, cache: "no-store" };
  if (options.body !== undefined) init.body = JSON.stringify(options.body);
  if (options.signal) init.signal = options.signal;

  let response: Response;
  try {
    response = await fetch(path, init);
  } catch (e) {
    if (e instanceof DOMException && e.name === "AbortError") throw e;
    throw new ApiError(0, "The node cannot be reached. Is it running?");
  }
  const text = await response.text();
  if (!response.ok) {
    let message = `${response.status} ${response.statusText}`.trim();
    try {
      const body: unknown = JSON.parse(text);
      if (body && typeof body === "object" && typeof (body as { error?: unknown }).error === "string") {
        message = (body as { error: string }).error;
      }
    } catch {
      if (text && text.length < 300) message = `${message}: ${text}`;
    }
    throw new ApiError(response.status, message);
  }
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

function opts(token?: string, signal?: AbortSignal): RequestOptions {
  const o: RequestOptions = {};
  if (token) o.token = token;
  if (signal) o.signal = signal;
  return o;
}

/**
 * GET /api/cluster/events, read as a stream with fetch (EventSource cannot send the token a closed node asks for):
 * calls `onEvent` for each event until `signal` aborts; resolves when the node ends the stream, rejects on a failure.
 */
export async function clusterEvents(onEvent: (e: ClusterEvent) => void, token: string | undefined, signal: AbortSignal): Promise<void> {
  const headers: Record<string, string> = { Accept: "text/event-stream" };
  const key = token || loadToken();
  if (key) headers["Authorization"] = `Bearer ${key}`;
  const response = await fetch("/api/cluster/events", { headers, signal, cache: "no-store" });
  if (!response.ok || !response.body) throw new ApiError(response.status, `${response.status} ${response.statusText}`.trim());
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

export const api = {
  alerts(filter: AlertFilter, limit = 50, after?: string | null, signal?: AbortSignal): Promise<AlertPage> {
    return request("GET", `/api/alerts${query({ ...filter, limit, after })}`, signal ? { signal } : {});
  },
  transaction(id: string, signal?: AbortSignal): Promise<Transaction> {
    return request("GET", `/api/transactions/${seg(id)}`, signal ? { signal } : {});
  },
  account(id: string, limit = 50, signal?: AbortSignal): Promise<AccountView> {
    return request("GET", `/api/accounts/${seg(id)}${query({ limit })}`, signal ? { signal } : {});
  },
  members(token?: string, signal?: AbortSignal): Promise<ClusterMembers> {
    return request("GET", "/api/cluster/members", opts(token, signal));
  },
  nodes(token?: string, signal?: AbortSignal): Promise<ClusterNodes> {
    return request("GET", "/api/cluster/nodes", opts(token, signal));
  },
  partitions(token?: string, signal?: AbortSignal): Promise<ClusterPartitions> {
    return request("GET", "/api/cluster/partitions", opts(token, signal));
  },
  changeMember(address: string, operation: "Leave" | "Down", token: string): Promise<MemberOperation> {
    return request("PUT", `/api/cluster/members/${seg(address)}`, { body: { operation }, token });
  },
  deadLetters(filter: DeadLetterFilter, limit = 50, after?: string | null, token?: string, signal?: AbortSignal): Promise<DeadLetterPage> {
    return request("GET", `/api/dead-letters${query({ ...filter, limit, after })}`, opts(token, signal));
  },
  deadLetter(partition: number, offset: number, token?: string, signal?: AbortSignal): Promise<DeadLetter> {
    return request("GET", `/api/dead-letters/${partition}/${offset}`, opts(token, signal));
  },
  replay(letters: { partition: number; offset: number }[], token: string): Promise<ReplayResult> {
    return request("POST", "/api/dead-letters/replay", { body: { letters }, token });
  },
  simulator(): Promise<SimulatorStatus> {
    return request("GET", "/api/simulator");
  },
  setSimulatorRate(transactionsPerSecond: number, token: string): Promise<unknown> {
    return request("PUT", "/api/simulator/rate", { body: { transactionsPerSecond }, token });
  },
  inject(scenario: Scenario, accountId: string | null, token: string): Promise<InjectResult> {
    const body: { scenario: Scenario; accountId?: string } = { scenario };
    if (accountId) body.accountId = accountId;
    return request("POST", "/api/simulator/inject", { body, token });
  },
};
