// Moderator console (the desk): pending queue (oldest first, or by screening
// priority), approve / reject (reason catalogue) / merge / assign, keyboard
// first (see KEYS and the ? overlay), claims shown live, filters, bulk
// approve/reject, approved list, host messages, open/close.
import {
  h, clear, show, reconcile, fmtWait, fmtTime, timeEl, flagName, flagSegments, applySuggestions,
  actionName, statusName, excerpt, unitName,
} from './dom.js';
import { LiveSocket, bindBanner } from './live.js';
import { api, post } from './api.js';
import {
  QuestionStore, makeResync, publicFrames, unitOptions, unitId, unitLabel, parseUnits,
} from './staff.js';

const $ = (id) => document.getElementById(id);
const root = $('moderate');
const slug = root.dataset.slug;
const me = { username: root.dataset.username, role: root.dataset.role };
const units = parseUnits(root);

function parseJson(value, fallback) {
  try {
    const v = JSON.parse(value || '');
    return v ?? fallback;
  } catch {
    return fallback;
  }
}
// the active rejection reasons [{code, text}] (admins edit them at /studio/reasons)
const REASONS = parseJson(root.dataset.reasons, []);
const CLAIM_SECONDS = Number(root.dataset.claimSeconds) || 90;
const STATUS_ORDER = ['pending', 'approved', 'on_air', 'answered', 'rejected', 'merged', 'transferred'];

const store = new QuestionStore();
let animate = false; // highlight live arrivals, not snapshot contents
const resolved = new Map(); // id -> {text, at}: pending items someone else handled
const notes = new Map(); // id -> text: still pending, but changed by someone else
let messages = [];
let presence = [];
const claims = new Map(); // question id -> {by, until (ms, local clock)}
const selected = new Set(); // ids selected for bulk
const filters = { flagged: false, unit: '', kind: '', sort: 'time' };
let current = null; // id of the question under the cursor
let myClaim = null; // id of the question this console claims
let claimTimer = null;

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
  oldest: $('oldest-wait'),
  fFlagged: $('filter-flagged'),
  fUnit: $('filter-unit'),
  fKind: $('filter-kind'),
  fSort: $('filter-sort'),
  shown: $('queue-shown'),
  bulkBar: $('bulk-bar'),
  bulkCount: $('bulk-count'),
  bulkReason: $('bulk-reason'),
  bulkResults: $('bulk-results'),
  help: $('help'),
};

const byAskedAsc = (a, b) => (Date.parse(a.asked_at) || 0) - (Date.parse(b.asked_at) || 0) || a.id - b.id;

// ---------------- item rendering ----------------

// flags about the whole text are listed, not highlighted (they would hide the spans inside)
const WHOLE_TEXT_KINDS = new Set(['duplicate', 'spam.flood', 'spam.empty']);

function originalText(q) {
  const text = q.original_text ?? q.text ?? '';
  const flags = (Array.isArray(q.flags) ? q.flags : []).filter((f) => !WHOLE_TEXT_KINDS.has(f.kind));
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
        dup ? ` 与 #${dup} 相似${typeof f.score === 'number' ? `（${Math.round(f.score * 100)}%）` : ''}` : '',
        f.level === 'block' ? ' · 建议驳回' : '');
    }));
}

function actionButtons(q) {
  return h('div', { class: 'q-actions', role: 'group', 'aria-label': `处理提问 #${q.id}` },
    h('button', { type: 'button', class: 'btn btn-sm success', dataset: { action: 'approve' }, 'aria-expanded': 'false' }, '通过'),
    h('button', { type: 'button', class: 'btn btn-sm danger-outline', dataset: { action: 'reject' }, 'aria-expanded': 'false' }, '驳回'),
    h('button', { type: 'button', class: 'btn btn-sm', dataset: { action: 'merge' }, 'aria-expanded': 'false' }, '合并'),
    h('button', { type: 'button', class: 'btn btn-sm', dataset: { action: 'assign' }, 'aria-expanded': 'false' }, '指派单位'));
}

function claimOf(id) {
  const c = claims.get(Number(id));
  if (!c) return null;
  if (c.until <= Date.now()) {
    claims.delete(Number(id));
    return null;
  }
  return c;
}

function renderQueueItem(q, prev) {
  const res = resolved.get(q.id);
  const note = notes.get(q.id);
  const claim = claimOf(q.id);
  const claimBy = claim && claim.by !== me.username ? claim.by : '';
  const sig = `${q.version}|${q.status}|${res ? res.text : ''}|${note || ''}|${claimBy}`;
  if (prev && prev.dataset.sig === sig) {
    markItem(prev, q.id);
    return prev;
  }
  const flags = Array.isArray(q.flags) ? q.flags : [];
  const li = h('li', {
    class: ['q-item', 'card', res && 'is-resolved', flags.length && 'has-flags', claimBy && 'is-claimed', animate && !prev && 'fresh'],
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
function markItem(li, id) {
  li.classList.toggle('is-current', current === id);
  li.classList.toggle('is-selected', selected.has(id));
  const box = li.querySelector('.q-select');
  if (box) box.checked = selected.has(id);
  if (current === id) li.setAttribute('aria-current', 'true');
  else li.removeAttribute('aria-current');
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
  renderOldest();
}

// the wait of the oldest pending question (live: refreshed every few seconds)
function renderOldest() {
  const pending = store.values().filter((q) => q.status === 'pending').sort(byAskedAsc);
  el.oldest.textContent = pending.length && pending[0].asked_at ? fmtWait(pending[0].asked_at) : '—';
  el.oldest.dataset.questionId = pending.length ? String(pending[0].id) : '';
}

function kindGroup(kind) {
  return String(kind || '').split('.')[0];
}

function passes(q) {
  const flags = Array.isArray(q.flags) ? q.flags : [];
  if (filters.flagged && !flags.length) return false;
  if (filters.kind && !flags.some((f) => kindGroup(f.kind) === filters.kind || f.kind === filters.kind)) return false;
  if (filters.unit === 'none' && unitId(q.unit) !== null) return false;
  if (filters.unit && filters.unit !== 'none' && String(unitId(q.unit)) !== filters.unit) return false;
  return true;
}

function queueItems() {
  const all = store.values().filter((q) => q.status === 'pending' || resolved.has(q.id));
  const order = filters.sort === 'priority'
    ? (a, b) => (b.priority || 0) - (a.priority || 0) || byAskedAsc(a, b)
    : byAskedAsc;
  return all.filter((q) => resolved.has(q.id) || passes(q)).sort(order);
}

function renderQueue() {
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
      h('p', { class: 'field-label', id: fieldId(q, 'picker') }, '驳回理由（提问人可见；按数字键直接驳回）'),
      h('ol', { class: 'reason-picker', 'aria-labelledby': fieldId(q, 'picker') },
        REASONS.slice(0, 9).map((r, i) => h('li', null,
          h('button', { type: 'button', class: 'btn btn-xs', dataset: { pickReason: r.code } },
            h('kbd', null, String(i + 1)), ` ${r.text}`)))),
      h('label', { class: 'field-label', for: fieldId(q, 'reason') }, '或从列表选择'),
      h('select', { id: fieldId(q, 'reason'), name: 'reason' },
        h('option', { value: '' }, '请选择理由'),
        REASONS.map((r) => h('option', { value: r.code }, r.text))),
      h('label', { class: 'field-label', for: fieldId(q, 'reason_text') }, '补充说明（提问人可见；选“其他”时必填）'),
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
    if (reason === 'other' && !extra) return { error: '请填写具体理由' };
    return { body: extra ? { version, reason, note: extra } : { version, reason } };
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
  await perform(li, action, body, btn);
}

// Send one action; on success the cursor moves on to the next pending question.
async function perform(li, action, body, btn) {
  const id = Number(li.dataset.questionId);
  const q = store.get(id);
  if (!q || li.dataset.busy) return;
  itemError(li, '');
  li.dataset.busy = '1';
  const label = btn ? btn.textContent : '';
  if (btn) {
    btn.disabled = true;
    btn.textContent = '提交中…';
  }
  const wasCurrent = current === id;
  const nextId = wasCurrent ? neighbour(id, 1) ?? neighbour(id, -1) : null;
  try {
    const nq = await post(`/api/questions/${id}/${action}`, body);
    resolved.delete(id);
    notes.delete(id);
    if (nq && nq.id !== undefined) store.upsert(nq);
    if (wasCurrent && nq && nq.status !== 'pending') setCurrent(nextId, { focus: true });
    renderAll();
  } catch (e) {
    if (btn) {
      btn.disabled = false;
      btn.textContent = label;
    }
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
  } finally {
    delete li.dataset.busy;
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
    applyRedactions(li);
    return;
  }
  const pick = ev.target.closest('[data-pick-reason]');
  if (pick) {
    rejectWith(li, pick.dataset.pickReason);
    return;
  }
  const box = ev.target.closest('[data-select]');
  if (box) {
    toggleSelected(Number(box.dataset.select), box.checked);
    return;
  }
  if (li.closest('#queue') && !ev.target.closest('button, a, input, select, textarea, label')) {
    setCurrent(Number(li.dataset.questionId));
  }
  const dismiss = ev.target.closest('[data-dismiss]');
  if (dismiss) {
    resolved.delete(Number(dismiss.dataset.dismiss));
    renderQueue();
  }
}

el.queue.addEventListener('click', onListClick);
el.approved.addEventListener('click', onListClick);

// ---------------- cursor and claims ----------------

function visibleIds() {
  return Array.from(el.queue.querySelectorAll('.q-item:not(.is-resolved)')).map((li) => Number(li.dataset.questionId));
}

function neighbour(id, step) {
  const ids = visibleIds();
  const i = ids.indexOf(id);
  if (i < 0) return ids.length ? ids[0] : null;
  const j = i + step;
  return j >= 0 && j < ids.length ? ids[j] : null;
}

function itemEl(id) {
  return id === null ? null : el.queue.querySelector(`.q-item[data-question-id="${id}"]`);
}

// Move the cursor (opening a question claims it for this moderator).
function setCurrent(id, { focus = false } = {}) {
  const prev = current;
  current = id;
  for (const li of el.queue.querySelectorAll('.q-item')) markItem(li, Number(li.dataset.questionId));
  const li = itemEl(id);
  if (li) {
    if (typeof li.scrollIntoView === 'function') li.scrollIntoView({ block: 'nearest' });
    if (focus || document.activeElement === document.body || document.activeElement === itemEl(prev)) {
      li.setAttribute('tabindex', '-1');
      li.focus({ preventScroll: true });
    }
  }
  if (prev !== id) claimCurrent();
}

async function claimCurrent() {
  const id = current;
  clearTimeout(claimTimer);
  if (myClaim !== null && myClaim !== id) {
    const old = myClaim;
    myClaim = null;
    api('DELETE', `/api/questions/${old}/claim`).catch(() => {});
  }
  const q = id === null ? null : store.get(id);
  if (!q || q.status !== 'pending') return;
  try {
    await post(`/api/questions/${id}/claim`);
    if (current === id) myClaim = id;
    else api('DELETE', `/api/questions/${id}/claim`).catch(() => {}); // the cursor moved on meanwhile
  } catch (e) {
    if (e.code === 'claimed' && e.error) {
      claims.set(id, { by: e.error.by, until: Date.now() + (Number(e.error.expires_in) || 0) * 1000 });
      renderQueue();
    }
  }
  if (current === id) claimTimer = setTimeout(claimCurrent, (CLAIM_SECONDS * 1000) / 3);
}

function onClaimed(f) {
  const id = Number(f.question);
  claims.set(id, { by: f.by, until: Date.now() + (Number(f.expires_in) || CLAIM_SECONDS) * 1000 });
  if (f.by !== me.username && myClaim === id) myClaim = null;
  renderQueue();
}

function onReleased(f) {
  const id = Number(f.question);
  const c = claims.get(id);
  if (c && (!f.by || c.by === f.by)) claims.delete(id);
  if (myClaim === id && f.by === me.username && f.why === 'expired') claimCurrent();
  renderQueue();
}

// ---------------- keyboard actions on the current question ----------------

function currentItem() {
  const li = itemEl(current);
  return li && !li.classList.contains('is-resolved') ? li : null;
}

function openForm(li, action) {
  if (li.dataset.openForm !== action) toggleForm(li, action);
  return li.querySelector('.q-form');
}

function applyRedactions(li) {
  const q = store.get(li.dataset.questionId);
  if (!q) return;
  const form = openForm(li, 'approve');
  const ta = form.querySelector('textarea[name="text"]');
  if (ta) ta.value = applySuggestions(q.original_text ?? q.text ?? '', q.flags);
  const confirm = form.querySelector('[data-confirm="approve"]');
  if (confirm) confirm.focus();
}

function rejectWith(li, code) {
  const form = openForm(li, 'reject');
  const select = form.querySelector('select[name="reason"]');
  if (select) select.value = code;
  const note = form.querySelector('[name="reason_text"]');
  if (code === 'other' && note && !note.value.trim()) {
    itemError(li, '选择“其他”时请填写具体理由，然后按回车');
    note.focus();
    return;
  }
  submit(li, 'reject', form.querySelector('[data-confirm="reject"]'));
}

function approveNow(li) {
  const open = li.dataset.openForm;
  if (open === 'approve') {
    submit(li, 'approve', li.querySelector('[data-confirm="approve"]'));
    return;
  }
  const q = store.get(li.dataset.questionId);
  if (!q) return;
  if ((q.flags || []).some((f) => String(f.kind).startsWith('pii.') && typeof f.suggestion === 'string')) {
    // personal data: never published by one stray key; show the text first
    const form = openForm(li, 'approve');
    itemError(li, '含个人信息：按 s 按提示隐去，或再按 a 原样通过');
    const confirm = form.querySelector('[data-confirm="approve"]');
    if (confirm) confirm.focus();
    return;
  }
  perform(li, 'approve', { version: Number(li.dataset.version ?? q.version) }, li.querySelector('[data-action="approve"]'));
}

function mergeIntoSuggestion(li) {
  const form = openForm(li, 'merge');
  const select = form.querySelector('select[name="into"]');
  const confirm = form.querySelector('[data-confirm="merge"]');
  if (select && select.value && confirm) confirm.focus();
  else if (select) select.focus();
}

// ---------------- selection and bulk ----------------

function toggleSelected(id, on) {
  const q = store.get(id);
  if (!q || q.status !== 'pending') return;
  if (on ?? !selected.has(id)) selected.add(id);
  else selected.delete(id);
  const li = itemEl(id);
  if (li) markItem(li, id);
  renderBulk();
}

function renderBulk() {
  el.bulkCount.textContent = String(selected.size);
  show(el.bulkBar, selected.size > 0 || el.bulkResults.childElementCount > 0);
  for (const b of el.bulkBar.querySelectorAll('[data-bulk]')) b.disabled = selected.size === 0;
}

async function bulk(action) {
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

function showBulkResults(lines) {
  clear(el.bulkResults);
  for (const l of lines) el.bulkResults.appendChild(h('li', { class: l.ok ? 'bulk-ok' : 'bulk-failed' }, l.text));
  renderBulk();
}

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

// ---------------- filters ----------------

for (const u of units) el.fUnit.appendChild(h('option', { value: String(u.id) }, u.name));
function readFilters() {
  filters.flagged = el.fFlagged.checked;
  filters.unit = el.fUnit.value;
  filters.kind = el.fKind.value;
  filters.sort = el.fSort.value;
  renderQueue();
}
for (const f of [el.fFlagged, el.fUnit, el.fKind, el.fSort]) f.addEventListener('change', readFilters);

// ---------------- keyboard ----------------

// Each key, its description for the help overlay, and what it does.
const KEYS = [
  { keys: ['j', 'ArrowDown'], label: 'j / ↓', text: '下一条', run: () => setCurrent(neighbour(current, 1) ?? current, { focus: true }) },
  { keys: ['k', 'ArrowUp'], label: 'k / ↑', text: '上一条', run: () => setCurrent(neighbour(current, -1) ?? current, { focus: true }) },
  { keys: ['a'], label: 'a', text: '通过（含个人信息时先显示文本，再按 a 确认；已打开编辑时按编辑后的文本通过）', item: approveNow },
  { keys: ['r'], label: 'r', text: '驳回：打开理由列表，再按数字键 1–9 选择理由', item: (li) => { openForm(li, 'reject'); li.focus({ preventScroll: true }); } },
  { keys: ['e'], label: 'e', text: '编辑公开文本（Ctrl+Enter 通过）', item: (li) => { const f = openForm(li, 'approve'); const t = f.querySelector('textarea'); if (t) t.focus(); } },
  { keys: ['s'], label: 's', text: '按提示隐去个人信息（再按 a 或回车通过）', item: applyRedactions },
  { keys: ['m'], label: 'm', text: '合并到建议的相似提问（回车确认）', item: mergeIntoSuggestion },
  { keys: ['u'], label: 'u', text: '指派单位（选好后回车确认）', item: (li) => { const f = openForm(li, 'assign'); const sel = f.querySelector('select'); if (sel) sel.focus(); } },
  { keys: ['x'], label: 'x', text: '选中 / 取消选中（批量通过或驳回）', item: (li) => toggleSelected(Number(li.dataset.questionId)) },
  { keys: ['?'], label: '?', text: '显示 / 关闭本帮助', run: () => toggleHelp() },
  { keys: ['Escape'], label: 'Esc', text: '取消：关闭表单或帮助', run: () => escape() },
];

function toggleHelp(open) {
  const next = open ?? el.help.hidden;
  el.help.hidden = !next;
  if (next) el.help.querySelector('.help-close').focus();
  else if (currentItem()) currentItem().focus({ preventScroll: true });
}

function escape() {
  if (!el.help.hidden) {
    toggleHelp(false);
    return;
  }
  const li = itemEl(current);
  if (li && li.dataset.openForm) {
    closeForm(li);
    itemError(li, '');
    li.focus({ preventScroll: true });
  }
}

function renderHelp() {
  const list = el.help.querySelector('.help-keys');
  clear(list);
  for (const k of KEYS) list.appendChild(h('div', { class: 'help-row' }, h('dt', null, h('kbd', null, k.label)), h('dd', null, k.text)));
  list.appendChild(h('div', { class: 'help-row' }, h('dt', null, h('kbd', null, 'Ctrl+Enter')), h('dd', null, '确认当前打开的表单')));
}

const TYPING = new Set(['INPUT', 'TEXTAREA', 'SELECT']);

document.addEventListener('keydown', (ev) => {
  if (ev.defaultPrevented || ev.altKey || ev.metaKey || (ev.ctrlKey && ev.key !== 'Enter')) return;
  const target = ev.target;
  const inForm = target && target.closest && target.closest('.q-form');
  if (ev.key === 'Enter' && inForm) {
    // Enter in a select or single-line field (Ctrl+Enter anywhere) confirms the open form
    const typingText = target.tagName === 'TEXTAREA' || (target.tagName === 'INPUT' && target.type === 'text' && target.name !== 'reason_text');
    if (ev.ctrlKey || !typingText) {
      const li = itemOf(target);
      const form = li && li.querySelector('[data-confirm]');
      if (li && form && target.tagName !== 'BUTTON') {
        ev.preventDefault();
        submit(li, form.dataset.confirm, form);
      }
    }
    return;
  }
  if (target && target.tagName === 'SELECT' && target.name === 'reason' && /^[1-9]$/.test(ev.key) && REASONS[Number(ev.key) - 1]) {
    ev.preventDefault();
    rejectWith(itemOf(target), REASONS[Number(ev.key) - 1].code);
    return;
  }
  if (target && TYPING.has(target.tagName) && target.type !== 'checkbox') {
    if (ev.key === 'Escape') {
      ev.preventDefault();
      escape();
    }
    return;
  }
  if (target && target.closest && target.closest('#host-box, #bulk-bar')) return;
  const li = currentItem();
  if (li && li.dataset.openForm === 'reject' && /^[1-9]$/.test(ev.key)) {
    const r = REASONS[Number(ev.key) - 1];
    if (r) {
      ev.preventDefault();
      rejectWith(li, r.code);
    }
    return;
  }
  const key = KEYS.find((k) => k.keys.includes(ev.key));
  if (!key) return;
  if (!el.help.hidden && key.keys[0] !== '?' && key.keys[0] !== 'Escape') return;
  ev.preventDefault();
  if (current === null || !itemEl(current)) {
    const ids = visibleIds();
    if (ids.length && key.item === undefined && key.keys[0] !== '?' && key.keys[0] !== 'Escape') {
      setCurrent(ids[0], { focus: true });
      return;
    }
    if (ids.length && key.item) setCurrent(ids[0], { focus: true });
  }
  if (key.run) key.run();
  else if (key.item) {
    const item = currentItem();
    if (item) key.item(item);
  }
});

el.help.addEventListener('click', (ev) => {
  if (ev.target === el.help || ev.target.closest('.help-close')) toggleHelp(false);
});
$('help-open').addEventListener('click', () => toggleHelp(true));
renderHelp();

window.addEventListener('pagehide', () => {
  if (myClaim !== null) api('DELETE', `/api/questions/${myClaim}/claim`).catch(() => {});
});

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
      claims.clear();
      for (const c of f.claims || []) {
        claims.set(Number(c.question), { by: c.by, until: Date.now() + (Number(c.expires_in) || 0) * 1000 });
      }
      if (current !== null) {
        // a reconnect: leaving the old connection released this console's claim; take it again
        myClaim = null;
        claimCurrent();
      }
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
    case 'question.claimed':
      onClaimed(f);
      break;
    case 'question.released':
      onReleased(f);
      break;
    default:
      break;
  }
}

document.addEventListener('studio:event', (ev) => {
  const e = ev.detail || {};
  if (e.status) pub.setStatus(e.status);
});

// the oldest wait, and claims that ran out without a frame (a lost connection)
setInterval(() => {
  renderOldest();
  let expired = false;
  for (const [id, c] of claims) {
    if (c.until <= Date.now()) {
      claims.delete(id);
      expired = true;
    }
  }
  if (expired) renderQueue();
}, 5000);

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
