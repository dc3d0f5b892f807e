import { post } from './api.js';
import { safeNext } from './login-next.js';

const form = document.getElementById('login-form');
const user = document.getElementById('username');
const pass = document.getElementById('password');
const btn = document.getElementById('login-submit');
const err = document.getElementById('login-error');

function showError(msg) {
  err.textContent = msg || '';
  err.hidden = !msg;
}

form.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const username = user.value.trim();
  const password = pass.value;
  if (!username || !password) {
    showError('请输入用户名和密码');
    (username ? pass : user).focus();
    return;
  }
  showError('');
  btn.disabled = true;
  btn.textContent = '正在登录…';
  try {
    await post('/api/login', { username, password });
    window.location.assign(safeNext(form.dataset.next));
  } catch (e) {
    btn.disabled = false;
    btn.textContent = '登录';
    if (e.status === 401) {
      showError('用户名或密码错误');
      pass.value = '';
      pass.focus();
    } else if (e.status === 429) {
      showError(`尝试次数过多，请${e.retryAfter ? ` ${e.retryAfter} 秒` : '稍'}后再试`);
    } else {
      showError(e.message || '登录失败，请稍后再试');
    }
  }
});

user.focus();
