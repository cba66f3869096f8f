// Browser tests for layout: Arabic mirrors the page (dir=rtl, the navigation on the right), and
// every main screen fits a 360-px phone without horizontal scrolling, in English and Arabic.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHaven, signIn } from '../lib/haven.mjs';
import { launch, newPage, signInUI, settled, shot, noProblems, noHorizontalScroll, inLanguage, PHONE, DESKTOP } from './lib.mjs';

let srv;
let browser;
let caseId;
before(async () => {
  srv = await startHaven({ demo: true });
  browser = await launch();
  const api = await signIn(srv.url, 'caseworker');
  const r = await api.post('/api/v1/cases', { data: {
    name_first: 'Mariam', name_last: 'Abdelrahman-Oyelaran-Featherstonehaugh', name_other: ['مريم', 'Miriam'],
    sex: 'female', age: 15, nationality: ['SDN', 'ERI'], languages: ['ar', 'ti', 'en'],
    location_current: 'Transit centre on the northern road, block C, room 14', location_area: 'XD010101',
    protection_concerns: ['unaccompanied', 'trafficking', 'child_labour'], risk_level: 'high',
  } });
  assert.equal(r.status, 201, r.text);
  caseId = r.json.id;
  const c = await api.post(`/api/v1/cases/${caseId}/consents`, { giver: 'child', decision: 'given', method: 'verbal',
    purposes: ['services', 'tracing'], giver_name: 'Mariam', note: 'Assent given with a Tigrinya interpreter present.' });
  assert.equal(c.status, 201, c.text);
  await api.post(`/api/v1/cases/${caseId}/notes`, { text: 'First contact at the transit centre; needs an interpreter for Tigre.' });
});
after(async () => { await browser?.close(); await srv?.cleanup(); });

test('Arabic mirrors the layout: rtl direction and the navigation on the right', async () => {
  const page = await newPage(browser, DESKTOP);
  await signInUI(page, srv.url, 'caseworker');
  const navEn = await page.locator('#nav').boundingBox();
  const mainEn = await page.locator('#main').boundingBox();
  assert.ok(navEn.x < mainEn.x, 'in English the navigation is on the left');
  await shot(page, 'caseload-desktop-en');

  await inLanguage(page, 'ar');
  assert.equal(await page.evaluate(() => getComputedStyle(document.body).direction), 'rtl');
  assert.equal(await page.evaluate(() => getComputedStyle(document.querySelector('#main')).direction), 'rtl');
  const nav = await page.locator('#nav').boundingBox();
  const main = await page.locator('#main').boundingBox();
  assert.ok(nav.x > main.x, 'in Arabic the navigation is on the right');
  assert.ok(nav.x + nav.width >= DESKTOP.width - 2, 'the navigation touches the right edge');
  assert.equal((await page.locator('#main h1').textContent()).trim(), 'حالاتي');
  // Headings and table cells start at the right.
  assert.equal(await page.evaluate(() => getComputedStyle(document.querySelector('#main h1')).textAlign), 'start');
  const h1 = await page.locator('#main h1').boundingBox();
  assert.ok(h1.x + h1.width > main.x + main.width - 80, 'the heading hugs the right side of main');
  await shot(page, 'caseload-desktop-ar');

  await page.goto(`${srv.url}/#/cases/${caseId}`);
  await settled(page);
  assert.equal(await page.evaluate(() => document.documentElement.dir), 'rtl');
  await shot(page, 'case-view-desktop-ar');
  await page.goto(`${srv.url}/#/cases/${caseId}/edit`);
  await settled(page);
  const label = await page.locator('#main [data-field="name_first"] label').boundingBox();
  const input = await page.locator('#main input[name="name_first"]').boundingBox();
  assert.ok(label.x + label.width >= input.x + input.width - 2, 'labels start at the right edge of their input');
  await shot(page, 'case-form-desktop-ar');
  noProblems(page);
  await page.context().close();
});

const screens = () => [
  ['caseload', '/#/'],
  ['cases', '/#/cases'],
  ['search', '/#/search'],
  ['case-form', '/#/cases/new'],
  ['case-view', `/#/cases/${caseId}`],
  ['case-edit', `/#/cases/${caseId}/edit`],
  ['families', '/#/families'],
  ['family-form', '/#/families/new'],
  ['incidents', '/#/incidents'],
  ['incident-form', '/#/incidents/new'],
  ['tracing-requests', '/#/tracing_requests'],
  ['tracing-form', '/#/tracing_requests/new'],
  ['referrals', '/#/referrals'],
  ['services', '/#/services'],
  ['password', '/#/account/password'],
  ['tokens', '/#/account/tokens'],
];

for (const lang of ['en', 'ar']) {
  test(`every screen fits a 360-px phone (${lang})`, async () => {
    const page = await newPage(browser, PHONE);
    await signInUI(page, srv.url, 'caseworker');
    if (lang === 'ar') await inLanguage(page, 'ar');
    for (const [name, path] of screens()) {
      await page.goto(`${srv.url}${path}`);
      await settled(page);
      await noHorizontalScroll(page);
      if (['caseload', 'case-form', 'case-view', 'services'].includes(name)) await shot(page, `${name}-phone-${lang}`);
    }
    // The search results table, reflowed into cards.
    await page.goto(`${srv.url}/#/search`);
    await settled(page);
    await page.locator('#main [name="q"]').fill('Mariam');
    await page.locator('#main button[type="submit"]').click();
    await page.locator(`#main a[href="#/cases/${caseId}"]`).waitFor();
    await noHorizontalScroll(page);
    await shot(page, `search-phone-${lang}`);
    noProblems(page);
    await page.context().close();
  });
}

test('admin screens fit a 360-px phone', async () => {
  const page = await newPage(browser, PHONE);
  await signInUI(page, srv.url, 'admin', 'admin-password-1');
  for (const [name, path] of [['admin-home', '/#/'], ['users', '/#/admin/users'], ['user-new', '/#/admin/users/new'], ['agencies', '/#/admin/agencies']]) {
    await page.goto(`${srv.url}${path}`);
    await settled(page);
    await noHorizontalScroll(page);
    await shot(page, `${name}-phone-en`);
  }
  noProblems(page);
  await page.context().close();
});
