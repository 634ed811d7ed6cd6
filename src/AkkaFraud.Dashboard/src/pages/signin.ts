import { ApiError } from "../api";
import { card, h, mount } from "../dom";
import { href, navigate, safeNext } from "../routes";
import { me, signIn } from "../session";
import { errorBox } from "../ui/widgets";

/** Why the node sent the browser here (`problem=` of the redirect), as a person reads it. */
function problemText(problem: string): string {
  if (problem === "link") {
    return (
      "This sign-in link was already used or is not valid: each link the embedded node prints signs in once. " +
      "To get in, sign in below with an API key or the admin token, or restart the embedded node for a new link."
    );
  }
  return `Signing in did not work (${problem}). Sign in below with an API key or the admin token.`;
}

/**
 * Sign-in: a key (an API key or the admin token) is traded for a session cookie with POST /api/session, and the page
 * then goes on to `next` (the page that needed it) or the live page. The key is never kept, neither here nor in storage.
 */
export function renderSignIn(outlet: HTMLElement, params: URLSearchParams): void {
  const next = safeNext(params.get("next")) ?? href.live();
  const problem = params.get("problem");
  const key = h("input", {
    type: "password",
    class: "input",
    id: "signin-key",
    "data-testid": "signin-key",
    placeholder: "akf_… or the admin token",
    autocomplete: "off",
    spellcheck: "false",
  });
  const submit = h("button", { type: "submit", class: "btn btn-accent", "data-testid": "signin-submit" }, "Sign in");
  const error = h("div", { "aria-live": "polite" });
  const form = h(
    "form",
    { class: "signin-form", "data-testid": "signin-form" },
    h("label", { class: "field", for: "signin-key" }, "API key or admin token"),
    h("div", { class: "signin-row" }, key, submit),
    error,
  );

  form.addEventListener("submit", (e) => {
    e.preventDefault();
    void go();
  });

  async function go(): Promise<void> {
    const value = key.value.trim();
    if (!value) {
      mount(error, errorBox("Enter an API key or the admin token.", { "data-testid": "signin-error" }));
      return;
    }
    submit.disabled = true;
    mount(error);
    try {
      await signIn(value);
      key.value = "";
      navigate(next);
    } catch (e) {
      const message = e instanceof ApiError || e instanceof Error ? e.message : String(e);
      mount(error, errorBox(message, { "data-testid": "signin-error" }));
      key.select();
    } finally {
      submit.disabled = false;
    }
  }

  const current = me();
  mount(
    outlet,
    h(
      "div",
      { class: "page signin-page", "data-testid": "signin-page" },
      h("div", { class: "page-head" }, h("h1", null, "Sign in")),
      problem ? errorBox(problemText(problem), { "data-testid": "signin-problem" }) : null,
      card(
        "Your key",
        null,
        current?.authenticated
          ? h("p", { class: "muted" }, `Signed in as ${current.name ?? "?"} (${current.role ?? "no role"}). A key signed in with here takes its place.`)
          : null,
        form,
      ),
      card(
        "Where keys come from",
        null,
        h(
          "ul",
          { class: "help-list" },
          h("li", null, "An API key: an admin creates it with ", h("code", null, "akkafraud keys create --name <you> --role <role>"), " (shown once) and hands it to you."),
          h("li", null, "The admin token: the node's ", h("code", null, "AKKAFRAUD_ADMIN_TOKEN"), ", for bootstrapping and emergencies."),
          h("li", null, "An embedded node prints a one-time sign-in link (", h("code", null, "http://…/?login=…"), ") when it starts: open it to sign in without a key."),
        ),
        h("p", { class: "muted small" }, "The session is a cookie the node sets; the key is not kept in the browser. Sign out ends it."),
      ),
    ),
  );
  key.focus();
}
