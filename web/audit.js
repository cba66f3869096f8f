// audit.js: the audit trail screen for administrators and supervisors (the roles granted
// audit.read): who did what to which record and when, newest first, paged. Break-glass reads
// (an administrator opening a child's case with a stated reason) are marked with a badge so an
// agency's supervisors see them. Filters travel in the hash URL, and they are ids, dates and
// action names only, never a name.
import { h } from './dom.js';
import { t, tOr, has, fmtDateTime } from './i18n.js';
import { get, ApiError } from './api.js';
import { state, navigate, isAdmin } from './state.js';
import { field, onSubmit, clearErrors, fieldError, pageTitle, errorPanel, pager, table } from './ui.js';

const BREAK_GLASS = 'case.read.break_glass';
const AUDIT_ACTIONS = [
  'case.read', BREAK_GLASS, 'case.list', 'case.search', 'case.create', 'case.update', 'case.note',
  'case.assign', 'case.delete', 'case.history', 'case.notes', 'case.purge',
  'session.create', 'session.failed', 'session.delete', 'user.create', 'user.update', 'user.reset',
  'user.password', 'agency.create', 'token.create', 'token.delete', 'db.init', 'db.backup', 'db.restore',
];
const PER = 20;
const SHOW_IDS = 3; // record ids shown at once; the rest fold into a disclosure
const UUID_RE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
const ACTION_RE = /^[a-z._]{1,47}$/;

export const canReadAudit = () => !!state.user && ['admin', 'supervisor'].includes(state.user.role);

// A translated label for the common actions; an action this UI does not know is shown as is.
function actionLabel(a) {
  return tOr(`audit_action.${a}`, a);
}

// An entry is break-glass when it is the break-glass read itself or carries a stated reason
// (an administrator's reads of the same case's notes and history).
const isBreakGlass = (x) => x.action === BREAK_GLASS || (x.reason != null && x.reason !== '');

function auditQuery(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== '' && v !== null && v !== undefined) q.set(k, v);
  return q.toString();
}

function recordIds(x) {
  const ids = x.record_ids || [];
  if (!ids.length) return '—';
  // Supervisors may open their agency's cases; an administrator would need break-glass, so the id is text.
  const link = x.record_type === 'case' && !isAdmin();
  const item = (id) => h('li', null, link
    ? h('a', { href: `#/cases/${encodeURIComponent(id)}`, class: 'record-id', dir: 'ltr' }, id)
    : h('span', { class: 'record-id', dir: 'ltr' }, id));
  const first = h('ul', { class: 'id-list' }, ids.slice(0, SHOW_IDS).map(item));
  if (ids.length <= SHOW_IDS) return first;
  const rest = ids.slice(SHOW_IDS);
  return h('div', null, first,
    h('details', { class: 'more-ids' }, h('summary', null, t('audit.more_ids', { n: rest.length })),
      h('ul', { class: 'id-list' }, rest.map(item))));
}

function auditTable(items) {
  if (!items.length) return h('p', { class: 'empty' }, t('audit.empty'));
  return table(t('audit.title'), [
    [t('audit.time'), (x) => h('time', { datetime: x.at }, fmtDateTime(x.at))],
    [t('audit.user'), (x) => (x.username ? h('bdi', null, x.username) : h('span', { class: 'muted' }, t('audit.system')))],
    [t('audit.action'), (x) => h('div', { class: 'audit-action' },
      h('span', { dir: has(`audit_action.${x.action}`) ? null : 'ltr' }, actionLabel(x.action)),
      isBreakGlass(x) ? [' ', h('span', { class: 'badge badge-breakglass' }, t('audit.break_glass'))] : null)],
    [t('audit.records'), recordIds],
    [t('audit.client'), (x) => (x.client ? h('span', { dir: 'ltr', class: 'client' }, x.client) : '—')],
    [t('audit.reason'), (x) => (x.reason ? h('bdi', { class: 'audit-reason' }, x.reason) : '—')],
  ], items, (x) => (isBreakGlass(x) ? { class: 'row-breakglass' } : null));
}

export async function auditTrail(el, query) {
  const action = query.get('action') || '';
  const since = query.get('since') || '';
  const recordId = (query.get('record_id') || '').trim().toLowerCase();
  const page = Math.max(1, Number(query.get('page')) || 1);
  el.append(pageTitle(t('audit.title')), h('p', { class: 'muted' }, t('audit.intro')));

  const known = AUDIT_ACTIONS.includes(action) || !ACTION_RE.test(action) ? AUDIT_ACTIONS : [...AUDIT_ACTIONS, action];
  const fBreak = field({ name: 'break_glass', label: t('audit.break_glass_only'), type: 'checkbox', value: action === BREAK_GLASS });
  const fAction = field({ name: 'action', label: t('audit.action'), type: 'select', options: known.map((a) => [a, actionLabel(a)]),
    value: action, blankLabel: t('filter.any') });
  const fSince = field({ name: 'since', label: t('audit.since'), type: 'date', value: since });
  const fRecord = field({ name: 'record_id', label: t('audit.record_id'), hint: t('audit.record_id_hint'), value: recordId,
    autocomplete: 'off', spellcheck: 'false', autocapitalize: 'none', dir: 'ltr', maxlength: 36 });
  const form = h('form', { class: 'filters audit-filters', role: 'search', 'aria-label': t('audit.filters'), novalidate: true },
    fBreak, fAction, fSince, fRecord,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn' }, t('filter.apply')),
      h('a', { href: '#/audit', class: 'btn btn-secondary' }, t('audit.clear'))));
  // The checkbox is a shortcut for one value of the action select: keep the two in step.
  const box = fBreak.control;
  const sel = fAction.control;
  box.addEventListener('change', () => {
    if (box.checked) sel.value = BREAK_GLASS;
    else if (sel.value === BREAK_GLASS) sel.value = '';
  });
  sel.addEventListener('change', () => { box.checked = sel.value === BREAK_GLASS; });

  const check = (f) => {
    let bad = false;
    if (f.record_id && !UUID_RE.test(f.record_id)) bad = fieldError(form, 'record_id', t('audit.bad_record_id')) || bad;
    if (f.since && !DATE_RE.test(f.since)) bad = fieldError(form, 'since', t('audit.bad_date')) || bad;
    return !bad;
  };
  onSubmit(form, () => {
    clearErrors(form);
    const f = form.elements;
    const next = {
      action: f.break_glass.checked ? BREAK_GLASS : f.action.value,
      since: f.since.value.trim(),
      record_id: f.record_id.value.trim().toLowerCase(),
    };
    if (!check(next)) { form.querySelector('[aria-invalid="true"]').focus(); return; }
    navigate(`#/audit?${auditQuery(next)}`);
  });
  el.append(form);

  const results = h('section', { 'aria-label': t('list.results'), class: 'results audit-results' });
  el.append(results);
  const filters = { action, since, record_id: recordId };
  if (!check(filters)) return;
  try {
    const r = await get(`/api/v1/audit?${auditQuery({ ...filters, page, per: PER })}`);
    results.append(auditTable(r.json.items || []),
      pager(r.json, (p) => navigate(`#/audit?${auditQuery({ ...filters, page: p })}`)));
  } catch (err) {
    // A filter the server refused is shown next to its field; anything else above the results.
    if (err instanceof ApiError && err.status === 422 && err.field && fieldError(form, err.field, err.message)) return;
    results.append(errorPanel(err));
  }
}
