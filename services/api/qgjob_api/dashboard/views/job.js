// One job: its fields, result, timeline of events (replayed from its creation, then live),
// log tail, artifacts, and the cancel / retry / requeue actions.

import { EventStream } from "../stream.js";
import {
  TERMINAL, badge, bytes, errorBox, h, replace, seconds, throttle, time,
} from "../dom.js";

const LOG_LINES = 200;
const REPLAY_MARGIN_MS = 1000;

function retryPayload(job) {
  const payload = {
    org_id: job.org_id,
    app_version_id: job.app_version_id,
    test_path: job.test_path,
    priority: job.priority,
    target: job.target,
    max_attempts: job.max_attempts,
    flaky_retries: job.flaky_retries,
  };
  if (job.app_url) payload.app_url = job.app_url;
  return payload;
}

function dl(pairs) {
  return h("dl", { class: "facts" }, pairs.filter(Boolean).map(([k, v]) => [
    h("dt", {}, k), h("dd", {}, v ?? h("span", { class: "muted" }, "—")),
  ]));
}

export const jobView = {
  title: "Job",
  render(main, ctx, { id }) {
    let job = null;
    let latest = null;
    const seen = new Set();
    const title = h("h1", {}, "Job ", h("span", { class: "mono" }, id));
    const status = h("p", { class: "job-status", role: "status", id: "job-status" });
    const actions = h("div", { class: "actions", id: "job-actions" });
    const feedback = h("p", { class: "feedback", id: "job-feedback", "aria-live": "polite" });
    const facts = h("section", { class: "card", "aria-labelledby": "facts-title" });
    const result = h("section", { class: "card", "aria-labelledby": "result-title" });
    const timeline = h("ol", { class: "timeline", id: "job-timeline" });
    const log = h("pre", { class: "log", id: "job-log", tabindex: "0", "aria-label": "Log tail" });
    const artifacts = h("div", { id: "job-artifacts" });
    const problem = h("div");

    replace(
      main,
      h("p", { class: "crumbs" }, h("a", { href: "#/jobs" }, "← Jobs")),
      h("div", { class: "view-head" }, title, status),
      problem,
      actions,
      feedback,
      h("div", { class: "detail-grid" },
        h("div", { class: "stack" }, facts, result),
        h("section", { class: "card", "aria-labelledby": "timeline-title" },
          h("h2", { id: "timeline-title" }, "Timeline"), timeline),
        h("section", { class: "card wide", "aria-labelledby": "log-title" },
          h("h2", { id: "log-title" }, "Log tail"), log),
        h("section", { class: "card wide", "aria-labelledby": "artifacts-title" },
          h("h2", { id: "artifacts-title" }, "Artifacts"), artifacts)),
    );

    function show() {
      status.replaceChildren(h("span", { class: "visually-hidden" }, "Status: "), badge(job.status),
        job.cancel_requested && !TERMINAL.has(job.status) ? " cancel requested" : "");
      showActions();
      replace(facts, h("h2", { id: "facts-title" }, "Details"), dl([
        ["Test", h("span", { class: "mono" }, job.test_path)],
        ["App version", h("a", { href: `#/jobs?app_version_id=${encodeURIComponent(job.app_version_id)}` }, job.app_version_id)],
        ["Target", job.target],
        ["Priority", job.priority],
        ctx.identity.kind !== "org" ? ["Org", job.org_id] : null,
        ["Attempts", `${job.attempts} of ${job.max_attempts}`],
        ["Flaky retries", String(job.flaky_retries)],
        ["Worker", job.worker_id],
        ["Group", job.group_id ? h("a", { href: `#/groups/${encodeURIComponent(job.group_id)}` }, job.group_id) : null],
        ["Suite", job.suite_id ? h("a", { href: `#/jobs?suite_id=${encodeURIComponent(job.suite_id)}` }, job.suite_id) : null],
        ["Created", time(job.created_at, { full: true })],
        ["Started", job.started_at ? time(job.started_at, { full: true }) : null],
        ["Finished", job.finished_at ? time(job.finished_at, { full: true }) : null],
      ]));
      const r = job.result;
      replace(result, h("h2", { id: "result-title" }, "Result"), r ? dl([
        ["Outcome", badge(r.outcome)],
        ["Message", r.message || null],
        // the one duration of a job: all its runs, and the last run when there were more
        ["Duration", r.runs > 1 ? `${seconds(r.total_s)} (${r.runs} runs, last ${seconds(r.duration_s)})` : seconds(r.total_s)],
        ["Runs", `${r.runs}${r.flaky ? " (flaky: passed on a rerun)" : ""}`],
        r.counts ? ["Tests", `${r.counts.passed} passed, ${r.counts.failed} failed, ${r.counts.skipped} skipped of ${r.counts.total}`] : null,
        job.error ? ["Error", job.error] : null,
      ]) : h("p", { class: "muted" }, TERMINAL.has(job.status) ? "No result recorded." : "Not finished yet."));
    }

    function button(label, onClick, kind) {
      return h("button", { type: "button", class: `button ${kind || ""}`, onclick: onClick }, label);
    }

    function showActions() {
      const list = [];
      if (!TERMINAL.has(job.status) && !job.cancel_requested) {
        list.push(button("Cancel job", cancel, "danger"));
      }
      if (job.status === "failed" || job.status === "cancelled") {
        list.push(button("Retry (submit again)", retry, "primary"));
      }
      if (job.status === "dead") list.push(button("Requeue", requeue, "primary"));
      actions.replaceChildren(...list);
    }

    async function act(label, fn) {
      for (const b of actions.querySelectorAll("button")) b.disabled = true;
      feedback.classList.remove("is-error");
      try {
        const text = await fn();
        feedback.textContent = text;
      } catch (err) {
        feedback.classList.add("is-error");
        feedback.textContent = `${label} failed: ${err.message}`;
        ctx.alert(feedback.textContent);
      } finally {
        for (const b of actions.querySelectorAll("button")) b.disabled = false;
      }
    }

    const cancel = () => act("Cancel", async () => {
      job = await ctx.api.cancel(id);
      show();
      return job.status === "cancelled"
        ? "Job cancelled."
        : "Cancel requested: the worker stops the test within a heartbeat.";
    });

    const requeue = () => act("Requeue", async () => {
      job = await ctx.api.requeue(id);
      show();
      follow();
      return "Requeued with a fresh attempt budget.";
    });

    const retry = () => act("Retry", async () => {
      const again = await ctx.api.submit(retryPayload(job));
      ctx.announce(`Submitted again as job ${again.id}.`);
      ctx.navigate(`#/jobs/${encodeURIComponent(again.id)}`);
      return `Submitted again as job ${again.id}.`;
    });

    function addEvent(event) {
      if (seen.has(event.id)) return;
      seen.add(event.id);
      latest = event.status;
      const bits = [
        event.attempt ? `attempt ${event.attempt}` : null,
        event.worker_id ? `on ${event.worker_id}` : null,
        event.group_id ? `group ${event.group_id}` : null,
      ].filter(Boolean).join(" · ");
      timeline.append(h("li", { "data-status": event.status },
        h("div", { class: "tl-head" }, badge(event.status), " ", time(event.at)),
        bits ? h("div", { class: "tl-meta" }, bits) : null,
        event.message ? h("div", { class: "tl-message" }, event.message) : null));
    }

    async function refreshJob() {
      try {
        job = await ctx.api.job(id);
        problem.replaceChildren();
        show();
      } catch (err) {
        problem.replaceChildren(errorBox(err));
      }
    }

    async function refreshLog() {
      try {
        const text = await ctx.api.jobLog(id);
        const lines = text.split("\n");
        const tail = lines.slice(-LOG_LINES).join("\n");
        log.textContent = tail || "(nothing captured yet)";
        log.scrollTop = log.scrollHeight;
      } catch (err) {
        log.textContent = `Could not read the log: ${err.message}`;
      }
    }

    async function refreshArtifacts() {
      try {
        const files = await ctx.api.artifacts(id);
        if (!files.length) {
          replace(artifacts, h("p", { class: "muted" }, "No artifacts yet."));
          return;
        }
        replace(artifacts, h("ul", { class: "artifacts" }, files.map((f) => h("li", {},
          h("button", {
            type: "button", class: "link-button",
            onclick: () => ctx.api.download(f.url, f.path.split("/").pop())
              .catch((err) => ctx.alert(`Download failed: ${err.message}`)),
          }, f.path),
          h("span", { class: "muted" }, ` ${bytes(f.size)}`)))));
      } catch (err) {
        replace(artifacts, errorBox(err));
      }
    }

    const onChange = throttle(async () => {
      await refreshJob();
      refreshLog();
      if (TERMINAL.has(job.status)) refreshArtifacts();
    }, 500);

    let stream = null;
    function follow() {
      if (stream || !job) return;
      const from = Date.parse(job.created_at) - REPLAY_MARGIN_MS;
      stream = new EventStream(ctx.api, `/v1/jobs/${encodeURIComponent(id)}/events`, {
        cursor: `${Math.max(0, from)}-0`,
        onEvent: (frame, data) => {
          if (frame.event !== "message" || !data) return;
          addEvent(data);
          onChange();
        },
        shouldReconnect: () => !TERMINAL.has(latest),
        onState: (state) => { if (state === "closed") stream = null; },
      }).start();
    }

    (async () => {
      await refreshJob();
      if (!job) return;
      follow();
      refreshLog();
      refreshArtifacts();
    })();

    return () => { if (stream) stream.stop(); };
  },
};
