// Charts drawn as SVG, each in a figure with a caption, a text summary for screen readers
// and its data as a table behind a disclosure.

import { h, plural } from "./dom.js";

const SVG = "http://www.w3.org/2000/svg";
let W = 640; // set per chart from the room it has (text stays legible at every width)
const H = 220;
const PAD = { left: 40, right: 30, top: 12, bottom: 28 };
let uid = 0;

function s(tag, attrs, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v !== undefined && v !== null) el.setAttribute(k, String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

function niceMax(value) {
  if (value <= 4) return 4;
  const mag = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) {
    if (step * mag >= value) return step * mag;
  }
  return 10 * mag;
}

const minuteFormat = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });
export const minuteLabel = (iso) => minuteFormat.format(new Date(iso));

function frame(title, summary, svg, dataTable, legend) {
  const id = `chart-${++uid}`;
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-labelledby", `${id}-t ${id}-d`);
  svg.prepend(s("title", { id: `${id}-t` }, title), s("desc", { id: `${id}-d` }, summary));
  return h("figure", { class: "chart", "aria-labelledby": `${id}-c` },
    h("figcaption", { id: `${id}-c` }, title),
    svg,
    legend || null,
    h("p", { class: "chart-summary" }, summary),
    h("details", { class: "chart-data" }, h("summary", {}, "Show the data"), dataTable));
}

function axes(svg, max, unit, xLabels) {
  const plotH = H - PAD.top - PAD.bottom;
  for (const f of [0, 0.5, 1]) {
    const y = PAD.top + plotH * (1 - f);
    svg.append(s("line", { x1: PAD.left, x2: W - PAD.right, y1: y, y2: y, class: f ? "grid" : "axis" }));
    svg.append(s("text", { x: PAD.left - 6, y: y + 4, class: "tick", "text-anchor": "end" },
      `${Math.round(max * f)}${unit}`));
  }
  for (const { x, text } of xLabels) {
    svg.append(s("text", { x, y: H - 8, class: "tick", "text-anchor": "middle" }, text));
  }
}

function dataTable(caption, headers, rows) {
  return h("table", { class: "data compact" }, h("caption", {}, caption),
    h("thead", {}, h("tr", {}, headers.map((t) => h("th", { scope: "col" }, t)))),
    h("tbody", {}, rows.map((r) => h("tr", {}, r.map((c, i) => (i ? h("td", { class: "num" }, c) : h("th", { scope: "row" }, c)))))));
}

// Minute labels far enough apart not to overlap (about 72 px each), counted from the
// current minute backwards so that the latest one is always labelled.
function xLabelsFor(points, xOf) {
  const room = Math.max(1, Math.floor((W - PAD.left - PAD.right) / 72));
  const step = Math.max(1, Math.ceil(points.length / room));
  const out = [];
  for (let i = points.length - 1; i >= 0; i -= step) {
    out.push({ x: xOf(i), text: minuteLabel(points[i].at) });
  }
  return out;
}

// Stacked bars of jobs finished per minute, by status.
export function throughputChart(points, width) {
  W = Math.max(280, Math.round(width || 640));
  const keys = ["passed", "failed", "dead", "cancelled"];
  const max = niceMax(Math.max(0, ...points.map((p) => p.finished)));
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const slot = plotW / Math.max(1, points.length);
  const xOf = (i) => PAD.left + slot * (i + 0.5);
  const svg = s("svg", { viewBox: `0 0 ${W} ${H}`, class: "chart-svg", width: W, height: H });
  axes(svg, max, "", xLabelsFor(points, xOf));
  points.forEach((p, i) => {
    let y = PAD.top + plotH;
    for (const k of keys) {
      const v = p[k] || 0;
      if (!v) continue;
      const hgt = (plotH * v) / max;
      y -= hgt;
      svg.append(s("rect", { x: PAD.left + slot * i + slot * 0.15, y, width: slot * 0.7, height: hgt, class: `bar bar-${k}` }));
    }
  });
  const total = points.reduce((n, p) => n + p.finished, 0);
  const peak = points.reduce((best, p) => (p.finished > best.finished ? p : best), points[0] || { finished: 0 });
  const summary = total
    ? `${plural(total, "job")} finished in the last ${points.length} minutes; at most ${peak.finished} in one minute (${minuteLabel(peak.at)}).`
    : `No job finished in the last ${points.length} minutes.`;
  const rows = points.filter((p) => p.finished).map((p) => [minuteLabel(p.at), p.finished, p.passed, p.failed, p.dead, p.cancelled]);
  return frame("Throughput: jobs finished per minute", summary, svg,
    dataTable("Jobs finished per minute", ["Minute", "Finished", "Passed", "Failed", "Dead", "Cancelled"], rows),
    h("p", { class: "legend", "aria-hidden": "true" }, keys.map((k) => [h("span", { class: `key key-${k}` }), `${k} `])));
}

// The success rate, the one definition the card and the chart share: of the jobs whose
// latest result came in these minutes (a requeued job counts once, by its new result),
// the share that passed; cancelled jobs are left out.
export function successRate(points) {
  const passed = points.reduce((n, p) => n + p.passed, 0);
  const judged = points.reduce((n, p) => n + p.passed + p.failed + p.dead, 0);
  return { passed, judged };
}

// Share of finished jobs that passed, per minute (cancelled jobs left out); gaps where none.
export function successChart(points, width) {
  W = Math.max(280, Math.round(width || 640));
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const slot = plotW / Math.max(1, points.length);
  const xOf = (i) => PAD.left + slot * (i + 0.5);
  const yOf = (v) => PAD.top + plotH * (1 - v / 100);
  const rates = points.map((p) => {
    const judged = p.passed + p.failed + p.dead;
    return judged ? (100 * p.passed) / judged : null;
  });
  const svg = s("svg", { viewBox: `0 0 ${W} ${H}`, class: "chart-svg", width: W, height: H });
  axes(svg, 100, "%", xLabelsFor(points, xOf));
  let d = "";
  let open = false;
  rates.forEach((r, i) => {
    if (r === null) { open = false; return; }
    d += `${open ? "L" : "M"}${xOf(i).toFixed(1)},${yOf(r).toFixed(1)}`;
    open = true;
    svg.append(s("circle", { cx: xOf(i), cy: yOf(r), r: 3, class: "dot" }));
  });
  if (d) svg.insertBefore(s("path", { d, class: "line" }), svg.querySelector("circle"));
  const rate = successRate(points);
  const summary = rate.judged
    ? `${Math.round((100 * rate.passed) / rate.judged)} % of ${plural(rate.judged, "finished job")} passed in the last ${points.length} minutes.`
    : `No job finished in the last ${points.length} minutes.`;
  const rows = points.map((p, i) => [p, rates[i]]).filter(([, r]) => r !== null)
    .map(([p, r]) => [minuteLabel(p.at), `${Math.round(r)} %`, p.passed, p.failed + p.dead]);
  return frame("Success rate over time", summary, svg,
    dataTable("Success rate per minute", ["Minute", "Passed", "Jobs passed", "Jobs failed or dead"], rows));
}

// Horizontal bars, one per label, each with its number written out above it.
export function hbars(title, items, { unit = "", total } = {}) {
  const max = Math.max(1, ...items.map((i) => i.value));
  const id = `hb-${++uid}`;
  return h("figure", { class: "chart hbars", "aria-labelledby": id },
    h("figcaption", { id }, title),
    h("ul", { class: "hbar-list" }, items.map((item) => {
      const fill = h("span", { class: `hbar-fill ${item.cls || ""}` });
      fill.style.width = `${(100 * item.value) / (total || max)}%`;
      return h("li", {},
        h("div", { class: "hbar-head" },
          h("span", { class: "hbar-label" }, item.label),
          h("span", { class: "hbar-value" }, h("strong", {}, `${item.value}${unit}`),
            item.note ? ` ${item.note}` : "")),
        h("span", { class: "hbar-track", "aria-hidden": "true" }, fill));
    })));
}
