// Workers: from the worker registry (GET /v1/workers, the `Worker` model: id, target, state,
// group_id and group_ids, installed_versions, last_heartbeat, capacity, and health_detail:
// why an unhealthy worker's device is not ready, shown under its state). An API without the
// registry (404) gets what it does give: workers by state from /v1/stats (operators) and each
// worker seen in the groups and live events, with its current group.

import {
  TARGETS, ago, empty, errorBox, h, labelCells, replace, tableWrap, throttle, time,
} from "../dom.js";

const REFRESH_MS = 5000;
const WORKER_STATES = ["idle", "busy", "draining", "unhealthy", "lost"];
let registryMissing = false; // remembered for the session once the API answered 404

function stateCounts(byState) {
  return h("ul", { class: "chips", "aria-label": "Workers by state" },
    WORKER_STATES.map((s) => h("li", { class: `chip chip-${s}` },
      h("strong", {}, String(byState[s] || 0)), ` ${s}`)));
}

function workersTable(caption, headers, rows) {
  for (const tr of rows) labelCells([...tr.children], headers);
  return tableWrap(caption, h("table", { class: "data cards", id: "workers-table" },
    h("caption", { class: "visually-hidden" }, caption),
    h("thead", {}, h("tr", {}, headers.map((t) => h("th", { scope: "col" }, t)))),
    h("tbody", {}, rows)));
}

function groupLink(id) {
  return id ? h("a", { href: `#/groups/${encodeURIComponent(id)}`, class: "mono" }, id)
    : h("span", { class: "muted" }, "—");
}

// The registry's own rows. An org's token sees only its own groups on a worker, and no
// installed versions (they would tell about other orgs' builds).
function registryTable(workers, org) {
  const groups = (w) => {
    const ids = w.group_ids && w.group_ids.length ? w.group_ids : [w.group_id].filter(Boolean);
    return ids.length ? ids.map((id, i) => [i ? ", " : "", groupLink(id)]) : groupLink(null);
  };
  const versions = (w) => (w.installed_versions || []).join(", ")
    || h("span", { class: "muted" }, org ? "shown to operators" : "none");
  const rows = workers.map((w) => h("tr", { "data-worker-id": w.id },
    h("th", { scope: "row", class: "mono" }, w.id),
    h("td", {}, w.target),
    h("td", {}, h("span", { class: `badge badge-w-${w.state}` }, w.state),
      w.health_detail ? h("div", { class: "health-detail mono" }, w.health_detail) : null),
    h("td", {}, groups(w)),
    h("td", {}, versions(w)),
    h("td", {}, w.last_heartbeat ? [time(w.last_heartbeat), h("span", { class: "muted" }, ` (${ago(w.last_heartbeat)})`)] : "never"),
    h("td", { class: "num" }, String(w.capacity ?? 1))));
  return workersTable("Registered workers",
    ["Worker", "Target", "State", "Current groups", "Installed versions", "Last heartbeat", "Capacity"],
    rows);
}

// What groups and events tell about workers, where the registry is not served.
function derive(groups, seen) {
  const workers = new Map();
  const get = (id, target) => {
    if (!workers.has(id)) workers.set(id, { id, target, group: null, versions: [], last: null });
    const w = workers.get(id);
    if (!w.target && target) w.target = target;
    return w;
  };
  const later = (a, b) => (!a || (b && b > a) ? b : a);
  for (const g of groups) { // newest first
    if (!g.worker_id) continue;
    const w = get(g.worker_id, g.target);
    if (g.state === "running" && !w.group) w.group = g.id;
    if (!w.versions.includes(g.app_version_id)) w.versions.push(g.app_version_id);
    w.last = later(w.last, g.finished_at || g.started_at || g.dispatched_at);
  }
  for (const [id, info] of seen) {
    const w = get(id, info.target);
    w.last = later(w.last, info.at);
    if (info.running && info.group) w.group = info.group;
  }
  return [...workers.values()].sort((a, b) => a.id.localeCompare(b.id));
}

function derivedTable(workers) {
  const rows = workers.map((w) => h("tr", { "data-worker-id": w.id },
    h("th", { scope: "row", class: "mono" }, w.id),
    h("td", {}, w.target || "—"),
    h("td", {}, w.group ? h("span", { class: "badge badge-w-busy" }, "busy")
      : h("span", { class: "muted" }, "no group running")),
    h("td", {}, groupLink(w.group)),
    h("td", {}, w.versions.slice(0, 4).join(", ") || "—"),
    h("td", {}, w.last ? [time(w.last), h("span", { class: "muted" }, ` (${ago(w.last)})`)] : "—")));
  return workersTable("Workers seen in groups and events",
    ["Worker", "Target", "Activity", "Current group", "App versions it ran", "Last activity"], rows);
}

export const workersView = {
  title: "Workers",
  render(main, ctx) {
    const body = h("div", { id: "workers-body" });
    const seen = new Map(); // worker id -> {at, group, running, target}
    replace(main, h("div", { class: "view-head" }, h("h1", {}, "Workers")), body);

    async function fromRegistry() {
      if (registryMissing) return null;
      try {
        const reply = await ctx.api.workers();
        return Array.isArray(reply) ? reply : reply.items || [];
      } catch (err) {
        if (err.status === 404 || err.status === 405) {
          registryMissing = true;
          return null;
        }
        throw err;
      }
    }

    async function load() {
      try {
        const registry = await fromRegistry();
        if (registry) {
          const byState = {};
          for (const w of registry) byState[w.state] = (byState[w.state] || 0) + 1;
          replace(body, stateCounts(byState),
            registry.length ? registryTable(registry, ctx.identity.kind === "org")
              : empty("No worker has registered."));
          return;
        }
        const [stats, groups] = await Promise.all([ctx.api.stats(), ctx.api.groups({ limit: 200 })]);
        const workers = derive(groups.items, seen);
        replace(body,
          stats.workers_by_state
            ? [h("h2", {}, "Registered workers by state"), stateCounts(stats.workers_by_state)]
            : h("p", { class: "muted" }, "Worker counts by state are shown to operators."),
          h("h2", {}, "Workers seen"),
          h("p", { class: "note", id: "workers-source" },
            "This API does not serve the worker registry (GET /v1/workers), so each worker ",
            "is shown as the groups it ran and the live events tell: its target, the group it ",
            "runs now, the app versions it ran and when it was last active."),
          workers.length ? derivedTable(workers) : empty("No worker has run a group yet."));
      } catch (err) {
        replace(body, errorBox(err));
      }
    }

    const reload = throttle(load, 1000);
    const timer = setInterval(load, REFRESH_MS);
    load();
    const unsubscribe = ctx.live((event) => {
      if (!event.worker_id) return;
      const target = TARGETS.find((t) => event.worker_id.startsWith(`${t}-`)) || null;
      seen.set(event.worker_id, {
        at: event.at, group: event.group_id, running: event.status === "running", target,
      });
      reload();
    });
    return () => { clearInterval(timer); unsubscribe(); };
  },
};
