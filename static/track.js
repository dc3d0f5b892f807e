// Tracking page: re-render the parcel-style status on every `track` frame.
import { h, clear, fmtDateTime, unitName, personLine, Q_STATUS, CASE_STATUS } from './dom.js';
import { labels } from './labels.js';
import { LiveSocket, bindBanner } from './live.js';

const TIMELINE = labels.question_timeline || {};
const SUPPORT = labels.support || {};
const ASKER = labels.asker_action || {};

const root = document.getElementById('track');
const code = root.dataset.trackingCode;
const body = document.getElementById('track-body');

const EXPLAIN = {
  pending: '您的问题已提交，正在等待审核，审核通过后将公开显示。',
  approved: '您的问题已通过审核并公开，正在等待嘉宾回答。',
  on_air: '嘉宾正在回答您的问题，',
  answered: '您的问题已得到嘉宾回答。',
  rejected: '很抱歉，您的问题未通过审核。',
  transferred: '您的问题已转至留言板，由办理单位限时办理。',
  merged: '您的问题已与相同问题合并（同问）。',
  retracted: '您已撤回这个问题：它不再审核，也不会公开。',
  withdrawn: '您的问题公开后已撤回复核：工作人员正在重新审核公开内容，审核通过后将再次公开。',
};

function steps(t, st) {
  const names = (codes) => codes.map((code) => Q_STATUS[code] || CASE_STATUS[code] || code);
  if (st === 'rejected') return { list: names(['submitted', 'pending', 'rejected']), cur: 2, fail: true };
  if (st === 'retracted') return { list: names(['submitted', 'retracted']), cur: 1, final: true };
  if (st === 'transferred') {
    const replied = !!(t.case && t.case.status === 'replied');
    return { list: names(['submitted', 'pending', 'approved', 'transferred', 'replied']), cur: replied ? 4 : 3, final: replied };
  }
  const idx = { submitted: 0, pending: 1, approved: 2, on_air: 3, answered: 4 };
  return { list: names(['submitted', 'pending', 'approved', 'on_air', 'answered']), cur: idx[st] ?? 1, final: st === 'answered' };
}

function time(s) {
  return s ? h('time', { datetime: s }, fmtDateTime(s)) : null;
}

function card(title, ...children) {
  return h('section', { class: 'card' }, h('h2', { class: 'card-title' }, title), ...children);
}

// What the asker can do now on the board case (t.actions, as templates/_asker_actions.html shows
// them): each action has its branch here; an action added to studio.board.support.asker_actions
// gets one too.
function askerActions(t, c) {
  const count = c.supports || 0;
  const items = (t.actions || []).map((action) => {
    if (action === 'rate') {
      return h('li', { dataset: { askerAction: action } },
        h('a', { class: 'btn primary', href: `/board/cases/${encodeURIComponent(c.id)}#rating` }, ASKER.rate || action),
        h('span', { class: 'hint' }, '办理单位已答复：凭您的评价码评价本轮答复（不满意将重新办理一次）。'));
    }
    return null;
  }).filter(Boolean);
  return h('section', { class: ['card', 'track-actions'], id: 'track-actions', 'aria-labelledby': 'track-actions-title' },
    h('h2', { class: 'card-title', id: 'track-actions-title' }, '您现在可以'),
    h('p', { class: 'track-supports' }, h('strong', { id: 'track-supports' }, String(count)), ` ${SUPPORT.count || ''}`,
      count ? '：其他网友也遇到了同样的问题，同问人数随诉求件公开' : ''),
    items.length ? h('ul', { class: 'asker-actions' }, items)
      : h('p', { class: 'muted' }, `暂时无需您操作${c.status === 'open' ? '：办理单位答复后，可凭评价码评价' : ''}。`));
}

function render(t) {
  const merged = t.status === 'merged';
  const st = merged && t.followed_status ? t.followed_status : t.status;
  const out = [];
  const sp = steps(t, st);
  out.push(h('section', { class: ['card', 'track-status', `track-${st}`] },
    h('p', { class: 'track-now-label' }, '当前状态'),
    h('p', { class: 'track-now' },
      h('span', { id: 'track-status', class: ['badge', 'badge-lg', `badge-q-${st}`], dataset: { status: st } }, Q_STATUS[st] || st),
      merged ? [' ', h('span', { class: 'badge badge-lg badge-q-merged' }, Q_STATUS.merged)] : null),
    h('p', { class: 'track-explain' },
      (st === 'pending' && t.withdrawn ? EXPLAIN.withdrawn : EXPLAIN[st]) || '处理中。',
      st === 'on_air' && t.event ? [h('a', { href: `/events/${encodeURIComponent(t.event.slug)}` }, '去直播页面收看'), '。'] : null),
    h('ol', { class: 'steps', 'aria-label': '处理进度' },
      sp.list.map((label, i) => h('li', {
        class: ['step', (i < sp.cur || (sp.final && i === sp.cur)) && 'is-done', i === sp.cur && 'is-current', i === sp.cur && sp.fail && 'is-fail'],
      }, h('span', { class: 'step-dot', 'aria-hidden': 'true' }), h('span', { class: 'step-label' }, label))))));

  if (merged && t.merged_into) {
    out.push(h('p', { class: 'notice' }, `您的问题与其他网友的相同问题已合并（同问），处理进度随合并后的问题 #${t.merged_into} 更新。`));
  }
  if (st === 'rejected') {
    out.push(h('section', { class: ['card', 'track-reason'] },
      h('h2', { class: 'card-title' }, '未通过原因'),
      h('p', { id: 'track-reason' }, t.reason || '未说明'),
      h('p', { class: 'hint' }, '如有具体诉求，可修改后重新提问，或到', h('a', { href: '/board' }, '留言板'), '了解办理渠道。')));
  }
  if (t.text_public) {
    out.push(card('公开内容', h('p', { class: 'q-text' }, t.text_public)));
  }
  if (t.answer) {
    out.push(h('section', { class: ['card', 'track-answer'] },
      h('h2', { class: 'card-title' }, '嘉宾回答'),
      h('p', { class: 'qa-by' }, personLine(t.answer.by) || '嘉宾', t.answer.at ? [' · ', time(t.answer.at)] : null),
      h('p', { class: 'a-text' }, t.answer.text || '')));
  }
  if (t.case) {
    const c = t.case;
    out.push(h('section', { class: ['card', 'track-case'] },
      h('h2', { class: 'card-title' }, '留言板办理'),
      h('dl', { class: 'kv' },
        h('div', null, h('dt', null, '办理单位'), h('dd', null, unitName(c.unit) || labels.case_stage.routing)),
        h('div', null, h('dt', null, '办理状态'), h('dd', null, CASE_STATUS[c.status] || c.status || '')),
        c.due_at ? h('div', null, h('dt', null, '办理时限'), h('dd', null, `${fmtDateTime(c.due_at)} 前`)) : null),
      h('p', null, h('a', { class: 'btn', href: `/board/cases/${encodeURIComponent(c.id)}` }, '查看办理详情'))));
    if (c.kind !== 'post') out.push(askerActions(t, c));
  }

  let aired = false;
  const items = [];
  for (const e of t.timeline || []) {
    const key = e.status === 'approved' && aired ? 'approved_again' : e.status;
    const label = TIMELINE[key] || Q_STATUS[e.status] || e.status;
    if (e.status === 'on_air') aired = true;
    items.unshift({ label, e });
  }
  out.push(card('处理记录', h('ol', { id: 'track-timeline', class: 'timeline' },
    items.map(({ label, e }, i) => h('li', { class: ['tl-item', i === 0 && 'is-latest', `tl-${e.status}`] },
      h('span', { class: 'tl-dot', 'aria-hidden': 'true' }),
      h('p', { class: 'tl-title' }, label),
      e.status === 'rejected' && t.reason ? h('p', { class: 'tl-note' }, `原因：${t.reason}`) : null,
      h('p', { class: 'tl-time' }, time(e.at)))))));

  clear(body);
  for (const node of out) body.appendChild(node);
  const retract = document.getElementById('track-retract');
  if (retract) retract.hidden = !t.retractable;
}

const banner = bindBanner(document.getElementById('conn-banner'), { gone: '查询码无效或问题不存在。' });
const sock = new LiveSocket(`/ws/track/${encodeURIComponent(code)}`, {
  resume: false,
  onState: banner,
  onFrame(f) {
    if (f.type === 'track') render(f.tracking || f);
  },
});
sock.start();
