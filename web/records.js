// records.js: the screens every record type shares — list, create/edit with its forms (PATCH of
// what changed with If-Match; 412 and 422 handled), and the view: forms read back, workflow,
// record details, change history, and an administrator's break-glass reason. TYPES makes them
// a case's, a family's, an incident's or a tracing request's; cases.js adds caseload, search,
// notes and assignment.
import { h, add } from './dom.js';
import { t, tOr, fmtDateTime, fmtList } from './i18n.js';
import { get, post, patch, ifMatch } from './api.js';
import { state, navigate, isAdmin, caseHeaders, canCreateCases } from './state.js';
import {
  field, onSubmit, showApiError, staleError, clearErrors, fieldError, formError, announce, pageTitle, errorPanel,
  errorText, pager, table, dl, noticeText,
} from './ui.js';
import { loadSchema } from './schema.js';
import { formEditor } from './forms.js';
import { formsRead, formatValue, placesIn } from './formview.js';
import { workflowPanel, stageBadge } from './workflow.js';
import { person } from './people.js';
import { referralStatusLabel } from './referrals.js';
import { transferStatusLabel } from './transfers.js';

const PER = 20;
const role = () => state.user && state.user.role;

export function childName(d, hiddenFields) {
  const n = [d && d.name_first, d && d.name_last].filter(Boolean).join(' ');
  if (n) return n;
  return (hiddenFields || []).includes('name_first') ? t('case.name_hidden') : t('case.no_name');
}

// What differs between record types; readers and creators follow config/roles.json.
const TYPES = {
  case: {
    api: '/api/v1/cases', hash: '#/cases',
    name: (r) => childName(r.data, r.hidden_fields),
    mayCreate: canCreateCases,
    list: () => t('cases.title'), new: () => t('case.new_title'), editTitle: (id) => t('case.edit_title', { id }),
    edit: () => t('case.edit'), save: () => t('case.save'), saved: (id) => t('case.saved', { id }),
  },
  family: {
    api: '/api/v1/families', hash: '#/families', readers: ['supervisor', 'caseworker'], creators: ['supervisor', 'caseworker'],
    name: (r) => (r.data && r.data.family_name) || t('family.no_name'),
    list: () => t('family.list'), new: () => t('family.new_title'), editTitle: (id) => t('family.edit_title', { id }),
    edit: () => t('family.edit'), save: () => t('family.save'), saved: (id) => t('family.saved', { id }),
  },
  incident: {
    api: '/api/v1/incidents', hash: '#/incidents',
    readers: ['supervisor', 'caseworker', 'screener'], creators: ['supervisor', 'caseworker', 'screener'],
    name: (r, schema) => {
      const d = r.data && r.data.inc_date;
      const f = schema && schema.field('inc_date');
      return d && f ? formatValue(schema, f, d) : t('incident.no_date');
    },
    list: () => t('incident.list'), new: () => t('incident.new_title'), editTitle: (id) => t('incident.edit_title', { id }),
    edit: () => t('incident.edit'), save: () => t('incident.save'), saved: (id) => t('incident.saved', { id }),
  },
  tracing_request: {
    api: '/api/v1/tracing_requests', hash: '#/tracing_requests',
    readers: ['supervisor', 'caseworker'], creators: ['supervisor', 'caseworker'],
    name: (r) => (r.data && r.data.inq_name) || t('tracing.no_name'),
    // The list's summary holds each child sought, reduced to their names.
    columns: [[() => t('tracing.sought'), (x) => sought(x.data)]],
    list: () => t('tracing.list'), new: () => t('tracing.new_title'), editTitle: (id) => t('tracing.edit_title', { id }),
    edit: () => t('tracing.edit'), save: () => t('tracing.save'), saved: (id) => t('tracing.saved', { id }),
  },
};

// The children a tracing request seeks, each name in its own bidi isolate (one may be in
// Arabic, the next in Latin letters), or a dash.
function sought(d) {
  const rows = (d && Array.isArray(d.tr_children)) ? d.tr_children : [];
  if (!rows.length) return '—';
  const names = rows.map((c) => [c.name_first, c.name_last].filter(Boolean).join(' ') || t('tracing.unnamed'));
  // The list's words (", " and " and ") in the page's language, around isolated names.
  const marks = names.map((_, i) => `\u0000${i}\u0000`);
  return fmtList(marks).split(/\u0000(\d+)\u0000/).map((part, i) => (i % 2 ? h('bdi', null, names[Number(part)]) : part));
}

export const mayBrowse = (type) => (TYPES[type].readers || []).includes(role());
const mayCreate = (type) => (TYPES[type].mayCreate ? TYPES[type].mayCreate() : (TYPES[type].creators || []).includes(role()));

// Text in its own bidi isolate (names may be in another script than the page), or a dash.
const iso = (text) => (text ? h('bdi', null, text) : '—');

/* ---------- list (families, incidents, tracing requests) ---------- */

export async function recordList(el, query, type) {
  const T = TYPES[type];
  const page = Math.max(1, Number(query.get('page')) || 1);
  el.append(pageTitle(T.list()));
  if (mayCreate(type)) el.append(h('p', null, h('a', { href: `${T.hash}/new`, class: 'btn' }, T.new())));
  const [r, schema] = await Promise.all([get(`${T.api}?page=${page}&per=${PER}`), loadSchema(type)]);
  const items = r.json.items || [];
  el.append(h('section', { 'aria-label': t('list.results') },
    items.length ? table(T.list(), [
      [t('record.record'), (x) => h('a', { href: `${T.hash}/${x.id}`, class: 'case-link' },
        h('span', { class: 'display-id' }, x.display_id), ' ', h('bdi', null, T.name(x, schema)))],
      ...(T.columns || []).map(([label, cell]) => [label(), cell]),
      [t('workflow.stage'), (x) => stageBadge(schema, x.stage)],
      [t('case.owner'), (x) => iso(person(x.owner))],
      [t('case.updated'), (x) => fmtDateTime(x.updated_at)],
    ], items) : h('p', { class: 'empty' }, t('record.none')),
    pager(r.json, (p) => navigate(`${T.hash}?page=${p}`))));
}

/* ---------- create / edit ---------- */

// "3 answers restricted to Supervisor, Caseworker are not shown": the role sees that
// something is there without seeing it.
function hiddenNotice(schema, rec) {
  const names = rec.hidden_fields || [];
  if (!names.length) return null;
  const roles = [...new Set(names.flatMap((n) => (schema.field(n) && schema.field(n).sensitive) || []))];
  return h('p', { class: 'notice notice-quiet' }, roles.length
    ? t('record.hidden', { n: names.length, roles: fmtList(roles.map((x) => t(`role.${x}`))) })
    : t('record.hidden_some', { n: names.length }));
}

// extra.beforeCreate({data, form, saveAnyway}) -> Promise<boolean>: asked before a new record
// is saved (the duplicate warning of a case); false holds the save until saveAnyway() is called.
export async function recordForm(el, query, type, id, extra = {}) {
  const T = TYPES[type];
  const [rec, schema] = await Promise.all([
    id ? get(`${T.api}/${id}`, { headers: caseHeaders(id) }).then((r) => r.json) : null, loadSchema(type)]);
  if (rec ? !(rec.access && rec.access.can_edit) : !mayCreate(type)) {
    el.append(pageTitle(rec ? T.editTitle(rec.display_id) : T.new()), errorPanel({ status: 403, message: '' }));
    return;
  }
  el.append(pageTitle(rec ? T.editTitle(rec.display_id) : T.new()));
  if (rec) add(el, [h('p', { class: 'muted' }, h('bdi', null, T.name(rec, schema))), hiddenNotice(schema, rec)]);
  const editor = await formEditor({ schema, record: rec, role: role(), formId: query.get('form'), fieldPath: query.get('field') });
  const back = rec ? `${T.hash}/${rec.id}` : (type === 'case' ? '#/' : T.hash);
  const form = h('form', { class: 'form record-form', novalidate: true }, editor.el,
    h('div', { class: 'actions form-save' },
      h('button', { type: 'submit', class: 'btn' }, T.save()),
      h('a', { href: back, class: 'btn btn-secondary' }, t('common.cancel'))));

  let anyway = false; // the person chose to save despite what beforeCreate showed
  onSubmit(form, async () => {
    clearErrors(form);
    if (!editor.check(form)) return;
    const data = editor.patch();
    const skip = anyway;
    anyway = false;
    if (!rec && extra.beforeCreate && !skip
      && !(await extra.beforeCreate({ data, form, saveAnyway: () => { anyway = true; form.requestSubmit(); } }))) return;
    try {
      let saved;
      if (!rec) {
        saved = (await post(T.api, { data })).json;
      } else {
        if (Object.keys(data).length === 0) {
          announce(t('case.no_changes'));
          navigate(back);
          return;
        }
        saved = (await patch(`${T.api}/${rec.id}`, { data },
          { headers: { ...ifMatch(rec.version), ...caseHeaders(rec.id) } })).json;
      }
      announce(T.saved(saved.display_id || ''));
      navigate(`${T.hash}/${saved.id}`);
    } catch (err) {
      if (staleError(form, err, () => navigate(`${T.hash}/${rec.id}/edit`))) return;
      if (err.status === 422 && editor.showError(form, err)) return;
      if (err.status === 422) { formError(form, errorText(err)).focus(); return; }
      showApiError(form, err);
    }
  });
  el.append(form);
  // After the router has put the page up (and focused its heading): the question a link named.
  if (query.get('field')) setTimeout(() => editor.focusField(query.get('field')), 0);
}

/* ---------- view ---------- */

function breakGlass(el, hash, id) {
  el.append(pageTitle(t('breakglass.title')), h('p', { class: 'notice' }, t('breakglass.explain')));
  const reason = field({ name: 'reason', label: t('breakglass.reason'), type: 'textarea', required: true, rows: 3, maxlength: 500 });
  const form = h('form', { class: 'form', novalidate: true }, reason,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn' }, t('breakglass.open')),
      h('a', { href: '#/', class: 'btn btn-secondary' }, t('common.cancel'))));
  onSubmit(form, () => {
    clearErrors(form);
    const text = form.elements.reason.value.trim();
    if (text.length < 5) { fieldError(form, 'reason', t('breakglass.too_short')); form.elements.reason.focus(); return; }
    state.accessReasons.set(id, text);
    navigate(`${hash}/${id}`);
  });
  el.append(form);
}

// extra (cases): {load(id, headers) -> Promise, panels(record, settledLoad) -> Promise<[Node]>}
export async function recordView(el, query, type, id, extra = {}) {
  const T = TYPES[type];
  if (isAdmin() && !state.accessReasons.has(id)) { breakGlass(el, T.hash, id); return; }
  const hdr = caseHeaders(id);
  const [cr, hr, xr, sr] = await Promise.allSettled([
    get(`${T.api}/${id}`, { headers: hdr }),
    get(`${T.api}/${id}/history`, { headers: hdr }),
    extra.load ? extra.load(id, hdr) : null,
    loadSchema(type),
  ]);
  if (cr.status === 'rejected') throw cr.reason;
  if (sr.status === 'rejected') throw sr.reason;
  const c = cr.value.json;
  const schema = sr.value;
  const canEdit = !!(c.access && c.access.can_edit);
  const editHref = (formId, fieldName) => `${T.hash}/${c.id}/edit?form=${encodeURIComponent(formId)}${fieldName ? `&field=${encodeURIComponent(fieldName)}` : ''}`;

  const title = pageTitle(c.display_id);
  title.append(' ', h('bdi', { class: 'title-name' }, T.name(c, schema)));
  el.append(title);
  if (state.accessReasons.has(id)) el.append(h('p', { class: 'notice' }, t('breakglass.active')));
  for (const n of (c.notices || []).map(noticeText).filter(Boolean)) el.append(h('p', { class: 'notice' }, n));
  const notice = hiddenNotice(schema, c);
  if (notice) el.append(notice);
  if (canEdit) el.append(h('div', { class: 'actions' }, h('a', { href: `${T.hash}/${c.id}/edit`, class: 'btn' }, T.edit())));
  el.append(workflowPanel(schema, c, { api: T.api + '/' + c.id, editHref, done: () => navigate(`${T.hash}/${c.id}`) }));

  const read = await formsRead(schema, c.data || {}, canEdit ? editHref : null);
  el.append(...(read.length ? read : [h('p', { class: 'empty' }, t('record.nothing'))]));

  el.append(h('section', { 'aria-labelledby': 'sec-record', class: 'panel' },
    h('h2', { id: 'sec-record' }, t('case.record')),
    dl([
      [t('case.status'), tOr(`status.${c.status}`, c.status)],
      [t('case.owner'), iso(person(c.owner))],
      [t('case.agency'), iso(c.agency ? c.agency.name : '')],
      [t('case.assigned'), iso(fmtList((c.assigned || []).map(person)))],
      [t('case.created'), fmtDateTime(c.created_at)],
      [t('case.updated'), fmtDateTime(c.updated_at)],
    ])));
  const links = linksPanel(schema, c);
  if (links) el.append(links);
  if (extra.panels) el.append(...await extra.panels(c, xr));
  el.append(await historyPanel(schema, c, hr.status === 'fulfilled' ? hr.value.json.items || [] : null, hr.reason));
}

/* ---------- links ---------- */

// The records this one names in a record field (a family's children's cases) and those that
// name it (the family of a child), as far as the user may read them: display ids only.
function linksPanel(schema, c) {
  const items = [...((c.links && c.links.to) || []), ...((c.links && c.links.from) || [])];
  if (!items.length) return null;
  const label = (l) => {
    const f = schema.field(l.field);
    return f ? f.label : TYPES[l.type] ? TYPES[l.type].list() : l.type;
  };
  return h('section', { 'aria-labelledby': 'sec-links', class: 'panel' },
    h('h2', { id: 'sec-links' }, t('record.links')),
    h('ul', { class: 'links' }, items.map((l) => h('li', null,
      h('a', { href: `${(TYPES[l.type] || TYPES.case).hash}/${l.id}` }, h('span', { class: 'display-id' }, l.display_id)),
      ' · ', label(l)))));
}

/* ---------- history ---------- */

// History rows about the record rather than its forms.
const RECORD_FIELDS = {
  stage: () => t('workflow.stage'), owner: () => t('case.owner'), assigned: () => t('case.assigned'),
  consents: () => t('consent.title'), referrals: () => t('referral.title'), transfers: () => t('transfer.title'),
  tracing_match: () => t('match.history_field'),
};
// A consent, referral or transfer history row holds {decision, purposes, withdrawn} or
// {service, status} or {status}: in words.
function eventText(name, v) {
  const purposes = (list) => fmtList((list || []).map((p) => t(`consent.purpose.${p}`)));
  if (name === 'consents') {
    if ((v.withdrawn || []).length) return `${t('consent.decision.withdrawn')}: ${purposes(v.withdrawn)}`;
    return `${t(`consent.decision.${v.decision === 'refused' ? 'refused' : 'given'}`)}: ${purposes(v.purposes)}`;
  }
  const st = v.status ? (name === 'transfers' ? transferStatusLabel : referralStatusLabel)(v.status) : '';
  return [v.service, st].filter(Boolean).join(' — ');
}

// One history entry per write: consecutive rows with the same time, user and action are one
// change of several fields.
function groupHistory(items) {
  const groups = [];
  for (const x of items) {
    const last = groups[groups.length - 1];
    const uid = x.user ? x.user.id || x.user.username : '';
    if (last && last.at === x.at && last.uid === uid && last.action === x.action) last.rows.push(x);
    else groups.push({ at: x.at, uid, user: x.user, action: x.action, rows: [x] });
  }
  return groups;
}

async function historyPanel(schema, rec, items, err) {
  const sec = h('section', { 'aria-labelledby': 'sec-history', class: 'panel' }, h('h2', { id: 'sec-history' }, t('history.title')));
  if (items === null) { sec.append(errorPanel(err)); return sec; }
  if (!items.length) { sec.append(h('p', { class: 'empty' }, t('history.none'))); return sec; }
  const places = await placesIn(schema.fields(), items.flatMap((x) => [{ [x.field]: x.from }, { [x.field]: x.to }]));
  const restricted = new Set(rec.hidden_fields || []);
  for (const f of schema.fields()) if (Array.isArray(f.sensitive) && !f.sensitive.includes(role())) restricted.add(f.name);
  const value = (name, v) => {
    if (name === 'stage') return schema.stage(v).label;
    if (['consents', 'referrals', 'transfers'].includes(name)) return v && typeof v === 'object' ? eventText(name, v) : '—';
    // A decision on a match with a tracing request ({status}); the list may not carry it.
    if (name === 'tracing_match') {
      return v && v.status ? tOr(`match.decision.${v.status}`, v.status) : t('match.history_decided');
    }
    if ((v === null || v === undefined) && restricted.has(name)) return t('history.restricted');
    const f = schema.field(name);
    if (f && f.type === 'subform' && Array.isArray(v)) return t('history.entries', { n: v.length });
    const text = f ? formatValue(schema, f, v, places)
      : v === null || v === undefined ? '' : Array.isArray(v) ? fmtList(v) : typeof v === 'object' ? JSON.stringify(v) : String(v);
    return text === '' ? '—' : text;
  };
  const label = (name) => (RECORD_FIELDS[name] ? RECORD_FIELDS[name]() : schema.field(name) ? schema.label(name) : name);
  const change = (x) => {
    const hadValue = x.from !== null && x.from !== undefined;
    return h('li', null, h('span', { class: 'history-field' }, label(x.field)), ': ',
      hadValue ? [h('bdi', { class: 'history-from' }, value(x.field, x.from)),
        h('span', { class: 'arrow', 'aria-hidden': 'true' }, ` ${t('history.arrow')} `),
        h('span', { class: 'visually-hidden' }, ` ${t('history.to')} `)] : null,
      h('bdi', null, value(x.field, x.to)));
  };
  // Within one write, fields in the order of the forms.
  const order = new Map(schema.fields().map((f, i) => [f.name, i]));
  const rank = (x) => order.get(x.field) ?? -1;
  sec.append(h('ol', { class: 'history' }, groupHistory(items).map((g) => {
    const fields = g.rows.filter((x) => x.field).sort((a, b) => rank(a) - rank(b));
    return h('li', { class: 'history-item' },
      h('p', { class: 'history-meta' },
        h('strong', null, tOr(`action.${g.action}`, g.action)), ' · ',
        h('bdi', null, g.user ? g.user.username : ''), ' · ',
        h('time', { datetime: g.at }, fmtDateTime(g.at))),
      fields.length ? h('ul', { class: 'history-changes' }, fields.map(change)) : null);
  })));
  return sec;
}
