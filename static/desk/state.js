// The desk's shared state: the page's data, the question store and what this console holds.
import { QuestionStore, parseUnits } from '../staff.js';
import { limits } from '../labels.js';

export const $ = (id) => document.getElementById(id);
export const root = $('moderate');
export const slug = root.dataset.slug;
export const me = { username: root.dataset.username, role: root.dataset.role };
export const units = parseUnits(root);

function parseJson(value, fallback) {
  try {
    const v = JSON.parse(value || '');
    return v ?? fallback;
  } catch {
    return fallback;
  }
}
// the active rejection reasons [{code, text}] (admins edit them at /studio/reasons)
export const REASONS = parseJson(root.dataset.reasons, []);
export const CLAIM_SECONDS = Number(root.dataset.claimSeconds) || 90;
export const STATUS_ORDER = ['pending', 'approved', 'on_air', 'answered', 'rejected', 'merged', 'transferred'];
export { limits };

export const store = new QuestionStore();
export const resolved = new Map(); // id -> {text, at}: pending items someone else handled
export const notes = new Map(); // id -> text: still pending, but changed by someone else
export const claims = new Map(); // question id -> {by, until (ms, local clock)}
export const selected = new Set(); // ids selected for bulk
export const filters = { flagged: false, unit: '', kind: '', sort: 'time' };

// what changes as the console works (module bindings cannot be assigned from other modules)
export const desk = {
  animate: false, // highlight live arrivals, not snapshot contents
  messages: [],
  presence: [],
  current: null, // id of the question under the cursor
  myClaim: null, // id of the question this console claims
  claimTimer: null,
  pub: null, // the public frames' handler (on air, status)
};

export const el = {
  queue: $('queue'),
  queueEmpty: $('queue-empty'),
  approved: $('approved'),
  approvedEmpty: $('approved-empty'),
  approvedCount: $('approved-count'),
  handled: $('handled'),
  handledCount: $('handled-count'),
  onAir: $('on-air'),
  presence: $('presence'),
  hostText: $('host-text'),
  hostSend: $('host-send'),
  hostError: $('host-error'),
  hostList: $('host-messages'),
  oldest: $('oldest-wait'),
  fFlagged: $('filter-flagged'),
  fUnit: $('filter-unit'),
  fKind: $('filter-kind'),
  fSort: $('filter-sort'),
  shown: $('queue-shown'),
  bulkBar: $('bulk-bar'),
  bulkCount: $('bulk-count'),
  bulkReason: $('bulk-reason'),
  bulkResults: $('bulk-results'),
  help: $('help'),
};

export const byAskedAsc = (a, b) => (Date.parse(a.asked_at) || 0) - (Date.parse(b.asked_at) || 0) || a.id - b.id;
