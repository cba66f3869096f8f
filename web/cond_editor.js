// cond_editor.js: the administrator's editor of a field's show-if condition (the language of
// cond.js): one or more clauses "field, test, value", all or any of which must hold, and the
// same condition read back as a sentence for lists. Conditions it cannot show as clauses
// (not, any inside all ...) are kept as they are unless the administrator replaces them.
import { h, clear, nextId } from './dom.js';
import { t, lang } from './i18n.js';
import { button } from './ui.js';

// The tests that make sense for each kind of field; the first is the default.
const CHOICE_OPS = ['eq', 'ne', 'in', 'not_in', 'empty', 'not_empty'];
const OPS_BY_TYPE = {
  select: CHOICE_OPS, yesno: CHOICE_OPS, location: ['eq', 'ne', 'empty', 'not_empty'],
  multiselect: ['contains', 'empty', 'not_empty'], textlist: ['contains', 'empty', 'not_empty'],
  subform: ['empty', 'not_empty'], approx_date: ['empty', 'not_empty'], attachment: ['empty', 'not_empty'],
  number: ['eq', 'ne', 'lt', 'lte', 'gt', 'gte', 'empty', 'not_empty'],
  date: ['lt', 'lte', 'gt', 'gte', 'eq', 'empty', 'not_empty'],
  tickbox: ['eq'],
};
const TEXT_OPS = ['eq', 'ne', 'empty', 'not_empty'];
const NO_VALUE = new Set(['empty', 'not_empty']);
const LIST_VALUE = new Set(['in', 'not_in']);

const opsFor = (f) => OPS_BY_TYPE[f && f.type] || TEXT_OPS;

// The choices of a field as [[value, label]]: its options, its lookup's values, yes/no/unknown
// or ticked/not ticked; null when its value is free.
function choices(f, lookups) {
  if (!f) return null;
  if (f.type === 'yesno') return ['yes', 'no', 'unknown'].map((x) => [x, t(`yesno.${x}`)]);
  if (f.type === 'tickbox') return [[true, t('cond.ticked')], [false, t('cond.not_ticked')]];
  const list = f.options || (f.lookup && lookups[f.lookup] && lookups[f.lookup].values);
  return list ? list.map((o) => [o.value, o.label || o.value]) : null;
}

const isClause = (c) => c && typeof c === 'object' && typeof c.field === 'string' && typeof c.op === 'string';

// A condition as a flat list of clauses and how they combine, or null when it has another
// shape. "all" inside "all" flattens without changing the meaning.
function flatten(cond) {
  if (isClause(cond)) return { mode: 'all', clauses: [cond] };
  for (const mode of ['all', 'any']) {
    if (!cond || !Array.isArray(cond[mode]) || Object.keys(cond).length !== 1) continue;
    const out = [];
    for (const c of cond[mode]) {
      const sub = isClause(c) ? { mode, clauses: [c] } : flatten(c);
      if (!sub || (sub.mode !== mode && sub.clauses.length > 1)) return null;
      out.push(...sub.clauses);
    }
    return { mode, clauses: out };
  }
  return null;
}

function valueText(f, v, lookups) {
  const list = choices(f, lookups);
  const one = (x) => {
    const hit = list && list.find(([k]) => k === x);
    return hit ? hit[1] : String(x);
  };
  return Array.isArray(v) ? new Intl.ListFormat(lang(), { type: 'disjunction' }).format(v.map(one)) : one(v);
}

// The condition as a sentence, e.g. "Sex is Female and Age (years) is at least 10".
// fields: Map name -> field (localised label, type, options, lookup).
export function condText(cond, fields, lookups) {
  if (!cond) return t('cond.always');
  const flat = flatten(cond);
  if (!flat) return t('cond.complex');
  const parts = flat.clauses.map((c) => {
    const f = fields.get(c.field);
    const name = f ? f.label || c.field : c.field;
    const op = t(`cond.op.${c.op}`);
    return NO_VALUE.has(c.op) ? `${name} ${op}` : `${name} ${op} ${valueText(f, c.value, lookups)}`;
  });
  return new Intl.ListFormat(lang(), { type: flat.mode === 'all' ? 'conjunction' : 'disjunction' }).format(parts);
}

// The editor. spec: {fields: Map name -> field, groups: [[form label, [field, ...]]] for the
// field menu, lookups, value: the current condition or undefined, hint: what it may name (a
// row's fields) instead of the usual hint}. Returns a fieldset whose .read() gives {cond}
// (undefined: always shown) or {error, control} to show next to control.
export function condEditor(spec) {
  const { fields, groups, lookups } = spec;
  const flat = spec.value === undefined ? { mode: 'always', clauses: [] } : flatten(spec.value);
  let dirty = false;
  const err = h('p', { id: nextId('cond-err'), class: 'field-error', hidden: true });
  const list = h('div', { class: 'cond-clauses' });
  const modeId = nextId('cond-mode');
  const modes = [['always', t('cond.mode_always')], ['all', t('cond.mode_all')], ['any', t('cond.mode_any')]];
  if (!flat) modes.unshift(['keep', t('cond.mode_keep')]);
  const mode = h('select', { id: modeId, name: 'cond_mode', 'aria-describedby': err.id },
    modes.map(([v, l]) => h('option', { value: v }, l)));
  mode.value = flat ? flat.mode : 'keep';
  const addBtn = button(t('cond.add'), () => { markDirty(); addClause({}).fieldSelect.focus(); }, 'btn btn-secondary btn-small');
  const kept = flat ? null : h('p', { class: 'notice' }, t('cond.keep_explain', { text: condText(spec.value, fields, lookups) }));

  function markDirty() { dirty = true; }
  function sync() {
    const on = mode.value === 'all' || mode.value === 'any';
    list.hidden = !on;
    addBtn.hidden = !on;
    if (kept) kept.hidden = mode.value !== 'keep';
    if (on && !list.children.length) addClause({});
    [...list.children].forEach((c, i) => { c.querySelector('legend').textContent = t('cond.clause_n', { n: i + 1 }); });
  }

  function fieldMenu(id, value) {
    const sel = h('select', { id, name: 'cond_field', 'aria-describedby': err.id },
      h('option', { value: '' }, t('form.choose')),
      groups.map(([label, fs]) => h('optgroup', { label },
        fs.map((f) => h('option', { value: f.name }, `${f.label || f.name} (${f.name})`)))));
    sel.value = value || '';
    return sel;
  }

  // One clause: field, test and a value control that follows the field's kind.
  function addClause(c) {
    const ids = { field: nextId('cond-f'), op: nextId('cond-o'), value: nextId('cond-v') };
    const fSel = fieldMenu(ids.field, c.field);
    const oSel = h('select', { id: ids.op, name: 'cond_op', 'aria-describedby': err.id });
    const valueBox = h('div', { class: 'field cond-value' });
    const row = h('fieldset', { class: 'cond-clause' }, h('legend', null, ''),
      h('div', { class: 'field' }, h('label', { for: ids.field }, t('cond.field')), fSel),
      h('div', { class: 'field' }, h('label', { for: ids.op }, t('cond.test')), oSel),
      valueBox,
      h('div', { class: 'actions' }, button(t('cond.remove'), () => {
        row.remove();
        markDirty();
        if (!list.children.length) mode.value = 'always';
        sync();
        (list.querySelector('select') || mode).focus();
      }, 'btn btn-link')));
    let value = c.value;
    const fieldOf = () => fields.get(fSel.value);
    function renderOps() {
      const ops = opsFor(fieldOf());
      const keep = ops.includes(oSel.value) ? oSel.value : ops.includes(c.op) ? c.op : ops[0];
      clear(oSel).append(...ops.map((o) => h('option', { value: o }, t(`cond.op.${o}`))));
      oSel.value = keep;
    }
    function renderValue() {
      clear(valueBox);
      const f = fieldOf();
      const op = oSel.value;
      valueBox.hidden = NO_VALUE.has(op);
      if (valueBox.hidden) return;
      const opts = choices(f, lookups);
      let control;
      if (opts && LIST_VALUE.has(op)) {
        const set = new Set(Array.isArray(value) ? value : []);
        control = h('fieldset', { class: 'checks cond-checks', 'aria-describedby': err.id }, h('legend', null, t('cond.values')),
          opts.map(([v, l]) => {
            const id = nextId('cond-c');
            return h('div', { class: 'field field-check' },
              h('input', { type: 'checkbox', id, value: JSON.stringify(v), checked: set.has(v) }), h('label', { for: id }, l));
          }));
        valueBox.append(control);
        row.readValue = () => [...control.querySelectorAll('input:checked')].map((i) => JSON.parse(i.value));
        return;
      }
      if (opts) {
        control = h('select', { id: ids.value, name: 'cond_value', 'aria-describedby': err.id }, h('option', { value: '' }, t('form.choose')),
          opts.map(([v, l]) => h('option', { value: JSON.stringify(v) }, l)));
        control.value = value === undefined || Array.isArray(value) ? '' : JSON.stringify(value);
        row.readValue = () => (control.value === '' ? undefined : JSON.parse(control.value));
      } else {
        const type = f && f.type === 'number' ? 'number' : f && f.type === 'date' ? 'date' : 'text';
        control = h('input', { id: ids.value, name: 'cond_value', type, dir: type === 'text' ? 'auto' : null, 'aria-describedby': err.id });
        control.value = value === undefined || Array.isArray(value) ? '' : String(value);
        row.readValue = () => {
          const s = control.value.trim();
          if (s === '') return undefined;
          return type === 'number' ? Number(s) : s;
        };
      }
      valueBox.append(h('label', { for: ids.value }, t('cond.value')), control);
    }
    fSel.addEventListener('change', () => { value = undefined; renderOps(); renderValue(); });
    oSel.addEventListener('change', () => { if (row.readValue) value = row.readValue(); renderValue(); });
    row.addEventListener('change', markDirty);
    row.addEventListener('input', markDirty);
    row.fieldSelect = fSel;
    row.opSelect = oSel;
    renderOps();
    renderValue();
    list.append(row);
    sync();
    return row;
  }

  for (const c of flat ? flat.clauses : []) addClause(c);
  mode.addEventListener('change', () => { markDirty(); sync(); });

  const box = h('fieldset', { class: 'cond-editor', 'aria-describedby': err.id },
    h('legend', null, t('cond.legend')),
    h('p', { class: 'hint' }, spec.hint || t('cond.hint')),
    h('div', { class: 'field' }, h('label', { for: modeId }, t('cond.mode')), mode),
    kept, list, h('div', { class: 'actions' }, addBtn), err);
  box.dataset.field = 'show_if';
  box.control = mode;
  sync();

  // Shows msg under the editor and marks control (a clause's menu or value) as the one to fix.
  box.showError = (msg, control) => {
    err.textContent = msg;
    err.hidden = false;
    (control || mode).setAttribute('aria-invalid', 'true');
    (control || mode).focus();
  };

  box.read = () => {
    if (!dirty || mode.value === 'keep') return { cond: spec.value };
    if (mode.value === 'always') return { cond: undefined };
    const out = [];
    for (const row of list.children) {
      const op = row.opSelect.value;
      const clause = { field: row.fieldSelect.value, op };
      if (!clause.field) return { error: t('cond.need_field'), control: row.fieldSelect };
      if (!NO_VALUE.has(op)) {
        clause.value = row.readValue();
        const none = clause.value === undefined || (Array.isArray(clause.value) && !clause.value.length)
          || Number.isNaN(clause.value);
        if (none) return { error: t('cond.need_value'), control: row.querySelector('[name="cond_value"], input[type="checkbox"]') };
      }
      out.push(clause);
    }
    return { cond: out.length === 1 ? out[0] : { [mode.value]: out } };
  };
  return box;
}
