// consent.js: a case's consent records (the Consent panel of the case page): who agreed to
// what, how and when, what each purpose stands at now, recording a new consent or refusal and
// withdrawing one. Also how a referral or transfer refused for want of consent is explained,
// with the override reason a supervisor may give instead.
import { h, clear } from './dom.js';
import { t, fmtDate, fmtDateTime, fmtList } from './i18n.js';
import { get, post } from './api.js';
import { state, navigate, caseHeaders } from './state.js';
import {
  field, onSubmit, clearErrors, fieldError, showApiError, formError, announce, errorPanel, checks, reasonForm, toggleButton,
} from './ui.js';
import { todayISO } from './formdata.js';

const PURPOSES = ['services', 'disclosure', 'tracing', 'reporting'];
const GIVERS = ['child', 'parent', 'caregiver', 'guardian', 'best_interests'];
const METHODS = ['verbal', 'written', 'other'];
// The case field each purpose is derived into.
const CASE_FIELD = {
  services: 'consent_for_services', disclosure: 'disclosure_other_orgs', tracing: 'consent_for_tracing', reporting: 'consent_for_reporting',
};

// Supervisors may consent in the child's best interests and refer or transfer without consent
// (case.consent_best_interests, case.refer_override in config/roles.json).
const mayOverride = () => !!state.user && state.user.role === 'supervisor';

// Every agency a case may be shared with: those the user may list, and those running a
// service of the directory (a caseworker lists only their own agency). The case's own agency
// is left out. [{id, name}] by name.
export async function otherAgencies(ownId) {
  const [a, s] = await Promise.allSettled([get('/api/v1/agencies'), get('/api/v1/services?per=100')]);
  const out = new Map();
  if (a.status === 'fulfilled') for (const x of a.value.json.items || []) out.set(x.id, { id: x.id, name: x.name });
  if (s.status === 'fulfilled') for (const x of s.value.json.items || []) if (x.agency) out.set(x.agency.id, { id: x.agency.id, name: x.agency.name });
  out.delete(ownId);
  const coll = new Intl.Collator();
  return [...out.values()].sort((x, y) => coll.compare(x.name, y.name));
}

// Whether an error is the server's "no consent covers this" (422 naming field consent).
const isConsentError = (err) => err && err.status === 422 && err.field === 'consent';

// Shows a missing-consent refusal on form; a supervisor gets the override reason field (which
// the form's submit then sends as override_reason). Returns true when it was one.
export function consentProblem(form, err) {
  if (!isConsentError(err)) return false;
  clearErrors(form);
  const msg = String(err.message || '').replace(/^consent: /, '');
  const box = formError(form, h('p', null, h('strong', null, t('consent.missing'))), h('p', null, msg),
    h('p', null, mayOverride() ? t('consent.override_explain') : t('consent.missing_explain')));
  const wrap = form.querySelector('[data-field="override_reason"]');
  if (wrap) {
    wrap.hidden = false;
    wrap.control.required = true;
    wrap.control.focus();
  } else box.focus();
  return true;
}

// The override reason field a form carries, hidden until a refusal shows it (supervisors only).
export function overrideField() {
  if (!mayOverride()) return null;
  const w = field({ name: 'override_reason', label: t('consent.override_reason'), type: 'textarea', rows: 2, maxlength: 2000,
    dir: 'auto', hint: t('consent.override_hint') });
  w.hidden = true;
  return w;
}

// {override_reason} when the field is shown and filled.
export function overrideValue(form) {
  const w = form.querySelector('[data-field="override_reason"]');
  const v = w && !w.hidden ? w.control.value.trim() : '';
  return v ? { override_reason: v } : {};
}

const label = (prefix, v) => t(`${prefix}.${v}`);

function stateText(v) {
  if (v === 'yes') return h('span', { class: 'badge consent-yes' }, t('consent.state.yes'));
  if (v === 'no') return h('span', { class: 'badge consent-no' }, t('consent.state.no'));
  return h('span', { class: 'badge consent-none' }, t('consent.state.none'));
}

function currentList(current) {
  return h('dl', { class: 'details consent-current' }, PURPOSES.map((p) => h('div', { class: 'details-row' },
    h('dt', null, label('consent.purpose', p)), h('dd', null, stateText(current[CASE_FIELD[p]])))));
}

// One consent record as a card; its Withdraw action when it still allows something.
function item(c, x, canEdit, reload) {
  const withdrawn = x.withdrawn || [];
  const active = x.active || [];
  const agencies = (x.agencies || []).map((a) => a.name || a.id);
  const rows = [
    [t('consent.purposes'), fmtList((x.purposes || []).map((p) => label('consent.purpose', p)))],
    (x.purposes || []).includes('disclosure')
      ? [t('consent.agencies'), agencies.length ? h('bdi', null, fmtList(agencies)) : t('consent.any_agency')] : null,
    [t('consent.method'), label('consent.method', x.method)],
    x.giver_name ? [t('consent.giver_name'), h('bdi', null, x.giver_name)] : null,
    x.reason ? [t('consent.bi_reason'), h('span', { class: 'pre', dir: 'auto' }, x.reason)] : null,
    x.note ? [t('consent.note'), h('span', { class: 'pre', dir: 'auto' }, x.note)] : null,
    withdrawn.length ? [t('consent.withdrawn'), fmtList(withdrawn.map((p) => label('consent.purpose', p)))] : null,
    x.withdrawn_at ? [t('consent.withdrawn_at'), fmtDateTime(x.withdrawn_at)] : null,
  ].filter(Boolean);
  const decision = x.decision === 'refused' ? h('span', { class: 'badge consent-no' }, t('consent.decision.refused'))
    : active.length ? h('span', { class: 'badge consent-yes' }, t('consent.decision.given'))
      : h('span', { class: 'badge consent-none' }, t('consent.decision.withdrawn'));
  const li = h('li', { class: 'consent-item' },
    h('p', { class: 'consent-head' }, h('strong', null, label('consent.giver', x.giver)), ' ', decision, ' ',
      h('span', { class: 'muted' }, t('consent.given_on_date', { date: fmtDate(x.given_on) }))),
    h('dl', { class: 'details' }, rows.map(([k, v]) => h('div', { class: 'details-row' }, h('dt', null, k), h('dd', null, v)))));
  if (canEdit && x.decision === 'given' && active.length) {
    const form = withdrawForm(c, x, () => open.close(), reload);
    const open = toggleButton(t('consent.withdraw'), form, (f) => f.elements.reason, { hideSelf: true });
    li.append(h('div', { class: 'actions' }, open), form);
  }
  return li;
}

function withdrawForm(c, x, close, reload) {
  return reasonForm({
    cls: 'form consent-withdraw', label: t('consent.withdraw_reason'), submit: t('consent.withdraw_do'), btnClass: 'btn btn-danger',
    before: h('div', { class: 'notice notice-warn' }, h('p', null, h('strong', null, t('consent.withdraw_confirm'))),
      h('p', null, t('consent.withdraw_effect'))),
    actions: h('button', { type: 'button', class: 'btn btn-secondary', onclick: close }, t('common.cancel')),
    send: async (reason, form) => {
      try {
        await post(`/api/v1/consents/${encodeURIComponent(x.id)}/withdraw`, { reason }, { headers: caseHeaders(c.id) });
        announce(t('consent.withdrawn_msg'));
        reload();
      } catch (err) { showApiError(form, err); }
    },
  });
}

function recordForm(c, agencies, reload, listBox) {
  const giver = field({ name: 'giver', label: t('consent.giver_label'), type: 'select', required: true,
    options: GIVERS.filter((g) => g !== 'best_interests' || mayOverride()).map((g) => [g, label('consent.giver', g)]) });
  const biReason = field({ name: 'reason', label: t('consent.bi_reason'), type: 'textarea', rows: 2, maxlength: 2000, dir: 'auto',
    hint: t('consent.bi_hint'), required: true });
  biReason.hidden = true;
  const decision = field({ name: 'decision', label: t('consent.decision_label'), type: 'select', required: true, blank: false, value: 'given',
    options: [['given', t('consent.decision.given')], ['refused', t('consent.decision.refused')]] });
  const method = field({ name: 'method', label: t('consent.method'), type: 'select', required: true, blank: false, value: 'verbal',
    options: METHODS.map((m) => [m, label('consent.method', m)]) });
  const purposes = checks('purposes', t('consent.purposes'), PURPOSES.map((p) => [p, label('consent.purpose', p)]), [], t('consent.purposes_hint'));
  const agencyBox = agencies.length
    ? checks('agencies', t('consent.agencies'), agencies.map((a) => [a.id, a.name]), [], t('consent.agencies_hint')) : null;
  if (agencyBox) agencyBox.hidden = true;
  const givenOn = field({ name: 'given_on', label: t('consent.given_on'), type: 'date', value: todayISO(), max: todayISO() });
  const giverName = field({ name: 'giver_name', label: t('consent.giver_name'), maxlength: 200, dir: 'auto', autocomplete: 'off' });
  const note = field({ name: 'note', label: t('consent.note'), type: 'textarea', rows: 2, maxlength: 2000, dir: 'auto' });
  giver.control.addEventListener('change', () => { biReason.hidden = giver.control.value !== 'best_interests'; });
  purposes.addEventListener('change', () => {
    if (agencyBox) agencyBox.hidden = !purposes.values().includes('disclosure');
  });
  const form = h('form', { class: 'form consent-form', novalidate: true },
    h('h3', null, t('consent.record')), giver, biReason, decision, method, purposes, agencyBox, givenOn, giverName, note,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn' }, t('consent.save'))));
  onSubmit(form, async () => {
    clearErrors(form);
    const f = form.elements;
    const body = { giver: f.giver.value, decision: f.decision.value, method: f.method.value, purposes: purposes.values() };
    let bad = false;
    if (!body.giver) bad = fieldError(form, 'giver', t('form.required'));
    if (body.giver === 'best_interests' && !f.reason.value.trim()) bad = fieldError(form, 'reason', t('consent.bi_required')) || bad;
    if (!body.purposes.length) bad = fieldError(form, 'purposes', t('consent.purposes_required')) || bad;
    if (bad) { (form.querySelector('[aria-invalid="true"]') || form.querySelector('[data-field="purposes"] input')).focus(); return; }
    if (body.giver === 'best_interests') body.reason = f.reason.value.trim();
    if (agencyBox && body.purposes.includes('disclosure') && body.decision === 'given' && agencyBox.values().length) body.agencies = agencyBox.values();
    if (f.given_on.value) body.given_on = f.given_on.value;
    if (f.giver_name.value.trim()) body.giver_name = f.giver_name.value.trim();
    if (f.note.value.trim()) body.note = f.note.value.trim();
    try {
      await post(`/api/v1/cases/${c.id}/consents`, body, { headers: caseHeaders(c.id) });
      announce(t(body.decision === 'given' ? 'consent.saved' : 'consent.refusal_saved'));
      reload();
    } catch (err) {
      showApiError(form, err);
      // Whatever happened, the list shows what is on record now.
      if (err.status >= 500) listBox.refresh();
    }
  });
  return form;
}

// The Consent panel of a case page. After a change the case is read again: its consent fields
// and version follow from the records.
export async function consentPanel(c) {
  const sec = h('section', { class: 'panel consent', 'aria-labelledby': 'sec-consent' }, h('h2', { id: 'sec-consent' }, t('consent.title')));
  const canEdit = !!(c.access && c.access.can_edit);
  const reload = () => navigate(`#/cases/${c.id}`);
  const listBox = h('div', { class: 'consent-list' });
  listBox.refresh = async () => {
    let r;
    try { r = (await get(`/api/v1/cases/${c.id}/consents`, { headers: caseHeaders(c.id) })).json; } catch (err) {
      clear(listBox).append(errorPanel(err));
      return;
    }
    const items = [...(r.items || [])].sort((a, b) => String(b.created_at).localeCompare(String(a.created_at)));
    clear(listBox).append(
      h('h3', null, t('consent.current')), currentList(r.current || {}),
      h('h3', null, t('consent.records')),
      items.length ? h('ol', { class: 'consent-items' }, items.map((x) => item(c, x, canEdit, reload)))
        : h('p', { class: 'empty' }, t('consent.none')));
  };
  await listBox.refresh();
  sec.append(listBox);
  if (canEdit) {
    const form = recordForm(c, await otherAgencies(c.agency && c.agency.id), reload, listBox);
    const open = toggleButton(t('consent.record'), form, (f) => f.elements.giver, { cls: 'btn' });
    sec.append(h('div', { class: 'actions' }, open), form);
  }
  return sec;
}

