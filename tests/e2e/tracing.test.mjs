// Browser tests for tracing requests: a caseworker records a mother's request for a child whose
// name is in Arabic through the generic record screens (the nav link, the list, the form with a
// subform row, the view) and finds it in the list with the child sought; the same screens in
// Arabic on a 360-px phone, right to left. Roles that may not see requests get no link.
// Screenshots in tests/e2e/screenshots/tracing-*.png. All names are invented.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHaven, signIn } from '../lib/haven.mjs';
import {
  launch, newPage, signInUI, settled, shot, noProblems, noHorizontalScroll, axeCheck, inLanguage, PHONE, DESKTOP,
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
const HASH_RE = /#\/tracing_requests\/([0-9a-f-]{36})$/;

async function chooseArea(page, name, codes) {
  for (let i = 0; i < codes.length; i++) {
    const sel = wrap(page, name).locator('select').nth(i);
    await sel.waitFor();
    await sel.selectOption(codes[i]);
  }
}

test('a caseworker records a tracing request for a child named in Arabic and sees it in the list', async () => {
  const page = await newPage(browser, DESKTOP);
  await signInUI(page, srv.url, 'caseworker');
  await page.locator('#nav a[href="#/tracing_requests"]', { hasText: 'Tracing requests' }).click();
  await settled(page);
  assert.equal(await page.locator('#main h1').textContent(), 'Tracing requests');
  // The demo's requests are listed with the children they seek.
  assert.match(await page.locator('#main table').textContent(), /Nour Al-Khatib.*Aziza Al-Hassan and Omar Al-Hassan/s);
  await shot(page, 'tracing-list-desktop-en');
  await page.getByRole('link', { name: 'New tracing request' }).click();
  await settled(page);
  assert.equal(await page.locator('#form-picker').count(), 0, 'one form, no picker');
  await f(page, 'inq_name').fill('Halima Saïd');
  await f(page, 'inq_relationship').selectOption('mother');
  await f(page, 'inq_phone').fill('+000 555 0177');
  await chooseArea(page, 'inq_location_area', ['XD', 'XD01']);
  await f(page, 'sep_date').fill('2025-08-15');
  await f(page, 'sep_date.estimated').check();
  await f(page, 'sep_cause').selectOption('conflict');
  await f(page, 'sep_location_text').fill('Checkpoint on the river road');
  await wrap(page, 'tr_children').getByRole('button', { name: 'Add an entry' }).click();
  await f(page, 'tr_children[0].name_first').fill('سلمى');
  await f(page, 'tr_children[0].name_last').fill('سعيد');
  await f(page, 'tr_children[0].sex').selectOption('female');
  // A stated age reveals the day it was stated; the estimate box waits for a date of birth.
  assert.equal(await wrap(page, 'tr_children[0].age_stated_on').isVisible(), false);
  assert.equal(await wrap(page, 'tr_children[0].date_of_birth_estimated').isVisible(), false);
  await f(page, 'tr_children[0].age').fill('8');
  await wrap(page, 'tr_children[0].age_stated_on').waitFor({ state: 'visible' });
  await f(page, 'tr_children[0].age_stated_on').fill('2025-08-15');
  await f(page, 'consent_for_tracing').selectOption('yes');
  await axeCheck(page, 'tracing request form');
  await shot(page, 'tracing-form-desktop-en');
  await page.getByRole('button', { name: 'Save tracing request' }).click();
  await page.waitForURL(HASH_RE);
  await settled(page);
  const id = page.url().match(HASH_RE)[1];
  const saved = (await api.get(`/api/v1/tracing_requests/${id}`)).json;
  assert.equal(saved.data.inq_name, 'Halima Saïd');
  assert.deepEqual(saved.data.sep_date, { value: '2025-08-15', estimated: true });
  assert.deepEqual(saved.data.tr_children,
    [{ name_first: 'سلمى', name_last: 'سعيد', sex: 'female', age: 8, age_stated_on: '2025-08-15' }]);
  assert.equal(saved.data.consent_for_tracing, 'yes');
  assert.match(await page.locator('#main h1').textContent(), /Halima Saïd/);
  const text = await page.locator('#main').textContent();
  assert.match(text, /سلمى/);
  assert.match(text, /Norvalia/);
  assert.match(text, /Open/);
  await axeCheck(page, 'tracing request view');
  await shot(page, 'tracing-view-desktop-en');

  await page.locator('#nav a[href="#/tracing_requests"]').click();
  await settled(page);
  const row = page.locator(`#main tr:has(a[href="#/tracing_requests/${id}"])`);
  await row.waitFor();
  assert.match(await row.textContent(), /Halima Saïd.*سلمى سعيد/s);
  noProblems(page);
  await page.context().close();
});

test('the tracing screens in Arabic on a phone, right to left', async () => {
  const page = await newPage(browser, PHONE);
  await signInUI(page, srv.url, 'caseworker');
  await inLanguage(page, 'ar');
  await page.locator('#nav a[href="#/tracing_requests"]').click();
  await settled(page);
  assert.equal(await page.locator('#main h1').textContent(), 'طلبات التتبّع');
  assert.equal(await page.evaluate(() => getComputedStyle(document.querySelector('#main')).direction), 'rtl');
  await noHorizontalScroll(page);
  await axeCheck(page, 'tracing list (ar, phone)');
  await shot(page, 'tracing-list-phone-ar');
  const mother = page.locator('#main a', { hasText: 'Nour Al-Khatib' });
  await mother.click();
  await settled(page);
  assert.match(await page.locator('#main').textContent(), /Aziza/);
  await noHorizontalScroll(page);
  await axeCheck(page, 'tracing view (ar, phone)');
  await shot(page, 'tracing-view-phone-ar');
  await page.goto(`${srv.url}/#/tracing_requests/new`);
  await settled(page);
  await wrap(page, 'tr_children').getByRole('button', { name: 'إضافة إدخال' }).click();
  await f(page, 'tr_children[0].name_first').fill('يوسف');
  await noHorizontalScroll(page);
  await axeCheck(page, 'tracing form (ar, phone)');
  await shot(page, 'tracing-form-phone-ar');
  noProblems(page);
  await page.context().close();
});

test('screeners, analysts and providers get no tracing link', async () => {
  for (const who of ['screener', 'analyst', 'provider']) {
    const page = await newPage(browser, PHONE);
    await signInUI(page, srv.url, who);
    assert.equal(await page.locator('#nav a[href="#/tracing_requests"]').count(), 0, who);
    noProblems(page);
    await page.context().close();
  }
  const sup = await newPage(browser, PHONE);
  await signInUI(sup, srv.url, 'supervisor');
  assert.equal(await sup.locator('#nav a[href="#/tracing_requests"]').count(), 1, 'supervisor');
  await sup.context().close();
});
