// A suite's page (#/suites/<id>, the link `qgjob submit --wait` prints): its progress, its
// jobs with the failures first and flaky passes marked, durations, the installs its
// grouping saved, and its JUnit report; kept current by the live events.

import { flakyBadge, isFlaky } from "./jobs.js";
import { suiteProgress } from "./suites.js";
import {
  badge, errorBox, h, labelCells, pathText, plural, replace, seconds, shortId, tableWrap,
  throttle, time,
} from "../dom.js";

const PAGE = 500;
const MAX_GROUPS = 100;
// failures first, then what is still going on, then the passes
const ORDER = ["failed", "dead", "cancelled", "error", "running", "scheduled", "queued", "passed"];

function rank(job) {
  const i = ORDER.indexOf(job.status);
  return i < 0 ? ORDER.length : i;
}

// The job's duration as qgjob shows it everywhere: all its runs (a flaky test's reruns too).
function duration(job) {
  if (job.result && (job.result.total_s || job.result.duration_s)) return job.result.total_s || job.result.duration_s;
  if (job.started_at && job.finished_at) return (Date.parse(job.finished_at) - Date.parse(job.started_at)) / 1000;
  return null;
}

function stat(label, value, note, id) {
  return h("div", { class: "stat", id },
    h("p", { class: "stat-label" }, label),
    h("p", { class: "stat-value" }, value),
    note ? h("p", { class: "stat-note" }, note) : null);
}

export const suiteView = {
  title: "Suite",
  render(main, ctx, { id }) {
    const head = h("div", { class: "view-head" }, h("h1", {}, "Suite ", h("span", { class: "mono" }, id)));
    const problem = h("div");
    const overview = h("section", { class: "card", "aria-labelledby": "suite-progress-title" });
    const figures = h("div", { class: "stats-grid", id: "suite-figures" });
    const feedback = h("p", { class: "feedback", id: "suite-feedback", "aria-live": "polite" });
    const tbody = h("tbody");
    const headers = ["Job", "Status", "Test", "Target", "Attempts", "Duration", "Finished"];
    const grid = h("table", { class: "data cards", id: "suite-jobs" },
      h("caption", { class: "visually-hidden" }, "The suite's jobs, failures first"),
      h("thead", {}, h("tr", {}, headers.map((t) => h("th", { scope: "col" }, t)))), tbody);
    const junit = h("button", { type: "button", class: "button", id: "suite-junit",
      onclick: () => download() }, "Download JUnit report");
    const cancel = h("button", { type: "button", class: "button danger", id: "suite-cancel", hidden: true,
      onclick: () => cancelSuite() }, "Cancel suite");
    const jobsLink = h("a", { class: "button subtle", href: `#/jobs?suite_id=${encodeURIComponent(id)}` },
      "Open in the jobs list");

    replace(main, head, problem, feedback, overview, figures,
      h("div", { class: "toolbar" }, junit, jobsLink, h("span", { class: "spacer" }), cancel),
      h("h2", { id: "suite-jobs-title" }, "Jobs, failures first"),
      tableWrap("The suite's jobs", grid));

    let suite = null;
    let jobs = [];
    const groups = new Map(); // group id -> group (installed: true, false or null)

    async function cancelSuite() {
      if (!window.confirm("Cancel every unfinished job of this suite? Finished jobs keep their results.")) return;
      cancel.disabled = true;
      feedback.classList.remove("is-error");
      try {
        const done = await ctx.api.cancelSuite(id);
        feedback.textContent = `Suite cancelled: ${plural(done.cancelled, "waiting job")} cancelled, `
          + `${plural(done.stopping, "running job")} asked to stop, ${done.already_finished} already finished.`;
        await load();
      } catch (err) {
        feedback.classList.add("is-error");
        feedback.textContent = `The suite could not be cancelled: ${err.message}`;
        ctx.alert(feedback.textContent);
      }
      cancel.disabled = false;
    }

    function drawHead() {
      cancel.hidden = suite.finished;
      const state = !suite.finished ? badge("running", "") : suite.passed ? badge("passed", "") : badge("failed", "");
      state.textContent = !suite.finished ? "in progress" : suite.passed ? "all passed" : "finished with failures";
      replace(head, h("h1", { id: "suite-title" }, suite.name || suite.id, " ", state),
        h("p", { class: "suite-meta" }, h("span", { class: "mono" }, suite.id), " · org ", suite.org_id,
          " · app ", suite.app_version_id, " · ", suite.targets.join(", "), " · created ", time(suite.created_at)));
      const { bar, finished, total } = suiteProgress(suite, "suite-progress-title");
      const c = suite.counts || {};
      replace(overview, h("h2", { id: "suite-progress-title" }, "Progress"), bar,
        h("p", { class: "suite-counts", id: "suite-counts" },
          h("strong", {}, `${finished}/${total}`), " finished · ",
          `${c.passed || 0} passed · ${c.failed || 0} failed · ${c.dead || 0} dead · ${c.cancelled || 0} cancelled · `,
          `${c.running || 0} running · ${(c.queued || 0) + (c.scheduled || 0) + (c.error || 0)} waiting`));
    }

    function drawFigures() {
      const flaky = jobs.filter(isFlaky);
      const times = jobs.map(duration).filter((d) => d !== null);
      const total = times.reduce((a, b) => a + b, 0);
      const slowest = jobs.reduce((best, j) => ((duration(j) || 0) > (duration(best) || 0) ? j : best), jobs[0]);
      const ends = jobs.map((j) => j.finished_at).filter(Boolean).map(Date.parse);
      const wall = suite && ends.length ? (Math.max(...ends) - Date.parse(suite.created_at)) / 1000 : null;
      const known = [...groups.values()].filter((g) => g.installed !== null && g.installed !== undefined);
      const installs = known.filter((g) => g.installed).length;
      const onDevice = known.filter((g) => !g.installed).length;
      const knownIds = new Set(known.map((g) => g.id));
      const ran = jobs.filter((j) => j.started_at && knownIds.has(j.group_id)).length;
      const saved = Math.max(0, ran - installs);
      replace(figures,
        stat("Flaky", String(flaky.length), flaky.length
          ? `passed on a retry: ${flaky.map((j) => j.test_path).join(", ")}` : "no test needed a retry to pass", "suite-flaky"),
        stat("Test time", seconds(times.length ? total : null),
          slowest && duration(slowest) ? `slowest ${slowest.test_path} (${seconds(duration(slowest))})` : "no test has run yet",
          "suite-durations"),
        stat("Wall time", seconds(wall), "created → last result", "suite-wall"),
        stat("Installs saved", String(saved),
          `${plural(installs, "install")} served ${plural(ran, "job")} in ${plural(known.length, "group")}` +
          (onDevice ? `; ${plural(onDevice, "group")} found the app on the device` : ""),
          "suite-installs"));
    }

    function drawJobs() {
      const sorted = [...jobs].sort((a, b) => rank(a) - rank(b) || a.test_path.localeCompare(b.test_path));
      tbody.replaceChildren(...sorted.map((job) => {
        const flaky = isFlaky(job);
        const status = h("td", { class: "status-cell" }, badge(job.status), flaky ? [" ", flakyBadge(job)] : null);
        const cells = [
          h("td", {}, h("a", { href: `#/jobs/${encodeURIComponent(job.id)}`, class: "mono", title: job.id,
            "aria-label": `Job ${job.id}` }, shortId(job.id))),
          status,
          h("td", { class: "test-path" }, pathText(job.test_path)),
          h("td", {}, job.target),
          h("td", { class: "num" }, `${job.attempts}/${job.max_attempts}`),
          h("td", { class: "num" }, seconds(duration(job))),
          h("td", {}, job.finished_at ? time(job.finished_at) : h("span", { class: "muted" }, "—")),
        ];
        return h("tr", { "data-job-id": job.id, "data-status": job.status, "data-flaky": flaky ? "true" : "false" },
          labelCells(cells, headers));
      }));
    }

    async function loadGroups() {
      const ids = [...new Set(jobs.map((j) => j.group_id).filter(Boolean))]
        .filter((g) => !groups.has(g) || groups.get(g).installed === null || groups.get(g).installed === undefined)
        .slice(0, MAX_GROUPS);
      const found = await Promise.all(ids.map((g) => ctx.api.group(g).catch(() => null)));
      for (const g of found) if (g) groups.set(g.id, g);
    }

    async function load() {
      try {
        suite = await ctx.api.suite(id);
        const all = [];
        let cursor = null;
        do {
          const page = await ctx.api.jobs({ suite_id: id, limit: PAGE, cursor });
          all.push(...page.items);
          cursor = page.next_cursor;
        } while (cursor && all.length < suite.total);
        jobs = all;
        drawHead();
        drawJobs();
        await loadGroups();
        drawFigures();
        document.title = `Suite ${suite.name || suite.id} · qgjob`;
        problem.replaceChildren();
      } catch (err) {
        problem.replaceChildren(errorBox(err));
      }
    }

    async function download() {
      feedback.classList.remove("is-error");
      try {
        await ctx.api.download(`/v1/suites/${encodeURIComponent(id)}/junit`, `junit-${id}.xml`);
        feedback.textContent = `JUnit report of ${id} downloaded.`;
      } catch (err) {
        feedback.classList.add("is-error");
        feedback.textContent = `The JUnit report could not be downloaded: ${err.message}`;
        ctx.alert(feedback.textContent);
      }
    }

    const reload = throttle(load, 800);
    load();
    return ctx.live((event) => { if (event.suite_id === id) reload(); });
  },
};
