// Calls to the public API: the same routes, auth and cache as any other client.
// The JWT lives in this tab's sessionStorage (never in the URL); the tenant goes in X-Tenant-ID.

const TOKEN_KEY = "zaplify.dashboard.token";

export function getToken() { return sessionStorage.getItem(TOKEN_KEY) || ""; }
export function setToken(token) {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
}

export class ApiError extends Error {
  constructor(status, code, message, field) {
    super(message);
    this.status = status;
    this.code = code;
    this.field = field;
  }
  /** One sentence a person can act on. */
  get readable() {
    if (this.status === 401) return `Not signed in: ${this.message}. Enter a valid API token (“API token” above).`;
    if (this.status === 403) return `Not allowed: ${this.message}.`;
    if (this.status === 0) return `The server could not be reached (${this.message}).`;
    const field = this.field ? ` (parameter “${this.field}”)` : "";
    return `The API answered ${this.status}${field}: ${this.message}`;
  }
}

function headers(tenant, extra = {}) {
  const h = { Accept: "application/json", ...extra };
  const token = getToken();
  if (token) h.Authorization = `Bearer ${token}`;
  if (tenant) h["X-Tenant-ID"] = tenant;
  return h;
}

/** "/metrics/kpi" + {from, to} → "/metrics/kpi?from=…&to=…" (empty values left out). */
export function apiUrl(path, params = {}) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== "") q.set(k, v);
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

async function send(url, tenant, extraHeaders) {
  let response;
  try {
    response = await fetch(url, { headers: headers(tenant, extraHeaders), cache: "no-store" });
  } catch (e) {
    throw new ApiError(0, "network", e.message || "network error");
  }
  if (response.ok) return response;
  let body = null;
  try { body = await response.json(); } catch { /* not JSON: keep the status */ }
  const err = body && body.error ? body.error : {};
  throw new ApiError(response.status, err.code || "http_error", err.message || response.statusText || "error",
                     err.field || null);
}

/** GET a JSON endpoint; throws ApiError. */
export async function getJson(path, params, tenant) {
  const response = await send(apiUrl(path, params), tenant);
  return response.json();
}

/** Downloads an export through fetch (so the token header goes along) and saves it as a file. */
export async function download(params, tenant) {
  const response = await send(apiUrl("/analytics/export/metrics", params), tenant);
  const disposition = response.headers.get("Content-Disposition") || "";
  const match = /filename="([^"]+)"/.exec(disposition);
  const name = match ? match[1] : `${params.dataset}.${params.format}`;
  const blob = await response.blob();
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10000);
  return { name, bytes: blob.size };
}
