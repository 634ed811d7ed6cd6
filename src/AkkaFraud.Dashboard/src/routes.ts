// Client-side routing through the URL hash: #/live, #/alerts?decision=block,
// #/accounts/<id>, #/transactions/<id>, #/cluster, #/dead-letters?reason=…, #/dead-letters/<partition>/<offset>,
// #/signin?next=<hash>&problem=link, #/audit, #/backtest, #/rules. Ids are URI-encoded in the hash.

export type Route =
  | { page: "live" }
  | { page: "alerts"; params: URLSearchParams }
  | { page: "account"; id: string; params: URLSearchParams }
  | { page: "transaction"; id: string }
  | { page: "cluster" }
  | { page: "deadletters"; params: URLSearchParams; selected: { partition: number; offset: number } | null }
  | { page: "signin"; params: URLSearchParams }
  | { page: "audit" }
  | { page: "backtest" }
  | { page: "rules" }
  | { page: "notfound"; path: string };

const enc = encodeURIComponent;

export const href = {
  live: (): string => "#/live",
  alerts: (params?: Record<string, string | null | undefined>): string => {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params ?? {})) if (v) q.set(k, v);
    const s = q.toString();
    return s ? `#/alerts?${s}` : "#/alerts";
  },
  account: (id: string): string => `#/accounts/${enc(id)}`,
  transaction: (id: string): string => `#/transactions/${enc(id)}`,
  cluster: (): string => "#/cluster",
  deadLetters: (params?: Record<string, string>): string => withQuery("#/dead-letters", params),
  deadLetter: (partition: number, offset: number, params?: Record<string, string>): string => withQuery(`#/dead-letters/${partition}/${offset}`, params),
  /** The sign-in page, coming back to `next` (a hash such as "#/cluster") afterwards. */
  signIn: (next?: string | null): string => withQuery("#/signin", next && safeNext(next) ? { next } : undefined),
  audit: (): string => "#/audit",
  backtest: (): string => "#/backtest",
  rules: (): string => "#/rules",
};

/** A page of this dashboard to go on to after signing in, or null: only a hash route, and never the sign-in page again. */
export function safeNext(next: string | null | undefined): string | null {
  if (!next || !next.startsWith("#/")) return null;
  return parseRoute(next).page === "signin" ? null : next;
}

function withQuery(path: string, params?: Record<string, string>): string {
  const s = new URLSearchParams(params ?? {}).toString();
  return s ? `${path}?${s}` : path;
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

export function parseRoute(hash: string): Route {
  const raw = hash.replace(/^#/, "");
  const qAt = raw.indexOf("?");
  const path = qAt >= 0 ? raw.slice(0, qAt) : raw;
  const params = new URLSearchParams(qAt >= 0 ? raw.slice(qAt + 1) : "");
  const parts = path.split("/").filter((p) => p.length > 0);

  if (parts.length === 0 || (parts.length === 1 && parts[0] === "live")) return { page: "live" };
  if (parts.length === 1 && parts[0] === "alerts") return { page: "alerts", params };
  if (parts.length >= 2 && parts[0] === "accounts") return { page: "account", id: decode(parts.slice(1).join("/")), params };
  if (parts.length >= 2 && parts[0] === "transactions") return { page: "transaction", id: decode(parts.slice(1).join("/")) };
  if (parts.length === 1 && parts[0] === "cluster") return { page: "cluster" };
  if (parts.length === 1 && parts[0] === "signin") return { page: "signin", params };
  if (parts.length === 1 && parts[0] === "audit") return { page: "audit" };
  if (parts.length === 1 && parts[0] === "backtest") return { page: "backtest" };
  if (parts.length === 1 && parts[0] === "rules") return { page: "rules" };
  if (parts[0] === "dead-letters") {
    if (parts.length === 1) return { page: "deadletters", params, selected: null };
    if (parts.length === 3 && /^\d+$/.test(parts[1]!) && /^\d+$/.test(parts[2]!)) {
      return { page: "deadletters", params, selected: { partition: Number(parts[1]), offset: Number(parts[2]) } };
    }
  }
  return { page: "notfound", path };
}

export function navigate(to: string): void {
  if (location.hash !== to) location.hash = to;
}
