// Rendering the feed: on air (and the toast when it is out of view), answered, the waiting list,
// host messages, transferred questions, counts, the event's status and guests.
import { updateSubmit } from './ask.js';
import { $, el, root, state, view, voted } from './state.js';
import { keepVisibleTab, tabCount } from './tabs.js';
import { stopCountdown } from '../countdown.js';
import {
  clear, excerpt, h, personLine, reconcile, scrollMotion, show, timeEl, timeSpan, unitName, EVENT_STATUS, Q_STATUS,
} from '../dom.js';
import { photoStrip } from '../photos.js';

export function qMeta(q) {
  const unit = unitName(q.unit);
  return h('p', { class: 'q-meta' },
    h('span', { class: 'q-nick' }, q.nickname || '网友'),
    h('span', { class: 'q-to' }, unit ? `向 ${unit} 提问` : '向全部单位提问'),
    q.published_at || q.asked_at ? timeEl(q.published_at || q.asked_at, 'q-time') : null);
}

export function voteButton(q) {
  const done = voted.has(q.id);
  // the name is what the button shows ("同问 +1", the count) and, for screen readers, "人同问";
  // once given, the +1 stays focusable (aria-disabled) so that the keyboard focus stays on it
  return h('button', {
    type: 'button',
    class: ['vote', done && 'is-voted'],
    dataset: { questionId: q.id },
    'aria-disabled': done ? 'true' : null,
    disabled: state.status === 'closed',
  }, h('span', { class: 'vote-label' }, done ? '已同问' : '同问 +1'), ' ',
  h('span', { class: 'vote-count' }, String(q.votes || 0), h('span', { class: 'sr-only' }, ' 人同问')));
}

function photoSig(q) {
  return (q.photos || []).map((p) => p.url).join(',');
}

function renderPublishedItem(q, prev) {
  const sig = `${q.text}|${unitName(q.unit)}|${q.votes}|${voted.has(q.id)}|${state.status}|${photoSig(q)}`;
  if (prev && prev.dataset.sig === sig) return prev;
  const li = h('li', { class: ['q-card', view.animate && !prev && 'fresh'], dataset: { questionId: q.id, sig } },
    qMeta(q),
    h('p', { class: 'q-text' }, q.text),
    photoStrip(q.photos),
    h('div', { class: 'q-foot' }, voteButton(q)));
  return li;
}

function renderAnsweredItem(q, prev) {
  const a = q.answer || {};
  const sig = `${q.text}|${a.text}|${a.corrected_at || ''}|${q.votes}|${photoSig(q)}`;
  if (prev && prev.dataset.sig === sig) return prev;
  return h('li', { class: ['qa', view.animate && !prev && 'fresh'], dataset: { questionId: q.id, sig } },
    h('div', { class: 'qa-q' },
      h('span', { class: 'qa-tag qa-tag-q', 'aria-hidden': 'true' }, '问'), h('span', { class: 'sr-only' }, '网友提问：'),
      h('div', { class: 'qa-body' },
        qMeta(q),
        h('p', { class: 'q-text' }, q.text),
        photoStrip(q.photos),
        q.votes ? h('p', { class: 'q-votes' }, `${q.votes} 人同问`) : null)),
    h('div', { class: 'qa-a' },
      h('span', { class: 'qa-tag qa-tag-a', 'aria-hidden': 'true' }, '答'), h('span', { class: 'sr-only' }, '嘉宾回答：'),
      h('div', { class: 'qa-body' },
        h('p', { class: 'qa-by' }, personLine(a.by) || '嘉宾', a.at ? timeEl(a.at, 'q-time') : null),
        h('p', { class: 'a-text' }, a.text || ''),
        a.corrected_at ? h('p', { class: 'a-corrected muted small' }, '已更正 ', timeEl(a.corrected_at, 'q-time')) : null)));
}

export function renderOnAir() {
  const q = state.onAir;
  const box = el.onAir;
  const key = q ? `${q.id}|${q.text}|${q.votes}` : (state.status === 'closed' ? 'closed' : `none|${state.status}`);
  if (box.dataset.key === key) return;
  box.dataset.key = key;
  clear(box);
  box.classList.toggle('is-empty', !q);
  if (!q) {
    let msg = '当前没有正在回答的问题，请稍候。';
    if (state.status === 'scheduled') msg = '访谈尚未开始，开始后嘉宾将在这里回答网友提问。';
    if (state.status === 'closed') msg = '访谈已结束。';
    box.appendChild(h('p', { class: 'empty' }, msg));
    return;
  }
  box.appendChild(h('article', { class: 'on-air-card', dataset: { questionId: q.id } },
    h('p', { class: 'on-air-badge' }, h('span', { class: 'live-dot', 'aria-hidden': 'true' }), Q_STATUS.on_air),
    h('p', { class: 'on-air-text' }, q.text),
    qMeta(q),
    h('p', { class: 'on-air-hint' },
      q.votes ? `${q.votes} 人同问 · ` : '',
      unitName(q.unit) ? `${unitName(q.unit)}嘉宾正在作答，请稍候…` : '嘉宾正在作答，请稍候…')));
}

// A viewer scrolled down the feed learns that a new question went on air.
let onAirVisible = true;

export function bindToast() {
  const toast = $('on-air-toast');
  if ('IntersectionObserver' in window) {
    new IntersectionObserver((entries) => {
      for (const e of entries) onAirVisible = e.isIntersecting;
      if (onAirVisible) show(toast, false);
    }).observe(el.onAir);
  }
  toast.addEventListener('click', () => {
    show(toast, false);
    el.onAir.scrollIntoView({ behavior: scrollMotion(), block: 'center' });
  });
}

export function hideToast() {
  show($('on-air-toast'), false);
}

export function announceOnAir() {
  if (!onAirVisible) show($('on-air-toast'), true);
}

export function publishedSorted() {
  // The same order as the server's snapshot, so a reload shows what the open page shows.
  const newest = (a, b) => cmpTimeDesc(a.published_at, b.published_at) || b.id - a.id;
  const list = state.published.slice();
  if (view.sortMode === 'hot') list.sort((a, b) => (b.votes || 0) - (a.votes || 0) || newest(a, b));
  else list.sort(newest);
  return list;
}

export function cmpTimeDesc(a, b) {
  const ta = a ? Date.parse(a) : 0;
  const tb = b ? Date.parse(b) : 0;
  return (tb || 0) - (ta || 0);
}

export function renderPublished() {
  const list = publishedSorted();
  reconcile(el.published, list, (q) => q.id, renderPublishedItem);
  show(el.publishedEmpty, list.length === 0);
  el.publishedCount.textContent = list.length ? `（${list.length}）` : '';
  tabCount('published', list.length);
}

export function renderAnswered() {
  const list = state.answered.slice().sort(
    (a, b) => cmpTimeDesc(a.answer && a.answer.at, b.answer && b.answer.at) || b.id - a.id);
  reconcile(el.answered, list, (q) => q.id, renderAnsweredItem);
  show(el.answeredEmpty, list.length === 0);
  el.answeredCount.textContent = list.length ? `（${list.length}）` : '';
  tabCount('answered', list.length);
}

export function renderMessages() {
  const list = state.messages.slice().sort((a, b) => cmpTimeDesc(a.at, b.at) || (b.id || 0) - (a.id || 0));
  reconcile(el.messages, list, (msg) => msg.id ?? `${msg.at}|${msg.text}`, (msg, prev) => prev || h('li', { class: ['msg', view.animate && 'fresh'] },
    h('span', { class: 'msg-tag' }, msg.author || '主持人'),
    h('p', { class: 'msg-text' }, msg.text),
    msg.at ? timeEl(msg.at, 'msg-time') : null));
  show(el.messagesSection, list.length > 0);
}

export function renderTransferred() {
  reconcile(el.transferred, state.transferred, (t) => t.question.id, (t, prev) => {
    if (prev) return prev;
    const q = t.question;
    const unit = unitName(q.unit);
    return h('li', { class: 'transferred-item', dataset: { questionId: q.id } },
      h('span', { class: 'badge badge-q-transferred' }, Q_STATUS.transferred),
      h('span', { class: 'transferred-text' }, excerpt(q.text, 60)),
      h('span', { class: 'transferred-note' },
        unit ? `已转交${unit}办理` : '已转至留言板办理',
        t.caseId ? [' · ', h('a', { href: `/board/cases/${encodeURIComponent(t.caseId)}` }, '查看办理进度')] : null));
  });
  show(el.transferredBox, state.transferred.length > 0);
}

export function renderStats() {
  const s = state.stats || {};
  const fmt = (n) => (typeof n === 'number' ? n.toLocaleString('zh-CN') : '—');
  el.viewers.textContent = fmt(s.viewers);
  el.received.textContent = fmt(s.received);
  el.statPublished.textContent = fmt(s.published);
  el.statAnswered.textContent = fmt(s.answered);
  renderTransparency(s);
  // the closing banner says how many questions are still in review (they reach the board later)
  const pending = document.getElementById('closed-pending');
  if (pending) {
    document.getElementById('closed-pending-n').textContent = fmt(s.pending);
    pending.hidden = !(typeof s.pending === 'number' && s.pending > 0);
  }
}

// The public moderation counts (templates/_transparency.html), from stats.
export function renderTransparency(s) {
  const box = document.getElementById('transparency');
  if (!box) return;
  for (const dd of box.querySelectorAll('[data-t]')) {
    const n = s[dd.dataset.t];
    if (typeof n === 'number') dd.textContent = String(n);
  }
  const list = document.getElementById('tp-reasons');
  if (list && Array.isArray(s.rejected_by_reason)) {
    clear(list);
    for (const r of s.rejected_by_reason) {
      list.appendChild(h('li', null, h('span', { class: 'tp-reason' }, r.reason || ''), ' ',
        h('span', { class: 'tp-n' }, String(r.count))));
    }
  }
}

export function renderStatus() {
  const st = state.status;
  root.dataset.status = st;
  root.classList.remove('is-scheduled', 'is-live', 'is-closed');
  root.classList.add(`is-${st}`);
  el.status.className = `badge badge-ev-${st}`;
  const collecting = !(state.event && state.event.collecting === false);
  el.status.textContent = st === 'scheduled'
    ? `${EVENT_STATUS.scheduled}${collecting ? ' · 征集中' : ''}` : EVENT_STATUS[st] || st;
  if (el.countdown) {
    if (st !== 'scheduled') {
      stopCountdown(el.countdown);
      el.countdown.hidden = true;
    }
  }
  const accepting = (st === 'scheduled' || st === 'live')
    && !(state.event && state.event.accepting_questions === false);
  if (st === 'scheduled') {
    el.askTitle.textContent = '网友提问征集';
    el.askMode.textContent = '访谈尚未开始，现在提交的问题将在审核后公开，并在访谈中择要回答。';
  } else if (st === 'live') {
    el.askTitle.textContent = '我要提问';
    el.askMode.textContent = '访谈直播中，提交的问题经审核后公开，嘉宾将择要现场回答。';
  }
  show(el.askForm, accepting);
  show(el.askMode, accepting);
  show(el.askClosed, !accepting && st !== 'scheduled');
  if (el.askNotYet) show(el.askNotYet, !accepting && st === 'scheduled'); // collection not open yet
  show(el.closed, st === 'closed');
  updateSubmit();
  keepVisibleTab();
}

// Title, times, description, guests and the units one may ask: the parts an
// `event.updated` frame (or a snapshot after one) changes.
let eventSig = null;
export function renderEvent() {
  const ev = state.event;
  if (!ev) return;
  const sig = JSON.stringify([ev.title, ev.description, ev.starts_at, ev.ends_at, ev.guests, ev.units]);
  if (sig === eventSig) return;
  eventSig = sig;
  if (typeof ev.title === 'string') {
    root.dataset.title = ev.title;
    el.title.textContent = ev.title;
    document.title = `${ev.title} · 网络问政 · 在线访谈`;
  }
  if (ev.starts_at && ev.ends_at) {
    el.time.textContent = `访谈时间：${timeSpan(ev.starts_at, ev.ends_at)}`;
    root.dataset.startsAt = ev.starts_at;
    if (el.countdown) el.countdown.dataset.startsAt = ev.starts_at; // countdown.js reads it every second
  }
  if (el.desc) {
    el.desc.textContent = ev.description || '';
    show(el.desc, !!ev.description);
  }
  if (el.guests && Array.isArray(ev.guests)) {
    clear(el.guestList);
    for (const g of ev.guests) {
      const unit = unitName(g.unit);
      el.guestList.appendChild(h('li', { class: 'guest' },
        g.photo
          ? h('img', { class: 'guest-photo', src: g.photo, alt: `${g.name}的照片`, width: 64, height: 64 })
          : h('span', { class: 'guest-avatar', 'aria-hidden': 'true' }, Array.from(g.name || '嘉')[0]),
        h('span', { class: 'guest-info' },
          h('strong', null, g.name || ''),
          g.title ? h('span', { class: 'guest-title' }, g.title) : null,
          unit ? [' ', h('span', { class: 'guest-unit' }, unit)] : null)));
    }
    show(el.guests, ev.guests.length > 0);
  }
  if (Array.isArray(ev.units)) {
    // keep the viewer's choice when that unit still answers
    const chosen = el.askUnit.value;
    clear(el.askUnit);
    el.askUnit.appendChild(h('option', { value: '' }, '全部单位'));
    for (const u of ev.units) el.askUnit.appendChild(h('option', { value: String(u.id) }, u.name));
    el.askUnit.value = ev.units.some((u) => String(u.id) === chosen) ? chosen : '';
  }
}

export function renderAll() {
  renderEvent();
  renderStatus();
  renderOnAir();
  renderPublished();
  renderAnswered();
  renderMessages();
  renderTransferred();
  renderStats();
}
