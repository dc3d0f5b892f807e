// Shared by every staff page: logout and the open/close event controls.
//
// Event controls:  <button data-event-action="open" data-slug="x">开始访谈</button>
//                  <button data-event-action="close" data-slug="x">结束访谈</button>
// Closing asks for an inline confirmation (no window.confirm): the button
// reveals a box with a [data-confirm="close"] button.
// After a change the page reloads when the button's container carries
// data-after="reload"; otherwise a "studio:event" CustomEvent is dispatched
// on document with the new Event in detail. (data-event-action="edit" on the
// studio home page belongs to admin.js.)
import { post } from './api.js';
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

document.addEventListener('click', (ev) => {
  const btn = ev.target.closest('[data-event-action="open"], [data-event-action="close"]');
  if (btn) {
    const action = btn.dataset.eventAction;
    const slug = btn.dataset.slug;
    if (action === 'close') {
      const container = btn.closest('.event-ctl') || btn.parentElement;
      let box = container.querySelector('.confirm-box');
      if (!box) {
        box = h('div', { class: 'confirm-box', role: 'alertdialog', 'aria-label': '确认结束访谈' },
          h('p', null, '结束后将归档到留言板：已回答的问答转为公开帖，未回答的已通过问题转为诉求件限时办理。确定结束本场访谈吗？'),
          h('div', { class: 'btn-row' },
            h('button', { type: 'button', class: 'btn danger', dataset: { confirm: 'close', slug } }, '确定结束'),
            h('button', { type: 'button', class: 'btn', dataset: { cancel: 'close' } }, '取消')));
        container.appendChild(box);
      }
      box.hidden = false;
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
