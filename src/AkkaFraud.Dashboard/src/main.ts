import "./style.css";
import { h, mount, setText } from "./dom";
import { LiveHub, type ConnectionStatus } from "./hub";
import { renderAccount } from "./pages/account";
import { renderAlerts } from "./pages/alerts";
import { renderCluster } from "./pages/cluster";
import { renderDeadLetters } from "./pages/deadletters";
import { LivePage } from "./pages/live";
import { renderTransaction } from "./pages/transaction";
import { href, parseRoute, type Route } from "./routes";

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

const header = h(
  "header",
  { class: "topbar" },
  h("a", { class: "brand", href: href.live() }, h("span", { class: "brand-mark" }), "AkkaFraud"),
  h("nav", { class: "nav" }, navLive, navAlerts, navCluster, navDeadLetters),
  h("span", { class: "spacer" }),
  indicator,
);
const outlet = h("div", { class: "outlet" });
const app = document.getElementById("app")!;
mount(app, header, h("main", { class: "content" }, live.root, outlet));

// ---- routing ----------------------------------------------------------------

let pageAbort = new AbortController();

function render(route: Route): void {
  pageAbort.abort();
  pageAbort = new AbortController();
  const signal = pageAbort.signal;

  navLive.classList.toggle("active", route.page === "live");
  navAlerts.classList.toggle("active", route.page === "alerts");
  navCluster.classList.toggle("active", route.page === "cluster");
  navDeadLetters.classList.toggle("active", route.page === "deadletters");

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
    case "notfound":
      document.title = "Not found · AkkaFraud";
      mount(
        outlet,
        h("div", { class: "page" }, h("h1", null, "Not found"), h("p", null, "No page at ", h("code", null, `#${route.path}`), ". ", h("a", { href: href.live() }, "Back to live"), ".")),
      );
      break;
  }
}

window.addEventListener("hashchange", () => render(parseRoute(location.hash)));
render(parseRoute(location.hash));
hub.start();
