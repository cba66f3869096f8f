// admin_forms.js: the administrator's editor of configuration: the forms of each record type
// and the shared option lists (lookups); a form's fields and, under each subform, its rows'
// fields; adding a field of any type or changing one's labels in the four languages, help,
// required flag, options (own or a shared lookup), limits (length, range, whole numbers, future
// dates), show-if condition (a row field's: on its own row) and the roles that may read it. Every save
// PUTs the whole stored definition with If-Match; the server checks it as part of the whole
// configuration (422 names what is wrong), refuses a stale one (412) and applies it at once.
import { h, nextId } from './dom.js';
import { t, lang, LANGS, fmtDateTime } from './i18n.js';
import { api, get, ApiError, ifMatch } from './api.js';
import { navigate } from './state.js';
import {
  field, onSubmit, clearErrors, fieldError, formError, staleError, fieldErrorText, announce, pageTitle, button, table, dl,
} from './ui.js';
import { condEditor, condText } from './cond_editor.js';

const RECORD_TYPES = ['case', 'family', 'incident', 'tracing_request'];
// What an added field may be. A subform's rows hold neither subforms nor attachments (files
// are uploaded to a record's own fields); a new subform starts with one row field of a type
// that needs no more settings, and gets the others from the form page.
const TOP_TYPES = ['text', 'textarea', 'textlist', 'number', 'date', 'approx_date', 'select', 'multiselect', 'yesno', 'tickbox', 'location', 'record', 'subform', 'attachment'];
const ROW_TYPES = TOP_TYPES.filter((x) => x !== 'subform' && x !== 'attachment');
const FIRST_ROW_TYPES = ['text', 'textarea', 'number', 'date', 'approx_date', 'yesno', 'tickbox', 'location'];
// The longest value of each kind of text unless max_length says otherwise (code points).
const TEXT_MAX = { text: 500, textarea: 20000, textlist: 200 };
// The roles a sensitive field may be readable by.
const ROLES = ['admin', 'supervisor', 'caseworker', 'screener', 'analyst', 'provider'];
const CHOICE_TYPES = new Set(['select', 'multiselect']);
const CODE_RE = /^[a-z0-9_]{1,63}$/; // the server's rule for names of fields and documents

const labelIn = (labels, fallback) => (labels && (labels[lang()] || labels.en)) || fallback;
const missingLangs = (labels) => LANGS.filter((l) => !(labels && labels[l.code])).map((l) => l.code);

/* ---------- loading and saving documents ---------- */

const raw = async (kind, name) => (await get(`/api/v1/${kind}/${encodeURIComponent(name)}`)).json;

// The record type's forms and lookups in the interface language (labels for menus and lists).
async function localized(recordType) {
  const r = await get(`/api/v1/forms?record_type=${recordType}&locale=${lang()}`);
  const fields = new Map();
  for (const f of r.json.forms) for (const x of f.fields) fields.set(x.name, { ...x, form: f.id, formLabel: f.label });
  return { forms: r.json.forms, lookups: r.json.lookups || {}, fields };
}

function save(kind, name, definition, version) {
  return api('PUT', `/api/v1/${kind}/${encodeURIComponent(name)}`, definition, { headers: ifMatch(version) });
}

// Shows a failed save on form. place(err) returns the name of the control the error belongs
// to, or null for the top of the form. A stale save offers to reload the latest version.
function saveFailed(form, err, place) {
  clearErrors(form);
  if (staleError(form, err, () => navigate(location.hash), { message: t('forms.stale'), reloadLabel: t('forms.reload') })) return;
  const where = err.status === 422 ? place(err) : null;
  const msg = fieldErrorText(err);
  if (where && where.showError) { where.showError(msg); return; }
  if (where && fieldError(form, where, msg)) {
    form.querySelector(`[data-field="${CSS.escape(where)}"]`).control.focus();
    announce(t('form.fix_errors', { message: msg }));
    return;
  }
  formError(form, msg).focus();
}

// Editing a control takes its error away, so the errors left are the ones still to fix.
function clearErrorsOnEdit(form) {
  const clearOwn = (e) => {
    const wrap = e.target.closest('[data-field]');
    if (!wrap) return;
    const err = wrap.querySelector('.field-error');
    if (err) { err.hidden = true; err.textContent = ''; }
    for (const c of wrap.querySelectorAll('[aria-invalid]')) c.removeAttribute('aria-invalid');
  };
  form.addEventListener('input', clearOwn);
  form.addEventListener('change', clearOwn);
}

// The first invalid control gets the focus after client-side checks.
function focusFirstError(form) {
  const bad = form.querySelector('[aria-invalid="true"]');
  if (bad) bad.focus();
  return !!bad;
}

// A fieldset with one input per language, named `${prefix}_${code}`.
function langFields(prefix, legend, values, { textarea = false, requireEn = false, hint = null } = {}) {
  return h('fieldset', { class: 'langs' }, h('legend', null, legend), hint ? h('p', { class: 'hint' }, hint) : null,
    LANGS.map((l) => {
      const w = field({
        name: `${prefix}_${l.code}`, label: l.name, value: (values && values[l.code]) || '', dir: l.dir,
        type: textarea ? 'textarea' : 'text', rows: 3, required: requireEn && l.code === 'en',
      });
      w.control.lang = l.code;
      w.querySelector('label').lang = l.code;
      return w;
    }));
}

function readLangs(form, prefix) {
  const out = {};
  for (const l of LANGS) {
    const v = form.elements[`${prefix}_${l.code}`].value.trim();
    if (v) out[l.code] = v;
  }
  return out;
}

// A label (or link) with the code it is stored under beneath it.
// One element: on phones a table cell lays its children out in a row.
const named = (label, code) => h('div', null, label, h('div', null, h('code', { class: 'code-name' }, code)));

function docMeta(doc) {
  return dl([
    [t('forms.version'), String(doc.version)],
    [t('forms.updated'), fmtDateTime(doc.updated_at)],
    [t('forms.state'), doc.edited ? t('forms.edited') : t('forms.as_shipped')],
    doc.definition.draft ? [t('forms.draft_label'), t('forms.draft')] : null,
  ]);
}

/* ---------- list: forms per record type, lookups ---------- */

export async function formList(el, query) {
  const type = RECORD_TYPES.includes(query.get('type')) ? query.get('type') : 'case';
  el.append(pageTitle(t('forms.title')), h('p', { class: 'muted' }, t('forms.intro')));
  el.append(h('nav', { class: 'tabs', 'aria-label': t('forms.record_types') }, h('ul', null, RECORD_TYPES.map((x) =>
    h('li', null, h('a', { href: `#/admin/forms?type=${x}`, 'aria-current': x === type ? 'true' : null }, t(`rtype.${x}`)))))));
  const [forms, lookups] = await Promise.all([
    get(`/api/v1/forms?record_type=${type}&locale=${lang()}`), get(`/api/v1/lookups?locale=${lang()}`)]);
  el.append(h('section', { 'aria-labelledby': 'forms-h' },
    h('h2', { id: 'forms-h' }, t('forms.list', { type: t(`rtype.${type}`) })),
    table(t('forms.list', { type: t(`rtype.${type}`) }), [
      [t('forms.form'), (f) => named(h('a', { href: `#/admin/forms/${f.id}` }, f.label || f.id), f.id)],
      [t('forms.fields'), (f) => String(f.fields.length)],
    ], forms.json.forms)));
  const lk = Object.entries(lookups.json.lookups || {});
  el.append(h('section', { 'aria-labelledby': 'lookups-h' },
    h('h2', { id: 'lookups-h' }, t('lookups.title')), h('p', { class: 'muted' }, t('lookups.intro')),
    table(t('lookups.title'), [
      [t('lookups.list'), ([name, l]) => named(h('a', { href: `#/admin/lookups/${name}` }, l.label || name), name)],
      [t('lookups.values'), ([, l]) => String((l.values || []).length)],
    ], lk)));
}

/* ---------- one form: its fields ---------- */

// A subform's row fields in the interface language: name -> field (label, type, options).
function rowFields(ctx, sub) {
  const s = ctx.fields.get(sub);
  return new Map(((s && s.fields) || []).map((x) => [x.name, x]));
}

const rowsLink = (formId, sub) => `#/admin/forms/${formId}/fields/${sub}/rows`;

export async function formEdit(el, query, id) {
  const doc = await raw('forms', id);
  const def = doc.definition;
  const ctx = await localized(def.record_type);
  el.append(pageTitle(t('forms.form_title', { form: labelIn(def.labels, id) })));
  const saved = query.get('saved');
  if (saved) {
    const parent = query.get('in') && def.fields.find((x) => x.name === query.get('in'));
    const f = ((parent ? parent.fields : def.fields) || []).find((x) => x.name === saved);
    el.append(h('p', { class: 'notice notice-ok', role: 'status' }, t('forms.field_saved', { field: labelIn(f && f.labels, saved) })));
  }
  // Each field, and under a subform the fields of its rows.
  const items = def.fields.flatMap((f) => [{ f }, ...(f.type === 'subform' ? (f.fields || []).map((r) => ({ f: r, parent: f })) : [])]);
  const nameCell = ({ f, parent }) => {
    if (!parent) {
      return h('div', null, named(h('a', { href: `#/admin/forms/${id}/fields/${f.name}` }, labelIn(f.labels, f.name)), f.name),
        f.type === 'subform' ? h('a', { href: `${rowsLink(id, f.name)}/new`, class: 'add-row-field' }, t('forms.add_row_field'),
          h('span', { class: 'visually-hidden' }, ` — ${labelIn(f.labels, f.name)}`)) : null);
    }
    return h('div', { class: 'row-field-name' },
      h('span', { class: 'visually-hidden' }, `${t('forms.in_rows_of', { subform: labelIn(parent.labels, parent.name) })}: `),
      named(h('a', { href: `${rowsLink(id, parent.name)}/${f.name}` }, labelIn(f.labels, f.name)), `${parent.name}.${f.name}`));
  };
  const typeCell = ({ f }) => h('div', null, t(`ftype.${f.type}`),
    f.sensitive ? h('div', { class: 'hint' }, t('forms.readable_by', { roles: roleList(f.sensitive) })) : null);
  el.append(docMeta(doc),
    h('p', { class: 'actions' },
      h('a', { href: `#/admin/forms/${id}/fields/new`, class: 'btn' }, t('forms.add_field')),
      h('a', { href: `#/admin/forms?type=${def.record_type}` }, t('forms.back_list'))),
    h('h2', { id: 'fields-h' }, t('forms.fields')),
    h('p', { class: 'hint' }, t('forms.rows_intro')),
    table(t('forms.fields'), [
      [t('forms.field'), nameCell],
      [t('forms.type_label'), typeCell],
      [t('forms.required'), ({ f }) => (f.required ? t('common.yes') : t('common.no'))],
      [t('forms.shown'), ({ f, parent }) => condText(f.show_if, parent ? rowFields(ctx, parent.name) : ctx.fields, ctx.lookups)],
      [t('forms.missing'), ({ f }) => missingLangs(f.labels).join(', ') || '—'],
    ], items, ({ parent }) => (parent ? { class: 'row-field' } : null)));
}

const roleList = (roles) => new Intl.ListFormat(lang(), { type: 'conjunction' }).format(roles.map((r) => t(`role.${r}`)));

/* ---------- adding or changing one field ---------- */

// One option of a choice field: its code (fixed once saved: records hold it) and labels.
function optionBox(o, isNew, index, onRemove) {
  const prefix = `opt${index}`;
  const labels = langFields(prefix, t('forms.option_labels'), o.labels, { requireEn: true });
  let box;
  if (!isNew) {
    box = h('details', { class: 'option' }, h('summary', null, h('code', null, o.value), ' — ', labelIn(o.labels, o.value)), labels);
  } else {
    const value = field({ name: `${prefix}_value`, label: t('forms.option_value'), hint: t('forms.code_hint'), required: true, spellcheck: 'false', autocapitalize: 'none' });
    box = h('fieldset', { class: 'option option-new' }, h('legend', null, t('forms.new_option')), value, labels,
      h('div', { class: 'actions' }, button(t('forms.remove_option'), () => onRemove(box), 'btn btn-link')));
  }
  box.dataset.index = index;
  return box;
}

// The settings that depend on the type: the longest text, a number's range and whether it is
// whole, whether a date may be in the future, the kind of record a record field names.
// sync(type) shows the ones that apply; read(f, fail) writes them into the field definition.
function typeSettings(orig) {
  const maxLen = field({ name: 'max_length', label: t('forms.max_length'), type: 'number', inputmode: 'numeric', min: 1, value: orig && orig.max_length, hint: ' ' });
  const min = field({ name: 'min', label: t('forms.min'), type: 'number', inputmode: 'decimal', value: orig && orig.min });
  const max = field({ name: 'max', label: t('forms.max'), type: 'number', inputmode: 'decimal', value: orig && orig.max });
  const integer = field({ name: 'integer', label: t('forms.integer'), type: 'checkbox', value: orig && orig.integer });
  const future = field({ name: 'allow_future', label: t('forms.allow_future'), type: 'checkbox', value: orig && orig.allow_future, hint: t('forms.allow_future_hint') });
  const recType = orig ? null : field({ name: 'record_type', label: t('forms.record_type'), type: 'select', blank: false, value: 'case', options: RECORD_TYPES.map((x) => [x, t(`rtype.${x}`)]), hint: t('forms.record_type_hint') });
  const range = h('div', { class: 'range' }, min, max);
  const box = h('fieldset', { class: 'type-settings' }, h('legend', null, t('forms.settings')), maxLen, range, integer, future, recType);
  const lengthHint = maxLen.querySelector('.hint');
  const sync = (type) => {
    maxLen.hidden = !(type in TEXT_MAX);
    if (!maxLen.hidden) lengthHint.textContent = t('forms.max_length_hint', { n: TEXT_MAX[type] });
    range.hidden = integer.hidden = type !== 'number';
    future.hidden = type !== 'date';
    if (recType) recType.hidden = type !== 'record';
    box.hidden = [maxLen, range, future, recType].every((x) => !x || x.hidden);
  };
  const read = (f, fail) => {
    for (const k of ['max_length', 'min', 'max', 'integer', 'allow_future']) delete f[k];
    if (!maxLen.hidden && maxLen.control.value.trim()) {
      const n = Number(maxLen.control.value);
      if (!Number.isInteger(n) || n < 1) fail('max_length', t('forms.bad_max_length'));
      else f.max_length = n;
    }
    if (!range.hidden) {
      const num = (w) => {
        const s = w.control.value.trim();
        if (!s) return undefined;
        const n = Number(s);
        if (!Number.isFinite(n)) { fail(w.dataset.field, t('form.not_a_number')); return undefined; }
        if (integer.control.checked && !Number.isInteger(n)) { fail(w.dataset.field, t('form.whole_number')); return undefined; }
        return n;
      };
      const lo = num(min);
      const hi = num(max);
      if (lo !== undefined) f.min = lo;
      if (hi !== undefined) f.max = hi;
      if (lo !== undefined && hi !== undefined && lo > hi) fail('max', t('forms.min_over_max'));
      if (integer.control.checked) f.integer = true;
    }
    if (!future.hidden && future.control.checked) f.allow_future = true;
    if (recType && !recType.hidden) f.record_type = recType.control.value;
    else if (recType) delete f.record_type;
  };
  return { box, sync, read };
}

// Who may read the field: none ticked, everyone who may read the record.
function sensitiveBox(orig, ctx, lookups) {
  const roles = new Set((orig && orig.sensitive) || []);
  const checks = ROLES.map((r) => {
    const w = field({ name: `sensitive_${r}`, label: t(`role.${r}`), type: 'checkbox', value: roles.has(r) });
    w.control.value = r;
    return w;
  });
  const when = orig && orig.sensitive_if
    ? h('p', { class: 'notice notice-quiet' }, t('forms.sensitive_if', { text: condText(orig.sensitive_if, ctx.fields, lookups) })) : null;
  const box = h('fieldset', { class: 'sensitive-box' }, h('legend', null, t('forms.sensitive')),
    h('p', { class: 'hint' }, t('forms.sensitive_hint')), h('div', { class: 'role-checks' }, checks), when);
  box.read = (f) => {
    const picked = checks.filter((w) => w.control.checked).map((w) => w.control.value);
    if (picked.length) f.sensitive = picked;
    else { delete f.sensitive; delete f.sensitive_if; }
  };
  return box;
}

// A new subform's first row field (more are added from the form page once it is saved).
function firstRowBox() {
  const box = h('fieldset', { class: 'first-row' }, h('legend', null, t('forms.first_row')), h('p', { class: 'hint' }, t('forms.first_row_hint')),
    field({ name: 'row_name', label: t('forms.name'), hint: t('forms.row_name_hint'), required: true, spellcheck: 'false', autocapitalize: 'none', autocomplete: 'off' }),
    field({ name: 'row_type', label: t('forms.type_label'), type: 'select', required: true, options: FIRST_ROW_TYPES.map((x) => [x, t(`ftype.${x}`)]) }),
    langFields('row_label', t('forms.labels'), null, { requireEn: true, hint: t('forms.labels_hint') }));
  box.read = (form, fail) => {
    const r = { name: form.elements.row_name.value.trim(), type: form.elements.row_type.value, labels: readLangs(form, 'row_label') };
    if (!r.name) fail('row_name', t('form.required'));
    else if (!CODE_RE.test(r.name)) fail('row_name', t('forms.bad_code'));
    if (!r.type) fail('row_type', t('form.required'));
    if (!r.labels.en) fail('row_label_en', t('form.required'));
    return [r];
  };
  return box;
}

// name: the field to change (null: add one); sub: the subform whose row field it is, if any.
export async function fieldEdit(el, query, formId, name, sub = null) {
  const doc = await raw('forms', formId);
  const def = doc.definition;
  const parent = sub ? def.fields.find((f) => f.name === sub && f.type === 'subform') : null;
  if (sub && !parent) throw new ApiError(404, null);
  const siblings = parent ? parent.fields || [] : def.fields;
  const orig = name ? siblings.find((f) => f.name === name) : null;
  if (name && !orig) throw new ApiError(404, null);
  const [ctx, lookups] = await Promise.all([localized(def.record_type), get(`/api/v1/lookups?locale=${lang()}`)]);
  const allLookups = lookups.json.lookups || {};
  const formLabel = labelIn(def.labels, formId);
  const parentLabel = parent && labelIn(parent.labels, sub);
  const title = orig ? t('forms.edit_field', { field: labelIn(orig.labels, name) })
    : parent ? t('forms.new_row_field', { subform: parentLabel }) : t('forms.new_field', { form: formLabel });
  el.append(pageTitle(title));
  if (parent) el.append(h('p', { class: 'muted' }, t('forms.row_field_intro', { subform: parentLabel, form: formLabel })));

  const form = h('form', { class: 'form field-editor', novalidate: true });
  const typeOf = () => (orig ? orig.type : form.elements.type.value);
  const types = parent ? ROW_TYPES : TOP_TYPES;

  // Name and type: chosen once; records are written under them.
  const ident = orig
    ? dl([[t('forms.name'), h('code', null, parent ? `${sub}.${orig.name}` : orig.name)], [t('forms.type_label'), t(`ftype.${orig.type}`)],
      orig.lookup ? [t('forms.lookup'), allLookups[orig.lookup] ? allLookups[orig.lookup].label : orig.lookup] : null,
      orig.type === 'record' ? [t('forms.record_type'), t(`rtype.${orig.record_type || 'case'}`)] : null])
    : h('fieldset', null, h('legend', null, t('forms.identity')),
      field({ name: 'name', label: t('forms.name'), hint: parent ? t('forms.row_name_hint') : t('forms.name_hint'), required: true, spellcheck: 'false', autocapitalize: 'none', autocomplete: 'off' }),
      field({ name: 'type', label: t('forms.type_label'), type: 'select', required: true, options: types.map((x) => [x, t(`ftype.${x}`)]) }));

  const labels = langFields('label', t('forms.labels'), orig && orig.labels, { requireEn: true, hint: t('forms.labels_hint') });
  const help = langFields('help', t('forms.help'), orig && orig.help, { textarea: true, hint: t('forms.help_hint') });
  const required = field({ name: 'required', label: t('forms.required_label'), type: 'checkbox', value: orig && orig.required, hint: t('forms.required_hint') });
  const settings = typeSettings(orig);
  const firstRow = orig || parent ? null : firstRowBox();

  // Options: a choice field's own list, or (new fields) a shared lookup instead.
  let optIndex = 0;
  const optList = h('div', { class: 'options' });
  const source = orig ? null : field({
    name: 'lookup', label: t('forms.options_from'), type: 'select', blankLabel: t('forms.own_options'),
    options: Object.entries(allLookups).map(([n, l]) => [n, l.label || n]), hint: t('forms.options_from_hint'),
  });
  const optErr = h('p', { id: nextId('opt-err'), class: 'field-error', hidden: true });
  const addOpt = button(t('forms.add_option'), () => {
    const box = optionBox({}, true, optIndex++, (b) => { b.remove(); addOpt.focus(); });
    optList.append(box);
    box.querySelector('input').focus();
  }, 'btn btn-secondary btn-small');
  addOpt.setAttribute('aria-describedby', optErr.id);
  const options = h('fieldset', { class: 'options-box' }, h('legend', null, t('forms.options')), source, optList,
    h('div', { class: 'actions' }, addOpt), optErr);
  for (const o of (orig && orig.options) || []) optList.append(optionBox(o, false, optIndex++));
  const sync = () => {
    const type = typeOf();
    const choice = CHOICE_TYPES.has(type) && !(orig && orig.lookup);
    options.hidden = !choice;
    const own = !source || !source.control.value;
    optList.hidden = !own;
    addOpt.hidden = !own;
    settings.sync(type);
    if (firstRow) firstRow.hidden = type !== 'subform';
  };
  // The condition's field menu: every other field of the record type, by form; a row field's
  // condition sees only its own row.
  const condFields = parent ? rowFields(ctx, sub) : ctx.fields;
  const groups = parent
    ? [[parentLabel, [...condFields.values()].filter((x) => x.name !== name)]].filter(([, fs]) => fs.length)
    : ctx.forms.map((f) => [f.label, f.fields.filter((x) => x.name !== name)]).filter(([, fs]) => fs.length);
  const cond = condEditor({
    fields: condFields, groups, lookups: { ...allLookups, ...ctx.lookups }, value: orig ? orig.show_if : undefined,
    hint: parent ? t('cond.row_hint') : undefined,
  });
  const sensitive = parent ? null : sensitiveBox(orig, ctx, { ...allLookups, ...ctx.lookups });

  form.append(...[ident, labels, help, required, settings.box, options, firstRow, cond, sensitive].filter(Boolean),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn' }, t('forms.save_field')),
      h('a', { href: `#/admin/forms/${formId}`, class: 'btn btn-secondary' }, t('common.cancel'))));
  if (!orig) {
    form.elements.type.addEventListener('change', sync);
    source.control.addEventListener('change', sync);
  }
  sync();
  clearErrorsOnEdit(form);

  // Builds the field from the form, showing every problem found; null when there are any.
  function build() {
    const f = orig ? { ...orig } : { name: form.elements.name.value.trim(), type: typeOf() };
    let bad = false;
    const fail = (ctl, msg) => { fieldError(form, ctl, msg); bad = true; };
    if (!orig) {
      const other = parent ? null : ctx.fields.get(f.name);
      if (!f.name) fail('name', t('form.required'));
      else if (!CODE_RE.test(f.name)) fail('name', t('forms.bad_code'));
      else if (parent && siblings.some((x) => x.name === f.name)) fail('name', t('forms.row_name_taken', { subform: parentLabel }));
      else if (other || (!parent && def.fields.some((x) => x.name === f.name))) fail('name', t('forms.name_taken', { form: other ? other.formLabel : formLabel }));
      if (!f.type) fail('type', t('form.required'));
    }
    f.labels = readLangs(form, 'label');
    if (!f.labels.en) fail('label_en', t('form.required'));
    const helpText = readLangs(form, 'help');
    if (Object.keys(helpText).length) f.help = helpText; else delete f.help;
    if (form.elements.required.checked) f.required = true; else delete f.required;
    settings.read(f, fail);
    if (firstRow && !firstRow.hidden) f.fields = firstRow.read(form, fail);
    if (!options.hidden) {
      const lookup = source && source.control.value;
      if (lookup) f.lookup = lookup;
      else {
        f.options = [];
        const seen = new Set();
        for (const box of optList.children) {
          const i = box.dataset.index;
          const prev = !box.classList.contains('option-new') && orig.options[Number(i)];
          const o = prev ? { ...prev } : { value: form.elements[`opt${i}_value`].value.trim() };
          o.labels = readLangs(form, `opt${i}`);
          if (!prev && !o.value) fail(`opt${i}_value`, t('form.required'));
          else if (!prev && !CODE_RE.test(o.value)) fail(`opt${i}_value`, t('forms.bad_code'));
          else if (!prev && seen.has(o.value)) fail(`opt${i}_value`, t('forms.option_taken'));
          if (!o.labels.en) { fail(`opt${i}_en`, t('form.required')); box.open = true; }
          seen.add(o.value);
          f.options.push(o);
        }
        if (!f.options.length) { optErr.textContent = t('forms.need_options'); optErr.hidden = false; bad = true; }
      }
    }
    const c = cond.read();
    if (c.error) { cond.showError(c.error, c.control); bad = true; }
    else if (c.cond === undefined) delete f.show_if;
    else f.show_if = c.cond;
    if (sensitive) sensitive.read(f);
    return bad ? null : f;
  }

  onSubmit(form, async () => {
    clearErrors(form);
    optErr.hidden = true;
    const f = build();
    if (!f) {
      if (!focusFirstError(form)) addOpt.focus();
      return;
    }
    const next = structuredClone(def);
    const list = parent ? next.fields[def.fields.indexOf(parent)].fields : next.fields;
    if (orig) list[siblings.indexOf(orig)] = f;
    else list.push(f);
    try {
      await save('forms', formId, next, doc.version);
    } catch (err) {
      saveFailed(form, err, (e) => {
        // A row field's errors are named subform.field.
        const at = parent && e.field && e.field.startsWith(`${sub}.`) ? e.field.slice(sub.length + 1) : e.field;
        if (at === 'show_if' || (at === f.name && /condition/.test(e.message || ''))) return cond;
        if (at === 'options') return { showError: (msg) => { optErr.textContent = msg; optErr.hidden = false; addOpt.focus(); } };
        if (at === 'labels') return 'label_en';
        if (!orig && (at === 'name' || at === f.name)) return 'name';
        if (firstRow && f.fields && at && at.startsWith(`${f.name}.`)) return 'row_name';
        return null;
      });
      return;
    }
    announce(t('forms.field_saved', { field: labelIn(f.labels, f.name) }));
    navigate(`#/admin/forms/${formId}?saved=${f.name}${parent ? `&in=${sub}` : ''}`);
  });
  el.append(form);

  // A subform's rows: their fields, each edited on its own page.
  if (orig && orig.type === 'subform') {
    el.append(h('section', { class: 'panel', 'aria-labelledby': 'rows-h' },
      h('h2', { id: 'rows-h' }, t('forms.row_fields')),
      h('ul', { class: 'link-list' }, (orig.fields || []).map((r) => h('li', null,
        h('a', { href: `${rowsLink(formId, name)}/${r.name}` }, labelIn(r.labels, r.name)), ' ', h('code', { class: 'code-name' }, r.name)))),
      h('p', null, h('a', { href: `${rowsLink(formId, name)}/new`, class: 'btn btn-secondary' }, t('forms.add_row_field')))));
  }
}

/* ---------- a lookup: its values, adding one ---------- */

export async function lookupEdit(el, query, name) {
  let doc;
  try {
    doc = await raw('lookups', name);
  } catch (err) {
    if (err.status !== 404) throw err;
    el.append(pageTitle(t('lookups.not_editable_title')), h('p', null, t('lookups.not_editable')),
      h('p', null, h('a', { href: '#/admin/forms' }, t('forms.back_list'))));
    return;
  }
  const def = doc.definition;
  el.append(pageTitle(t('lookups.edit_title', { list: labelIn(def.labels, name) })));
  const saved = def.values.find((x) => x.value === query.get('saved'));
  if (saved) el.append(h('p', { class: 'notice notice-ok', role: 'status' }, t('lookups.value_added', { value: labelIn(saved.labels, saved.value) })));

  const value = field({ name: 'value', label: t('lookups.code'), hint: t('forms.code_hint'), required: true, spellcheck: 'false', autocapitalize: 'none', autocomplete: 'off' });
  const form = h('form', { class: 'form', novalidate: true, 'aria-labelledby': 'add-value-h' },
    h('h2', { id: 'add-value-h' }, t('lookups.add')), value,
    langFields('label', t('forms.labels'), null, { requireEn: true, hint: t('forms.labels_hint') }),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn' }, t('lookups.add'))));
  onSubmit(form, async () => {
    clearErrors(form);
    const v = { value: form.elements.value.value.trim(), labels: readLangs(form, 'label') };
    if (!v.value) fieldError(form, 'value', t('form.required'));
    else if (!CODE_RE.test(v.value)) fieldError(form, 'value', t('forms.bad_code'));
    else if (def.values.some((x) => x.value === v.value)) fieldError(form, 'value', t('forms.option_taken'));
    if (!v.labels.en) fieldError(form, 'label_en', t('form.required'));
    if (focusFirstError(form)) return;
    try {
      await save('lookups', name, { ...def, values: [...def.values, v] }, doc.version);
    } catch (err) {
      saveFailed(form, err, (e) => (e.field === 'values' || e.field === 'value' ? 'value' : null));
      return;
    }
    announce(t('lookups.value_added', { value: labelIn(v.labels, v.value) }));
    navigate(`#/admin/lookups/${name}?saved=${v.value}`);
  });
  clearErrorsOnEdit(form);
  el.append(docMeta(doc), h('p', null, h('a', { href: '#/admin/forms' }, t('forms.back_list'))),
    h('section', { class: 'panel' }, form),
    h('h2', { id: 'values-h' }, t('lookups.values')),
    table(t('lookups.values'), [
      [t('lookups.code'), (v) => h('code', { class: 'code-cell' }, v.value)],
      ...LANGS.map((l) => [l.name, (v) => h('span', { lang: l.code, dir: l.dir }, (v.labels && v.labels[l.code]) || '—')]),
    ], def.values));
}
