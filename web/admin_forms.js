// admin_forms.js: the administrator's editor of configuration: the forms of each record type
// and the shared option lists (lookups); a form's fields; adding a field or changing one's
// labels in the four languages, help, required flag, options and show-if condition. Every save
// PUTs the whole stored definition with If-Match; the server checks it as part of the whole
// configuration (422 names what is wrong), refuses a stale one (412) and applies it at once.
import { h, nextId } from './dom.js';
import { t, lang, LANGS, fmtDateTime } from './i18n.js';
import { api, get, ApiError } from './api.js';
import { navigate } from './state.js';
import { field, onSubmit, clearErrors, fieldError, formError, announce, pageTitle, errorText, button, table, dl } from './ui.js';
import { condEditor, condText } from './cond_editor.js';

const RECORD_TYPES = ['case', 'family', 'incident'];
// What an added field may be: the types this editor can configure completely (a subform needs
// row fields, an attachment a file store: those stay with the JSON export/import).
const NEW_TYPES = ['text', 'textarea', 'textlist', 'number', 'date', 'approx_date', 'select', 'multiselect', 'yesno', 'tickbox', 'location'];
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
  return api('PUT', `/api/v1/${kind}/${encodeURIComponent(name)}`, definition, { headers: { 'If-Match': `"${version}"` } });
}

// The server's message without the "name: " prefixes that repeat what the field shows.
function plainMessage(err) {
  let msg = err.message || t('error.generic');
  while (err.field && msg.startsWith(`${err.field}: `)) msg = msg.slice(err.field.length + 2);
  return msg;
}

// Shows a failed save on form. place(err) returns the name of the control the error belongs
// to, or null for the top of the form. A stale save offers to reload the latest version.
function saveFailed(form, err, place) {
  clearErrors(form);
  if (err.status === 412) {
    formError(form, t('forms.stale'), button(t('forms.reload'), () => navigate(location.hash))).focus();
    return;
  }
  const where = err.status === 422 ? place(err) : null;
  const msg = err.status === 422 ? plainMessage(err) : errorText(err);
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

export async function formEdit(el, query, id) {
  const doc = await raw('forms', id);
  const def = doc.definition;
  const ctx = await localized(def.record_type);
  el.append(pageTitle(t('forms.form_title', { form: labelIn(def.labels, id) })));
  const saved = query.get('saved');
  if (saved) {
    const f = def.fields.find((x) => x.name === saved);
    el.append(h('p', { class: 'notice notice-ok', role: 'status' }, t('forms.field_saved', { field: labelIn(f && f.labels, saved) })));
  }
  el.append(docMeta(doc),
    h('p', { class: 'actions' },
      h('a', { href: `#/admin/forms/${id}/fields/new`, class: 'btn' }, t('forms.add_field')),
      h('a', { href: `#/admin/forms?type=${def.record_type}` }, t('forms.back_list'))),
    h('h2', { id: 'fields-h' }, t('forms.fields')),
    table(t('forms.fields'), [
      [t('forms.field'), (f) => named(h('a', { href: `#/admin/forms/${id}/fields/${f.name}` }, labelIn(f.labels, f.name)), f.name)],
      [t('forms.type_label'), (f) => t(`ftype.${f.type}`)],
      [t('forms.required'), (f) => (f.required ? t('common.yes') : t('common.no'))],
      [t('forms.shown'), (f) => condText(f.show_if, ctx.fields, ctx.lookups)],
      [t('forms.missing'), (f) => missingLangs(f.labels).join(', ') || '—'],
    ], def.fields));
}

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

export async function fieldEdit(el, query, formId, name) {
  const doc = await raw('forms', formId);
  const def = doc.definition;
  const orig = name ? def.fields.find((f) => f.name === name) : null;
  if (name && !orig) throw new ApiError(404, null);
  const [ctx, lookups] = await Promise.all([localized(def.record_type), get(`/api/v1/lookups?locale=${lang()}`)]);
  const allLookups = lookups.json.lookups || {};
  const formLabel = labelIn(def.labels, formId);
  el.append(pageTitle(orig ? t('forms.edit_field', { field: labelIn(orig.labels, name) }) : t('forms.new_field', { form: formLabel })));

  const form = h('form', { class: 'form field-editor', novalidate: true });
  const typeOf = () => (orig ? orig.type : form.elements.type.value);

  // Name and type: chosen once; records are written under them.
  const ident = orig
    ? dl([[t('forms.name'), h('code', null, orig.name)], [t('forms.type_label'), t(`ftype.${orig.type}`)],
      orig.lookup ? [t('forms.lookup'), allLookups[orig.lookup] ? allLookups[orig.lookup].label : orig.lookup] : null])
    : h('fieldset', null, h('legend', null, t('forms.identity')),
      field({ name: 'name', label: t('forms.name'), hint: t('forms.name_hint'), required: true, spellcheck: 'false', autocapitalize: 'none', autocomplete: 'off' }),
      field({ name: 'type', label: t('forms.type_label'), type: 'select', required: true, options: NEW_TYPES.map((x) => [x, t(`ftype.${x}`)]) }));

  const labels = langFields('label', t('forms.labels'), orig && orig.labels, { requireEn: true, hint: t('forms.labels_hint') });
  const help = langFields('help', t('forms.help'), orig && orig.help, { textarea: true, hint: t('forms.help_hint') });
  const required = field({ name: 'required', label: t('forms.required_label'), type: 'checkbox', value: orig && orig.required, hint: t('forms.required_hint') });

  // Options: a choice field's own list, or (new fields) a shared lookup instead.
  let optIndex = 0;
  const optList = h('div', { class: 'options' });
  const source = orig ? null : field({
    name: 'lookup', label: t('forms.options_from'), type: 'select', blankLabel: t('forms.own_options'),
    options: Object.entries(allLookups).map(([n, l]) => [n, l.label || n]),
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
  const syncOptions = () => {
    const choice = CHOICE_TYPES.has(typeOf()) && !(orig && orig.lookup);
    options.hidden = !choice;
    const own = !source || !source.control.value;
    optList.hidden = !own;
    addOpt.hidden = !own;
  };
  // The condition's field menu: every other field of the record type, by form.
  const groups = ctx.forms.map((f) => [f.label, f.fields.filter((x) => x.name !== name)]).filter(([, fs]) => fs.length);
  const cond = condEditor({ fields: ctx.fields, groups, lookups: { ...allLookups, ...ctx.lookups }, value: orig ? orig.show_if : undefined });

  form.append(ident, labels, help, required, options, cond,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn' }, t('forms.save_field')),
      h('a', { href: `#/admin/forms/${formId}`, class: 'btn btn-secondary' }, t('common.cancel'))));
  if (!orig) {
    form.elements.type.addEventListener('change', syncOptions);
    source.control.addEventListener('change', syncOptions);
  }
  syncOptions();
  clearErrorsOnEdit(form);

  // Builds the field from the form, showing every problem found; null when there are any.
  function build() {
    const f = orig ? { ...orig } : { name: form.elements.name.value.trim(), type: typeOf() };
    let bad = false;
    const fail = (ctl, msg) => { fieldError(form, ctl, msg); bad = true; };
    if (!orig) {
      const other = ctx.fields.get(f.name);
      if (!f.name) fail('name', t('form.required'));
      else if (!CODE_RE.test(f.name)) fail('name', t('forms.bad_code'));
      else if (other || def.fields.some((x) => x.name === f.name)) fail('name', t('forms.name_taken', { form: other ? other.formLabel : formLabel }));
      if (!f.type) fail('type', t('form.required'));
    }
    f.labels = readLangs(form, 'label');
    if (!f.labels.en) fail('label_en', t('form.required'));
    const helpText = readLangs(form, 'help');
    if (Object.keys(helpText).length) f.help = helpText; else delete f.help;
    if (form.elements.required.checked) f.required = true; else delete f.required;
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
    if (orig) next.fields[def.fields.indexOf(orig)] = f;
    else next.fields.push(f);
    try {
      await save('forms', formId, next, doc.version);
    } catch (err) {
      saveFailed(form, err, (e) => {
        if (e.field === 'show_if') return cond;
        if (e.field === 'options') return { showError: (msg) => { optErr.textContent = msg; optErr.hidden = false; addOpt.focus(); } };
        if (e.field === 'labels') return 'label_en';
        if (!orig && (e.field === 'name' || e.field === f.name)) return 'name';
        return null;
      });
      return;
    }
    announce(t('forms.field_saved', { field: labelIn(f.labels, f.name) }));
    navigate(`#/admin/forms/${formId}?saved=${f.name}`);
  });
  el.append(form);
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
