// The embeddable read-only feed (/events/{slug}/embed): the question on air, the answers and the
// host's messages, kept current by the public live feed (resuming with since=). Nothing is sent
// but the socket's pings.
import { h, personLine, setChildren } from './dom.js';
import { labels } from './labels.js';
import { LiveSocket, bindBanner } from './live.js';
import { applyStage } from './stage.js';

const root = document.getElementById('embed');
const $ = (id) => document.getElementById(id);
const SHOWN = 20;
const state = { onAir: null, answered: [], messages: [], event: null };

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

function applyFrame(f) {
  if (f.type === 'snapshot') state.messages = Array.isArray(f.messages) ? f.messages.slice() : [];
  if (f.type === 'host.message' && f.message) state.messages.unshift(f.message);
  else if (!applyStage(state, f)) return;
  render();
}

const banner = bindBanner($('conn-banner'));
new LiveSocket(`/ws/events/${encodeURIComponent(root.dataset.slug)}`, {
  resume: true,
  onFrame: applyFrame,
  onState: banner,
}).start();
