// Moderator console (the desk): pending queue (oldest first, or by screening
// priority), approve / reject (reason catalogue) / merge / assign, keyboard
// first (desk/keys.js and the ? overlay), claims shown live, filters, bulk
// approve/reject, approved list, host messages, open/close. This module wires
// the parts in desk/ together: the state, rendering, the editor, claims, bulk
// and keys; it holds the filters, host messages and the live frames.
import { bindBulk } from './desk/bulk.js';
import { claimCurrent, expireClaims, onClaimed, onReleased, releaseOnLeave } from './desk/claims.js';
import { bindLists } from './desk/editor.js';
import { bindKeys } from './desk/keys.js';
import { addMessage, renderAll, renderApproved, renderCounts, renderMessages, renderOldest, renderOnAir, renderPresence, renderQueue } from './desk/render.js';
import { $, claims, desk, el, filters, me, notes, resolved, root, slug, store, units } from './desk/state.js';
import { post } from './api.js';
import { actionName, clear, fmtWait, h } from './dom.js';
import { LiveSocket, bindBanner } from './live.js';
import { makeResync, publicFrames } from './staff.js';

bindLists();
bindBulk();
bindKeys();
releaseOnLeave();

// ---------------- filters ----------------

for (const u of units) el.fUnit.appendChild(h('option', { value: String(u.id) }, u.name));
function readFilters() {
  filters.flagged = el.fFlagged.checked;
  filters.unit = el.fUnit.value;
  filters.kind = el.fKind.value;
  filters.sort = el.fSort.value;
  renderQueue();
}
for (const f of [el.fFlagged, el.fUnit, el.fKind, el.fSort]) f.addEventListener('change', readFilters);

// ---------------- host messages ----------------

async function sendHost() {
  const text = el.hostText.value.trim();
  if (!text) {
    el.hostError.textContent = '请输入发言内容';
    el.hostError.hidden = false;
    return;
  }
  el.hostError.hidden = true;
  el.hostSend.disabled = true;
  try {
    const m = await post(`/api/events/${encodeURIComponent(slug)}/messages`, { text });
    el.hostText.value = '';
    addMessage(m);
  } catch (e) {
    el.hostError.textContent = e.message;
    el.hostError.hidden = false;
  } finally {
    el.hostSend.disabled = false;
  }
}

el.hostSend.addEventListener('click', sendHost);
el.hostText.addEventListener('keydown', (ev) => {
  if (ev.key === 'Enter' && (ev.ctrlKey || ev.metaKey)) {
    ev.preventDefault();
    sendHost();
  }
});

// ---------------- frames ----------------

const resync = makeResync(slug, store, renderAll);

function onChanged(f) {
  const q = f.question;
  if (!q) return;
  const { prev, applied } = store.upsert(q);
  if (!applied) return;
  const by = f.by || (q.handled && q.handled.by);
  if (prev && prev.status === 'pending' && by && by !== me.username) {
    if (q.status !== 'pending') {
      let text = `已由 ${by} ${actionName(f.action || (q.handled && q.handled.action))}`;
      if (q.status === 'rejected' && q.reason) text += `（${q.reason}）`;
      if (q.status === 'merged' && q.merged_into) text += `到 #${q.merged_into}`;
      resolved.set(q.id, { text, at: Date.now() });
    } else if (prev.version !== q.version) {
      notes.set(q.id, `已由 ${by} ${actionName(f.action)}，请核对后再操作`);
    }
  }
  renderAll();
}

const pub = publicFrames(store, resync, root.dataset.status, {
  renderOnAir,
  onSnapshot(f) {
    desk.messages = Array.isArray(f.messages) ? f.messages.slice() : [];
    renderMessages();
  },
  onVotes: renderApproved,
  onMessage: addMessage,
});
desk.pub = pub;

function onFrame(f) {
  if (pub.handle(f)) return;
  switch (f.type) {
    case 'staff.snapshot':
      store.replaceAll(f.queue || []);
      if (f.me && f.me.username) me.username = f.me.username;
      resolved.clear();
      notes.clear();
      clear(el.queue);
      clear(el.approved);
      desk.presence = Array.isArray(f.presence) ? f.presence : [];
      renderPresence();
      claims.clear();
      for (const c of f.claims || []) {
        claims.set(Number(c.question), { by: c.by, until: Date.now() + (Number(c.expires_in) || 0) * 1000 });
      }
      if (desk.current !== null) {
        // a reconnect: leaving the old connection released this console's claim; take it again
        desk.myClaim = null;
        claimCurrent();
      }
      desk.animate = false;
      renderAll();
      desk.animate = true;
      break;
    case 'question.submitted':
      if (f.question) {
        store.upsert(f.question);
        renderCounts();
        renderQueue();
      }
      break;
    case 'question.changed':
      onChanged(f);
      break;
    case 'presence':
      desk.presence = Array.isArray(f.presence) ? f.presence : [];
      renderPresence();
      break;
    case 'question.claimed':
      onClaimed(f);
      break;
    case 'question.released':
      onReleased(f);
      break;
    default:
      break;
  }
}

document.addEventListener('studio:event', (ev) => {
  const e = ev.detail || {};
  if (e.status) pub.setStatus(e.status);
});

// the oldest wait, and claims that ran out without a frame (a lost connection)
// the oldest wait, and claims that ran out without a frame (a lost connection)
setInterval(() => {
  renderOldest();
  expireClaims();
}, 5000);
// waiting times and expiry of "handled by someone else" notes
setInterval(() => {
  for (const w of el.queue.querySelectorAll('.q-wait[data-asked-at]')) {
    w.textContent = `等待 ${fmtWait(w.dataset.askedAt)}`;
  }
  const now = Date.now();
  let changed = false;
  for (const [id, r] of resolved) {
    if (now - r.at > 120000) {
      resolved.delete(id);
      changed = true;
    }
  }
  if (changed) renderQueue();
}, 15000);

const banner = bindBanner($('conn-banner'), { forbidden: '无权进入本场审核台，或登录已过期，请重新登录。' });
const sock = new LiveSocket(`/ws/events/${encodeURIComponent(slug)}/staff`, {
  resume: false, // a reconnect gets a fresh snapshot + staff.snapshot
  onFrame,
  onState: banner,
});
pub.setStatus();
sock.start();
