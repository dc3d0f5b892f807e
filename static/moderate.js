// Moderator console: pending queue (oldest first), approve / reject / merge /
// assign, approved list, host messages, open/close.
import {
  h, clear, show, reconcile, fmtWait, fmtTime, timeEl, flagName, flagSegments, applySuggestions,
  actionName, statusName, excerpt, unitName,
} from './dom.js';
import { LiveSocket, bindBanner } from './live.js';
import { post } from './api.js';
import {
  QuestionStore, makeResync, publicFrames, unitOptions, unitId, unitLabel, parseUnits,
} from './staff.js';

const $ = (id) => document.getElementById(id);
const root = $('moderate');
const slug = root.dataset.slug;
const me = { username: root.dataset.username, role: root.dataset.role };
const units = parseUnits(root);

const REASONS = ['不文明用语', '与主题无关', '重复提问', '含个人隐私', '广告信息', '涉嫌不实', '其他'];
const STATUS_ORDER = ['pending', 'approved', 'on_air', 'answered', 'rejected', 'merged', 'transferred'];

const store = new QuestionStore();
let animate = false; // highlight live arrivals, not snapshot contents
const resolved = new Map(); // id -> {text, at}: pending items someone else handled
const notes = new Map(); // id -> text: still pending, but changed by someone else
let messages = [];
let presence = [];

const el = {
  queue: $('queue'),
  queueEmpty: $('queue-empty'),
  approved: $('approved'),
  approvedEmpty: $('approved-empty'),
  approvedCount: $('approved-count'),
  handled: $('handled'),
  handledCount: $('handled-count'),
  onAir: $('on-air'),
  presence: $('presence'),
  hostText: $('host-text'),
  hostSend: $('host-send'),
  hostError: $('host-error'),
  hostList: $('host-messages'),
};

const byAskedAsc = (a, b) => (Date.parse(a.asked_at) || 0) - (Date.parse(b.asked_at) || 0) || a.id - b.id;

// ---------------- item rendering ----------------

function originalText(q) {
  const text = q.original_text ?? q.text ?? '';
  const flags = Array.isArray(q.flags) ? q.flags : [];
  return h('p', { class: 'q-text q-original' },
    flagSegments(text, flags).map((s) => (s.flag
      ? h('mark', { class: ['flag', `flag-${String(s.flag.kind || '').split('.')[0]}`], title: flagName(s.flag.kind) }, s.text)
      : s.text)));
}

function duplicateOf(f) {
  return f.question ?? f.other ?? f.duplicate_of ?? f.of ?? f.question_id ?? null;
}

function flagList(q) {
  const flags = Array.isArray(q.flags) ? q.flags : [];
  if (!flags.length) return null;
  return h('ul', { class: 'flag-list', 'aria-label': '自动筛查提示' },
    flags.map((f) => {
      const dup = f.kind === 'duplicate' ? duplicateOf(f) : null;
      return h('li', { class: ['flag-chip', `flag-chip-${String(f.kind || '').split('.')[0]}`] },
        h('strong', null, flagName(f.kind)),
        f.text && f.kind !== 'duplicate' ? ` “${f.text}”` : '',
        f.suggestion ? ` → ${f.suggestion}` : '',
        dup ? ` 与 #${dup} 相似` : '');
    }));
}

function actionButtons(q) {
  return h('div', { class: 'q-actions', role: 'group', 'aria-label': `处理提问 #${q.id}` },
    h('button', { type: 'button', class: 'btn btn-sm success', dataset: { action: 'approve' }, 'aria-expanded': 'false' }, '通过'),
    h('button', { type: 'button', class: 'btn btn-sm danger-outline', dataset: { action: 'reject' }, 'aria-expanded': 'false' }, '驳回'),
    h('button', { type: 'button', class: 'btn btn-sm', dataset: { action: 'merge' }, 'aria-expanded': 'false' }, '合并'),
    h('button', { type: 'button', class: 'btn btn-sm', dataset: { action: 'assign' }, 'aria-expanded': 'false' }, '指派单位'));
}

function renderQueueItem(q, prev) {
  const res = resolved.get(q.id);
  const note = notes.get(q.id);
  const sig = `${q.version}|${q.status}|${res ? res.text : ''}|${note || ''}`;
  if (prev && prev.dataset.sig === sig) return prev;
  const flags = Array.isArray(q.flags) ? q.flags : [];
  return h('li', {
    class: ['q-item', 'card', res && 'is-resolved', flags.length && 'has-flags', animate && !prev && 'fresh'],
    dataset: { questionId: q.id, status: q.status, version: q.version, sig },
  },
  h('div', { class: 'q-head' },
    h('span', { class: 'q-id' }, `#${q.id}`),
    h('span', { class: 'q-nick' }, q.nickname || '网友'),
    h('span', { class: 'q-unit' }, `问：${unitLabel(q.unit)}`),
    q.asked_at ? h('span', { class: 'q-wait', dataset: { askedAt: q.asked_at }, title: `提交于 ${fmtTime(q.asked_at)}` }, `等待 ${fmtWait(q.asked_at)}`) : null,
    flags.length ? h('span', { class: 'badge badge-flag' }, `${flags.length} 项提示`) : null,
    res ? h('span', { class: `badge badge-q-${q.status}` }, statusName(q.status)) : null),
  originalText(q),
  q.original_text && q.text !== q.original_text
    ? h('div', { class: 'q-public' }, h('span', { class: 'label' }, '公开文本'), h('p', { class: 'q-text' }, q.text))
    : null,
  flagList(q),
  note ? h('p', { class: 'q-note', role: 'status' }, note) : null,
  res
    ? h('div', { class: 'q-resolved', role: 'status' },
      h('span', { class: 'q-resolved-text' }, res.text),
      h('button', { type: 'button', class: 'btn btn-sm btn-ghost', dataset: { dismiss: q.id } }, '知道了'))
    : actionButtons(q),
  h('div', { class: 'q-form' }),
  h('p', { class: 'form-error q-error', role: 'alert', hidden: true }));
}

function renderApprovedItem(q, prev) {
  const sig = `${q.version}|${q.status}|${q.votes}|${unitName(q.unit)}`;
  if (prev && prev.dataset.sig === sig) return prev;
  return h('li', { class: ['a-item', q.status === 'on_air' && 'is-on-air'], dataset: { questionId: q.id, status: q.status, version: q.version, sig } },
    h('div', { class: 'q-head' },
      h('span', { class: 'q-id' }, `#${q.id}`),
      h('span', { class: `badge badge-q-${q.status}` }, statusName(q.status)),
      h('span', { class: 'q-unit' }, unitLabel(q.unit)),
      h('span', { class: 'q-votes' }, `同问 ${q.votes || 0}`)),
    h('p', { class: 'q-text' }, q.text),
    q.status === 'approved'
      ? h('div', { class: 'q-actions' },
        h('button', { type: 'button', class: 'btn btn-xs', dataset: { action: 'assign' }, 'aria-expanded': 'false' }, '指派单位'),
        h('button', { type: 'button', class: 'btn btn-xs', dataset: { action: 'transfer' }, 'aria-expanded': 'false' }, '转办留言板'))
      : null,
    h('div', { class: 'q-form' }),
    h('p', { class: 'form-error q-error', role: 'alert', hidden: true }));
}

function handledLine(q) {
  let extra = '';
  if (q.status === 'rejected' && q.reason) extra = `理由：${q.reason}`;
  if (q.status === 'merged' && q.merged_into) extra = `并入 #${q.merged_into}`;
  if (q.status === 'transferred') extra = `${unitLabel(q.unit)}${q.hard ? ' · 疑难' : ''}`;
  if (q.status === 'answered' && q.answer) extra = `答：${excerpt(q.answer.text, 30)}`;
  return h('li', { class: 'h-item', dataset: { questionId: q.id, status: q.status } },
    h('span', { class: 'q-id' }, `#${q.id}`),
    h('span', { class: `badge badge-q-${q.status}` }, statusName(q.status)),
    h('span', { class: 'h-text' }, excerpt(q.text, 40)),
    extra ? h('span', { class: 'h-extra muted' }, extra) : null,
    q.handled && q.handled.by ? h('span', { class: 'h-by muted' }, `${q.handled.by}`) : null);
}

// ---------------- page rendering ----------------

function renderCounts() {
  const c = store.counts();
  for (const s of STATUS_ORDER) {
    const n = $(`count-${s}`);
    if (n) n.textContent = String(c[s] || 0);
  }
}

function renderQueue() {
  const items = store.values().filter((q) => q.status === 'pending' || resolved.has(q.id)).sort(byAskedAsc);
  reconcile(el.queue, items, (q) => q.id, renderQueueItem);
  show(el.queueEmpty, items.length === 0);
}

function renderApproved() {
  const items = store.values()
    .filter((q) => q.status === 'approved' || q.status === 'on_air')
    .sort((a, b) => (a.status === 'on_air' ? -1 : 0) - (b.status === 'on_air' ? -1 : 0) || (b.votes || 0) - (a.votes || 0) || a.id - b.id);
  reconcile(el.approved, items, (q) => q.id, renderApprovedItem);
  show(el.approvedEmpty, items.length === 0);
  el.approvedCount.textContent = items.length ? `（${items.length}）` : '';
}

function renderHandled() {
  const items = store.values()
    .filter((q) => ['rejected', 'merged', 'answered', 'transferred'].includes(q.status))
    .sort((a, b) => b.id - a.id)
    .slice(0, 300);
  clear(el.handled);
  for (const q of items) el.handled.appendChild(handledLine(q));
  el.handledCount.textContent = items.length ? `（${items.length}）` : '';
}

function renderOnAir() {
  const q = store.values().find((x) => x.status === 'on_air') || pub.onAir;
  clear(el.onAir);
  if (!q) {
    el.onAir.appendChild(h('p', { class: 'empty' }, '暂无'));
    return;
  }
  el.onAir.appendChild(h('div', { class: 'on-air-mini-card', dataset: { questionId: q.id } },
    h('p', { class: 'q-head' }, h('span', { class: 'q-id' }, `#${q.id}`), h('span', { class: 'q-unit' }, unitLabel(q.unit))),
    h('p', { class: 'q-text' }, q.text)));
}

function addMessage(m) {
  if (m && !messages.some((x) => x.id !== undefined && x.id === m.id)) {
    messages.push(m);
    renderMessages();
  }
}

function renderMessages() {
  const list = messages.slice().sort((a, b) => (Date.parse(b.at) || 0) - (Date.parse(a.at) || 0) || (b.id || 0) - (a.id || 0));
  clear(el.hostList);
  for (const m of list.slice(0, 30)) {
    el.hostList.appendChild(h('li', { class: 'msg' },
      h('span', { class: 'msg-tag' }, m.author || '主持人'),
      h('p', { class: 'msg-text' }, m.text),
      m.at ? timeEl(m.at, 'msg-time') : null));
  }
}

function renderPresence() {
  const others = presence.filter((p) => p.username !== me.username);
  el.presence.textContent = presence.length
    ? `在线：${presence.map((p) => p.username).join('、')}`
    : '';
  el.presence.title = others.length ? `另有 ${others.length} 位工作人员在线` : '';
}

function renderAll() {
  renderCounts();
  renderQueue();
  renderApproved();
  renderHandled();
  renderOnAir();
}

// ---------------- inline forms ----------------

function fieldId(q, name) {
  return `f-${q.id}-${name}`;
}

function formFor(action, q) {
  const cancel = h('button', { type: 'button', class: 'btn btn-sm btn-ghost', dataset: { cancel: action } }, '取消');
  if (action === 'approve') {
    const flags = Array.isArray(q.flags) ? q.flags : [];
    const hasSuggestions = flags.some((f) => typeof f.suggestion === 'string');
    return h('div', { class: 'inline-form', dataset: { form: 'approve' } },
      h('label', { class: 'field-label', for: fieldId(q, 'text') }, '公开文本（可修改，隐去个人信息）'),
      h('textarea', { id: fieldId(q, 'text'), name: 'text', rows: 4, maxlength: 2000, value: q.text ?? q.original_text ?? '' }),
      hasSuggestions ? h('button', { type: 'button', class: 'btn btn-xs', dataset: { applySuggestions: '1' } }, '按提示隐去敏感信息') : null,
      h('label', { class: 'field-label', for: fieldId(q, 'unit') }, '办理单位'),
      h('select', { id: fieldId(q, 'unit'), name: 'unit' }, unitOptions(units, unitId(q.unit))),
      h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'hard', checked: !!q.hard }), ' 疑难问题（转入留言板后办理时限 5 个工作日）'),
      h('div', { class: 'btn-row' },
        h('button', { type: 'button', class: 'btn btn-sm success', dataset: { confirm: 'approve' } }, '确认通过'), cancel));
  }
  if (action === 'reject') {
    return h('div', { class: 'inline-form', dataset: { form: 'reject' } },
      h('label', { class: 'field-label', for: fieldId(q, 'reason') }, '驳回理由（提问人可见）'),
      h('select', { id: fieldId(q, 'reason'), name: 'reason' },
        h('option', { value: '' }, '请选择理由'),
        REASONS.map((r) => h('option', { value: r }, r))),
      h('label', { class: 'field-label', for: fieldId(q, 'reason_text') }, '补充说明（选“其他”时必填）'),
      h('input', { id: fieldId(q, 'reason_text'), name: 'reason_text', type: 'text', maxlength: 200 }),
      h('div', { class: 'btn-row' },
        h('button', { type: 'button', class: 'btn btn-sm danger', dataset: { confirm: 'reject' } }, '确认驳回'), cancel));
  }
  if (action === 'merge') {
    const dupFlag = (q.flags || []).find((f) => f.kind === 'duplicate');
    const suggested = dupFlag ? Number(duplicateOf(dupFlag)) : null;
    const candidates = store.values()
      .filter((x) => x.id !== q.id && ['approved', 'pending', 'on_air'].includes(x.status))
      .sort((a, b) => (a.status === 'pending') - (b.status === 'pending') || a.id - b.id);
    return h('div', { class: 'inline-form', dataset: { form: 'merge' } },
      h('label', { class: 'field-label', for: fieldId(q, 'into') }, '合并到（同问：支持者和提问人并入该问题）'),
      h('select', { id: fieldId(q, 'into'), name: 'into' },
        h('option', { value: '' }, candidates.length ? '请选择问题' : '没有可合并的问题'),
        candidates.map((x) => h('option', { value: String(x.id), selected: x.id === suggested },
          `#${x.id} [${statusName(x.status)}] ${excerpt(x.text, 28)}`))),
      h('div', { class: 'btn-row' },
        h('button', { type: 'button', class: 'btn btn-sm primary', dataset: { confirm: 'merge' } }, '确认合并'), cancel));
  }
  if (action === 'assign') {
    return h('div', { class: 'inline-form', dataset: { form: 'assign' } },
      h('label', { class: 'field-label', for: fieldId(q, 'assign-unit') }, '指派给'),
      h('select', { id: fieldId(q, 'assign-unit'), name: 'unit' }, unitOptions(units, unitId(q.unit))),
      h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'hard', checked: !!q.hard }), ' 疑难问题（转入留言板后办理时限 5 个工作日）'),
      h('div', { class: 'btn-row' },
        h('button', { type: 'button', class: 'btn btn-sm primary', dataset: { confirm: 'assign' } }, '确认指派'), cancel));
  }
  if (action === 'transfer') {
    return h('div', { class: 'inline-form', dataset: { form: 'transfer' } },
      h('label', { class: 'field-label', for: fieldId(q, 'transfer-unit') }, '转办单位'),
      h('select', { id: fieldId(q, 'transfer-unit'), name: 'unit' }, unitOptions(units, unitId(q.unit), '请选择单位')),
      h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'hard' }), ' 疑难问题（办理时限 5 个工作日）'),
      h('div', { class: 'btn-row' },
        h('button', { type: 'button', class: 'btn btn-sm primary', dataset: { confirm: 'transfer' } }, '确认转办'), cancel));
  }
  return null;
}

function itemOf(node) {
  return node.closest('[data-question-id]');
}

function itemError(li, text) {
  const p = li.querySelector('.q-error');
  if (!p) return;
  p.textContent = text || '';
  p.hidden = !text;
}

function toggleForm(li, action) {
  const q = store.get(li.dataset.questionId);
  if (!q) return;
  const box = li.querySelector('.q-form');
  const open = li.dataset.openForm;
  clear(box);
  itemError(li, '');
  for (const b of li.querySelectorAll('[data-action]')) {
    b.setAttribute('aria-expanded', 'false');
    b.classList.remove('is-active');
  }
  if (open === action) {
    delete li.dataset.openForm;
    return;
  }
  const form = formFor(action, q);
  if (!form) return;
  li.dataset.openForm = action;
  box.appendChild(form);
  const btn = li.querySelector(`[data-action="${action}"]`);
  if (btn) {
    btn.setAttribute('aria-expanded', 'true');
    btn.classList.add('is-active');
  }
  const first = form.querySelector('textarea, select, input');
  if (first) first.focus();
}

function closeForm(li) {
  clear(li.querySelector('.q-form'));
  delete li.dataset.openForm;
  for (const b of li.querySelectorAll('[data-action]')) {
    b.setAttribute('aria-expanded', 'false');
    b.classList.remove('is-active');
  }
}

function bodyFor(action, li, q) {
  const form = li.querySelector('.q-form');
  const version = Number(li.dataset.version ?? q.version);
  const val = (name) => {
    const f = form.querySelector(`[name="${name}"]`);
    return f ? f.value : '';
  };
  const checked = (name) => {
    const f = form.querySelector(`[name="${name}"]`);
    return !!(f && f.checked);
  };
  if (action === 'approve') {
    const text = val('text').trim();
    if (!text) return { error: '公开文本不能为空' };
    const unit = val('unit');
    return { body: { version, text, unit: unit ? Number(unit) : null, hard: checked('hard') } };
  }
  if (action === 'reject') {
    const reason = val('reason');
    const extra = val('reason_text').trim();
    if (!reason) return { error: '请选择驳回理由' };
    if (reason === '其他' && !extra) return { error: '请填写具体理由' };
    return { body: { version, reason: reason === '其他' ? extra : (extra ? `${reason}：${extra}` : reason) } };
  }
  if (action === 'merge') {
    const into = val('into');
    if (!into) return { error: '请选择要合并到的问题' };
    return { body: { version, into: Number(into) } };
  }
  if (action === 'assign') {
    const unit = val('unit');
    return { body: { version, unit: unit ? Number(unit) : null, hard: checked('hard') } };
  }
  if (action === 'transfer') {
    const unit = val('unit');
    if (!unit) return { error: '请选择转办单位' };
    return { body: { version, unit: Number(unit), hard: checked('hard') } };
  }
  return { error: '未知操作' };
}

async function submit(li, action, btn) {
  const id = Number(li.dataset.questionId);
  const q = store.get(id);
  if (!q) return;
  const { body, error } = bodyFor(action, li, q);
  if (error) {
    itemError(li, error);
    return;
  }
  itemError(li, '');
  btn.disabled = true;
  const label = btn.textContent;
  btn.textContent = '提交中…';
  try {
    const nq = await post(`/api/questions/${id}/${action}`, body);
    resolved.delete(id);
    notes.delete(id);
    if (nq && nq.id !== undefined) store.upsert(nq);
    renderAll();
  } catch (e) {
    btn.disabled = false;
    btn.textContent = label;
    const cur = e.question;
    if (e.status === 409 && cur) {
      const hd = cur.handled || {};
      const by = hd.by || '其他工作人员';
      const changed = cur.status !== q.status || cur.version !== Number(li.dataset.version);
      store.upsert(cur);
      if (!changed) {
        itemError(li, e.message);
      } else if (cur.status !== 'pending' && q.status === 'pending') {
        resolved.set(id, { text: `已被 ${by} 处理（${actionName(hd.action)}）`, at: Date.now() });
      } else {
        notes.set(id, `已被 ${by} 处理（${actionName(hd.action)}），请核对后重新操作`);
      }
      renderAll();
      return;
    }
    itemError(li, e.message);
  }
}

function onListClick(ev) {
  const li = itemOf(ev.target);
  if (!li) return;
  const actionBtn = ev.target.closest('[data-action]');
  if (actionBtn) {
    toggleForm(li, actionBtn.dataset.action);
    return;
  }
  const confirmBtn = ev.target.closest('[data-confirm]');
  if (confirmBtn) {
    submit(li, confirmBtn.dataset.confirm, confirmBtn);
    return;
  }
  if (ev.target.closest('[data-cancel]')) {
    closeForm(li);
    return;
  }
  if (ev.target.closest('[data-apply-suggestions]')) {
    const q = store.get(li.dataset.questionId);
    const ta = li.querySelector('textarea[name="text"]');
    if (q && ta) ta.value = applySuggestions(q.original_text ?? q.text ?? '', q.flags);
    return;
  }
  const dismiss = ev.target.closest('[data-dismiss]');
  if (dismiss) {
    resolved.delete(Number(dismiss.dataset.dismiss));
    renderQueue();
  }
}

el.queue.addEventListener('click', onListClick);
el.approved.addEventListener('click', onListClick);

// ---------------- host messages ----------------

async function sendHost() {
  const text = el.hostText.value.trim();
  if (!text) {
    el.hostError.textContent = '请输入发言内容';
    el.hostError.hidden = false;
    return;
  }
  el.hostError.hidden = true;
  el.hostSend.disabled = true;
  try {
    const m = await post(`/api/events/${encodeURIComponent(slug)}/messages`, { text });
    el.hostText.value = '';
    addMessage(m);
  } catch (e) {
    el.hostError.textContent = e.message;
    el.hostError.hidden = false;
  } finally {
    el.hostSend.disabled = false;
  }
}

el.hostSend.addEventListener('click', sendHost);
el.hostText.addEventListener('keydown', (ev) => {
  if (ev.key === 'Enter' && (ev.ctrlKey || ev.metaKey)) {
    ev.preventDefault();
    sendHost();
  }
});

// ---------------- frames ----------------

const resync = makeResync(slug, store, renderAll);

function onChanged(f) {
  const q = f.question;
  if (!q) return;
  const { prev, applied } = store.upsert(q);
  if (!applied) return;
  const by = f.by || (q.handled && q.handled.by);
  if (prev && prev.status === 'pending' && by && by !== me.username) {
    if (q.status !== 'pending') {
      let text = `已由 ${by} ${actionName(f.action || (q.handled && q.handled.action))}`;
      if (q.status === 'rejected' && q.reason) text += `（${q.reason}）`;
      if (q.status === 'merged' && q.merged_into) text += `到 #${q.merged_into}`;
      resolved.set(q.id, { text, at: Date.now() });
    } else if (prev.version !== q.version) {
      notes.set(q.id, `已由 ${by} ${actionName(f.action)}，请核对后再操作`);
    }
  }
  renderAll();
}

const pub = publicFrames(store, resync, root.dataset.status, {
  renderOnAir,
  onSnapshot(f) {
    messages = Array.isArray(f.messages) ? f.messages.slice() : [];
    renderMessages();
  },
  onVotes: renderApproved,
  onMessage: addMessage,
});

function onFrame(f) {
  if (pub.handle(f)) return;
  switch (f.type) {
    case 'staff.snapshot':
      store.replaceAll(f.queue || []);
      if (f.me && f.me.username) me.username = f.me.username;
      resolved.clear();
      notes.clear();
      clear(el.queue);
      clear(el.approved);
      presence = Array.isArray(f.presence) ? f.presence : [];
      renderPresence();
      animate = false;
      renderAll();
      animate = true;
      break;
    case 'question.submitted':
      if (f.question) {
        store.upsert(f.question);
        renderCounts();
        renderQueue();
      }
      break;
    case 'question.changed':
      onChanged(f);
      break;
    case 'presence':
      presence = Array.isArray(f.presence) ? f.presence : [];
      renderPresence();
      break;
    default:
      break;
  }
}

document.addEventListener('studio:event', (ev) => {
  const e = ev.detail || {};
  if (e.status) pub.setStatus(e.status);
});

// waiting times and expiry of "handled by someone else" notes
setInterval(() => {
  for (const w of el.queue.querySelectorAll('.q-wait[data-asked-at]')) {
    w.textContent = `等待 ${fmtWait(w.dataset.askedAt)}`;
  }
  const now = Date.now();
  let changed = false;
  for (const [id, r] of resolved) {
    if (now - r.at > 120000) {
      resolved.delete(id);
      changed = true;
    }
  }
  if (changed) renderQueue();
}, 15000);

const banner = bindBanner($('conn-banner'), { forbidden: '无权进入本场审核台，或登录已过期，请重新登录。' });
const sock = new LiveSocket(`/ws/events/${encodeURIComponent(slug)}/staff`, {
  resume: false, // a reconnect gets a fresh snapshot + staff.snapshot
  onFrame,
  onState: banner,
});
pub.setStatus();
sock.start();
