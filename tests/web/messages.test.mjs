// Every message the server can put in an API error is translated (config/i18n/errors.json),
// with the same printf conversions in the same order — the server drops a translation that
// does not keep them, and this test says which.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { formats, conversions, CATALOGUE } from '../../tools/messages.mjs';

const cat = JSON.parse(readFileSync(CATALOGUE, 'utf8'));

test('the catalogue lists exactly the messages the code uses (node tools/messages.mjs --update)', () => {
  assert.deepEqual(Object.keys(cat.messages).sort(), formats());
});

test('every message is in French, Spanish and Arabic with the same conversions', () => {
  const problems = [];
  for (const [en, tr] of Object.entries(cat.messages)) {
    for (const l of ['fr', 'es', 'ar']) {
      const s = tr[l];
      if (typeof s !== 'string' || !s.trim()) problems.push(`${l}: missing: ${en}`);
      else if (s === en) problems.push(`${l}: same as English: ${en}`);
      else if (conversions(s).join('|') !== conversions(en).join('|')) problems.push(`${l}: conversions differ: ${en}`);
    }
  }
  assert.deepEqual(problems, []);
});
