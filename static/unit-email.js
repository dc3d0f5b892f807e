// The studio home's unit digest address: where a unit's daily list of cases due soon and overdue goes.
import { api } from './api.js';
import { show } from './dom.js';

const $ = (id) => document.getElementById(id);
const form = $('unit-email-form');

function say(ok, error) {
  $('unit-email-ok').textContent = ok || '';
  show($('unit-email-ok'), !!ok);
  $('unit-email-error').textContent = error || '';
  show($('unit-email-error'), !!error);
}

if (form) {
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const unit = $('unit-email-unit');
    if (!unit.value) {
      say('', '请先添加单位');
      return;
    }
    try {
      const saved = await api('PUT', `/api/units/${unit.value}/email`, { email: $('unit-email').value.trim() });
      const name = unit.options[unit.selectedIndex].textContent;
      say(saved.email ? `${name}的提醒将发送至 ${saved.email}` : `${name}不再接收每日提醒`, '');
    } catch (e) {
      say('', e.message);
    }
  });
}
