// Admin page of the rejection-reason catalogue: reword, reorder, retire, add.
import { show } from './dom.js';
import { patch, post } from './api.js';

const $ = (id) => document.getElementById(id);

function message(el, text) {
  el.textContent = text || '';
  show(el, !!text);
}

async function save(tr, changes) {
  message($('rs-ok'), '');
  try {
    const r = await patch(`/api/reasons/${encodeURIComponent(tr.dataset.code)}`, changes);
    tr.dataset.active = r.active ? '1' : '0';
    tr.querySelector('.rs-state').textContent = r.active ? '启用' : '已停用';
    tr.querySelector('[data-toggle]').textContent = r.active ? '停用' : '启用';
    tr.querySelector('.rs-text').value = r.text;
    message($('rs-error'), '');
    message($('rs-ok'), `已保存：${r.text}`);
  } catch (e) {
    message($('rs-error'), e.message);
  }
}

$('rs-rows').addEventListener('click', (ev) => {
  const tr = ev.target.closest('tr[data-code]');
  if (!tr) return;
  if (ev.target.closest('[data-save]')) {
    save(tr, { text: tr.querySelector('.rs-text').value, position: Number(tr.querySelector('.rs-position').value) || 0 });
  } else if (ev.target.closest('[data-toggle]')) {
    save(tr, { active: tr.dataset.active !== '1' });
  }
});

$('rs-add').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  try {
    await post('/api/reasons', { code: $('rs-code').value.trim(), text: $('rs-new-text').value.trim() });
    window.location.reload();
  } catch (e) {
    message($('rs-add-error'), e.message);
  }
});
