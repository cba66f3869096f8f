// The browser's record-document rules (web/formdata.js): the derived age as the server computes
// it, which fields apply (conditions to a fixed point, calculated values), and the merge patch
// a save sends — only what changed, and null for a stored answer an edit made inapplicable.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ageOn, applicable, buildPatch, canon, parsePath, viewAge } from '../../web/formdata.js';

const F = [
  { name: 'date_of_birth', type: 'date' },
  { name: 'age', type: 'number', integer: true },
  { name: 'age_stated_on', type: 'date', readonly: true },
  { name: 'sex', type: 'select' },
  { name: 'withheld', type: 'yesno' },
  { name: 'withheld_by', type: 'text', show_if: { field: 'withheld', op: 'eq', value: 'yes' } },
  { name: 'withheld_where', type: 'text', show_if: { field: 'withheld_by', op: 'not_empty' } },
  { name: 'pregnant', type: 'yesno', show_if: { all: [{ field: 'sex', op: 'eq', value: 'female' }, { field: 'age', op: 'gte', value: 10 }] } },
  { name: 'status', type: 'select', calculated: { when: [{ if: { field: 'withheld', op: 'eq', value: 'yes' }, value: 'at_risk' }] } },
  { name: 'status_note', type: 'text', show_if: { field: 'status', op: 'eq', value: 'at_risk' } },
  { name: 'secret', type: 'text', show_if: { field: 'withheld', op: 'eq', value: 'yes' } },
  { name: 'consent', type: 'tickbox' },
  { name: 'members', type: 'subform', fields: [{ name: 'name', type: 'text' }, { name: 'age', type: 'number' }] },
];

test('age: whole years to today, as the server derives it', () => {
  assert.equal(ageOn('2014-03-02', '2026-03-01'), 11);
  assert.equal(ageOn('2014-03-02', '2026-03-02'), 12);
  assert.equal(ageOn('2012-02-29', '2026-02-28'), 13);
  assert.equal(ageOn('2030-01-01', '2026-01-01'), 0);
  assert.equal(ageOn('not a date', '2026-01-01'), undefined);
});

test('the age conditions see: a date given now wins over an age stated now, which wins over the stored date', () => {
  const before = { date_of_birth: '2000-01-01' };
  assert.equal(viewAge(before, { date_of_birth: '2014-01-01' }, 3, '2026-06-01'), 12);
  assert.equal(viewAge(before, { date_of_birth: '2000-01-01' }, 3, '2026-06-01'), 3);
  assert.equal(viewAge(before, { date_of_birth: '2000-01-01' }, null, '2026-06-01'), 26);
  assert.equal(viewAge({}, {}, null, '2026-06-01'), undefined);
});

test('conditions apply to a fixed point, with calculated values and the age', () => {
  const doc = { withheld: 'no', withheld_by: 'x', withheld_where: 'y', sex: 'female' };
  let { shown } = applicable(F, doc, { age: 12 });
  assert.ok(!shown.has('withheld_by'));
  assert.ok(!shown.has('withheld_where'), 'hidden because the field it depends on is hidden');
  assert.ok(shown.has('pregnant'));
  assert.ok(!shown.has('status_note'));
  ({ shown } = applicable(F, { ...doc, withheld: 'yes' }, { age: 9 }));
  assert.ok(shown.has('withheld_where') && shown.has('status_note'), 'a calculated value opens its dependants');
  assert.ok(!shown.has('pregnant'), 'the age counts');
});

test('a row field named age is a row field: no record age is applied to it', () => {
  const rows = [{ name: 'a', type: 'text' }, { name: 'age', type: 'number' }, { name: 'n', type: 'text', show_if: { field: 'age', op: 'gt', value: 17 } }];
  assert.ok(applicable(rows, { age: 40 }).shown.has('n'));
});

test('creating sends the answers given, not empty ones or unticked boxes', () => {
  const patch = buildPatch({ fields: F, before: {}, creating: true, today: '2026-06-01',
    values: { sex: 'female', withheld: 'yes', withheld_by: 'uncle', withheld_where: '', consent: false, members: [], pregnant: null } });
  assert.deepEqual(patch, { sex: 'female', withheld: 'yes', withheld_by: 'uncle' });
});

test('editing sends what changed; a stored answer the edit made inapplicable is cleared with null', () => {
  const before = { sex: 'female', withheld: 'yes', withheld_by: 'uncle', withheld_where: 'home', status: 'at_risk', status_note: 'n', age: 12,
    date_of_birth: '2014-01-01', members: [{ age: 3, name: 'b' }] };
  const values = { sex: 'female', withheld: 'no', withheld_by: 'uncle', withheld_where: 'home', status_note: 'n', members: [{ name: 'b', age: 3 }],
    date_of_birth: '2014-01-01', pregnant: null };
  const patch = buildPatch({ fields: F, before, values, today: '2026-06-01' });
  assert.deepEqual(patch, { withheld: 'no', withheld_by: null, withheld_where: null, status_note: null },
    'rows in another key order are unchanged; status is calculated and never sent');
});

test('a field the role may not read is cleared when the edit makes it inapplicable, and left alone otherwise', () => {
  const before = { withheld: 'yes' };
  const hidden = ['secret'];
  assert.deepEqual(buildPatch({ fields: F, before, hidden, values: { withheld: 'no' } }), { withheld: 'no', secret: null });
  assert.deepEqual(buildPatch({ fields: F, before, hidden, values: { withheld: 'yes', sex: 'male' } }), { sex: 'male' });
});

test('a stored answer whose condition was already false is left as it is', () => {
  const before = { withheld: 'no', withheld_by: 'from an older form version' };
  assert.deepEqual(buildPatch({ fields: F, before, values: { withheld: 'no', withheld_by: 'from an older form version', sex: 'male' } }), { sex: 'male' });
});

test('a stated age is sent as a statement; a date of birth given with it wins', () => {
  const before = { date_of_birth: '2014-01-01', age: 12 };
  assert.deepEqual(buildPatch({ fields: F, before, typedAge: 9, values: { date_of_birth: '2014-01-01' } }), { age: 9 });
  assert.deepEqual(buildPatch({ fields: F, before, typedAge: 9, values: { date_of_birth: '2015-05-05' } }), { date_of_birth: '2015-05-05' });
  assert.deepEqual(buildPatch({ fields: F, before, typedAge: 12, values: { date_of_birth: '2014-01-01' } }), {});
  assert.deepEqual(buildPatch({ fields: F, before: {}, creating: true, typedAge: 7, values: {} }), { age: 7 });
  assert.deepEqual(buildPatch({ fields: F, before, typedAge: 9, values: { date_of_birth: null } }), { age: 9 },
    'a cleared date of birth is replaced by the statement');
});

test('ticking and unticking a box', () => {
  assert.deepEqual(buildPatch({ fields: F, before: {}, values: { consent: true } }), { consent: true });
  assert.deepEqual(buildPatch({ fields: F, before: { consent: true }, values: { consent: false } }), { consent: false });
  assert.deepEqual(buildPatch({ fields: F, before: {}, values: { consent: false } }), {});
});

test('canon ignores key order; paths name rows', () => {
  assert.equal(canon({ b: 1, a: [{ y: 2, x: 1 }] }), canon({ a: [{ x: 1, y: 2 }], b: 1 }));
  assert.deepEqual(parsePath('plan_goals[2].due_date'), { name: 'plan_goals', index: 2, sub: 'due_date' });
  assert.deepEqual(parsePath('data.sex'), { name: 'sex', index: null, sub: null });
  assert.equal(parsePath('bad path'), null);
});
