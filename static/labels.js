// The names and limits of the page, as the server defines them (studio/labels.py and the
// settings): read once from the page's <script type="application/json" id="studio-config">
// block, which base.html renders on every page. Scripts never state a label or a length.

function readConfig() {
  const node = typeof document === 'undefined' ? null : document.getElementById('studio-config');
  try {
    return JSON.parse(node ? node.textContent : '{}') || {};
  } catch {
    return {};
  }
}

const config = readConfig();

export const labels = config.labels || {};
export const limits = config.limits || {};

export function label(kind, code) {
  const names = labels[kind] || {};
  return names[code] || code || '';
}
