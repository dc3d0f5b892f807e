// The keyboard map (each key, its help line, what it does) and the ? overlay.
import { toggleSelected } from './bulk.js';
import { itemEl, neighbour, setCurrent, visibleIds } from './claims.js';
import { applyRedactions, approveNow, closeForm, currentItem, itemError, itemOf, mergeIntoSuggestion, openForm, rejectWith, submit } from './editor.js';
import { $, REASONS, desk, el } from './state.js';
import { UNDO_SECONDS, undoLast } from './undo.js';
import { clear, h } from '../dom.js';


// Each key, its description for the help overlay, and what it does.
const KEYS = [
  { keys: ['j', 'ArrowDown'], label: 'j / ↓', text: '下一条', run: () => setCurrent(neighbour(desk.current, 1) ?? desk.current, { focus: true }) },
  { keys: ['k', 'ArrowUp'], label: 'k / ↑', text: '上一条', run: () => setCurrent(neighbour(desk.current, -1) ?? desk.current, { focus: true }) },
  { keys: ['a'], label: 'a', text: '通过（含个人信息时先显示文本，再按 a 确认；已打开编辑时按编辑后的文本通过）', item: approveNow },
  { keys: ['r'], label: 'r', text: '驳回：打开理由列表，按数字键 1–9 选择理由，再按回车确认', item: (li) => { openForm(li, 'reject'); li.focus({ preventScroll: true }); } },
  { keys: ['e'], label: 'e', text: '编辑公开文本（Ctrl+Enter 通过）', item: (li) => { const f = openForm(li, 'approve'); const t = f.querySelector('textarea'); if (t) t.focus(); } },
  { keys: ['s'], label: 's', text: '按提示隐去个人信息（再按 a 或回车通过）', item: applyRedactions },
  { keys: ['m'], label: 'm', text: '合并到建议的相似提问（回车确认）', item: mergeIntoSuggestion },
  { keys: ['u'], label: 'u', text: '指派单位（选好后回车确认）', item: (li) => { const f = openForm(li, 'assign'); const sel = f.querySelector('select'); if (sel) sel.focus(); } },
  { keys: ['x'], label: 'x', text: '选中 / 取消选中（批量通过或驳回）', item: (li) => toggleSelected(Number(li.dataset.questionId)) },
  { keys: ['z'], label: 'z', text: `撤销刚才的通过或驳回（${UNDO_SECONDS} 秒内）`, run: () => undoLast() },
  { keys: ['?'], label: '?', text: '显示 / 关闭本帮助', run: () => toggleHelp() },
  { keys: ['Escape'], label: 'Esc', text: '取消：关闭表单或帮助', run: () => escape() },
];

export function toggleHelp(open) {
  const next = open ?? el.help.hidden;
  el.help.hidden = !next;
  if (next) el.help.querySelector('.help-close').focus();
  else if (currentItem()) currentItem().focus({ preventScroll: true });
}

export function escape() {
  if (!el.help.hidden) {
    toggleHelp(false);
    return;
  }
  const li = itemEl(desk.current);
  if (li && li.dataset.openForm) {
    closeForm(li);
    itemError(li, '');
    li.focus({ preventScroll: true });
  }
}

export function renderHelp() {
  const list = el.help.querySelector('.help-keys');
  clear(list);
  for (const k of KEYS) list.appendChild(h('div', { class: 'help-row' }, h('dt', null, h('kbd', null, k.label)), h('dd', null, k.text)));
  list.appendChild(h('div', { class: 'help-row' }, h('dt', null, h('kbd', null, 'Ctrl+Enter')), h('dd', null, '确认当前打开的表单')));
}

const TYPING = new Set(['INPUT', 'TEXTAREA', 'SELECT']);

export function bindKeys() {
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
    if (desk.current === null || !itemEl(desk.current)) {
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
}
