import "./style.css";
import { h, mount, setText } from "./dom";
import * as fmt from "./format";
import { LiveHub, type ConnectionStatus } from "./hub";
import { renderAccount } from "./pages/account";
import { renderAlerts } from "./pages/alerts";
import { renderAudit } from "./pages/audit";
import { renderBacktest } from "./pages/backtest";
import { renderCluster } from "./pages/cluster";
import { renderDeadLetters } from "./pages/deadletters";
import { renderRules } from "./pages/rules";
import { LivePage } from "./pages/live";
import { renderSignIn } from "./pages/signin";
import { renderTransaction } from "./pages/transaction";
import { href, navigate, parseRoute, type Route } from "./routes";
import * as session from "./session";

const hub = new LiveHub();
const live = new LivePage(hub);

// Rule ids seen in recent metrics, offered as suggestions on the alerts page.
const knownRules = new Set<string>();
hub.metrics.on((m) => {
  for (const r of m.ruleHits ?? []) if (knownRules.size < 200) knownRules.add(r.ruleId);
});

// ---- shell ------------------------------------------------------------------

const stateText = h("span", { "data-testid": "connection-state" }, hub.state.state);
const stateDetail = h("span", { class: "conn-detail" });
const indicator = h("div", { class: "conn", role: "status", "aria-live": "polite" }, h("span", { class: "conn-dot" }), stateText, stateDetail);

function showStatus(s: ConnectionStatus): void {
  setText(stateText, s.state);
  setText(stateDetail, s.state === "connected" ? "" : s.detail);
  indicator.dataset["state"] = s.state;
  indicator.title = s.detail;
}
hub.status.on(showStatus);
showStatus(hub.state);

const navLive = h("a", { href: href.live(), "data-testid": "nav-live" }, "Live");
const navAlerts = h("a", { href: href.alerts(), "data-testid": "nav-alerts" }, "Alerts");
const navCluster = h("a", { href: href.cluster(), "data-testid": "nav-cluster" }, "Cluster");
const navDeadLetters = h("a", { href: href.deadLetters(), "data-testid": "nav-dead-letters" }, "Dead letters");
const navRules = h("a", { href: href.rules(), "data-testid": "nav-rules" }, "Rules");
const navBacktest = h("a", { href: href.backtest(), "data-testid": "nav-backtest", hidden: true }, "Backtest");
const navAudit = h("a", { href: href.audit(), "data-testid": "nav-audit", hidden: true }, "Audit");

const whoami = h("span", { class: "whoami", "data-testid": "whoami" }, "…");
const navSignIn = h("a", { href: href.signIn(), class: "btn btn-ghost", "data-testid": "nav-signin", hidden: true }, "Sign in");
const signOutButton = h("button", { type: "button", class: "btn btn-ghost", "data-testid": "signout", hidden: true }, "Sign out");
const signOutError = h("span", { class: "error-text small", role: "alert", "data-testid": "signout-error" });

function showIdentity(): void {
  const m = session.me();
  setText(whoami, m === null ? "…" : m.authenticated ? `${m.name ?? "?"} · ${m.role ?? "no role"}` : m.role ? `anonymous ${m.role}` : "not signed in");
  whoami.dataset["role"] = m?.role ?? "";
  whoami.dataset["authenticated"] = String(m?.authenticated === true);
  const ends = session.sessionEnds();
  whoami.title = m === null ? "the node has not said yet" : `via ${m.via}${ends ? `, until ${fmt.dateTime(ends)}` : ""}`;
  navSignIn.hidden = m === null || m.authenticated;
  signOutButton.hidden = m?.authenticated !== true;
  navBacktest.hidden = !session.can("analyst");
  navAudit.hidden = !session.can("admin");
}

signOutButton.addEventListener("click", async () => {
  signOutButton.disabled = true;
  setText(signOutError, "");
  try {
    // Close the session's hub connection first, so that nothing of it tries to reconnect once it has ended.
    await hub.stop("signing out…");
    await session.signOut();
  } catch (e) {
    setText(signOutError, `Not signed out: ${e instanceof Error ? e.message : String(e)}`);
    if (session.can("viewer")) void hub.restart();
  } finally {
    signOutButton.disabled = false;
  }
});

const header = h(
  "header",
  { class: "topbar" },
  h("a", { class: "brand", href: href.live() }, h("span", { class: "brand-mark" }), "AkkaFraud"),
  h("nav", { class: "nav" }, navLive, navAlerts, navCluster, navDeadLetters, navRules, navBacktest, navAudit),
  h("span", { class: "spacer" }),
  indicator,
  h("div", { class: "identity" }, whoami, navSignIn, signOutButton, signOutError),
);
const outlet = h("div", { class: "outlet" });
const app = document.getElementById("app")!;
mount(app, header, h("main", { class: "content" }, live.root, outlet));

// ---- routing ----------------------------------------------------------------

let pageAbort = new AbortController();

function render(route: Route): void {
  // A node that lets no one read anonymously (a cluster's default): every page but this one would only answer 401.
  if (route.page !== "signin" && session.me()?.role === null) {
    navigate(href.signIn(location.hash));
    return;
  }
  pageAbort.abort();
  pageAbort = new AbortController();
  const signal = pageAbort.signal;

  navLive.classList.toggle("active", route.page === "live");
  navAlerts.classList.toggle("active", route.page === "alerts");
  navCluster.classList.toggle("active", route.page === "cluster");
  navDeadLetters.classList.toggle("active", route.page === "deadletters");
  navRules.classList.toggle("active", route.page === "rules");
  navBacktest.classList.toggle("active", route.page === "backtest");
  navAudit.classList.toggle("active", route.page === "audit");
  navSignIn.href = href.signIn(route.page === "signin" ? null : location.hash);

  if (route.page === "live") {
    mount(outlet);
    outlet.hidden = true;
    live.show();
    document.title = "Live · AkkaFraud";
    return;
  }
  live.hide();
  outlet.hidden = false;
  window.scrollTo(0, 0);
  switch (route.page) {
    case "alerts":
      document.title = "Alerts · AkkaFraud";
      renderAlerts(outlet, route.params, { signal, knownRules: () => [...knownRules].sort() });
      break;
    case "transaction":
      document.title = `Transaction ${route.id} · AkkaFraud`;
      void renderTransaction(outlet, route.id, signal);
      break;
    case "account":
      document.title = `Account ${route.id} · AkkaFraud`;
      void renderAccount(outlet, route.id, route.params, signal);
      break;
    case "cluster":
      document.title = "Cluster · AkkaFraud";
      renderCluster(outlet, signal);
      break;
    case "deadletters":
      document.title = "Dead letters · AkkaFraud";
      renderDeadLetters(outlet, route.params, route.selected, signal);
      break;
    case "signin":
      document.title = "Sign in · AkkaFraud";
      renderSignIn(outlet, route.params);
      break;
    case "audit":
      document.title = "Audit log · AkkaFraud";
      renderAudit(outlet, signal);
      break;
    case "backtest":
      document.title = "Backtest · AkkaFraud";
      renderBacktest(outlet, signal);
      break;
    case "rules":
      document.title = "Rules · AkkaFraud";
      renderRules(outlet, signal);
      break;
    case "notfound":
      document.title = "Not found · AkkaFraud";
      mount(
        outlet,
        h("div", { class: "page" }, h("h1", null, "Not found"), h("p", null, "No page at ", h("code", null, `#${route.path}`), ". ", h("a", { href: href.live() }, "Back to live"), ".")),
      );
      break;
  }
}

// ---- session ----------------------------------------------------------------

const NO_RIGHTS = "sign in to go live";

function onIdentityChanged(): void {
  showIdentity();
  // Pages build only the controls the role may use; the sign-in page goes on by itself once signed in.
  const route = parseRoute(location.hash);
  if (route.page !== "signin") render(route);
  if (session.me() === null || session.can("viewer")) void hub.restart();
  else void hub.stop(NO_RIGHTS);
}

session.onUnauthorized(() => {
  if (parseRoute(location.hash).page !== "signin") navigate(href.signIn(location.hash));
});
// After a node restart, or when the session ends, the hub's identity may be gone: ask again when it comes back, and
// when it fails to (a 401 there says nothing to the page itself).
hub.connected.on(() => void session.refreshMe().catch(() => {}));
hub.status.on((s) => {
  if (s.state === "disconnected" && s.retryAt !== null) void session.refreshMe().catch(() => {});
});
window.addEventListener("hashchange", () => render(parseRoute(location.hash)));

/** Until the node answers GET /api/me the pages show as they can (their reads say what is wrong); then again. */
async function learnIdentity(): Promise<void> {
  for (let delay = 1000; ; delay = Math.min(delay * 2, 10_000)) {
    await new Promise((resolve) => setTimeout(resolve, delay));
    try {
      await session.refreshMe();
      return;
    } catch {
      // still unreachable
    }
  }
}

void (async () => {
  const known = await session.refreshMe().then(
    () => true,
    () => false,
  );
  showIdentity();
  session.onChange(onIdentityChanged);
  render(parseRoute(location.hash));
  if (session.me() === null || session.can("viewer")) hub.start();
  else void hub.stop(NO_RIGHTS);
  if (!known) void learnIdentity();
})();
