// Admin forms on the studio home page: units, staff accounts, events.
import { h, clear, show, ROLE, unitName } from './dom.js';
import { post, get } from './api.js';

const $ = (id) => document.getElementById(id);

function msg(el, text) {
  if (!el) return;
  el.textContent = text || '';
  show(el, !!text);
}

function busy(btn, on, label) {
  btn.disabled = on;
  if (on) {
    btn.dataset.label = btn.textContent;
    btn.textContent = label || '提交中…';
  } else if (btn.dataset.label) {
    btn.textContent = btn.dataset.label;
  }
}

// ---------- lists ----------

async function reloadUnits() {
  let units;
  try {
    units = await get('/api/units');
  } catch {
    return;
  }
  const list = $('unit-list');
  clear(list);
  if (!units.length) list.appendChild(h('li', { class: 'muted' }, '暂无单位'));
  for (const u of units) list.appendChild(h('li', { class: 'chip', dataset: { unitId: u.id } }, u.name));
  const sel = $('staff-unit');
  const current = sel.value;
  clear(sel);
  sel.appendChild(h('option', { value: '' }, '无'));
  for (const u of units) sel.appendChild(h('option', { value: String(u.id) }, u.name));
  sel.value = current;
}

async function reloadStaff() {
  let staff;
  try {
    staff = await get('/api/staff');
  } catch {
    return;
  }
  const body = $('staff-list');
  clear(body);
  for (const s of staff) {
    body.appendChild(h('tr', { dataset: { username: s.username, role: s.role } },
      h('td', null, s.username),
      h('td', null, s.display_name || '—'),
      h('td', null, ROLE[s.role] || s.role),
      h('td', null, unitName(s.unit) || '—', s.title ? ` · ${s.title}` : '')));
  }
  for (const list of document.querySelectorAll('#event-form .check-list[data-role-filter]')) {
    const role = list.dataset.roleFilter;
    const name = role === 'official' ? 'guests' : 'moderators';
    const checked = new Set(Array.from(list.querySelectorAll('input:checked'), (i) => i.value));
    clear(list);
    const people = staff.filter((s) => s.role === role);
    if (!people.length) list.appendChild(h('p', { class: 'muted small' }, role === 'official' ? '暂无嘉宾账号' : '暂无审核员账号'));
    for (const s of people) {
      const unit = unitName(s.unit);
      list.appendChild(h('label', { class: 'check' },
        h('input', { type: 'checkbox', name, value: s.username, checked: checked.has(s.username) }),
        ` ${s.display_name || s.username}${role === 'official' && unit ? `（${unit}）` : ''}`));
    }
  }
}

// ---------- units ----------

$('unit-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const input = $('unit-name');
  const btn = $('unit-submit');
  const name = input.value.trim();
  msg($('unit-ok'), '');
  if (!name) {
    msg($('unit-error'), '请输入单位名称');
    return;
  }
  msg($('unit-error'), '');
  busy(btn, true);
  try {
    const u = await post('/api/units', { name });
    input.value = '';
    msg($('unit-ok'), `已添加：${u && u.name ? u.name : name}`);
    await reloadUnits();
  } catch (e) {
    msg($('unit-error'), e.status === 409 ? '该单位已存在' : e.message);
  } finally {
    busy(btn, false);
  }
});

// ---------- staff ----------

$('staff-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const btn = $('staff-submit');
  const body = {
    username: $('staff-username').value.trim(),
    password: $('staff-password').value,
    role: $('staff-role').value,
  };
  const unit = $('staff-unit').value;
  if (unit) body.unit = Number(unit);
  const dn = $('staff-display-name').value.trim();
  const title = $('staff-title').value.trim();
  if (dn) body.display_name = dn;
  if (title) body.title = title;
  msg($('staff-ok'), '');
  if (!body.username || !body.password) {
    msg($('staff-error'), '请填写用户名和初始密码');
    return;
  }
  if (body.role === 'official' && !body.unit) {
    msg($('staff-error'), '嘉宾账号必须选择所属单位');
    return;
  }
  msg($('staff-error'), '');
  busy(btn, true);
  try {
    await post('/api/staff', body);
    msg($('staff-ok'), `已创建账号：${body.username}`);
    $('staff-form').reset();
    await reloadStaff();
  } catch (e) {
    msg($('staff-error'), e.status === 409 ? '该用户名已存在' : e.message);
  } finally {
    busy(btn, false);
  }
});

// ---------- events ----------

const pad = (n) => String(n).padStart(2, '0');

// "2026-11-22T20:00" (datetime-local, browser time) -> "2026-11-22T20:00:00+08:00"
export function localToIso(value) {
  if (!value) return null;
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return null;
  const off = -d.getTimezoneOffset();
  const sign = off >= 0 ? '+' : '-';
  const abs = Math.abs(off);
  const base = value.length === 16 ? `${value}:00` : value.slice(0, 19);
  return `${base}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

function toLocalInput(d) {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

{
  const off = -new Date().getTimezoneOffset();
  const sign = off >= 0 ? '+' : '-';
  const abs = Math.abs(off);
  $('event-tz').textContent = `时间按本机时区（UTC${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}）填写。`;
}

$('event-starts').addEventListener('change', () => {
  const ends = $('event-ends');
  const start = new Date($('event-starts').value);
  if (!ends.value && !Number.isNaN(start.getTime())) {
    ends.value = toLocalInput(new Date(start.getTime() + 2 * 3600 * 1000));
  }
});

$('event-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const btn = $('event-submit');
  const err = $('event-error');
  const form = ev.currentTarget;
  const body = {
    slug: $('event-slug').value.trim(),
    title: $('event-title').value.trim(),
    description: $('event-description').value.trim(),
    starts_at: localToIso($('event-starts').value),
    ends_at: localToIso($('event-ends').value),
    guests: Array.from(form.querySelectorAll('input[name="guests"]:checked'), (i) => i.value),
    moderators: Array.from(form.querySelectorAll('input[name="moderators"]:checked'), (i) => i.value),
  };
  if (!body.title) return msg(err, '请填写标题');
  if (!/^[a-z0-9][a-z0-9-]{1,62}$/.test(body.slug)) return msg(err, '网址标识须为 2–63 个小写字母、数字或连字符');
  if (!body.starts_at || !body.ends_at) return msg(err, '请填写开始和结束时间');
  if (new Date(body.ends_at) <= new Date(body.starts_at)) return msg(err, '结束时间必须晚于开始时间');
  msg(err, '');
  busy(btn, true);
  try {
    await post('/api/events', body);
    window.location.reload();
  } catch (e) {
    msg(err, e.status === 409 ? '该网址标识已被使用' : e.message);
    busy(btn, false);
  }
  return undefined;
});
