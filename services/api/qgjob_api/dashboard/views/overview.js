// Overview: the figures of /v1/stats as cards, and charts — throughput and success rate per
// minute (/v1/stats/timeline), queue depth per target, installs done vs saved — kept current
// by the live events. The success rate (card and chart) and throughput cover the chosen time
// range; an operator may narrow every figure to one org. Both live in the address
// (#/overview?minutes=60&org_id=acme).

import { hbars, successChart, successRate, throughputChart } from "../charts.js";
import {
  STATUSES, TARGETS, errorBox, field, h, percent, plural, replace, seconds, select, throttle,
} from "../dom.js";

const RANGES = [15, 30, 60]; // minutes; the per-minute figures are kept an hour
const DEFAULT_MINUTES = 30;
const TIMELINE_REFRESH_MS = 30000;
const WAITING = ["queued", "scheduled", "error"];

function card(label, value, note, id) {
  return h("div", { class: "stat", id },
    h("p", { class: "stat-label" }, label),
    h("p", { class: "stat-value" }, value),
    note ? h("p", { class: "stat-note" }, note) : null);
}

function statCards(stats, points, minutes) {
  const by = stats.jobs_by_status || {};
  const { passed, judged } = successRate(points);
  const unfinished = ["queued", "scheduled", "running", "error"].reduce((n, s) => n + (by[s] || 0), 0);
  const installs = (stats.installs_done || 0) + (stats.installs_saved || 0);
  return h("div", { class: "stats-grid", id: "overview-cards" },
    card("Throughput", `${stats.jobs_per_minute} /min`, "jobs finished per minute, last 5 min", "stat-throughput"),
    card("Success rate", percent(passed, judged), `${passed} passed of ${plural(judged, "finished job")}, last ${minutes} min`, "stat-success"),
    card("Installs saved", String(stats.installs_saved || 0),
      `${percent(stats.installs_saved || 0, installs)} of ${plural(installs, "group")} needed no install`, "stat-installs"),
    card("Unfinished", String(unfinished), `${by.running || 0} running now`, "stat-unfinished"),
    card("Queue wait", seconds(stats.queue_wait_p50_s), `median; p95 ${seconds(stats.queue_wait_p95_s)}`, "stat-wait"),
    // jobs dead now (a requeued job is not); the counter also counts each death of a requeued job
    card("Dead jobs", String(by.dead || 0),
      `${plural(stats.dead_letters || 0, "dead-lettering")}, ${plural(stats.retries || 0, "retry", "retries")} so far`, "stat-dead"));
}

function queueDepth(stats) {
  const byTarget = stats.jobs_by_target || {};
  const items = TARGETS.map((t) => {
    const counts = byTarget[t] || {};
    const value = WAITING.reduce((n, s) => n + (counts[s] || 0), 0);
    const stream = stats.queues && stats.queues[t];
    return {
      label: t,
      value,
      cls: "fill-queue",
      note: stream ? `jobs · ${stream.depth} group${stream.depth === 1 ? "" : "s"} queued` : "jobs",
    };
  });
  return hbars("Queue depth per target", items);
}

function installs(stats) {
  const done = stats.installs_done || 0;
  const saved = stats.installs_saved || 0;
  return hbars("Installs done vs saved", [
    { label: "installed", value: done, cls: "fill-installed", note: "app installs" },
    { label: "saved", value: saved, cls: "fill-saved", note: "app already on the device" },
  ], { total: Math.max(1, done + saved) });
}

function byStatus(stats) {
  const by = stats.jobs_by_status || {};
  return hbars("Jobs by status", STATUSES.map((s) => ({ label: s, value: by[s] || 0, cls: `fill-${s}` })));
}

export const overviewView = {
  title: "Overview",
  render(main, ctx, { query }) {
    const operator = ctx.identity.kind !== "org";
    let minutes = RANGES.includes(Number(query.minutes)) ? Number(query.minutes) : DEFAULT_MINUTES;
    let org = operator ? (query.org_id || "") : "";
    const cards = h("div", { "aria-live": "off" });
    const throughput = h("section", { class: "card chart-card", "aria-label": "Throughput" });
    const success = h("section", { class: "card chart-card", "aria-label": "Success rate" });
    const depth = h("section", { class: "card", "aria-label": "Queue depth" });
    const installCard = h("section", { class: "card", "aria-label": "Installs" });
    const statusCard = h("section", { class: "card", "aria-label": "Jobs by status" });
    const problem = h("div");
    const scopeNote = h("p", { class: "muted", id: "overview-scope" });
    let timeline = null;
    let stats = null;

    const range = select("overview-range", "minutes",
      RANGES.map((m) => [String(m), `Last ${m} minutes`]), String(minutes));
    const controls = [field("Time range", range, "overview-range")];
    const orgInput = h("input", { id: "overview-org", name: "org_id", type: "text", value: org,
      autocomplete: "off", spellcheck: "false", placeholder: "every org" });
    if (operator) controls.push(field("Org", orgInput, "overview-org"));
    const form = h("form", { class: "filters", role: "search", "aria-label": "Overview range and org" },
      ...controls,
      h("div", { class: "filter-actions" }, h("button", { type: "submit", class: "button" }, "Apply")));

    replace(main,
      h("div", { class: "view-head" }, h("h1", {}, "Overview"), scopeNote),
      form, problem, cards,
      h("div", { class: "chart-grid" }, throughput, success),
      h("div", { class: "panel-grid" }, depth, installCard, statusCard));

    function showScope() {
      const who = ctx.identity.kind === "org" ? `org ${ctx.identity.org}` : org ? `org ${org}` : "every org";
      scopeNote.textContent = `Figures of ${who}; throughput and success rate over the last ${minutes} minutes.`;
    }

    const width = (el) => Math.max(280, el.clientWidth - 32);
    const params = () => (org ? { org_id: org } : {});

    function draw() {
      if (!timeline || !stats) return;
      replace(cards, statCards(stats, timeline.points, minutes));
      replace(throughput, throughputChart(timeline.points, width(throughput)));
      replace(success, successChart(timeline.points, width(success)));
    }

    async function loadStats() {
      try {
        stats = await ctx.api.stats(params());
        replace(depth, queueDepth(stats));
        replace(installCard, installs(stats));
        replace(statusCard, byStatus(stats));
        draw();
        problem.replaceChildren();
      } catch (err) {
        problem.replaceChildren(errorBox(err));
      }
    }

    async function loadTimeline() {
      try {
        timeline = await ctx.api.timeline(minutes, params());
        draw();
      } catch (err) {
        problem.replaceChildren(errorBox(err));
      }
    }

    form.addEventListener("submit", (e) => {
      e.preventDefault();
      minutes = Number(range.value);
      org = operator ? orgInput.value.trim() : "";
      const q = new URLSearchParams({ minutes: String(minutes), ...(org ? { org_id: org } : {}) });
      history.replaceState(null, "", `#/overview?${q}`);
      stats = timeline = null; // the cards wait for both figures of the new scope
      showScope();
      loadStats();
      loadTimeline();
    });
    range.addEventListener("change", () => form.requestSubmit());

    const refreshStats = throttle(loadStats, 1500);
    const charts = throttle(loadTimeline, 4000);
    const redraw = throttle(draw, 250);
    showScope();
    loadStats();
    loadTimeline();
    const timer = setInterval(loadTimeline, TIMELINE_REFRESH_MS);
    window.addEventListener("resize", redraw);
    const unsubscribe = ctx.live((event) => {
      if (org && event.org_id !== org) return;
      refreshStats();
      if (["passed", "failed", "dead", "cancelled", "queued"].includes(event.status)) charts();
    });
    return () => {
      clearInterval(timer);
      window.removeEventListener("resize", redraw);
      unsubscribe();
    };
  },
};
