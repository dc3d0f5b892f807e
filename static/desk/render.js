// Rendering the desk: queue items (with flags and claims), the approved list, handled, counts, on air, messages.
import { renderBulk } from './bulk.js';
import { $, byAskedAsc, claims, desk, el, filters, me, notes, resolved, selected, STATUS_ORDER, store } from './state.js';
import { duplicateOf, flagList, originalText } from './flags.js';
import { clear, excerpt, fmtTime, fmtWait, h, reconcile, show, statusName, timeEl, unitName } from '../dom.js';
import { unitId, unitLabel } from '../staff.js';
import { moderatedPhoto } from '../photos.js';

export { duplicateOf, flagList, originalText };


export function actionButtons(q) {
  return h('div', { class: 'q-actions', role: 'group', 'aria-label': `处理提问 #${q.id}` },
    h('button', { type: 'button', class: 'btn btn-sm success', dataset: { action: 'approve' }, 'aria-expanded': 'false' }, '通过'),
    h('button', { type: 'button', class: 'btn btn-sm danger-outline', dataset: { action: 'reject' }, 'aria-expanded': 'false' }, '驳回'),
    h('button', { type: 'button', class: 'btn btn-sm', dataset: { action: 'merge' }, 'aria-expanded': 'false' }, '合并'),
    h('button', { type: 'button', class: 'btn btn-sm', dataset: { action: 'assign' }, 'aria-expanded': 'false' }, '指派单位'));
}

export function claimOf(id) {
  const c = claims.get(Number(id));
  if (!c) return null;
  if (c.until <= Date.now()) {
    claims.delete(Number(id));
    return null;
  }
  return c;
}

// A question's photos with the moderators' tools; the question.changed frame re-renders the item.
function photoSig(q) {
  return (q.photos || []).map((p) => `${p.url}:${p.state}`).join(',');
}

function photoTools(q) {
  if (!q.photos || !q.photos.length) return null;
  return h('div', { class: 'photo-moderation', 'aria-label': `提问照片（${q.photos.length} 张）` },
    q.photos.map((p) => moderatedPhoto(p, () => {})));
}

export function renderQueueItem(q, prev) {
  const res = resolved.get(q.id);
  const note = notes.get(q.id);
  const claim = claimOf(q.id);
  const claimBy = claim && claim.by !== me.username ? claim.by : '';
  const sig = `${q.version}|${q.status}|${res ? res.text : ''}|${note || ''}|${claimBy}|${photoSig(q)}`;
  if (prev && prev.dataset.sig === sig) {
    markItem(prev, q.id);
    return prev;
  }
  const flags = Array.isArray(q.flags) ? q.flags : [];
  const li = h('li', {
    class: ['q-item', 'card', res && 'is-resolved', flags.length && 'has-flags', claimBy && 'is-claimed', desk.animate && !prev && 'fresh'],
    dataset: { questionId: q.id, status: q.status, version: q.version, sig, priority: q.priority || 0 },
  },
  h('div', { class: 'q-head' },
    res ? null : h('input', {
      type: 'checkbox', class: 'q-select', dataset: { select: q.id }, 'aria-label': `选择提问 #${q.id}（批量操作）`,
    }),
    h('span', { class: 'q-id' }, `#${q.id}`),
    h('span', { class: 'q-nick' }, q.nickname || '网友'),
    h('span', { class: 'q-unit' }, `问：${unitLabel(q.unit)}`),
    q.asked_at ? h('span', { class: 'q-wait', dataset: { askedAt: q.asked_at }, title: `提交于 ${fmtTime(q.asked_at)}` }, `等待 ${fmtWait(q.asked_at)}`) : null,
    flags.length ? h('span', { class: 'badge badge-flag' }, `${flags.length} 项提示`) : null,
    claimBy ? h('span', { class: 'badge badge-claim', title: '其他审核员正在查看此提问' }, `${claimBy} 正在处理`) : null,
    res ? h('span', { class: `badge badge-q-${q.status}` }, statusName(q.status)) : null),
  originalText(q),
  q.original_text && q.text !== q.original_text
    ? h('div', { class: 'q-public' }, h('span', { class: 'label' }, '公开文本'), h('p', { class: 'q-text' }, q.text))
    : null,
  flagList(q),
  photoTools(q),
  note ? h('p', { class: 'q-note', role: 'status' }, note) : null,
  res
    ? h('div', { class: 'q-resolved', role: 'status' },
      h('span', { class: 'q-resolved-text' }, res.text),
      h('button', { type: 'button', class: 'btn btn-sm btn-ghost', dataset: { dismiss: q.id } }, '知道了'))
    : actionButtons(q),
  h('div', { class: 'q-form' }),
  h('p', { class: 'form-error q-error', role: 'alert', hidden: true }));
  if (prev && prev.dataset.openForm && !res) {
    // keep an open form (and what was typed in it) across a re-render
    li.dataset.openForm = prev.dataset.openForm;
    li.querySelector('.q-form').replaceWith(prev.querySelector('.q-form'));
  }
  markItem(li, q.id);
  return li;
}

// cursor and selection marks (not part of the signature: they change often)
export function markItem(li, id) {
  li.classList.toggle('is-current', desk.current === id);
  li.classList.toggle('is-selected', selected.has(id));
  const box = li.querySelector('.q-select');
  if (box) box.checked = selected.has(id);
  if (desk.current === id) li.setAttribute('aria-current', 'true');
  else li.removeAttribute('aria-current');
}

export function renderApprovedItem(q, prev) {
  const sig = `${q.version}|${q.status}|${q.votes}|${unitName(q.unit)}|${photoSig(q)}`;
  if (prev && prev.dataset.sig === sig) return prev;
  return h('li', { class: ['a-item', q.status === 'on_air' && 'is-on-air'], dataset: { questionId: q.id, status: q.status, version: q.version, sig } },
    h('div', { class: 'q-head' },
      h('span', { class: 'q-id' }, `#${q.id}`),
      h('span', { class: `badge badge-q-${q.status}` }, statusName(q.status)),
      h('span', { class: 'q-unit' }, unitLabel(q.unit)),
      h('span', { class: 'q-votes' }, `同问 ${q.votes || 0}`)),
    h('p', { class: 'q-text' }, q.text),
    photoTools(q),
    h('div', { class: 'q-actions' },
      q.status === 'approved' ? [
        h('button', { type: 'button', class: 'btn btn-xs', dataset: { action: 'assign' }, 'aria-expanded': 'false' }, '指派单位'),
        h('button', { type: 'button', class: 'btn btn-xs', dataset: { action: 'transfer' }, 'aria-expanded': 'false' }, '转办留言板'),
      ] : null,
      takeBackButtons(q)),
    h('div', { class: 'q-form' }),
    h('p', { class: 'form-error q-error', role: 'alert', hidden: true }));
}

// Published questions can be re-edited or taken back; answers corrected; rejections restored.
export function takeBackButtons(q) {
  const button = (action, text) => h('button', { type: 'button', class: 'btn btn-xs', dataset: { action }, 'aria-expanded': 'false' }, text);
  if (q.status === 'rejected') return [h('button', { type: 'button', class: 'btn btn-xs', dataset: { confirm: 'restore' } }, '恢复审核')];
  if (!['approved', 'on_air', 'answered', 'transferred'].includes(q.status)) return [];
  return [
    button('edit', '修改公开文本'),
    q.status === 'answered' ? button('correct', '更正回答') : null,
    h('button', { type: 'button', class: 'btn btn-xs danger-outline', dataset: { action: 'unpublish' }, 'aria-expanded': 'false' }, '撤回复核'),
  ];
}

export function handledLine(q) {
  let extra = '';
  if (q.status === 'rejected' && q.reason) extra = `理由：${q.reason}`;
  if (q.status === 'merged' && q.merged_into) extra = `并入 #${q.merged_into}`;
  if (q.status === 'transferred') extra = `${unitLabel(q.unit)}${q.hard ? ' · 疑难' : ''}`;
  if (q.status === 'answered' && q.answer) extra = `答：${excerpt(q.answer.text, 30)}`;
  const buttons = takeBackButtons(q);
  return h('li', { class: 'h-item', dataset: { questionId: q.id, status: q.status, version: q.version } },
    h('span', { class: 'q-id' }, `#${q.id}`),
    h('span', { class: `badge badge-q-${q.status}` }, statusName(q.status)),
    h('span', { class: 'h-text' }, excerpt(q.text, 40)),
    extra ? h('span', { class: 'h-extra muted' }, extra) : null,
    q.answer && q.answer.corrected_at ? h('span', { class: 'h-extra muted' }, '已更正') : null,
    q.handled && q.handled.by ? h('span', { class: 'h-by muted' }, `${q.handled.by}`) : null,
    buttons.length ? h('div', { class: 'q-actions' }, buttons) : null,
    buttons.length ? h('div', { class: 'q-form' }) : null,
    buttons.length ? h('p', { class: 'form-error q-error', role: 'alert', hidden: true }) : null);
}

// ---------------- page rendering ----------------

export function renderCounts() {
  const c = store.counts();
  for (const s of STATUS_ORDER) {
    const n = $(`count-${s}`);
    if (n) n.textContent = String(c[s] || 0);
  }
  renderOldest();
}

// the wait of the oldest pending question (live: refreshed every few seconds)
export function renderOldest() {
  const pending = store.values().filter((q) => q.status === 'pending').sort(byAskedAsc);
  el.oldest.textContent = pending.length && pending[0].asked_at ? fmtWait(pending[0].asked_at) : '—';
  el.oldest.dataset.questionId = pending.length ? String(pending[0].id) : '';
}

export function kindGroup(kind) {
  return String(kind || '').split('.')[0];
}

export function passes(q) {
  const flags = Array.isArray(q.flags) ? q.flags : [];
  if (filters.flagged && !flags.length) return false;
  if (filters.kind && !flags.some((f) => kindGroup(f.kind) === filters.kind || f.kind === filters.kind)) return false;
  if (filters.unit === 'none' && unitId(q.unit) !== null) return false;
  if (filters.unit && filters.unit !== 'none' && String(unitId(q.unit)) !== filters.unit) return false;
  return true;
}

export function queueItems() {
  const all = store.values().filter((q) => q.status === 'pending' || resolved.has(q.id));
  const order = filters.sort === 'priority'
    ? (a, b) => (b.priority || 0) - (a.priority || 0) || byAskedAsc(a, b)
    : byAskedAsc;
  return all.filter((q) => resolved.has(q.id) || passes(q)).sort(order);
}

export function renderQueue() {
  const items = queueItems();
  reconcile(el.queue, items, (q) => q.id, renderQueueItem);
  show(el.queueEmpty, items.length === 0);
  const pending = store.values().filter((q) => q.status === 'pending').length;
  const shownPending = items.filter((q) => q.status === 'pending').length;
  el.shown.textContent = shownPending === pending ? '' : `筛选后显示 ${shownPending} / ${pending}`;
  for (const id of Array.from(selected)) {
    const q = store.get(id);
    if (!q || q.status !== 'pending') selected.delete(id);
  }
  renderBulk();
}

export function renderApproved() {
  const items = store.values()
    .filter((q) => q.status === 'approved' || q.status === 'on_air')
    .sort((a, b) => (a.status === 'on_air' ? -1 : 0) - (b.status === 'on_air' ? -1 : 0) || (b.votes || 0) - (a.votes || 0) || a.id - b.id);
  reconcile(el.approved, items, (q) => q.id, renderApprovedItem);
  show(el.approvedEmpty, items.length === 0);
  el.approvedCount.textContent = items.length ? `（${items.length}）` : '';
}

export function renderHandled() {
  const items = store.values()
    .filter((q) => ['rejected', 'merged', 'answered', 'transferred'].includes(q.status))
    .sort((a, b) => b.id - a.id)
    .slice(0, 300);
  reconcile(el.handled, items, (q) => q.id, (q, prev) => {
    const sig = `${q.version}|${q.status}`;
    if (prev && prev.dataset.sig === sig) return prev;
    const li = handledLine(q);
    li.dataset.sig = sig;
    return li;
  });
  el.handledCount.textContent = items.length ? `（${items.length}）` : '';
}

export function renderOnAir() {
  const q = store.values().find((x) => x.status === 'on_air') || (desk.pub && desk.pub.onAir);
  clear(el.onAir);
  if (!q) {
    el.onAir.appendChild(h('p', { class: 'empty' }, '暂无'));
    return;
  }
  el.onAir.appendChild(h('div', { class: 'on-air-mini-card', dataset: { questionId: q.id } },
    h('p', { class: 'q-head' }, h('span', { class: 'q-id' }, `#${q.id}`), h('span', { class: 'q-unit' }, unitLabel(q.unit))),
    h('p', { class: 'q-text' }, q.text)));
}

export function addMessage(m) {
  if (m && !desk.messages.some((x) => x.id !== undefined && x.id === m.id)) {
    desk.messages.push(m);
    renderMessages();
  }
}

export function renderMessages() {
  const list = desk.messages.slice().sort((a, b) => (Date.parse(b.at) || 0) - (Date.parse(a.at) || 0) || (b.id || 0) - (a.id || 0));
  clear(el.hostList);
  for (const m of list.slice(0, 30)) {
    el.hostList.appendChild(h('li', { class: 'msg' },
      h('span', { class: 'msg-tag' }, m.author || '主持人'),
      h('p', { class: 'msg-text' }, m.text),
      m.at ? timeEl(m.at, 'msg-time') : null));
  }
}

export function renderPresence() {
  const others = desk.presence.filter((p) => p.username !== me.username);
  el.presence.textContent = desk.presence.length
    ? `在线：${desk.presence.map((p) => p.username).join('、')}`
    : '';
  el.presence.title = others.length ? `另有 ${others.length} 位工作人员在线` : '';
}

export function renderAll() {
  renderCounts();
  renderQueue();
  renderApproved();
  renderHandled();
  renderOnAir();
}

