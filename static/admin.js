// Admin forms on the studio home page: units, staff accounts (create, reset
// a password, deactivate / reactivate), events (create, edit).
import { h, clear, show, ROLE, unitName } from './dom.js';
import { post, get, patch } from './api.js';

const $ = (id) => document.getElementById(id);

function parseJson(text, fallback) {
  try {
    const v = JSON.parse(text || '');
    return v === null || v === undefined ? fallback : v;
  } catch {
    return fallback;
  }
}

const adminRoot = $('admin');
const me = adminRoot.dataset.me || '';
// every account, deactivated ones too ({username, role, unit, display_name, title, active})
let staffList = parseJson(adminRoot.dataset.staff, []);
const isActive = (s) => s.active !== false;
const MIN_PASSWORD = 8;

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

// One row of the staff table; the same markup as templates/studio/home.html.
function staffRow(s) {
  const active = isActive(s);
  const btn = (action, label, cls) => h('button', { type: 'button', class: ['btn btn-xs', cls], dataset: { staffAction: action } }, label);
  return h('tr', { class: active ? null : 'is-inactive', dataset: { username: s.username, role: s.role, active: String(active) } },
    h('td', null, s.username, active ? null : [' ', h('span', { class: 'badge badge-inactive' }, '已停用')]),
    h('td', null, s.display_name || '—'),
    h('td', { class: 'nowrap' }, ROLE[s.role] || s.role),
    h('td', null, unitName(s.unit) || '—', s.title ? ` · ${s.title}` : ''),
    h('td', { class: 'staff-actions' }, h('div', { class: 'btn-row-tight' },
      btn('reset', '重置密码'),
      s.username === me ? null : (active ? btn('deactivate', '停用', 'danger-outline') : btn('activate', '启用')))));
}

function personLabel(s, withUnit) {
  const unit = withUnit ? unitName(s.unit) : '';
  return `${s.display_name || s.username}${unit ? `（${unit}）` : ''}`;
}

// The create form's guest and moderator boxes: active accounts only.
function renderCheckLists() {
  for (const list of document.querySelectorAll('#event-form .check-list[data-role-filter]')) {
    const role = list.dataset.roleFilter;
    const name = role === 'official' ? 'guests' : 'moderators';
    const checked = new Set(Array.from(list.querySelectorAll('input:checked'), (i) => i.value));
    clear(list);
    const people = staffList.filter((s) => s.role === role && isActive(s));
    if (!people.length) list.appendChild(h('p', { class: 'muted small' }, role === 'official' ? '暂无嘉宾账号' : '暂无审核员账号'));
    for (const s of people) {
      list.appendChild(h('label', { class: 'check' },
        h('input', { type: 'checkbox', name, value: s.username, checked: checked.has(s.username) }),
        ` ${personLabel(s, role === 'official')}`));
    }
  }
}

async function reloadStaff() {
  let staff;
  try {
    staff = await get('/api/staff?all=1');
  } catch {
    return;
  }
  if (!Array.isArray(staff)) return;
  staffList = staff;
  const body = $('staff-list');
  clear(body);
  for (const s of staff) body.appendChild(staffRow(s));
  renderCheckLists();
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

function tzHint() {
  const off = -new Date().getTimezoneOffset();
  const sign = off >= 0 ? '+' : '-';
  const abs = Math.abs(off);
  return `时间按本机时区（UTC${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}）填写。`;
}

$('event-tz').textContent = tzHint();

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
    collecting: $('event-collecting').checked,
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

// ---------- staff accounts: reset a password, deactivate / reactivate ----------

// A line under a row's buttons: an error (.form-error) or a confirmation (.form-ok).
function rowNote(cell, text, ok) {
  for (const old of cell.querySelectorAll('.row-note')) old.remove();
  if (text) cell.appendChild(h('p', { class: ['row-note', ok ? 'form-ok' : 'form-error'], role: ok ? 'status' : 'alert' }, text));
}

function closeReset(cell) {
  const form = cell.querySelector('.reset-form');
  if (form) form.remove();
  const btn = cell.querySelector('[data-staff-action="reset"]');
  if (btn) btn.setAttribute('aria-expanded', 'false');
}

function openReset(row, cell, btn) {
  let form = cell.querySelector('.reset-form');
  if (!form) {
    const username = row.dataset.username;
    const input = h('input', {
      type: 'password', name: 'new_password', minlength: MIN_PASSWORD, required: true, autocomplete: 'new-password',
      placeholder: `新密码（至少 ${MIN_PASSWORD} 位）`, 'aria-label': `${username} 的新密码`,
    });
    const ok = h('button', { type: 'submit', class: 'btn btn-xs primary', dataset: { confirm: 'reset' } }, '确定');
    form = h('form', { class: 'reset-form', novalidate: true },
      input,
      h('div', { class: 'btn-row-tight' },
        ok,
        h('button', { type: 'button', class: 'btn btn-xs', dataset: { cancel: 'reset' } }, '取消')),
      h('p', { class: 'hint' }, username === me ? '重置后需用新密码重新登录。' : '重置后该账号的登录立即失效。'));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const password = input.value;
      if (Array.from(password).length < MIN_PASSWORD) {
        rowNote(cell, `密码至少 ${MIN_PASSWORD} 位`);
        input.focus();
        return;
      }
      rowNote(cell, '');
      busy(ok, true, '…');
      try {
        await patch(`/api/staff/${encodeURIComponent(username)}`, { password });
      } catch (e) {
        rowNote(cell, e.message);
        busy(ok, false);
        return;
      }
      if (username === me) {
        // a new password ends the admin's own session too
        window.location.assign('/studio/login');
        return;
      }
      closeReset(cell);
      rowNote(cell, '密码已重置', true);
      btn.focus();
    });
    cell.appendChild(form);
  }
  btn.setAttribute('aria-expanded', 'true');
  rowNote(cell, '');
  form.querySelector('[name="new_password"]').focus();
}

async function setActive(row, cell, btn, active) {
  const username = row.dataset.username;
  rowNote(cell, '');
  busy(btn, true, '…');
  let account;
  try {
    account = await patch(`/api/staff/${encodeURIComponent(username)}`, { active });
  } catch (e) {
    rowNote(cell, e.message);
    busy(btn, false);
    return;
  }
  const known = staffList.find((s) => s.username === username);
  const next = { ...(known || {}), ...account, active: account && typeof account.active === 'boolean' ? account.active : active };
  staffList = known ? staffList.map((s) => (s === known ? next : s)) : [...staffList, next];
  const fresh = staffRow(next);
  row.replaceWith(fresh);
  const freshCell = fresh.querySelector('.staff-actions');
  rowNote(freshCell, active ? '已启用' : '已停用，该账号已退出登录', true);
  const focus = freshCell.querySelector('[data-staff-action="activate"], [data-staff-action="deactivate"]');
  if (focus) focus.focus();
  renderCheckLists();
}

$('staff-list').addEventListener('click', (ev) => {
  const btn = ev.target.closest('[data-staff-action], [data-cancel="reset"]');
  if (!btn) return;
  const row = btn.closest('tr[data-username]');
  const cell = btn.closest('.staff-actions');
  if (!row || !cell) return;
  if (btn.dataset.cancel === 'reset') {
    closeReset(cell);
    rowNote(cell, '');
    const reset = cell.querySelector('[data-staff-action="reset"]');
    if (reset) reset.focus();
    return;
  }
  const action = btn.dataset.staffAction;
  if (action === 'reset') openReset(row, cell, btn);
  else if (action === 'deactivate') setActive(row, cell, btn, false);
  else if (action === 'activate') setActive(row, cell, btn, true);
});

// ---------- editing an event (title, description, times, guests, moderators) ----------

function checkedValues(form, name) {
  return Array.from(form.querySelectorAll(`input[name="${name}"]:checked:not(:disabled)`), (i) => i.value);
}

const sameSet = (a, b) => a.length === b.length && a.every((x) => b.includes(x));

// The guests or moderators of the form. `current`: the usernames on the
// event, or null when the page does not know them (then the list is sent
// only when the admin touches it).
function peopleField(role, name, legend, current) {
  const active = staffList.filter((s) => s.role === role && isActive(s));
  const activeNames = new Set(active.map((s) => s.username));
  // accounts on the event that have since been deactivated: shown, not selectable
  const gone = (current || []).filter((u) => !activeNames.has(u))
    .map((u) => staffList.find((s) => s.username === u) || { username: u, role });
  const withUnit = role === 'official';
  return h('fieldset', { class: 'field check-group', dataset: { people: name } },
    h('legend', { class: 'field-label' }, legend),
    h('div', { class: 'check-list' },
      active.map((s) => h('label', { class: 'check' },
        h('input', { type: 'checkbox', name, value: s.username, checked: !!current && current.includes(s.username) }),
        ` ${personLabel(s, withUnit)}`)),
      gone.map((s) => h('label', { class: 'check is-inactive', title: '账号已停用：保存名单修改时将移出本场' },
        h('input', { type: 'checkbox', name, value: s.username, checked: true, disabled: true }),
        ` ${personLabel(s, withUnit)}（已停用）`)),
      active.length || gone.length ? null : h('p', { class: 'muted small' }, withUnit ? '暂无嘉宾账号' : '暂无审核员账号')),
    current === null ? h('p', { class: 'hint' }, '未能读取本场现有名单：不勾选则保持不变，勾选后以所选为准。') : null);
}

function editForm(card) {
  const d = card.dataset;
  const slug = d.slug;
  const fid = (n) => `edit-${slug}-${n}`;
  const guests = parseJson(d.guests, []);
  const moderators = d.moderators === undefined ? null : parseJson(d.moderators, []);
  const start = new Date(d.startsAt);
  const end = new Date(d.endsAt);
  const initial = {
    title: d.title || '',
    description: d.description || '',
    video_url: d.videoUrl || '',
    agenda: d.agenda || '',
    collecting: d.collecting !== 'false',
    starts_at: Number.isNaN(start.getTime()) ? '' : toLocalInput(start),
    ends_at: Number.isNaN(end.getTime()) ? '' : toLocalInput(end),
    guests: guests.filter((u) => staffList.some((s) => s.username === u && isActive(s))),
    moderators: moderators && moderators.filter((u) => staffList.some((s) => s.username === u && isActive(s))),
  };
  const field = (name, label, control, wide) => h('div', { class: ['field', wide && 'field-wide'] },
    h('label', { class: 'field-label', for: fid(name) }, label), control);
  const err = h('p', { class: 'form-error field-wide', role: 'alert', hidden: true });
  const save = h('button', { type: 'submit', class: 'btn primary', dataset: { confirm: 'edit' } }, '保存');
  const form = h('form', { class: 'event-edit-form grid-form', novalidate: true, dataset: { slug }, 'aria-label': `编辑访谈：${initial.title}` },
    h('h4', { class: 'sub-title' }, '编辑访谈'),
    field('title', '标题', h('input', { id: fid('title'), name: 'title', type: 'text', required: true, maxlength: 100, value: initial.title }), true),
    field('starts_at', '开始时间', h('input', { id: fid('starts_at'), name: 'starts_at', type: 'datetime-local', required: true, value: initial.starts_at })),
    field('ends_at', '结束时间', h('input', { id: fid('ends_at'), name: 'ends_at', type: 'datetime-local', required: true, value: initial.ends_at })),
    h('p', { class: 'hint field-wide' }, tzHint()),
    field('description', '简介', h('textarea', { id: fid('description'), name: 'description', rows: 3, maxlength: 5000, value: initial.description }), true),
    field('video_url', '直播视频地址（可选：HLS .m3u8、视频文件或合作方播放页）', h('input', { id: fid('video_url'), name: 'video_url', type: 'url', maxlength: 500, value: initial.video_url }), true),
    field('agenda', '议程（每行一项，如“20:00 开场”）', h('textarea', { id: fid('agenda'), name: 'agenda', rows: 3, maxlength: 2000, value: initial.agenda }), true),
    d.status === 'scheduled' ? h('div', { class: 'field field-wide' }, h('label', { class: 'check' },
      h('input', { id: fid('collecting'), name: 'collecting', type: 'checkbox', checked: initial.collecting }),
      ' 开播前征集网友提问（选题征集）')) : null,
    peopleField('official', 'guests', '嘉宾（领导）', guests),
    peopleField('moderator', 'moderators', '审核员', moderators),
    err,
    h('div', { class: 'btn-row field-wide' },
      save,
      h('button', { type: 'button', class: 'btn', dataset: { cancel: 'edit' } }, '取消')));

  let moderatorsTouched = false;
  form.querySelector('[data-people="moderators"]').addEventListener('change', () => {
    moderatorsTouched = true;
  });

  const value = (name) => form.querySelector(`[name="${name}"]`).value;
  const fail = (text, name) => {
    msg(err, text);
    const target = name && /^[a-z_]+$/.test(name) ? form.querySelector(`[name="${name}"]:not(:disabled)`) : null;
    if (target) target.focus();
  };

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const title = value('title').trim();
    const description = value('description').trim();
    const startsAt = localToIso(value('starts_at'));
    const endsAt = localToIso(value('ends_at'));
    if (!title) return fail('请填写标题', 'title');
    if (!startsAt || !endsAt) return fail('请填写开始和结束时间', startsAt ? 'ends_at' : 'starts_at');
    if (new Date(endsAt) <= new Date(startsAt)) return fail('结束时间必须晚于开始时间', 'ends_at');
    // send only what changed: an untouched time keeps its seconds, an
    // untouched list its order
    const body = {};
    if (title !== initial.title) body.title = title;
    if (description !== initial.description.trim()) body.description = description;
    if (value('video_url').trim() !== initial.video_url) body.video_url = value('video_url').trim();
    if (value('agenda').trim() !== initial.agenda.trim()) body.agenda = value('agenda').trim();
    const collecting = form.querySelector('[name="collecting"]');
    if (collecting && collecting.checked !== initial.collecting) body.collecting = collecting.checked;
    if (value('starts_at') !== initial.starts_at) body.starts_at = startsAt;
    if (value('ends_at') !== initial.ends_at) body.ends_at = endsAt;
    const g = checkedValues(form, 'guests');
    if (!sameSet(g, initial.guests)) body.guests = g;
    const m = checkedValues(form, 'moderators');
    if (initial.moderators === null ? moderatorsTouched : !sameSet(m, initial.moderators)) body.moderators = m;
    msg(err, '');
    if (!Object.keys(body).length) {
      closeEdit(card);
      return undefined;
    }
    busy(save, true, '保存中…');
    try {
      await patch(`/api/events/${encodeURIComponent(slug)}`, body);
      window.location.reload();
    } catch (e) {
      fail(e.message, e.error && e.error.field);
      busy(save, false);
    }
    return undefined;
  });
  return form;
}

function closeEdit(card) {
  const form = card.querySelector('.event-edit-form');
  if (form) form.remove();
  card.classList.remove('is-editing');
  const btn = card.querySelector('[data-event-action="edit"]');
  if (btn) {
    btn.setAttribute('aria-expanded', 'false');
    btn.focus();
  }
}

document.addEventListener('click', (ev) => {
  const edit = ev.target.closest('.studio-event [data-event-action="edit"]');
  if (edit) {
    const card = edit.closest('.studio-event');
    let form = card.querySelector('.event-edit-form');
    if (!form) {
      form = editForm(card);
      card.appendChild(form);
      card.classList.add('is-editing'); // the whole row on wide screens
    }
    edit.setAttribute('aria-expanded', 'true');
    form.querySelector('[name="title"]').focus();
    return;
  }
  const cancel = ev.target.closest('.event-edit-form [data-cancel="edit"]');
  if (cancel) closeEdit(cancel.closest('.studio-event'));
});
