// 同问 (+1) on the waiting list, once per viewer, and the list's sort.
import { renderPublished } from './render.js';
import { VOTES_KEY, el, state, view, voted } from './state.js';
import { show, store } from '../dom.js';

export function bindVotes() {
  el.published.addEventListener('click', (ev) => {
    const btn = ev.target.closest('button.vote');
    if (!btn || btn.disabled) return;
    const id = Number(btn.dataset.questionId);
    if (!id || voted.has(id)) return;
    if (!view.sock.send({ type: 'vote', question: id })) {
      el.voteError.textContent = '网络连接中断，请稍后再试。';
      show(el.voteError, true);
      return;
    }
    voted.add(id);
    store.set(VOTES_KEY, Array.from(voted));
    const q = state.published.find((x) => x.id === id);
    if (q) q.votes = (q.votes || 0) + 1; // the next votes frame has the real count
    renderPublished();
  });

  for (const btn of document.querySelectorAll('.seg-btn[data-sort]')) {
    btn.addEventListener('click', () => {
      view.sortMode = btn.dataset.sort;
      for (const b of document.querySelectorAll('.seg-btn[data-sort]')) {
        const on = b === btn;
        b.classList.toggle('is-active', on);
        b.setAttribute('aria-pressed', on ? 'true' : 'false');
      }
      renderPublished();
    });
  }
}
