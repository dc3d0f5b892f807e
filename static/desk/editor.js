// The inline editor of a question: approve (with the public text), reject (reasons, confirmed),
// merge, assign, transfer, and taking back (unpublish, edit, correct, restore); sending an action,
// what a conflict or another moderator's claim means; the actions the keys call.
import { toggleSelected } from './bulk.js';
import { itemEl, neighbour, setCurrent } from './claims.js';
import { duplicateOf, renderAll, renderQueue } from './render.js';
import { desk, el, limits, notes, REASONS, resolved, store, units } from './state.js';
import { offerUndo } from './undo.js';
import { post } from '../api.js';
import { actionName, applySuggestions, clear, excerpt, h, statusName } from '../dom.js';
import { unitId, unitOptions } from '../staff.js';


export function fieldId(q, name) {
  return `f-${q.id}-${name}`;
}

export function formFor(action, q) {
  const cancel = h('button', { type: 'button', class: 'btn btn-sm btn-ghost', dataset: { cancel: action } }, '取消');
  if (action === 'approve') {
    const flags = Array.isArray(q.flags) ? q.flags : [];
    const hasSuggestions = flags.some((f) => typeof f.suggestion === 'string');
    return h('div', { class: 'inline-form', dataset: { form: 'approve' } },
      h('label', { class: 'field-label', for: fieldId(q, 'text') }, '公开文本（可修改，隐去个人信息）'),
      h('textarea', { id: fieldId(q, 'text'), name: 'text', rows: 4, maxlength: limits.question_chars, value: q.text ?? q.original_text ?? '' }),
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
      h('input', { id: fieldId(q, 'reason_text'), name: 'reason_text', type: 'text', maxlength: limits.reject_note_chars }),
      h('p', { class: 'hint reject-confirm', role: 'status' }),
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
  if (action === 'unpublish') {
    return h('div', { class: 'inline-form', dataset: { form: 'unpublish' } },
      h('p', { class: 'hint' }, '撤回后，该问题立即从直播页、文字实录、留言板和搜索中撤下，回到待审核，可修改后重新通过。提问人会看到“已撤回复核”。'),
      h('label', { class: 'field-label', for: fieldId(q, 'unpublish-reason') }, '撤回原因（仅工作人员可见，记入操作日志）'),
      h('input', { id: fieldId(q, 'unpublish-reason'), name: 'reason', type: 'text', maxlength: 200, placeholder: '如：含身份证号' }),
      h('div', { class: 'btn-row' },
        h('button', { type: 'button', class: 'btn btn-sm danger', dataset: { confirm: 'unpublish' } }, '确认撤回'), cancel));
  }
  if (action === 'edit') {
    return h('div', { class: 'inline-form', dataset: { form: 'edit' } },
      h('label', { class: 'field-label', for: fieldId(q, 'edit-text') }, '公开文本（修改后立即更新到所有公开页面）'),
      h('textarea', { id: fieldId(q, 'edit-text'), name: 'text', rows: 4, maxlength: limits.question_chars, value: q.text ?? '' }),
      (q.flags || []).some((f) => typeof f.suggestion === 'string')
        ? h('button', { type: 'button', class: 'btn btn-xs', dataset: { applySuggestions: 'edit' } }, '按提示隐去敏感信息') : null,
      h('div', { class: 'btn-row' },
        h('button', { type: 'button', class: 'btn btn-sm primary', dataset: { confirm: 'edit' } }, '保存修改'), cancel));
  }
  if (action === 'correct') {
    return h('div', { class: 'inline-form', dataset: { form: 'correct' } },
      h('label', { class: 'field-label', for: fieldId(q, 'correct-text') }, '更正后的回答（公开显示“已更正”及时间）'),
      h('textarea', { id: fieldId(q, 'correct-text'), name: 'text', rows: 5, maxlength: limits.answer_chars, value: (q.answer && q.answer.text) || '' }),
      h('div', { class: 'btn-row' },
        h('button', { type: 'button', class: 'btn btn-sm primary', dataset: { confirm: 'correct' } }, '发布更正'), cancel));
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

export function itemOf(node) {
  return node.closest('[data-question-id]');
}

export function itemError(li, text) {
  const p = li.querySelector('.q-error');
  if (!p) return;
  p.textContent = text || '';
  p.hidden = !text;
}

export function toggleForm(li, action) {
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

export function closeForm(li) {
  clear(li.querySelector('.q-form'));
  delete li.dataset.openForm;
  for (const b of li.querySelectorAll('[data-action]')) {
    b.setAttribute('aria-expanded', 'false');
    b.classList.remove('is-active');
  }
}

export function bodyFor(action, li, q) {
  const form = li.querySelector('.q-form') || li;
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
  if (action === 'unpublish') {
    const reason = val('reason').trim();
    if (!reason) return { error: '请填写撤回原因' };
    return { body: { version, reason } };
  }
  if (action === 'edit' || action === 'correct') {
    const text = val('text').trim();
    if (!text) return { error: action === 'edit' ? '公开文本不能为空' : '回答内容不能为空' };
    return { body: { version, text } };
  }
  if (action === 'restore') return { body: { version } };
  if (action === 'transfer') {
    const unit = val('unit');
    if (!unit) return { error: '请选择转办单位' };
    return { body: { version, unit: Number(unit), hard: checked('hard') } };
  }
  return { error: '未知操作' };
}

export async function submit(li, action, btn) {
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
export async function perform(li, action, body, btn) {
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
  const wasCurrent = desk.current === id;
  const nextId = wasCurrent ? neighbour(id, 1) ?? neighbour(id, -1) : null;
  try {
    const nq = await post(`/api/questions/${id}/${action}`, body);
    resolved.delete(id);
    notes.delete(id);
    if (nq && nq.id !== undefined) store.upsert(nq);
    if (wasCurrent && nq && nq.status !== 'pending') setCurrent(nextId, { focus: true });
    renderAll();
    if (nq && (action === 'approve' || action === 'reject')) offerUndo(nq, action, renderAll);
  } catch (e) {
    if (btn) {
      btn.disabled = false;
      btn.textContent = label;
    }
    if (e.status === 409 && e.code === 'claimed') {
      offerTakeOver(li, action, body, btn, e.error.by);
      return;
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

// Another moderator holds the question: say who, and let this one take it over.
export function offerTakeOver(li, action, body, btn, by) {
  const p = li.querySelector('.q-error');
  if (!p) return;
  const take = h('button', { type: 'button', class: 'btn btn-xs danger-outline' }, `接手并${actionName(action)}`);
  take.addEventListener('click', () => perform(li, action, { ...body, take_over: true }, btn));
  clear(p).append(`${by || '其他审核员'} 正在处理这个提问。`, ' ', take);
  p.hidden = false;
  take.focus();
}

export function onListClick(ev) {
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
  const suggest = ev.target.closest('[data-apply-suggestions]');
  if (suggest) {
    applyRedactions(li, suggest.dataset.applySuggestions === 'edit' ? 'edit' : 'approve');
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


export function bindLists() {
  el.queue.addEventListener('click', onListClick);
  el.approved.addEventListener('click', onListClick);
  el.handled.addEventListener('click', onListClick);
}

export function currentItem() {
  const li = itemEl(desk.current);
  return li && !li.classList.contains('is-resolved') ? li : null;
}

export function openForm(li, action) {
  if (li.dataset.openForm !== action) toggleForm(li, action);
  return li.querySelector('.q-form');
}

export function applyRedactions(li, action = 'approve') {
  const q = store.get(li.dataset.questionId);
  if (!q) return;
  const form = openForm(li, action);
  const ta = form.querySelector('textarea[name="text"]');
  if (ta) ta.value = applySuggestions(action === 'edit' ? (q.text ?? '') : (q.original_text ?? q.text ?? ''), q.flags);
  const confirm = form.querySelector(`[data-confirm="${action}"]`);
  if (confirm) confirm.focus();
}

export function rejectWith(li, code) {
  const form = openForm(li, 'reject');
  const select = form.querySelector('select[name="reason"]');
  if (select) select.value = code;
  const note = form.querySelector('[name="reason_text"]');
  if (code === 'other' && note && !note.value.trim()) {
    itemError(li, '选择“其他”时请填写具体理由，然后按回车');
    note.focus();
    return;
  }
  // a reason chosen by one key is confirmed before the asker sees it
  const reason = REASONS.find((r) => r.code === code);
  const hint = form.querySelector('.reject-confirm');
  if (hint) hint.textContent = `驳回理由：“${reason ? reason.text : code}”。按回车确认驳回，Esc 取消。`;
  const confirm = form.querySelector('[data-confirm="reject"]');
  if (confirm) confirm.focus();
}

export function approveNow(li) {
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

export function mergeIntoSuggestion(li) {
  const form = openForm(li, 'merge');
  const select = form.querySelector('select[name="into"]');
  const confirm = form.querySelector('[data-confirm="merge"]');
  if (select && select.value && confirm) confirm.focus();
  else if (select) select.focus();
}
