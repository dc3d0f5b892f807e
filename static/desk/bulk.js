// Selection and bulk approve / reject with per-item results.
import { itemEl } from './claims.js';
import { markItem, renderAll, renderQueue } from './render.js';
import { el, REASONS, selected, slug, store } from './state.js';
import { post } from '../api.js';
import { actionName, clear, h, show } from '../dom.js';


export function toggleSelected(id, on) {
  const q = store.get(id);
  if (!q || q.status !== 'pending') return;
  if (on ?? !selected.has(id)) selected.add(id);
  else selected.delete(id);
  const li = itemEl(id);
  if (li) markItem(li, id);
  renderBulk();
}

export function renderBulk() {
  el.bulkCount.textContent = String(selected.size);
  show(el.bulkBar, selected.size > 0 || el.bulkResults.childElementCount > 0);
  for (const b of el.bulkBar.querySelectorAll('[data-bulk]')) b.disabled = selected.size === 0;
}

export async function bulk(action) {
  const items = Array.from(selected).map((id) => store.get(id)).filter((q) => q && q.status === 'pending')
    .map((q) => ({ id: q.id, version: q.version }));
  if (!items.length) return;
  const body = { action, items };
  if (action === 'reject') {
    if (!el.bulkReason.value) {
      el.bulkReason.focus();
      showBulkResults([{ ok: false, text: '请先选择批量驳回的理由' }]);
      return;
    }
    body.reason = el.bulkReason.value;
  }
  try {
    const answer = await post(`/api/events/${encodeURIComponent(slug)}/bulk`, body);
    const lines = [];
    for (const r of answer.results || []) {
      if (r.ok) {
        store.upsert(r.question);
        selected.delete(r.id);
        lines.push({ ok: true, text: `#${r.id} 已${actionName(action)}` });
      } else {
        if (r.error && r.error.question) store.upsert(r.error.question);
        const q = store.get(r.id);
        if (!q || q.status !== 'pending') selected.delete(r.id);
        lines.push({ ok: false, text: `#${r.id} 未能${actionName(action)}：${(r.error && r.error.message) || '失败'}` });
      }
    }
    showBulkResults(lines);
    renderAll();
  } catch (e) {
    showBulkResults([{ ok: false, text: e.message }]);
  }
}

export function showBulkResults(lines) {
  clear(el.bulkResults);
  for (const l of lines) el.bulkResults.appendChild(h('li', { class: l.ok ? 'bulk-ok' : 'bulk-failed' }, l.text));
  renderBulk();
}


export function bindBulk() {
  el.bulkBar.addEventListener('click', (ev) => {
    const b = ev.target.closest('[data-bulk]');
    if (b) bulk(b.dataset.bulk);
    if (ev.target.closest('[data-bulk-clear]')) {
      selected.clear();
      clear(el.bulkResults);
      renderQueue();
    }
  });
  clear(el.bulkReason);
  el.bulkReason.appendChild(h('option', { value: '' }, '驳回理由…'));
  for (const r of REASONS) if (r.code !== 'other') el.bulkReason.appendChild(h('option', { value: r.code }, r.text));
}
