// Shared by every staff page: logout and the open/close event controls.
//
// Event controls:  <button data-event-action="open" data-slug="x">开始访谈</button>
//                  <button data-event-action="close" data-slug="x">结束访谈</button>
// Closing asks for an inline confirmation (no window.confirm): the button
// reveals a box, saying what happens to the questions (the one on air and
// those still in review included), with a [data-confirm="close"] button.
// After a change the page reloads when the button's container carries
// data-after="reload"; otherwise a "studio:event" CustomEvent is dispatched
// on document with the new Event in detail. (data-event-action="edit" on the
// studio home page belongs to admin.js.)
import { get, post } from './api.js';
import { h } from './dom.js';

const logout = document.getElementById('logout');
if (logout) {
  logout.addEventListener('click', async () => {
    logout.disabled = true;
    try {
      await post('/api/logout');
    } catch {
      /* the session may already be gone: leave anyway */
    }
    window.location.assign('/studio/login');
  });
}

function errorBox(container) {
  let box = container.querySelector('.event-ctl-error');
  if (!box) {
    box = h('p', { class: 'form-error event-ctl-error', role: 'alert', hidden: true });
    container.appendChild(box);
  }
  return box;
}

async function runEventAction(btn, action, slug) {
  const container = btn.closest('.event-ctl') || btn.parentElement;
  const err = errorBox(container);
  err.hidden = true;
  const buttons = container.querySelectorAll('button');
  for (const b of buttons) b.disabled = true;
  try {
    const ev = await post(`/api/events/${encodeURIComponent(slug)}/${action}`);
    if (container.dataset.after === 'reload') {
      window.location.reload();
      return;
    }
    document.dispatchEvent(new CustomEvent('studio:event', { detail: ev || { slug, status: action === 'open' ? 'live' : 'closed' } }));
    const box = container.querySelector('.confirm-box');
    if (box) box.hidden = true;
  } catch (e) {
    err.textContent = e.message;
    err.hidden = false;
  } finally {
    for (const b of buttons) b.disabled = false;
  }
}

// What closing will do to this event's questions, from the console's current queue.
export function closeWarnings(queue) {
  const count = (status) => queue.filter((q) => q.status === status).length;
  const onAir = queue.find((q) => q.status === 'on_air');
  const lines = [`结束后将归档到留言板：${count('answered')} 个已回答的问答转为公开帖，${count('approved') + (onAir ? 1 : 0)} 个已通过但未回答的问题转为诉求件限时办理。`];
  const warnings = [];
  if (onAir) warnings.push(`第 ${onAir.id} 号提问正在回答中，嘉宾尚未发布回答：结束后它将转为诉求件，嘉宾的回答草稿保留在答题台，可作为答复发布到留言板。`);
  if (count('pending')) warnings.push(`还有 ${count('pending')} 个提问在审核中：它们留在审核台，结束后审核通过的将直接转为留言板诉求件。`);
  return { lines, warnings };
}

async function confirmClose(btn, slug) {
  const container = btn.closest('.event-ctl') || btn.parentElement;
  let box = container.querySelector('.confirm-box');
  if (box) box.remove();
  let queue = [];
  try {
    queue = await get(`/api/events/${encodeURIComponent(slug)}/queue`);
  } catch {
    queue = [];
  }
  const { lines, warnings } = closeWarnings(Array.isArray(queue) ? queue : []);
  box = h('div', { class: 'confirm-box', role: 'alertdialog', 'aria-label': '确认结束访谈' },
    lines.map((text) => h('p', null, text)),
    warnings.length ? h('ul', { class: 'confirm-warnings' }, warnings.map((text) => h('li', { class: 'form-error' }, text))) : null,
    h('p', null, '确定结束本场访谈吗？'),
    h('div', { class: 'btn-row' },
      h('button', { type: 'button', class: 'btn danger', dataset: { confirm: 'close', slug } }, '确定结束'),
      h('button', { type: 'button', class: 'btn', dataset: { cancel: 'close' } }, '取消')));
  container.appendChild(box);
  box.querySelector('[data-confirm]').focus();
}

document.addEventListener('click', (ev) => {
  const btn = ev.target.closest('[data-event-action="open"], [data-event-action="close"]');
  if (btn) {
    const action = btn.dataset.eventAction;
    const slug = btn.dataset.slug;
    if (action === 'close') {
      confirmClose(btn, slug);
      return;
    }
    runEventAction(btn, action, slug);
    return;
  }
  const confirm = ev.target.closest('.confirm-box [data-confirm="close"]');
  if (confirm) {
    runEventAction(confirm, 'close', confirm.dataset.slug);
    return;
  }
  const cancel = ev.target.closest('.confirm-box [data-cancel]');
  if (cancel) cancel.closest('.confirm-box').hidden = true;
});
