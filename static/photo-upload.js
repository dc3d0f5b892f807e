// The admin's guest photo upload (PUT /api/staff/{username}/photo with the file as the body): the
// server checks and re-encodes it; its refusal (type, size, pixels) is shown as it says it.
import { csrfToken, errorText } from './api.js';

const form = document.getElementById('photo-form');
const file = document.getElementById('photo-file');
const guest = document.getElementById('photo-guest');
const error = document.getElementById('photo-error');
const ok = document.getElementById('photo-ok');
const preview = document.getElementById('photo-preview');
const submit = document.getElementById('photo-submit');

function say(node, text) {
  error.hidden = true;
  ok.hidden = true;
  node.textContent = text;
  node.hidden = false;
}

form.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const chosen = file.files && file.files[0];
  if (!guest.value) { say(error, '请先创建嘉宾账号'); return; }
  if (!chosen) { say(error, '请选择要上传的照片'); return; }
  submit.disabled = true;
  try {
    const res = await fetch(`/api/staff/${encodeURIComponent(guest.value)}/photo`, {
      method: 'PUT',
      credentials: 'same-origin',
      headers: { 'Content-Type': chosen.type || 'application/octet-stream', 'X-CSRF-Token': csrfToken() },
      body: chosen,
    });
    const data = await res.json().catch(() => null);
    if (!res.ok) {
      say(error, errorText(res.status, data && data.error));
      return;
    }
    preview.src = data.photo;
    preview.hidden = false;
    file.value = '';
    say(ok, '照片已上传，嘉宾卡片上即可看到');
  } catch {
    say(error, '网络错误，请检查网络连接后重试');
  } finally {
    submit.disabled = false;
  }
});
