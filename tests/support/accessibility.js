// What a person using a keyboard, a screen reader or a small screen would stumble on,
// checked in the page as shown: landmarks, one h1, names of controls, buttons, links and
// images, unique ids, text contrast (WCAG AA: 4.5:1, 3:1 for large text) and no sideways
// scrolling. Run as a function body by tests/support/browser.py; returns the problems found.
const problems = [];
const visible = (el) => {
  if (el.closest('[hidden], .visually-hidden, details:not([open]) > :not(summary)')) return false;
  const r = el.getBoundingClientRect();
  return r.width > 0 && r.height > 0;
};
const name = (el) => (el.getAttribute('aria-label') || '').trim()
  || (el.getAttribute('aria-labelledby') || '').split(' ').map((id) => {
    const t = document.getElementById(id); return t ? t.textContent.trim() : '';
  }).join(' ').trim()
  || (el.labels && [...el.labels].map((l) => l.textContent.trim()).join(' '))
  || el.textContent.trim();
const where = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
  + (el.className && typeof el.className === 'string' ? '.' + el.className.split(' ')[0] : '');
if (!document.documentElement.lang) problems.push('html has no lang');
const mains = [...document.querySelectorAll('main')].filter(visible);
if (mains.length !== 1) problems.push(mains.length + ' visible main landmarks');
const h1s = [...document.querySelectorAll('h1')].filter(visible);
if (h1s.length !== 1) problems.push(h1s.length + ' visible h1 headings');
for (const el of document.querySelectorAll('input, select, textarea')) {
  if (visible(el) && !name(el)) problems.push('control without a label: ' + where(el));
}
for (const el of document.querySelectorAll('button, a[href], summary')) {
  if (visible(el) && !name(el)) problems.push('unnamed ' + where(el));
}
for (const el of document.querySelectorAll('[role=img], [role=progressbar], nav, figure')) {
  if (visible(el) && !name(el)) problems.push('unnamed ' + where(el));
}
for (const el of document.querySelectorAll('[role=progressbar]')) {
  if (!el.hasAttribute('aria-valuenow')) problems.push('progressbar without a value');
}
const ids = {};
for (const el of document.querySelectorAll('[id]')) ids[el.id] = (ids[el.id] || 0) + 1;
for (const [id, n] of Object.entries(ids)) if (n > 1) problems.push('id used ' + n + ' times: ' + id);
const rgba = (text) => {
  const m = text.match(/[\d.]+/g) || ['0', '0', '0', '0'];
  return [+m[0], +m[1], +m[2], m.length > 3 ? +m[3] : 1];
};
const lum = ([r, g, b]) => {
  const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
  return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
};
const backdrop = (el) => {
  for (let e = el; e; e = e.parentElement) {
    const c = rgba(getComputedStyle(e).backgroundColor);
    if (c[3] > 0.95) return c;
  }
  return [255, 255, 255, 1];
};
for (const el of document.querySelectorAll('body *')) {
  if (el.closest('svg') || el.disabled) continue;
  const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
  if (!own || !visible(el)) continue;
  const style = getComputedStyle(el);
  const fg = rgba(style.color);
  const bg = backdrop(el);
  const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
  const ratio = (a + 0.05) / (b + 0.05);
  const size = parseFloat(style.fontSize);
  const large = size >= 24 || (size >= 18.66 && +style.fontWeight >= 700);
  if (ratio < (large ? 3 : 4.5)) {
    problems.push('contrast ' + ratio.toFixed(2) + ' of ' + where(el) + ': ' + el.textContent.trim().slice(0, 30));
  }
}
if (document.documentElement.scrollWidth > window.innerWidth + 1) {
  problems.push('page scrolls sideways: ' + document.documentElement.scrollWidth + ' > ' + window.innerWidth);
}
return problems;
