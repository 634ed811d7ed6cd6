// Who uses the dashboard, as the node sees it. The session itself is an HttpOnly cookie that the page never reads;
// what the page keeps, in memory only, is the identity and the CSRF token the node gave with it (GET /api/me at start,
// POST /api/session at sign-in). Nothing of it goes to storage: a reload asks the node again.
import { api, useSession } from "./api";
import { ROLES, type Me, type Role } from "./types";

/** Null until the node has answered GET /api/me once (it may be down when the page opens). */
let current: Me | null = null;
let expiresAt: string | null = null;
let pending: Promise<Me> | null = null;
const changeListeners = new Set<() => void>();
const unauthorizedListeners = new Set<() => void>();

function emit(listeners: Set<() => void>): void {
  for (const fn of listeners) {
    try {
      fn();
    } catch (e) {
      console.warn("session listener failed", e);
    }
  }
}

// keyId is left out: the sign-in answer does not carry it, and its arrival with the next GET /api/me is no change.
const identityKey = (m: Me | null): string => (m ? `${m.authenticated}|${m.name ?? ""}|${m.role ?? ""}|${m.via}` : "unknown");

function set(next: Me, until: string | null): void {
  const before = identityKey(current);
  current = next;
  expiresAt = next.authenticated ? until : null;
  if (identityKey(next) !== before) emit(changeListeners);
}

export function me(): Me | null {
  return current;
}

/** When the session ends, as the sign-in answer said; null when not signed in here (or signed in by a link). */
export function sessionEnds(): string | null {
  return expiresAt;
}

export function csrfToken(): string | null {
  return current?.csrfToken ?? null;
}

function rank(role: string | null | undefined): number {
  return ROLES.indexOf(role as Role);
}

/** Whether the current role is at least `role`; false while the identity is unknown or has no role. */
export function can(role: Role): boolean {
  const mine = rank(current?.role);
  return mine >= 0 && mine >= rank(role);
}

/** Fired when who is signed in, or their role, changes. */
export function onChange(fn: () => void): () => void {
  changeListeners.add(fn);
  return () => changeListeners.delete(fn);
}

/** Fired when a read answers 401: no rights without signing in, or the session ended. */
export function onUnauthorized(fn: () => void): () => void {
  unauthorizedListeners.add(fn);
  return () => unauthorizedListeners.delete(fn);
}

/** Asks the node who this page is; calls made while one is under way share its answer. */
export function refreshMe(): Promise<Me> {
  pending ??= api
    .me()
    .then((m) => {
      set(m, m.authenticated && identityKey(m) === identityKey(current) ? expiresAt : null);
      return m;
    })
    .finally(() => (pending = null));
  return pending;
}

/** Trades a key (an API key or the admin token) for a session; throws the node's ApiError (401 wrong key, 429 too many tries). */
export async function signIn(key: string): Promise<Me> {
  const s = await api.signIn(key);
  const next: Me = { authenticated: true, name: s.name, keyId: null, role: s.role, via: s.via, csrfToken: s.csrfToken };
  set(next, s.expiresAt);
  return next;
}

/** Ends the session on the node, then asks who the page is without it (embedded: an anonymous viewer). */
export async function signOut(): Promise<void> {
  try {
    await api.signOut();
  } finally {
    await refreshMe();
  }
}

useSession({
  csrfToken,
  unauthorized() {
    refreshMe().catch(() => {});
    emit(unauthorizedListeners);
  },
});
