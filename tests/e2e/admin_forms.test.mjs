// Browser tests for the configuration editor: the admin adds a field with French and Arabic
// labels and a show-if condition, and the server applies it at once (a caseworker reads the
// French label and may write the field only while its condition holds); a save that races
// another admin's shows the 412 message and recovers on reload; a name another admin took
// meanwhile comes back as the server's 422 at the name; a protection concern is added to the
// lookup; a field added to a subform's rows with a condition on its row is enforced row by row
// (plan_goals[0].field); fields of every kind are added, one readable only by supervisors and
// so listed in a caseworker's hidden_fields; screens in English and Arabic, desktop and 360-px
// phone, checked with axe.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHaven, signIn, ADMIN_PASSWORD } from '../lib/haven.mjs';
import { launch, newPage, signInUI, settled, shot, axeCheck, noProblems, noHorizontalScroll, PHONE } from './lib.mjs';

let srv;
let browser;
before(async () => {
  srv = await startHaven({ demo: true });
  browser = await launch();
});
after(async () => { await browser?.close(); await srv?.cleanup(); });

const f = (page, name) => page.locator(`#main [name="${name}"]`);

async function adminPage(viewport) {
  const page = await newPage(browser, viewport);
  await signInUI(page, srv.url, 'admin', ADMIN_PASSWORD);
  return page;
}

async function go(page, hash) {
  await page.goto(`${srv.url}/${hash}`);
  await settled(page);
}

// PUTs a change to a stored document as another administrator would.
async function otherAdminSaves(kind, name, change) {
  const admin = await signIn(srv.url, 'admin', ADMIN_PASSWORD);
  const doc = (await admin.get(`/api/v1/${kind}/${name}`)).json;
  change(doc.definition);
  const r = await admin.put(`/api/v1/${kind}/${name}`, doc.definition, { 'if-match': `"${doc.version}"` });
  assert.equal(r.status, 200, r.text);
}

async function newCase(api, data) {
  const r = await api.post('/api/v1/cases', { data: { name_first: 'Forms', sex: 'female', ...data } });
  assert.equal(r.status, 201, r.text);
  return r.json;
}

test('the admin adds a field with translations and a condition; it applies at once', async () => {
  const page = await adminPage();
  await page.getByRole('link', { name: 'Forms', exact: true }).first().click();
  await settled(page);
  assert.equal((await page.locator('#main h1').textContent()).trim(), 'Forms and lookups');
  await axeCheck(page, 'forms list');
  await shot(page, 'admin-forms-list-desktop-en');
  await page.getByRole('link', { name: 'Care arrangements' }).click();
  await settled(page);
  await axeCheck(page, 'form fields');
  await shot(page, 'admin-form-fields-desktop-en');
  await page.getByRole('link', { name: 'Add a field' }).click();
  await settled(page);

  // A name that exists in another form is caught before anything is sent.
  await f(page, 'name').fill('sex');
  await page.getByRole('button', { name: 'Save the field' }).click();
  await page.locator('#main [data-field="name"] .field-error:not([hidden])', { hasText: 'exists already' }).waitFor();
  await page.locator('#main [data-field="label_en"] .field-error:not([hidden])').waitFor();
  assert.equal(await page.evaluate(() => document.activeElement.name), 'name');

  await f(page, 'name').fill('care_school_name');
  await f(page, 'type').selectOption('text');
  await f(page, 'label_en').fill('School attended');
  await f(page, 'label_fr').fill('École fréquentée');
  await f(page, 'label_ar').fill('المدرسة التي يرتادها الطفل');
  await f(page, 'help_en').fill('The school the child goes to while in foster care.');
  // The condition, by keyboard: choose "all", then field, test and value of the first clause.
  await f(page, 'cond_mode').selectOption('all');
  await page.locator('#main [name="cond_field"]').first().selectOption('care_arrangement');
  assert.equal(await page.locator('#main [name="cond_op"]').first().inputValue(), 'eq');
  await page.locator('#main [name="cond_value"]').first().selectOption({ label: 'Foster care' });
  // "Add a condition" puts the keyboard on the new clause; removing it hands focus back.
  await page.getByRole('button', { name: 'Add a condition' }).focus();
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement.name), 'cond_field');
  assert.equal(await page.locator('#main fieldset.cond-clause').count(), 2);
  await page.getByRole('button', { name: 'Remove this condition' }).nth(1).click();
  assert.equal(await page.locator('#main fieldset.cond-clause').count(), 1);
  await axeCheck(page, 'field editor');
  await shot(page, 'admin-field-new-desktop-en');
  await page.getByRole('button', { name: 'Save the field' }).click();
  await page.waitForURL(/#\/admin\/forms\/care_arrangements\?saved=care_school_name$/);
  await settled(page);
  await page.locator('#main .notice-ok', { hasText: 'School attended' }).waitFor();
  const row = page.locator('#main tr', { hasText: 'care_school_name' });
  assert.match(await row.textContent(), /Current care arrangement is Foster care/);
  noProblems(page);
  await page.context().close();

  // Without a restart: a caseworker reads the French label, and the condition is enforced.
  const cw = await signIn(srv.url, 'caseworker');
  const forms = (await cw.get('/api/v1/forms?record_type=case&locale=fr')).json.forms;
  const added = forms.find((x) => x.id === 'care_arrangements').fields.find((x) => x.name === 'care_school_name');
  assert.equal(added.label, 'École fréquentée');
  assert.deepEqual(added.show_if, { field: 'care_arrangement', op: 'eq', value: 'foster_care' });
  const foster = await newCase(cw, { care_arrangement: 'foster_care' });
  const ok = await cw.patch(`/api/v1/cases/${foster.id}`, { data: { care_school_name: 'École du Parc' } }, { 'if-match': `"${foster.version}"` });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.json.data.care_school_name, 'École du Parc');
  const street = await newCase(cw, { care_arrangement: 'street' });
  const no = await cw.patch(`/api/v1/cases/${street.id}`, { data: { care_school_name: 'École du Parc' } }, { 'if-match': `"${street.version}"` });
  assert.equal(no.status, 422, no.text);
  assert.equal(no.json.error.field, 'care_school_name');
});

test('a stale save shows the 412 message and succeeds after reloading', async () => {
  const page = await adminPage();
  await go(page, '#/admin/forms/care_arrangements/fields/care_concerns');
  assert.match(await page.locator('#main h1').textContent(), /Concerns about the care arrangement/);
  await otherAdminSaves('forms', 'care_arrangements', (d) => {
    d.fields.find((x) => x.name === 'care_child_views').labels.es = 'La opinión del niño o la niña';
  });
  await f(page, 'label_fr').fill('Inquiétudes sur la prise en charge');
  await page.getByRole('button', { name: 'Save the field' }).click();
  const box = page.locator('#main .form-error:not([hidden])');
  await box.waitFor();
  assert.match(await box.textContent(), /Another administrator saved this/);
  assert.equal(await page.evaluate(() => document.activeElement.classList.contains('form-error')), true);
  await shot(page, 'admin-field-stale-desktop-en');
  await box.getByRole('button', { name: 'Reload the latest version' }).click();
  await settled(page);
  await f(page, 'label_fr').fill('Inquiétudes sur la prise en charge');
  await page.getByRole('button', { name: 'Save the field' }).click();
  await page.waitForURL(/\?saved=care_concerns$/);
  const admin = await signIn(srv.url, 'admin', ADMIN_PASSWORD);
  const def = (await admin.get('/api/v1/forms/care_arrangements')).json.definition;
  assert.equal(def.fields.find((x) => x.name === 'care_concerns').labels.fr, 'Inquiétudes sur la prise en charge');
  assert.equal(def.fields.find((x) => x.name === 'care_child_views').labels.es, 'La opinión del niño o la niña', 'the other admin\'s change is kept');
  noProblems(page);
  await page.context().close();
});

test('the server\'s 422 appears at the field it names', async () => {
  const page = await adminPage();
  await go(page, '#/admin/forms/care_arrangements/fields/new');
  // Meanwhile another admin gives a field of another form the same name.
  await otherAdminSaves('forms', 'health', (d) => {
    d.fields.push({ name: 'care_pet', type: 'text', labels: { en: 'Pet' } });
  });
  await f(page, 'name').fill('care_pet');
  await f(page, 'type').selectOption('select');
  await f(page, 'label_en').fill('Pet at home');
  // A choice field needs options: add one with its four labels.
  await page.getByRole('button', { name: 'Add an option' }).click();
  assert.equal(await page.evaluate(() => document.activeElement.name), 'opt0_value');
  await f(page, 'opt0_value').fill('dog');
  await f(page, 'opt0_en').fill('Dog');
  await f(page, 'opt0_fr').fill('Chien');
  await f(page, 'opt0_es').fill('Perro');
  await f(page, 'opt0_ar').fill('كلب');
  await page.getByRole('button', { name: 'Save the field' }).click();
  const err = page.locator('#main [data-field="name"] .field-error:not([hidden])');
  await err.waitFor();
  assert.match(await err.textContent(), /care_pet is in forms/);
  assert.doesNotMatch(await err.textContent(), /^⚠?\s*care_pet: /, 'the field name is not repeated before the message');
  assert.equal(await page.evaluate(() => document.activeElement.name), 'name');
  await f(page, 'name').fill('care_pet_kind');
  await page.getByRole('button', { name: 'Save the field' }).click();
  await page.waitForURL(/\?saved=care_pet_kind$/);
  const admin = await signIn(srv.url, 'admin', ADMIN_PASSWORD);
  const def = (await admin.get('/api/v1/forms/care_arrangements')).json.definition;
  assert.deepEqual(def.fields.at(-1).options, [{ value: 'dog', labels: { en: 'Dog', fr: 'Chien', es: 'Perro', ar: 'كلب' } }]);
  noProblems(page);
  await page.context().close();
});

test('the admin adds a protection concern; built-in lists are not editable', async () => {
  const page = await adminPage();
  await go(page, '#/admin/forms');
  await page.getByRole('link', { name: 'Protection concerns' }).click();
  await settled(page);
  await f(page, 'value').fill('forced_begging');
  await f(page, 'label_en').fill('Forced begging');
  await f(page, 'label_fr').fill('Mendicité forcée');
  await f(page, 'label_es').fill('Mendicidad forzada');
  await f(page, 'label_ar').fill('التسول القسري');
  await page.getByRole('button', { name: 'Add a value' }).click();
  await page.waitForURL(/\?saved=forced_begging$/);
  await settled(page);
  await page.locator('#main .notice-ok', { hasText: 'Forced begging' }).waitFor();
  assert.equal(await page.locator('#main td', { hasText: 'Mendicidad forzada' }).count(), 1);
  // A code in use is refused before saving.
  await f(page, 'value').fill('trafficking');
  await f(page, 'label_en').fill('Again');
  await page.getByRole('button', { name: 'Add a value' }).click();
  await page.locator('#main [data-field="value"] .field-error:not([hidden])', { hasText: 'used already' }).waitFor();
  await axeCheck(page, 'lookup editor');
  await shot(page, 'admin-lookup-desktop-en');
  noProblems(page);

  const cw = await signIn(srv.url, 'caseworker');
  const lk = (await cw.get('/api/v1/forms?record_type=case&locale=es')).json.lookups.protection_concerns;
  assert.ok(lk.values.some((v) => v.value === 'forced_begging' && v.label === 'Mendicidad forzada'));
  const c = await newCase(cw, { protection_concerns: ['forced_begging'] });
  assert.deepEqual(c.data.protection_concerns, ['forced_begging']);

  await go(page, '#/admin/lookups/countries');
  assert.equal((await page.locator('#main h1').textContent()).trim(), 'This list cannot be edited');
  await page.context().close();
});

test('the admin adds a row field with a condition on its row; the server checks it row by row', async () => {
  const page = await adminPage();
  await go(page, '#/admin/forms/case_plan');
  // The subform's row fields are listed under it, named subform.field.
  const goal = page.locator('#main tr.row-field', { hasText: 'plan_goals.goal' });
  assert.match(await goal.textContent(), /Goal/);
  await page.locator('#main a.add-row-field').first().click();
  await settled(page);
  assert.match(await page.locator('#main h1').textContent(), /Add a field to the rows of “Goals and actions”/);
  const types = await f(page, 'type').locator('option').evaluateAll((os) => os.map((o) => o.value));
  assert.ok(!types.includes('subform') && !types.includes('attachment') && types.includes('record'), types.join());
  // No "readable only by" for a row field: the server restricts whole fields only.
  assert.equal(await page.locator('#main [name="sensitive_supervisor"]').count(), 0);

  // A row field's name is unique within its row only (status is in other subforms too).
  await f(page, 'name').fill('status');
  await page.getByRole('button', { name: 'Save the field' }).click();
  await page.locator('#main [data-field="name"] .field-error:not([hidden])', { hasText: 'already have a field' }).waitFor();
  await f(page, 'name').fill('cancel_reason');
  await f(page, 'type').selectOption('text');
  await f(page, 'label_en').fill('Why it was cancelled');
  await f(page, 'label_fr').fill('Motif de l\'annulation');
  await f(page, 'label_es').fill('Motivo de la cancelación');
  await f(page, 'label_ar').fill('سبب الإلغاء');
  await f(page, 'max_length').fill('200');
  await f(page, 'cond_mode').selectOption('all');
  // The condition may name only the fields of the same row.
  const menu = await page.locator('#main [name="cond_field"] option').evaluateAll((os) => os.map((o) => o.value).filter(Boolean));
  assert.deepEqual(menu, ['goal', 'area', 'action', 'responsible', 'due_date', 'status']);
  await page.locator('#main [name="cond_field"]').selectOption('status');
  await page.locator('#main [name="cond_value"]').selectOption({ label: 'Cancelled' });
  await axeCheck(page, 'row field editor');
  await shot(page, 'admin-row-field-new-desktop-en');
  await page.getByRole('button', { name: 'Save the field' }).click();
  await page.waitForURL(/#\/admin\/forms\/case_plan\?saved=cancel_reason&in=plan_goals$/);
  await settled(page);
  await page.locator('#main .notice-ok', { hasText: 'Why it was cancelled' }).waitFor();
  assert.match(await page.locator('#main tr.row-field', { hasText: 'plan_goals.cancel_reason' }).textContent(), /Status is Cancelled/);
  await axeCheck(page, 'form fields with rows');
  await shot(page, 'admin-form-rows-desktop-en');
  // The row field opens for editing on its own page, its condition read back.
  await page.getByRole('link', { name: 'Why it was cancelled' }).click();
  await settled(page);
  assert.equal(await f(page, 'cond_mode').inputValue(), 'all');
  assert.equal(await page.locator('#main [name="cond_field"]').inputValue(), 'status');
  noProblems(page);
  await page.context().close();

  const admin = await signIn(srv.url, 'admin', ADMIN_PASSWORD);
  const def = (await admin.get('/api/v1/forms/case_plan')).json.definition;
  assert.deepEqual(def.fields.find((x) => x.name === 'plan_goals').fields.at(-1), {
    name: 'cancel_reason', type: 'text', max_length: 200, show_if: { field: 'status', op: 'eq', value: 'cancelled' },
    labels: { en: 'Why it was cancelled', fr: 'Motif de l\'annulation', es: 'Motivo de la cancelación', ar: 'سبب الإلغاء' },
  });

  // The caseworker writes the row field: accepted while its row's condition holds, else 422.
  const cw = await signIn(srv.url, 'caseworker');
  const c = await newCase(cw, {});
  const ok = await cw.patch(`/api/v1/cases/${c.id}`, { data: { plan_goals: [{ goal: 'Goes to school', status: 'cancelled', cancel_reason: 'Moved away' }] } }, { 'if-match': `"${c.version}"` });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.json.data.plan_goals[0].cancel_reason, 'Moved away');
  const no = await cw.patch(`/api/v1/cases/${c.id}`, { data: { plan_goals: [{ goal: 'Goes to school', status: 'in_progress', cancel_reason: 'Moved away' }] } }, { 'if-match': `"${ok.json.version}"` });
  assert.equal(no.status, 422, no.text);
  assert.equal(no.json.error.field, 'plan_goals[0].cancel_reason');
});

// Fills the new-field page of a form and saves it; fill(page) sets the type's own controls.
async function addField(page, form, name, type, label, fill) {
  await go(page, `#/admin/forms/${form}/fields/new`);
  await f(page, 'name').fill(name);
  await f(page, 'type').selectOption(type);
  await f(page, 'label_en').fill(label);
  if (fill) await fill(page);
  await page.getByRole('button', { name: 'Save the field' }).click();
  await page.waitForURL(new RegExp(`\\?saved=${name}$`));
  await settled(page);
}

test('the admin adds fields of every kind, one readable only by supervisors', async () => {
  const page = await adminPage();
  // A range whose largest value is below its smallest is caught at the field.
  await go(page, '#/admin/forms/care_arrangements/fields/new');
  await f(page, 'name').fill('care_siblings_placed');
  await f(page, 'type').selectOption('number');
  await f(page, 'label_en').fill('Siblings placed together');
  await f(page, 'min').fill('5');
  await f(page, 'max').fill('2');
  await page.getByRole('button', { name: 'Save the field' }).click();
  await page.locator('#main [data-field="max"] .field-error:not([hidden])', { hasText: 'must not be smaller' }).waitFor();
  assert.equal(await page.evaluate(() => document.activeElement.name), 'max');
  await f(page, 'min').fill('0');
  await f(page, 'max').fill('12');
  await f(page, 'integer').check();
  await page.getByRole('button', { name: 'Save the field' }).click();
  await page.waitForURL(/\?saved=care_siblings_placed$/);

  await addField(page, 'care_arrangements', 'care_review_due', 'date', 'Next review of the placement', (p) => f(p, 'allow_future').check());
  await addField(page, 'care_arrangements', 'care_placement_concerns', 'multiselect', 'Concerns in the placement', (p) => f(p, 'lookup').selectOption('protection_concerns'));
  await addField(page, 'care_arrangements', 'care_sibling_family', 'record', 'Family record of the siblings', (p) => f(p, 'record_type').selectOption('family'));
  await addField(page, 'care_arrangements', 'care_placement_area', 'location', 'Area of the placement');
  await addField(page, 'care_arrangements', 'care_visits', 'subform', 'Visits to the placement', async (p) => {
    await f(p, 'row_name').fill('visit_date');
    await f(p, 'row_type').selectOption('date');
    await f(p, 'row_label_en').fill('Date of the visit');
    await axeCheck(p, 'new subform');
    await shot(p, 'admin-field-new-subform-desktop-en');
  });
  await addField(page, 'care_arrangements', 'care_supervisor_note', 'textarea', 'Supervisor\'s note on the placement', async (p) => {
    await f(p, 'max_length').fill('2000');
    await f(p, 'sensitive_supervisor').check();
    await shot(p, 'admin-field-new-sensitive-desktop-en');
  });
  assert.match(await page.locator('#main tr', { hasText: 'care_supervisor_note' }).textContent(), /Readable only by: Supervisor/);
  noProblems(page);
  await page.context().close();

  const admin = await signIn(srv.url, 'admin', ADMIN_PASSWORD);
  const fields = new Map((await admin.get('/api/v1/forms/care_arrangements')).json.definition.fields.map((x) => [x.name, x]));
  const pick = (name, ...keys) => Object.fromEntries(keys.map((k) => [k, fields.get(name)[k]]));
  assert.deepEqual(pick('care_siblings_placed', 'type', 'min', 'max', 'integer'), { type: 'number', min: 0, max: 12, integer: true });
  assert.deepEqual(pick('care_review_due', 'type', 'allow_future'), { type: 'date', allow_future: true });
  assert.deepEqual(pick('care_placement_concerns', 'type', 'lookup', 'options'), { type: 'multiselect', lookup: 'protection_concerns', options: undefined });
  assert.deepEqual(pick('care_sibling_family', 'type', 'record_type'), { type: 'record', record_type: 'family' });
  assert.equal(fields.get('care_placement_area').type, 'location');
  assert.deepEqual(fields.get('care_visits').fields, [{ name: 'visit_date', type: 'date', labels: { en: 'Date of the visit' } }]);
  assert.deepEqual(pick('care_supervisor_note', 'type', 'max_length', 'sensitive'), { type: 'textarea', max_length: 2000, sensitive: ['supervisor'] });

  // A supervisor writes the restricted field; the caseworker's copy of the case leaves it out.
  const cw = await signIn(srv.url, 'caseworker');
  const c = await newCase(cw, { care_review_due: '2099-01-31', care_siblings_placed: 2 });
  const sup = await signIn(srv.url, 'supervisor');
  const w = await sup.patch(`/api/v1/cases/${c.id}`, { data: { care_supervisor_note: 'Carer under review' } }, { 'if-match': `"${c.version}"` });
  assert.equal(w.status, 200, w.text);
  assert.equal(w.json.data.care_supervisor_note, 'Carer under review');
  const seen = (await cw.get(`/api/v1/cases/${c.id}`)).json;
  assert.ok(seen.hidden_fields.includes('care_supervisor_note'), JSON.stringify(seen.hidden_fields));
  assert.equal(seen.data.care_supervisor_note, undefined);
  assert.equal(seen.data.care_review_due, '2099-01-31');
});

test('Arabic, desktop and phone: the editor mirrors, fits 360 px and passes axe', async () => {
  for (const [viewport, tag] of [[undefined, 'desktop'], [PHONE, 'phone']]) {
    const page = await adminPage(viewport);
    await page.selectOption('#lang-header', 'ar');
    await page.waitForFunction(() => document.documentElement.dir === 'rtl');
    for (const [hash, name] of [['#/admin/forms', 'admin-forms-list'], ['#/admin/forms/health/fields/health_pregnant', 'admin-field-edit'],
      ['#/admin/forms/care_arrangements/fields/new', 'admin-field-new'], ['#/admin/lookups/protection_concerns', 'admin-lookup'],
      ['#/admin/forms/case_plan', 'admin-form-rows'], ['#/admin/forms/case_plan/fields/plan_goals/rows/new', 'admin-row-field-new'],
      ['#/admin/forms/case_plan/fields/plan_goals/rows/status', 'admin-row-field-edit'],
      ['#/admin/forms/case_plan/fields/plan_goals', 'admin-subform-edit'], ['#/admin/forms/case_plan/fields/new', 'admin-field-new-subform']]) {
      await go(page, hash);
      if (name === 'admin-field-new') {
        await f(page, 'type').selectOption('select');
        await page.locator('#main .options-box button').click();
        await f(page, 'cond_mode').selectOption('any');
      }
      if (name === 'admin-field-new-subform') await f(page, 'type').selectOption('subform');
      if (name === 'admin-row-field-new') {
        await f(page, 'type').selectOption('number');
        await f(page, 'cond_mode').selectOption('all');
      }
      if (tag === 'phone') await noHorizontalScroll(page);
      await axeCheck(page, `${name} (ar, ${tag})`);
      await shot(page, `${name}-${tag}-ar`);
    }
    if (tag === 'phone') {
      await page.selectOption('#lang-header', 'en');
      await page.waitForFunction(() => document.documentElement.dir === 'ltr');
      await go(page, '#/admin/forms/care_arrangements/fields/care_arrangement');
      await noHorizontalScroll(page);
      await shot(page, 'admin-field-edit-phone-en');
    }
    noProblems(page);
    await page.context().close();
  }
});
