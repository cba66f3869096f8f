// Browser tests for administration and supervision: an admin creates an agency and a user
// (French locale), the user is made to choose a new password and then sees French; the admin
// resets and disables users; break-glass access to a case with a stated reason; a supervisor
// assigns a case and shares it with a colleague.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHaven, signIn, ADMIN_PASSWORD, DEMO_PASSWORD } from '../lib/haven.mjs';
import { launch, newPage, signInUI, settled, shot, noProblems } from './lib.mjs';

let srv;
let browser;
let caseId;
before(async () => {
  srv = await startHaven({ demo: true });
  browser = await launch();
  const api = await signIn(srv.url, 'caseworker');
  const r = await api.post('/api/v1/cases', { data: { name_first: 'Leila', name_last: 'Assign-Test', sex: 'female', age: 13 } });
  assert.equal(r.status, 201, r.text);
  caseId = r.json.id;
});
after(async () => { await browser?.close(); await srv?.cleanup(); });

const f = (page, name) => page.locator(`#main [name="${name}"]`);

test('an admin creates an agency and a French-speaking user, who must choose a password first', async () => {
  const page = await newPage(browser);
  await signInUI(page, srv.url, 'admin', ADMIN_PASSWORD);
  assert.equal((await page.locator('#main h1').textContent()).trim(), 'Administration');

  await page.getByRole('link', { name: 'Agencies' }).first().click();
  await settled(page);
  await f(page, 'name').fill('Refuge du Nord');
  await f(page, 'type').selectOption('shelter');
  await f(page, 'code').fill('rdn');
  await page.getByRole('button', { name: 'Create agency' }).click();
  await page.locator('#main table td', { hasText: 'Refuge du Nord' }).waitFor();
  assert.ok(await page.locator('#main table td', { hasText: 'RDN' }).count() >= 1);

  await page.goto(`${srv.url}/#/admin/users/new`);
  await settled(page);
  await f(page, 'username').fill('claire');
  await f(page, 'password').fill('initial-pass-123');
  await f(page, 'full_name').fill('Claire Dubois');
  await f(page, 'role').selectOption('caseworker');
  await f(page, 'agency_id').selectOption({ label: 'Refuge du Nord' });
  await f(page, 'locale').selectOption('fr');
  await page.getByRole('button', { name: 'Create user' }).click();
  await page.waitForURL(/#\/admin\/users\/[0-9a-f-]{36}$/);
  await settled(page);
  assert.match(await page.locator('#main h1').textContent(), /claire/);
  await shot(page, 'admin-user-edit-desktop-en');

  // The admin sets a password for her through the reset form: she must change it at sign-in.
  await f(page, 'password').fill('initial-pass-123');
  await page.getByRole('button', { name: 'Reset password' }).click();
  await page.locator('#main .form-ok', { hasText: 'Password reset' }).waitFor();
  assert.match(await page.locator('#main h1 + p').textContent(), /Must change password/);

  // A duplicate username is refused and the message is shown on the form.
  await page.goto(`${srv.url}/#/admin/users/new`);
  await settled(page);
  await f(page, 'username').fill('claire');
  await f(page, 'password').fill('initial-pass-123');
  await f(page, 'role').selectOption('caseworker');
  await f(page, 'agency_id').selectOption({ label: 'Refuge du Nord' });
  await page.getByRole('button', { name: 'Create user' }).click();
  await page.locator('#main .field-error:not([hidden]), #main .form-error:not([hidden])').first().waitFor();
  noProblems(page);
  await page.context().close();

  // Claire signs in: she must change her password first (no navigation meanwhile), then the UI speaks French.
  const p2 = await newPage(browser);
  await signInUI(p2, srv.url, 'claire', 'initial-pass-123');
  assert.equal(await p2.locator('#main [name="new_password"]').count(), 1, 'the forced password change screen');
  assert.equal(await p2.locator('#nav').isHidden(), true, 'no navigation until the password is changed');
  await f(p2, 'current_password').fill('initial-pass-123');
  await f(p2, 'new_password').fill('claire-new-pass-456');
  await f(p2, 'confirm').fill('claire-new-pass-456');
  await p2.locator('#main button[type="submit"]').click();
  await p2.locator('#nav:not([hidden])').waitFor();
  await settled(p2);
  assert.equal(await p2.evaluate(() => document.documentElement.lang), 'fr');
  assert.equal((await p2.locator('#main h1').textContent()).trim(), 'Mes dossiers');
  await shot(p2, 'caseload-desktop-fr');
  noProblems(p2);
  await p2.context().close();
});

test('an admin resets a password and disables a user', async () => {
  const admin = await signIn(srv.url, 'admin', ADMIN_PASSWORD);
  const users = (await admin.get('/api/v1/users')).json.items;
  const target = users.find((u) => u.username === 'caseworker2');
  const page = await newPage(browser);
  await signInUI(page, srv.url, 'admin', ADMIN_PASSWORD);
  await page.goto(`${srv.url}/#/admin/users/${target.id}`);
  await settled(page);
  await f(page, 'full_name').fill('Second Caseworker (edited)');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await page.locator('#main .form-ok').first().waitFor();
  await f(page, 'password').fill('reset-pass-7890');
  await page.getByRole('button', { name: 'Reset password' }).click();
  await page.locator('#main .form-ok', { hasText: 'Password reset' }).waitFor();
  page.once('dialog', (d) => d.accept());
  await page.getByRole('button', { name: 'Disable user' }).click();
  await page.getByRole('button', { name: 'Enable user' }).waitFor();
  const u = (await admin.get(`/api/v1/users/${target.id}`)).json;
  assert.equal(u.full_name, 'Second Caseworker (edited)');
  assert.equal(u.disabled, true);
  assert.equal(u.must_change_password, true);
  // The list shows the state.
  await page.goto(`${srv.url}/#/admin/users`);
  await settled(page);
  const row = page.locator('#main tr', { hasText: 'caseworker2' });
  assert.match(await row.textContent(), /Disabled/);
  noProblems(page);
  await page.context().close();
});

test('break-glass: an admin states a reason to open a case', async () => {
  const page = await newPage(browser);
  await signInUI(page, srv.url, 'admin', ADMIN_PASSWORD);
  await f(page, 'case_id').fill(caseId);
  await f(page, 'reason').fill('Police request about a missing child, ref 2026-114');
  const seen = [];
  page.on('request', (r) => { if (r.url().includes(caseId)) seen.push(r.headers()['x-access-reason']); });
  await page.getByRole('button', { name: 'Open the case' }).click();
  await page.waitForURL(new RegExp(`#/cases/${caseId}$`));
  await settled(page);
  assert.match(await page.locator('#main h1').textContent(), /Leila/);
  assert.ok(seen.length > 0 && seen.every((v) => decodeURIComponent(v) === 'Police request about a missing child, ref 2026-114'));
  // Opening another case by its URL asks for a reason first.
  await page.goto(`${srv.url}/#/cases/00000000-0000-4000-8000-000000000000`);
  await settled(page);
  assert.equal(await f(page, 'reason').count(), 1);
  noProblems(page);
  await page.context().close();
});

test('a supervisor assigns a case and shares it with a colleague', async () => {
  const page = await newPage(browser);
  await signInUI(page, srv.url, 'supervisor');
  await page.goto(`${srv.url}/#/cases/${caseId}`);
  await settled(page);
  const panel = page.locator('#main section[aria-labelledby="sec-assign"]');
  await panel.waitFor();
  await shot(page, 'case-view-supervisor-desktop-en');
  const sup = await signIn(srv.url, 'supervisor');
  const users = (await sup.get('/api/v1/users')).json.items;
  const cw = users.find((u) => u.username === 'caseworker');
  const sup1 = users.find((u) => u.username === 'supervisor');
  await panel.locator('select[name="owner_id"]').selectOption(sup1.id);
  await panel.locator(`input[name="assigned_ids"][value="${cw.id}"]`).check();
  await panel.getByRole('button', { name: 'Save assignment' }).click();
  await page.waitForFunction(() => /Assignment saved/.test(document.getElementById('status').textContent));
  const c = (await sup.get(`/api/v1/cases/${caseId}`)).json;
  assert.equal(c.owner.id, sup1.id);
  assert.deepEqual(c.assigned.map((u) => u.id), [cw.id]);
  // The caseworker still sees it in their caseload, as a shared case.
  const cwApi = await signIn(srv.url, 'caseworker');
  const mine = (await cwApi.get('/api/v1/cases?mine=1&per=100')).json.items;
  assert.ok(mine.some((x) => x.id === caseId));
  noProblems(page);
  await page.context().close();
});

test('a caseworker changes their own password and creates an API token', async () => {
  const page = await newPage(browser);
  await signInUI(page, srv.url, 'screener');
  await page.getByRole('link', { name: 'Change password' }).click();
  await settled(page);
  await f(page, 'current_password').fill(DEMO_PASSWORD);
  await f(page, 'new_password').fill('short');
  await f(page, 'confirm').fill('short');
  await page.locator('#main button[type="submit"]').click();
  await page.locator('#main [data-field="new_password"] .field-error:not([hidden])').waitFor();
  // The server's 422 for a wrong current password appears next to that field.
  await f(page, 'current_password').fill('not-my-password');
  await f(page, 'new_password').fill('screener-new-pass-1');
  await f(page, 'confirm').fill('screener-new-pass-1');
  await page.locator('#main button[type="submit"]').click();
  await page.locator('#main [data-field="current_password"] .field-error:not([hidden])').waitFor();
  assert.equal(await f(page, 'current_password').getAttribute('aria-invalid'), 'true');
  assert.equal(await page.evaluate(() => document.activeElement.name), 'current_password');
  await f(page, 'current_password').fill(DEMO_PASSWORD);
  await f(page, 'new_password').fill('screener-new-pass-1');
  await f(page, 'confirm').fill('screener-new-pass-1');
  await page.locator('#main button[type="submit"]').click();
  await page.locator('#main .form-ok').waitFor();
  await signIn(srv.url, 'screener', 'screener-new-pass-1');

  await page.getByRole('link', { name: 'API tokens' }).click();
  await settled(page);
  await f(page, 'name').fill('laptop script');
  await page.getByRole('button', { name: 'Create token' }).click();
  const token = (await page.locator('#main code.token').textContent()).trim();
  assert.ok(token.length > 16);
  const r = await fetch(`${srv.url}/api/v1/session`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(r.status, 200);
  await page.locator('#main table td', { hasText: 'laptop script' }).waitFor();
  page.once('dialog', (d) => d.accept());
  await page.getByRole('button', { name: 'Revoke' }).click();
  await page.locator('#main', { hasText: 'You have no tokens.' }).waitFor();
  noProblems(page);
  await page.context().close();
});
