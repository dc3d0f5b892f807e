// Admin lexicon page: list with filters, add, remove, import (line-numbered errors), export.
import { h, clear, show } from './dom.js';
import { api, get, post } from './api.js';

const $ = (id) => document.getElementById(id);
const LEVEL = { block: 'block 建议驳回', review: 'review 需留意' };

function message(el, text) {
  el.textContent = text || '';
  show(el, !!text);
}

async function load() {
  const params = new URLSearchParams();
  if ($('lx-q').value.trim()) params.set('q', $('lx-q').value.trim());
  if ($('lx-filter-category').value) params.set('category', $('lx-filter-category').value);
  if ($('lx-filter-level').value) params.set('level', $('lx-filter-level').value);
  try {
    const data = await get(`/api/lexicon?${params}`);
    message($('lx-list-error'), '');
    render(data);
  } catch (e) {
    message($('lx-list-error'), e.message);
  }
}

function render(data) {
  const rows = $('lx-rows');
  clear(rows);
  for (const t of data.terms) {
    rows.appendChild(h('tr', { dataset: { termId: t.id } },
      h('td', null, t.term),
      h('td', null, h('code', null, t.category)),
      h('td', null, h('span', { class: `badge badge-level-${t.level}` }, LEVEL[t.level] || t.level)),
      h('td', { class: 'muted small' }, t.added_by),
      h('td', null, h('button', { type: 'button', class: 'btn btn-sm danger-outline', dataset: { remove: t.id }, 'aria-label': `删除 ${t.term}` }, '删除'))));
  }
  show($('lx-empty'), data.terms.length === 0);
  $('lx-total').textContent = `（${data.total}）`;
  const selected = $('lx-filter-category').value;
  const select = $('lx-filter-category');
  clear(select);
  select.appendChild(h('option', { value: '' }, '全部类别'));
  const list = $('lx-categories');
  clear(list);
  for (const c of data.categories) {
    select.appendChild(h('option', { value: c.category, selected: c.category === selected }, `${c.category}（${c.count}）`));
    list.appendChild(h('option', { value: c.category }));
  }
}

$('lx-add').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  try {
    await post('/api/lexicon', {
      term: $('lx-term').value.trim(), category: $('lx-category').value.trim(), level: $('lx-level').value,
    });
    $('lx-term').value = '';
    message($('lx-add-error'), '');
    load();
  } catch (e) {
    message($('lx-add-error'), e.message);
  }
});

$('lx-rows').addEventListener('click', async (ev) => {
  const btn = ev.target.closest('[data-remove]');
  if (!btn) return;
  try {
    await api('DELETE', `/api/lexicon/${btn.dataset.remove}`);
    load();
  } catch (e) {
    message($('lx-list-error'), e.message);
  }
});

let timer = null;
$('lx-q').addEventListener('input', () => {
  clearTimeout(timer);
  timer = setTimeout(load, 250);
});
$('lx-filter-category').addEventListener('change', load);
$('lx-filter-level').addEventListener('change', load);
$('lx-filter').addEventListener('submit', (ev) => {
  ev.preventDefault();
  load();
});

$('lx-import-file').addEventListener('change', async () => {
  const file = $('lx-import-file').files[0];
  if (file) $('lx-import-text').value = await file.text();
});

$('lx-import-submit').addEventListener('click', async () => {
  message($('lx-import-ok'), '');
  try {
    const r = await post('/api/lexicon/import', { text: $('lx-import-text').value, replace: $('lx-import-replace').checked });
    message($('lx-import-error'), '');
    message($('lx-import-ok'), `已导入 ${r.added} 个词条${r.skipped ? `，${r.skipped} 个已存在` : ''}${r.removed ? `，替换掉原有 ${r.removed} 个` : ''}。`);
    load();
  } catch (e) {
    message($('lx-import-error'), e.message);
  }
});

load();
