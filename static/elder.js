// The elderly-friendly mode (长辈模式 / 适老化) on every public page: larger type, higher contrast,
// bigger tap targets and one column. The switch is remembered in this browser (localStorage) and
// applied as the class `elder` on <html>; the stylesheet does the rest. A classic script loaded in
// <head> (not a deferred module), so that a remembered mode applies before the first paint: no page
// shows first in the standard (or dark) colours and then jumps.
(() => {
  const KEY = 'studio.elder';
  const root = document.documentElement;

  function remembered() {
    try {
      return window.localStorage.getItem(KEY) === '1';
    } catch {
      return false;
    }
  }

  function apply(on) {
    root.classList.toggle('elder', on);
    for (const button of document.querySelectorAll('[data-elder-toggle]')) {
      button.setAttribute('aria-pressed', on ? 'true' : 'false');
      button.textContent = on ? '标准模式' : '长辈模式';
    }
  }

  function bind() {
    apply(root.classList.contains('elder'));
    for (const button of document.querySelectorAll('[data-elder-toggle]')) {
      button.addEventListener('click', () => {
        const on = !root.classList.contains('elder');
        try {
          window.localStorage.setItem(KEY, on ? '1' : '0');
        } catch { /* private mode: this page only */ }
        apply(on);
      });
    }
  }

  root.classList.toggle('elder', remembered());
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', bind);
  else bind();
})();
