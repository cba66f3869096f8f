// forms.js: the editor of a record's configurable forms. One form at a time, chosen in a picker
// (what fits a phone), each field as its type's control (controls.js); show-if conditions are
// applied as the person types, over the document being edited with the derived age; a save
// sends the merge patch of what changed (formdata.js), and a server 422 is shown at its field,
// on the form that holds it.
import { h } from './dom.js';
import { t } from './i18n.js';
import { announce, showApiError } from './ui.js';
import { control } from './controls.js';
import { applicable, buildPatch, viewAge, ageOn, parsePath, todayISO, writable, isEmpty } from './formdata.js';

// schema: from loadSchema(); record: the record being edited, or null for a new one;
// formId / fieldPath: where to open (a link from a blocked transition names both).
export async function formEditor({ schema, record, role, formId, fieldPath }) {
  const before = (record && record.data) || {};
  const hidden = new Set((record && record.hidden_fields) || []);
  const today = todayISO();
  const entries = []; // {f, form, c}
  const sections = new Map(); // form id -> {section, nothing}
  let typedAge = null; // an age the person states in this edit
  let ageEntry = null;
  let current = null;
  let lastShown = null;

  const pickerId = 'form-picker';
  const picker = h('select', { id: pickerId, class: 'form-picker-select' },
    schema.forms.map((fm) => h('option', { value: fm.id }, fm.label)));
  picker.addEventListener('change', () => show(picker.value, false));
  // A record type with one form needs no picker.
  const several = schema.forms.length > 1;
  const el = h('div', { class: 'form-editor' },
    several ? h('div', { class: 'field form-picker' }, h('label', { for: pickerId }, t('form.picker')), picker) : null);

  const onChange = (f) => {
    if (f && f.name === 'age' && ageEntry) {
      const n = ageEntry.c.get();
      typedAge = typeof n === 'number' && !Number.isNaN(n) ? n : null;
    }
    refresh(true);
  };
  schema.forms.forEach((fm, i) => {
    const hid = `form-h-${fm.id}`;
    const section = h('section', { class: 'form-section', id: `form-${fm.id}`, 'aria-labelledby': hid, hidden: true },
      h('h2', { id: hid, tabindex: '-1' }, fm.label),
      several ? h('p', { class: 'form-position muted' }, t('form.position', { n: i + 1, total: schema.forms.length })) : null,
      fm.help ? h('p', { class: 'hint form-help' }, fm.help) : null,
      (fm.fields || []).some((f) => f.required) ? h('p', { class: 'hint' }, t('form.needed_note')) : null);
    const nothing = h('p', { class: 'notice', hidden: true }, t('form.nothing_applies'));
    section.append(nothing);
    for (const f of fm.fields || []) {
      if (hidden.has(f.name)) continue; // the role may not read it: neither shown nor sent
      if (f.type === 'attachment') continue; // files are not uploaded from this editor
      if (f.readonly && !f.calculated && isEmpty(before[f.name])) continue; // nothing to show, nothing to edit
      const c = control(f, before[f.name], { schema, role, onChange });
      entries.push({ f, form: fm, c });
      section.append(c.el);
    }
    section.append(stepButtons(i));
    sections.set(fm.id, { section, nothing });
    el.append(section);
  });

  function stepButtons(i) {
    const prev = schema.forms[i - 1];
    const next = schema.forms[i + 1];
    return h('div', { class: 'actions form-steps' },
      prev ? h('button', { type: 'button', class: 'btn btn-secondary', onclick: () => show(prev.id, true) },
        t('form.previous', { form: prev.label })) : null,
      next ? h('button', { type: 'button', class: 'btn btn-secondary', onclick: () => show(next.id, true) },
        t('form.next', { form: next.label })) : null);
  }

  ageEntry = entries.find((e) => e.f.name === 'age' && !e.c.readonly) || null;
  const dobEntry = entries.find((e) => e.f.name === 'date_of_birth');

  function values() {
    const v = {};
    for (const e of entries) if (writable(e.f) && e.f.name !== 'age') v[e.f.name] = e.c.get();
    return v;
  }

  // Shows what applies now; keeps the age in step with a changed date of birth; says how many
  // questions an answer revealed, since they appear out of a screen reader user's sight.
  function refresh(announceNew) {
    const after = { ...before, ...values() };
    delete after.age;
    const { shown, view } = applicable(schema.fields(), after, { age: viewAge(before, after, typedAge, today) });
    for (const e of entries) {
      e.c.el.hidden = !shown.has(e.f.name);
      if (e.f.calculated && e.c.set) e.c.set(view[e.f.name]);
    }
    const dob = dobEntry && dobEntry.c.get();
    if (ageEntry && typedAge === null && dob && dob !== before.date_of_birth) ageEntry.c.set(ageOn(dob, today));
    for (const [id, s] of sections) {
      s.nothing.hidden = entries.some((e) => e.form.id === id && !e.c.el.hidden);
    }
    const count = entries.filter((e) => e.form.id === current && !e.c.el.hidden).length;
    if (announceNew && lastShown !== null && count > lastShown) announce(t('form.more_shown', { n: count - lastShown }));
    lastShown = count;
  }

  function show(id, focusHeading) {
    if (!sections.has(id)) return;
    for (const [k, s] of sections) s.section.hidden = k !== id;
    current = id;
    picker.value = id;
    lastShown = null;
    refresh(false);
    if (focusHeading) sections.get(id).section.querySelector('h2').focus();
  }

  await Promise.all(entries.map((e) => e.c.ready));
  const start = fieldPath && parsePath(fieldPath) && schema.formOf(parsePath(fieldPath).name);
  show(start ? start.id : sections.has(formId) ? formId : schema.forms[0] && schema.forms[0].id, false);

  // Switches to the form holding the field a server path names; returns the field's path on
  // screen (a row's place may differ from its place in what was sent), or null when the field
  // is not on screen (hidden by a condition or by the person's role).
  function at(path) {
    const p = parsePath(path);
    const e = p && entries.find((x) => x.f.name === p.name);
    if (!e) return null;
    show(e.form.id, false);
    if (e.c.el.hidden) return null;
    if (p.index === null || !e.c.domIndex) return path;
    return `${p.name}[${e.c.domIndex(p.index)}]${p.sub ? `.${p.sub}` : ''}`;
  }

  return {
    el,
    // The merge patch of what the person changed ({} when nothing did).
    patch: () => buildPatch({ fields: schema.fields(), before, values: values(), hidden: [...hidden], typedAge, creating: !record, today }),
    // Checks what the browser can (a number that is not one); shows the first problem at its field.
    check(form) {
      for (const e of entries) {
        const bad = !e.c.el.hidden && e.c.check && e.c.check();
        if (!bad) continue;
        const msg = typeof bad === 'string' ? bad : bad.message;
        const path = typeof bad === 'string' ? e.f.name : bad.path;
        show(e.form.id, false);
        showApiError(form, { status: 422, field: path, message: msg });
        return false;
      }
      return true;
    },
    // A server 422 at its field (message without the field-name prefix); false when the field
    // is not on screen (hidden by a condition or the person's role).
    showError(form, err) {
      const path = err.field && at(err.field);
      if (!path) return false;
      const msg = String(err.message || '').replace(`${err.field}: `, '');
      showApiError(form, { status: err.status, field: path, message: msg });
      return true;
    },
    focusField(path) {
      const p = at(path);
      const wrap = p && el.querySelector(`[data-field="${CSS.escape(p)}"]`);
      const target = wrap && (wrap.control || wrap.querySelector('input, select, textarea'));
      if (target && target.focus) target.focus();
    },
  };
}
