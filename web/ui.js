// ui.js: shared building blocks for screens: labelled form fields and tickbox lists with
// per-field error slots, form-level error boxes (an API error, a save someone else overtook),
// the reason form, show/hide buttons, status announcements (aria-live), headings, pagers and tables.
import { h, add, clear, nextId } from './dom.js';
import { t } from './i18n.js';

export function announce(msg) {
  const el = document.getElementById('status');
  if (!el) return;
  el.textContent = '';
  setTimeout(() => { el.textContent = msg; }, 50);
}

export function pageTitle(text) {
  document.title = `${text} — ${t('app.name')}`;
  return h('h1', { tabindex: '-1', class: 'page-title' }, text);
}

// A labelled control. spec: {name, label, type, value, options:[[value,label]], hint, required,
// autocomplete, rows, min, max, dir, inputmode}. Returns the wrapper; wrapper.control is the input.
export function field(spec) {
  const id = spec.id || nextId(`f-${spec.name}`);
  const hintId = spec.hint ? `${id}-hint` : null;
  const errId = `${id}-err`;
  const described = [hintId, errId].filter(Boolean).join(' ');
  let control;
  const common = {
    id, name: spec.name, 'aria-describedby': described, required: !!spec.required,
    autocomplete: spec.autocomplete, dir: spec.dir,
  };
  if (spec.type === 'select') {
    control = h('select', common,
      spec.blank !== false ? h('option', { value: '' }, spec.blankLabel || t('form.choose')) : null,
      (spec.options || []).map(([v, l]) => h('option', { value: v }, l)));
    control.value = spec.value ?? '';
  } else if (spec.type === 'textarea') {
    control = h('textarea', { ...common, rows: spec.rows || 4, maxlength: spec.maxlength });
    control.value = spec.value ?? '';
  } else if (spec.type === 'checkbox') {
    control = h('input', { ...common, type: 'checkbox', checked: !!spec.value });
  } else {
    control = h('input', {
      ...common, type: spec.type || 'text', min: spec.min, max: spec.max, inputmode: spec.inputmode,
      maxlength: spec.maxlength, spellcheck: spec.spellcheck, autocapitalize: spec.autocapitalize,
    });
    control.value = spec.value ?? '';
  }
  const label = h('label', { for: id }, spec.label, spec.required ? h('span', { class: 'req' }, ' *') : null);
  const hint = spec.hint ? h('p', { id: hintId, class: 'hint' }, spec.hint) : null;
  const err = h('p', { id: errId, class: 'field-error', hidden: true });
  const wrap = spec.type === 'checkbox'
    ? h('div', { class: 'field field-check' }, control, label, hint, err)
    : h('div', { class: 'field' }, label, hint, control, err);
  wrap.dataset.field = spec.name;
  wrap.control = control;
  return wrap;
}

export function clearErrors(form) {
  for (const e of form.querySelectorAll('.field-error')) { e.textContent = ''; e.hidden = true; }
  for (const c of form.querySelectorAll('[aria-invalid]')) c.removeAttribute('aria-invalid');
  const box = form.querySelector('.form-error');
  if (box) { clear(box); box.hidden = true; }
}

// Shows msg next to the field named `name`: a path such as "plan_goals[0].due_date" when the
// form has that row's field, else its top-level field ("data.x" and "x[2]" name x); returns the
// field's wrapper, or null when the form has no such field.
export function fieldError(form, name, msg) {
  const path = String(name || '').replace(/^data\./, '');
  const wrap = [path, path.replace(/[[.].*$/, '')].map((k) => k && form.querySelector(`[data-field="${CSS.escape(k)}"]`))
    .find(Boolean);
  if (!wrap) return null;
  const err = wrap.errorSlot || wrap.querySelector('.field-error');
  err.textContent = msg;
  err.hidden = false;
  wrap.control.setAttribute('aria-invalid', 'true');
  return wrap;
}

export function formError(form, ...content) {
  let box = form.querySelector('.form-error');
  if (!box) {
    box = h('div', { class: 'form-error', role: 'alert', tabindex: '-1' });
    form.prepend(box);
  }
  // add, not append: content left out (null) must not show as the text "null".
  add(clear(box), content.map((c) => (typeof c === 'string' ? h('p', null, c) : c)));
  box.hidden = false;
  return box;
}

// A tickbox list: [[value, label]] -> fieldset (its error slot and data-field as a field's);
// .values() gives the ticked values.
export function checks(name, legend, options, ticked = [], hint = null) {
  const set = h('fieldset', { class: 'checks' }, h('legend', null, legend), hint ? h('p', { class: 'hint' }, hint) : null,
    options.map(([v, l]) => {
      const id = nextId(`${name}-${v}`);
      return h('div', { class: 'field-check' },
        h('input', { type: 'checkbox', id, name, value: v, checked: ticked.includes(v) }), h('label', { for: id }, l));
    }),
    h('p', { class: 'field-error', hidden: true }));
  set.dataset.field = name;
  set.control = set.querySelector('input') || set;
  set.values = () => [...set.querySelectorAll(`input[name="${name}"]:checked`)].map((x) => x.value);
  return set;
}

// Shows an ApiError on a form: next to its field when it names one, else at the top.
export function showApiError(form, err) {
  clearErrors(form);
  const msg = fieldErrorText(err);
  const wrap = err.field && fieldError(form, err.field, msg);
  if (wrap) {
    const bad = wrap.control;
    const label = wrap.dataset.label || (bad.labels && bad.labels[0] ? bad.labels[0].textContent.replace(/\s*\*$/, '') : err.field);
    if (bad.focus) bad.focus();
    announce(t('form.fix_errors', { message: `${label}: ${msg}` }));
    return;
  }
  formError(form, msg).focus();
}

// A write overtaken by someone else's (412: the version it was based on is stale; with
// opts.conflict also 409: it moved on meanwhile, as the server's message says): says so at the
// top of form with a button to read it again (reload). Returns whether err was one.
// opts.message, opts.reloadLabel: the words, when not a record's.
export function staleError(form, err, reload, opts = {}) {
  if (!err || !(err.status === 412 || (opts.conflict && err.status === 409))) return false;
  clearErrors(form);
  formError(form, h('p', null, opts.message || t('record.stale')), err.status === 409 && err.message ? h('p', null, err.message) : null,
    button(opts.reloadLabel || t('case.reload'), reload, 'btn btn-secondary')).focus();
  return true;
}

// errorText without the "name: " prefixes repeating what the field it is shown next to says:
// next to its field, "date_of_birth: must not be in the future" reads "must not be in the future".
export function fieldErrorText(err) {
  let msg = errorText(err);
  while (err && err.field && msg.startsWith(`${err.field}: `)) msg = msg.slice(err.field.length + 2);
  return msg;
}

export function errorText(err) {
  if (!err) return t('error.generic');
  if (err.status === 0) return t('error.network');
  if (err.status === 429) return t('error.rate_limited');
  if (err.status === 403 && err.code !== 'password_change_required' && !err.message) return t('error.forbidden');
  return err.message || t('error.generic');
}

export function errorPanel(err) {
  let msg = errorText(err);
  if (err.status === 404) msg = t('error.not_found');
  else if (err.status === 403) msg = `${t('error.forbidden')} ${err.message || ''}`.trim();
  return h('div', { class: 'notice notice-error', role: 'alert' }, msg);
}

// The text of a notice the server puts on a case ("victim — the non-punishment principle
// applies"): a string, or {message, label, code}; '' when it carries none of them.
export function noticeText(n) {
  if (typeof n === 'string') return n;
  return (n && (n.message || n.label || n.code)) || '';
}

export function loading() {
  return h('p', { class: 'loading', role: 'status' }, t('common.loading'));
}

export function button(label, onclick, cls = 'btn') {
  return h('button', { type: 'button', class: cls, onclick }, label);
}

// A button showing and hiding a part of the page (a form, mostly); aria-expanded says which.
// target: the element, hidden until opened, or a function making it at the first opening (and
// putting it in the page). focusOf(el): what gets the focus on opening. opts.cls: the button's
// class; opts.hideSelf: the button goes away while the part is shown. button.close() hides the
// part (again showing the button) and focuses the button.
export function toggleButton(label, target, focusOf, opts = {}) {
  let el = typeof target === 'function' ? null : target;
  if (el) el.hidden = true;
  const btn = h('button', { type: 'button', class: opts.cls || 'btn btn-secondary', 'aria-expanded': 'false' }, label);
  const show = (open) => {
    el.hidden = !open;
    btn.setAttribute('aria-expanded', String(open));
    if (opts.hideSelf) btn.hidden = open;
  };
  btn.addEventListener('click', () => {
    if (!el) { el = target(); el.hidden = true; }
    show(el.hidden);
    if (!el.hidden && focusOf) focusOf(el).focus();
  });
  btn.close = () => {
    if (el) show(false);
    btn.focus();
  };
  return btn;
}

// A form asking why (a reason of up to 2000 characters, in a box named "reason"), with one
// submit button. send(text, form) does the work; a reason is refused as missing when
// opts.required (the default). opts: label, submit (the button's words), cls (the form's
// class), btnClass, rows, before/after (content around the reason box), actions (more buttons).
export function reasonForm(opts) {
  const required = opts.required !== false;
  const form = h('form', { class: opts.cls || 'form', novalidate: true }, opts.before,
    field({ name: 'reason', label: opts.label, type: 'textarea', rows: opts.rows || 2, required, maxlength: 2000, dir: 'auto' }),
    opts.after,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: opts.btnClass || 'btn' }, opts.submit), opts.actions));
  onSubmit(form, async () => {
    clearErrors(form);
    const text = form.elements.reason.value.trim();
    if (required && !text) { fieldError(form, 'reason', t('form.required')); form.elements.reason.focus(); return; }
    await opts.send(text, form);
  });
  return form;
}

// Submit handler wrapper: disables the submit button while work runs, restores it after.
export function onSubmit(form, fn) {
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const btn = form.querySelector('button[type="submit"]');
    if (btn && btn.getAttribute('aria-disabled') === 'true') return;
    if (btn) btn.setAttribute('aria-disabled', 'true');
    form.setAttribute('aria-busy', 'true');
    try { await fn(ev); } finally {
      if (btn) btn.removeAttribute('aria-disabled');
      form.removeAttribute('aria-busy');
    }
  });
}

export function pager({ total, page, per }, go) {
  const pages = Math.max(1, Math.ceil((total || 0) / (per || 20)));
  if (pages <= 1) return h('p', { class: 'muted' }, t('list.count', { n: total || 0 }));
  return h('nav', { class: 'pager', 'aria-label': t('list.pages') },
    h('button', { type: 'button', class: 'btn btn-secondary', disabled: page <= 1, onclick: () => go(page - 1) },
      t('list.prev')),
    h('span', { class: 'pager-info' }, t('list.page_of', { page, pages, n: total })),
    h('button', { type: 'button', class: 'btn btn-secondary', disabled: page >= pages, onclick: () => go(page + 1) },
      t('list.next')));
}

// Responsive table: cols [[header, (row) => content]]; on phones each row becomes a card and
// every cell shows its header (data-label) before it. rowAttrs(row), when given, returns
// attributes for the row's <tr> (e.g. a class marking it out), or null.
export function table(caption, cols, rows, rowAttrs = null) {
  return h('table', { class: 'table' },
    h('caption', { class: 'visually-hidden' }, caption),
    h('thead', null, h('tr', null, cols.map(([head]) => h('th', { scope: 'col' }, head)))),
    h('tbody', null, rows.map((r) => h('tr', rowAttrs ? rowAttrs(r) : null,
      cols.map(([head, fn]) => h('td', { 'data-label': head }, fn(r)))))));
}

export function dl(pairs) {
  return h('dl', { class: 'details' }, pairs.filter(Boolean).map(([k, v]) => h('div', { class: 'details-row' },
    h('dt', null, k), h('dd', null, v === '' || v === null || v === undefined ? '—' : v))));
}
