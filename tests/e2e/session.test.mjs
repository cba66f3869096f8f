// Browser test: a session that expires while a form is being filled loses nothing. The clock
// is moved past the 30-minute idle timeout, the form is submitted, the in-place sign-in dialog
// appears over the untouched form, and after signing in the very same save goes through.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHaven, signIn, advanceClock, DEMO_PASSWORD } from '../lib/haven.mjs';
import { launch, newPage, signInUI, settled, shot, noProblems, caseHashRe, axeCheck } from './lib.mjs';

let srv;
let browser;
before(async () => { srv = await startHaven({ demo: true }); browser = await launch(); });
after(async () => { await browser?.close(); await srv?.cleanup(); });

test('an expired session mid-form: sign in again in place and the case is saved as typed', async () => {
  const page = await newPage(browser);
  await signInUI(page, srv.url, 'caseworker');
  await page.goto(`${srv.url}/#/cases/new`);
  await settled(page);
  const f = (name) => page.locator(`#main [name="${name}"]`);
  await f('name_first').fill('Amina');
  await f('name_last').fill('Session-Test');
  await f('sex').selectOption('female');
  await f('age').fill('9');
  await f('languages').and(page.locator('[value="ti"]')).check();
  await f('languages').and(page.locator('[value="ar"]')).check();
  await f('risk_level').selectOption('high');

  await advanceClock(srv.url, 31 * 60);
  await page.getByRole('button', { name: 'Save case' }).click();

  const dialog = page.locator('dialog#reauth');
  await dialog.waitFor({ state: 'visible' });
  assert.equal(await page.evaluate(() => document.querySelector('dialog#reauth').matches(':modal')), true);
  // The form under the dialog is exactly as typed, and the user name is already filled in.
  assert.equal(await f('name_first').inputValue(), 'Amina');
  assert.equal(await f('languages').and(page.locator('[value="ti"]')).isChecked(), true);
  assert.equal(await page.locator('#reauth-username').inputValue(), 'caseworker');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'reauth-password');
  await shot(page, 'reauth-dialog-desktop-en');
  await axeCheck(page, 're-sign-in dialog');
  // Escape does not throw the dialog (and the user's work) away.
  await page.keyboard.press('Escape');
  assert.equal(await dialog.isVisible(), true);
  // A wrong password keeps the dialog open with an error.
  await page.locator('#reauth-password').fill('wrong-password');
  await page.locator('#reauth-password').press('Enter');
  await dialog.locator('[role="alert"]').waitFor();
  await page.locator('#reauth-password').fill(DEMO_PASSWORD);
  await page.locator('#reauth-password').press('Enter');

  await page.waitForURL(caseHashRe);
  await settled(page);
  assert.equal(await dialog.count(), 0);
  const id = page.url().match(/cases\/([0-9a-f-]{36})/)[1];
  const api = await signIn(srv.url, 'caseworker');
  const r = await api.get(`/api/v1/cases/${id}`);
  assert.equal(r.status, 200);
  assert.equal(r.json.data.name_first, 'Amina');
  assert.equal(r.json.data.name_last, 'Session-Test');
  assert.equal(r.json.data.sex, 'female');
  assert.equal(r.json.data.age, 9);
  assert.deepEqual([...r.json.data.languages].sort(), ['ar', 'ti']);
  assert.equal(r.json.data.risk_level, 'high');
  // Exactly one such case: the retried request did not create a duplicate.
  const s = await api.post('/api/v1/cases/search', { q: 'Session-Test' });
  assert.equal(s.json.items.filter((c) => c.data.name_last === 'Session-Test').length, 1);
  noProblems(page);
  // Nothing about the child is kept in web storage.
  const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }));
  assert.ok(!stored.includes('Amina'), `web storage holds case data: ${stored}`);
  await page.context().close();
});

test('an expired session while reading: the list reloads after signing in again', async () => {
  const page = await newPage(browser);
  await signInUI(page, srv.url, 'supervisor');
  await advanceClock(srv.url, 31 * 60);
  await page.getByRole('link', { name: 'All cases' }).click();
  await page.locator('dialog#reauth').waitFor({ state: 'visible' });
  await page.locator('#reauth-password').fill(DEMO_PASSWORD);
  await page.locator('#reauth-password').press('Enter');
  await page.locator('dialog#reauth').waitFor({ state: 'detached' });
  await settled(page);
  assert.equal((await page.locator('#main h1').textContent()).trim(), 'All cases');
  assert.ok(await page.locator('#main table a').count() > 0, 'demo cases are listed');
  noProblems(page);
  await page.context().close();
});
