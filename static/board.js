// Board forms without page-specific code: every <form data-api="/api/..."> posts
// its fields as JSON (with data-method, another method than POST; the CSRF
// header is added on staff pages) and, on success,
// reloads the page or, with data-after="receipt", shows the submission receipt.
import { api } from './api.js';

function newKey() {
  if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function fields(form) {
  const body = {};
  for (const el of form.elements) {
    if (!el.name || el.disabled) continue;
    if (el.type === 'checkbox') body[el.name] = el.checked;
    else if (el.type === 'radio') {
      if (el.checked) body[el.name] = el.value;
    } else if (el.dataset.type === 'int') {
      if (el.value !== '') body[el.name] = Number(el.value);
      else if ('nullEmpty' in el.dataset) body[el.name] = null;
    } else if (el.value !== '') body[el.name] = el.value;
  }
  return body;
}

function message(form, cls, text) {
  let box = form.querySelector(`.${cls}`);
  if (!box) {
    box = document.createElement('p');
    box.className = cls;
    box.setAttribute('role', cls === 'form-error' ? 'alert' : 'status');
    form.append(box);
  }
  box.textContent = text;
  box.hidden = !text;
}

function showReceipt(form, answer) {
  const box = document.getElementById(form.dataset.receipt || 'receipt');
  if (!box) return;
  box.querySelector('[data-field="rating_code"]').textContent = answer.rating_code;
  const link = box.querySelector('[data-field="tracking_link"]');
  link.href = `/board/track/${encodeURIComponent(answer.tracking_code)}`;
  link.textContent = `${location.origin}/board/track/${answer.tracking_code}`;
  box.hidden = false;
  form.hidden = true;
}

for (const input of document.querySelectorAll('input[data-client-key]')) input.value = newKey();

document.addEventListener('submit', async (ev) => {
  const form = ev.target;
  if (!(form instanceof HTMLFormElement) || !form.dataset.api) return;
  ev.preventDefault();
  const button = form.querySelector('[type="submit"]');
  if (button) button.disabled = true;
  message(form, 'form-error', '');
  try {
    const answer = await api(form.dataset.method || 'POST', form.dataset.api, fields(form));
    if (form.dataset.after === 'receipt') showReceipt(form, answer);
    else location.reload();
  } catch (err) {
    message(form, 'form-error', err.message || '提交失败');
    if (button) button.disabled = false;
  }
});
