// The cursor and claims: opening a question claims it for this moderator; others see who holds what.
import { markItem, renderQueue } from './render.js';
import { CLAIM_SECONDS, claims, desk, el, me, notes, store } from './state.js';
import { api, post } from '../api.js';


export function visibleIds() {
  return Array.from(el.queue.querySelectorAll('.q-item:not(.is-resolved)')).map((li) => Number(li.dataset.questionId));
}

export function neighbour(id, step) {
  const ids = visibleIds();
  const i = ids.indexOf(id);
  if (i < 0) return ids.length ? ids[0] : null;
  const j = i + step;
  return j >= 0 && j < ids.length ? ids[j] : null;
}

export function itemEl(id) {
  return id === null ? null : el.queue.querySelector(`.q-item[data-question-id="${id}"]`);
}

// Move the cursor (opening a question claims it for this moderator).
export function setCurrent(id, { focus = false } = {}) {
  const prev = desk.current;
  desk.current = id;
  for (const li of el.queue.querySelectorAll('.q-item')) markItem(li, Number(li.dataset.questionId));
  const li = itemEl(id);
  if (li) {
    if (typeof li.scrollIntoView === 'function') li.scrollIntoView({ block: 'nearest' });
    if (focus || document.activeElement === document.body || document.activeElement === itemEl(prev)) {
      li.setAttribute('tabindex', '-1');
      li.focus({ preventScroll: true });
    }
  }
  if (prev !== id) claimCurrent();
}

export async function claimCurrent() {
  const id = desk.current;
  clearTimeout(desk.claimTimer);
  if (desk.myClaim !== null && desk.myClaim !== id) {
    const old = desk.myClaim;
    desk.myClaim = null;
    api('DELETE', `/api/questions/${old}/claim`).catch(() => {});
  }
  const q = id === null ? null : store.get(id);
  if (!q || q.status !== 'pending') return;
  try {
    await post(`/api/questions/${id}/claim`);
    if (desk.current === id) desk.myClaim = id;
    else api('DELETE', `/api/questions/${id}/claim`).catch(() => {}); // the cursor moved on meanwhile
  } catch (e) {
    if (e.code === 'claimed' && e.error) {
      claims.set(id, { by: e.error.by, until: Date.now() + (Number(e.error.expires_in) || 0) * 1000 });
      renderQueue();
    }
  }
  if (desk.current === id) desk.claimTimer = setTimeout(claimCurrent, (CLAIM_SECONDS * 1000) / 3);
}

export function onClaimed(f) {
  const id = Number(f.question);
  claims.set(id, { by: f.by, until: Date.now() + (Number(f.expires_in) || CLAIM_SECONDS) * 1000 });
  if (f.by !== me.username && desk.myClaim === id) desk.myClaim = null;
  renderQueue();
}

export function onReleased(f) {
  const id = Number(f.question);
  const c = claims.get(id);
  if (c && (!f.by || c.by === f.by)) claims.delete(id);
  if (desk.myClaim === id && f.by === me.username && f.why === 'expired') claimCurrent();
  if (f.why === 'taken' && f.by === me.username) {
    // another moderator took this question over: say so where this desk has it open
    if (desk.myClaim === id) desk.myClaim = null;
    notes.set(id, `${f.taken_by || '其他审核员'} 已接手此提问`);
  }
  renderQueue();
}

// claims that ran out without a frame (a lost connection)
export function expireClaims() {
  let expired = false;
  for (const [id, c] of claims) {
    if (c.until <= Date.now()) {
      claims.delete(id);
      expired = true;
    }
  }
  if (expired) renderQueue();
}

export function releaseOnLeave() {
  window.addEventListener('pagehide', () => {
    if (desk.myClaim !== null) api('DELETE', `/api/questions/${desk.myClaim}/claim`).catch(() => {});
  });
}
