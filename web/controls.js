// controls.js: one accessible control per field type of a configurable form. control() returns
// {el, get(), check?(), set?(), ready?, domIndex?()}: el is the field's wrapper, marked with
// data-field (its path, "plan_goals[0].due_date" in a subform row) and carrying .control (what
// takes focus and aria-invalid) and .errorSlot (its message), as ui.fieldError expects.
import { h, clear, nextId } from './dom.js';
import { t, fmtList } from './i18n.js';
import { field as uiField } from './ui.js';
import { children, pathOf, levelLabel } from './locations.js';
import { applicable, isEmpty, todayISO } from './formdata.js';
import { formatValue } from './formview.js';

// A multiselect with more options than this gets a filter box and a list of what is chosen.
const FILTER_OVER = 15;

// ctx: {schema, path, role, onChange(field?)}: onChange is called on every change, with the
// field when it is a single control.
export function control(f, value, ctx) {
  const make = f.readonly || f.calculated ? readonly : (TYPES[f.type] || readonly);
  const c = make(f, value, { ...ctx, path: ctx.path || f.name });
  c.el.dataset.field = ctx.path || f.name;
  c.el.dataset.label = f.label;
  if (!c.el.errorSlot) c.el.errorSlot = c.el.querySelector('.field-error');
  return c;
}

// The help under a label: the form's help text, plus a note when the person's role will not be
// able to read back what they write (a screener reporting an incident's details).
function hintOf(f, ctx, extra) {
  const parts = [f.help, extra];
  if (Array.isArray(f.sensitive) && !f.sensitive_if && ctx.role && !f.sensitive.includes(ctx.role)) {
    parts.push(t('form.write_only', { roles: fmtList(f.sensitive.map((r) => t(`role.${r}`))) }));
  }
  return parts.filter(Boolean).join(' ') || undefined;
}

// Fields a transition will ask for: a visual mark, and words for screen readers.
function neededMark(f) {
  return f.required ? [h('span', { class: 'req', 'aria-hidden': 'true' }, ' *'),
    h('span', { class: 'visually-hidden' }, ` (${t('form.needed')})`)] : null;
}

function simple(f, value, ctx, spec, read) {
  const wrap = uiField({ name: ctx.path, label: f.label, hint: hintOf(f, ctx, spec.extraHint), value, ...spec });
  wrap.querySelector('label').append(...(neededMark(f) || []));
  const c = wrap.control;
  c.addEventListener(c.tagName === 'SELECT' || c.type === 'checkbox' ? 'change' : 'input', () => ctx.onChange(f));
  return { el: wrap, get: () => read(c) };
}

const text = (c) => c.value.trim() || null;

function selectOptions(ctx, f, value) {
  const opts = ctx.schema.options(f).map((o) => [o.value, o.label]);
  // A stored code the options no longer hold stays visible, so nobody loses it unknowingly.
  if (!isEmpty(value) && !opts.some(([v]) => v === value)) opts.push([value, String(value)]);
  return opts;
}

const TYPES = {
  text: (f, v, ctx) => simple(f, v, ctx, { maxlength: f.max_length || 500, dir: 'auto', autocomplete: 'off' }, text),
  textarea: (f, v, ctx) => simple(f, v, ctx, { type: 'textarea', maxlength: f.max_length || 20000, dir: 'auto' }, text),
  textlist: (f, v, ctx) => simple(f, Array.isArray(v) ? v.join('\n') : v, ctx,
    { type: 'textarea', rows: 3, dir: 'auto', extraHint: t('form.one_per_line') },
    (c) => c.value.split('\n').map((x) => x.trim()).filter(Boolean)),
  number: numberControl,
  date: (f, v, ctx) => simple(f, v, ctx, { type: 'date', max: f.allow_future ? undefined : todayISO() }, (c) => c.value || null),
  select: (f, v, ctx) => simple(f, v, ctx, { type: 'select', options: selectOptions(ctx, f, v) }, (c) => c.value || null),
  yesno: (f, v, ctx) => simple(f, v, ctx, { type: 'select', options: ['yes', 'no', 'unknown'].map((x) => [x, t(`yesno.${x}`)]) },
    (c) => c.value || null),
  tickbox: (f, v, ctx) => simple(f, v === true, ctx, { type: 'checkbox' }, (c) => c.checked),
  // The display id of another record (a family member's own case): typed as text, checked by the server.
  record: (f, v, ctx) => simple(f, v, ctx, { maxlength: 24, dir: 'ltr', autocomplete: 'off' }, text),
  multiselect,
  approx_date: approxDate,
  location,
  subform,
};

function numberControl(f, v, ctx) {
  const c = simple(f, v, ctx, { type: 'number', min: f.min, max: f.max, inputmode: f.integer ? 'numeric' : 'decimal' },
    (el) => (el.value === '' ? (el.validity.badInput ? NaN : null) : Number(el.value)));
  const input = c.el.control;
  input.step = f.integer ? '1' : 'any';
  c.set = (x) => { input.value = x === undefined || x === null ? '' : String(x); };
  c.check = () => {
    const n = c.get();
    if (n === null) return null;
    if (Number.isNaN(n)) return t('form.not_a_number');
    if (f.integer && !Number.isInteger(n)) return t('form.whole_number');
    if ((f.min !== undefined && n < f.min) || (f.max !== undefined && n > f.max)) {
      return t('form.range', { min: f.min ?? '…', max: f.max ?? '…' });
    }
    return null;
  };
  return c;
}

// A labelled group of controls (a fieldset: its legend names them all), with help and an
// error slot before the controls so that the first .field-error is the group's own.
function group(f, ctx, cls, extraHint) {
  const id = nextId('g');
  const hint = hintOf(f, ctx, extraHint);
  const errId = `${id}-err`;
  const el = h('fieldset', { class: `field group ${cls}`, 'aria-describedby': [hint ? `${id}-hint` : null, errId].filter(Boolean).join(' ') },
    h('legend', { id: `${id}-legend` }, f.label, neededMark(f)),
    hint ? h('p', { id: `${id}-hint`, class: 'hint' }, hint) : null,
    h('p', { id: errId, class: 'field-error', hidden: true }));
  el.errorSlot = el.lastChild;
  el.legendId = `${id}-legend`;
  return el;
}

// Folded for matching: case and accents do not matter ("cote" finds Côte d'Ivoire).
const fold = (s) => String(s).normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

function multiselect(f, value, ctx) {
  const chosen = Array.isArray(value) ? value : [];
  const opts = [...ctx.schema.options(f)];
  for (const v of chosen) if (!opts.some((o) => o.value === v)) opts.push({ value: v, label: String(v) });
  const long = opts.length > FILTER_OVER;
  const el = group(f, ctx, long ? 'multi multi-long' : 'multi');
  const items = opts.map((o) => {
    const id = nextId('m');
    const input = h('input', { type: 'checkbox', id, name: ctx.path, value: o.value, checked: chosen.includes(o.value) });
    return { o, input, key: fold(`${o.label} ${o.value}`), row: h('div', { class: 'field-check' }, input, h('label', { for: id }, o.label)) };
  });
  const get = () => items.filter((x) => x.input.checked).map((x) => x.o.value);
  if (!long) {
    el.append(h('div', { class: 'checks' }, items.map((x) => x.row)));
    el.control = items[0] ? items[0].input : el;
    el.addEventListener('change', () => ctx.onChange());
    return { el, get };
  }
  const filterId = nextId('mf');
  const filter = h('input', { type: 'search', id: filterId, autocomplete: 'off', spellcheck: 'false', 'aria-controls': `${filterId}-list`,
    'aria-describedby': el.getAttribute('aria-describedby') });
  const list = h('div', { id: `${filterId}-list`, class: 'multi-list', role: 'group', 'aria-label': f.label }, items.map((x) => x.row));
  const none = h('p', { class: 'empty', hidden: true }, t('multi.no_match'));
  const picked = h('div', { class: 'chips', 'aria-live': 'polite' });
  const visible = () => items.filter((x) => !x.row.hidden);
  const firstVisible = () => visible()[0];
  // One tab stop for the whole list (not 250): the arrow keys move within it.
  let stop = items[0];
  const rove = (x) => {
    if (stop) stop.input.tabIndex = -1;
    stop = x;
    if (x) x.input.tabIndex = 0;
  };
  for (const x of items) x.input.tabIndex = -1;
  rove(items[0]);
  function showPicked() {
    const sel = items.filter((x) => x.input.checked);
    clear(picked).append(h('span', { class: 'chips-label' }, sel.length ? t('multi.chosen', { n: sel.length }) : t('multi.none_chosen')),
      ...sel.map((x) => h('button', {
        type: 'button', class: 'chip',
        onclick: () => { x.input.checked = false; showPicked(); ctx.onChange(); filter.focus(); },
      }, h('span', { class: 'visually-hidden' }, `${t('multi.remove')} `), h('bdi', null, x.o.label), h('span', { 'aria-hidden': 'true' }, ' ×'))));
  }
  filter.addEventListener('input', () => {
    const q = fold(filter.value.trim());
    for (const x of items) x.row.hidden = q !== '' && !x.key.includes(q);
    none.hidden = !!firstVisible();
    if (!stop || stop.row.hidden) rove(firstVisible());
  });
  // Enter would submit the whole form; in the filter it (or the down arrow) goes to the list.
  filter.addEventListener('keydown', (e) => {
    if (e.key !== 'Enter' && e.key !== 'ArrowDown') return;
    e.preventDefault();
    const x = firstVisible();
    if (x) x.input.focus();
  });
  list.addEventListener('focusin', (e) => rove(items.find((x) => x.input === e.target)));
  list.addEventListener('keydown', (e) => {
    const vis = visible();
    const at = vis.findIndex((x) => x.input === e.target);
    const to = { ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: vis.length - 1 }[e.key];
    if (to === undefined || at < 0) return;
    e.preventDefault();
    if (to < 0) filter.focus();
    else if (vis[Math.min(to, vis.length - 1)]) vis[Math.min(to, vis.length - 1)].input.focus();
  });
  list.addEventListener('change', () => { showPicked(); ctx.onChange(); });
  el.append(picked, h('div', { class: 'field' }, h('label', { for: filterId }, t('multi.filter')), filter), list, none);
  el.control = filter;
  showPicked();
  return { el, get };
}

function approxDate(f, value, ctx) {
  const v = value && typeof value === 'object' ? value : {};
  const el = group(f, ctx, 'approx');
  const dateId = nextId('ad');
  const estId = nextId('ae');
  const date = h('input', { type: 'date', id: dateId, name: ctx.path, value: v.value || '', max: f.allow_future ? null : todayISO(),
    'aria-describedby': el.getAttribute('aria-describedby') });
  const est = h('input', { type: 'checkbox', id: estId, name: `${ctx.path}.estimated`, checked: !!v.estimated });
  el.append(h('div', { class: 'approx-row' },
    h('div', { class: 'approx-date' }, h('label', { for: dateId }, t('form.date')), date),
    h('div', { class: 'field-check' }, est, h('label', { for: estId }, t('form.estimated')))));
  el.control = date;
  date.addEventListener('input', () => ctx.onChange());
  est.addEventListener('change', () => ctx.onChange());
  return {
    el,
    get: () => (date.value ? { value: date.value, estimated: est.checked } : null),
    check: () => (date.validity.badInput ? t('form.bad_date') : null),
  };
}

// Cascading selects, country → region → district …, each level loaded when its parent is chosen.
function location(f, value, ctx) {
  const el = group(f, ctx, 'location');
  const box = h('div', { class: 'loc-levels' });
  const status = h('p', { class: 'hint', hidden: true });
  el.append(box, status);
  const levels = [];
  let unknown = null; // a stored p-code that is not (or no longer) in the list of areas
  let seq = 0;
  const describedBy = el.getAttribute('aria-describedby');

  // mine: the change that asked for this level; a later change makes its answer stale.
  async function addLevel(parent, selected, mine) {
    const items = await children(parent);
    if (!items.length || (mine !== undefined && mine !== seq)) return;
    const id = nextId('loc');
    const select = h('select', { id, 'aria-describedby': describedBy },
      h('option', { value: '' }, t('form.choose')), items.map((x) => h('option', { value: x.pcode }, x.name)));
    select.value = selected || '';
    const level = { select, wrap: h('div', { class: 'field' }, h('label', { for: id }, levelLabel(items[0].level)), select) };
    levels.push(level);
    box.append(level.wrap);
    el.control = levels[0].select;
    select.addEventListener('change', async () => {
      const mine = ++seq;
      unknown = null;
      for (const l of levels.splice(levels.indexOf(level) + 1)) l.wrap.remove();
      ctx.onChange();
      if (!select.value) return;
      try {
        await addLevel(select.value, '', mine);
      } catch { failed(); }
    });
  }
  function failed() { status.textContent = t('location.failed'); status.hidden = false; }

  const ready = (async () => {
    try {
      const path = value ? await pathOf(value) : null;
      if (value && !path) {
        unknown = value;
        status.textContent = t('location.unknown', { code: value });
        status.hidden = false;
      }
      const codes = path ? path.map((x) => x.pcode) : [];
      await addLevel('', codes[0]);
      for (let i = 0; i < codes.length; i++) await addLevel(codes[i], codes[i + 1]);
    } catch { failed(); }
  })();
  el.control = el;
  return {
    el, ready,
    get: () => {
      const set = levels.map((l) => l.select.value).filter(Boolean);
      return set.length ? set[set.length - 1] : unknown;
    },
  };
}

// Rows of a repeated group (family members, plan goals): add and remove, each row's fields
// shown by conditions over the row itself, as the server checks them.
function subform(f, value, ctx) {
  const el = group(f, ctx, 'subform');
  const list = h('ol', { class: 'rows' });
  const none = h('p', { class: 'empty' }, t('subform.none'));
  const rows = [];
  let sent = []; // the row each entry of the last get() came from (a 422 names the entry)
  const rowFields = f.fields || [];

  function renumber() {
    const prefix = `${ctx.path}[`;
    rows.forEach((row, i) => {
      row.legend.textContent = t('subform.entry', { n: i + 1 });
      row.remove.textContent = t('subform.remove', { n: i + 1 });
      for (const n of row.li.querySelectorAll('[data-field], [name]')) {
        for (const attr of ['data-field', 'name']) {
          const a = n.getAttribute(attr);
          if (a && a.startsWith(prefix)) n.setAttribute(attr, `${prefix}${i}${a.slice(prefix.length).replace(/^\d+/, '')}`);
        }
      }
    });
    none.hidden = rows.length > 0;
  }
  function rowValues(row) {
    const v = {};
    for (const [name, c] of row.controls) v[name] = c.get();
    return v;
  }
  function refreshRow(row) {
    const { shown } = applicable(rowFields, rowValues(row));
    for (const [name, c] of row.controls) c.el.hidden = !shown.has(name);
  }
  function addRow(obj, focus) {
    const row = { orig: obj && typeof obj === 'object' ? obj : {}, controls: new Map() };
    const i = rows.length;
    row.legend = h('legend');
    const fs = h('fieldset', { class: 'row' }, row.legend);
    const onChange = () => { refreshRow(row); ctx.onChange(); };
    for (const sf of rowFields) {
      const c = control(sf, row.orig[sf.name], { ...ctx, path: `${ctx.path}[${i}].${sf.name}`, onChange });
      row.controls.set(sf.name, c);
      fs.append(c.el);
    }
    row.remove = h('button', { type: 'button', class: 'btn btn-secondary btn-small' });
    row.remove.addEventListener('click', () => {
      const at = rows.indexOf(row);
      rows.splice(at, 1);
      row.li.remove();
      renumber();
      ctx.onChange();
      (rows[at] ? rows[at].remove : rows[at - 1] ? rows[at - 1].remove : add).focus();
    });
    fs.append(h('div', { class: 'actions' }, row.remove));
    row.li = h('li', null, fs);
    rows.push(row);
    list.append(row.li);
    renumber();
    refreshRow(row);
    if (focus) {
      const first = fs.querySelector('input, select, textarea');
      if (first) first.focus();
    }
  }
  // "Add an entry" is described by the group's name, for a form that has several groups.
  const add = h('button', { type: 'button', class: 'btn btn-secondary', 'aria-describedby': el.legendId }, t('subform.add'));
  add.addEventListener('click', () => { addRow(null, true); ctx.onChange(); });
  for (const r of Array.isArray(value) ? value : []) addRow(r, false);
  el.append(none, list, h('div', { class: 'actions' }, add));
  el.control = add;
  renumber();
  return {
    el,
    ready: Promise.all(rows.flatMap((r) => [...r.controls.values()].map((c) => c.ready))),
    get: () => {
      const out = [];
      sent = [];
      rows.forEach((row, i) => {
        const vals = rowValues(row);
        const { shown } = applicable(rowFields, vals);
        // Members a later form version dropped are kept as they were.
        const v = Object.fromEntries(Object.entries(row.orig).filter(([k]) => !row.controls.has(k)));
        for (const sf of rowFields) {
          if (sf.readonly || sf.calculated) { if (!isEmpty(row.orig[sf.name])) v[sf.name] = row.orig[sf.name]; continue; }
          if (shown.has(sf.name) && !isEmpty(vals[sf.name]) && vals[sf.name] !== false) v[sf.name] = vals[sf.name];
        }
        if (Object.keys(v).length) { out.push(v); sent.push(i); }
      });
      return out;
    },
    check: () => {
      for (const row of rows) {
        for (const c of row.controls.values()) {
          const bad = !c.el.hidden && c.check && c.check();
          if (bad) return typeof bad === 'string' ? { path: c.el.dataset.field, message: bad } : bad;
        }
      }
      return null;
    },
    // The on-screen row of the entry a server error names.
    domIndex: (i) => (sent[i] === undefined ? i : sent[i]),
  };
}

// Shown, not edited: set by Haven (a calculated status, the day an age was stated).
function readonly(f, value, ctx) {
  const out = h('p', { class: 'readonly-value' });
  const el = h('div', { class: 'field field-readonly' },
    h('p', { class: 'field-label' }, f.label),
    f.help ? h('p', { class: 'hint' }, f.help) : null,
    out,
    h('p', { class: 'field-error', hidden: true }));
  el.control = out;
  const set = (v) => {
    const text = formatValue(ctx.schema, f, v);
    clear(out).append(text === '' ? t('form.not_set') : text);
  };
  set(value);
  return { el, get: () => value, set, readonly: true };
}
