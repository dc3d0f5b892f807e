// Audience page: live feed, ask form, 同问, my questions.
import {
  h, clear, show, reconcile, fmtTime, timeEl, unitName, personLine, store, excerpt, timeSpan,
} from './dom.js';
import { LiveSocket, bindBanner } from './live.js';
import { post } from './api.js';
import { limits } from './labels.js';
import { initCountdowns, stopCountdown } from './countdown.js';

const root = document.getElementById('event-page');
const slug = root.dataset.slug;
const $ = (id) => document.getElementById(id);

const el = {
  status: $('ev-status'),
  countdown: $('ev-countdown'),
  title: root.querySelector('.ev-title'),
  time: root.querySelector('.ev-time'),
  desc: root.querySelector('.ev-desc'),
  guests: root.querySelector('.guests'),
  guestList: root.querySelector('.guest-list'),
  closed: $('closed-banner'),
  onAir: $('on-air'),
  messagesSection: $('messages-section'),
  messages: $('messages'),
  answered: $('answered'),
  answeredEmpty: $('answered-empty'),
  answeredCount: $('answered-count'),
  published: $('published'),
  publishedEmpty: $('published-empty'),
  publishedCount: $('published-count'),
  transferredBox: $('transferred-box'),
  transferred: $('transferred'),
  viewers: $('viewers'),
  received: $('stat-received'),
  statPublished: $('stat-published'),
  statAnswered: $('stat-answered'),
  askTitle: $('ask-title'),
  askMode: $('ask-mode'),
  askForm: $('ask-form'),
  askText: $('ask-text'),
  askCount: $('ask-count'),
  askUnit: $('ask-unit'),
  askNick: $('ask-nickname'),
  askSubmit: $('ask-submit'),
  askError: $('ask-error'),
  askResult: $('ask-result'),
  askLink: $('ask-tracking-link'),
  askRating: $('ask-rating-code'),
  askClosed: $('ask-closed'),
  myBox: $('my-box'),
  myList: $('my-questions'),
  voteError: $('vote-error'),
};

const MAX_TEXT = limits.question_chars;
const VOTES_KEY = `wzft.votes.${slug}`;
const PENDING_KEY = `wzft.pending.${slug}`;
const MY_KEY = 'wzft.myq';

const state = {
  event: null,
  status: root.dataset.status,
  onAir: null,
  answered: [],
  published: [],
  messages: [],
  transferred: [],
  stats: null,
};
let sortMode = 'new';
let animate = false; // highlight items that arrive live, not those of a snapshot
const voted = new Set((store.get(VOTES_KEY, []) || []).map(Number));

// ---------------- rendering ----------------

function qMeta(q) {
  const unit = unitName(q.unit);
  return h('p', { class: 'q-meta' },
    h('span', { class: 'q-nick' }, q.nickname || '网友'),
    h('span', { class: 'q-to' }, unit ? `向 ${unit} 提问` : '向全部单位提问'),
    q.published_at || q.asked_at ? timeEl(q.published_at || q.asked_at, 'q-time') : null);
}

function voteButton(q) {
  const done = voted.has(q.id);
  return h('button', {
    type: 'button',
    class: ['vote', done && 'is-voted'],
    dataset: { questionId: q.id },
    disabled: done || state.status === 'closed',
    'aria-label': done ? `已同问，当前 ${q.votes || 0} 人同问` : `同问（+1），当前 ${q.votes || 0} 人同问`,
  }, h('span', { class: 'vote-label' }, done ? '已同问' : '同问 +1'), h('span', { class: 'vote-count' }, String(q.votes || 0)));
}

function renderPublishedItem(q, prev) {
  const sig = `${q.text}|${unitName(q.unit)}|${q.votes}|${voted.has(q.id)}|${state.status}`;
  if (prev && prev.dataset.sig === sig) return prev;
  const li = h('li', { class: ['q-card', animate && !prev && 'fresh'], dataset: { questionId: q.id, sig } },
    qMeta(q),
    h('p', { class: 'q-text' }, q.text),
    h('div', { class: 'q-foot' }, voteButton(q)));
  return li;
}

function renderAnsweredItem(q, prev) {
  const a = q.answer || {};
  const sig = `${q.text}|${a.text}|${q.votes}`;
  if (prev && prev.dataset.sig === sig) return prev;
  return h('li', { class: ['qa', animate && !prev && 'fresh'], dataset: { questionId: q.id, sig } },
    h('div', { class: 'qa-q' },
      h('span', { class: 'qa-tag qa-tag-q', 'aria-label': '网友提问' }, '问'),
      h('div', { class: 'qa-body' },
        qMeta(q),
        h('p', { class: 'q-text' }, q.text),
        q.votes ? h('p', { class: 'q-votes' }, `${q.votes} 人同问`) : null)),
    h('div', { class: 'qa-a' },
      h('span', { class: 'qa-tag qa-tag-a', 'aria-label': '嘉宾回答' }, '答'),
      h('div', { class: 'qa-body' },
        h('p', { class: 'qa-by' }, personLine(a.by) || '嘉宾', a.at ? timeEl(a.at, 'q-time') : null),
        h('p', { class: 'a-text' }, a.text || ''))));
}

function renderOnAir() {
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
    h('p', { class: 'on-air-badge' }, h('span', { class: 'live-dot', 'aria-hidden': 'true' }), '正在回答'),
    h('p', { class: 'on-air-text' }, q.text),
    qMeta(q),
    h('p', { class: 'on-air-hint' },
      q.votes ? `${q.votes} 人同问 · ` : '',
      unitName(q.unit) ? `${unitName(q.unit)}嘉宾正在作答，请稍候…` : '嘉宾正在作答，请稍候…')));
}

// A viewer scrolled down the feed learns that a new question went on air.
const toast = $('on-air-toast');
let onAirVisible = true;
if ('IntersectionObserver' in window) {
  new IntersectionObserver((entries) => {
    for (const e of entries) onAirVisible = e.isIntersecting;
    if (onAirVisible) show(toast, false);
  }).observe(el.onAir);
}
toast.addEventListener('click', () => {
  show(toast, false);
  el.onAir.scrollIntoView({ behavior: 'smooth', block: 'center' });
});

function announceOnAir() {
  if (!onAirVisible) show(toast, true);
}

function publishedSorted() {
  // The same order as the server's snapshot, so a reload shows what the open page shows.
  const newest = (a, b) => cmpTimeDesc(a.published_at, b.published_at) || b.id - a.id;
  const list = state.published.slice();
  if (sortMode === 'hot') list.sort((a, b) => (b.votes || 0) - (a.votes || 0) || newest(a, b));
  else list.sort(newest);
  return list;
}

function cmpTimeDesc(a, b) {
  const ta = a ? Date.parse(a) : 0;
  const tb = b ? Date.parse(b) : 0;
  return (tb || 0) - (ta || 0);
}

function renderPublished() {
  const list = publishedSorted();
  reconcile(el.published, list, (q) => q.id, renderPublishedItem);
  show(el.publishedEmpty, list.length === 0);
  el.publishedCount.textContent = list.length ? `（${list.length}）` : '';
}

function renderAnswered() {
  const list = state.answered.slice().sort(
    (a, b) => cmpTimeDesc(a.answer && a.answer.at, b.answer && b.answer.at) || b.id - a.id);
  reconcile(el.answered, list, (q) => q.id, renderAnsweredItem);
  show(el.answeredEmpty, list.length === 0);
  el.answeredCount.textContent = list.length ? `（${list.length}）` : '';
}

function renderMessages() {
  const list = state.messages.slice().sort((a, b) => cmpTimeDesc(a.at, b.at) || (b.id || 0) - (a.id || 0));
  reconcile(el.messages, list, (msg) => msg.id ?? `${msg.at}|${msg.text}`, (msg, prev) => prev || h('li', { class: ['msg', animate && 'fresh'] },
    h('span', { class: 'msg-tag' }, msg.author || '主持人'),
    h('p', { class: 'msg-text' }, msg.text),
    msg.at ? timeEl(msg.at, 'msg-time') : null));
  show(el.messagesSection, list.length > 0);
}

function renderTransferred() {
  reconcile(el.transferred, state.transferred, (t) => t.question.id, (t, prev) => {
    if (prev) return prev;
    const q = t.question;
    const unit = unitName(q.unit);
    return h('li', { class: 'transferred-item', dataset: { questionId: q.id } },
      h('span', { class: 'badge badge-q-transferred' }, '已转办'),
      h('span', { class: 'transferred-text' }, excerpt(q.text, 60)),
      h('span', { class: 'transferred-note' },
        unit ? `已转交${unit}办理` : '已转至留言板办理',
        t.caseId ? [' · ', h('a', { href: `/board/cases/${encodeURIComponent(t.caseId)}` }, '查看办理进度')] : null));
  });
  show(el.transferredBox, state.transferred.length > 0);
}

function renderStats() {
  const s = state.stats || {};
  const fmt = (n) => (typeof n === 'number' ? n.toLocaleString('zh-CN') : '—');
  el.viewers.textContent = fmt(s.viewers);
  el.received.textContent = fmt(s.received);
  el.statPublished.textContent = fmt(s.published);
  el.statAnswered.textContent = fmt(s.answered);
  renderTransparency(s);
}

// The public moderation counts (templates/_transparency.html), from stats.
function renderTransparency(s) {
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

function renderStatus() {
  const st = state.status;
  root.dataset.status = st;
  root.classList.remove('is-scheduled', 'is-live', 'is-closed');
  root.classList.add(`is-${st}`);
  el.status.className = `badge badge-ev-${st}`;
  el.status.textContent = st === 'live' ? '直播中' : st === 'scheduled' ? '预告 · 征集中' : '已结束';
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
  show(el.askClosed, !accepting);
  show(el.closed, st === 'closed');
  updateSubmit();
}

// Title, times, description, guests and the units one may ask: the parts an
// `event.updated` frame (or a snapshot after one) changes.
let eventSig = null;
function renderEvent() {
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
        h('span', { class: 'guest-avatar', 'aria-hidden': 'true' }, Array.from(g.name || '嘉')[0]),
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

function renderAll() {
  renderEvent();
  renderStatus();
  renderOnAir();
  renderPublished();
  renderAnswered();
  renderMessages();
  renderTransferred();
  renderStats();
}

// ---------------- state changes ----------------

function removeFrom(list, id) {
  const i = list.findIndex((q) => q.id === id);
  if (i >= 0) list.splice(i, 1);
}

function upsertFront(list, q) {
  const i = list.findIndex((x) => x.id === q.id);
  if (i >= 0) list[i] = q;
  else list.unshift(q);
}

function placeQuestion(q) {
  // put a public question where its status says it belongs
  removeFrom(state.published, q.id);
  removeFrom(state.answered, q.id);
  if (state.onAir && state.onAir.id === q.id && q.status !== 'on_air') state.onAir = null;
  if (q.status === 'approved') upsertFront(state.published, q);
  else if (q.status === 'on_air') state.onAir = q;
  else if (q.status === 'answered') upsertFront(state.answered, q);
}

// A public frame moved a question to `status`: place it and redraw the
// on-air box and the waiting list, which it may have joined or left.
function moveQuestion(q, status) {
  placeQuestion({ ...q, status });
  renderOnAir();
  renderPublished();
}

function applyFrame(f) {
  switch (f.type) {
    case 'snapshot':
      state.event = f.event || state.event;
      if (state.event && state.event.status) state.status = state.event.status;
      state.onAir = f.on_air || null;
      state.answered = Array.isArray(f.answered) ? f.answered.slice() : [];
      state.published = Array.isArray(f.published) ? f.published.slice() : [];
      state.messages = Array.isArray(f.messages) ? f.messages.slice() : [];
      state.transferred = [];
      if (f.stats) state.stats = f.stats;
      // start from a clean slate so nothing stale survives
      clear(el.published);
      clear(el.answered);
      clear(el.messages);
      clear(el.transferred);
      el.onAir.dataset.key = '';
      animate = false;
      renderAll();
      animate = true;
      break;
    case 'question.published':
    case 'question.updated':
      if (f.question) {
        const q = f.question;
        if (f.type === 'question.updated') {
          // keep its place, only refresh the content
          for (const list of [state.published, state.answered]) {
            const i = list.findIndex((x) => x.id === q.id);
            if (i >= 0) list[i] = { ...list[i], ...q };
          }
          if (state.onAir && state.onAir.id === q.id) state.onAir = { ...state.onAir, ...q };
        } else {
          placeQuestion({ ...q, status: q.status || 'approved' });
        }
        renderOnAir();
        renderPublished();
        renderAnswered();
      }
      break;
    case 'question.on_air':
      if (f.question) {
        if (state.onAir && state.onAir.id !== f.question.id) {
          // only one question is on air; the previous one goes back to waiting
          const prev = state.onAir;
          state.onAir = null;
          if (prev.status === 'on_air') upsertFront(state.published, { ...prev, status: 'approved' });
        }
        moveQuestion(f.question, 'on_air');
        announceOnAir();
      }
      break;
    case 'question.off_air':
      if (f.question) moveQuestion(f.question, 'approved');
      break;
    case 'answer.posted':
      show(toast, false);
      if (f.question) {
        moveQuestion(f.question, 'answered');
        renderAnswered();
      }
      break;
    case 'question.transferred':
      if (f.question) {
        const q = f.question;
        moveQuestion(q, 'transferred');
        if (!state.transferred.some((t) => t.question.id === q.id)) {
          state.transferred.unshift({ question: q, caseId: f.case_id ?? null });
        }
        renderTransferred();
      }
      break;
    case 'votes':
      if (f.counts) {
        for (const list of [state.published, state.answered, state.onAir ? [state.onAir] : []]) {
          for (const q of list) {
            const n = f.counts[String(q.id)];
            if (typeof n === 'number') q.votes = n;
          }
        }
        renderOnAir();
        renderPublished();
        renderAnswered();
      }
      break;
    case 'host.message':
      if (f.message && !state.messages.some((x) => x.id !== undefined && x.id === f.message.id)) {
        state.messages.push(f.message);
        renderMessages();
      }
      break;
    case 'event.updated':
      if (f.event) {
        state.event = { ...(state.event || {}), ...f.event };
        renderEvent();
      }
      break;
    case 'event.status':
      if (f.event) state.event = f.event;
      state.status = f.status || (f.event && f.event.status) || state.status;
      renderEvent();
      renderStatus();
      renderOnAir();
      renderPublished();
      break;
    case 'stats':
      state.stats = { ...(state.stats || {}), ...(f.stats || f) };
      renderStats();
      break;
    case 'ask.ok':
      onAskOk(f);
      break;
    case 'error':
      onError(f);
      break;
    default:
      break; // pong, vote.ok and unknown frames
  }
}

// ---------------- asking ----------------

let pending = store.get(PENDING_KEY, null);
let cooldownUntil = 0;
let cooldownTimer = null;
let fallbackTimer = null;
let resendTimer = null;

function textLength(s) {
  return Array.from(s).length;
}

function updateCounter() {
  const n = textLength(el.askText.value);
  el.askCount.textContent = `${n}/${MAX_TEXT}`;
  el.askCount.classList.toggle('is-over', n > MAX_TEXT);
}

function updateSubmit() {
  const accepting = (state.status === 'scheduled' || state.status === 'live')
    && !(state.event && state.event.accepting_questions === false);
  const cooling = Date.now() < cooldownUntil;
  el.askSubmit.disabled = !accepting || !!pending || cooling;
  if (pending) el.askSubmit.textContent = '正在提交…';
  else if (cooling) el.askSubmit.textContent = `请 ${Math.ceil((cooldownUntil - Date.now()) / 1000)} 秒后再试`;
  else el.askSubmit.textContent = '提交问题';
}

function askError(msg) {
  el.askError.textContent = msg || '';
  show(el.askError, !!msg);
}

function askFrame(p) {
  const frame = { type: 'ask', text: p.text, client_key: p.client_key };
  if (p.unit !== null && p.unit !== undefined) frame.unit = p.unit;
  if (p.nickname) frame.nickname = p.nickname;
  return frame;
}

function newKey() {
  if (window.crypto && typeof window.crypto.randomUUID === 'function') return window.crypto.randomUUID();
  // older browsers: RFC 4122 v4 from getRandomValues
  const b = new Uint8Array(16);
  window.crypto.getRandomValues(b);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const x = Array.from(b, (v) => v.toString(16).padStart(2, '0')).join('');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

function sendPending() {
  if (!pending) return;
  clearTimeout(fallbackTimer);
  if (sock.send(askFrame(pending))) {
    // if no answer arrives, a reconnect resends it; meanwhile try HTTP
    fallbackTimer = setTimeout(httpFallback, 10000);
  } else {
    fallbackTimer = setTimeout(httpFallback, 5000);
  }
  updateSubmit();
}

async function httpFallback() {
  if (!pending) return;
  if (sock.isOpen) {
    // connected but silent: resend on the socket (same client_key is safe)
    sock.send(askFrame(pending));
    fallbackTimer = setTimeout(httpFallback, 10000);
    return;
  }
  const p = pending;
  const body = { text: p.text, client_key: p.client_key };
  if (p.unit !== null && p.unit !== undefined) body.unit = p.unit;
  if (p.nickname) body.nickname = p.nickname;
  try {
    const res = await post(`/api/events/${encodeURIComponent(slug)}/questions`, body);
    onAskOk({ ...res, client_key: p.client_key });
  } catch (err) {
    if (!pending || pending.client_key !== p.client_key) return;
    if (err.status === 0 || err.status >= 500) {
      fallbackTimer = setTimeout(httpFallback, 8000);
      return;
    }
    onError({ type: 'error', code: err.code, message: err.message, client_key: p.client_key, retry_after: err.retryAfter, field: err.error && err.error.field });
  }
}

function clearPending() {
  pending = null;
  store.remove(PENDING_KEY);
  clearTimeout(fallbackTimer);
  clearTimeout(resendTimer);
  updateSubmit();
}

function onAskOk(f) {
  const matches = pending && f.client_key === pending.client_key;
  const asked = matches ? pending : null;
  if (matches) clearPending();
  const mine = store.get(MY_KEY, []) || [];
  if (f.tracking_code && !mine.some((x) => x.tracking_code === f.tracking_code)) {
    mine.unshift({
      tracking_code: f.tracking_code,
      rating_code: f.rating_code || '',
      question_id: f.question_id ?? null,
      slug,
      event_title: root.dataset.title || '',
      text: asked ? excerpt(asked.text, 60) : '',
      at: new Date().toISOString(),
    });
    store.set(MY_KEY, mine.slice(0, 50));
  }
  if (!matches) {
    renderMine();
    return;
  }
  const href = `/track/${encodeURIComponent(f.tracking_code)}`;
  el.askLink.href = href;
  el.askLink.textContent = `${window.location.origin}${href}`;
  el.askRating.textContent = f.rating_code || '—';
  show(el.askResult, true);
  askError('');
  el.askText.value = '';
  updateCounter();
  renderMine();
  el.askResult.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
}

const FIELD_TEXT = {
  text: `问题内容需为 1–${MAX_TEXT} 个字`,
  nickname: '昵称不能超过 20 个字',
  unit: '所选提问对象无效，请重新选择',
};

function errorMessage(f) {
  switch (f.code) {
    case 'too_fast': {
      const s = Math.ceil(Number(f.retry_after) || 5);
      return `操作过于频繁，请 ${s} 秒后再试。`;
    }
    case 'invalid':
      return FIELD_TEXT[f.field] || '提交的内容有误，请检查后再试。';
    case 'too_large':
      return '内容过长，请精简后再提交。';
    case 'not_accepting':
      return '本场访谈已结束，不再接收提问。';
    case 'not_found':
      return '该问题不存在或暂未公开。';
    case 'internal':
      return '服务器暂时无法保存，正在重试…';
    default:
      return f.message && /[\u3400-\u9fff]/.test(f.message) ? f.message : '提交失败，请稍后再试。';
  }
}

function onError(f) {
  const mineAsk = pending && f.client_key && f.client_key === pending.client_key;
  const askRelated = mineAsk || (pending && !f.client_key && ['too_fast', 'invalid', 'not_accepting', 'too_large'].includes(f.code) && f.field !== 'question');
  if (askRelated) {
    if (f.code === 'internal') {
      askError(errorMessage(f));
      clearTimeout(resendTimer);
      resendTimer = setTimeout(sendPending, 3000);
      return;
    }
    clearPending();
    askError(errorMessage(f));
    if (f.code === 'too_fast') startCooldown(Number(f.retry_after) || 5);
    if (f.code === 'not_accepting') {
      state.status = 'closed';
      renderStatus();
    }
    return;
  }
  // vote and other errors: show them by the waiting list
  el.voteError.textContent = errorMessage(f);
  show(el.voteError, true);
  clearTimeout(onError.t);
  onError.t = setTimeout(() => show(el.voteError, false), 6000);
}

function startCooldown(seconds) {
  cooldownUntil = Date.now() + seconds * 1000;
  clearInterval(cooldownTimer);
  cooldownTimer = setInterval(() => {
    if (Date.now() >= cooldownUntil) {
      clearInterval(cooldownTimer);
      askError('');
    }
    updateSubmit();
  }, 500);
  updateSubmit();
}

el.askText.addEventListener('input', updateCounter);

el.askForm.addEventListener('submit', (ev) => {
  ev.preventDefault();
  if (pending) return;
  const text = el.askText.value.trim();
  const n = textLength(text);
  if (!n) {
    askError('请填写问题内容。');
    el.askText.focus();
    return;
  }
  if (n > MAX_TEXT) {
    askError(`问题内容不能超过 ${MAX_TEXT} 个字（当前 ${n} 字）。`);
    return;
  }
  const nickname = el.askNick.value.trim();
  if (textLength(nickname) > 20) {
    askError('昵称不能超过 20 个字。');
    return;
  }
  const unitVal = el.askUnit.value;
  askError('');
  show(el.askResult, false);
  pending = {
    client_key: newKey(),
    text,
    unit: unitVal ? Number(unitVal) : null,
    nickname: nickname || null,
  };
  store.set(PENDING_KEY, pending);
  sendPending();
});

// ---------------- my questions ----------------

function renderMine() {
  const mine = (store.get(MY_KEY, []) || []).filter((x) => x && x.tracking_code);
  clear(el.myList);
  for (const x of mine.slice(0, 20)) {
    el.myList.appendChild(h('li', { class: 'my-item' },
      h('a', { href: `/track/${encodeURIComponent(x.tracking_code)}`, class: 'my-link' },
        h('span', { class: 'my-text' }, x.text || '（我的提问）'),
        h('span', { class: 'my-meta' },
          x.slug !== slug && x.event_title ? `${x.event_title} · ` : '',
          x.at ? fmtTime(x.at) : '',
          ' · 查看进度')),
      x.rating_code ? h('span', { class: 'my-code' }, '评价码 ', h('strong', { class: 'code' }, x.rating_code)) : null));
  }
  show(el.myBox, mine.length > 0);
}

// ---------------- voting ----------------

el.published.addEventListener('click', (ev) => {
  const btn = ev.target.closest('button.vote');
  if (!btn || btn.disabled) return;
  const id = Number(btn.dataset.questionId);
  if (!id || voted.has(id)) return;
  if (!sock.send({ type: 'vote', question: id })) {
    el.voteError.textContent = '网络连接中断，请稍后再试。';
    show(el.voteError, true);
    return;
  }
  voted.add(id);
  store.set(VOTES_KEY, Array.from(voted));
  const q = state.published.find((x) => x.id === id);
  if (q) q.votes = (q.votes || 0) + 1; // the next votes frame has the real count
  renderPublished();
});

for (const btn of document.querySelectorAll('.seg-btn[data-sort]')) {
  btn.addEventListener('click', () => {
    sortMode = btn.dataset.sort;
    for (const b of document.querySelectorAll('.seg-btn[data-sort]')) {
      const on = b === btn;
      b.classList.toggle('is-active', on);
      b.setAttribute('aria-pressed', on ? 'true' : 'false');
    }
    renderPublished();
  });
}

// ---------------- connection ----------------

const banner = bindBanner($('conn-banner'), { gone: '该访谈不存在或已被删除。' });
const sock = new LiveSocket(`/ws/events/${encodeURIComponent(slug)}`, {
  resume: true,
  onFrame: applyFrame,
  onState(s) {
    banner(s);
    if (s === 'open' && pending) sendPending();
  },
});

// refresh relative times once a minute
setInterval(() => {
  for (const t of document.querySelectorAll('#event-page time[datetime]')) {
    const txt = fmtTime(t.getAttribute('datetime'));
    if (t.textContent !== txt) t.textContent = txt;
  }
}, 60000);

initCountdowns(root);
updateCounter();
renderMine();
renderStatus();
if (pending) updateSubmit();
sock.start();
