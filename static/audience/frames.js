// The live frames: how each one changes what the page holds, then what it redraws.
import { onAskOk, onError } from './ask.js';
import {
  announceOnAir, hideToast, renderAll, renderAnswered, renderEvent, renderMessages, renderOnAir, renderPublished,
  renderStats, renderStatus, renderTransferred,
} from './render.js';
import { el, state, view } from './state.js';
import { clear } from '../dom.js';

export function removeFrom(list, id) {
  const i = list.findIndex((q) => q.id === id);
  if (i >= 0) list.splice(i, 1);
}

export function upsertFront(list, q) {
  const i = list.findIndex((x) => x.id === q.id);
  if (i >= 0) list[i] = q;
  else list.unshift(q);
}

export function placeQuestion(q) {
  // put a public question where its status says it belongs
  removeFrom(state.published, q.id);
  removeFrom(state.answered, q.id);
  if (state.onAir && state.onAir.id === q.id && q.status !== 'on_air') state.onAir = null;
  if (q.status === 'approved') upsertFront(state.published, q);
  else if (q.status === 'on_air') state.onAir = q;
  else if (q.status === 'answered') upsertFront(state.answered, q);
}

// A public frame moved a question to `status`: place it and redraw the
// on-air box and the waiting list, which it may have joined or left.
export function moveQuestion(q, status) {
  placeQuestion({ ...q, status });
  renderOnAir();
  renderPublished();
}

// Screen readers hear each new answer once (the answered list itself is not a live region's text).
function announceAnswer(q) {
  const region = document.getElementById('answer-announcer');
  if (!region) return;
  const by = q.answer && q.answer.by && q.answer.by.name ? q.answer.by.name : '嘉宾';
  region.textContent = `新回答：${by}回答了“${q.text}”。${q.answer ? q.answer.text : ''}`;
}

export function applyFrame(f) {
  switch (f.type) {
    case 'snapshot':
      state.event = f.event || state.event;
      if (state.event && state.event.status) state.status = state.event.status;
      state.onAir = f.on_air || null;
      state.answered = Array.isArray(f.answered) ? f.answered.slice() : [];
      state.published = Array.isArray(f.published) ? f.published.slice() : [];
      state.messages = Array.isArray(f.messages) ? f.messages.slice() : [];
      state.transferred = [];
      if (f.stats) state.stats = f.stats;
      // start from a clean slate so nothing stale survives
      clear(el.published);
      clear(el.answered);
      clear(el.messages);
      clear(el.transferred);
      el.onAir.dataset.key = '';
      view.animate = false;
      renderAll();
      view.animate = true;
      break;
    case 'question.unpublished': {
      // taken back for review: gone from every list until it is approved again
      const id = Number(f.question_id);
      removeFrom(state.published, id);
      removeFrom(state.answered, id);
      if (state.onAir && state.onAir.id === id) state.onAir = null;
      state.transferred = state.transferred.filter((t) => t.question.id !== id);
      renderOnAir();
      renderPublished();
      renderAnswered();
      renderTransferred();
      break;
    }
    case 'question.published':
    case 'question.updated':
    case 'answer.corrected':
      if (f.question) {
        const q = f.question;
        if (f.type !== 'question.published') {
          // keep its place, only refresh the content
          for (const list of [state.published, state.answered]) {
            const i = list.findIndex((x) => x.id === q.id);
            if (i >= 0) list[i] = { ...list[i], ...q };
          }
          if (state.onAir && state.onAir.id === q.id) state.onAir = { ...state.onAir, ...q };
        } else {
          placeQuestion({ ...q, status: q.status || 'approved' });
        }
        renderOnAir();
        renderPublished();
        renderAnswered();
      }
      break;
    case 'question.on_air':
      if (f.question) {
        if (state.onAir && state.onAir.id !== f.question.id) {
          // only one question is on air; the previous one goes back to waiting
          const prev = state.onAir;
          state.onAir = null;
          if (prev.status === 'on_air') upsertFront(state.published, { ...prev, status: 'approved' });
        }
        moveQuestion(f.question, 'on_air');
        announceOnAir();
      }
      break;
    case 'question.off_air':
      if (f.question) moveQuestion(f.question, 'approved');
      break;
    case 'answer.posted':
      hideToast();
      if (f.question) {
        moveQuestion(f.question, 'answered');
        renderAnswered();
        announceAnswer(f.question);
      }
      break;
    case 'question.transferred':
      if (f.question) {
        const q = f.question;
        moveQuestion(q, 'transferred');
        if (!state.transferred.some((t) => t.question.id === q.id)) {
          state.transferred.unshift({ question: q, caseId: f.case_id ?? null });
        }
        renderTransferred();
      }
      break;
    case 'votes':
      if (f.counts) {
        for (const list of [state.published, state.answered, state.onAir ? [state.onAir] : []]) {
          for (const q of list) {
            const n = f.counts[String(q.id)];
            if (typeof n === 'number') q.votes = n;
          }
        }
        renderOnAir();
        renderPublished();
        renderAnswered();
      }
      break;
    case 'host.message':
      if (f.message && !state.messages.some((x) => x.id !== undefined && x.id === f.message.id)) {
        state.messages.push(f.message);
        renderMessages();
      }
      break;
    case 'event.updated':
      if (f.event) {
        state.event = { ...(state.event || {}), ...f.event };
        renderEvent();
        renderStatus(); // collection may have opened or closed
      }
      break;
    case 'event.status':
      if (f.event) state.event = f.event;
      state.status = f.status || (f.event && f.event.status) || state.status;
      renderEvent();
      renderStatus();
      renderOnAir();
      renderPublished();
      break;
    case 'stats':
      state.stats = { ...(state.stats || {}), ...(f.stats || f) };
      renderStats();
      break;
    case 'ask.ok':
      onAskOk(f);
      break;
    case 'error':
      onError(f);
      break;
    default:
      break; // pong, vote.ok and unknown frames
  }
}
