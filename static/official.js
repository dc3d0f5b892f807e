// Official (guest) console: approved questions by votes, on air, answer,
// off air, transfer to the board.
import {
  h, clear, show, reconcile, fmtTime, fmtWait, timeEl, statusName, excerpt, personLine, store as ls,
} from './dom.js';
import { LiveSocket, bindBanner } from './live.js';
import { post } from './api.js';
import { limits } from './labels.js';
import { photoStrip } from './photos.js';
import {
  QuestionStore, makeResync, publicFrames, unitOptions, unitId, unitLabel, parseUnits,
} from './staff.js';

const $ = (id) => document.getElementById(id);
const root = $('official');
const slug = root.dataset.slug;
const myUnit = root.dataset.unitId ? Number(root.dataset.unitId) : null;
const units = parseUnits(root);

const store = new QuestionStore();
let animate = false; // highlight live arrivals, not snapshot contents

const el = {
  onAir: $('on-air'),
  onAirError: $('on-air-error'),
  queue: $('queue'),
  queueEmpty: $('queue-empty'),
  queueCount: $('queue-count'),
  answered: $('answered'),
  answeredEmpty: $('answered-empty'),
  answeredCount: $('answered-count'),
  transferred: $('transferred'),
  transferredEmpty: $('transferred-empty'),
  transferredCount: $('transferred-count'),
  status: $('console-status'),
};

// What just happened, for screen readers (a status region): the question taken on air, the answer
// published. Emptied first so that the same words are announced again.
function announce(text) {
  el.status.textContent = '';
  window.setTimeout(() => { el.status.textContent = text; }, 50);
}

// After an action the button pressed is gone: the keyboard focus goes where the work continues —
// the answer box once on air, else the next question's 开始回答 (or the list's heading).
function focusNext(action) {
  const box = $('answer-text');
  if (action === 'on-air' && box) {
    box.focus();
    return;
  }
  const next = el.queue.querySelector('[data-action="on-air"]') || $('queue-title');
  next.focus();
}

const draftKey = (id) => `wzft.draft.${slug}.${id}`;

// ---------------- rendering ----------------

function ago(s) {
  const w = fmtWait(s);
  return w === '不到1分钟' ? '刚刚提交' : `${w}前提交`;
}

function head(q) {
  return h('p', { class: 'q-head' },
    h('span', { class: 'q-id' }, `#${q.id}`),
    h('span', { class: 'q-nick' }, q.nickname || '网友'),
    h('span', { class: 'q-unit' }, `问：${unitLabel(q.unit)}`),
    h('span', { class: 'q-votes' }, `同问 ${q.votes || 0}`),
    q.collected ? h('span', { class: 'badge badge-collected' }, '预先征集') : null,
    q.asked_at ? h('span', { class: 'q-wait muted', title: `提交于 ${fmtTime(q.asked_at)}` }, ago(q.asked_at)) : null);
}

// The photos the audience sees with the question (not those a moderator hid), so the official
// answers what the asker showed; a moderator hiding one takes it off here too.
function visiblePhotos(q) {
  // An admin's frames carry each photo's state; an official's carry the visible ones only.
  return (q.photos || []).filter((p) => (p.state || 'visible') === 'visible');
}

function photoKey(q) {
  return visiblePhotos(q).map((p) => p.url).join(',');
}

function renderQueueItem(q, prev) {
  const sig = `${q.version}|${q.status}|${q.text}|${unitId(q.unit)}|${photoKey(q)}`;
  if (prev && prev.dataset.sig === sig) return prev;
  return h('li', { class: ['q-item', 'card', animate && !prev && 'fresh'], dataset: { questionId: q.id, status: q.status, version: q.version, sig } },
    head(q),
    h('p', { class: 'q-text' }, q.text),
    photoStrip(visiblePhotos(q)),
    h('div', { class: 'q-actions' },
      h('button', { type: 'button', class: 'btn btn-sm primary', dataset: { action: 'on-air' } }, '开始回答'),
      h('button', { type: 'button', class: 'btn btn-sm', dataset: { action: 'transfer' }, 'aria-expanded': 'false' }, '转办留言板')),
    h('div', { class: 'q-form' }),
    h('p', { class: 'form-error q-error', role: 'alert', hidden: true }));
}

function updateVotes(container) {
  for (const li of container.querySelectorAll('[data-question-id]')) {
    const q = store.get(li.dataset.questionId);
    const v = li.querySelector('.q-votes');
    if (q && v) {
      const t = `同问 ${q.votes || 0}`;
      if (v.textContent !== t) v.textContent = t;
    }
  }
}

function renderQueue() {
  const items = store.values()
    .filter((q) => q.status === 'approved')
    .sort((a, b) => (b.votes || 0) - (a.votes || 0) || (Date.parse(a.asked_at) || 0) - (Date.parse(b.asked_at) || 0) || a.id - b.id);
  reconcile(el.queue, items, (q) => q.id, renderQueueItem);
  updateVotes(el.queue);
  show(el.queueEmpty, items.length === 0);
  el.queueCount.textContent = items.length ? `（${items.length}）` : '';
}

function renderOnAir() {
  const mine = store.values().find((q) => q.status === 'on_air');
  const current = el.onAir.querySelector('[data-question-id]');
  if (mine) {
    if (current && current.classList.contains('q-item') && Number(current.dataset.questionId) === mine.id) {
      current.dataset.version = String(mine.version);
      updateVotes(el.onAir);
      if (current.dataset.photos !== photoKey(mine)) { // the draft being typed stays as it is
        current.dataset.photos = photoKey(mine);
        current.querySelector('.photo-strip')?.remove();
        const strip = photoStrip(visiblePhotos(mine));
        if (strip) current.querySelector('.on-air-text').after(strip);
      }
      return;
    }
    clear(el.onAir);
    const draft = ls.get(draftKey(mine.id), '') || '';
    const ta = h('textarea', {
      id: 'answer-text', name: 'answer', rows: 7, maxlength: limits.answer_chars, value: draft,
      placeholder: '请输入回答内容。发布后将立即显示在所有观众的屏幕上。',
    });
    ta.addEventListener('input', () => ls.set(draftKey(mine.id), ta.value));
    el.onAir.appendChild(h('article', {
      class: ['q-item', 'card', 'on-air-card', 'on-air-console-card'],
      dataset: { questionId: mine.id, status: 'on_air', version: mine.version, photos: photoKey(mine) },
    },
    h('p', { class: 'on-air-badge' }, h('span', { class: 'live-dot', 'aria-hidden': 'true' }), statusName('on_air')),
    head(mine),
    h('p', { class: 'q-text on-air-text' }, mine.text),
    photoStrip(visiblePhotos(mine)),
    h('label', { class: 'field-label', for: 'answer-text' }, '回答内容'),
    ta,
    h('div', { class: 'btn-row' },
      h('button', { type: 'button', id: 'answer-submit', class: 'btn primary', dataset: { action: 'answer' } }, '发布回答'),
      h('button', { type: 'button', class: 'btn', dataset: { action: 'off-air' } }, '撤回'),
      h('button', { type: 'button', class: 'btn', dataset: { action: 'transfer' }, 'aria-expanded': 'false' }, '转办留言板')),
    h('div', { class: 'q-form' }),
    h('p', { class: 'form-error q-error', role: 'alert', hidden: true })));
    return;
  }
  const other = pub.onAir;
  const key = other ? `other-${other.id}` : 'none';
  if (el.onAir.dataset.key === key && !current?.classList.contains('q-item')) return;
  el.onAir.dataset.key = key;
  clear(el.onAir);
  if (other) {
    el.onAir.appendChild(h('div', { class: ['card', 'on-air-other'], dataset: { publicId: other.id } },
      h('p', { class: 'muted' }, `其他嘉宾正在回答（${unitLabel(other.unit)}）：`),
      h('p', { class: 'q-text' }, other.text),
      h('p', { class: 'hint' }, '同一时间只能有一个问题在回答，请等待其回答完毕。')));
  } else {
    el.onAir.appendChild(h('p', { class: 'empty card' }, '当前没有正在回答的问题。请从下方“待回答”中选择一个问题，点击“开始回答”。'));
  }
}

function renderAnswered() {
  const items = store.values()
    .filter((q) => q.status === 'answered')
    .sort((a, b) => (Date.parse(b.answer && b.answer.at) || 0) - (Date.parse(a.answer && a.answer.at) || 0) || b.id - a.id);
  reconcile(el.answered, items, (q) => q.id, (q, prev) => {
    const sig = `${q.version}`;
    if (prev && prev.dataset.sig === sig) return prev;
    const a = q.answer || {};
    return h('li', { class: 'qa qa-compact q-item', dataset: { questionId: q.id, version: q.version, sig } },
      h('p', { class: 'q-head' }, h('span', { class: 'q-id' }, `#${q.id}`), h('span', { class: 'q-votes' }, `同问 ${q.votes || 0}`), a.at ? timeEl(a.at, 'q-time') : null),
      h('p', { class: 'q-text' }, h('strong', null, '问：'), q.text),
      h('p', { class: 'a-text' }, h('strong', null, '答：'), a.text || ''),
      a.corrected_at ? h('p', { class: 'a-corrected muted small' }, '已更正 ', timeEl(a.corrected_at, 'q-time')) : null,
      a.by ? h('p', { class: 'muted small' }, personLine(a.by)) : null,
      h('div', { class: 'q-actions' },
        h('button', { type: 'button', class: 'btn btn-xs', dataset: { action: 'correct' }, 'aria-expanded': 'false' }, '更正回答')),
      h('div', { class: 'q-form' }),
      h('p', { class: 'form-error q-error', role: 'alert', hidden: true }));
  });
  show(el.answeredEmpty, items.length === 0);
  el.answeredCount.textContent = items.length ? `（${items.length}）` : '';
}

function renderTransferred() {
  const items = store.values().filter((q) => q.status === 'transferred').sort((a, b) => b.id - a.id);
  clear(el.transferred);
  for (const q of items) {
    el.transferred.appendChild(h('li', { class: 'h-item', dataset: { questionId: q.id, status: q.status } },
      h('span', { class: 'q-id' }, `#${q.id}`),
      h('span', { class: 'badge badge-q-transferred' }, statusName(q.status)),
      h('span', { class: 'h-text' }, excerpt(q.text, 40)),
      h('span', { class: 'h-extra muted' }, `${unitLabel(q.unit)}${q.hard ? ' · 疑难' : ''}`),
      q.case_id ? h('a', { href: `/board/cases/${encodeURIComponent(q.case_id)}`, target: '_blank', rel: 'noopener' }, '诉求件') : null,
      draftToBoard(q)));
  }
  show(el.transferredEmpty, items.length === 0);
  el.transferredCount.textContent = items.length ? `（${items.length}）` : '';
}

// An answer drafted on air but not posted before the event closed (or the question was
// transferred) stays in this browser and can be published as the case's reply.
function draftToBoard(q) {
  const draft = ls.get(draftKey(q.id), '') || '';
  if (!draft.trim() || !q.case_id) return null;
  const id = `draft-${q.id}`;
  const ta = h('textarea', { id, name: 'draft', rows: 4, maxlength: limits.board_reply_chars, value: draft });
  ta.addEventListener('input', () => ls.set(draftKey(q.id), ta.value));
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const send = h('button', { type: 'button', class: 'btn btn-sm primary' }, '作为答复发布到留言板');
  send.addEventListener('click', async () => {
    const text = ta.value.trim();
    if (!text) return;
    send.disabled = true;
    error.hidden = true;
    try {
      try {
        await post(`/api/board/cases/${encodeURIComponent(q.case_id)}/accept`, {});
      } catch (e) {
        if (e.status !== 409) throw e; // already accepted
      }
      await post(`/api/board/cases/${encodeURIComponent(q.case_id)}/reply`, { text });
      ls.remove(draftKey(q.id));
      renderTransferred();
    } catch (e) {
      error.textContent = e.message;
      error.hidden = false;
      send.disabled = false;
    }
  });
  return h('div', { class: 'inline-form draft-to-board' },
    h('label', { class: 'field-label', for: id }, '访谈中未发布的回答草稿（已保留）'),
    ta, h('div', { class: 'btn-row' }, send), error);
}

function renderAll() {
  renderOnAir();
  renderQueue();
  renderAnswered();
  renderTransferred();
}

// ---------------- actions ----------------

const SAID = {
  'on-air': (q) => `已开始回答：${excerpt(q.text, 40)}`,
  answer: () => '回答已发布，观众已可看到。',
  'off-air': () => '已撤回，问题回到待回答。',
  transfer: () => '已转办留言板。',
};

function itemError(li, text) {
  const p = li && li.querySelector('.q-error');
  if (!p) return;
  p.textContent = text || '';
  p.hidden = !text;
}

// The inline forms of a question (transfer, correct): the same button opens and closes one.
const FORMS = {
  transfer: (q) => {
    const sid = `tr-${q.id}`;
    return [
      h('p', { class: 'hint' }, '转办后，该问题将成为留言板诉求件，由办理单位限时答复（一般 3 个工作日，疑难 5 个工作日）。'),
      h('label', { class: 'field-label', for: sid }, '办理单位'),
      h('select', { id: sid, name: 'unit' }, unitOptions(units, unitId(q.unit) ?? myUnit, '请选择单位')),
      h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'hard' }), ' 疑难问题（办理时限 5 个工作日）'),
      '确认转办',
    ];
  },
  correct: (q) => {
    const fid = `correct-${q.id}`;
    return [
      h('label', { class: 'field-label', for: fid }, '更正后的回答（公开显示“已更正”及时间）'),
      h('textarea', { id: fid, name: 'text', rows: 5, maxlength: limits.answer_chars, value: (q.answer && q.answer.text) || '' }),
      '发布更正',
    ];
  },
};

function toggleForm(li, name) {
  const q = store.get(li.dataset.questionId);
  if (!q) return;
  const box = li.querySelector('.q-form');
  const btn = li.querySelector(`[data-action="${name}"]`);
  if (li.dataset.openForm === name) {
    clear(box);
    delete li.dataset.openForm;
    if (btn) btn.setAttribute('aria-expanded', 'false');
    return;
  }
  li.dataset.openForm = name;
  if (btn) btn.setAttribute('aria-expanded', 'true');
  const parts = FORMS[name](q);
  const confirmText = parts.pop();
  clear(box).appendChild(h('div', { class: 'inline-form', dataset: { form: name } },
    parts,
    h('div', { class: 'btn-row' },
      h('button', { type: 'button', class: 'btn btn-sm primary', dataset: { confirm: name } }, confirmText),
      h('button', { type: 'button', class: 'btn btn-sm btn-ghost', dataset: { cancel: name } }, '取消'))));
  box.querySelector('select, textarea').focus();
}

async function act(li, action, btn) {
  const id = Number(li.dataset.questionId);
  const q = store.get(id);
  if (!q) return;
  const body = { version: Number(li.dataset.version ?? q.version) };
  if (action === 'answer') {
    const ta = $('answer-text');
    const text = ta ? ta.value.trim() : '';
    if (!text) {
      itemError(li, '请填写回答内容');
      if (ta) ta.focus();
      return;
    }
    body.text = text;
  }
  if (action === 'correct') {
    const ta = li.querySelector('.q-form textarea[name="text"]');
    const text = ta ? ta.value.trim() : '';
    if (!text) {
      itemError(li, '请填写更正后的回答');
      return;
    }
    body.text = text;
  }
  if (action === 'transfer') {
    const sel = li.querySelector('.q-form select[name="unit"]');
    const hard = li.querySelector('.q-form input[name="hard"]');
    if (!sel || !sel.value) {
      itemError(li, '请选择办理单位');
      return;
    }
    body.unit = Number(sel.value);
    body.hard = !!(hard && hard.checked);
  }
  itemError(li, '');
  show(el.onAirError, false);
  const label = btn.textContent;
  btn.disabled = true;
  btn.textContent = '提交中…';
  try {
    const nq = await post(`/api/questions/${id}/${action}`, body);
    if (nq && nq.id !== undefined) store.upsert(nq);
    if (action === 'answer') ls.remove(draftKey(id));
    renderAll();
    const said = SAID[action];
    if (said) {
      announce(said(q));
      focusNext(action);
    }
  } catch (e) {
    btn.disabled = false;
    btn.textContent = label;
    let text = e.message;
    if (e.status === 409) {
      const cur = e.question;
      // a conflict (another guest on air) says who in its own message
      if (e.code !== 'conflict' && cur && cur.status !== q.status) {
        const hd = cur.handled || {};
        text = `该问题已被 ${hd.by || '其他工作人员'} 处理（${statusName(cur.status)}）`;
      }
      if (cur) {
        store.upsert(cur);
        renderAll();
      }
    }
    const target = li.isConnected ? li : null;
    if (target) itemError(target, text);
    else {
      el.onAirError.textContent = text;
      show(el.onAirError, true);
    }
  }
}

function onClick(ev) {
  const li = ev.target.closest('.q-item[data-question-id]');
  if (!li) return;
  const actionBtn = ev.target.closest('[data-action]');
  if (actionBtn) {
    const action = actionBtn.dataset.action;
    if (FORMS[action]) toggleForm(li, action);
    else act(li, action, actionBtn);
    return;
  }
  const confirmBtn = ev.target.closest('[data-confirm]');
  if (confirmBtn) {
    act(li, confirmBtn.dataset.confirm, confirmBtn);
    return;
  }
  const cancel = ev.target.closest('[data-cancel]');
  if (cancel) toggleForm(li, cancel.dataset.cancel);
}

el.queue.addEventListener('click', onClick);
el.answered.addEventListener('click', onClick);
el.onAir.addEventListener('click', onClick);

// ---------------- frames ----------------

const resync = makeResync(slug, store, renderAll);

const pub = publicFrames(store, resync, root.dataset.status, {
  renderOnAir,
  onVotes() {
    renderQueue();
    updateVotes(el.onAir);
  },
  // a question not in my list: only fetch when it may concern my unit
  mayConcern(question) {
    if (!question) return false;
    const u = unitId(question.unit);
    return u === null || myUnit === null || u === myUnit;
  },
});

function onFrame(f) {
  if (pub.handle(f)) return;
  switch (f.type) {
    case 'staff.snapshot':
      store.replaceAll(f.queue || []);
      clear(el.queue);
      clear(el.answered);
      animate = false;
      renderAll();
      animate = true;
      break;
    case 'question.changed':
    case 'question.submitted':
      if (f.question && store.upsert(f.question).applied) renderAll();
      break;
    default:
      break;
  }
}

const banner = bindBanner($('conn-banner'), { forbidden: '您不是本场访谈的嘉宾，或登录已过期，请重新登录。' });
const sock = new LiveSocket(`/ws/events/${encodeURIComponent(slug)}/staff`, {
  resume: false,
  onFrame,
  onState: banner,
});
pub.setStatus();
sock.start();
