// The browser's condition evaluator (web/cond.js) against the shared case table that the
// server's evaluator (src/core/cond.c, tests/unit/test_cond.c) passes too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { condEval } from '../../web/cond.js';

const table = JSON.parse(readFileSync(new URL('../data/conditions.json', import.meta.url), 'utf8'));

test('the shared condition table has cases', () => {
  assert.ok(table.cases.length > 40);
});

for (const c of table.cases) {
  test(`condition: ${c.name}`, () => {
    assert.equal(condEval(c.cond, c.doc), c.expect);
  });
}

test('conditions nested past the limit are false', () => {
  let c = { field: 'a', op: 'empty' };
  for (let i = 0; i < 40; i++) c = { not: c };
  assert.equal(condEval(c, {}), false);
});
