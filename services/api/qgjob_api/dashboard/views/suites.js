// Suites: the suites of the latest jobs (and any that events mention), each with a progress
// bar and its counts, updated as its jobs change.

import { STATUSES, errorBox, field, h, empty, replace, throttle, time } from "../dom.js";

const SCAN_JOBS = 500;
const MAX_SUITES = 30;
const SEGMENTS = ["passed", "failed", "dead", "cancelled", "running", "error", "scheduled"];

export function suiteProgress(suite, labelledBy) {
  const total = suite.total || 0;
  const counts = suite.counts || {};
  const finished = ["passed", "failed", "dead", "cancelled"]
    .reduce((n, s) => n + (counts[s] || 0), 0);
  const parts = STATUSES.filter((s) => counts[s]).map((s) => `${counts[s]} ${s}`).join(", ");
  const bar = h("div", {
    class: "progress",
    role: "progressbar",
    "aria-valuemin": "0",
    "aria-valuemax": String(total),
    "aria-valuenow": String(finished),
    "aria-valuetext": `${finished} of ${total} finished${parts ? `: ${parts}` : ""}`,
    "aria-labelledby": labelledBy,
  });
  for (const s of SEGMENTS) {
    const n = counts[s] || 0;
    if (!n || !total) continue;
    const seg = h("span", { class: `seg seg-${s}` });
    seg.style.width = `${(100 * n) / total}%`; // CSSOM: allowed by the page's CSP
    bar.append(seg);
  }
  return { bar, finished, total };
}

function suiteState(suite) {
  if (!suite.finished) return h("span", { class: "badge badge-running" }, "in progress");
  if (suite.passed) return h("span", { class: "badge badge-passed" }, "all passed");
  return h("span", { class: "badge badge-failed" }, "finished with failures");
}

export const suitesView = {
  title: "Suites",
  render(main, ctx) {
    const cards = new Map(); // suite id -> article
    const list = h("div", { class: "suite-list", id: "suite-list" });
    const problem = h("div");
    const summary = h("p", { class: "summary" });
    const lookup = h("input", { id: "suite-lookup", name: "suite", type: "text",
      autocomplete: "off", spellcheck: "false", placeholder: "s01J…" });
    const form = h("form", { class: "filters", role: "search", "aria-label": "Open a suite" },
      field("Suite id", lookup, "suite-lookup"),
      h("div", { class: "filter-actions" }, h("button", { type: "submit", class: "button" }, "Show suite")));

    replace(main,
      h("div", { class: "view-head" }, h("h1", {}, "Suites")),
      h("p", { class: "muted" }, "Suites of the latest jobs, newest first. Progress follows the live events."),
      form, summary, problem, list);

    function render(suite, { prepend } = {}) {
      const headingId = `suite-${suite.id}-title`;
      const { bar, finished, total } = suiteProgress(suite, headingId);
      const counts = suite.counts || {};
      const article = h("article", { class: "card suite", "data-suite-id": suite.id },
        h("div", { class: "suite-head" },
          h("h2", { id: headingId }, h("a", { href: `#/suites/${encodeURIComponent(suite.id)}` }, suite.name || suite.id)),
          suiteState(suite)),
        h("p", { class: "suite-meta" },
          h("span", { class: "mono" }, suite.id), " · app ", suite.app_version_id,
          " · ", suite.targets.join(", "), " · created ", time(suite.created_at)),
        bar,
        h("p", { class: "suite-counts" },
          h("strong", {}, `${finished}/${total}`), " finished · ",
          h("span", { class: "count-passed" }, `${counts.passed || 0} passed`), " · ",
          h("span", { class: "count-failed" }, `${counts.failed || 0} failed`), " · ",
          `${counts.dead || 0} dead · ${counts.cancelled || 0} cancelled · `,
          `${(counts.running || 0)} running · ${(counts.queued || 0) + (counts.scheduled || 0) + (counts.error || 0)} waiting`),
        h("a", { href: `#/jobs?suite_id=${encodeURIComponent(suite.id)}`, class: "button subtle small" },
          "Show its jobs"));
      const old = cards.get(suite.id);
      if (old) old.replaceWith(article);
      else if (prepend) list.prepend(article);
      else list.append(article);
      cards.set(suite.id, article);
      summary.textContent = `${cards.size} suite${cards.size === 1 ? "" : "s"}`;
    }

    const refreshers = new Map();
    function refresh(suiteId) {
      if (!refreshers.has(suiteId)) {
        refreshers.set(suiteId, throttle(async () => {
          try {
            render(await ctx.api.suite(suiteId), { prepend: true });
          } catch (err) {
            if (err.status !== 404) problem.replaceChildren(errorBox(err));
          }
        }, 600));
      }
      refreshers.get(suiteId)();
    }

    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      const id = lookup.value.trim();
      if (!id) return;
      try {
        const suite = await ctx.api.suite(id);
        render(suite);
        const card = cards.get(suite.id);
        list.prepend(card);
        card.querySelector("h2").setAttribute("tabindex", "-1");
        card.querySelector("h2").focus();
        problem.replaceChildren();
      } catch (err) {
        problem.replaceChildren(errorBox(err));
      }
    });

    (async () => {
      try {
        const page = await ctx.api.jobs({ limit: SCAN_JOBS });
        const ids = [];
        for (const job of page.items) {
          if (job.suite_id && !ids.includes(job.suite_id)) ids.push(job.suite_id);
        }
        const suites = await Promise.all(ids.slice(0, MAX_SUITES).map((sid) =>
          ctx.api.suite(sid).catch(() => null)));
        for (const suite of suites) if (suite) render(suite);
        if (!cards.size) list.replaceChildren(empty("No suite among the latest jobs. Submit one with POST /v1/suites."));
      } catch (err) {
        problem.replaceChildren(errorBox(err));
      }
    })();

    return ctx.live((event) => {
      if (!event.suite_id) return;
      if (!cards.size) list.replaceChildren();
      refresh(event.suite_id);
    });
  },
};
