// Browser tests for the audit trail: a supervisor sees an administrator's break-glass read of a
// child's case, with its reason, when filtering for break-glass access; a caseworker has no audit
// entry in the navigation; the page has no serious axe findings and fits a 360-px phone in
// English and Arabic.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHaven, signIn, ADMIN_PASSWORD } from '../lib/haven.mjs';
import { launch, newPage, signInUI, settled, shot, axeCheck, noProblems, noHorizontalScroll, PHONE, DESKTOP } from './lib.mjs';

const REASON = 'Police request about a missing child, ref 2026-207 — طلب من الشرطة';
let srv;
let browser;
let caseId;
before(async () => {
  srv = await startHaven({ demo: true });
  browser = await launch();
  const cw = await signIn(srv.url, 'caseworker');
  const r = await cw.post('/api/v1/cases', { data: { name_first: 'Amina', name_last: 'Audit-Test', sex: 'female', age: 12 } });
  assert.equal(r.status, 201, r.text);
  caseId = r.json.id;
  await cw.get('/api/v1/cases?per=100'); // a list entry naming many records
  // The administrator opens the case in an emergency, stating why (percent-encoded UTF-8).
  const admin = await signIn(srv.url, 'admin', ADMIN_PASSWORD);
  const read = await admin.get(`/api/v1/cases/${caseId}`, { 'x-access-reason': encodeURIComponent(REASON) });
  assert.equal(read.status, 200, read.text);
});
after(async () => { await browser?.close(); await srv?.cleanup(); });

const auditLink = (page) => page.locator('#nav a[href="#/audit"]');

test('a supervisor sees an administrator\'s break-glass read, with its reason, filtering by keyboard', async () => {
  const page = await newPage(browser, DESKTOP);
  await signInUI(page, srv.url, 'supervisor');
  assert.equal(await auditLink(page).count(), 1, 'supervisors have the audit nav entry');
  await auditLink(page).click();
  await settled(page);
  assert.equal((await page.locator('#main h1').textContent()).trim(), 'Audit trail');
  assert.match(await page.locator('#main h1 + p').textContent(), /break-glass/);

  // Keyboard only: tick "Break-glass access only" and apply.
  const box = page.getByLabel('Break-glass access only');
  await box.focus();
  await page.keyboard.press('Space');
  assert.equal(await box.isChecked(), true);
  assert.equal(await page.locator('#main select[name="action"]').inputValue(), 'case.read.break_glass');
  await page.getByRole('button', { name: 'Apply filters' }).focus();
  await page.keyboard.press('Enter');
  await page.waitForURL(/#\/audit\?action=case\.read\.break_glass$/);
  await settled(page);
  assert.equal(await page.getByLabel('Break-glass access only').isChecked(), true, 'the filter survives the reload');

  const rows = page.locator('#main table tbody tr');
  assert.ok(await rows.count() >= 1);
  // Every listed entry is a break-glass one, and ours is there with its reason.
  assert.equal(await rows.count(), await page.locator('#main table tbody tr.row-breakglass').count());
  const row = rows.filter({ hasText: REASON });
  assert.equal(await row.count(), 1, 'the break-glass row with its reason');
  assert.match(await row.textContent(), /admin/);
  assert.match(await row.textContent(), /Case opened in an emergency/);
  assert.equal(await row.locator('.badge-breakglass').textContent(), 'Break-glass');
  // The supervisor can open the case the administrator read.
  const link = row.locator(`a[href="#/cases/${caseId}"]`);
  assert.equal(await link.count(), 1);
  await shot(page, 'audit-desktop-en');
  await link.focus();
  await page.keyboard.press('Enter');
  await page.waitForURL(new RegExp(`#/cases/${caseId}$`));
  await settled(page);
  assert.match(await page.locator('#main h1').textContent(), /Amina/);
  noProblems(page);
  await page.context().close();
});

test('the audit filters: record id and date go in the URL, bad values are refused on the form', async () => {
  const page = await newPage(browser, DESKTOP);
  await signInUI(page, srv.url, 'supervisor');
  await page.goto(`${srv.url}/#/audit`);
  await settled(page);
  // Unfiltered, a list entry naming many records folds the extra ids away.
  assert.ok(await page.locator('#main details.more-ids').count() >= 1);
  await shot(page, 'audit-list-desktop-en');
  await page.locator('#main [name="record_id"]').fill('not-an-id');
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await page.locator('#main [data-field="record_id"] .field-error:not([hidden])').waitFor();
  assert.equal(await page.evaluate(() => document.activeElement.name), 'record_id');
  await page.locator('#main [name="record_id"]').fill(caseId.toUpperCase());
  await page.locator('#main [name="since"]').fill('2000-01-01');
  await page.locator('#main [name="action"]').selectOption('case.create');
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await page.waitForURL(new RegExp(`#/audit\\?action=case\\.create&since=2000-01-01&record_id=${caseId}$`));
  await settled(page);
  const rows = page.locator('#main table tbody tr');
  assert.equal(await rows.count(), 1);
  assert.match(await rows.first().textContent(), /Case registered/);
  assert.match(await rows.first().textContent(), /caseworker/);
  assert.equal(await page.getByLabel('Break-glass access only').isChecked(), false);
  noProblems(page);
  await page.context().close();
});

test('an administrator sees the record ids as text (opening one would need break-glass)', async () => {
  const page = await newPage(browser, DESKTOP);
  await signInUI(page, srv.url, 'admin', ADMIN_PASSWORD);
  assert.equal(await auditLink(page).count(), 1, 'administrators have the audit nav entry');
  await page.goto(`${srv.url}/#/audit?action=case.read.break_glass`);
  await settled(page);
  const row = page.locator('#main table tbody tr', { hasText: REASON });
  assert.equal(await row.count(), 1);
  assert.equal(await row.locator('a').count(), 0);
  assert.match(await row.textContent(), new RegExp(caseId));
  await axeCheck(page, 'audit (admin)');
  noProblems(page);
  await page.context().close();
});

test('a caseworker has no audit trail entry in the navigation', async () => {
  const page = await newPage(browser, DESKTOP);
  await signInUI(page, srv.url, 'caseworker');
  assert.ok(await page.locator('#nav a').count() > 0);
  assert.equal(await auditLink(page).count(), 0);
  // Typing the address shows a refusal, not entries.
  await page.goto(`${srv.url}/#/audit`);
  await settled(page);
  assert.equal(await page.locator('#main table').count(), 0);
  await page.locator('#main .notice-error').waitFor();
  noProblems(page);
  await page.context().close();
});

test('the audit page has no serious axe findings (unfiltered and break-glass only, en and ar)', async () => {
  const page = await newPage(browser, DESKTOP);
  await signInUI(page, srv.url, 'supervisor');
  for (const path of ['/#/audit', '/#/audit?action=case.read.break_glass']) {
    await page.goto(`${srv.url}${path}`);
    await settled(page);
    await axeCheck(page, `audit ${path}`);
  }
  await page.selectOption('#lang-header', 'ar');
  await page.waitForFunction(() => document.documentElement.dir === 'rtl');
  await settled(page);
  await axeCheck(page, 'audit (ar)');
  noProblems(page);
  await page.context().close();
});

for (const lang of ['en', 'ar']) {
  test(`the audit page fits a 360-px phone (${lang})`, async () => {
    const page = await newPage(browser, PHONE);
    await signInUI(page, srv.url, 'supervisor');
    if (lang === 'ar') {
      await page.selectOption('#lang-header', 'ar');
      await page.waitForFunction(() => document.documentElement.dir === 'rtl');
      await settled(page);
    }
    await page.goto(`${srv.url}/#/audit`);
    await settled(page);
    await noHorizontalScroll(page);
    await page.locator('#main details.more-ids summary').first().click();
    await noHorizontalScroll(page);
    await shot(page, `audit-list-phone-${lang}`);
    await page.goto(`${srv.url}/#/audit?action=case.read.break_glass`);
    await settled(page);
    assert.ok(await page.locator('#main tr.row-breakglass').count() >= 1);
    if (lang === 'ar') {
      assert.equal((await page.locator('#main h1').textContent()).trim(), 'سجل التدقيق');
      assert.equal(await page.locator('#main .badge-breakglass').first().textContent(), 'كسر الزجاج');
    }
    await noHorizontalScroll(page);
    await shot(page, `audit-phone-${lang}`);
    noProblems(page);
    await page.context().close();
  });
}
