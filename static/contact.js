// The tracking pages' contact check: send the one-time code back, or ask for a new one.
import { post } from './api.js';
import { show } from './dom.js';

const $ = (id) => document.getElementById(id);
const box = $('contact-verify');

function say(ok, error) {
  $('contact-ok').textContent = ok || '';
  show($('contact-ok'), !!ok);
  $('contact-error').textContent = error || '';
  show($('contact-error'), !!error);
}

function failure(e) {
  if (e.code === 'bad_code') return `验证码不正确，还可以再试 ${e.error.attempts_left} 次`;
  return e.message;
}

if (box) {
  const code = box.dataset.trackingCode;
  $('contact-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const typed = $('contact-code').value.trim();
    if (!/^[0-9]{6}$/.test(typed)) {
      say('', '请输入收到的 6 位数字验证码');
      return;
    }
    $('contact-submit').disabled = true;
    try {
      const status = await post('/api/contacts/verify', { tracking_code: code, code: typed });
      say(`已验证 ${status.contact}：办理进度会通知您`, '');
      $('contact-form').hidden = true;
    } catch (e) {
      say('', failure(e));
    } finally {
      $('contact-submit').disabled = false;
    }
  });
  $('contact-resend').addEventListener('click', async () => {
    try {
      const status = await post('/api/contacts/resend', { tracking_code: code });
      say(`新的验证码已发送至 ${status.contact}`, '');
    } catch (e) {
      say('', failure(e));
    }
  });
}
