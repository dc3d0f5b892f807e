// My questions: the asker's own questions, kept in this browser, each with its tracking link and rating code.
import { MY_KEY, el, slug } from './state.js';
import { tabCount } from './tabs.js';
import { clear, fmtTime, h, show, store } from '../dom.js';

export function renderMine() {
  const mine = (store.get(MY_KEY, []) || []).filter((x) => x && x.tracking_code);
  clear(el.myList);
  for (const x of mine.slice(0, 20)) {
    el.myList.appendChild(h('li', { class: 'my-item' },
      h('a', { href: `/track/${encodeURIComponent(x.tracking_code)}`, class: 'my-link' },
        h('span', { class: 'my-text' }, x.text || '（我的提问）'),
        h('span', { class: 'my-meta' },
          x.slug !== slug && x.event_title ? `${x.event_title} · ` : '',
          x.at ? fmtTime(x.at) : '',
          ' · 查看进度')),
      x.rating_code ? h('span', { class: 'my-code' }, '评价码 ', h('strong', { class: 'code' }, x.rating_code)) : null));
  }
  // the panel stays (it is a tab on phones); wide screens leave an empty one out (app.css)
  el.myBox.classList.toggle('is-empty', mine.length === 0);
  show(el.myEmpty, mine.length === 0);
  tabCount('mine', Math.min(mine.length, 20));
}
