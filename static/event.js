// Audience page: live feed, ask form, 同问, my questions. This module wires the parts in
// audience/ together (state, render, frames, ask, mine, votes, tabs) and holds the connection.
import { bindAsk, resendPending } from './audience/ask.js';
import { applyFrame } from './audience/frames.js';
import { renderMine } from './audience/mine.js';
import { bindToast, renderStatus } from './audience/render.js';
import { $, root, slug, view } from './audience/state.js';
import { bindTabs } from './audience/tabs.js';
import { bindVotes } from './audience/votes.js';
import { initCountdowns } from './countdown.js';
import { fmtTime } from './dom.js';
import { LiveSocket, bindBanner } from './live.js';

// ---------------- connection ----------------

const banner = bindBanner($('conn-banner'), { gone: '该访谈不存在或已被删除。' });
const sock = new LiveSocket(`/ws/events/${encodeURIComponent(slug)}`, {
  resume: true,
  onFrame: applyFrame,
  onState(s) {
    banner(s);
    if (s === 'open') resendPending();
  },
});

// refresh relative times once a minute
setInterval(() => {
  for (const t of document.querySelectorAll('#event-page time[datetime]')) {
    const txt = fmtTime(t.getAttribute('datetime'));
    if (t.textContent !== txt) t.textContent = txt;
  }
}, 60000);

view.sock = sock;
bindToast();
bindTabs();
bindAsk();
bindVotes();
initCountdowns(root);
renderMine();
renderStatus();
sock.start();
