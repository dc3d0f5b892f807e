// Shared DOM helpers, zh-CN formatting and status names (the names come from labels.js).
// Never build markup from strings: every node is created with createElement
// and every user-written text goes through textContent.

import { labels } from './labels.js';

const BOOL_ATTRS = new Set(['disabled', 'hidden', 'checked', 'selected', 'required', 'readonly', 'multiple', 'open']);

export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  let value;
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === null || v === undefined || v === false) continue;
      if (k === 'style') throw new Error('inline styles are not allowed (CSP)');
      if (k === 'class') {
        el.className = Array.isArray(v) ? v.filter(Boolean).join(' ') : String(v);
      } else if (k === 'dataset') {
        for (const [dk, dv] of Object.entries(v)) {
          if (dv !== null && dv !== undefined) el.dataset[dk] = String(dv);
        }
      } else if (k.startsWith('on') && typeof v === 'function') {
        el.addEventListener(k.slice(2).toLowerCase(), v);
      } else if (k === 'value') {
        value = v;
      } else if (k === 'text') {
        el.textContent = String(v);
      } else if (BOOL_ATTRS.has(k)) {
        if (v) el.setAttribute(k, '');
      } else {
        el.setAttribute(k, v === true ? '' : String(v));
      }
    }
  }
  append(el, children);
  if (value !== undefined) el.value = value;
  return el;
}

export function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false || c === true) continue;
    if (Array.isArray(c)) append(el, c);
    else if (c instanceof Node) el.appendChild(c);
    else el.appendChild(document.createTextNode(String(c)));
  }
  return el;
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

export function setChildren(el, ...children) {
  clear(el);
  return append(el, children);
}

// How to scroll something into view: at once when the reader asks for reduced motion (the
// stylesheet cannot stop a scroll a script asks to be smooth), smoothly otherwise.
export function scrollMotion() {
  return window.matchMedia('(prefers-reduced-motion: reduce)').matches ? 'auto' : 'smooth';
}

export function show(el, visible) {
  if (!el) return;
  if (visible) el.removeAttribute('hidden');
  else el.setAttribute('hidden', '');
}

// Keyed list update: keeps existing elements (and their focus, open forms,
// typed text) when render() returns the element it was given.
// render(item, previousElementOrNull) -> element
// Where the keyboard focus is inside one of parent's items: the item's key and the path of child
// indexes from the item down to the focused element.
function focusSpot(parent) {
  const active = document.activeElement;
  if (!active || active === parent || !parent.contains(active)) return null;
  const path = [];
  let node = active;
  while (node.parentElement !== parent) {
    path.unshift(Array.prototype.indexOf.call(node.parentElement.children, node));
    node = node.parentElement;
  }
  return { key: node.dataset.key, path, active };
}

// A keyboard or screen-reader user keeps their place when an item is redrawn or moved: the focus
// goes back to the same element, or to the one at the same place in the item's new version.
function restoreFocus(parent, spot) {
  if (!spot || document.activeElement === spot.active) return;
  let target = parent.contains(spot.active) ? spot.active : null;
  if (!target) {
    target = Array.from(parent.children).find((c) => c.dataset.key === spot.key) || null;
    for (const i of spot.path) target = target ? target.children[i] : null;
  }
  if (target && typeof target.focus === 'function') target.focus({ preventScroll: true });
}

export function reconcile(parent, items, keyOf, render) {
  const spot = focusSpot(parent);
  const old = new Map();
  for (const el of Array.from(parent.children)) {
    if (el.dataset.key !== undefined) old.set(el.dataset.key, el);
    else el.remove();
  }
  const kept = new Set();
  const els = [];
  for (const item of items) {
    const key = String(keyOf(item));
    if (kept.has(key)) continue;
    const prev = old.get(key) || null;
    const el = render(item, prev);
    el.dataset.key = key;
    if (prev && prev !== el) prev.replaceWith(el);
    kept.add(key);
    els.push(el);
  }
  for (const [key, el] of old) if (!kept.has(key)) el.remove();
  let ref = parent.firstChild;
  for (const el of els) {
    if (el === ref) { ref = ref.nextSibling; continue; }
    parent.insertBefore(el, ref);
  }
  restoreFocus(parent, spot);
}

// ---------- time ----------

const pad = (n) => String(n).padStart(2, '0');

export function toDate(s) {
  if (!s) return null;
  const d = s instanceof Date ? s : new Date(s);
  return Number.isNaN(d.getTime()) ? null : d;
}

// Times arrive as ISO strings with an offset ("2026-11-22T20:00:00+08:00").
// They are shown in that offset (the studio's timezone), so the page agrees
// with the server-rendered parts whatever the viewer's device is set to.
const ISO_RE = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;

function wall(s) {
  if (!s) return null;
  const m = typeof s === 'string' ? ISO_RE.exec(s.trim()) : null;
  if (m && m[7] && m[7] !== 'Z') {
    const sign = m[7][0] === '-' ? -1 : 1;
    const digits = m[7].slice(1).replace(':', '');
    const offset = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4)));
    const now = new Date(Date.now() + offset * 60000);
    return {
      y: Number(m[1]), mo: Number(m[2]), d: Number(m[3]), H: Number(m[4]), M: Number(m[5]),
      ny: now.getUTCFullYear(), nmo: now.getUTCMonth() + 1, nd: now.getUTCDate(),
    };
  }
  const d = toDate(s);
  if (!d) return null;
  const now = new Date();
  return {
    y: d.getFullYear(), mo: d.getMonth() + 1, d: d.getDate(), H: d.getHours(), M: d.getMinutes(),
    ny: now.getFullYear(), nmo: now.getMonth() + 1, nd: now.getDate(),
  };
}

// "20:15" today, "11月22日 20:15" this year, else "2025年11月22日 20:15"
export function fmtTime(s) {
  const w = wall(s);
  if (!w) return '';
  const hm = `${pad(w.H)}:${pad(w.M)}`;
  if (w.y === w.ny && w.mo === w.nmo && w.d === w.nd) return hm;
  if (w.y === w.ny) return `${w.mo}月${w.d}日 ${hm}`;
  return `${w.y}年${w.mo}月${w.d}日 ${hm}`;
}

// "2026-11-22 20:15"
export function fmtDateTime(s) {
  const w = wall(s);
  if (!w) return '';
  return `${w.y}-${pad(w.mo)}-${pad(w.d)} ${pad(w.H)}:${pad(w.M)}`;
}

export function fmtDate(s) {
  const w = wall(s);
  if (!w) return '';
  return `${w.y}-${pad(w.mo)}-${pad(w.d)}`;
}

// "2026-11-22 20:00 — 22:00" (the end's date only when it differs), as the
// templates' time_span macro
export function timeSpan(start, end) {
  const a = fmtDateTime(start);
  const b = fmtDateTime(end);
  if (!a || !b) return a || b;
  return fmtDate(start) === fmtDate(end) ? `${a} — ${b.slice(11)}` : `${a} — ${b}`;
}

// "刚刚" / "5分钟" / "1小时20分钟"
export function fmtWait(s) {
  const d = toDate(s);
  if (!d) return '';
  const sec = Math.max(0, Math.floor((Date.now() - d.getTime()) / 1000));
  if (sec < 60) return '不到1分钟';
  const min = Math.floor(sec / 60);
  if (min < 60) return `${min}分钟`;
  const hr = Math.floor(min / 60);
  if (hr < 48) return `${hr}小时${min % 60 ? `${min % 60}分钟` : ''}`;
  return `${Math.floor(hr / 24)}天`;
}

// "2天 03:04:05" / "03:04:05"
export function fmtCountdown(ms) {
  const total = Math.max(0, Math.floor(ms / 1000));
  const days = Math.floor(total / 86400);
  const rest = total % 86400;
  const hms = `${pad(Math.floor(rest / 3600))}:${pad(Math.floor((rest % 3600) / 60))}:${pad(rest % 60)}`;
  return days ? `${days}天 ${hms}` : hms;
}

export function timeEl(s, cls) {
  return h('time', { datetime: s || null, class: cls || null, title: fmtDateTime(s) }, fmtTime(s));
}

// ---------- names ----------

export const Q_STATUS = labels.question_status || {};

export const EVENT_STATUS = labels.event_status || {};

export const CASE_STATUS = labels.case_status || {};

export const ROLE = labels.role || {};

export const ACTION = labels.action || {};

export function actionName(a) {
  return ACTION[a] || a || '处理';
}

export function statusName(s) {
  return Q_STATUS[s] || s || '';
}

const WORD_CATEGORY = labels.word_category || {};

const FLAG_KIND = labels.flag_kind || {};

export function flagName(kind) {
  if (!kind) return '';
  if (FLAG_KIND[kind]) return FLAG_KIND[kind];
  if (kind.startsWith('word.')) {
    const cat = kind.slice(5);
    return `敏感词·${WORD_CATEGORY[cat] || cat}`;
  }
  if (kind.startsWith('pii.')) return `个人信息·${kind.slice(4)}`;
  if (kind.startsWith('spam.')) return `垃圾信息·${kind.slice(5)}`;
  return kind;
}

export function unitName(u) {
  if (!u) return '';
  if (typeof u === 'string') return u;
  return u.name || '';
}

export function personLine(by) {
  // {"name": "王明", "title": "区长", "unit": {...}} -> "王明 · 区长（区政府办）"
  if (!by) return '';
  if (typeof by === 'string') return by;
  let s = by.name || '';
  if (by.title) s += ` · ${by.title}`;
  const u = unitName(by.unit);
  if (u) s += `（${u}）`;
  return s;
}

// ---------- localStorage (never throws) ----------

export const store = {
  get(key, fallback) {
    try {
      const raw = window.localStorage.getItem(key);
      return raw === null ? fallback : JSON.parse(raw);
    } catch {
      return fallback;
    }
  },
  set(key, value) {
    try {
      window.localStorage.setItem(key, JSON.stringify(value));
    } catch {
      /* storage full or disabled */
    }
  },
  remove(key) {
    try {
      window.localStorage.removeItem(key);
    } catch {
      /* ignore */
    }
  },
};

// Python counts string offsets in code points; JS strings are UTF-16.
// Split text into [{text, flag}] segments using code-point offsets.
export function flagSegments(text, flags) {
  const chars = Array.from(text || '');
  const spans = (flags || [])
    .filter((f) => Number.isInteger(f.start) && Number.isInteger(f.end) && f.end > f.start)
    .map((f) => ({ start: Math.max(0, f.start), end: Math.min(chars.length, f.end), flag: f }))
    .sort((a, b) => a.start - b.start || b.end - a.end);
  const out = [];
  let pos = 0;
  for (const s of spans) {
    if (s.start < pos) continue; // overlapping: keep the first
    if (s.start > pos) out.push({ text: chars.slice(pos, s.start).join(''), flag: null });
    out.push({ text: chars.slice(s.start, s.end).join(''), flag: s.flag });
    pos = s.end;
  }
  if (pos < chars.length) out.push({ text: chars.slice(pos).join(''), flag: null });
  return out;
}

// Apply every flag's suggestion to text (code-point offsets).
export function applySuggestions(text, flags) {
  const chars = Array.from(text || '');
  const spans = (flags || [])
    .filter((f) => typeof f.suggestion === 'string' && Number.isInteger(f.start) && Number.isInteger(f.end))
    .sort((a, b) => b.start - a.start);
  let lastStart = Infinity;
  for (const f of spans) {
    if (f.end > lastStart) continue;
    chars.splice(f.start, f.end - f.start, ...Array.from(f.suggestion));
    lastStart = f.start;
  }
  return chars.join('');
}

export function excerpt(text, n = 40) {
  const chars = Array.from(text || '');
  return chars.length > n ? `${chars.slice(0, n).join('')}…` : chars.join('');
}
