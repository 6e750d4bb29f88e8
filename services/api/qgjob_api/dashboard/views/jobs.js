// Jobs: filters (status, app version, target, suite; org for an operator), rows that change
// as events arrive, new jobs shown the moment they are queued, older pages on demand.

import {
  STATUSES, TARGETS, badge, collapsible, errorBox, field, h, labelCells, pathText, replace, select, shortId,
  tableWrap, throttle, time,
} from "../dom.js";

const FILTERS = ["status", "app_version_id", "target", "suite_id", "org_id"];
const PAGE = 50;
const FETCH_ONE_BY_ONE = 20; // more new jobs than this at once: reload the first page instead

function readFilters(query) {
  const out = {};
  for (const name of FILTERS) if (query[name]) out[name] = query[name];
  return out;
}

function hashFor(filters) {
  const q = new URLSearchParams(filters).toString();
  return q ? `#/jobs?${q}` : "#/jobs";
}

const dash = () => h("span", { class: "muted" }, "…");

// "Flaky" is a status filter of its own: passed, but only on a rerun of a failed test. The
// API lists the passed jobs; the page keeps the flaky ones.
const FLAKY = "flaky";
export function isFlaky(job) {
  if (typeof job.flaky === "boolean") return job.flaky;
  return job.status === "passed" && Boolean(job.result && job.result.flaky);
}

export function flakyBadge(job) {
  const runs = job.result && job.result.runs;
  return h("span", { class: "badge badge-flaky", title: runs ? `passed after ${runs} runs` : "passed on a rerun" }, "flaky");
}

export const jobsView = {
  title: "Jobs",
  render(main, ctx, { query }) {
    let filters = readFilters(query);
    let rows = new Map(); // job id -> {job, tr}
    let cursor = null;
    let loading = false;
    let replayHeld = () => {};
    const operator = ctx.identity.kind !== "org";

    const summary = h("p", { class: "summary", id: "jobs-summary" });
    const changes = h("p", { class: "visually-hidden", "aria-live": "polite", id: "jobs-changes" });
    const tbody = h("tbody");
    const more = h("button", { type: "button", class: "button", hidden: true }, "Load older jobs");
    const problem = h("div");
    const headers = ["Job", "Status", "Test", "App version", "Target", "Attempts", "Worker", "Updated"];
    if (operator) headers.splice(7, 0, "Org");
    const grid = h(
      "table",
      { class: "data cards jobs-table", id: "jobs-table" },
      h("caption", { class: "visually-hidden" }, "Jobs, newest first"),
      h("thead", {}, h("tr", {}, headers.map((t) => h("th", { scope: "col" }, t)))),
      tbody,
    );

    const form = filterForm(filters, operator, (next) => {
      filters = next;
      history.replaceState(null, "", hashFor(filters));
      load(true);
    });

    replace(
      main,
      h("div", { class: "view-head" }, h("h1", {}, "Jobs")),
      form,
      summary,
      changes,
      problem,
      tableWrap("Jobs", grid),
      h("div", { class: "more" }, more),
    );

    function fill(tr, job) {
      tr.dataset.status = job.status;
      tr.dataset.flaky = String(isFlaky(job));
      const cells = [
        h("td", {}, h("a", { href: `#/jobs/${encodeURIComponent(job.id)}`, class: "mono",
          title: job.id, "aria-label": `Job ${job.id}` }, shortId(job.id))),
        h("td", { class: "status-cell" }, badge(job.status), isFlaky(job) ? [" ", flakyBadge(job)] : null),
        h("td", { class: "test-path" }, job.test_path ? pathText(job.test_path) : dash()),
        h("td", {}, job.app_version_id ?? dash()),
        h("td", {}, job.target ?? dash()),
        h("td", { class: "num" }, `${job.attempts}/${job.max_attempts ?? "…"}`),
        h("td", {}, job.worker_id || h("span", { class: "muted" }, "—")),
        h("td", {}, time(job.updated_at)),
      ];
      if (operator) cells.splice(7, 0, h("td", {}, job.org_id));
      tr.replaceChildren(...labelCells(cells, headers));
    }

    function insert(job, { top }) {
      const tr = h("tr", { "data-job-id": job.id });
      fill(tr, job);
      rows.set(job.id, { job, tr });
      if (top) tbody.prepend(tr);
      else tbody.append(tr);
      showSummary();
    }

    function flash(tr) {
      tr.classList.remove("flash");
      void tr.offsetWidth; // restart the highlight
      tr.classList.add("flash");
    }

    let again = false; // a reload asked for while one runs (new filters): run it after
    async function load(reset) {
      if (loading) {
        if (reset) again = true;
        return;
      }
      loading = true;
      more.disabled = true;
      try {
        const limit = reset ? Math.min(500, Math.max(PAGE, rows.size)) : PAGE;
        const asked = filters.status === FLAKY ? { ...filters, status: "passed" } : filters;
        const page = await ctx.api.jobs({ ...asked, limit, cursor: reset ? null : cursor });
        if (reset) {
          rows = new Map();
          tbody.replaceChildren();
        }
        for (const job of page.items) {
          if (!rows.has(job.id) && jobMatches(job)) insert(job, { top: false });
        }
        cursor = page.next_cursor;
        more.hidden = !cursor;
        problem.replaceChildren();
        showSummary();
      } catch (err) {
        problem.replaceChildren(errorBox(err));
      } finally {
        loading = false;
        more.disabled = false;
        if (again) {
          again = false;
          load(true);
        } else {
          replayHeld();
        }
      }
    }

    function showSummary() {
      const n = rows.size;
      const active = Object.entries(filters)
        .map(([k, v]) => `${k.replace(/_id$/, "").replace("_", " ")} ${v}`);
      summary.replaceChildren(
        `${n} job${n === 1 ? "" : "s"}${cursor ? " shown (more below)" : ""}`,
        active.length ? ` · filtered by ${active.join(", ")}` : "",
      );
      if (!n) summary.append(" · ", h("span", { class: "muted" }, "no job matches"));
    }

    function eventMatches(event) {
      const status = filters.status === FLAKY ? "passed" : filters.status;
      if (status && event.status !== status) return false;
      if (filters.suite_id && event.suite_id !== filters.suite_id) return false;
      if (filters.org_id && event.org_id !== filters.org_id) return false;
      return true;
    }

    function jobMatches(job) {
      if (filters.status === FLAKY && !isFlaky(job)) return false;
      return FILTERS.every((f) => !filters[f] || job[f] === filters[f] || (f === "status" && filters[f] === FLAKY));
    }

    // New jobs: fetched one by one while few arrive at once, else the first page again.
    const unknown = new Set();
    const reload = throttle(() => load(true), 700);
    const fetchNew = throttle(async () => {
      const ids = [...unknown];
      unknown.clear();
      if (ids.length > FETCH_ONE_BY_ONE) {
        reload();
        return;
      }
      for (const id of ids) {
        let job;
        try {
          job = await ctx.api.job(id);
        } catch {
          continue;
        }
        const known = rows.get(id);
        if (known) {
          // events are newer than (or as new as) the record fetched meanwhile: keep theirs
          if (Date.parse(known.job.updated_at) >= Date.parse(job.updated_at)) {
            job = { ...job, status: known.job.status, updated_at: known.job.updated_at,
              attempts: known.job.attempts, worker_id: known.job.worker_id };
          }
          if (!jobMatches(job)) continue;
          known.job = job;
          fill(known.tr, job);
        } else if (jobMatches(job)) {
          insert(job, { top: true });
        }
      }
    }, 300);

    // Changes are announced in batches so that a busy queue does not flood a screen reader.
    let pending = [];
    const announceChanges = throttle(() => {
      if (!pending.length) return;
      const counts = {};
      for (const s of pending) counts[s] = (counts[s] || 0) + 1;
      const text = Object.entries(counts).map(([s, n]) => `${n} ${s}`).join(", ");
      changes.textContent = `Jobs updated: ${text}.`;
      pending = [];
    }, 4000);

    // Events that arrive while a page loads wait for it: applied before the rows exist,
    // a job that ran meanwhile would keep the status its record had when it was read.
    let held = [];
    const unsubscribe = ctx.live((event) => (loading ? held.push(event) : onEvent(event)));
    replayHeld = () => {
      const waiting = held;
      held = [];
      for (const event of waiting) onEvent(event);
    };

    function onEvent(event) {
      const known = rows.get(event.job_id);
      if (known && Date.parse(event.at) < Date.parse(known.job.updated_at)) return; // stale
      if (known) {
        known.job = {
          ...known.job,
          status: event.status,
          updated_at: event.at,
          worker_id: event.worker_id || known.job.worker_id,
          attempts: event.attempt ?? known.job.attempts,
        };
        fill(known.tr, known.job);
        flash(known.tr);
        pending.push(event.status);
        announceChanges();
        if (filters.status && event.status !== filters.status && filters.status !== FLAKY) reload();
        if (event.status === "passed") {
          unknown.add(event.job_id); // its record says whether it passed only on a rerun
          fetchNew();
        }
        return;
      }
      if (!eventMatches(event) || (event.status !== "queued" && !filters.status)) return;
      // A job just queued: shown at once from its event when nothing filters on what the
      // event does not carry, then completed from its record.
      if (!filters.app_version_id && !filters.target && filters.status !== FLAKY
        && unknown.size < FETCH_ONE_BY_ONE) {
        insert({
          id: event.job_id, org_id: event.org_id, status: event.status, updated_at: event.at,
          attempts: event.attempt ?? 0, worker_id: event.worker_id, suite_id: event.suite_id,
          test_path: null, app_version_id: null, target: null, max_attempts: null,
        }, { top: true });
      }
      unknown.add(event.job_id);
      fetchNew();
    }

    more.addEventListener("click", () => load(false));
    loading = true; // events until the first page is in are held (see above)
    ctx.liveReady().then(() => {
      loading = false;
      load(true);
    });
    return unsubscribe;
  },
};

function filterForm(current, operator, onChange) {
  const status = select("filter-status", "status",
    [["", "Any status"], ...STATUSES.map((s) => [s, s]), [FLAKY, "flaky (passed on a rerun)"]],
    current.status || "");
  const target = select("filter-target", "target",
    [["", "Any target"], ...TARGETS.map((t) => [t, t])], current.target || "");
  const text = (id, name, placeholder) => h("input", { id, name, type: "text",
    value: current[name] || "", placeholder, autocomplete: "off", spellcheck: "false" });
  const form = h("form", { class: "filters", role: "search", "aria-label": "Filter jobs" },
    field("Status", status, "filter-status"),
    field("App version", text("filter-app-version", "app_version_id", "e.g. build-42"),
      "filter-app-version"),
    field("Target", target, "filter-target"),
    field("Suite", text("filter-suite", "suite_id", "suite id"), "filter-suite"),
    operator ? field("Org", text("filter-org", "org_id", "every org"), "filter-org") : null,
    h("div", { class: "filter-actions" },
      h("button", { type: "submit", class: "button primary" }, "Apply"),
      h("button", { type: "reset", class: "button subtle" }, "Clear")));
  const read = () => {
    const out = {};
    for (const el of form.elements) {
      if (el.name && el.value.trim()) out[el.name] = el.value.trim();
    }
    return out;
  };
  form.addEventListener("submit", (e) => { e.preventDefault(); onChange(read()); });
  form.addEventListener("reset", (e) => {
    e.preventDefault();
    for (const el of form.elements) if (el.name) el.value = "";
    onChange({});
  });
  status.addEventListener("change", () => onChange(read()));
  target.addEventListener("change", () => onChange(read()));
  return collapsible(form, Object.keys(current).length);
}
