// Shared by the moderator and official consoles.
import { h, show, unitName, timeSpan, EVENT_STATUS } from './dom.js';
import { get } from './api.js';

// Public change frames and the status they put a question in.
export const PUBLIC_STATUS = {
  'question.published': 'approved',
  'question.on_air': 'on_air',
  'question.off_air': 'approved',
  'answer.posted': 'answered',
  'question.transferred': 'transferred',
};

// StaffQuestion store, keyed by id; never goes back to an older version.
export class QuestionStore {
  constructor() {
    this.map = new Map();
  }

  get(id) {
    return this.map.get(Number(id));
  }

  values() {
    return Array.from(this.map.values());
  }

  // returns {prev, applied}
  upsert(q) {
    if (!q || q.id === undefined || q.id === null) return { prev: null, applied: false };
    const id = Number(q.id);
    const prev = this.map.get(id) || null;
    if (prev && typeof prev.version === 'number' && typeof q.version === 'number' && q.version < prev.version) {
      return { prev, applied: false };
    }
    this.map.set(id, { ...q, id });
    return { prev, applied: true };
  }

  replaceAll(list) {
    this.map.clear();
    for (const q of list || []) this.upsert(q);
  }

  // merge a fresh list without going back in versions
  mergeAll(list) {
    const seen = new Set();
    for (const q of list || []) {
      this.upsert(q);
      seen.add(Number(q.id));
    }
    return seen;
  }

  counts() {
    const c = {};
    for (const q of this.map.values()) c[q.status] = (c[q.status] || 0) + 1;
    return c;
  }

  setVotes(counts) {
    let changed = false;
    for (const [id, n] of Object.entries(counts || {})) {
      const q = this.map.get(Number(id));
      if (q && typeof n === 'number' && q.votes !== n) {
        q.votes = n;
        changed = true;
      }
    }
    return changed;
  }
}

// When a public frame says a question moved but no question.changed came
// (or it was lost), fetch the queue again after a short pause.
export function makeResync(slug, store, after) {
  let timer = null;
  let running = false;
  const run = async () => {
    if (running) return;
    running = true;
    try {
      const list = await get(`/api/events/${encodeURIComponent(slug)}/queue`);
      if (Array.isArray(list)) {
        store.mergeAll(list);
        after();
      }
    } catch {
      /* next frame will try again */
    } finally {
      running = false;
    }
  };
  return (delay = 1500) => {
    clearTimeout(timer);
    timer = setTimeout(run, delay);
  };
}

export function unitOptions(units, selectedId, noneLabel = '全部单位') {
  const sel = selectedId === null || selectedId === undefined ? '' : String(selectedId);
  return [
    h('option', { value: '', selected: sel === '' }, noneLabel),
    ...units.map((u) => h('option', { value: String(u.id), selected: sel === String(u.id) }, u.name)),
  ];
}

export function unitId(u) {
  if (!u) return null;
  if (typeof u === 'object') return u.id ?? null;
  return u;
}

export function unitLabel(u) {
  return unitName(u) || '全部单位';
}

export function parseUnits(root) {
  try {
    const list = JSON.parse(root.dataset.units || '[]');
    return Array.isArray(list) ? list : [];
  } catch {
    return [];
  }
}

export function setEventStatus(status) {
  const badge = document.getElementById('ev-status');
  if (badge) {
    badge.className = `badge badge-ev-${status}`;
    badge.textContent = EVENT_STATUS[status] || status;
  }
  const open = document.getElementById('event-open');
  const close = document.getElementById('event-close');
  if (open) open.hidden = status !== 'scheduled';
  if (close) close.hidden = status !== 'live';
  if (status !== 'live') {
    const box = document.querySelector('#event-ctl .confirm-box');
    if (box) box.hidden = true;
  }
}

// The event's title, times, guests and description in the console head
// (templates/_macros.html console_head), from an Event.
export function setEventInfo(event) {
  if (!event) return;
  const $ = (id) => document.getElementById(id);
  const title = $('ev-title');
  if (title && typeof event.title === 'string' && title.textContent !== event.title) {
    title.textContent = event.title;
    const desk = title.closest('[data-desk]');
    document.title = desk ? `${desk.dataset.desk} · ${event.title}` : event.title;
  }
  const time = $('ev-time');
  if (time && event.starts_at && event.ends_at) time.textContent = timeSpan(event.starts_at, event.ends_at);
  const guests = $('ev-guests');
  if (guests && Array.isArray(event.guests)) {
    guests.textContent = `嘉宾：${event.guests.map((g) => {
      const unit = unitName(g.unit);
      return `${g.name || ''}${unit ? `（${unit}）` : ''}`;
    }).join('、')}`;
    show(guests, event.guests.length > 0);
  }
  const desc = $('ev-desc');
  if (desc && typeof event.description === 'string') {
    desc.textContent = event.description;
    show($('ev-desc-box'), !!event.description);
  }
}

// The public frames both consoles follow: snapshot, votes, host.message,
// event.status, event.updated, stats, and the on-air / answer / transfer /
// publish changes. Keeps the event status (#ev-status, open/close buttons),
// its title, times, guests and description (setEventInfo), the public on-air
// question (`onAir`) and the viewer count (#viewers); when a public change
// does not match the store it calls resync(). Each console passes its hooks:
//   renderOnAir()   redraw its on-air box (required)
//   onSnapshot(f)   a snapshot arrived, before the on-air box is redrawn
//   onVotes()       the store's vote counts changed
//   onMessage(m)    a host message arrived
//   mayConcern(q)   a public change to a question not in the store: may it
//                   concern this console, so fetch the queue? (default: yes)
export function publicFrames(store, resync, status, hooks) {
  const {
    renderOnAir, onSnapshot, onVotes, onMessage, mayConcern = () => true,
  } = hooks;
  let eventStatus = status;
  let onAir = null;
  let stats = null;

  const setStatus = (next) => {
    if (next) eventStatus = next;
    setEventStatus(eventStatus);
  };

  const renderStats = () => {
    const s = stats || {};
    document.getElementById('viewers').textContent = typeof s.viewers === 'number' ? s.viewers.toLocaleString('zh-CN') : '—';
  };

  const check = (f) => {
    const expected = PUBLIC_STATUS[f.type];
    if (!expected) return;
    const q = f.question && store.get(f.question.id);
    if (q) {
      if (q.status !== expected) resync();
    } else if (mayConcern(f.question)) {
      resync();
    }
  };

  // returns whether the frame was one of these
  const handle = (f) => {
    switch (f.type) {
      case 'snapshot':
        setStatus(f.event && f.event.status);
        setEventInfo(f.event);
        onAir = f.on_air || null;
        if (f.stats) stats = f.stats;
        if (onSnapshot) onSnapshot(f);
        renderStats();
        renderOnAir();
        return true;
      case 'votes':
        if (store.setVotes(f.counts) && onVotes) onVotes();
        return true;
      case 'host.message':
        if (f.message && onMessage) onMessage(f.message);
        return true;
      case 'event.status':
        setStatus(f.status || (f.event && f.event.status));
        setEventInfo(f.event);
        return true;
      case 'event.updated':
        setEventInfo(f.event);
        return true;
      case 'stats':
        stats = { ...(stats || {}), ...(f.stats || f) };
        renderStats();
        return true;
      case 'question.on_air':
        onAir = f.question || null;
        check(f);
        renderOnAir();
        return true;
      case 'question.off_air':
      case 'answer.posted':
      case 'question.transferred':
        if (onAir && f.question && onAir.id === f.question.id) onAir = null;
        check(f);
        renderOnAir();
        return true;
      case 'question.published':
        check(f);
        return true;
      case 'question.unpublished':
        if (onAir && onAir.id === Number(f.question_id)) onAir = null;
        renderOnAir();
        return true;
      case 'question.updated':
      case 'answer.corrected':
        // the console's own question.changed frame carries the new version
        return true;
      default:
        return false;
    }
  };

  return {
    get onAir() {
      return onAir;
    },
    setStatus,
    handle,
  };
}
