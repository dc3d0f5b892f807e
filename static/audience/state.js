// The audience page's shared state: its elements, what the feed holds, the viewer's +1s.
import { store } from '../dom.js';
import { limits } from '../labels.js';

export const root = document.getElementById('event-page');
export const slug = root.dataset.slug;
export const $ = (id) => document.getElementById(id);

export const el = {
  status: $('ev-status'),
  countdown: $('ev-countdown'),
  title: root.querySelector('.ev-title'),
  time: root.querySelector('.ev-time'),
  desc: root.querySelector('.ev-desc'),
  guests: root.querySelector('.guests'),
  guestList: root.querySelector('.guest-list'),
  closed: $('closed-banner'),
  onAir: $('on-air'),
  messagesSection: $('messages-section'),
  messages: $('messages'),
  answered: $('answered'),
  answeredEmpty: $('answered-empty'),
  answeredCount: $('answered-count'),
  published: $('published'),
  publishedEmpty: $('published-empty'),
  publishedCount: $('published-count'),
  transferredBox: $('transferred-box'),
  transferred: $('transferred'),
  viewers: $('viewers'),
  received: $('stat-received'),
  statPublished: $('stat-published'),
  statAnswered: $('stat-answered'),
  askTitle: $('ask-title'),
  askMode: $('ask-mode'),
  askForm: $('ask-form'),
  askText: $('ask-text'),
  askCount: $('ask-count'),
  askUnit: $('ask-unit'),
  askNick: $('ask-nickname'),
  askContact: $('ask-contact'),
  askContactSent: $('ask-contact-sent'),
  askContactTo: $('ask-contact-to'),
  askRemember: $('ask-remember'),
  askSign: $('ask-sign'),
  askSubmit: $('ask-submit'),
  askError: $('ask-error'),
  askResult: $('ask-result'),
  askLink: $('ask-tracking-link'),
  askRating: $('ask-rating-code'),
  askClosed: $('ask-closed'),
  askNotYet: $('ask-not-yet'),
  myBox: $('panel-mine'),
  myList: $('my-questions'),
  myEmpty: $('my-empty'),
  voteError: $('vote-error'),
};

export const MAX_TEXT = limits.question_chars;
export const VOTES_KEY = `wzft.votes.${slug}`;
export const PENDING_KEY = `wzft.pending.${slug}`;
export const MY_KEY = 'wzft.myq';
export const NICK_KEY = 'wzft.nickname'; // only while 记住昵称 is ticked

export const state = {
  event: null,
  status: root.dataset.status,
  onAir: null,
  answered: [],
  published: [],
  messages: [],
  transferred: [],
  stats: null,
};

// what changes as the page works (module bindings cannot be assigned from other modules)
export const view = {
  sortMode: 'new',
  animate: false, // highlight items that arrive live, not those of a snapshot
  sock: null, // the live socket, once the page has opened it
};
export const voted = new Set((store.get(VOTES_KEY, []) || []).map(Number));
