// The embeddable read-only feed (/events/{slug}/embed): the question on air, the answers and the
// host's messages, kept current by the public live feed (resuming with since=). Nothing is sent
// but the socket's pings.
import { h, personLine, setChildren } from './dom.js';
import { labels } from './labels.js';
import { LiveSocket, bindBanner } from './live.js';

const root = document.getElementById('embed');
const $ = (id) => document.getElementById(id);
const SHOWN = 20;
const state = { onAir: null, answered: [], messages: [], event: null };

function removeFrom(list, id) {
  const i = list.findIndex((x) => x.id === id);
  if (i >= 0) list.splice(i, 1);
}

function asker(q) {
  return h('p', { class: 'embed-asker' }, `网友“${q.nickname || '网友'}”问${q.unit ? `（${q.unit.name}）` : ''}`);
}

function render() {
  setChildren($('embed-on-air'), state.onAir
    ? [asker(state.onAir), h('p', { class: 'embed-q', text: state.onAir.text })]
    : h('p', { class: 'empty', text: '暂无' }));
  setChildren($('embed-answered'), ...state.answered.slice(0, SHOWN).map((q) => h('li', { dataset: { questionId: q.id } },
    asker(q),
    h('p', { class: 'embed-q', text: q.text }),
    q.answer ? h('p', { class: 'embed-a' }, h('span', { class: 'embed-by' }, `${personLine(q.answer.by) || '嘉宾'}${q.answer.corrected_at ? '（已更正）' : ''}：`), q.answer.text) : null)));
  $('embed-answered-empty').hidden = state.answered.length > 0;
  setChildren($('embed-messages'), ...state.messages.slice(0, 3).map((m) => h('li', { text: m.text })));
  $('embed-messages-section').hidden = state.messages.length === 0;
  if (state.event) {
    const badge = $('embed-status');
    badge.textContent = (labels.event_status || {})[state.event.status] || state.event.status;
    badge.className = `badge badge-ev-${state.event.status}`;
  }
}

function refresh(q) {
  const i = state.answered.findIndex((x) => x.id === q.id);
  if (i >= 0) state.answered[i] = { ...state.answered[i], ...q };
  if (state.onAir && state.onAir.id === q.id) state.onAir = { ...state.onAir, ...q };
}

function applyFrame(f) {
  switch (f.type) {
    case 'snapshot':
      state.event = f.event || state.event;
      state.onAir = f.on_air || null;
      state.answered = Array.isArray(f.answered) ? f.answered.slice() : [];
      state.messages = Array.isArray(f.messages) ? f.messages.slice() : [];
      break;
    case 'question.on_air':
      if (f.question) state.onAir = f.question;
      break;
    case 'question.off_air':
    case 'question.transferred':
      if (f.question && state.onAir && state.onAir.id === f.question.id) state.onAir = null;
      break;
    case 'answer.posted':
      if (f.question) {
        if (state.onAir && state.onAir.id === f.question.id) state.onAir = null;
        removeFrom(state.answered, f.question.id);
        state.answered.unshift(f.question);
      }
      break;
    case 'question.updated':
    case 'answer.corrected':
      if (f.question) refresh(f.question);
      break;
    case 'question.unpublished': {
      const id = Number(f.question_id);
      removeFrom(state.answered, id);
      if (state.onAir && state.onAir.id === id) state.onAir = null;
      break;
    }
    case 'host.message':
      if (f.message) state.messages.unshift(f.message);
      break;
    case 'event.status':
    case 'event.updated':
      if (f.event) state.event = f.event;
      break;
    default:
      return;
  }
  render();
}

const banner = bindBanner($('conn-banner'));
new LiveSocket(`/ws/events/${encodeURIComponent(root.dataset.slug)}`, {
  resume: true,
  onFrame: applyFrame,
  onState: banner,
}).start();
