// Small DOM and formatting helpers. Text always goes in as text (never as HTML).

export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") el.className = value;
    else if (key === "dataset") Object.assign(el.dataset, value);
    else if (key.startsWith("on") && typeof value === "function") {
      el.addEventListener(key.slice(2).toLowerCase(), value);
    } else if (value === true) el.setAttribute(key, "");
    else el.setAttribute(key, String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

// Statuses get a badge whose colour and text both say the status.
export const STATUSES = [
  "queued", "scheduled", "running", "passed", "failed", "error", "dead", "cancelled",
];
export const TERMINAL = new Set(["passed", "failed", "dead", "cancelled"]);
export const TARGETS = ["emulator", "device", "browserstack"];

export function badge(status, extra) {
  return h("span", { class: `badge badge-${status}` }, status, extra || "");
}

// Ids are ULIDs: 10 characters of time (shared by everything made within minutes), then 16
// random ones. The short form is the random tail's last 8, which tells jobs apart.
export const SHORT_ID = 8;
export function shortId(id) {
  if (!id) return "";
  return id.length > SHORT_ID + 2 ? `…${id.slice(-SHORT_ID)}` : id;
}

// A test path that wraps only after a separator ("/", ".", "_", "-"), never inside a word.
export function pathText(path) {
  const parts = String(path).split(/(?<=[/._-])/);
  const out = [];
  parts.forEach((part, i) => {
    if (i) out.push(h("wbr"));
    out.push(part);
  });
  return h("span", { class: "path" }, out);
}

// "1 job", "2 jobs".
export function plural(n, one, many) {
  return `${n} ${n === 1 ? one : many || `${one}s`}`;
}

export function idText(id) {
  return h("span", { class: "mono", title: id }, shortId(id));
}

const timeFormat = new Intl.DateTimeFormat(undefined, {
  hour: "2-digit", minute: "2-digit", second: "2-digit",
});
const dateTimeFormat = new Intl.DateTimeFormat(undefined, {
  year: "numeric", month: "short", day: "numeric",
  hour: "2-digit", minute: "2-digit", second: "2-digit",
});

export function time(iso, { full } = {}) {
  if (!iso) return h("span", { class: "muted" }, "—");
  const date = new Date(iso);
  const sameDay = new Date().toDateString() === date.toDateString();
  const text = full || !sameDay ? dateTimeFormat.format(date) : timeFormat.format(date);
  return h("time", { datetime: iso, title: dateTimeFormat.format(date) }, text);
}

export function ago(iso) {
  if (!iso) return "never";
  const s = Math.max(0, Math.round((Date.now() - new Date(iso).getTime()) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  return `${Math.round(s / 3600)} h ago`;
}

export function seconds(value) {
  if (value === null || value === undefined) return "—";
  if (value < 1) return `${Math.round(value * 1000)} ms`;
  if (value < 120) return `${value.toFixed(1)} s`;
  return `${(value / 60).toFixed(1)} min`;
}

export function percent(part, whole) {
  if (!whole) return "—";
  return `${Math.round((100 * part) / whole)} %`;
}

export function bytes(n) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

// A labelled, keyboard-scrollable container for a wide table.
export function tableWrap(label, table) {
  return h("div", { class: "table-wrap", role: "region", "aria-label": label, tabindex: "0" }, table);
}

export function table(caption, headers, rows, { captionHidden = true } = {}) {
  return h(
    "table",
    { class: "data" },
    h("caption", { class: captionHidden ? "visually-hidden" : "" }, caption),
    h("thead", {}, h("tr", {}, headers.map((text) => h("th", { scope: "col" }, text)))),
    h("tbody", {}, rows),
  );
}

export function empty(text) {
  return h("p", { class: "empty" }, text);
}

export function errorBox(error) {
  return h("p", { class: "error-box", role: "alert" }, error.message || String(error));
}

// Calls fn at most once per `ms`, trailing: bursts of events cause one reload.
export function throttle(fn, ms) {
  let timer = null;
  let last = 0;
  return (...args) => {
    const wait = Math.max(0, last + ms - Date.now());
    if (timer) return;
    timer = setTimeout(() => {
      timer = null;
      last = Date.now();
      fn(...args);
    }, wait);
  };
}

export function field(label, control, id) {
  return h("div", { class: "field" }, h("label", { for: id }, label), control);
}

export function select(id, name, options, value) {
  return h(
    "select",
    { id, name },
    options.map(([v, text]) => h("option", { value: v, selected: v === value }, text)),
  );
}

// Filters stay open on a wide screen; on a narrow one they fold away behind a summary.
export function collapsible(form, active) {
  const wide = window.matchMedia("(min-width: 801px)").matches;
  return h("details", { class: "filter-panel", open: wide || undefined },
    h("summary", {}, active ? `Filters (${active} active)` : "Filters"), form);
}
// Each cell names its column, so that on a narrow screen a row can show as a card of
// "column: value" lines (see `table.cards` in app.css).
export function labelCells(cells, headers) {
  cells.forEach((cell, i) => { cell.dataset.label = headers[i]; });
  return cells;
}
