// cases.js: the case screens: caseload, filtered case list, search (the query stays in memory,
// never in the URL), create/edit form (PATCH with If-Match, 412 and 422 handling), and the case
// view with notes, change history, assignment/sharing for supervisors and break-glass for admins.
import { h, clear } from './dom.js';
import { t, has, fmtDateTime, fmtDate } from './i18n.js';
import { get, post, patch } from './api.js';
import { state, navigate, isAdmin, canCreateCases, caseHeaders } from './state.js';
import {
  field, onSubmit, showApiError, clearErrors, fieldError, formError, announce, pageTitle, errorPanel,
  errorText, button, pager, table, dl, loading,
} from './ui.js';

const SEX = ['female', 'male', 'other', 'unknown'];
const RISK = ['low', 'medium', 'high'];
const CONSENT = ['yes', 'no', 'unknown'];
const STATUS = ['open', 'closed'];
const PER = 20;

const opts = (values, prefix) => values.map((v) => [v, t(`${prefix}.${v}`)]);
const enumText = (prefix, v) => (v ? t(`${prefix}.${v}`) : '');

export function childName(d) {
  const n = [d && d.name_first, d && d.name_last].filter(Boolean).join(' ');
  return n || t('case.no_name');
}

function riskBadge(level) {
  if (!level) return '—';
  return h('span', { class: `badge risk-${level}` }, enumText('risk', level));
}

function caseTable(items, caption) {
  if (!items.length) return h('p', { class: 'empty' }, t('list.empty'));
  return table(caption, [
    [t('case.case'), (c) => h('a', { href: `#/cases/${c.id}`, class: 'case-link' },
      h('span', { class: 'display-id' }, c.display_id), ' ', h('bdi', null, childName(c.data)))],
    [t('field.sex'), (c) => enumText('sex', c.data && c.data.sex) || '—'],
    [t('field.age'), (c) => (c.data && c.data.age != null ? String(c.data.age) : '—')],
    [t('field.risk_level'), (c) => riskBadge(c.data && c.data.risk_level)],
    [t('case.status'), (c) => enumText('status', c.status) || c.status],
    [t('case.owner'), (c) => h('bdi', null, (c.owner && (c.owner.full_name || c.owner.username)) || '—')],
    [t('case.updated'), (c) => fmtDateTime(c.updated_at)],
  ], items);
}

function listQuery(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== '' && v !== null && v !== undefined && v !== false) q.set(k, v);
  return q.toString();
}

/* ---------- caseload, list, search ---------- */

export async function caseload(el, query) {
  const page = Math.max(1, Number(query.get('page')) || 1);
  el.append(pageTitle(t('caseload.title')));
  if (canCreateCases()) el.append(h('p', null, h('a', { href: '#/cases/new', class: 'btn' }, t('nav.new_case'))));
  const r = await get(`/api/v1/cases?${listQuery({ mine: 1, page, per: PER })}`);
  const box = h('section', { 'aria-labelledby': 'caseload-h' }, h('h2', { id: 'caseload-h', class: 'visually-hidden' }, t('caseload.title')));
  box.append(caseTable(r.json.items || [], t('caseload.title')),
    pager(r.json, (p) => navigate(`#/?page=${p}`)));
  el.append(h('p', { class: 'muted' }, t('caseload.explain')), box);
}

export async function caseList(el, query) {
  const status = query.get('status') || '';
  const risk = query.get('risk_level') || '';
  const page = Math.max(1, Number(query.get('page')) || 1);
  el.append(pageTitle(t('cases.title')));
  const fStatus = field({ name: 'status', label: t('case.status'), type: 'select', options: opts(STATUS, 'status'), value: status, blankLabel: t('filter.any') });
  const fRisk = field({ name: 'risk_level', label: t('field.risk_level'), type: 'select', options: opts(RISK, 'risk'), value: risk, blankLabel: t('filter.any') });
  const form = h('form', { class: 'filters', role: 'search', 'aria-label': t('filter.label') }, fStatus, fRisk,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn' }, t('filter.apply'))));
  onSubmit(form, () => navigate(`#/cases?${listQuery({ status: form.elements.status.value, risk_level: form.elements.risk_level.value })}`));
  el.append(form);
  const r = await get(`/api/v1/cases?${listQuery({ status, risk_level: risk, page, per: PER })}`);
  el.append(h('section', { 'aria-label': t('list.results') },
    caseTable(r.json.items || [], t('cases.title')),
    pager(r.json, (p) => navigate(`#/cases?${listQuery({ status, risk_level: risk, page: p })}`))));
}

export async function caseSearch(el) {
  const s = state.search;
  el.append(pageTitle(t('search.title')));
  const fq = field({ name: 'q', label: t('search.query'), type: 'search', value: s.q, hint: t('search.hint'), autocomplete: 'off', dir: 'auto', spellcheck: 'false' });
  const fStatus = field({ name: 'status', label: t('case.status'), type: 'select', options: opts(STATUS, 'status'), value: s.status, blankLabel: t('filter.any') });
  const fRisk = field({ name: 'risk_level', label: t('field.risk_level'), type: 'select', options: opts(RISK, 'risk'), value: s.risk_level, blankLabel: t('filter.any') });
  const fMine = field({ name: 'mine', label: t('search.mine'), type: 'checkbox', value: s.mine });
  const results = h('section', { 'aria-label': t('list.results'), class: 'results' });
  const form = h('form', { class: 'filters search-form', role: 'search', 'aria-label': t('search.title'), novalidate: true },
    fq, fStatus, fRisk, fMine,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn' }, t('search.submit'))));

  async function run(pageNo, quiet) {
    s.page = pageNo;
    const body = { q: s.q, filters: {}, page: pageNo, per: PER };
    if (s.status) body.filters.status = s.status;
    if (s.risk_level) body.filters.risk_level = s.risk_level;
    if (s.mine) body.filters.mine = true;
    clear(results).append(loading());
    try {
      const r = await post('/api/v1/cases/search', body);
      s.result = r.json;
      clear(results).append(caseTable(r.json.items || [], t('search.title')), pager(r.json, (p) => run(p)));
      if (!quiet) announce(t('search.found', { n: r.json.total || 0 }));
    } catch (err) {
      clear(results).append(errorPanel(err));
    }
  }
  onSubmit(form, async () => {
    clearErrors(form);
    s.q = form.elements.q.value.trim();
    s.status = form.elements.status.value;
    s.risk_level = form.elements.risk_level.value;
    s.mine = form.elements.mine.checked;
    await run(1);
  });
  el.append(form, results);
  if (s.result) await run(s.page || 1, true);
}

/* ---------- create / edit ---------- */

// [name, kind]: text | list | enum | date | bool | int
const FIELDS = [
  ['name_first', 'text'], ['name_last', 'text'], ['name_other', 'list'], ['sex', 'enum'],
  ['date_of_birth', 'date'], ['date_of_birth_estimated', 'bool'], ['age', 'int'],
  ['nationality', 'list'], ['languages', 'list'], ['location_current', 'text'],
  ['protection_concerns', 'list'], ['risk_level', 'enum'],
  ['consent_for_services', 'enum'], ['disclosure_other_orgs', 'enum'], ['consent_for_tracing', 'enum'],
];

const splitList = (s) => s.split(/[,،;]/).map((x) => x.trim()).filter(Boolean);

function readField(form, name, kind) {
  const c = form.elements[name];
  if (kind === 'bool') return c.checked;
  const v = c.value.trim();
  if (v === '') return null;
  if (kind === 'list') {
    const l = splitList(v);
    return l.length ? (name === 'nationality' ? l.map((x) => x.toUpperCase()) : l) : null;
  }
  if (kind === 'int') return /^\d+$/.test(v) ? Number(v) : v; // let the server name a bad value
  return v;
}

function normal(v, kind) {
  if (kind === 'bool') return !!v;
  if (v === undefined || v === null || v === '') return null;
  if (kind === 'list') return Array.isArray(v) && v.length ? v : null;
  return v;
}

function today() {
  const d = new Date();
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

function caseFields(d) {
  const v = (k) => (Array.isArray(d[k]) ? d[k].join(', ') : d[k]);
  const list = (name, hint, extra = {}) => field({ name, label: t(`field.${name}`), hint, value: v(name), ...extra });
  return [
    h('fieldset', null, h('legend', null, t('case.section_identity')),
      field({ name: 'name_first', label: t('field.name_first'), value: d.name_first, maxlength: 200, autocomplete: 'off', spellcheck: 'false', dir: 'auto' }),
      field({ name: 'name_last', label: t('field.name_last'), value: d.name_last, maxlength: 200, autocomplete: 'off', spellcheck: 'false', dir: 'auto' }),
      list('name_other', t('hint.list'), { autocomplete: 'off', spellcheck: 'false', dir: 'auto' }),
      field({ name: 'sex', label: t('field.sex'), type: 'select', options: opts(SEX, 'sex'), value: d.sex }),
      field({ name: 'date_of_birth', label: t('field.date_of_birth'), type: 'date', value: d.date_of_birth, max: today() }),
      field({ name: 'date_of_birth_estimated', label: t('field.date_of_birth_estimated'), type: 'checkbox', value: d.date_of_birth_estimated }),
      field({ name: 'age', label: t('field.age'), type: 'number', value: d.age, min: 0, max: 120, inputmode: 'numeric', hint: t('hint.age') })),
    h('fieldset', null, h('legend', null, t('case.section_background')),
      list('nationality', t('hint.nationality'), { autocapitalize: 'characters', spellcheck: 'false' }),
      list('languages', t('hint.list')),
      field({ name: 'location_current', label: t('field.location_current'), value: d.location_current, dir: 'auto' })),
    h('fieldset', null, h('legend', null, t('case.section_protection')),
      list('protection_concerns', t('hint.list')),
      field({ name: 'risk_level', label: t('field.risk_level'), type: 'select', options: opts(RISK, 'risk'), value: d.risk_level })),
    h('fieldset', null, h('legend', null, t('case.section_consent')),
      ['consent_for_services', 'disclosure_other_orgs', 'consent_for_tracing'].map((name) =>
        field({ name, label: t(`field.${name}`), type: 'select', options: opts(CONSENT, 'consent'), value: d[name] }))),
  ];
}

export async function caseForm(el, query, id) {
  let current = null;
  if (id) {
    const r = await get(`/api/v1/cases/${id}`, { headers: caseHeaders(id) });
    current = r.json;
    if (!current.access || !current.access.can_edit) {
      el.append(pageTitle(t('case.edit_title', { id: current.display_id })), errorPanel({ status: 403, message: '' }));
      return;
    }
  } else if (!canCreateCases()) {
    el.append(pageTitle(t('case.new_title')), errorPanel({ status: 403, message: '' }));
    return;
  }
  const d = (current && current.data) || {};
  el.append(pageTitle(current ? t('case.edit_title', { id: current.display_id }) : t('case.new_title')));
  if (current) el.append(h('p', { class: 'muted' }, h('bdi', null, childName(d))));
  const form = h('form', { class: 'form case-form', novalidate: true }, caseFields(d),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'btn' }, t('case.save')),
      h('a', { href: current ? `#/cases/${current.id}` : '#/', class: 'btn btn-secondary' }, t('common.cancel'))));

  onSubmit(form, async () => {
    clearErrors(form);
    const values = {};
    for (const [name, kind] of FIELDS) values[name] = readField(form, name, kind);
    if (values.age !== null && typeof values.age !== 'number') {
      fieldError(form, 'age', t('hint.age_number'));
      form.elements.age.focus();
      return;
    }
    try {
      let saved;
      if (!current) {
        const data = {};
        for (const [name, kind] of FIELDS) {
          const v = values[name];
          if (v === null || (kind === 'bool' && !v)) continue;
          data[name] = v;
        }
        if (data.date_of_birth && data.age !== undefined) delete data.age; // the date wins; age is derived
        saved = (await post('/api/v1/cases', { data })).json;
      } else {
        const data = {};
        for (const [name, kind] of FIELDS) {
          const before = normal(d[name], kind);
          const after = normal(values[name], kind);
          if (JSON.stringify(before) !== JSON.stringify(after)) data[name] = after;
        }
        if ('age' in data) {
          // age is derived from the date of birth: send it only as a new estimate, never as a clear.
          if (data.age === null || ('date_of_birth' in data && data.date_of_birth !== null)) delete data.age;
        }
        if (Object.keys(data).length === 0) {
          announce(t('case.no_changes'));
          navigate(`#/cases/${current.id}`);
          return;
        }
        saved = (await patch(`/api/v1/cases/${current.id}`, { data },
          { headers: { 'If-Match': `"${current.version}"`, ...caseHeaders(current.id) } })).json;
      }
      announce(t('case.saved', { id: saved.display_id || '' }));
      navigate(`#/cases/${saved.id}`);
    } catch (err) {
      if (err.status === 412) {
        formError(form, h('p', null, t('case.stale')),
          button(t('case.reload'), () => navigate(`#/cases/${current.id}/edit`), 'btn btn-secondary')).focus();
        return;
      }
      showApiError(form, err);
    }
  });
  el.append(form);
}

/* ---------- view ---------- */

function breakGlass(el, id) {
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
    navigate(`#/cases/${id}`);
  });
  el.append(form);
}

function listText(v) { return Array.isArray(v) ? v.join(', ') : (v ?? ''); }

function valueText(v) {
  if (v === null || v === undefined) return '—';
  if (Array.isArray(v)) return v.join(', ');
  if (typeof v === 'object') return JSON.stringify(v);
  if (typeof v === 'boolean') return v ? t('common.yes') : t('common.no');
  return String(v);
}

function person(p) { return p ? (p.full_name || p.username || '') : ''; }

// Text in its own bidi isolate (names may be in another script than the page), or a dash.
function iso(text) { return text ? h('bdi', null, text) : '—'; }

export async function caseView(el, query, id) {
  if (isAdmin() && !state.accessReasons.has(id)) { breakGlass(el, id); return; }
  const hdr = caseHeaders(id);
  const [cr, nr, hr] = await Promise.allSettled([
    get(`/api/v1/cases/${id}`, { headers: hdr }),
    get(`/api/v1/cases/${id}/notes`, { headers: hdr }),
    get(`/api/v1/cases/${id}/history`, { headers: hdr }),
  ]);
  if (cr.status === 'rejected') throw cr.reason;
  const c = cr.value.json;
  const d = c.data || {};
  const title = pageTitle(`${c.display_id}`);
  title.append(' ', h('bdi', { class: 'title-name' }, childName(d)));
  el.append(title);
  if (state.accessReasons.has(id)) el.append(h('p', { class: 'notice' }, t('breakglass.active')));
  for (const n of c.notices || []) {
    el.append(h('p', { class: 'notice' }, typeof n === 'string' ? n : (n.message || n.code || JSON.stringify(n))));
  }
  const actions = h('div', { class: 'actions' });
  if (c.access && c.access.can_edit) actions.append(h('a', { href: `#/cases/${c.id}/edit`, class: 'btn' }, t('case.edit')));
  if (actions.childNodes.length) el.append(actions);

  el.append(h('section', { 'aria-labelledby': 'sec-details', class: 'panel' },
    h('h2', { id: 'sec-details' }, t('case.details')),
    dl([
      [t('field.name_first'), iso(d.name_first)],
      [t('field.name_last'), iso(d.name_last)],
      [t('field.name_other'), iso(listText(d.name_other))],
      [t('field.sex'), enumText('sex', d.sex)],
      [t('field.date_of_birth'), d.date_of_birth ? `${fmtDate(d.date_of_birth)}${d.date_of_birth_estimated ? ` (${t('case.estimated')})` : ''}` : ''],
      [t('field.age'), d.age != null ? String(d.age) : ''],
      [t('field.nationality'), listText(d.nationality)],
      [t('field.languages'), listText(d.languages)],
      [t('field.location_current'), iso(d.location_current)],
      [t('field.protection_concerns'), listText(d.protection_concerns)],
      [t('field.risk_level'), d.risk_level ? riskBadge(d.risk_level) : ''],
      [t('field.consent_for_services'), enumText('consent', d.consent_for_services)],
      [t('field.disclosure_other_orgs'), enumText('consent', d.disclosure_other_orgs)],
      [t('field.consent_for_tracing'), enumText('consent', d.consent_for_tracing)],
    ])));

  el.append(h('section', { 'aria-labelledby': 'sec-record', class: 'panel' },
    h('h2', { id: 'sec-record' }, t('case.record')),
    dl([
      [t('case.status'), enumText('status', c.status) || c.status],
      [t('case.owner'), iso(person(c.owner))],
      [t('case.agency'), iso(c.agency ? c.agency.name : '')],
      [t('case.assigned'), iso((c.assigned || []).map(person).join(', '))],
      [t('case.created'), fmtDateTime(c.created_at)],
      [t('case.updated'), fmtDateTime(c.updated_at)],
    ])));

  if (c.access && c.access.can_assign) el.append(await assignPanel(c));
  el.append(notesPanel(c, nr.status === 'fulfilled' ? nr.value.json.items || [] : null, nr.reason));
  el.append(historyPanel(hr.status === 'fulfilled' ? hr.value.json.items || [] : null, hr.reason));
}

async function assignPanel(c) {
  const sec = h('section', { 'aria-labelledby': 'sec-assign', class: 'panel' }, h('h2', { id: 'sec-assign' }, t('assign.title')));
  let users = [];
  try {
    users = ((await get('/api/v1/users')).json.items || [])
      .filter((u) => !u.disabled && u.role !== 'admin' && (!c.agency || !u.agency_id || u.agency_id === c.agency.id));
  } catch (err) {
    sec.append(errorPanel(err));
    return sec;
  }
  const label = (u) => (u.full_name ? `${u.full_name} (${u.username})` : u.username);
  const owner = field({ name: 'owner_id', label: t('assign.owner'), type: 'select', blank: false,
    options: users.map((u) => [u.id, label(u)]), value: c.owner ? c.owner.id : '' });
  const assigned = new Set((c.assigned || []).map((u) => u.id));
  const share = h('fieldset', { class: 'checks' }, h('legend', null, t('assign.share')),
    h('p', { class: 'hint' }, t('assign.share_hint')),
    users.map((u) => {
      const idc = `share-${u.id}`;
      return h('div', { class: 'field-check' },
        h('input', { type: 'checkbox', id: idc, name: 'assigned_ids', value: u.id, checked: assigned.has(u.id) }),
        h('label', { for: idc }, label(u)));
    }));
  share.dataset.field = 'assigned_ids';
  const form = h('form', { class: 'form', novalidate: true }, owner, share,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn' }, t('assign.save'))));
  onSubmit(form, async () => {
    clearErrors(form);
    const body = {
      owner_id: form.elements.owner_id.value,
      assigned_ids: [...form.querySelectorAll('input[name="assigned_ids"]:checked')].map((x) => x.value),
    };
    try {
      await post(`/api/v1/cases/${c.id}/assign`, body, { headers: caseHeaders(c.id) });
      announce(t('assign.saved'));
      navigate(`#/cases/${c.id}`);
    } catch (err) { showApiError(form, err); }
  });
  sec.append(form);
  return sec;
}

function noteItem(n) {
  return h('li', { class: 'note' },
    h('p', { class: 'note-meta' }, h('strong', null, fmtDate(n.date)), ' · ', h('bdi', null, person(n.author)),
      ' · ', h('span', { class: 'muted' }, fmtDateTime(n.created_at))),
    h('p', { class: 'note-text', dir: 'auto' }, n.text));
}

function notesPanel(c, notes, err) {
  const sec = h('section', { 'aria-labelledby': 'sec-notes', class: 'panel' }, h('h2', { id: 'sec-notes' }, t('notes.title')));
  const list = h('ol', { class: 'notes', 'aria-label': t('notes.title') });
  const canWrite = c.access && (c.access.can_note ?? (c.access.can_edit || c.access.can_assign));
  if (canWrite) {
    const date = field({ name: 'date', label: t('notes.date'), type: 'date', value: today(), max: today() });
    const text = field({ name: 'text', label: t('notes.text'), type: 'textarea', rows: 4, required: true, dir: 'auto' });
    const form = h('form', { class: 'form note-form', novalidate: true }, date, text,
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn' }, t('notes.add'))));
    onSubmit(form, async () => {
      clearErrors(form);
      const body = { text: form.elements.text.value.trim() };
      if (!body.text) { fieldError(form, 'text', t('form.required')); form.elements.text.focus(); return; }
      if (form.elements.date.value) body.date = form.elements.date.value;
      try {
        const r = await post(`/api/v1/cases/${c.id}/notes`, body, { headers: caseHeaders(c.id) });
        list.prepend(noteItem(r.json));
        const empty = sec.querySelector('.empty');
        if (empty) empty.remove();
        form.elements.text.value = '';
        announce(t('notes.added'));
      } catch (e) { showApiError(form, e); }
    });
    sec.append(form);
  }
  if (notes === null) sec.append(errorPanel(err));
  else {
    if (notes.length === 0) sec.append(h('p', { class: 'empty' }, t('notes.none')));
    list.append(...notes.map(noteItem));
    sec.append(list);
  }
  return sec;
}

const ENUM_FIELDS = { sex: 'sex', risk_level: 'risk', consent_for_services: 'consent', disclosure_other_orgs: 'consent', consent_for_tracing: 'consent', status: 'status' };

function historyValue(fieldName, v) {
  const prefix = ENUM_FIELDS[fieldName];
  if (prefix && typeof v === 'string' && has(`${prefix}.${v}`)) return t(`${prefix}.${v}`);
  if ((fieldName === 'date_of_birth' || fieldName === 'age_stated_on') && typeof v === 'string') return fmtDate(v);
  return valueText(v);
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

function historyPanel(items, err) {
  const sec = h('section', { 'aria-labelledby': 'sec-history', class: 'panel' }, h('h2', { id: 'sec-history' }, t('history.title')));
  if (items === null) { sec.append(errorPanel(err)); return sec; }
  if (!items.length) { sec.append(h('p', { class: 'empty' }, t('history.none'))); return sec; }
  const change = (x) => {
    const label = has(`field.${x.field}`) ? t(`field.${x.field}`) : x.field;
    const hadValue = x.from !== null && x.from !== undefined;
    return h('li', null, h('span', { class: 'history-field' }, label), ': ',
      hadValue ? [h('bdi', { class: 'history-from' }, historyValue(x.field, x.from)),
        h('span', { class: 'arrow', 'aria-hidden': 'true' }, ` ${t('history.arrow')} `),
        h('span', { class: 'visually-hidden' }, ` ${t('history.to')} `)] : null,
      h('bdi', null, historyValue(x.field, x.to)));
  };
  sec.append(h('ol', { class: 'history' }, groupHistory(items).map((g) => {
    const fields = g.rows.filter((x) => x.field);
    return h('li', { class: 'history-item' },
      h('p', { class: 'history-meta' },
        h('strong', null, has(`action.${g.action}`) ? t(`action.${g.action}`) : g.action), ' · ',
        h('bdi', null, g.user ? g.user.username : ''), ' · ',
        h('time', { datetime: g.at }, fmtDateTime(g.at))),
      fields.length ? h('ul', { class: 'history-changes' }, fields.map(change)) : null);
  })));
  return sec;
}

