// cases.js: what only cases have: the caseload, the filtered case list, search (the query stays
// in memory, never in the URL), notes, and assignment/sharing for supervisors. Creating, editing
// and viewing a case are the shared record screens of records.js, with these panels added
// (and those of consent.js, matching.js, referrals.js and transfers.js); a new case is checked
// for duplicates before it is saved (matching.js).
import { h, clear } from './dom.js';
import { t, lang, fmtDateTime, fmtDate } from './i18n.js';
import { get, post } from './api.js';
import { state, navigate, canCreateCases, caseHeaders } from './state.js';
import {
  field, onSubmit, showApiError, clearErrors, fieldError, announce, pageTitle, errorPanel,
  pager, table, loading, checks,
} from './ui.js';
import { loadSchema } from './schema.js';
import { todayISO } from './formdata.js';
import { childName, recordForm, recordView, mayBrowse } from './records.js';
import { stageBadge } from './workflow.js';
import { consentPanel } from './consent.js';
import { referralsPanel } from './referrals.js';
import { transferPanel } from './transfers.js';
import { duplicateCheck, caseTracingPanel } from './matching.js';
import { person, userLabel, caseUsers } from './people.js';

const STATUS = ['open', 'closed'];
const PER = 20;

const opts = (values, prefix) => values.map((v) => [v, t(`${prefix}.${v}`)]);
// The risk levels the list filter offers are the risk_level field's options.
const riskOptions = (schema) => {
  const f = schema.field('risk_level');
  return f ? schema.options(f).map((o) => [o.value, o.label]) : [];
};

function riskBadge(schema, level) {
  const f = schema.field('risk_level');
  if (!level || !f) return '—';
  return h('span', { class: `badge risk-${level}` }, schema.optionLabel(f, level));
}

function caseTable(schema, items, caption) {
  if (!items.length) return h('p', { class: 'empty' }, t('list.empty'));
  const option = (name, v) => (v && schema.field(name) ? schema.optionLabel(schema.field(name), v) : '—');
  return table(caption, [
    [t('case.case'), (c) => h('a', { href: `#/cases/${c.id}`, class: 'case-link' },
      h('span', { class: 'display-id' }, c.display_id), ' ', h('bdi', null, childName(c.data, c.hidden_fields)))],
    [schema.label('sex'), (c) => option('sex', c.data && c.data.sex)],
    [schema.label('age'), (c) => (c.data && c.data.age != null ? new Intl.NumberFormat(lang()).format(c.data.age) : '—')],
    [schema.label('risk_level'), (c) => riskBadge(schema, c.data && c.data.risk_level)],
    [t('workflow.stage'), (c) => stageBadge(schema, c.stage)],
    [t('case.owner'), (c) => h('bdi', null, person(c.owner) || '—')],
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
  const [r, schema] = await Promise.all([get(`/api/v1/cases?${listQuery({ mine: 1, page, per: PER })}`), loadSchema('case')]);
  const box = h('section', { 'aria-labelledby': 'caseload-h' }, h('h2', { id: 'caseload-h', class: 'visually-hidden' }, t('caseload.title')));
  box.append(caseTable(schema, r.json.items || [], t('caseload.title')),
    pager(r.json, (p) => navigate(`#/?page=${p}`)));
  el.append(h('p', { class: 'muted' }, t('caseload.explain')), box);
}

export async function caseList(el, query) {
  const status = query.get('status') || '';
  const risk = query.get('risk_level') || '';
  const page = Math.max(1, Number(query.get('page')) || 1);
  el.append(pageTitle(t('cases.title')));
  const schema = await loadSchema('case');
  const fStatus = field({ name: 'status', label: t('case.status'), type: 'select', options: opts(STATUS, 'status'), value: status, blankLabel: t('filter.any') });
  const fRisk = field({ name: 'risk_level', label: schema.label('risk_level'), type: 'select', options: riskOptions(schema), value: risk, blankLabel: t('filter.any') });
  const form = h('form', { class: 'filters', role: 'search', 'aria-label': t('filter.label') }, fStatus, fRisk,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn' }, t('filter.apply'))));
  onSubmit(form, () => navigate(`#/cases?${listQuery({ status: form.elements.status.value, risk_level: form.elements.risk_level.value })}`));
  el.append(form);
  const r = await get(`/api/v1/cases?${listQuery({ status, risk_level: risk, page, per: PER })}`);
  el.append(h('section', { 'aria-label': t('list.results') },
    caseTable(schema, r.json.items || [], t('cases.title')),
    pager(r.json, (p) => navigate(`#/cases?${listQuery({ status, risk_level: risk, page: p })}`))));
}

export async function caseSearch(el) {
  const s = state.search;
  el.append(pageTitle(t('search.title')));
  const schema = await loadSchema('case');
  const fq = field({ name: 'q', label: t('search.query'), type: 'search', value: s.q, hint: t('search.hint'), autocomplete: 'off', dir: 'auto', spellcheck: 'false' });
  const fStatus = field({ name: 'status', label: t('case.status'), type: 'select', options: opts(STATUS, 'status'), value: s.status, blankLabel: t('filter.any') });
  const fRisk = field({ name: 'risk_level', label: schema.label('risk_level'), type: 'select', options: riskOptions(schema), value: s.risk_level, blankLabel: t('filter.any') });
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
      clear(results).append(caseTable(schema, r.json.items || [], t('search.title')), pager(r.json, (p) => run(p)));
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

/* ---------- create, edit, view: the shared record screens ---------- */

// A new case is first checked against those registered (the duplicate warning, matching.js).
export const caseForm = (el, query, id) => recordForm(el, query, 'case', id, { beforeCreate: duplicateCheck });

export const caseView = (el, query, id) => recordView(el, query, 'case', id, {
  load: (cid, headers) => get(`/api/v1/cases/${cid}/notes`, { headers }),
  panels: async (c, notes) => [
    ...await Promise.all([consentPanel(c), mayBrowse('tracing_request') ? caseTracingPanel(c) : null,
      loadSchema('case').then((schema) => referralsPanel(c, schema)), transferPanel(c)]),
    c.access && c.access.can_assign ? await assignPanel(c) : null,
    notesPanel(c, notes.status === 'fulfilled' ? notes.value.json.items || [] : null, notes.reason),
  ].filter(Boolean),
});

async function assignPanel(c) {
  const sec = h('section', { 'aria-labelledby': 'sec-assign', class: 'panel' }, h('h2', { id: 'sec-assign' }, t('assign.title')));
  let users = [];
  try {
    users = (await caseUsers()).filter((u) => !c.agency || !u.agency_id || u.agency_id === c.agency.id);
  } catch (err) {
    sec.append(errorPanel(err));
    return sec;
  }
  const owner = field({ name: 'owner_id', label: t('assign.owner'), type: 'select', blank: false,
    options: users.map((u) => [u.id, userLabel(u)]), value: c.owner ? c.owner.id : '' });
  const share = checks('assigned_ids', t('assign.share'), users.map((u) => [u.id, userLabel(u)]), (c.assigned || []).map((u) => u.id),
    t('assign.share_hint'));
  const form = h('form', { class: 'form', novalidate: true }, owner, share,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn' }, t('assign.save'))));
  onSubmit(form, async () => {
    clearErrors(form);
    const body = {
      owner_id: form.elements.owner_id.value,
      assigned_ids: share.values(),
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
    const date = field({ name: 'date', label: t('notes.date'), type: 'date', value: todayISO(), max: todayISO() });
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
