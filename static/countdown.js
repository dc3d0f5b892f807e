// Countdown to an event's start: any element with data-starts-at gets its
// text replaced every second ("距开始 2天 03:04:05"). When the time has come
// and the event is not open yet, it says "即将开始".
import { fmtCountdown, toDate } from './dom.js';

const bound = new Set();
let ticking = null;

function tick() {
  const now = Date.now();
  for (const el of Array.from(bound)) {
    if (!el.isConnected) { bound.delete(el); continue; }
    const start = toDate(el.dataset.startsAt);
    if (!start) continue;
    const left = start.getTime() - now;
    const prefix = el.dataset.prefix || '距开始 ';
    const text = left > 0 ? `${prefix}${fmtCountdown(left)}` : (el.dataset.doneText || '即将开始');
    if (el.textContent !== text) el.textContent = text;
    el.classList.toggle('is-due', left <= 0);
  }
  if (!bound.size) {
    clearInterval(ticking);
    ticking = null;
  }
}

export function initCountdowns(root = document) {
  for (const el of root.querySelectorAll('[data-starts-at].countdown')) bound.add(el);
  if (bound.size && !ticking) ticking = setInterval(tick, 1000);
  tick();
}

export function stopCountdown(el) {
  bound.delete(el);
}

initCountdowns(document);
