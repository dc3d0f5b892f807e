// Admin page of the notifications' outbox: put a dead message back in the outbox.
import { show } from './dom.js';
import { post } from './api.js';

const $ = (id) => document.getElementById(id);

function message(el, text) {
  el.textContent = text || '';
  show(el, !!text);
}

const rows = $('nf-rows');
if (rows) {
  rows.addEventListener('click', async (ev) => {
    const button = ev.target.closest('[data-retry]');
    const tr = ev.target.closest('tr[data-id]');
    if (!button || !tr) return;
    button.disabled = true;
    try {
      await post(`/api/notifications/${tr.dataset.id}/retry`, {});
      tr.dataset.status = 'pending';
      tr.querySelector('.nf-state').textContent = '待发送';
      button.remove();
      message($('nf-error'), '');
      message($('nf-ok'), `第 ${tr.dataset.id} 条通知已放回发件箱`);
    } catch (e) {
      button.disabled = false;
      message($('nf-error'), e.message);
    }
  });
}
