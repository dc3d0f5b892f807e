// The undo toast: an approval or a rejection can be taken back for a short window (撤销, or the
// z key). Undoing an approval unpublishes the question back to review; undoing a rejection
// restores it to review. (A rejected question can also be restored later from 已处理.)
import { store } from './state.js';
import { post } from '../api.js';
import { clear, h } from '../dom.js';

export const UNDO_SECONDS = 10;

const last = { question: null, action: null, after: null, timer: null };
let box = null;

function toast() {
  if (!box) {
    box = h('div', { id: 'undo-toast', class: 'undo-toast card', role: 'status', 'aria-live': 'polite', hidden: true });
    document.body.appendChild(box);
  }
  return box;
}

function hide() {
  clearTimeout(last.timer);
  last.question = null;
  if (box) box.hidden = true;
}

export function offerUndo(q, action, after) {
  const b = toast();
  clearTimeout(last.timer);
  Object.assign(last, { question: q, action, after });
  const undo = h('button', { type: 'button', class: 'btn btn-sm', dataset: { undo: String(q.id) } }, '撤销');
  undo.addEventListener('click', undoLast);
  clear(b).append(h('span', null, `已${action === 'approve' ? '通过' : '驳回'} #${q.id}`), ' ', undo,
    h('span', { class: 'muted small' }, `（${UNDO_SECONDS} 秒内可撤销，按 z）`));
  b.hidden = false;
  last.timer = setTimeout(hide, UNDO_SECONDS * 1000);
}

export async function undoLast() {
  const { question, action, after } = last;
  if (!question) return;
  hide();
  const current = store.get(question.id) || question;
  const b = toast();
  try {
    const nq = action === 'approve'
      ? await post(`/api/questions/${question.id}/unpublish`, { version: current.version, reason: '审核员撤销通过' })
      : await post(`/api/questions/${question.id}/restore`, { version: current.version });
    if (nq && nq.id !== undefined) store.upsert(nq);
    clear(b).append(`已撤销：#${question.id} 回到待审核`);
  } catch (e) {
    clear(b).append(h('span', { class: 'form-error' }, `撤销失败：${e.message}`));
  }
  b.hidden = false;
  last.timer = setTimeout(hide, 4000);
  if (after) after();
}
