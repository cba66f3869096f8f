// services.js: the services directory (#/services): search by need, place and language for
// everyone signed in; for those who maintain it (service.manage: administrators and analysts)
// adding and editing a service (PUT with If-Match; 412 when someone saved first) and importing
// a CSV file of services (all rows or none; the first bad row is named).
import { h } from './dom.js';
import { t } from './i18n.js';
import { get, post, api, ifMatch } from './api.js';
import { state, navigate } from './state.js';
import {
  field, onSubmit, clearErrors, fieldError, showApiError, staleError, announce, pageTitle, errorPanel, table, checks,
} from './ui.js';
import { loadSchema } from './schema.js';
import { placeName, normalizePcode } from './locations.js';
import { SERVICE_TYPES, serviceLabel, distanceLabel, languageOptions, languagesText } from './referrals.js';

const AVAILABILITY = ['open', 'waiting_list', 'full', 'closed'];
const SEXES = ['female', 'male', 'other'];
const AAAQ = ['availability', 'accessibility', 'acceptability', 'quality'];

const mayManageServices = () => !!state.user && ['admin', 'analyst'].includes(state.user.role);

const availability = (s) => (s.availability ? h('span', { class: `badge svc-${s.availability}` }, t(`service.availability.${s.availability}`)) : '—');
const ages = (s) => (s.ages ? t('service.ages_range', { min: s.ages.min, max: s.ages.max }) : '—');

async function loadLanguages() {
  try {
    return languageOptions(await loadSchema('case'));
  } catch { return []; }
}

export async function servicesScreen(el, query) {
  el.append(pageTitle(t('services.title')), h('p', { class: 'muted' }, t('services.explain')));
  const manage = mayManageServices();
  if (manage) el.append(h('p', { class: 'actions' }, h('a', { href: '#/services/new', class: 'btn' }, t('services.new'))));
  const langs = await loadLanguages();
  const need = field({ name: 'need', label: t('referral.need'), type: 'select', options: SERVICE_TYPES.map((x) => [x, serviceLabel(x)]),
    value: query.get('need') || '', blankLabel: t('filter.any') });
  const where = field({ name: 'location', label: t('referral.location'), value: query.get('location') || '', hint: t('referral.location_hint'),
    autocomplete: 'off', spellcheck: 'false', maxlength: 20 });
  const speaks = field({ name: 'language', label: t('referral.language'), type: 'select', options: langs, value: query.get('language') || '', blankLabel: t('filter.any') });
  const form = h('form', { class: 'filters', role: 'search', 'aria-label': t('services.search') }, need, where, speaks,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn' }, t('services.search'))));
  onSubmit(form, () => {
    const q = new URLSearchParams();
    const f = form.elements;
    for (const [k, v] of [['need', f.need.value], ['location', normalizePcode(f.location.value)], ['language', f.language.value]]) if (v) q.set(k, v);
    navigate(`#/services${q.toString() ? `?${q}` : ''}`);
  });
  el.append(form);
  const q = new URLSearchParams({ per: '100' });
  for (const k of ['need', 'location', 'language']) if (query.get(k)) q.set(k, query.get(k));
  const results = h('section', { 'aria-label': t('list.results'), class: 'services-results' });
  try {
    const items = (await get(`/api/v1/services?${q}`)).json.items || [];
    const places = new Map(await Promise.all([...new Set(items.map((s) => s.pcode).filter(Boolean))].map(async (p) => [p, await placeName(p)])));
    results.append(items.length ? table(t('services.title'), [
      [t('service.name'), (s) => (manage ? h('a', { href: `#/services/${s.id}` }, h('bdi', null, s.name)) : h('strong', null, h('bdi', null, s.name)))],
      [t('service.type'), (s) => serviceLabel(s.type)],
      [t('service.agency'), (s) => h('bdi', null, s.agency ? s.agency.name : '—')],
      [t('service.area'), (s) => h('span', null, places.get(s.pcode) || s.pcode || '—',
        distanceLabel(s.distance) ? [h('br'), h('span', { class: 'muted' }, distanceLabel(s.distance))] : null)],
      [t('service.languages'), (s) => ((s.languages || []).length ? languagesText(s.languages, langs) : '—')],
      [t('service.ages'), ages],
      [t('service.availability'), (s) => h('span', null, availability(s), s.active === false ? [' ', h('span', { class: 'badge' }, t('service.inactive'))] : null)],
      [t('service.contact'), (s) => contact(s)],
    ], items) : h('p', { class: 'empty' }, t('services.none')));
  } catch (err) { results.append(errorPanel(err)); }
  el.append(results);
  if (manage) el.append(importForm());
}

function contact(s) {
  const c = s.contact || {};
  const parts = [c.phone ? h('bdi', { dir: 'ltr' }, c.phone) : null, c.email ? h('bdi', null, c.email) : null,
    s.address ? h('bdi', null, s.address) : s.address_hidden ? h('span', { class: 'muted' }, t('service.address_hidden')) : null].filter(Boolean);
  // One box: on a phone the table cell lays its children out beside its label.
  return parts.length ? h('span', null, parts.flatMap((p, i) => (i ? [h('br'), p] : [p]))) : '—';
}

function importForm() {
  const file = field({ name: 'file', label: t('services.import_file'), type: 'file', hint: t('services.import_hint') });
  file.control.setAttribute('accept', '.csv,text/csv');
  const form = h('form', { class: 'form services-import', novalidate: true }, h('h2', null, t('services.import')), file,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn btn-secondary' }, t('services.import_do'))));
  onSubmit(form, async () => {
    clearErrors(form);
    const f = form.elements.file.files[0];
    if (!f) { fieldError(form, 'file', t('form.required')); form.elements.file.focus(); return; }
    try {
      const r = await api('POST', '/api/v1/services/import', await f.text(), { type: 'text/csv' });
      const n = r.json && (r.json.imported ?? r.json.created ?? (r.json.items || []).length);
      announce(t('services.imported', { n: n ?? '' }));
      navigate('#/services');
    } catch (err) { showApiError(form, err); }
  });
  return form;
}

/* ---------- add / edit ---------- */

export async function serviceEdit(el, query, id) {
  if (!mayManageServices()) { el.append(pageTitle(t('services.title')), errorPanel({ status: 403, message: '' })); return; }
  const [sr, agencies, langs] = await Promise.all([id ? get(`/api/v1/services/${id}`) : null,
    get('/api/v1/agencies').then((r) => r.json.items || []).catch(() => []), loadLanguages()]);
  const s = sr ? sr.json : { availability: 'open', active: true };
  const version = sr ? (sr.headers && sr.headers.get('ETag')) || s.version : null;
  el.append(pageTitle(id ? t('services.edit', { name: s.name }) : t('services.new')));
  const num = (name, label, value, min, max) => field({ name, label, type: 'number', value: value ?? '', min, max, inputmode: 'numeric' });
  const langBox = checks('languages', t('service.languages'), langs, s.languages || []);
  langBox.classList.add('multi-list');
  const sexBox = checks('sexes', t('service.sexes'), SEXES.map((x) => [x, t(`service.sex.${x}`)]), s.sexes || []);
  const form = h('form', { class: 'form service-form', novalidate: true },
    field({ name: 'name', label: t('service.name'), value: s.name, required: true, maxlength: 200, dir: 'auto' }),
    field({ name: 'type', label: t('service.type'), type: 'select', required: true, value: s.type, options: SERVICE_TYPES.map((x) => [x, serviceLabel(x)]) }),
    field({ name: 'pcode', label: t('service.pcode'), value: s.pcode, required: true, hint: t('referral.location_hint'), maxlength: 20, spellcheck: 'false' }),
    agencies.length ? field({ name: 'agency_id', label: t('service.agency'), type: 'select', value: s.agency ? s.agency.id : '', options: agencies.map((a) => [a.id, a.name]) }) : null,
    langBox,
    h('div', { class: 'field-pair' }, num('ages_min', t('service.ages_min'), s.ages && s.ages.min, 0, 120), num('ages_max', t('service.ages_max'), s.ages && s.ages.max, 0, 120)),
    sexBox,
    field({ name: 'availability', label: t('service.availability'), type: 'select', blank: false, value: s.availability || 'open', options: AVAILABILITY.map((x) => [x, t(`service.availability.${x}`)]) }),
    num('capacity', t('service.capacity'), s.capacity, 0, 1000000),
    field({ name: 'phone', label: t('service.phone'), type: 'tel', value: s.contact && s.contact.phone, maxlength: 50, dir: 'ltr' }),
    field({ name: 'email', label: t('service.email'), type: 'email', value: s.contact && s.contact.email, maxlength: 200, dir: 'ltr' }),
    field({ name: 'address', label: t('service.address'), type: 'textarea', rows: 2, value: s.address, maxlength: 500, dir: 'auto' }),
    field({ name: 'accessibility', label: t('service.accessibility'), type: 'textarea', rows: 2, value: s.accessibility, maxlength: 1000, dir: 'auto' }),
    h('fieldset', { class: 'aaaq' }, h('legend', null, t('service.aaaq')), h('p', { class: 'hint' }, t('service.aaaq_hint')),
      AAAQ.map((k) => num(`aaaq_${k}`, t(`service.aaaq.${k}`), s.aaaq && s.aaaq[k], 1, 5))),
    field({ name: 'active', label: t('service.active'), type: 'checkbox', value: s.active !== false }),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn' }, t('common.save')),
      h('a', { href: '#/services', class: 'btn btn-secondary' }, t('common.cancel'))));
  onSubmit(form, async () => {
    clearErrors(form);
    const f = form.elements;
    const body = { name: f.name.value.trim(), type: f.type.value, pcode: normalizePcode(f.pcode.value), active: f.active.checked };
    let bad = false;
    for (const k of ['name', 'type', 'pcode']) if (!body[k]) bad = fieldError(form, k, t('form.required')) || bad;
    if (bad) { form.querySelector('[aria-invalid="true"]').focus(); return; }
    if (f.agency_id && f.agency_id.value) body.agency_id = f.agency_id.value;
    body.languages = langBox.values();
    body.sexes = sexBox.values();
    if (f.ages_min.value !== '' || f.ages_max.value !== '') body.ages = { min: Number(f.ages_min.value || 0), max: Number(f.ages_max.value || 120) };
    body.availability = f.availability.value;
    if (f.capacity.value !== '') body.capacity = Number(f.capacity.value);
    const c = {};
    if (f.phone.value.trim()) c.phone = f.phone.value.trim();
    if (f.email.value.trim()) c.email = f.email.value.trim();
    if (Object.keys(c).length) body.contact = c;
    if (f.address.value.trim()) body.address = f.address.value.trim();
    if (f.accessibility.value.trim()) body.accessibility = f.accessibility.value.trim();
    const aaaq = {};
    for (const k of AAAQ) if (f[`aaaq_${k}`].value !== '') aaaq[k] = Number(f[`aaaq_${k}`].value);
    if (Object.keys(aaaq).length) body.aaaq = aaaq;
    try {
      if (id) await api('PUT', `/api/v1/services/${id}`, body, { headers: ifMatch(version) });
      else await post('/api/v1/services', body);
      announce(t('services.saved', { name: body.name }));
      navigate('#/services');
    } catch (err) {
      if (staleError(form, err, () => navigate(`#/services/${id}`))) return;
      // "aaaq" and "ages" errors belong next to their first box.
      if (err.field === 'ages') err.field = 'ages_min';
      if (err.field === 'aaaq') err.field = 'aaaq_availability';
      if (err.field === 'contact') err.field = 'phone';
      showApiError(form, err);
    }
  });
  el.append(form);
}
