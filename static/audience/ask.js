// Asking: the form, the pending ask kept until ask.ok (resent after a reconnect, HTTP fallback),
// errors, the cool-down after too_fast, and the nickname: cleared after each question unless the
// asker ticks 记住昵称 (only then kept in this browser), with a line saying how the question is signed.
import { renderMine } from './mine.js';
import { renderStatus } from './render.js';
import { MAX_TEXT, MY_KEY, NICK_KEY, PENDING_KEY, el, root, slug, state, view } from './state.js';
import { post } from '../api.js';
import { clearPicker, pickedPhotos } from '../photos.js';
import { excerpt, scrollMotion, show, store } from '../dom.js';
import { limits } from '../labels.js';

let pending = store.get(PENDING_KEY, null);
let cooldownUntil = 0;
let cooldownTimer = null;
let fallbackTimer = null;
let resendTimer = null;

export function textLength(s) {
  return Array.from(s).length;
}

export function updateCounter() {
  const n = textLength(el.askText.value);
  el.askCount.textContent = `${n}/${MAX_TEXT}`;
  el.askCount.classList.toggle('is-over', n > MAX_TEXT);
}

export function updateSubmit() {
  const accepting = (state.status === 'scheduled' || state.status === 'live')
    && !(state.event && state.event.accepting_questions === false);
  const cooling = Date.now() < cooldownUntil;
  el.askSubmit.disabled = !accepting || !!pending || cooling;
  if (pending) el.askSubmit.textContent = '正在提交…';
  else if (cooling) el.askSubmit.textContent = `请 ${Math.ceil((cooldownUntil - Date.now()) / 1000)} 秒后再试`;
  else el.askSubmit.textContent = '提交问题';
}

// "将以「张三」署名" / "将匿名提问": what the next question will carry, as the asker types.
export function updateSign() {
  const nickname = el.askNick.value.trim();
  el.askSign.textContent = nickname ? `将以「${nickname}」署名` : '将匿名提问（显示为“网友”）';
}

// After a question is in: the nickname stays (and is kept in this browser) only when 记住昵称 is ticked.
export function afterAsked() {
  const nickname = el.askNick.value.trim();
  if (el.askRemember.checked && nickname) store.set(NICK_KEY, nickname);
  else {
    if (!el.askRemember.checked) el.askNick.value = '';
    store.remove(NICK_KEY);
  }
  updateSign();
}

function bindNickname() {
  const saved = store.get(NICK_KEY, null);
  if (typeof saved === 'string' && saved) {
    el.askNick.value = saved;
    el.askRemember.checked = true;
  }
  const keep = () => {
    const nickname = el.askNick.value.trim();
    if (el.askRemember.checked && nickname) store.set(NICK_KEY, nickname);
    else store.remove(NICK_KEY);
  };
  el.askNick.addEventListener('input', () => {
    updateSign();
    if (el.askRemember.checked) keep();
  });
  el.askRemember.addEventListener('change', keep);
  updateSign();
}

export function askError(msg) {
  el.askError.textContent = msg || '';
  show(el.askError, !!msg);
}

export function askFrame(p) {
  const frame = { type: 'ask', text: p.text, client_key: p.client_key };
  if (p.unit !== null && p.unit !== undefined) frame.unit = p.unit;
  if (p.nickname) frame.nickname = p.nickname;
  if (p.contact) frame.contact = p.contact;
  if (p.photos && p.photos.length) frame.photos = p.photos;
  return frame;
}

export function newKey() {
  if (window.crypto && typeof window.crypto.randomUUID === 'function') return window.crypto.randomUUID();
  // older browsers: RFC 4122 v4 from getRandomValues
  const b = new Uint8Array(16);
  window.crypto.getRandomValues(b);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const x = Array.from(b, (v) => v.toString(16).padStart(2, '0')).join('');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

export function sendPending() {
  if (!pending) return;
  clearTimeout(fallbackTimer);
  if (view.sock.send(askFrame(pending))) {
    // if no answer arrives, a reconnect resends it; meanwhile try HTTP
    fallbackTimer = setTimeout(httpFallback, 10000);
  } else {
    fallbackTimer = setTimeout(httpFallback, 5000);
  }
  updateSubmit();
}

export async function httpFallback() {
  if (!pending) return;
  if (view.sock.isOpen) {
    // connected but silent: resend on the socket (same client_key is safe)
    view.sock.send(askFrame(pending));
    fallbackTimer = setTimeout(httpFallback, 10000);
    return;
  }
  const p = pending;
  const body = { text: p.text, client_key: p.client_key };
  if (p.unit !== null && p.unit !== undefined) body.unit = p.unit;
  if (p.nickname) body.nickname = p.nickname;
  if (p.contact) body.contact = p.contact;
  if (p.photos && p.photos.length) body.photos = p.photos;
  try {
    const res = await post(`/api/events/${encodeURIComponent(slug)}/questions`, body);
    onAskOk({ ...res, client_key: p.client_key });
  } catch (err) {
    if (!pending || pending.client_key !== p.client_key) return;
    if (err.status === 0 || err.status >= 500) {
      fallbackTimer = setTimeout(httpFallback, 8000);
      return;
    }
    onError({ type: 'error', code: err.code, message: err.message, client_key: p.client_key, retry_after: err.retryAfter, field: err.error && err.error.field });
  }
}

export function clearPending() {
  pending = null;
  store.remove(PENDING_KEY);
  clearTimeout(fallbackTimer);
  clearTimeout(resendTimer);
  updateSubmit();
}

export function onAskOk(f) {
  const matches = pending && f.client_key === pending.client_key;
  const asked = matches ? pending : null;
  if (matches) clearPending();
  const mine = store.get(MY_KEY, []) || [];
  if (f.tracking_code && !mine.some((x) => x.tracking_code === f.tracking_code)) {
    mine.unshift({
      tracking_code: f.tracking_code,
      rating_code: f.rating_code || '',
      question_id: f.question_id ?? null,
      slug,
      event_title: root.dataset.title || '',
      text: asked ? excerpt(asked.text, 60) : '',
      at: new Date().toISOString(),
    });
    store.set(MY_KEY, mine.slice(0, 50));
  }
  if (!matches) {
    renderMine();
    return;
  }
  const href = `/track/${encodeURIComponent(f.tracking_code)}`;
  el.askLink.href = href;
  el.askLink.textContent = `${window.location.origin}${href}`;
  el.askRating.textContent = f.rating_code || '—';
  el.askContactTo.textContent = f.contact || '—';
  show(el.askContactSent, !!f.contact);
  el.askContact.value = '';
  show(el.askResult, true);
  askError('');
  el.askText.value = '';
  clearPicker(el.askForm);
  updateCounter();
  afterAsked();
  renderMine();
  el.askResult.scrollIntoView({ block: 'nearest', behavior: scrollMotion() });
}

const FIELD_TEXT = {
  text: `问题内容需为 1–${MAX_TEXT} 个字`,
  nickname: '昵称不能超过 20 个字',
  unit: '所选提问对象无效，请重新选择',
  contact: '请填写正确的手机号码或电子邮箱（也可以不填）',
};

export function errorMessage(f) {
  switch (f.code) {
    case 'too_fast': {
      const s = Math.ceil(Number(f.retry_after) || 5);
      return `操作过于频繁，请 ${s} 秒后再试。`;
    }
    case 'invalid':
      return FIELD_TEXT[f.field] || '提交的内容有误，请检查后再试。';
    case 'too_large':
      return '内容过长，请精简后再提交。';
    case 'not_accepting':
      return state.status === 'scheduled' ? '本场访谈尚未开始征集提问。' : '本场访谈已结束，不再接收提问。';
    case 'not_found':
      return '该问题不存在或暂未公开。';
    case 'internal':
      return '服务器暂时无法保存，正在重试…';
    default:
      return f.message && /[\u3400-\u9fff]/.test(f.message) ? f.message : '提交失败，请稍后再试。';
  }
}

export function onError(f) {
  const mineAsk = pending && f.client_key && f.client_key === pending.client_key;
  const askRelated = mineAsk || (pending && !f.client_key && ['too_fast', 'invalid', 'not_accepting', 'too_large'].includes(f.code) && f.field !== 'question');
  if (askRelated) {
    if (f.code === 'internal') {
      askError(errorMessage(f));
      clearTimeout(resendTimer);
      resendTimer = setTimeout(sendPending, 3000);
      return;
    }
    clearPending();
    askError(errorMessage(f));
    if (f.code === 'too_fast') startCooldown(Number(f.retry_after) || 5);
    if (f.code === 'not_accepting') {
      if (state.status === 'scheduled') { // its collection was closed meanwhile
        state.event = { ...(state.event || {}), accepting_questions: false, collecting: false };
      } else {
        state.status = 'closed';
      }
      renderStatus();
    }
    return;
  }
  // vote and other errors: show them by the waiting list
  el.voteError.textContent = errorMessage(f);
  show(el.voteError, true);
  clearTimeout(onError.t);
  onError.t = setTimeout(() => show(el.voteError, false), 6000);
}

export function startCooldown(seconds) {
  cooldownUntil = Date.now() + seconds * 1000;
  clearInterval(cooldownTimer);
  cooldownTimer = setInterval(() => {
    if (Date.now() >= cooldownUntil) {
      clearInterval(cooldownTimer);
      askError('');
    }
    updateSubmit();
  }, 500);
  updateSubmit();
}


export function resendPending() {
  if (pending) sendPending();
}

export function bindAsk() {
  el.askText.addEventListener('input', updateCounter);
  bindNickname();

  el.askForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    if (pending) return;
    const text = el.askText.value.trim();
    const n = textLength(text);
    if (!n) {
      askError('请填写问题内容。');
      el.askText.focus();
      return;
    }
    if (n > MAX_TEXT) {
      askError(`问题内容不能超过 ${MAX_TEXT} 个字（当前 ${n} 字）。`);
      return;
    }
    const nickname = el.askNick.value.trim();
    if (textLength(nickname) > limits.nickname_chars) {
      askError(`昵称不能超过 ${limits.nickname_chars} 个字。`);
      return;
    }
    const photos = pickedPhotos(el.askForm);
    if (photos === null) {
      askError('照片仍在上传，请稍候再提交。');
      return;
    }
    const unitVal = el.askUnit.value;
    askError('');
    show(el.askResult, false);
    pending = {
      client_key: newKey(),
      text,
      unit: unitVal ? Number(unitVal) : null,
      nickname: nickname || null,
      contact: el.askContact.value.trim() || null,
      photos,
    };
    store.set(PENDING_KEY, pending);
    sendPending();
  });
  updateCounter();
  if (pending) updateSubmit();
}
