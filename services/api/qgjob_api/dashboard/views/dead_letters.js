// Dead letters: jobs out of attempts (and poison stream entries), newest first, with the
// reason, attempts and last error; a requeue button gives a job a fresh attempt budget.

import {
  errorBox, h, labelCells, replace, shortId, tableWrap, throttle, time,
} from "../dom.js";

const PAGE = 50;

export const deadLettersView = {
  title: "Dead letters",
  render(main, ctx) {
    const operator = ctx.identity.kind !== "org";
    const tbody = h("tbody");
    const problem = h("div");
    const summary = h("p", { class: "summary", id: "dead-summary" });
    const feedback = h("p", { class: "feedback", id: "dead-feedback", "aria-live": "polite" });
    const more = h("button", { type: "button", class: "button", hidden: true }, "Load older dead letters");
    const requeued = new Set();
    let last = null;
    let count = 0;
    const headers = ["Job", "Reason", "Attempts", "Last error", "Dead since", "Action"];
    if (operator) headers.splice(1, 0, "Org");
    const grid = h("table", { class: "data cards", id: "dead-table" },
      h("caption", { class: "visually-hidden" }, "Dead letters, newest first"),
      h("thead", {}, h("tr", {}, headers.map((t) => h("th", { scope: "col" }, t)))), tbody);

    replace(main, h("div", { class: "view-head" }, h("h1", {}, "Dead letters")),
      h("p", { class: "muted" }, "Jobs that ran out of attempts for infrastructure errors, or could not be retried."),
      summary, feedback, problem, tableWrap("Dead letters", grid), h("div", { class: "more" }, more));

    function row(d) {
      let action = h("span", { class: "muted" }, "poison entry");
      if (requeued.has(d.id)) action = h("span", { class: "done-mark" }, "Requeued");
      else if (d.job_id) {
        action = h("button", { type: "button", class: "button small primary",
          "aria-label": `Requeue job ${d.job_id}`, onclick: (e) => requeue(d, e.currentTarget) }, "Requeue");
      }
      const error = h("td", { class: "error-cell" },
        d.last_error ? h("span", {}, d.last_error) : h("span", { class: "muted" }, "—"));
      if (d.log_tail) {
        error.append(h("details", {}, h("summary", {}, "log tail"), h("pre", { class: "log small" }, d.log_tail)));
      }
      const cells = [
        h("td", {}, d.job_id
          ? h("a", { href: `#/jobs/${encodeURIComponent(d.job_id)}`, class: "mono", title: d.job_id,
            "aria-label": `Job ${d.job_id}` }, shortId(d.job_id))
          : h("span", { class: "mono" }, d.id)),
        h("td", {}, h("span", { class: "reason" }, d.reason)),
        h("td", { class: "num" }, String(d.attempts)),
        error,
        h("td", {}, time(d.at)),
        h("td", { class: "action-cell" }, action),
      ];
      if (operator) cells.splice(1, 0, h("td", {}, d.org_id || "—"));
      return h("tr", { "data-job-id": d.job_id || "", "data-entry-id": d.id },
        labelCells(cells, headers));
    }

    async function requeue(d, button) {
      button.disabled = true;
      feedback.classList.remove("is-error");
      try {
        const job = await ctx.api.requeue(d.job_id);
        requeued.add(d.id);
        const cell = button.closest("td");
        replace(cell, h("span", { class: "done-mark" }, "Requeued · "),
          h("a", { href: `#/jobs/${encodeURIComponent(job.id)}` }, "follow the job"));
        feedback.textContent = `Job ${job.id} requeued: it is ${job.status} again with a fresh attempt budget.`;
        cell.querySelector("a").focus();
      } catch (err) {
        button.disabled = false;
        feedback.classList.add("is-error");
        feedback.textContent = `Requeue of ${d.job_id} failed: ${err.message}`;
        ctx.alert(feedback.textContent);
      }
    }

    async function load(reset) {
      try {
        const list = await ctx.api.deadLetters({ limit: PAGE, before: reset ? null : last });
        if (reset) { tbody.replaceChildren(); count = 0; }
        for (const d of list) tbody.append(row(d));
        count += list.length;
        last = list.length ? list[list.length - 1].id : last;
        more.hidden = list.length < PAGE;
        summary.textContent = count
          ? `${count} dead letter${count === 1 ? "" : "s"}${more.hidden ? "" : " shown (more below)"}`
          : "No dead letters: every job that ran out of attempts would be listed here.";
        problem.replaceChildren();
      } catch (err) {
        problem.replaceChildren(errorBox(err));
      }
    }

    more.addEventListener("click", () => load(false));
    const reload = throttle(() => load(true), 1000);
    load(true);
    return ctx.live((event) => { if (event.status === "dead") reload(); });
  },
};
