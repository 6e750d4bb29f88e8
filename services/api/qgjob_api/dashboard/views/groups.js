// Groups: jobs of one (org, app version, target) that share one install — which worker ran
// each, and whether the app was installed for it or already on the device (an install saved).

import {
  TARGETS, badge, collapsible, errorBox, field, h, labelCells, percent, replace, seconds, select, shortId, tableWrap,
  throttle, time,
} from "../dom.js";

const GROUP_STATES = ["open", "dispatched", "running", "done"];

export function installText(group) {
  if (group.installed === true) {
    return h("span", { class: "install installed" }, "installed",
      group.install_s != null ? ` (${seconds(group.install_s)})` : "");
  }
  if (group.installed === false) {
    return h("span", { class: "install saved" }, "reused · install saved");
  }
  return h("span", { class: "muted" }, "—");
}

function installsSummary(stats) {
  const done = stats.installs_done || 0;
  const saved = stats.installs_saved || 0;
  const bar = h("div", { class: "progress installs", role: "img",
    "aria-label": `${done} installs done, ${saved} saved (${percent(saved, done + saved)} of groups needed no install)` });
  if (done + saved) {
    for (const [n, cls] of [[done, "seg-installed"], [saved, "seg-saved"]]) {
      const seg = h("span", { class: `seg ${cls}` });
      seg.style.width = `${(100 * n) / (done + saved)}%`;
      bar.append(seg);
    }
  }
  return h("section", { class: "card installs-card", "aria-labelledby": "installs-title" },
    h("h2", { id: "installs-title" }, "Installs"),
    h("p", { class: "big-pair" },
      h("span", {}, h("strong", { id: "installs-done" }, String(done)), " done"),
      h("span", {}, h("strong", { id: "installs-saved" }, String(saved)), " saved"),
      h("span", {}, h("strong", {}, String(stats.groups_formed || 0)), " groups formed")),
    bar,
    h("p", { class: "legend" },
      h("span", { class: "key key-installed" }), "installed for the group ",
      h("span", { class: "key key-saved" }), "already on the device"));
}

export const groupsView = {
  title: "Groups",
  render(main, ctx, { query }) {
    let filters = { ...query };
    const summary = h("div", { id: "groups-summary" });
    const problem = h("div");
    const tbody = h("tbody");
    const state = select("group-state", "state", [["", "Any state"], ...GROUP_STATES.map((s) => [s, s])], filters.state || "");
    const target = select("group-target", "target", [["", "Any target"], ...TARGETS.map((t) => [t, t])], filters.target || "");
    const version = h("input", { id: "group-version", name: "app_version_id", type: "text",
      value: filters.app_version_id || "", autocomplete: "off", spellcheck: "false" });
    const form = h("form", { class: "filters", role: "search", "aria-label": "Filter groups" },
      field("State", state, "group-state"), field("Target", target, "group-target"),
      field("App version", version, "group-version"),
      h("div", { class: "filter-actions" }, h("button", { type: "submit", class: "button primary" }, "Apply")));
    const operator = ctx.identity.kind !== "org";
    const headers = ["Group", "App version", "Target", "State", "Jobs", "Worker", "Install", "Created"];
    if (operator) headers.splice(1, 0, "Org");
    const grid = h("table", { class: "data cards", id: "groups-table" },
      h("caption", { class: "visually-hidden" }, "Groups, newest first"),
      h("thead", {}, h("tr", {}, headers.map((t) => h("th", { scope: "col" }, t)))), tbody);

    replace(main, h("div", { class: "view-head" }, h("h1", {}, "Groups")),
      h("p", { class: "muted" }, "Jobs of one app version and target run after a single install."),
      summary, collapsible(form, Object.keys(filters).length), problem, tableWrap("Groups", grid));

    const apply = () => {
      filters = {};
      for (const el of form.elements) if (el.name && el.value.trim()) filters[el.name] = el.value.trim();
      const q = new URLSearchParams(filters).toString();
      history.replaceState(null, "", q ? `#/groups?${q}` : "#/groups");
      load();
    };
    form.addEventListener("submit", (e) => { e.preventDefault(); apply(); });
    state.addEventListener("change", apply);
    target.addEventListener("change", apply);

    async function load() {
      try {
        const [page, stats] = await Promise.all([
          ctx.api.groups({ ...filters, limit: 100 }), ctx.api.stats(),
        ]);
        replace(summary, installsSummary(stats));
        tbody.replaceChildren(...page.items.map((g) => {
          const cells = [
            h("td", {}, h("a", { href: `#/groups/${encodeURIComponent(g.id)}`, class: "mono" }, g.id)),
            h("td", {}, g.app_version_id),
            h("td", {}, g.target),
            h("td", {}, h("span", { class: `badge badge-g-${g.state}` }, g.state)),
            h("td", { class: "num" }, String(g.size)),
            h("td", {}, g.worker_id || h("span", { class: "muted" }, "—")),
            h("td", {}, installText(g)),
            h("td", {}, time(g.created_at)),
          ];
          if (operator) cells.splice(1, 0, h("td", {}, g.org_id));
          return h("tr", { "data-group-id": g.id }, labelCells(cells, headers));
        }));
        if (!page.items.length) {
          tbody.append(h("tr", {}, h("td", { colspan: String(headers.length), class: "empty" }, "No group yet.")));
        }
        problem.replaceChildren();
      } catch (err) {
        problem.replaceChildren(errorBox(err));
      }
    }

    const reload = throttle(load, 1000);
    load();
    return ctx.live((event) => { if (event.group_id || event.status === "queued") reload(); });
  },
};

export const groupView = {
  title: "Group",
  render(main, ctx, { id }) {
    const body = h("div");
    replace(main, h("p", { class: "crumbs" }, h("a", { href: "#/groups" }, "← Groups")),
      h("div", { class: "view-head" }, h("h1", {}, "Group ", h("span", { class: "mono" }, id))), body);

    async function load() {
      try {
        const g = await ctx.api.group(id);
        const facts = h("dl", { class: "facts" }, [
          ["App version", g.app_version_id], ["Target", g.target], ["State", h("span", { class: `badge badge-g-${g.state}` }, g.state)],
          ["Priority", g.priority], ["Jobs", String(g.size)],
          ["Workers", g.workers.length ? g.workers.join(", ") : "—"],
          ["Install", installText(g)], ["Takeovers", String(g.takeovers)],
          ["Waited", seconds(g.wait_s)], ["Ran", seconds(g.run_s)],
          ["Created", time(g.created_at, { full: true })],
        ].map(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]));
        const columns = ["Job", "Test", "Status", "Worker", "Attempts"];
        const rows = g.jobs.map((j) => h("tr", {}, labelCells([
          h("td", {}, h("a", { href: `#/jobs/${encodeURIComponent(j.id)}`, class: "mono", title: j.id }, shortId(j.id))),
          h("td", { class: "test-path" }, j.test_path), h("td", {}, badge(j.status)),
          h("td", {}, j.worker_id || "—"), h("td", { class: "num" }, String(j.attempts))], columns)));
        const grid = h("table", { class: "data cards" },
          h("caption", { class: "visually-hidden" }, "Jobs of the group in the order they joined"),
          h("thead", {}, h("tr", {}, columns.map((t) => h("th", { scope: "col" }, t)))),
          h("tbody", {}, rows));
        replace(body, h("div", { class: "detail-grid" },
          h("section", { class: "card", "aria-labelledby": "g-facts" }, h("h2", { id: "g-facts" }, "Details"), facts),
          h("section", { class: "card wide", "aria-labelledby": "g-jobs" }, h("h2", { id: "g-jobs" }, "Jobs"),
            tableWrap("Jobs of the group", grid))));
      } catch (err) {
        replace(body, errorBox(err));
      }
    }

    const reload = throttle(load, 800);
    load();
    return ctx.live((event) => { if (event.group_id === id) reload(); });
  },
};
