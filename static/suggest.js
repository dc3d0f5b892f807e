// Routing suggestions on the board console: every form with data-suggest-text (a
// submission's approval, a case waiting for a unit) asks POST /api/board/suggest,
// one at a time, and shows the likeliest category paths and units above the
// form; the best unit is preselected unless a unit is already chosen (the
// netizen's wish) or the moderator has picked one. Nothing is sent until they submit.
// Admins also keep which categories each unit handles (PUT /api/units/{id}/categories).
import { api } from './api.js';
import { h } from './dom.js';

function percent(score) {
  return `${Math.round(score * 100)}%`;
}

function show(form, answer) {
  const box = form.querySelector('[data-part="suggestion"]');
  box.textContent = '';
  const [best, ...others] = answer.categories;
  box.append(h('span', { class: 'suggest-label' }, '分办建议'));
  if (best) {
    box.append(' 分类：', h('strong', { dataset: { categoryId: String(best.id) } }, best.path),
      ` ${percent(best.score)}`);
    for (const c of others) box.append('；', h('span', { dataset: { categoryId: String(c.id) } }, c.path), ` ${percent(c.score)}`);
  }
  if (answer.units.length) {
    box.append(' · 单位：', answer.units.map((u) => `${u.name} ${percent(u.score)}`).join('；'));
  }
  const select = form.querySelector('select[name="unit"]');
  const top = answer.units[0];
  if (top && select && select.value === '' && !select.dataset.touched
      && [...select.options].some((o) => o.value === String(top.id))) {
    select.value = String(top.id);
    select.dataset.suggested = String(top.id);
  }
}

async function suggestAll() {
  const forms = [...document.querySelectorAll('form[data-suggest-text]')];
  for (const form of forms) {
    const box = h('p', { class: 'suggestion small muted', role: 'status', dataset: { part: 'suggestion' } },
      '分办建议：正在分析…');
    form.prepend(box);
    const select = form.querySelector('select[name="unit"]');
    if (select) select.addEventListener('change', () => { select.dataset.touched = '1'; });
  }
  for (const form of forms) {
    const box = form.querySelector('[data-part="suggestion"]');
    try {
      const answer = await api('POST', '/api/board/suggest',
        { title: form.dataset.suggestTitle || '', text: form.dataset.suggestText });
      show(form, answer);
    } catch (err) {
      box.textContent = err.code === 'nothing_to_learn'
        ? '分办建议：暂无（还没有已分类的留言可供学习）'
        : `分办建议暂不可用：${err.message || '请稍后再试'}`;
    }
  }
}

suggestAll();

document.addEventListener('submit', async (ev) => {
  const form = ev.target;
  if (!(form instanceof HTMLFormElement) || !form.dataset.unitCategories) return;
  ev.preventDefault();
  const select = form.querySelector('select[name="categories"]');
  const categories = [...select.selectedOptions].map((o) => Number(o.value));
  let box = form.querySelector('[data-part="mapping-status"]');
  if (!box) {
    box = h('p', { class: 'small', role: 'status', dataset: { part: 'mapping-status' } });
    form.append(box);
  }
  try {
    const saved = await api('PUT', `/api/units/${form.dataset.unitCategories}/categories`, { categories });
    box.className = 'form-ok small';
    box.textContent = `已保存：${saved.categories.map((c) => c.path).join('、') || '未指定分类'}`;
  } catch (err) {
    box.className = 'form-error small';
    box.textContent = err.message || '保存失败';
  }
});
