// Browser tests: axe-core finds no serious or critical accessibility violations on the main
// screens (sign-in, caseload, case form, case view, search, families, incidents, tracing
// requests, admin users and agencies; forms.test.mjs checks the form editor in French and Arabic
// on a phone), and the page has the landmarks, skip link and live region a keyboard or
// screen-reader user relies on.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHaven, signIn } from '../lib/haven.mjs';
import { launch, newPage, signInUI, settled, axeCheck, noProblems, PHONE } from './lib.mjs';

let srv;
let browser;
let caseId;
before(async () => {
  srv = await startHaven({ demo: true });
  browser = await launch();
  const api = await signIn(srv.url, 'caseworker');
  const r = await api.post('/api/v1/cases', { data: { name_first: 'Yusuf', name_last: 'Axe', sex: 'male', age: 10, risk_level: 'low' } });
  assert.equal(r.status, 201, r.text);
  caseId = r.json.id;
  await api.post(`/api/v1/cases/${caseId}/notes`, { text: 'A note for the accessibility check.' });
  const cur = await api.get(`/api/v1/cases/${caseId}`);
  await api.patch(`/api/v1/cases/${caseId}`, { data: { risk_level: 'medium' } }, { 'if-match': `"${cur.json.version}"` });
});
after(async () => { await browser?.close(); await srv?.cleanup(); });

test('sign-in page: landmarks, skip link, live region, no serious axe findings (en and ar)', async () => {
  const page = await newPage(browser);
  await page.goto(`${srv.url}/`);
  await page.locator('#signin-username').waitFor();
  assert.equal(await page.locator('header').count(), 1);
  assert.equal(await page.locator('main').count(), 1);
  assert.equal(await page.locator('[aria-live]').count() >= 1, true);
  assert.equal(await page.locator('a.skip-link').count(), 1);
  await axeCheck(page, 'sign-in (en)');
  await page.selectOption('#lang-signin', 'ar');
  await page.waitForFunction(() => document.documentElement.dir === 'rtl');
  await axeCheck(page, 'sign-in (ar)');
  noProblems(page);
  await page.context().close();
});

test('caseworker screens have no serious axe findings', async () => {
  const page = await newPage(browser);
  await signInUI(page, srv.url, 'caseworker');
  await axeCheck(page, 'caseload');
  for (const [label, path] of [
    ['case list', '/#/cases'], ['search', '/#/search'], ['new case form', '/#/cases/new'],
    ['case view', `/#/cases/${caseId}`], ['case edit form', `/#/cases/${caseId}/edit`],
    ['change password', '/#/account/password'], ['tokens', '/#/account/tokens'],
    ['families', '/#/families'], ['new family form', '/#/families/new'],
    ['incidents', '/#/incidents'], ['new incident form', '/#/incidents/new'],
    ['tracing requests', '/#/tracing_requests'], ['new tracing request form', '/#/tracing_requests/new'],
  ]) {
    await page.goto(`${srv.url}${path}`);
    await settled(page);
    await axeCheck(page, label);
  }
  // A form showing field errors.
  await page.goto(`${srv.url}/#/cases/${caseId}/edit`);
  await settled(page);
  await page.locator('#main [name="date_of_birth"]').fill('2099-01-01');
  await page.locator('#main button[type="submit"]').click();
  await page.locator('#main .field-error:not([hidden])').first().waitFor();
  await axeCheck(page, 'case form with errors');
  noProblems(page);
  await page.context().close();
});

test('supervisor case view (assignment panel) and phone layout have no serious axe findings', async () => {
  const page = await newPage(browser, PHONE);
  await signInUI(page, srv.url, 'supervisor');
  await page.goto(`${srv.url}/#/cases/${caseId}`);
  await settled(page);
  await axeCheck(page, 'supervisor case view (phone)');
  noProblems(page);
  await page.context().close();
});

test('admin screens have no serious axe findings', async () => {
  const page = await newPage(browser);
  await signInUI(page, srv.url, 'admin', 'admin-password-1');
  await axeCheck(page, 'admin home');
  await page.goto(`${srv.url}/#/admin/users`);
  await settled(page);
  await axeCheck(page, 'admin users');
  const firstUser = await page.locator('#main table a').first().getAttribute('href');
  await page.goto(`${srv.url}/${firstUser}`);
  await settled(page);
  await axeCheck(page, 'admin user edit');
  for (const [label, path] of [['new user', '/#/admin/users/new'], ['agencies', '/#/admin/agencies'], ['break-glass', `/#/cases/${caseId}`]]) {
    await page.goto(`${srv.url}${path}`);
    await settled(page);
    await axeCheck(page, label);
  }
  noProblems(page);
  await page.context().close();
});
