// The credential the dashboard sends as a bearer token on every request and to the live hub (an API key, or the admin
// token): kept in local storage so that every page's key field starts with the one typed last.
import { h } from "./dom";

const TOKEN_KEY = "akkafraud.adminToken";

export function loadToken(): string {
  try {
    return localStorage.getItem(TOKEN_KEY) ?? "";
  } catch {
    return "";
  }
}

export function saveToken(token: string): void {
  try {
    if (token) localStorage.setItem(TOKEN_KEY, token);
    else localStorage.removeItem(TOKEN_KEY);
  } catch {
    // storage unavailable (private mode): the token lives only in the input
  }
}

/** A password field for the key, filled from storage and saved to it as it is typed. */
export function tokenInput(testId: string): HTMLInputElement {
  const input = h("input", { type: "password", class: "input", "data-testid": testId, placeholder: "API key or admin token", autocomplete: "off", spellcheck: "false" });
  input.value = loadToken();
  input.addEventListener("input", () => saveToken(input.value.trim()));
  return input;
}
