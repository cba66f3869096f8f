// referrals.js: referring a child to a service of the directory and what follows. On the case
// page, the Referrals panel (the case's referrals, a Refer form that searches services and
// ticks the forms to share, cancelling); for a receiving agency, the referral inbox (#/referrals)
// and one referral (#/referrals/{id}): the shared forms read-only, the notices first, and
// accept / decline / complete / ask to take over the case. Transfers sit under the inbox.
import { h, add, clear } from './dom.js';
import { t, tOr, fmtDate, fmtDateTime, fmtList } from './i18n.js';
import { get, post, patch, ifMatch } from './api.js';
import { state, navigate, caseHeaders } from './state.js';
import {
  field, onSubmit, clearErrors, fieldError, showApiError, staleError, announce, pageTitle, errorPanel,
  table, dl, pager, checks, reasonForm, toggleButton, noticeText,
} from './ui.js';
import { loadSchema } from './schema.js';
import { formsRead } from './formview.js';
import { placeName, normalizePcode } from './locations.js';
import { consentProblem, overrideField, overrideValue } from './consent.js';
import { transfersSection } from './transfers.js';
import { todayISO } from './formdata.js';
import { person } from './people.js';

export const SERVICE_TYPES = ['mhpss', 'health', 'legal_aid', 'safe_shelter', 'education', 'vocational_training', 'family_tracing',
  'disability_services', 'gbv_response', 'interpretation', 'documentation_birth_registration'];
const STATUSES = ['pending', 'accepted', 'declined', 'completed', 'cancelled', 'consent_withdrawn'];
const PCODE = /^[A-Z]{2}[0-9A-Z]*$/;
const PER = 20;

// Whether GET /api/v1/referrals?box=inbox answers this user (providers, caseworkers and
// supervisors of receiving agencies); asked once per sign-in.
export async function probeInbox() {
  try {
    await get('/api/v1/referrals?box=inbox&per=1');
    return true;
  } catch (err) {
    return err.status !== 403 ? null : false;
  }
}
// Roles that may ask to take over a case they were referred (transfer.request).
const mayRequestTransfer = () => !!state.user && ['caseworker', 'supervisor'].includes(state.user.role);

export const serviceLabel = (type) => tOr(`service.${type}`, type);
export const referralStatusLabel = (s) => tOr(`referral.status.${s}`, s);
// How far a service found is ("in the same district"), or null.
export const distanceLabel = (d) => (d ? tOr(`service.distance.${d}`, null) : null);

// The case schema's languages lookup as [[code, name]].
export const languageOptions = (schema) => (schema.lookups.languages ? schema.lookups.languages.values : []).map((l) => [l.value, l.label]);

// "Arabic and French": the languages a service speaks, by their names in the languages lookup
// (options: [[code, name]]); a code the lookup lacks as it is.
export function languagesText(codes, options) {
  const names = new Map(options);
  return fmtList(codes.map((c) => names.get(c) || c));
}

function statusBadge(s) {
  return h('span', { class: `badge ref-${s}` }, referralStatusLabel(s));
}

function respondBy(x) {
  if (!x.respond_by) return '—';
  return h('span', null, fmtDate(x.respond_by),
    x.overdue ? [' ', h('span', { class: 'badge ref-overdue' }, t('referral.overdue'))] : null);
}

/* ---------- the case page ---------- */

// What the provider said: the reason of a decline, the feedback of a completion.
function answerOf(x) {
  const parts = [];
  if (x.reason) parts.push(h('span', { class: 'pre', dir: 'auto' }, x.reason));
  if (x.services_given) parts.push(h('span', { class: 'ref-given' }, `${t('referral.services_given')}: `, h('bdi', null, x.services_given)));
  return parts.length ? h('div', { class: 'ref-answer' }, parts) : '—';
}

// PATCH of referral x to body: announced with okKey, then done(). A 412 says someone else
// answered first, a 409 that it moved on meanwhile (another answer, a withdrawal of consent):
// both offer to read it again.
async function answerReferral(form, x, body, okKey, done) {
  try {
    await patch(`/api/v1/referrals/${encodeURIComponent(x.id)}`, body, { headers: ifMatch(x.version) });
    announce(t(okKey));
    done();
  } catch (err) {
    if (!staleError(form, err, done, { message: t('referral.stale'), conflict: true })) showApiError(form, err);
  }
}

function cancelForm(x, done) {
  return reasonForm({ cls: 'form ref-cancel', label: t('referral.cancel_reason'), submit: t('referral.cancel_do'), btnClass: 'btn btn-danger',
    send: (reason, form) => answerReferral(form, x, { status: 'cancelled', reason }, 'referral.cancelled_msg', done) });
}

function referralItem(c, x, canRefer, reload) {
  const li = h('li', { class: 'ref-item' },
    h('p', { class: 'ref-head' }, h('strong', null, h('bdi', null, x.service ? x.service.name : '')), ' ', statusBadge(x.status)),
    x.override_reason ? h('p', { class: 'notice notice-warn ref-override' },
      h('strong', null, t('referral.override')), ' ', h('span', { dir: 'auto' }, x.override_reason)) : null,
    dl([
      [t('referral.agency'), h('bdi', null, x.to_agency ? x.to_agency.name : '')],
      [t('referral.respond_by'), respondBy(x)],
      [t('referral.shared'), (x.share || []).length ? fmtList(x.share.map((id) => formLabel(c.schema, id))) : t('referral.shared_none')],
      [t('referral.referred_by'), h('bdi', null, person(x.referred_by))],
      [t('referral.sent'), fmtDateTime(x.created_at)],
      x.note ? [t('referral.note'), h('span', { class: 'pre', dir: 'auto' }, x.note)] : null,
      [t('referral.answer'), answerOf(x)],
    ]));
  if (canRefer && ['pending', 'accepted'].includes(x.status)) {
    const form = cancelForm(x, reload);
    const open = toggleButton(t('referral.cancel'), form, (f) => f.elements.reason);
    li.append(h('div', { class: 'actions' }, open), form);
  }
  return li;
}

const formLabel = (schema, id) => {
  const f = schema && schema.form(id);
  return f ? f.label : id;
};

// The case's area, when one of its location fields holds a p-code.
function caseArea(schema, c) {
  const d = c.data || {};
  const f = schema.fields().find((x) => x.type === 'location' && typeof d[x.name] === 'string' && PCODE.test(d[x.name]));
  return f ? d[f.name] : '';
}

// One service found, as a choice; langs: the languages lookup as [[code, name]].
function serviceChoice(s, i, langs) {
  const id = `svc-${i}`;
  const facts = [
    s.agency ? h('bdi', null, s.agency.name) : null,
    distanceLabel(s.distance),
    s.availability ? t(`service.availability.${s.availability}`) : null,
    (s.languages || []).length ? t('service.speaks', { langs: languagesText(s.languages, langs) }) : null,
  ].filter(Boolean);
  return h('div', { class: 'choice service-choice' },
    h('input', { type: 'radio', id, name: 'service_id', value: s.id, required: true }),
    h('label', { for: id }, h('strong', null, h('bdi', null, s.name)), h('br'),
      h('span', { class: 'hint' }, facts.flatMap((x, k) => (k ? [' · ', x] : [x])))));
}

function referForm(c, schema, reload) {
  const need = field({ name: 'need', label: t('referral.need'), type: 'select', options: SERVICE_TYPES.map((x) => [x, serviceLabel(x)]), blankLabel: t('filter.any') });
  const area = caseArea(schema, c);
  const where = field({ name: 'location', label: t('referral.location'), value: area, hint: t('referral.location_hint'),
    autocomplete: 'off', spellcheck: 'false', autocapitalize: 'characters', maxlength: 20 });
  const langs = languageOptions(schema);
  // The child's languages come first in the list; none is required until the caseworker picks one.
  const own = (c.data || {}).languages || [];
  const ordered = [...langs.filter(([v]) => own.includes(v)), ...langs.filter(([v]) => !own.includes(v))];
  const speaks = field({ name: 'language', label: t('referral.language'), type: 'select', options: ordered, blankLabel: t('filter.any') });
  const found = h('div', { class: 'service-results', 'aria-live': 'polite' });
  const search = h('button', { type: 'button', class: 'btn btn-secondary' }, t('referral.search'));
  if (area) placeName(area).then((name) => { if (name !== area) where.querySelector('.hint').textContent = t('referral.location_is', { place: name }); });

  const pick = h('fieldset', { class: 'choices service-list' }, h('legend', null, t('referral.service')), found,
    h('p', { class: 'field-error', hidden: true }));
  pick.dataset.field = 'service_id';
  pick.control = pick;
  const share = checks('share', t('referral.share'), schema.forms.map((f) => [f.id, f.label]), [], t('referral.share_hint'));
  const note = field({ name: 'note', label: t('referral.note'), type: 'textarea', rows: 3, maxlength: 2000, dir: 'auto' });
  const by = field({ name: 'respond_by', label: t('referral.respond_by'), type: 'date', min: todayISO(), hint: t('referral.respond_by_hint') });
  const override = overrideField();
  const form = h('form', { class: 'form refer-form', novalidate: true },
    h('h3', null, t('referral.new')),
    h('div', { class: 'filters service-search' }, need, where, speaks, h('div', { class: 'actions' }, search)),
    pick, share, note, by, override,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn' }, t('referral.send'))));

  async function run() {
    const q = new URLSearchParams({ per: '50' });
    const f = form.elements;
    if (f.need.value) q.set('need', f.need.value);
    const loc = normalizePcode(f.location.value);
    if (loc) q.set('location', loc);
    if (f.language.value) q.set('language', f.language.value);
    clear(found).append(h('p', { class: 'loading', role: 'status' }, t('common.loading')));
    try {
      const items = ((await get(`/api/v1/services?${q}`)).json.items || []).filter((s) => s.active !== false && s.availability !== 'closed');
      add(clear(found), [items.length ? items.map((s, i) => serviceChoice(s, i, langs)) : h('p', { class: 'empty' }, t('referral.no_services'))]);
      announce(t('referral.found', { n: items.length }));
    } catch (err) { clear(found).append(errorPanel(err)); }
  }
  search.addEventListener('click', run);
  // Enter in the search boxes searches rather than sends.
  for (const w of [where, need, speaks]) w.control.addEventListener('keydown', (e) => { if (e.key === 'Enter') { e.preventDefault(); run(); } });

  onSubmit(form, async () => {
    clearErrors(form);
    const f = form.elements;
    const chosen = form.querySelector('input[name="service_id"]:checked');
    if (!chosen) {
      fieldError(form, 'service_id', t('referral.pick_service'));
      (form.querySelector('input[name="service_id"]') || search).focus();
      return;
    }
    const body = { service_id: chosen.value, share: share.values(), ...overrideValue(form) };
    if (f.note.value.trim()) body.note = f.note.value.trim();
    if (f.respond_by.value) body.respond_by = f.respond_by.value;
    try {
      await post(`/api/v1/cases/${c.id}/referrals`, body, { headers: caseHeaders(c.id) });
      announce(t('referral.sent_msg'));
      reload();
    } catch (err) {
      if (!consentProblem(form, err)) showApiError(form, err);
    }
  });
  run();
  return form;
}

// The Referrals panel of a case page.
export async function referralsPanel(c, schema) {
  const sec = h('section', { class: 'panel referrals', 'aria-labelledby': 'sec-referrals' }, h('h2', { id: 'sec-referrals' }, t('referral.title')));
  const canRefer = !!(c.access && c.access.can_edit);
  const reload = () => navigate(`#/cases/${c.id}`);
  let items;
  try {
    items = (await get(`/api/v1/cases/${c.id}/referrals?per=100`, { headers: caseHeaders(c.id) })).json.items || [];
  } catch (err) {
    sec.append(errorPanel(err));
    return sec;
  }
  const ctx = { ...c, schema };
  sec.append(items.length ? h('ol', { class: 'ref-items' }, items.map((x) => referralItem(ctx, x, canRefer, reload)))
    : h('p', { class: 'empty' }, t('referral.none')));
  if (canRefer) {
    // The form is made at the first opening: it searches services at once.
    const open = toggleButton(t('referral.refer'), () => sec.appendChild(referForm(c, schema, reload)), (f) => f.elements.need, { cls: 'btn' });
    sec.append(h('div', { class: 'actions' }, open));
  }
  return sec;
}

/* ---------- the inbox ---------- */

export async function referralInbox(el, query) {
  const status = STATUSES.includes(query.get('status')) ? query.get('status') : '';
  const page = Math.max(1, Number(query.get('page')) || 1);
  el.append(pageTitle(t('inbox.title')));
  const fStatus = field({ name: 'status', label: t('referral.status'), type: 'select', options: STATUSES.map((s) => [s, referralStatusLabel(s)]),
    value: status, blankLabel: t('filter.any') });
  const form = h('form', { class: 'filters', role: 'search', 'aria-label': t('filter.label') }, fStatus,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn' }, t('filter.apply'))));
  onSubmit(form, () => navigate(`#/referrals${form.elements.status.value ? `?status=${form.elements.status.value}` : ''}`));
  const q = new URLSearchParams({ box: 'inbox', page: String(page), per: String(PER) });
  if (status) q.set('status', status);
  const sec = h('section', { 'aria-labelledby': 'inbox-refs' }, h('h2', { id: 'inbox-refs' }, t('inbox.referrals')), form);
  try {
    const r = (await get(`/api/v1/referrals?${q}`)).json;
    const items = r.items || [];
    add(sec, [items.length ? table(t('inbox.referrals'), [
      [t('referral.case'), (x) => h('a', { href: `#/referrals/${x.id}`, class: 'case-link' }, h('span', { class: 'display-id' }, x.case ? x.case.display_id : x.id))],
      [t('referral.service'), (x) => h('bdi', null, x.service ? x.service.name : '')],
      [t('referral.from'), (x) => h('bdi', null, x.from_agency ? x.from_agency.name : '')],
      [t('referral.status'), (x) => statusBadge(x.status)],
      [t('referral.respond_by'), respondBy],
      [t('referral.received'), (x) => fmtDateTime(x.created_at)],
    ], items, (x) => (x.overdue ? { class: 'row-overdue' } : null)) : h('p', { class: 'empty' }, t('inbox.none')),
    items.length ? pager(r, (p) => navigate(`#/referrals?${new URLSearchParams({ ...(status ? { status } : {}), page: String(p) })}`)) : null]);
  } catch (err) {
    sec.append(errorPanel(err));
  }
  el.append(sec, await transfersSection());
}

/* ---------- one referral, as the receiving agency reads it ---------- */

// An answer form (a reason, and what was given when `given`): the PATCH to status.
function answerForm({ x, status, title, submit, danger, reasonLabel, given, done }) {
  return reasonForm({
    cls: 'form ref-answer-form', label: reasonLabel, rows: 3, submit, btnClass: danger ? 'btn btn-danger' : 'btn',
    before: h('h3', null, title),
    after: given ? field({ name: 'services_given', label: t('referral.services_given'), type: 'textarea', rows: 2, maxlength: 2000, dir: 'auto' }) : null,
    send: (reason, f) => {
      const body = { status, reason };
      const gave = given && f.elements.services_given.value.trim();
      if (gave) body.services_given = gave;
      return answerReferral(f, x, body, `referral.done.${status}`, done);
    },
  });
}

function requestForm(x) {
  return reasonForm({
    label: t('referral.takeover_reason'), rows: 3, submit: t('referral.takeover_send'), btnClass: 'btn btn-secondary',
    before: [h('h3', null, t('referral.takeover')), h('p', { class: 'hint' }, t('referral.takeover_hint'))],
    send: async (reason, form) => {
      try {
        await post(`/api/v1/referrals/${encodeURIComponent(x.id)}/transfer_request`, { reason });
        form.replaceWith(h('p', { class: 'notice notice-ok', role: 'status' }, t('referral.takeover_sent')));
        announce(t('referral.takeover_sent'));
      } catch (err) { showApiError(form, err); }
    },
  });
}

export async function referralView(el, query, id) {
  const [rr, schema] = await Promise.all([get(`/api/v1/referrals/${id}`), loadSchema('case')]);
  const x = rr.json;
  const done = () => navigate(`#/referrals/${x.id}`);
  const shared = x.case && x.case.data;
  const title = pageTitle(t('referral.view_title', { id: x.case ? x.case.display_id : '' }));
  el.append(title, h('p', null, statusBadge(x.status)));
  for (const n of ((x.case && x.case.notices) || []).map(noticeText).filter(Boolean)) el.append(h('p', { class: 'notice notice-strong', role: 'note' }, n));
  if (x.status === 'consent_withdrawn') {
    el.append(h('p', { class: 'notice notice-error', role: 'alert' }, t('referral.withdrawn_notice')));
  }
  el.append(h('section', { class: 'panel', 'aria-labelledby': 'sec-ref' }, h('h2', { id: 'sec-ref' }, t('referral.details')),
    dl([
      [t('referral.service'), h('bdi', null, x.service ? x.service.name : '')],
      [t('referral.from'), h('bdi', null, x.from_agency ? x.from_agency.name : '')],
      [t('referral.referred_by'), h('bdi', null, person(x.referred_by))],
      [t('referral.received'), fmtDateTime(x.created_at)],
      [t('referral.respond_by'), respondBy(x)],
      [t('referral.note'), x.note ? h('span', { class: 'pre', dir: 'auto' }, x.note) : ''],
      x.override_reason ? [t('referral.override'), h('span', { dir: 'auto' }, x.override_reason)] : null,
      x.without_consent ? [t('referral.override'), t('referral.without_consent')] : null,
      [t('referral.shared'), (x.share || []).length ? fmtList(x.share.map((f) => formLabel(schema, f))) : t('referral.shared_none')],
      x.reason ? [t('referral.answer'), answerOf(x)] : null,
    ])));

  const receiving = state.user && x.to_agency && state.user.agency_id === x.to_agency.id;
  if (receiving && x.status === 'pending') {
    el.append(h('section', { class: 'panel ref-actions', 'aria-labelledby': 'sec-answer' }, h('h2', { id: 'sec-answer' }, t('referral.respond')),
      h('div', { class: 'actions' }, h('button', {
        type: 'button', class: 'btn',
        onclick: async (e) => {
          const btn = e.currentTarget;
          if (btn.getAttribute('aria-disabled') === 'true') return;
          btn.setAttribute('aria-disabled', 'true');
          const box = btn.closest('section');
          await answerReferral(box, x, { status: 'accepted' }, 'referral.done.accepted', done);
          btn.removeAttribute('aria-disabled');
        },
      }, t('referral.accept'))),
      answerForm({ x, status: 'declined', title: t('referral.decline'), submit: t('referral.decline'), danger: true,
        reasonLabel: t('referral.decline_reason'), done })));
  }
  if (receiving && x.status === 'accepted') {
    el.append(h('section', { class: 'panel ref-actions', 'aria-labelledby': 'sec-answer' }, h('h2', { id: 'sec-answer' }, t('referral.respond')),
      answerForm({ x, status: 'completed', title: t('referral.complete'), submit: t('referral.complete'),
        reasonLabel: t('referral.feedback'), given: true, done }),
      mayRequestTransfer() ? requestForm(x) : null));
  }

  if (shared && x.status !== 'consent_withdrawn') {
    // Only the shared forms, only the fields the referral carries.
    const view = Object.create(schema);
    view.forms = schema.forms.filter((f) => (x.share || []).includes(f.id));
    const read = await formsRead(view, shared, null);
    el.append(h('section', { class: 'shared', 'aria-labelledby': 'sec-shared' },
      h('h2', { id: 'sec-shared' }, t('referral.shared_data')),
      h('p', { class: 'muted' }, t('referral.shared_explain')),
      ...(read.length ? read : [h('p', { class: 'empty' }, t('record.nothing'))])));
  }
}
