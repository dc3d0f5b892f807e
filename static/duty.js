// The admin's duty roster (轮值): choose a day, see who is on duty then, tick the units and save
// (PUT /api/board/duty/{day}).
import { api, get } from './api.js';

const form = document.getElementById('duty-form');
const day = document.getElementById('duty-day');
const error = document.getElementById('duty-error');
const ok = document.getElementById('duty-ok');
const submit = document.getElementById('duty-submit');
const boxes = () => [...form.querySelectorAll('input[name="duty-unit"]')];

function say(node, text) {
  error.hidden = true;
  ok.hidden = true;
  node.textContent = text;
  node.hidden = false;
}

async function load() {
  if (!day.value) return;
  try {
    const [today] = await get(`/api/board/duty?from=${encodeURIComponent(day.value)}`);
    const on = new Set(today.units.map((u) => String(u.id)));
    for (const box of boxes()) box.checked = on.has(box.value);
  } catch (e) {
    say(error, e.message);
  }
}

day.addEventListener('change', load);
form.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  if (!day.value) { say(error, '请选择日期'); return; }
  submit.disabled = true;
  try {
    const units = boxes().filter((b) => b.checked).map((b) => Number(b.value));
    const saved = await api('PUT', `/api/board/duty/${encodeURIComponent(day.value)}`, { units });
    say(ok, saved.units.length ? `${saved.day} 轮值：${saved.units.map((u) => u.name).join('、')}` : `${saved.day} 无轮值单位`);
  } catch (e) {
    say(error, e.message);
  } finally {
    submit.disabled = false;
  }
});
