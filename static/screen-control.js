// The desk's choice of what the big screen shows (POST /api/events/{slug}/screen): the question
// on air (default), a host message or one answered Q&A. The choices are the event's host
// messages and answered questions (its transcript), read again whenever the list is opened.
import { get, post } from './api.js';
import { excerpt, h, setChildren } from './dom.js';

const root = document.getElementById('moderate');
const slug = encodeURIComponent(root.dataset.slug);
const choice = document.getElementById('screen-choice');
const send = document.getElementById('screen-send');
const now = document.getElementById('screen-now');
const error = document.getElementById('screen-error');

function describe(view) {
  if (view.show === 'message' && view.message) return `主持人发言：${excerpt(view.message.text, 30)}`;
  if (view.show === 'question' && view.question) return `问答：${excerpt(view.question.text, 30)}`;
  return '正在回答的问题';
}

function showNow(view) {
  now.textContent = describe(view);
  choice.value = view.show === 'on_air' ? 'on_air'
    : `${view.show}:${view.show === 'message' ? view.message.id : view.question.id}`;
}

async function loadChoices() {
  const selected = choice.value;
  let transcript;
  try {
    transcript = await get(`/api/events/${slug}/transcript`);
  } catch {
    return;
  }
  const messages = transcript.items.filter((item) => item.kind === 'message').reverse();
  const answered = transcript.items.filter((item) => item.kind === 'qa').reverse();
  setChildren(choice,
    h('option', { value: 'on_air', text: '正在回答的问题（默认）' }),
    messages.length ? h('optgroup', { label: '主持人发言' },
      messages.map((m) => h('option', { value: `message:${m.id}`, text: excerpt(m.text, 40) }))) : null,
    answered.length ? h('optgroup', { label: '已回答的问题' },
      answered.map((item) => h('option', { value: `question:${item.question.id}`, text: excerpt(item.question.text, 40) }))) : null);
  if ([...choice.options].some((o) => o.value === selected)) choice.value = selected;
}

async function choose() {
  const [show, id] = choice.value.split(':');
  const body = { show };
  if (id) body[show] = Number(id);
  error.hidden = true;
  send.disabled = true;
  try {
    showNow(await post(`/api/events/${slug}/screen`, body));
  } catch (e) {
    error.textContent = e.message;
    error.hidden = false;
  } finally {
    send.disabled = false;
  }
}

choice.addEventListener('focus', loadChoices);
send.addEventListener('click', choose);
loadChoices().then(async () => {
  try {
    showNow(await get(`/api/events/${slug}/screen`));
  } catch { /* the line keeps its default */ }
});
