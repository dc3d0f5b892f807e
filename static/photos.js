// Photos on messages. For askers: a picker (<div data-photo-picker>) that uploads each chosen file
// at once (POST /api/photos, the file as the body; the server checks, re-encodes and strips it) and
// keeps the tokens the message then carries; the server's refusal is shown as it says it. For
// moderators: hide (with a reason), show again, approve, and blur a rectangle dragged on the image
// (POST /api/photos/{token}/{action}), wherever a [data-photo-token] figure with data-photo-tools is.
import { api, csrfToken, errorText } from './api.js';
import { h, setChildren } from './dom.js';

export const MAX_PHOTOS = 6;

function tokenOf(url) {
  return url.split('/').pop().replace(/\.jpg.*$/, '');
}

// ---- the asker's picker ------------------------------------------------------------------------

async function uploadOne(file) {
  let res;
  try {
    res = await fetch('/api/photos', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': file.type || 'application/octet-stream', 'X-CSRF-Token': csrfToken() },
      body: file,
    });
  } catch {
    throw new Error('网络错误，照片未能上传');
  }
  const data = await res.json().catch(() => null);
  if (!res.ok) throw new Error(errorText(res.status, data && data.error));
  return data;
}

function bindPicker(box) {
  const input = box.querySelector('input[type="file"]');
  const list = box.querySelector('.photo-picked');
  const status = box.querySelector('.photo-status');
  box.photoTokens = [];
  box.photoBusy = 0;
  const say = (text) => {
    status.textContent = text;
    status.hidden = !text;
  };
  const count = () => list.querySelectorAll('li[data-token]').length;
  input.addEventListener('change', async () => {
    const files = Array.from(input.files || []);
    input.value = '';
    say('');
    const room = MAX_PHOTOS - count() - box.photoBusy;
    if (files.length > room) say(`每条留言最多 ${MAX_PHOTOS} 张照片，多出的未上传`);
    for (const file of files.slice(0, Math.max(0, room))) {
      const note = h('span', { class: 'photo-note' }, '上传中…');
      const item = h('li', { class: 'photo-item' }, h('span', { class: 'photo-name' }, file.name || '照片'), note);
      list.append(item);
      box.photoBusy += 1;
      try {
        const kept = await uploadOne(file);
        item.dataset.token = kept.photo;
        note.textContent = `已上传（${kept.width}×${kept.height}，已去除拍摄信息）`;
        item.append(h('button', {
          type: 'button', class: 'btn btn-xs', 'aria-label': `移除照片 ${file.name || ''}`,
          onclick: () => item.remove(),
        }, '移除'));
      } catch (err) {
        item.classList.add('photo-refused');
        note.textContent = err.message;
        note.setAttribute('role', 'alert');
        item.append(h('button', { type: 'button', class: 'btn btn-xs', onclick: () => item.remove() }, '知道了'));
      } finally {
        box.photoBusy -= 1;
      }
    }
  });
}

// The tokens the picker inside ``form`` holds (null while an upload is still running).
export function pickedPhotos(form) {
  const box = form.querySelector('[data-photo-picker]');
  if (!box) return [];
  if (box.photoBusy) return null;
  return Array.from(box.querySelectorAll('.photo-picked li[data-token]'), (li) => li.dataset.token);
}

// Empty the picker after its message was sent.
export function clearPicker(form) {
  const box = form.querySelector('[data-photo-picker]');
  if (box) setChildren(box.querySelector('.photo-picked'));
}

for (const box of document.querySelectorAll('[data-photo-picker]')) bindPicker(box);

// ---- what everyone sees ------------------------------------------------------------------------

// The photos of a public question or case: a strip of thumbnails, each opening the full image.
export function photoStrip(photos) {
  if (!photos || !photos.length) return null;
  return h('ul', { class: 'photo-strip', 'aria-label': '留言照片' }, photos.map((p, i) => h('li', null,
    h('a', { href: p.url, target: '_blank', rel: 'noopener' },
      h('img', { src: p.url, alt: `网友上传的照片 ${i + 1}`, width: p.width, height: p.height, loading: 'lazy' })))));
}

// ---- moderators' tools -------------------------------------------------------------------------

const STATE_TEXT = { visible: '随留言公开', pending: '待审核', hidden: '已隐藏' };

function selection(frame, img, onPick) {
  let start = null;
  const box = h('div', { class: 'photo-select', hidden: true });
  frame.append(box);
  const at = (ev) => {
    const r = img.getBoundingClientRect();
    return [Math.min(Math.max(ev.clientX - r.left, 0), r.width), Math.min(Math.max(ev.clientY - r.top, 0), r.height)];
  };
  const draw = (a, b) => {
    box.style.left = `${Math.min(a[0], b[0])}px`;
    box.style.top = `${Math.min(a[1], b[1])}px`;
    box.style.width = `${Math.abs(a[0] - b[0])}px`;
    box.style.height = `${Math.abs(a[1] - b[1])}px`;
    box.hidden = false;
  };
  img.addEventListener('pointerdown', (ev) => {
    ev.preventDefault();
    start = at(ev);
    img.setPointerCapture(ev.pointerId);
  });
  img.addEventListener('pointermove', (ev) => { if (start) draw(start, at(ev)); });
  img.addEventListener('pointerup', (ev) => {
    if (!start) return;
    const end = at(ev);
    draw(start, end);
    const scale = img.naturalWidth / img.getBoundingClientRect().width;
    const x = Math.round(Math.min(start[0], end[0]) * scale);
    const y = Math.round(Math.min(start[1], end[1]) * scale);
    const width = Math.min(img.naturalWidth - x, Math.round(Math.abs(end[0] - start[0]) * scale));
    const height = Math.min(img.naturalHeight - y, Math.round(Math.abs(end[1] - start[1]) * scale));
    start = null;
    onPick(width >= 4 && height >= 4 ? { x, y, width, height } : null);
  });
  return box;
}

// One photo with its state and the buttons a moderator has for it.
export function moderatedPhoto(photo, onChanged) {
  const token = tokenOf(photo.url);
  const img = h('img', { src: photo.url, alt: `待审照片（${STATE_TEXT[photo.state] || photo.state}）`, draggable: 'false' });
  const frame = h('div', { class: 'photo-frame' }, img);
  const state = h('span', { class: `photo-state photo-state-${photo.state}` }, STATE_TEXT[photo.state] || photo.state);
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const tools = h('div', { class: 'photo-tools' });
  const figure = h('figure', { class: 'photo-moderated', dataset: { photoToken: token } }, frame,
    h('figcaption', null, state, tools, error));
  let region = null;
  const act = async (action, body) => {
    error.hidden = true;
    try {
      const changed = await api('POST', `/api/photos/${token}/${action}`, body || {});
      if (action === 'blur') img.src = `${photo.url}?v=${Date.now()}`;
      if (onChanged) onChanged(changed);
      else { photo.state = changed.state; render(); }
    } catch (err) {
      error.textContent = err.message;
      error.hidden = false;
    }
  };
  const blurButton = h('button', { type: 'button', class: 'btn btn-xs', disabled: true,
    onclick: () => region && act('blur', region) }, '模糊所选区域');
  const picked = selection(frame, img, (r) => {
    region = r;
    blurButton.disabled = !r;
  });
  const render = () => {
    state.textContent = STATE_TEXT[photo.state] || photo.state;
    state.className = `photo-state photo-state-${photo.state}`;
    const reason = h('input', { type: 'text', maxlength: 200, placeholder: '隐藏理由（记入审核日志）',
      'aria-label': '隐藏理由' });
    const buttons = [];
    if (photo.state === 'pending') buttons.push(h('button', { type: 'button', class: 'btn btn-xs primary', onclick: () => act('approve') }, '通过照片'));
    if (photo.state !== 'hidden') {
      buttons.push(reason, h('button', { type: 'button', class: 'btn btn-xs danger', onclick: () => {
        if (!reason.value.trim()) { error.textContent = '请填写隐藏理由'; error.hidden = false; reason.focus(); return; }
        act('hide', { reason: reason.value.trim() });
      } }, '隐藏照片'));
    } else buttons.push(h('button', { type: 'button', class: 'btn btn-xs', onclick: () => act('show') }, '恢复显示'));
    buttons.push(blurButton, h('span', { class: 'hint' }, '在照片上拖出矩形以模糊人脸、车牌'));
    setChildren(tools, buttons);
    picked.hidden = true;
  };
  render();
  return figure;
}

// Every element with data-photo-tools holds a JSON list of photos ({url, width, height, state}).
export function bindModeratedPhotos(root = document) {
  for (const box of root.querySelectorAll('[data-photo-tools]')) {
    let photos = [];
    try {
      photos = JSON.parse(box.dataset.photoTools);
    } catch {
      photos = [];
    }
    setChildren(box, photos.map((p) => moderatedPhoto(p)));
    delete box.dataset.photoTools;
  }
}
