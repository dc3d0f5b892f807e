// Board forms without page-specific code: every <form data-api="/api/..."> posts
// its fields as JSON (with data-method, another method than POST; the CSRF
// header is added on staff pages), with the photos its picker uploaded (photos.js) as
// ``photos``, and, on success,
// reloads the page or, with data-after="receipt", shows the submission receipt.
// Photos waiting for a moderator get the moderators' tools (hide, show, approve, blur).
// On the board console, the submissions waiting for review get the live desk's
// screening presentation (desk/flags.js): flagged spans highlighted, the flags'
// Chinese names, one button that applies the suggested redactions to the public
// text, and a second click needed to approve personal data as it is.
import { api } from './api.js';
import { h } from './dom.js';
import { flagList, originalText, redactable, redacted } from './desk/flags.js';
import { bindModeratedPhotos, pickedPhotos } from './photos.js';

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
  const contact = box.querySelector('[data-field="contact"]');
  if (contact) {
    contact.textContent = answer.contact || '';
    contact.parentElement.hidden = !answer.contact;
  }
  box.hidden = false;
  form.hidden = true;
}

for (const input of document.querySelectorAll('input[data-client-key]')) input.value = newKey();

function submissionOf(node) {
  const li = node.closest('[data-submission]');
  if (!li) return null;
  try {
    return JSON.parse(li.dataset.submission);
  } catch {
    return null;
  }
}

function showScreening(li) {
  const sub = submissionOf(li);
  if (!sub) return;
  const plain = li.querySelector('[data-part="original"]');
  const text = originalText(sub);
  text.dataset.part = 'original';
  if (plain) plain.replaceWith(text);
  const oldList = li.querySelector('[data-part="flags"]');
  if (oldList) oldList.remove();
  const list = flagList(sub);
  if (list) {
    list.dataset.part = 'flags';
    text.after(list);
  }
  const area = li.querySelector('form[data-form="approve"] textarea[name="text"]');
  if (area && redactable(sub).length) {
    area.after(h('button', { type: 'button', class: 'btn btn-xs', dataset: { applySuggestions: '1' } }, '按提示隐去敏感信息'));
  }
}

for (const li of document.querySelectorAll('[data-submission]')) showScreening(li);
bindModeratedPhotos();

document.addEventListener('click', (ev) => {
  const button = ev.target instanceof Element ? ev.target.closest('[data-apply-suggestions]') : null;
  if (!button) return;
  const sub = submissionOf(button);
  const form = button.closest('form');
  if (!sub || !form) return;
  form.querySelector('textarea[name="text"]').value = redacted(sub);
  message(form, 'form-error', '');
  const approve = form.querySelector('[type="submit"]');
  if (approve) approve.focus();
});

// Personal data still in the public text: the first 通过 warns, a second one (same text) publishes.
function confirmedPublic(form) {
  if (form.dataset.form !== 'approve') return true;
  const sub = submissionOf(form);
  const area = form.querySelector('textarea[name="text"]');
  if (!sub || !area) return true;
  const left = redactable(sub).filter((f) => area.value.includes(f.text));
  if (!left.length || form.dataset.confirmed === area.value) return true;
  form.dataset.confirmed = area.value;
  message(form, 'form-error', '公开文本仍含个人信息：点“按提示隐去敏感信息”，或再点“通过”原样公开');
  return false;
}

document.addEventListener('submit', async (ev) => {
  const form = ev.target;
  if (!(form instanceof HTMLFormElement) || !form.dataset.api) return;
  ev.preventDefault();
  if (!confirmedPublic(form)) return;
  const photos = pickedPhotos(form);
  if (photos === null) {
    message(form, 'form-error', '照片仍在上传，请稍候再提交');
    return;
  }
  const body = fields(form);
  if (photos.length) body.photos = photos;
  const button = form.querySelector('[type="submit"]');
  if (button) button.disabled = true;
  message(form, 'form-error', '');
  try {
    const answer = await api(form.dataset.method || 'POST', form.dataset.api, body);
    if (form.dataset.after === 'receipt') showReceipt(form, answer);
    else location.reload();
  } catch (err) {
    message(form, 'form-error', err.message || '提交失败');
    if (button) button.disabled = false;
  }
});
