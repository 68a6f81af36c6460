// The session and every call to the REST API. Pages never call fetch
// themselves, so errors, sign-out on 401 and the API base stay in one place.

const KEY = "oms.session";

// Read once: the pages may be served by a static host pointed at another origin.
const meta = document.querySelector('meta[name="oms-api"]');
export const API_BASE = ((meta && meta.getAttribute("content")) || "").trim().replace(/\/+$/, "");

export class ApiError extends Error {
  constructor({ status = 0, code = "unknown", detail = "", fields = [], body = null, retryAfter = null, requestId = null }) {
    super(detail || code);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.detail = detail;
    this.fields = fields;
    this.body = body;
    this.retryAfter = retryAfter;
    this.requestId = requestId;
  }
}

function storage() {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

// Why the last session went, when it ended on its own: the sign-in page
// says so rather than leaving the person to wonder.
let ended = null;

export function session() {
  const store = storage();
  const raw = store && store.getItem(KEY);
  if (!raw) return null;
  let value;
  try {
    value = JSON.parse(raw);
  } catch {
    store.removeItem(KEY);
    return null;
  }
  const expires = value && Date.parse(value.expiresAt);
  // A session stored before accounts carried their permissions cannot say
  // what the person may do: signing in again brings them.
  const valid = value && typeof value.token === "string" && value.user && Array.isArray(value.user.permissions);
  if (!valid || !(expires > Date.now())) {
    if (valid) ended = "expired";
    store.removeItem(KEY);
    return null;
  }
  return value;
}

export function saveSession({ token, expiresAt, user }) {
  const store = storage();
  if (store) store.setItem(KEY, JSON.stringify({ token, expiresAt, user }));
}

// Keeps the token, refreshes what the pages show about the user.
export function updateSessionUser(user) {
  const current = session();
  if (current) saveSession({ ...current, user });
}

export function forgetSession() {
  const store = storage();
  if (store) store.removeItem(KEY);
}

export function signOut() {
  forgetSession();
  location.assign("/login");
}

// Only a path on this origin: "//evil.example" and "/\evil.example" are
// other hosts to a browser, and "javascript:" is not a path at all. The
// normalised path is checked again, as "/.//evil.example" or
// "/%2e%2e//evil.example" only become "//evil.example" once dots are resolved.
function isLocalPath(path) {
  return path.startsWith("/") && !path.startsWith("//") && !path.startsWith("/\\");
}

export function safeNext(value) {
  if (typeof value !== "string" || value.length > 2048) return null;
  if (!isLocalPath(value) || /[\u0000-\u001f\u007f\\]/.test(value)) return null;
  let url;
  try {
    url = new URL(value, location.origin);
  } catch {
    return null;
  }
  if (url.origin !== location.origin || !isLocalPath(url.pathname)) return null;
  const path = url.pathname + url.search + url.hash;
  // What the caller navigates to must read back as this origin too.
  try {
    return new URL(path, location.origin).origin === location.origin ? path : null;
  } catch {
    return null;
  }
}

// Permissions come from the server with the account; the role name decides nothing here.
export function can(user, permission) {
  return Boolean(user && Array.isArray(user.permissions) && user.permissions.includes(permission));
}

export function homeFor(user) {
  if (can(user, "viewAllOrders")) return "/admin";
  return can(user, "placeOwnOrder") ? "/my-orders" : "/order";
}

/**
 * Calls `handler` when another tab signs out (or the session is cleared):
 * the storage event never fires in the tab that made the change.
 */
export function onSignedOutElsewhere(handler) {
  window.addEventListener("storage", (event) => {
    if (event.key !== null && event.key !== KEY) return;
    if (event.key === KEY && event.newValue !== null) return;
    handler();
  });
}

// Sends the browser to sign in and comes back here afterwards. `reason`
// (`expired`, `refused`) is said on the sign-in page.
export function goSignIn(reason) {
  forgetSession();
  const why = reason || ended;
  const here = safeNext(location.pathname + location.search);
  const params = [];
  // Slashes may stand unescaped in a query: /login?next=/admin reads better.
  if (here && here !== "/") params.push(`next=${encodeURIComponent(here).replace(/%2F/g, "/")}`);
  if (why) params.push(`reason=${why}`);
  location.replace(params.length ? `/login?${params.join("&")}` : "/login");
}

function retryAfterOf(res) {
  const raw = res.headers.get("Retry-After");
  if (!raw) return null;
  const secs = Number(raw);
  if (Number.isFinite(secs)) return Math.max(0, Math.ceil(secs));
  const when = Date.parse(raw);
  return Number.isFinite(when) ? Math.max(0, Math.ceil((when - Date.now()) / 1000)) : null;
}

async function toApiError(res) {
  let body = null;
  const type = res.headers.get("Content-Type") || "";
  if (type.includes("json")) {
    try {
      body = await res.json();
    } catch {
      body = null;
    }
  }
  const fallback = res.status === 429 ? "rate_limited" : res.status >= 500 ? "internal" : `http_${res.status}`;
  return new ApiError({
    status: res.status,
    code: (body && typeof body.code === "string" && body.code) || fallback,
    detail: (body && typeof body.detail === "string" && body.detail) || res.statusText,
    fields: (body && Array.isArray(body.errors) && body.errors) || [],
    body,
    retryAfter: retryAfterOf(res),
    requestId: res.headers.get("X-Request-Id"),
  });
}

// Never settles: the page is navigating away, and callers should neither
// show an error nor re-enable anything in the meantime.
const leaving = () => new Promise(() => {});

/**
 * JSON in, JSON out. `auth` sends the token when there is one; `optional`
 * (public pages) retries without it when the server refuses the token
 * instead of sending the person to sign in. `raw` returns the Response.
 */
export async function request(method, path, { body, headers = {}, auth = true, optional = false, raw = false, signal } = {}) {
  const current = auth ? session() : null;
  const sent = { Accept: "application/json, application/problem+json", ...headers };
  if (body !== undefined) sent["Content-Type"] = "application/json";
  if (current) sent.Authorization = `Bearer ${current.token}`;
  let res;
  try {
    res = await fetch(API_BASE + path, {
      method,
      headers: sent,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "omit",
      cache: "no-store",
      signal,
    });
  } catch (err) {
    if (err && err.name === "AbortError") throw err;
    throw new ApiError({ code: "network", detail: "Could not reach the server. Check your connection and try again." });
  }
  if (res.status === 401 && current) {
    if (optional) {
      forgetSession();
      return request(method, path, { body, headers, auth: false, raw, signal });
    }
    goSignIn("refused");
    return leaving();
  }
  if (!res.ok) throw await toApiError(res);
  if (raw) return res;
  const text = await res.text();
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError({ status: res.status, code: "malformed_response", detail: "The server sent an answer this page cannot read." });
  }
}

// Query text from an object, leaving out empty values (the API refuses
// "?status=" and "?limit=": a typed parameter is given well formed or not at all).
export function query(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== "") search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}
