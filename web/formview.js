// formview.js: a record's answers for reading: every filled field of every form under its
// label, option codes as their labels in the reader's language, dates and numbers formatted by
// Intl, areas by name. The history and the editor's calculated fields format values here too.
import { h } from './dom.js';
import { t, lang, fmtDate, fmtList } from './i18n.js';
import { isEmpty } from './formdata.js';
import { placeName } from './locations.js';

// Whether a value is worth a line: unticked boxes and empty answers are not.
const filled = (f, v) => (f.type === 'tickbox' ? v === true : !isEmpty(v));

// The names of every area p-code in docs' location fields (subform rows included), resolved
// before a synchronous render: Map pcode -> "Area, Region, Country".
export async function placesIn(fields, docs) {
  const codes = new Set();
  const walk = (fs, doc) => {
    for (const f of fs) {
      const v = doc && doc[f.name];
      if (f.type === 'location' && typeof v === 'string' && v) codes.add(v);
      if (f.type === 'subform' && Array.isArray(v)) for (const row of v) walk(f.fields || [], row);
    }
  };
  for (const d of docs) walk(fields, d);
  const names = await Promise.all([...codes].map((c) => placeName(c)));
  return new Map([...codes].map((c, i) => [c, names[i]]));
}

// A value as text (or, for subform rows, a list) for reading.
export function formatValue(schema, f, v, places = new Map()) {
  if (isEmpty(v) && f.type !== 'tickbox') return '';
  switch (f.type) {
    case 'select': return schema.optionLabel(f, v);
    case 'multiselect': return fmtList((Array.isArray(v) ? v : [v]).map((x) => schema.optionLabel(f, x)));
    case 'yesno': return ['yes', 'no', 'unknown'].includes(v) ? t(`yesno.${v}`) : String(v);
    case 'tickbox': return v ? t('common.yes') : t('common.no');
    case 'number': return typeof v === 'number' ? new Intl.NumberFormat(lang()).format(v) : String(v);
    case 'date': return fmtDate(v);
    case 'approx_date': return v && v.value
      ? `${fmtDate(v.value)}${v.estimated ? ` (${t('case.estimated')})` : ''}` : '';
    case 'location': return places.get(v) || String(v);
    case 'textlist': return Array.isArray(v) ? fmtList(v) : String(v);
    case 'subform': return rowsView(schema, f, v, places);
    case 'attachment': return t('form.attached');
    default: return typeof v === 'object' ? JSON.stringify(v) : String(v);
  }
}

// Free text keeps its own direction (a name in Arabic on an English page) and line breaks.
function valueNode(schema, f, v, places) {
  const out = formatValue(schema, f, v, places);
  if (typeof out !== 'string') return out;
  if (f.type === 'textarea') return h('span', { class: 'pre', dir: 'auto' }, out);
  return ['text', 'textlist'].includes(f.type) ? h('bdi', null, out) : out;
}

function rowsView(schema, f, rows, places) {
  if (!Array.isArray(rows)) return '';
  return h('ol', { class: 'rows-read' }, rows.map((row, i) => h('li', null,
    h('p', { class: 'row-title' }, t('subform.entry', { n: i + 1 })),
    pairs(schema, f.fields || [], row, places))));
}

function pairs(schema, fields, doc, places) {
  return h('dl', { class: 'details' }, fields.filter((f) => filled(f, doc[f.name])).map((f) =>
    h('div', { class: 'details-row' }, h('dt', null, f.label), h('dd', null, valueNode(schema, f, doc[f.name], places)))));
}

// One section per form with something filled in; editHref(formId), when given, links each
// form to its editor. Returns the sections (none when nothing is recorded).
export async function formsRead(schema, data, editHref) {
  const places = await placesIn(schema.fields(), [data]);
  const out = [];
  for (const form of schema.forms) {
    const fields = (form.fields || []).filter((f) => filled(f, data[f.name]));
    if (!fields.length) continue;
    const hid = `read-${form.id}`;
    out.push(h('section', { class: 'panel form-read', 'aria-labelledby': hid },
      h('div', { class: 'panel-head' }, h('h2', { id: hid }, form.label),
        editHref ? h('a', { href: editHref(form.id), class: 'btn btn-secondary btn-small' },
          h('span', null, t('common.edit')), h('span', { class: 'visually-hidden' }, ` ${form.label}`)) : null),
      pairs(schema, fields, data, places)));
  }
  return out;
}
