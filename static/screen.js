// The big screen (/events/{slug}/screen): no controls, kept current by the public live feed
// (reconnecting and resuming with since= like the audience page). It shows what the desk
// chose (screen.show): the question on air and its answer as it is posted (the default), a
// host message, or one answered Q&A; beside it the live counts, the guests and the join QR
// code; below it the latest answers. Long texts shrink until they fit their box.
import { h, personLine, setChildren, statusName } from './dom.js';
import { labels } from './labels.js';
import { LiveSocket } from './live.js';
import { applyStage } from './stage.js';

const root = document.getElementById('screen');
const slug = root.dataset.slug;
const $ = (id) => document.getElementById(id);
const RECENT = 3;
const MIN_FIT = 0.6;

const state = {
  event: null,
  onAir: null,
  answered: [],
  screen: { show: 'on_air' },
  stats: null,
};

// ---------------- what the stage shows ----------------

function stageContent() {
  const { screen } = state;
  if (screen.show === 'message' && screen.message) {
    return { label: '主持人', kind: 'message', message: screen.message };
  }
  if (screen.show === 'question' && screen.question) {
    return { label: '问答回顾', kind: 'qa', question: screen.question };
  }
  if (state.onAir) return { label: statusName('on_air'), kind: 'qa', question: state.onAir };
  if (state.answered.length) return { label: '刚刚回答', kind: 'qa', question: state.answered[0] };
  return { label: statusName('on_air'), kind: 'empty' };
}

function emptyText() {
  const status = state.event ? state.event.status : 'live';
  if (status === 'scheduled') return '访谈尚未开始';
  if (status === 'closed') return '本场访谈已结束，感谢各位网友参与';
  return '嘉宾即将回答网友提问';
}

function qaNodes(q) {
  const nodes = [
    h('p', { class: 'stage-asker' }, `网友“${q.nickname || '网友'}”问${q.unit ? `（${q.unit.name}）` : ''}`),
    h('blockquote', { class: 'stage-question', text: q.text }),
  ];
  if (q.answer) {
    nodes.push(h('div', { class: 'stage-answer' },
      h('p', { class: 'stage-by' }, personLine(q.answer.by) || '嘉宾', q.answer.corrected_at ? ' · 已更正' : '', ' 答：'),
      h('p', { class: 'stage-answer-text', text: q.answer.text })));
  } else {
    nodes.push(h('p', { class: 'stage-waiting' }, '嘉宾正在回答…'));
  }
  return nodes;
}

function renderStage() {
  const content = stageContent();
  const stage = $('screen-stage');
  const body = $('stage-body');
  $('stage-label').textContent = content.label;
  stage.className = `screen-stage is-${content.kind}`;
  const key = content.kind === 'qa'
    ? `qa:${content.question.id}:${content.question.answer ? content.question.answer.text : ''}:${content.question.text}`
    : content.kind === 'message' ? `message:${content.message.id}` : `empty:${emptyText()}`;
  if (body.dataset.key === key) return;
  body.dataset.key = key;
  if (content.kind === 'qa') setChildren(body, ...qaNodes(content.question));
  else if (content.kind === 'message') setChildren(body, h('p', { class: 'stage-message', text: content.message.text }));
  else setChildren(body, h('p', { class: 'stage-empty', text: emptyText() }));
  fit(body);
}

// Shrink the stage's type step by step until its text fits the box; past the smallest step the
// longest text is cut short with an ellipsis (the whole of it stays on the event's page).
function fit(body) {
  let scale = 1;
  body.style.setProperty('--fit', String(scale));
  const over = () => body.scrollHeight > body.clientHeight + 1;
  while (over() && scale > MIN_FIT) {
    scale = Math.max(MIN_FIT, scale - 0.06);
    body.style.setProperty('--fit', scale.toFixed(2));
  }
  if (!over()) return;
  const texts = [...body.querySelectorAll('.stage-answer-text, .stage-question, .stage-message')];
  const longest = texts.sort((a, b) => b.textContent.length - a.textContent.length)[0];
  if (!longest) return;
  const full = longest.textContent;
  let low = 0;
  let high = full.length;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    longest.textContent = `${full.slice(0, mid)}…`;
    if (over()) high = mid - 1;
    else low = mid;
  }
  longest.textContent = `${full.slice(0, low)}…`;
}

function renderRecent() {
  const shown = stageContent();
  const onStage = shown.kind === 'qa' ? shown.question.id : null;
  const items = state.answered.filter((q) => q.id !== onStage).slice(0, RECENT);
  const list = $('screen-recent');
  setChildren(list, ...items.map((q) => h('li', { class: 'recent-item' },
    h('p', { class: 'recent-q', text: q.text }),
    h('p', { class: 'recent-a' }, h('span', { class: 'recent-by' }, `${(q.answer && q.answer.by && q.answer.by.name) || '嘉宾'}：`),
      (q.answer && q.answer.text) || ''))));
  if (!items.length) list.appendChild(h('li', { class: 'recent-empty', text: '回答后将在这里显示' }));
}

function renderEvent() {
  const ev = state.event;
  if (!ev) return;
  $('screen-title').textContent = ev.title;
  const status = $('screen-status');
  status.textContent = (labels.event_status || {})[ev.status] || ev.status;
  status.className = `screen-status is-${ev.status}`;
  root.className = `screen-grid is-${ev.status}`;
  setChildren($('screen-guests'), ...(ev.guests || []).map((g) => h('li', null,
    g.photo ? h('img', { class: 'guest-photo', src: g.photo, alt: `${g.name}的照片` }) : null,
    h('span', { class: 'guest-text' },
      h('span', { class: 'guest-name', text: g.name }),
      (g.title || g.unit) ? h('span', { class: 'guest-role', text: `${g.unit ? g.unit.name : ''}${g.title || ''}` }) : null))));
}

function renderCounts() {
  const s = state.stats;
  if (!s) return;
  $('count-viewers').textContent = String(s.viewers ?? '—');
  $('count-received').textContent = String(s.received ?? '—');
  $('count-answered').textContent = String(s.answered ?? '—');
}

function renderAll() {
  renderEvent();
  renderStage();
  renderRecent();
  renderCounts();
}

// ---------------- frames ----------------

function applyFrame(f) {
  if (f.type === 'stats') {
    state.stats = f;
    renderCounts();
    return;
  }
  if (f.type === 'screen.show') {
    state.screen = { show: f.show, message: f.message, question: f.question };
  } else if (!applyStage(state, f)) {
    return;
  }
  const q = f.question;
  const chosen = state.screen.question;
  if (f.type === 'snapshot') {
    state.screen = f.screen || { show: 'on_air' };
    if (f.stats) state.stats = f.stats;
    renderAll();
    return;
  }
  if (chosen && f.type === 'question.unpublished' && chosen.id === Number(f.question_id)) {
    state.screen = { show: 'on_air' };
  } else if (chosen && q && chosen.id === q.id && (f.type === 'question.updated' || f.type === 'answer.corrected')) {
    state.screen = { ...state.screen, question: { ...chosen, ...q } };
  }
  if (f.type === 'event.status' || f.type === 'event.updated') renderEvent();
  renderStage();
  renderRecent();
}

const banner = $('conn-banner');
const sock = new LiveSocket(`/ws/events/${encodeURIComponent(slug)}`, {
  resume: true,
  onFrame: applyFrame,
  onState(s) {
    banner.hidden = s === 'open' || s === 'connecting';
    if (s === 'gone') banner.textContent = '该访谈不存在或已被删除。';
    root.dataset.connection = s;
  },
});

let resizeTimer = null;
window.addEventListener('resize', () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => fit($('stage-body')), 150);
});

sock.start();
