// Browser tests for the configurable forms: a full case filled in on a 360-px phone in French
// and in Arabic (form picker, select, multiselect from a long lookup, cascading location,
// approximate date, a subform row, conditions revealing fields) and stored as codes and ISO
// dates; a condition undone leaves no value behind; a server 422 lands at its field, in a
// subform row on another form; a transition blocked by an incomplete form names it and links
// to it; a caseworker's closure request waits for a supervisor's approval; families and
// incidents are created and read back. Screenshots in tests/e2e/screenshots/forms-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHaven, signIn } from '../lib/haven.mjs';
import {
  launch, newPage, signInUI, settled, shot, noProblems, noHorizontalScroll, axeCheck, inLanguage, caseHashRe, PHONE, DESKTOP,
} from './lib.mjs';

let srv;
let browser;
let api;
before(async () => {
  srv = await startHaven({ demo: true });
  browser = await launch();
  api = await signIn(srv.url, 'caseworker');
});
after(async () => { await browser?.close(); await srv?.cleanup(); });

const f = (page, name) => page.locator(`#main [name="${name}"]`);
const wrap = (page, path) => page.locator(`#main [data-field="${path}"]`);
const pick = (page, formId) => page.selectOption('#form-picker', formId);

// Ticks an option of a long multiselect the way a person does: types in its filter, then
// moves to the list with Enter and ticks the first match with Space.
async function choose(page, name, query, code) {
  const filter = wrap(page, name).locator('input[type="search"]');
  await filter.fill(query);
  await filter.press('Enter');
  const box = f(page, name).and(page.locator(`[value="${code}"]`));
  assert.equal(await page.evaluate(() => document.activeElement.value), code, `${query} finds ${code} first`);
  await page.keyboard.press('Space');
  assert.equal(await box.isChecked(), true);
}

// Chooses an area level by level; each level's select appears once its parent is chosen.
async function chooseArea(page, name, codes) {
  for (let i = 0; i < codes.length; i++) {
    const sel = wrap(page, name).locator('select').nth(i);
    await sel.waitFor();
    await sel.selectOption(codes[i]);
  }
}

async function fillCase(page, lang) {
  await f(page, 'name_first').fill(lang === 'ar' ? 'عائشة' : 'Aïcha');
  await f(page, 'name_last').fill(lang === 'ar' ? 'ديالو' : 'Diallo');
  await f(page, 'name_other').fill('Aisha\nAïssa');
  await f(page, 'sex').selectOption('female');
  await f(page, 'date_of_birth').fill('2014-03-02');
  await choose(page, 'nationality', lang === 'ar' ? 'السنغال' : 'sénég', 'SEN');
  // The list of 250 countries is one tab stop: Tab goes on to the next question.
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.name), 'stateless');
  await choose(page, 'languages', lang === 'ar' ? 'الفرنسية' : 'wolof', lang === 'ar' ? 'fr' : 'wo');
  await chooseArea(page, 'location_area', ['XD', 'XD01', 'XD0101']);
  // A condition: "documents withheld: yes" reveals who holds them.
  assert.equal(await wrap(page, 'documents_withheld_by').isVisible(), false);
  await f(page, 'documents_withheld').selectOption('yes');
  await wrap(page, 'documents_withheld_by').waitFor({ state: 'visible' });
  await f(page, 'documents_withheld_by').fill(lang === 'ar' ? 'صاحب العمل' : "L'employeur");
  await f(page, 'protection_concerns').and(page.locator('[value="trafficking"]')).check();
  await f(page, 'risk_level').selectOption('high');
  await noHorizontalScroll(page);
  await shot(page, `forms-registration-phone-${lang}`);

  await pick(page, 'care_arrangements');
  await f(page, 'care_arrangement').selectOption('other');
  await f(page, 'care_arrangement_other').fill(lang === 'ar' ? 'عند جيران' : 'Chez des voisins');
  await f(page, 'care_unaccompanied_separated').selectOption('separated');
  await f(page, 'care_separation_date').fill('2025-06-01');
  await f(page, 'care_separation_date.estimated').check();
  await noHorizontalScroll(page);
  await shot(page, `forms-care-phone-${lang}`);

  await pick(page, 'family_details');
  await page.locator('#main [data-field="fam_members"] button', { hasText: lang === 'ar' ? 'إضافة إدخال' : 'Ajouter une entrée' }).click();
  await f(page, 'fam_members[0].name').fill(lang === 'ar' ? 'مامادو' : 'Mamadou');
  await f(page, 'fam_members[0].relationship').selectOption('father');
  assert.equal(await wrap(page, 'fam_members[0].location').isVisible(), false, 'a row field waits for its condition');
  await f(page, 'fam_members[0].whereabouts_known').selectOption('yes');
  await f(page, 'fam_members[0].location').fill('Dakar');
  await noHorizontalScroll(page);
  await shot(page, `forms-family-row-phone-${lang}`);
}

for (const lang of ['fr', 'ar']) {
  test(`a full case filled in on a phone in ${lang === 'fr' ? 'French' : 'Arabic'} is stored as codes and ISO dates`, async () => {
    const page = await newPage(browser, PHONE);
    await signInUI(page, srv.url, 'caseworker');
    await inLanguage(page, lang);
    await page.goto(`${srv.url}/#/cases/new`);
    await settled(page);
    if (lang === 'ar') {
      assert.equal(await page.evaluate(() => getComputedStyle(document.querySelector('#main')).direction), 'rtl');
      const label = await page.locator('#main label[for]').first().boundingBox();
      const input = await f(page, 'name_first').boundingBox();
      assert.ok(label.x + label.width >= input.x + input.width - 2, 'labels start at the right edge');
    }
    await axeCheck(page, `case form (${lang}, phone)`);
    await fillCase(page, lang);
    await axeCheck(page, `case form with a subform row (${lang}, phone)`);
    await page.locator('#main button[type="submit"]').click();
    if (lang === 'ar') {
      // The same child was registered a moment ago in Latin letters (the French run): the
      // duplicate warning finds her across scripts before this one is saved.
      const warning = page.locator('#dup-warning');
      await warning.waitFor();
      assert.match(await warning.textContent(), /Aïcha Diallo/);
      await noHorizontalScroll(page);
      await warning.getByRole('button', { name: 'الحفظ على أي حال' }).click();
    }
    await page.waitForURL(caseHashRe);
    await settled(page);
    const id = page.url().match(/cases\/([0-9a-f-]{36})/)[1];

    const d = (await api.get(`/api/v1/cases/${id}`)).json.data;
    assert.equal(d.sex, 'female');
    assert.equal(d.date_of_birth, '2014-03-02');
    assert.deepEqual(d.name_other, ['Aisha', 'Aïssa']);
    assert.deepEqual(d.nationality, ['SEN']);
    assert.deepEqual(d.languages, [lang === 'ar' ? 'fr' : 'wo']);
    assert.equal(d.location_area, 'XD0101');
    assert.equal(d.documents_withheld, 'yes');
    assert.deepEqual(d.protection_concerns, ['trafficking']);
    assert.equal(d.risk_level, 'high');
    assert.equal(d.care_arrangement, 'other');
    assert.deepEqual(d.care_separation_date, { value: '2025-06-01', estimated: true });
    assert.deepEqual(d.fam_members, [{ name: lang === 'ar' ? 'مامادو' : 'Mamadou', relationship: 'father', whereabouts_known: 'yes', location: 'Dakar' }]);

    // The view reads the answers back in the language: option labels, areas by name, Intl dates.
    const main = page.locator('#main');
    const text = await main.textContent();
    const expect = lang === 'fr'
      ? ['Sénégal', 'Féminin', 'Élevé', 'Autre', 'Norvalie', 'Mamadou', 'estimée']
      : ['السنغال', 'أنثى', 'مرتفع', 'نورفاليا', 'مامادو', 'تقديري'];
    for (const s of expect) assert.ok(text.includes(s), `the view shows ${s}`);
    assert.ok(!text.includes('XD0101') && !text.includes('SEN'), 'no raw codes');
    await noHorizontalScroll(page);
    await shot(page, `forms-case-view-phone-${lang}`);
    await axeCheck(page, `case view (${lang}, phone)`);
    noProblems(page);
    await page.context().close();
  });
}

test('a condition undone hides its field again and leaves no value behind', async () => {
  const r = await api.post('/api/v1/cases', { data: {
    name_first: 'Condition', name_last: 'Test', care_arrangement: 'other', care_arrangement_other: 'With an uncle',
  } });
  assert.equal(r.status, 201, r.text);
  const id = r.json.id;
  const page = await newPage(browser, DESKTOP);
  await signInUI(page, srv.url, 'caseworker');
  await page.goto(`${srv.url}/#/cases/${id}/edit?form=registration`);
  await settled(page);
  // Within one edit: chosen, typed into, then undone.
  await f(page, 'documents_withheld').selectOption('yes');
  await wrap(page, 'documents_withheld_by').waitFor({ state: 'visible' });
  await f(page, 'documents_withheld_by').fill('A recruiter');
  await f(page, 'documents_withheld').selectOption('no');
  await wrap(page, 'documents_withheld_by').waitFor({ state: 'hidden' });
  // A stored answer whose condition the edit makes false is cleared.
  await pick(page, 'care_arrangements');
  assert.equal(await f(page, 'care_arrangement_other').inputValue(), 'With an uncle');
  await f(page, 'care_arrangement').selectOption('foster_care');
  await wrap(page, 'care_arrangement_other').waitFor({ state: 'hidden' });
  const sent = [];
  page.on('request', (q) => { if (q.method() === 'PATCH') sent.push(q.postDataJSON()); });
  await page.getByRole('button', { name: 'Save case' }).click();
  await page.waitForURL(caseHashRe);
  await settled(page);
  assert.deepEqual(sent, [{ data: { documents_withheld: 'no', care_arrangement: 'foster_care', care_arrangement_other: null } }]);
  const d = (await api.get(`/api/v1/cases/${id}`)).json.data;
  assert.equal(d.documents_withheld, 'no');
  assert.ok(!('documents_withheld_by' in d));
  assert.ok(!('care_arrangement_other' in d));
  assert.equal(d.care_arrangement, 'foster_care');
  noProblems(page);
  await page.context().close();
});

test('a server 422 lands at its field, in a subform row on another form', async () => {
  const page = await newPage(browser, PHONE);
  await signInUI(page, srv.url, 'caseworker');
  await page.goto(`${srv.url}/#/cases/new`);
  await settled(page);
  await f(page, 'name_first').fill('Row-Error');
  await pick(page, 'family_details');
  const add = wrap(page, 'fam_members').getByRole('button', { name: 'Add an entry' });
  await add.click();
  await f(page, 'fam_members[0].name').fill('Sister');
  await add.click();
  await f(page, 'fam_members[1].name').fill('Brother');
  await f(page, 'fam_members[1].date_of_birth').fill('2099-01-01'); // in the future: the server refuses it
  await pick(page, 'registration');
  await page.getByRole('button', { name: 'Save case' }).click();
  const err = wrap(page, 'fam_members[1].date_of_birth').locator('.field-error');
  await err.waitFor({ state: 'visible' });
  assert.equal(await page.locator('#form-picker').inputValue(), 'family_details', 'switched to the form holding the field');
  assert.match(await err.textContent(), /future/);
  assert.doesNotMatch(await err.textContent(), /fam_members/);
  const input = f(page, 'fam_members[1].date_of_birth');
  assert.equal(await input.getAttribute('aria-invalid'), 'true');
  assert.ok((await input.getAttribute('aria-describedby')).includes(await err.getAttribute('id')));
  assert.equal(await page.evaluate(() => document.activeElement.name), 'fam_members[1].date_of_birth');
  await shot(page, 'forms-422-row-phone-en');
  await axeCheck(page, 'case form with a row error');
  noProblems(page);
  await page.context().close();
});

test('a blocked transition names the incomplete form; a caseworker\'s closure request waits for a supervisor', async () => {
  const r = await api.post('/api/v1/cases', { data: { name_first: 'Workflow', name_last: 'Test', sex: 'male' } });
  const id = r.json.id;
  const page = await newPage(browser, PHONE);
  await signInUI(page, srv.url, 'caseworker');
  await page.goto(`${srv.url}/#/cases/${id}`);
  await settled(page);
  assert.match(await page.locator('#main .workflow .stage').textContent(), /Registration/);
  await page.getByRole('button', { name: 'Move to: Assessment' }).click();
  const alert = page.locator('#main .workflow [role="alert"]');
  await alert.waitFor();
  assert.match(await alert.textContent(), /The form “Registration and legal identity” is not complete: “Protection concerns” needs an answer/);
  await shot(page, 'forms-transition-blocked-phone-en');
  await alert.getByRole('link').click();
  await page.waitForURL(/edit\?form=registration&field=protection_concerns$/);
  await settled(page);
  await page.waitForFunction(() => document.activeElement && document.activeElement.name === 'protection_concerns');

  // Closing needs the closure form, then a supervisor's approval.
  await pick(page, 'closure');
  await f(page, 'close_reason').selectOption({ index: 1 });
  await f(page, 'close_date').fill('2026-01-10');
  await f(page, 'close_safety_confirmed').selectOption('yes');
  await page.getByRole('button', { name: 'Save case' }).click();
  await page.waitForURL(caseHashRe);
  await settled(page);
  await page.getByRole('button', { name: 'Ask for approval to move to: Closed' }).click();
  await page.waitForFunction(() => /Asked for Closure approval/.test(document.getElementById('status').textContent));
  await settled(page);
  const pending = page.locator('#main .workflow .pending');
  await pending.waitFor();
  assert.match(await pending.textContent(), /Waiting for Closure approval \(to move to: Closed\)/);
  assert.match(await page.locator('#main .workflow .stage').textContent(), /Registration/);
  assert.equal(await page.getByRole('button', { name: 'Ask for approval to move to: Closed' }).count(), 0, 'no second request');
  assert.equal(await page.getByRole('button', { name: 'Approve' }).count(), 0, 'a caseworker does not decide');
  await shot(page, 'forms-closure-pending-phone-en');
  noProblems(page);
  await page.context().close();

  const sup = await newPage(browser, DESKTOP);
  await signInUI(sup, srv.url, 'supervisor');
  await sup.goto(`${srv.url}/#/cases/${id}`);
  await settled(sup);
  await axeCheck(sup, 'case view with a pending approval');
  await shot(sup, 'forms-closure-approve-desktop-en');
  await sup.getByLabel('Comment on your decision (optional)').fill('Safety confirmed by phone.');
  await sup.getByRole('button', { name: 'Approve' }).click();
  await sup.waitForFunction(() => /Closure approval: approved/.test(document.getElementById('status').textContent));
  await settled(sup);
  assert.match(await sup.locator('#main .workflow .stage').textContent(), /Closed/);
  const c = (await api.get(`/api/v1/cases/${id}`)).json;
  assert.equal(c.stage, 'closed');
  assert.equal(c.status, 'closed');
  assert.match(await sup.locator('#main section[aria-labelledby="sec-history"]').textContent(), /Stage changed/);
  noProblems(sup);
  await sup.context().close();
});

test('a family and an incident are created and read back', async () => {
  // A member who is a child in care links to their own case, one the caseworker can see.
  const own = (await api.get('/api/v1/cases?mine=1&per=1')).json.items[0].display_id;
  const page = await newPage(browser, PHONE);
  await signInUI(page, srv.url, 'caseworker');
  await page.locator('#nav a[href="#/families"]').click();
  await settled(page);
  await page.getByRole('link', { name: 'New family' }).click();
  await settled(page);
  await f(page, 'family_name').fill('Haddad');
  await wrap(page, 'family_members').getByRole('button', { name: 'Add an entry' }).click();
  await f(page, 'family_members[0].name').fill('Omar Haddad');
  await f(page, 'family_members[0].has_case').check();
  await f(page, 'family_members[0].case_id').fill(own);
  await chooseArea(page, 'family_location', ['XD', 'XD01']);
  await axeCheck(page, 'family form');
  await page.getByRole('button', { name: 'Save family' }).click();
  await page.waitForURL(/#\/families\/[0-9a-f-]{36}$/);
  await settled(page);
  const fid = page.url().match(/families\/([0-9a-f-]{36})/)[1];
  const fam = (await api.get(`/api/v1/families/${fid}`)).json;
  assert.equal(fam.data.family_name, 'Haddad');
  assert.deepEqual(fam.data.family_members, [{ name: 'Omar Haddad', has_case: true, case_id: own }]);
  assert.equal(fam.data.family_location, 'XD01');
  assert.match(await page.locator('#main h1').textContent(), /Haddad/);
  // The family links to the child's own case, and the case back to the family.
  await page.locator('#sec-links').waitFor();
  await page.locator('section[aria-labelledby="sec-links"] a', { hasText: own }).click();
  await settled(page);
  await page.locator('#sec-links').waitFor();
  assert.ok(await page.locator(`section[aria-labelledby="sec-links"] a[href="#/families/${fid}"]`).count() === 1);
  await page.goBack();
  await settled(page);
  assert.match(await page.locator('#main').textContent(), /Norvalia/);
  await noHorizontalScroll(page);
  await shot(page, 'forms-family-view-phone-en');
  await axeCheck(page, 'family view');
  await page.locator('#nav a[href="#/families"]').click();
  await settled(page);
  await page.locator(`#main a[href="#/families/${fid}"]`).waitFor();
  noProblems(page);
  await page.context().close();

  // A screener reports an incident: the description is theirs to write, not to read back.
  const scr = await newPage(browser, PHONE);
  await signInUI(scr, srv.url, 'screener');
  assert.equal(await scr.locator('#nav a[href="#/families"]').count(), 0, 'screeners do not see families');
  await scr.locator('#nav a[href="#/incidents"]').click();
  await settled(scr);
  await scr.getByRole('link', { name: 'New incident' }).click();
  await settled(scr);
  await f(scr, 'inc_date').fill('2026-10-01');
  await f(scr, 'inc_types').and(scr.locator('[value="other"]')).check();
  await f(scr, 'inc_types_other').fill('Begging ring');
  assert.match(await wrap(scr, 'inc_description').textContent(), /only these roles can read it: Supervisor and Caseworker/);
  await f(scr, 'inc_description').fill('Three children begging at the bus station.');
  await wrap(scr, 'inc_perpetrators').getByRole('button', { name: 'Add an entry' }).click();
  await f(scr, 'inc_perpetrators[0].nationality').selectOption('NGA');
  await f(scr, 'inc_perpetrators[0].age').fill('40');
  await axeCheck(scr, 'incident form');
  await scr.getByRole('button', { name: 'Save incident' }).click();
  await scr.waitForURL(/#\/incidents\/[0-9a-f-]{36}$/);
  await settled(scr);
  const iid = scr.url().match(/incidents\/([0-9a-f-]{36})/)[1];
  const sup = await signIn(srv.url, 'supervisor');
  const inc = (await sup.get(`/api/v1/incidents/${iid}`)).json;
  assert.deepEqual(inc.data.inc_date, { value: '2026-10-01', estimated: false });
  assert.deepEqual(inc.data.inc_types, ['other']);
  assert.equal(inc.data.inc_description, 'Three children begging at the bus station.');
  assert.deepEqual(inc.data.inc_perpetrators, [{ nationality: 'NGA', age: 40 }]);
  const text = await scr.locator('#main').textContent();
  assert.match(text, /Nigeria/);
  assert.match(text, /1 answer\(s\) restricted to Supervisor and Caseworker are not shown to you/);
  assert.ok(!text.includes('bus station'));
  await noHorizontalScroll(scr);
  await shot(scr, 'forms-incident-view-phone-en');
  await axeCheck(scr, 'incident view');
  noProblems(scr);
  await scr.context().close();
});
