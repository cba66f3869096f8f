// bench/case300.mjs: builds a synthetic case document with at least 300 filled fields from the
// forms a running Haven serves (GET /api/v1/forms), so the benchmark of "validate and save a
// case with 300 fields" always matches the shipped configuration. Answers are chosen to make
// conditions hold (a GBV and trafficking case of a 10-year-old girl), so most of the forms
// apply; a field whose condition still fails is left out, as the browser would.
// Usage: node bench/case300.mjs BASE_URL TOKEN OUT.json   (prints the number of filled fields)
import { writeFileSync } from 'node:fs';
import { condEval } from '../web/cond.js';

const [base, token, out] = process.argv.slice(2);
const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
const forms = await (await fetch(`${base}/api/v1/forms?record_type=case&locale=en`, { headers: auth })).json();

// Values that some condition compares each field with: choosing them switches dependents on.
const wanted = {};
function collect(c) {
  if (!c || typeof c !== 'object') return;
  for (const k of ['all', 'any']) if (Array.isArray(c[k])) c[k].forEach(collect);
  if (c.not) return; // a negated value is one to avoid, not to choose
  if (c.field && c.value !== undefined && ['eq', 'in', 'contains', 'gte', 'lte'].includes(c.op)) {
    (wanted[c.field] ||= []).push(...(Array.isArray(c.value) ? c.value : [c.value]));
  }
}
const walk = (fields) => fields.forEach((f) => { collect(f.show_if); if (f.fields) walk(f.fields); });
forms.forms.forEach((f) => walk(f.fields));

const options = (f) => (f.options || (forms.lookups[f.lookup] || {}).values || []).map((o) => o.value);
let n = 0;
function value(f, i) {
  const opts = options(f);
  const want = (wanted[f.name] || []).filter((v) => opts.length === 0 || opts.includes(v));
  switch (f.type) {
    case 'text': return `Texte ${i} — نص ${f.name}`.slice(0, f.max_length || 500);
    case 'textarea': return `Observations for ${f.name}: النص العربي, texte français, ${'x'.repeat(200)}`;
    case 'textlist': return [`Alias ${i}`, `Другое имя ${i}`];
    case 'number': {
      const lo = f.min ?? 0, hi = f.max ?? 100;
      return Math.round((lo + hi) / 2);
    }
    case 'date': return f.allow_future ? '2027-06-01' : '2025-03-01';
    case 'approx_date': return { value: '2024-05-01', estimated: true };
    case 'select': return want[0] ?? opts[0];
    case 'multiselect': return [...new Set([...want, opts[0], opts[1]].filter(Boolean))];
    case 'yesno': return want[0] ?? 'yes';
    case 'location': return 'XD010101';
    case 'tickbox': return want[0] ?? true;
    default: return undefined;
  }
}

function fill(fields, doc, rows) {
  for (let pass = 0; pass < 4; pass++) {
    for (const f of fields) {
      if (f.readonly || f.calculated || f.type === 'attachment' || ['age', 'age_stated_on'].includes(f.name)) continue;
      if (f.show_if && !condEval(f.show_if, { ...doc, age: 10 })) { delete doc[f.name]; continue; }
      if (doc[f.name] !== undefined) continue;
      if (f.type === 'subform') {
        doc[f.name] = Array.from({ length: rows }, () => fill(f.fields, {}, 0));
      } else {
        const v = value(f, n);
        if (v !== undefined) doc[f.name] = v;
      }
    }
  }
  return doc;
}

const all = forms.forms.flatMap((f) => f.fields);
const count = (d) => Object.values(d).reduce((s, v) => s + (Array.isArray(v) && typeof v[0] === 'object' && !('value' in v[0])
  ? v.reduce((t, row) => t + count(row), 0) : 1), 0);
let rows = 1, doc;
do {
  doc = fill(all, { date_of_birth: '2016-05-01', sex: 'female', protection_concerns: ['gbv', 'trafficking', 'separated'] }, rows);
  rows++;
} while (count(doc) < 300 && rows < 20);
writeFileSync(out, JSON.stringify({ data: doc }));
const check = await fetch(`${base}/api/v1/cases`, { method: 'POST', headers: auth, body: JSON.stringify({ data: doc }) });
if (check.status !== 201) {
  console.error(`case300: the server refused the document: ${check.status} ${await check.text()}`);
  process.exit(1);
}
console.log(count(doc));
