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

// Field labels and options come translated with the forms (GET /api/v1/forms); the UI itself
// names the values and states the forms share.
test('the enumerations the API and the form engine define are all translated', () => {
  const need = {
    role: ['admin', 'supervisor', 'caseworker', 'screener', 'analyst', 'provider'],
    action: ['create', 'update', 'assign', 'note', 'delete', 'stage', 'approval_requested', 'approval_rejected'],
    agency_type: ['social_services', 'ngo', 'police', 'border', 'immigration', 'justice', 'health', 'education', 'shelter', 'other'],
    yesno: ['yes', 'no', 'unknown'], status: ['open', 'closed'],
    location: ['level_0', 'level_1', 'level_2', 'level_3', 'level_n'],
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
