// Server-sent events read with fetch and a stream reader (EventSource cannot send the
// Authorization header). Reconnects with backoff and resumes after the last event id it saw,
// both as the `last_event_id` query parameter and the `Last-Event-ID` header.

const KEEPALIVE_TIMEOUT_MS = 45000; // the API sends a keep-alive every 15 s by default
const MAX_BACKOFF_MS = 15000;
const STEADY_RETRIES = 5;

// Splits a text stream into SSE frames: {event, data, id}.
export class SseParser {
  constructor(onFrame, onRetry) {
    this.onFrame = onFrame;
    this.onRetry = onRetry || (() => {});
    this.buffer = "";
    this.reset();
  }

  reset() {
    this.event = "";
    this.data = [];
    this.id = null;
  }

  push(text) {
    this.buffer += text;
    const lines = this.buffer.split(/\r\n|\r|\n/);
    this.buffer = lines.pop();
    for (const line of lines) this.line(line);
  }

  line(line) {
    if (line === "") {
      if (this.data.length || this.event) {
        this.onFrame({ event: this.event || "message", data: this.data.join("\n"), id: this.id });
      }
      this.reset();
      return;
    }
    if (line.startsWith(":")) return; // a comment: keep-alive
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "data") this.data.push(value);
    else if (field === "event") this.event = value;
    else if (field === "id") this.id = value;
    else if (field === "retry" && /^\d+$/.test(value)) this.onRetry(Number(value));
  }
}

// One resumable event stream.
//   url: the endpoint; cursor: resume after this id (optional)
//   onEvent(frame, json): each frame; onState(state): "connecting" | "live" | "retrying" | "closed"
//   shouldReconnect(): asked when the server ends the stream (default: always)
//   onUnauthorized(error): a 401
export class EventStream {
  constructor(api, url, { cursor, onEvent, onState, shouldReconnect, onError, onOpen } = {}) {
    this.api = api;
    this.url = url;
    this.cursor = cursor || null;
    this.onEvent = onEvent || (() => {});
    // called on the stream's first line (`retry:`): the server has fixed where it starts
    this.onOpen = onOpen || (() => {});
    this.onState = onState || (() => {});
    this.onError = onError || (() => {});
    this.shouldReconnect = shouldReconnect || (() => true);
    this.retryMs = 2000;
    this.failures = 0;
    this.stopped = false;
    this.controller = null;
    this.timer = null;
    this.watchdog = null;
  }

  start() {
    this.stopped = false;
    this.connect();
    return this;
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    clearTimeout(this.watchdog);
    if (this.controller) this.controller.abort();
    this.onState("closed");
  }

  target() {
    if (!this.cursor) return this.url;
    const sep = this.url.includes("?") ? "&" : "?";
    return `${this.url}${sep}last_event_id=${encodeURIComponent(this.cursor)}`;
  }

  armWatchdog() {
    clearTimeout(this.watchdog);
    this.watchdog = setTimeout(() => {
      if (this.controller) this.controller.abort(); // silent too long: reconnect
    }, KEEPALIVE_TIMEOUT_MS);
  }

  async connect() {
    if (this.stopped) return;
    this.controller = new AbortController();
    this.onState(this.failures ? "retrying" : "connecting");
    let ended = "error";
    try {
      const headers = { Accept: "text/event-stream" };
      if (this.cursor) headers["Last-Event-ID"] = this.cursor;
      const response = await this.api.request("GET", this.target(), {
        raw: true,
        headers,
        signal: this.controller.signal,
      });
      this.failures = 0;
      this.onState("live");
      await this.read(response);
      ended = "done";
    } catch (err) {
      if (this.stopped) return;
      if (err.status === 401 || err.status === 403 || err.status === 404) {
        this.onError(err);
        this.stopped = true;
        this.onState("closed");
        return;
      }
    } finally {
      clearTimeout(this.watchdog);
    }
    if (this.stopped) return;
    if (ended === "done" && !this.shouldReconnect()) {
      this.stopped = true;
      this.onState("closed");
      return;
    }
    this.failures += ended === "done" ? 0 : 1;
    // like EventSource: retry after the server's `retry:` time; back off only when a few
    // attempts in a row failed (the API is down for longer than a restart)
    const doublings = Math.max(0, this.failures - STEADY_RETRIES);
    const backoff = Math.min(MAX_BACKOFF_MS, this.retryMs * 2 ** doublings);
    const wait = ended === "done" ? 0 : backoff * (0.75 + Math.random() * 0.5);
    this.onState("retrying");
    this.timer = setTimeout(() => this.connect(), wait);
  }

  async read(response) {
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    const parser = new SseParser(
      (frame) => this.frame(frame),
      (ms) => { this.retryMs = ms; this.onOpen(); },
    );
    this.armWatchdog();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      this.armWatchdog();
      parser.push(decoder.decode(value, { stream: true }));
    }
    parser.push(decoder.decode());
  }

  frame(frame) {
    if (frame.id) this.cursor = frame.id;
    let json = null;
    try {
      json = frame.data ? JSON.parse(frame.data) : null;
    } catch {
      return;
    }
    this.onEvent(frame, json);
  }
}
