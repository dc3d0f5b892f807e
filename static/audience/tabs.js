// The phone's tab bar: 待回答 · 已回答 · 我的提问 · 提问, one panel at a time under a sticky bar.
// Wide screens show every panel side by side and hide the bar (app.css); the choice is kept
// so that narrowing the window shows the panel last chosen. Keys: ←/→, Home, End.
import { $, root } from './state.js';

// the tabs this event shows (已回答 is left out before the start)
const tabs = () => Array.from(document.querySelectorAll('#ev-tabs [role="tab"]'))
  .filter((t) => window.getComputedStyle(t).display !== 'none');

// Show the panel of `name`; `focus` moves the keyboard focus to its tab, `reveal` scrolls to the panel.
export function selectTab(name, { focus = false, reveal = false } = {}) {
  const bar = $('ev-tabs');
  if (!bar) return;
  for (const tab of bar.querySelectorAll('[role="tab"]')) {
    const on = tab.dataset.tab === name;
    tab.setAttribute('aria-selected', on ? 'true' : 'false');
    tab.tabIndex = on ? 0 : -1;
    const panel = $(tab.getAttribute('aria-controls'));
    if (panel) panel.classList.toggle('is-current', on);
    if (on && focus) tab.focus();
  }
  // one tap shows the panel: the bar goes to the top of the screen, the panel starts right under it
  if (reveal && window.getComputedStyle(bar).display !== 'none') {
    const panel = root.querySelector('.ev-panel.is-current');
    if (panel) window.scrollTo({ top: window.scrollY + panel.getBoundingClientRect().top - bar.offsetHeight });
  }
}

// The number beside a tab's name (待回答 3); none for 0.
export function tabCount(name, n) {
  const badge = $(`tab-count-${name}`);
  if (badge) badge.textContent = n ? String(n) : '';
}

export function bindTabs() {
  const bar = $('ev-tabs');
  if (!bar) return;
  bar.addEventListener('click', (ev) => {
    const tab = ev.target.closest('[role="tab"]');
    if (tab) selectTab(tab.dataset.tab, { reveal: true });
  });
  bar.addEventListener('keydown', (ev) => {
    const list = tabs();
    const at = list.indexOf(document.activeElement);
    if (at < 0) return;
    let next = null;
    if (ev.key === 'ArrowRight') next = list[(at + 1) % list.length];
    else if (ev.key === 'ArrowLeft') next = list[(at - 1 + list.length) % list.length];
    else if (ev.key === 'Home') next = list[0];
    else if (ev.key === 'End') next = list[list.length - 1];
    if (!next) return;
    ev.preventDefault();
    selectTab(next.dataset.tab, { focus: true, reveal: true });
  });
}

// After the event's status changes: a tab that no longer shows (已回答 before the start)
// hands over to the first one that does.
export function keepVisibleTab() {
  const on = document.querySelector('#ev-tabs [aria-selected="true"]');
  if (!on || window.getComputedStyle(on).display !== 'none') return;
  const first = tabs()[0];
  if (first) selectTab(first.dataset.tab);
}
