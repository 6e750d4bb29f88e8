// The dashboard: sign-in, the live event feed shared by every view, and a hash router.

import { Api, ApiError, saveToken, savedToken } from "./api.js";
import { EventStream } from "./stream.js";
import { overviewView } from "./views/overview.js";
import { jobsView } from "./views/jobs.js";
import { jobView } from "./views/job.js";
import { suitesView } from "./views/suites.js";
import { suiteView } from "./views/suite.js";
import { groupsView, groupView } from "./views/groups.js";
import { workersView } from "./views/workers.js";
import { deadLettersView } from "./views/dead_letters.js";

const VIEWS = {
  overview: overviewView,
  jobs: jobsView,
  job: jobView,
  suites: suitesView,
  suite: suiteView,
  groups: groupsView,
  group: groupView,
  workers: workersView,
  "dead-letters": deadLettersView,
};

const $ = (id) => document.getElementById(id);

// Every job event of the signed-in scope, from one resumable stream, to every subscriber.
const READY_WAIT_MS = 3000; // a view waits this long at most for the live feed to start

class LiveFeed {
  constructor(api, onUnauthorized) {
    this.subscribers = new Set();
    this.state = "connecting";
    // Resolved once the stream has started (every later change will come through it), or
    // when it cannot: a view that lists what exists waits for it, so no change falls
    // between its list and the stream.
    this.ready = new Promise((resolve) => { this.markReady = resolve; });
    setTimeout(() => this.markReady(), READY_WAIT_MS);
    this.stream = new EventStream(api, "/v1/events", {
      onOpen: () => this.markReady(),
      onEvent: (frame, event) => {
        if (frame.event !== "message" || !event) return;
        for (const fn of this.subscribers) fn(event);
      },
      onState: (state) => this.show(state),
      onError: onUnauthorized,
    });
  }

  start() { this.stream.start(); }
  stop() { this.stream.stop(); this.subscribers.clear(); }

  subscribe(fn) {
    this.subscribers.add(fn);
    return () => this.subscribers.delete(fn);
  }

  show(state) {
    this.state = state;
    if (state === "closed") this.markReady();
    const el = $("live-indicator");
    const text = {
      connecting: "Connecting…",
      live: "Live",
      retrying: "Reconnecting…",
      closed: "Offline",
    }[state];
    el.dataset.state = state;
    el.querySelector(".live-text").textContent = text;
  }
}

class Dashboard {
  constructor() {
    this.api = null;
    this.feed = null;
    this.cleanup = null;
    this.identity = null;
    this.rendered = false;
  }

  async boot() {
    $("signin-form").addEventListener("submit", (e) => { e.preventDefault(); this.signIn(); });
    $("signout-button").addEventListener("click", () => this.signOut());
    // The skip link moves focus itself: its "#main" must not reach the hash router.
    document.querySelector(".skip-link").addEventListener("click", (e) => {
      e.preventDefault();
      const target = $("app-screen").hidden ? $("token-input") : $("main");
      target.focus();
    });
    window.addEventListener("hashchange", () => this.route(true));
    // Leaving the page closes its event streams at once (a page kept in the back-forward
    // cache would hold them open); coming back opens them again.
    window.addEventListener("pagehide", () => this.pause());
    window.addEventListener("pageshow", (e) => { if (e.persisted) this.resume(); });
    const token = savedToken();
    if (token) {
      await this.tryEnter(token, "Your saved token was refused; sign in again.");
      return;
    }
    // Open mode (`qgjob up` without QGJOB_ADMIN_TOKEN): the API answers without a token.
    try {
      const stats = await new Api(null).stats();
      this.enter(null, stats);
    } catch (err) {
      this.showSignIn(err instanceof ApiError && err.status === 401 ? "" : err.message);
    }
  }

  async tryEnter(token, refusedMessage) {
    try {
      const stats = await new Api(token).stats();
      saveToken(token);
      this.enter(token, stats);
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) {
        saveToken(null);
        this.showSignIn(refusedMessage ? `${refusedMessage} (${err.message})` : err.message);
      } else {
        this.showSignIn(`Could not sign in: ${err.message}`);
      }
    }
  }

  async signIn() {
    const input = $("token-input");
    const token = input.value.trim();
    if (!token) {
      this.showSignIn("Enter a token.");
      return;
    }
    const button = $("signin-button");
    button.disabled = true;
    button.textContent = "Signing in…";
    try {
      await this.tryEnter(token, "That token was refused");
    } finally {
      button.disabled = false;
      button.textContent = "Sign in";
    }
  }

  showSignIn(message) {
    this.teardown();
    $("app-screen").hidden = true;
    $("signin-screen").hidden = false;
    document.title = "Sign in · qgjob";
    const error = $("signin-error");
    error.textContent = message || "";
    const input = $("token-input");
    input.setAttribute("aria-invalid", message ? "true" : "false");
    input.focus();
  }

  enter(token, stats) {
    this.api = new Api(token, () => this.expired());
    this.identity = token
      ? { kind: stats.org_id ? "org" : "operator", org: stats.org_id }
      : { kind: "open", org: null };
    $("token-input").value = "";
    $("signin-error").textContent = "";
    $("signin-screen").hidden = true;
    $("app-screen").hidden = false;
    $("open-banner").hidden = this.identity.kind !== "open";
    $("signout-button").hidden = this.identity.kind === "open";
    $("identity").textContent = {
      org: `Org ${this.identity.org}`,
      operator: "Operator (all orgs)",
      open: "Open mode",
    }[this.identity.kind];
    this.feed = new LiveFeed(this.api, () => this.expired());
    this.feed.start();
    if (!location.hash || location.hash === "#") history.replaceState(null, "", "#/overview");
    this.route(false);
  }

  pause() {
    if (this.cleanup) this.cleanup();
    this.cleanup = null;
    if (this.feed) this.feed.stop();
  }

  resume() {
    if (!this.api) return;
    this.feed = new LiveFeed(this.api, () => this.expired());
    this.feed.start();
    this.route(false);
  }

  expired() {
    saveToken(null);
    this.showSignIn("Your token was refused (revoked or invalid); sign in again.");
  }

  signOut() {
    saveToken(null);
    this.showSignIn("");
  }

  teardown() {
    if (this.cleanup) this.cleanup();
    this.cleanup = null;
    if (this.feed) this.feed.stop();
    this.feed = null;
    $("main").replaceChildren();
  }

  parse() {
    const raw = location.hash.replace(/^#\/?/, "");
    const [path, search] = raw.split("?");
    const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
    const query = Object.fromEntries(new URLSearchParams(search || ""));
    let name = parts[0] || "overview";
    let id = null;
    if (name === "jobs" && parts[1]) { name = "job"; id = parts[1]; }
    if (name === "groups" && parts[1]) { name = "group"; id = parts[1]; }
    if (name === "suites" && parts[1]) { name = "suite"; id = parts[1]; }
    if (!VIEWS[name]) name = "overview";
    return { name, id, query };
  }

  route(focus) {
    if (!this.api) return;
    const { name, id, query } = this.parse();
    if (this.cleanup) this.cleanup();
    const view = VIEWS[name];
    const main = $("main");
    main.replaceChildren();
    const section = { job: "jobs", group: "groups", suite: "suites" }[name] || name;
    for (const a of document.querySelectorAll(".sidenav a")) {
      if (a.dataset.view === section) a.setAttribute("aria-current", "page");
      else a.removeAttribute("aria-current");
    }
    document.title = `${view.title} · qgjob`;
    this.cleanup = view.render(main, this.context(), { id, query }) || null;
    if (focus) {
      const heading = main.querySelector("h1");
      if (heading) {
        heading.setAttribute("tabindex", "-1");
        heading.focus();
      }
    }
  }

  context() {
    return {
      api: this.api,
      identity: this.identity,
      live: (fn) => this.feed.subscribe(fn),
      liveReady: () => this.feed.ready,
      announce: (text) => announce($("announcer"), text),
      alert: (text) => announce($("alert-announcer"), text),
      navigate: (hash) => { location.hash = hash; },
    };
  }
}

function announce(el, text) {
  el.textContent = "";
  // a fresh text node a moment later is announced even when the text repeats
  setTimeout(() => { el.textContent = text; }, 50);
}

new Dashboard().boot();
