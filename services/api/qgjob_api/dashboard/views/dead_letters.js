// Dead letters: jobs out of attempts (and poison stream entries), newest first, with the
// test, reason, attempts and last error. A job is listed once, by its latest death: a
// requeued job leaves the list. Each row can be requeued or deleted; selected rows, or every
// one, can be requeued or deleted at once (deleting takes the entry off the list only).

import {
  errorBox, h, labelCells, pathText, plural, replace, shortId, tableWrap, throttle, time,
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
    const letters = new Map(); // entry id -> dead letter shown
    let last = null;
    const headers = ["Select", "Job", "Test", "Reason", "Attempts", "Last error", "Dead since", "Actions"];
    if (operator) headers.splice(2, 0, "Org");
    const selectAll = h("input", { type: "checkbox", id: "dead-select-all",
      "aria-label": "Select every dead letter shown" });
    const heads = headers.map((t, i) => h("th", { scope: "col" }, i === 0 ? selectAll : t));
    const grid = h("table", { class: "data cards", id: "dead-table" },
      h("caption", { class: "visually-hidden" }, "Dead letters, newest first"),
      h("thead", {}, h("tr", {}, heads)), tbody);

    const bulk = (label, id, cls, onclick) =>
      h("button", { type: "button", class: `button small ${cls}`, id, onclick }, label);
    const requeueSelected = bulk("Requeue selected", "dead-requeue-selected", "primary",
      () => act("requeue", { ids: selected() }, "selected"));
    const deleteSelected = bulk("Delete selected", "dead-delete-selected", "danger",
      () => act("purge", { ids: selected() }, "selected"));
    const requeueAll = bulk("Requeue all", "dead-requeue-all", "",
      () => act("requeue", { all: true }, "all"));
    const purgeAll = bulk("Purge all", "dead-purge-all", "danger",
      () => act("purge", { all: true }, "all"));
    const selectionNote = h("span", { class: "muted", id: "dead-selection" });
    const toolbar = h("div", { class: "toolbar", role: "toolbar", "aria-label": "Dead letter actions" },
      requeueSelected, deleteSelected, selectionNote, h("span", { class: "spacer" }), requeueAll, purgeAll);

    replace(main, h("div", { class: "view-head" }, h("h1", {}, "Dead letters")),
      h("p", { class: "muted" }, "Jobs that ran out of attempts for infrastructure errors, or could not be retried. Requeue gives a job a fresh attempt budget; delete only takes the entry off this list."),
      summary, toolbar, feedback, problem, tableWrap("Dead letters", grid), h("div", { class: "more" }, more));

    function boxes() {
      return [...tbody.querySelectorAll("input.select-letter")];
    }

    function selected() {
      return boxes().filter((b) => b.checked).map((b) => b.value);
    }

    function showSelection() {
      const n = selected().length;
      requeueSelected.disabled = deleteSelected.disabled = n === 0;
      requeueAll.disabled = purgeAll.disabled = letters.size === 0;
      selectionNote.textContent = n ? `${plural(n, "dead letter")} selected` : "";
      const all = boxes();
      selectAll.checked = all.length > 0 && n === all.length;
      selectAll.indeterminate = n > 0 && n < all.length;
    }

    function row(d) {
      const label = d.job_id ? `job ${d.job_id}` : `entry ${d.id}`;
      const actions = h("td", { class: "action-cell" });
      if (d.job_id) {
        actions.append(h("button", { type: "button", class: "button small primary",
          "aria-label": `Requeue job ${d.job_id}`,
          onclick: () => act("requeue", { ids: [d.id] }, d.job_id) }, "Requeue"), " ");
      }
      actions.append(h("button", { type: "button", class: "button small subtle",
        "aria-label": `Delete the dead letter of ${label}`,
        onclick: () => act("purge", { ids: [d.id] }, label) }, "Delete"));
      const error = h("td", { class: "error-cell" },
        d.last_error ? h("span", {}, d.last_error) : h("span", { class: "muted" }, "—"));
      if (d.log_tail) {
        error.append(h("details", {}, h("summary", {}, "log tail"), h("pre", { class: "log small" }, d.log_tail)));
      }
      const cells = [
        h("td", { class: "select-cell" }, h("input", { type: "checkbox", class: "select-letter",
          value: d.id, "aria-label": `Select ${label}`, onchange: showSelection })),
        h("td", {}, d.job_id
          ? h("a", { href: `#/jobs/${encodeURIComponent(d.job_id)}`, class: "mono", title: d.job_id,
            "aria-label": `Job ${d.job_id}` }, shortId(d.job_id))
          : h("span", { class: "mono" }, d.id)),
        h("td", { class: "test-path" }, d.test_path ? pathText(d.test_path) : h("span", { class: "muted" }, "—")),
        h("td", {}, h("span", { class: "reason" }, d.reason)),
        h("td", { class: "num" }, String(d.attempts)),
        error,
        h("td", {}, time(d.at)),
        actions,
      ];
      if (operator) cells.splice(2, 0, h("td", {}, d.org_id || "—"));
      return h("tr", { "data-job-id": d.job_id || "", "data-entry-id": d.id },
        labelCells(cells, headers));
    }

    function say(text, isError) {
      feedback.classList.toggle("is-error", Boolean(isError));
      feedback.textContent = text;
      if (isError) ctx.alert(text);
    }

    async function act(action, selection, what) {
      const bulkAll = selection.all === true;
      if (bulkAll && !window.confirm(action === "purge"
        ? "Delete every dead letter in view? Their jobs stay dead."
        : "Requeue every dead job in view?")) return;
      const buttons = [...main.querySelectorAll("button")];
      buttons.forEach((b) => { b.disabled = true; });
      try {
        const batch = action === "purge"
          ? await ctx.api.purgeDeadLetters(selection)
          : await ctx.api.requeueDeadLetters(selection);
        const done = action === "purge"
          ? `${plural(batch.removed.length, "dead letter")} deleted`
          : `${plural(batch.requeued.length, "job")} requeued with a fresh attempt budget`;
        const skipped = batch.skipped.length
          ? `; ${batch.skipped.length} skipped (${batch.skipped.map((s) => `${s.id}: ${s.reason}`).join("; ")})`
          : "";
        const which = batch.requeued.length === 1 && action === "requeue" ? ` (${batch.requeued[0]})` : "";
        say(`${done}${which}${skipped}.`, false);
        await load(true);
      } catch (err) {
        say(`${action === "purge" ? "Delete" : "Requeue"} of ${what} failed: ${err.message}`, true);
        buttons.forEach((b) => { b.disabled = false; });
        showSelection();
      }
    }

    async function load(reset) {
      try {
        const list = await ctx.api.deadLetters({ limit: PAGE, before: reset ? null : last });
        const keep = new Set(selected());
        if (reset) { tbody.replaceChildren(); letters.clear(); }
        for (const d of list) {
          const tr = row(d);
          if (keep.has(d.id)) tr.querySelector("input.select-letter").checked = true;
          tbody.append(tr);
          letters.set(d.id, d);
        }
        last = list.length ? list[list.length - 1].id : last;
        more.hidden = list.length < PAGE;
        summary.textContent = letters.size
          ? `${plural(letters.size, "dead letter")}${more.hidden ? "" : " shown (more below)"}`
          : "No dead letters: every job that ran out of attempts would be listed here.";
        problem.replaceChildren();
      } catch (err) {
        problem.replaceChildren(errorBox(err));
      }
      main.querySelectorAll("button").forEach((b) => { b.disabled = false; });
      showSelection();
    }

    selectAll.addEventListener("change", () => {
      for (const b of boxes()) b.checked = selectAll.checked;
      showSelection();
    });
    more.addEventListener("click", () => load(false));
    const reload = throttle(() => load(true), 1000);
    load(true);
    const requeued = (e) => e.status === "queued" && (e.message || "").startsWith("requeued");
    return ctx.live((event) => { if (event.status === "dead" || requeued(event)) reload(); });
  },
};
