// fetch wrapper: JSON in and out, CSRF header on writes, Chinese error texts.

export class ApiError extends Error {
  constructor(status, code, message, error, retryAfter) {
    super(message);
    this.status = status;
    this.code = code;
    this.error = error || {};
    this.retryAfter = retryAfter;
  }

  // the current question carried by a 409 answer
  get question() {
    return this.error && this.error.question ? this.error.question : null;
  }
}

export function csrfToken() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.getAttribute('content') || '' : '';
}

const CODE_TEXT = {
  invalid: '填写的内容有误，请检查后再试',
  bad_json: '请求格式错误',
  unauthenticated: '登录已过期，请重新登录',
  bad_credentials: '用户名或密码错误',
  forbidden: '没有权限执行此操作',
  csrf: '页面已过期，请刷新后重试',
  origin: '请求来源不被允许',
  not_found: '内容不存在或已被删除',
  stale: '该提问已被他人处理，请查看最新状态',
  not_allowed: '当前状态下不能执行此操作',
  conflict: '操作冲突，请刷新后重试',
  too_large: '内容过长',
  too_fast: '操作过于频繁，请稍后再试',
  internal: '服务器出错，请稍后再试',
  network: '网络错误，请检查网络连接后重试',
};

const HAS_CJK = /[\u3400-\u9fff]/;

export function errorText(status, err) {
  const code = err && err.code;
  const msg = err && err.message;
  if (msg && HAS_CJK.test(msg)) return msg;
  if (code && CODE_TEXT[code]) return CODE_TEXT[code];
  if (status === 401) return CODE_TEXT.unauthenticated;
  if (status === 403) return CODE_TEXT.forbidden;
  if (status === 404) return CODE_TEXT.not_found;
  if (status === 409) return CODE_TEXT.conflict;
  if (status === 413) return CODE_TEXT.too_large;
  if (status === 429) return CODE_TEXT.too_fast;
  if (status >= 500) return CODE_TEXT.internal;
  return msg || `请求失败（${status}）`;
}

export async function api(method, path, body) {
  const headers = { Accept: 'application/json' };
  const opts = { method, headers, credentials: 'same-origin' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    opts.body = JSON.stringify(body);
  }
  if (method !== 'GET' && method !== 'HEAD') {
    const token = csrfToken();
    if (token) headers['X-CSRF-Token'] = token;
  }
  let res;
  try {
    res = await fetch(path, opts);
  } catch {
    throw new ApiError(0, 'network', CODE_TEXT.network);
  }
  let data = null;
  if (res.status !== 204) {
    const text = await res.text();
    if (text) {
      try {
        data = JSON.parse(text);
      } catch {
        data = null;
      }
    }
  }
  if (!res.ok) {
    const err = (data && data.error) || {};
    const ra = Number(res.headers.get('Retry-After') || err.retry_after || 0) || undefined;
    throw new ApiError(res.status, err.code || `http_${res.status}`, errorText(res.status, err), err, ra);
  }
  return data;
}

export const post = (path, body) => api('POST', path, body === undefined ? {} : body);
export const get = (path) => api('GET', path);
export const patch = (path, body) => api('PATCH', path, body === undefined ? {} : body);
