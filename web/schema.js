// schema.js: a record type's forms, lookups and workflow (GET /api/v1/forms) in the interface
// language, with look-ups over them. Screens render from these definitions, the very ones the
// server validates against, so no field, option or stage is written into the UI's code.
import { get } from './api.js';
import { lang } from './i18n.js';

// An administrator's change to a form reaches open tabs within minutes, without a reload.
const TTL_MS = 5 * 60 * 1000;
const cache = new Map(); // "case:fr" -> {at, promise}

// Lookups longer than this are sorted by their localised label (250 countries in code order
// cannot be scanned); shorter ones keep the order their authors chose.
const SORT_OVER = 30;

export function loadSchema(type) {
  const key = `${type}:${lang()}`;
  const hit = cache.get(key);
  if (hit && Date.now() - hit.at < TTL_MS) return hit.promise;
  const q = new URLSearchParams({ record_type: type, locale: lang() });
  const promise = get(`/api/v1/forms?${q}`).then((r) => new Schema(r.json));
  promise.catch(() => cache.delete(key));
  cache.set(key, { at: Date.now(), promise });
  return promise;
}

class Schema {
  constructor(json) {
    this.type = json.record_type;
    this.forms = [...(json.forms || [])].sort((a, b) => (a.order ?? 0) - (b.order ?? 0));
    this.lookups = json.lookups || {};
    this.workflow = json.workflow || null;
    this.byName = new Map();
    for (const form of this.forms) for (const f of form.fields || []) this.byName.set(f.name, { field: f, form });
    this.sorted = new Map();
  }

  field(name) { const e = this.byName.get(name); return e ? e.field : null; }

  formOf(name) { const e = this.byName.get(name); return e ? e.form : null; }

  form(id) { return this.forms.find((f) => f.id === id) || null; }

  // Every top-level field, in form order.
  fields() { return this.forms.flatMap((f) => f.fields || []); }

  label(name) { const f = this.field(name); return f ? f.label : name; }

  // [{value, label}] a select or multiselect offers.
  options(f) {
    if (f.options) return f.options;
    const lk = f.lookup && this.lookups[f.lookup];
    if (!lk) return [];
    if (lk.values.length <= SORT_OVER) return lk.values;
    if (!this.sorted.has(f.lookup)) {
      const coll = new Intl.Collator(lang());
      this.sorted.set(f.lookup, [...lk.values].sort((a, b) => coll.compare(a.label, b.label)));
    }
    return this.sorted.get(f.lookup);
  }

  optionLabel(f, code) {
    const o = this.options(f).find((x) => x.value === code);
    return o ? o.label : String(code);
  }

  stage(id) {
    const s = this.workflow && (this.workflow.stages || []).find((x) => x.id === id);
    return s || { id, label: id };
  }

  approval(kind) {
    const a = this.workflow && (this.workflow.approvals || []).find((x) => x.kind === kind);
    return a || { kind, label: kind, roles: [] };
  }
}
