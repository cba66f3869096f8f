// Checks the UI's translation files without a browser: every string key the code uses exists in
// English, and French, Spanish and Arabic have exactly the English keys with the same {placeholders}.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const WEB = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..', '..', 'web');
const load = (lang) => JSON.parse(readFileSync(join(WEB, 'i18n', `${lang}.json`), 'utf8'));
const en = load('en');
const placeholders = (s) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

test('every key used in the code is in en.json', () => {
  const missing = [];
  for (const f of readdirSync(WEB).filter((x) => x.endsWith('.js'))) {
    const src = readFileSync(join(WEB, f), 'utf8');
    for (const m of src.matchAll(/\bt\('([a-z_]+\.[a-z_.]+)'/g)) if (!(m[1] in en)) missing.push(`${f}: ${m[1]}`);
    // Keys built from a prefix and an enumeration value.
    for (const m of src.matchAll(/\bt\(`([a-z_]+)\.\$\{/g)) {
      assert.ok(Object.keys(en).some((k) => k.startsWith(`${m[1]}.`)), `${f}: no ${m[1]}.* keys`);
    }
  }
  assert.deepEqual(missing, []);
});

test('the enumerations the API defines are all translated', () => {
  const need = {
    sex: ['female', 'male', 'other', 'unknown'], risk: ['low', 'medium', 'high'], consent: ['yes', 'no', 'unknown'],
    role: ['admin', 'supervisor', 'caseworker', 'screener', 'analyst', 'provider'],
    action: ['create', 'update', 'assign', 'note', 'delete'],
    agency_type: ['social_services', 'ngo', 'police', 'border', 'immigration', 'justice', 'health', 'education', 'shelter', 'other'],
    field: ['name_first', 'name_last', 'name_other', 'sex', 'date_of_birth', 'date_of_birth_estimated', 'age', 'nationality',
      'languages', 'location_current', 'protection_concerns', 'risk_level', 'consent_for_services', 'disclosure_other_orgs', 'consent_for_tracing'],
  };
  for (const [prefix, values] of Object.entries(need)) for (const v of values) assert.ok(`${prefix}.${v}` in en, `${prefix}.${v}`);
});

for (const lang of ['fr', 'es', 'ar']) {
  test(`${lang}.json has every English key, nothing else, and the same placeholders`, () => {
    const tr = load(lang);
    assert.deepEqual(Object.keys(tr).filter((k) => !(k in en)), [], 'keys that English lacks');
    assert.deepEqual(Object.keys(en).filter((k) => !(k in tr)), [], 'untranslated keys');
    for (const k of Object.keys(en)) {
      assert.deepEqual(placeholders(tr[k]), placeholders(en[k]), `${lang} ${k} placeholders`);
      assert.ok(tr[k].trim().length > 0, `${lang} ${k} is empty`);
    }
  });
}
