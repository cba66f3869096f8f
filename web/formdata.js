// formdata.js: the rules of a record document as the browser applies them, without the DOM so
// that tests/web can run them: the derived age, which fields apply (show-if, to a fixed point,
// with calculated values), and the merge patch a save sends. The server checks every write
// with the same rules (src/core/record.c, src/core/form.c); these only keep the two in step.
import { condEval } from './cond.js';

export function isEmpty(v) {
  return v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0)
    || (typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0);
}

// The browser's local date as YYYY-MM-DD (a date input's "today").
export function todayISO(d = new Date()) {
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

// Whole years from a YYYY-MM-DD date of birth to today, never below 0: record_output's rule.
export function ageOn(dob, today) {
  const a = /^(\d{4})-(\d{2})-(\d{2})$/.exec(dob || '');
  const b = /^(\d{4})-(\d{2})-(\d{2})$/.exec(today || '');
  if (!a || !b) return undefined;
  const [y, m, d] = a.slice(1).map(Number);
  const [ty, tm, td] = b.slice(1).map(Number);
  const age = ty - y - (tm < m || (tm === m && td < d) ? 1 : 0);
  return age < 0 ? 0 : age;
}

// JSON with object keys sorted, so that a stored value and an edited one compare equal when
// only their key order differs.
export function canon(v) {
  if (Array.isArray(v)) return `[${v.map(canon).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canon(v[k])}`).join(',')}}`;
  }
  return JSON.stringify(v ?? null);
}

// A field's value for comparing: empty is null, and an unticked box is no answer.
function norm(f, v) {
  if (f.type === 'tickbox') return v === true ? true : null;
  return isEmpty(v) ? null : v;
}

const sameValue = (f, a, b) => canon(norm(f, a)) === canon(norm(f, b));

// Never written by a client: the server refuses them.
export const writable = (f) => !f.readonly && !f.calculated;

// The value of a calculated field: the first rule that holds, else none.
function calculate(f, view) {
  for (const rule of (f.calculated && f.calculated.when) || []) if (condEval(rule.if, view)) return rule.value;
  return undefined;
}

// Which of fields apply to doc, as a Set of names, and the view conditions saw: the document
// with calculated values (and opts.age, the derived age, when given: a record's top level),
// where a field that does not apply holds nothing, so a field it controls does not apply either.
export function applicable(fields, doc, opts = {}) {
  let view;
  let shown = new Set(fields.map((f) => f.name));
  for (let round = 0; round < 8; round++) {
    view = {};
    for (const [k, v] of Object.entries(doc)) if (!isEmpty(v)) view[k] = v;
    for (const f of fields) if (!shown.has(f.name)) delete view[f.name];
    if (Object.hasOwn(opts, 'age')) {
      if (opts.age === undefined) delete view.age; else view.age = opts.age;
    }
    for (const f of fields) {
      if (!f.calculated) continue;
      const v = calculate(f, view);
      if (v === undefined) delete view[f.name]; else view[f.name] = v;
    }
    const next = new Set(fields.filter((f) => !f.show_if || condEval(f.show_if, view)).map((f) => f.name));
    if (next.size === shown.size && [...next].every((n) => shown.has(n))) break;
    shown = next;
  }
  return { shown, view };
}

// The age conditions see, as the server derives it: a date of birth given in this edit wins;
// else an age stated in it; else the stored date of birth gives it.
export function viewAge(before, after, typedAge, today) {
  const dob = after.date_of_birth;
  const dobGiven = typeof dob === 'string' && dob !== '' && dob !== before.date_of_birth;
  if (typeof typedAge === 'number' && !dobGiven) return typedAge;
  return isEmpty(dob) ? undefined : ageOn(dob, today);
}

// The merge patch that turns `before` into what the person entered.
//   fields:   the record type's top-level field definitions
//   before:   the stored document as read (with the derived age), {} when creating
//   values:   name -> entered value, for every field the person could edit
//   hidden:   names the person's role may not read (their values are unknown here)
//   typedAge: an age the person stated in this edit, or null
// A field that no longer applies is sent as null when it held a value and applied before: the
// server refuses a write that leaves a value whose condition it made false.
export function buildPatch({ fields, before, values, hidden = [], typedAge = null, creating = false, today = todayISO() }) {
  const hiddenSet = new Set(hidden);
  const after = { ...before };
  for (const [k, v] of Object.entries(values)) after[k] = v;
  delete after.age;
  const was = applicable(fields, before, { age: before.age });
  const now = applicable(fields, after, { age: viewAge(before, after, typedAge, today) });
  const patch = {};
  for (const f of fields) {
    if (!writable(f) || f.name === 'age') continue;
    const had = hiddenSet.has(f.name) || !isEmpty(before[f.name]);
    if (!now.shown.has(f.name)) {
      if (!creating && had && was.shown.has(f.name)) patch[f.name] = null;
      continue;
    }
    if (!(f.name in values)) continue;
    const v = values[f.name];
    if (creating) {
      if (norm(f, v) !== null) patch[f.name] = v;
    } else if (!sameValue(f, before[f.name], v)) {
      patch[f.name] = norm(f, v) === null && f.type !== 'tickbox' ? null : v;
    }
  }
  // A stated age is sent only as a new statement; a date of birth given with it wins.
  if (fields.some((f) => f.name === 'age') && typeof typedAge === 'number' && now.shown.has('age')
      && typeof patch.date_of_birth !== 'string' && typedAge !== before.age) {
    patch.age = typedAge;
    // The statement replaces the date of birth anyway; clearing it in the same write would make
    // the server drop the day the age was stated (age_stated_on).
    delete patch.date_of_birth;
  }
  return patch;
}

// "plan_goals[2].due_date" -> {name: 'plan_goals', index: 2, sub: 'due_date'}; "sex" -> {name: 'sex'}.
export function parsePath(path) {
  const m = /^([a-z0-9_]+)(?:\[(\d+)\](?:\.([a-z0-9_]+))?)?$/.exec(String(path || '').replace(/^data\./, ''));
  if (!m) return null;
  return { name: m[1], index: m[2] === undefined ? null : Number(m[2]), sub: m[3] || null };
}
