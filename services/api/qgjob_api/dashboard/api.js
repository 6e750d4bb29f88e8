// The qgjob HTTP API as the dashboard calls it: every request carries the signed-in token
// (none in open mode), and every error becomes an ApiError with the API's code and message.

const TOKEN_KEY = "qgjob.token";

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export function savedToken() {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function saveToken(token) {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
}

export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) {
    if (v !== undefined && v !== null && v !== "") q.set(k, String(v));
  }
  const text = q.toString();
  return text ? `?${text}` : "";
}

async function errorFrom(response) {
  let code = `http_${response.status}`;
  let message = `${response.status} ${response.statusText}`.trim();
  try {
    const body = await response.json();
    if (body && body.error) {
      code = body.error.code || code;
      message = body.error.message || message;
    } else if (body && body.detail) {
      message = typeof body.detail === "string" ? body.detail : message;
    }
  } catch {
    // not JSON: keep the status line
  }
  if (response.status === 429) {
    const wait = response.headers.get("Retry-After");
    if (wait) message += ` (retry in ${wait} s)`;
  }
  return new ApiError(response.status, code, message);
}

export class Api {
  constructor(token, onUnauthorized) {
    this.token = token || null;
    this.onUnauthorized = onUnauthorized || (() => {});
  }

  headers(extra) {
    const h = { Accept: "application/json", ...(extra || {}) };
    if (this.token) h.Authorization = `Bearer ${this.token}`;
    return h;
  }

  async request(method, path, { body, headers, signal, raw } = {}) {
    let response;
    try {
      response = await fetch(path, {
        method,
        headers: this.headers({
          ...(body !== undefined ? { "Content-Type": "application/json" } : {}),
          ...(headers || {}),
        }),
        body: body !== undefined ? JSON.stringify(body) : undefined,
        signal,
        cache: "no-store",
      });
    } catch (err) {
      if (err.name === "AbortError") throw err;
      throw new ApiError(0, "unreachable", "the API could not be reached");
    }
    if (!response.ok) {
      const error = await errorFrom(response);
      if (response.status === 401) this.onUnauthorized(error);
      throw error;
    }
    if (raw) return response;
    if (response.status === 204) return null;
    const type = response.headers.get("Content-Type") || "";
    return type.includes("application/json") ? response.json() : response.text();
  }

  get(path, options) {
    return this.request("GET", path, options);
  }

  post(path, body, options) {
    return this.request("POST", path, { ...(options || {}), body });
  }

  // Endpoints the dashboard uses.
  stats(params) { return this.get(`/v1/stats${query(params)}`); }
  timeline(minutes, params) { return this.get(`/v1/stats/timeline${query({ minutes, ...(params || {}) })}`); }
  jobs(params) { return this.get(`/v1/jobs${query(params)}`); }
  job(id) { return this.get(`/v1/jobs/${encodeURIComponent(id)}`); }
  jobLog(id) { return this.get(`/v1/jobs/${encodeURIComponent(id)}/logs`); }
  artifacts(id) { return this.get(`/v1/jobs/${encodeURIComponent(id)}/artifacts`); }
  cancel(id) { return this.post(`/v1/jobs/${encodeURIComponent(id)}/cancel`); }
  submit(payload) { return this.post("/v1/jobs", payload); }
  requeue(id) { return this.post(`/v1/dead-letters/${encodeURIComponent(id)}/requeue`); }
  deadLetters(params) { return this.get(`/v1/dead-letters${query(params)}`); }
  requeueDeadLetters(selection) { return this.post("/v1/dead-letters/requeue", selection); }
  purgeDeadLetters(selection) { return this.post("/v1/dead-letters/purge", selection); }
  suite(id) { return this.get(`/v1/suites/${encodeURIComponent(id)}`); }
  cancelSuite(id) { return this.post(`/v1/suites/${encodeURIComponent(id)}/cancel`); }
  groups(params) { return this.get(`/v1/groups${query(params)}`); }
  group(id) { return this.get(`/v1/groups/${encodeURIComponent(id)}`); }
  workers() { return this.get("/v1/workers"); }

  // A file the API serves behind the token (artifacts): fetched, then saved by the browser.
  async download(url, filename) {
    const response = await this.request("GET", url, { raw: true, headers: { Accept: "*/*" } });
    const blob = await response.blob();
    const href = URL.createObjectURL(blob);
    const a = document.createElement("a");
    a.href = href;
    a.download = filename;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(href), 10000);
  }
}
