// Where the login page goes once signed in: the same rule as safe_next() in
// studio/accounts/sessions.py. Only a path on this site: one leading "/" (never
// "//" or "/\", which browsers read as another host), and no whitespace, control
// or invisible character and no backslash anywhere (browsers drop a tab or a
// newline from a URL, so "/\t/host" would become "//host").

export const DEFAULT_NEXT = '/studio/';
const UNSAFE = /[\s\\\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]/;

export function safeNext(next) {
  if (typeof next !== 'string' || !next.startsWith('/') || next.startsWith('//') || UNSAFE.test(next)) {
    return DEFAULT_NEXT;
  }
  return next;
}
