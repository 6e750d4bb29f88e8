// Overview: the figures of /v1/stats as cards, and charts — throughput and success rate per
// minute (/v1/stats/timeline), queue depth per target, installs done vs saved — kept current
// by the live events.

import { hbars, successChart, throughputChart } from "../charts.js";
import { STATUSES, TARGETS, errorBox, h, percent, replace, seconds, throttle } from "../dom.js";

const MINUTES = 30;
const TIMELINE_REFRESH_MS = 30000;
const WAITING = ["queued", "scheduled", "error"];

function card(label, value, note, id) {
  return h("div", { class: "stat", id },
    h("p", { class: "stat-label" }, label),
    h("p", { class: "stat-value" }, value),
    note ? h("p", { class: "stat-note" }, note) : null);
}

function statCards(stats) {
  const by = stats.jobs_by_status || {};
  const judged = (by.passed || 0) + (by.failed || 0) + (by.dead || 0);
  const unfinished = ["queued", "scheduled", "running", "error"].reduce((n, s) => n + (by[s] || 0), 0);
  const installs = (stats.installs_done || 0) + (stats.installs_saved || 0);
  return h("div", { class: "stats-grid", id: "overview-cards" },
    card("Throughput", `${stats.jobs_per_minute} /min`, "jobs finished per minute, last 5 min", "stat-throughput"),
    card("Success rate", percent(by.passed || 0, judged), `${by.passed || 0} passed of ${judged} finished`, "stat-success"),
    card("Installs saved", String(stats.installs_saved || 0),
      `${percent(stats.installs_saved || 0, installs)} of ${installs} groups needed no install`, "stat-installs"),
    card("Unfinished", String(unfinished), `${by.running || 0} running now`, "stat-unfinished"),
    card("Queue wait", seconds(stats.queue_wait_p50_s), `median; p95 ${seconds(stats.queue_wait_p95_s)}`, "stat-wait"),
    card("Dead letters", String(stats.dead_letters || 0), `${stats.retries || 0} retries so far`, "stat-dead"));
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
  render(main, ctx) {
    const cards = h("div", { "aria-live": "off" });
    const throughput = h("section", { class: "card chart-card", "aria-label": "Throughput" });
    const success = h("section", { class: "card chart-card", "aria-label": "Success rate" });
    const depth = h("section", { class: "card", "aria-label": "Queue depth" });
    const installCard = h("section", { class: "card", "aria-label": "Installs" });
    const statusCard = h("section", { class: "card", "aria-label": "Jobs by status" });
    const problem = h("div");
    let timeline = null;

    replace(main,
      h("div", { class: "view-head" }, h("h1", {}, "Overview"),
        h("p", { class: "muted" }, ctx.identity.kind === "org"
          ? `Figures of org ${ctx.identity.org}.` : "Figures of every org.")),
      problem, cards,
      h("div", { class: "chart-grid" }, throughput, success),
      h("div", { class: "panel-grid" }, depth, installCard, statusCard));

    const width = (el) => Math.max(280, el.clientWidth - 32);

    function drawCharts() {
      if (!timeline) return;
      replace(throughput, throughputChart(timeline.points, width(throughput)));
      replace(success, successChart(timeline.points, width(success)));
    }

    async function loadStats() {
      try {
        const stats = await ctx.api.stats();
        replace(cards, statCards(stats));
        replace(depth, queueDepth(stats));
        replace(installCard, installs(stats));
        replace(statusCard, byStatus(stats));
        problem.replaceChildren();
      } catch (err) {
        problem.replaceChildren(errorBox(err));
      }
    }

    async function loadTimeline() {
      try {
        timeline = await ctx.api.timeline(MINUTES);
        drawCharts();
      } catch (err) {
        problem.replaceChildren(errorBox(err));
      }
    }

    const stats = throttle(loadStats, 1500);
    const charts = throttle(loadTimeline, 4000);
    const redraw = throttle(drawCharts, 250);
    loadStats();
    loadTimeline();
    const timer = setInterval(loadTimeline, TIMELINE_REFRESH_MS);
    window.addEventListener("resize", redraw);
    const unsubscribe = ctx.live((event) => {
      stats();
      if (["passed", "failed", "dead", "cancelled"].includes(event.status)) charts();
    });
    return () => {
      clearInterval(timer);
      window.removeEventListener("resize", redraw);
      unsubscribe();
    };
  },
};
