// Screening flags on a text, for any console that reviews what netizens wrote (the desk's
// questions, the board console's submissions): the original text with the flagged spans
// highlighted, the list of flags with their Chinese names, and the suggested redactions.
// No desk state here: a page imports it without the desk.
import { applySuggestions, flagName, flagSegments, h } from '../dom.js';
import { label } from '../labels.js';

// flags about the whole text are listed, not highlighted (they would hide the spans inside)
export const WHOLE_TEXT_KINDS = new Set(['duplicate', 'spam.flood', 'spam.empty']);

function flagsOf(q) {
  return Array.isArray(q.flags) ? q.flags : [];
}

export function originalText(q) {
  const text = q.original_text ?? q.text ?? '';
  const flags = flagsOf(q).filter((f) => !WHOLE_TEXT_KINDS.has(f.kind));
  return h('p', { class: 'q-text q-original' },
    flagSegments(text, flags).map((s) => (s.flag
      ? h('mark', { class: ['flag', `flag-${String(s.flag.kind || '').split('.')[0]}`], title: flagName(s.flag.kind) }, s.text)
      : s.text)));
}

export function duplicateOf(f) {
  return f.question ?? f.other ?? f.duplicate_of ?? f.of ?? f.question_id ?? null;
}

export function flagList(q) {
  const flags = flagsOf(q);
  if (!flags.length) return null;
  return h('ul', { class: 'flag-list', 'aria-label': '自动筛查提示' },
    flags.map((f) => {
      const dup = f.kind === 'duplicate' ? duplicateOf(f) : null;
      return h('li', { class: ['flag-chip', `flag-chip-${String(f.kind || '').split('.')[0]}`] },
        h('strong', null, flagName(f.kind)),
        f.text && f.kind !== 'duplicate' ? ` “${f.text}”` : '',
        f.detail ? `（${label('flag_detail', f.detail)}）` : '',
        f.suggestion ? ` → ${f.suggestion}` : '',
        dup ? ` 与 #${dup} 相似${typeof f.score === 'number' ? `（${Math.round(f.score * 100)}%）` : ''}` : '',
        f.level === 'block' ? ' · 建议驳回' : '');
    }));
}

// the personal-data flags that carry a suggested redaction
export function redactable(q) {
  return flagsOf(q).filter((f) => String(f.kind).startsWith('pii.') && typeof f.suggestion === 'string');
}

// the original text with every suggested redaction applied (the desk's `s`)
export function redacted(q) {
  return applySuggestions(q.original_text ?? q.text ?? '', flagsOf(q));
}
