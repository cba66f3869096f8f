// Browser tests for the case screens as a caseworker: create a case with an Arabic name and
// read it back, search for it (the name never appears in a URL), edit it (only what changed is
// sent), a 422 shown next to its field, a 412 when someone else changed the case, notes and
// history. The configurable forms in depth: forms.test.mjs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHaven, signIn } from '../lib/haven.mjs';
import { launch, newPage, signInUI, settled, shot, noProblems, caseHashRe } from './lib.mjs';

let srv;
let browser;
let page;
let api;
let caseId;
const requests = [];

before(async () => {
  srv = await startHaven({ demo: true });
  browser = await launch();
  api = await signIn(srv.url, 'caseworker');
  page = await newPage(browser);
  page.on('request', (r) => requests.push(r.url()));
  await signInUI(page, srv.url, 'caseworker');
});
after(async () => { await browser?.close(); await srv?.cleanup(); });

const f = (name) => page.locator(`#main [name="${name}"]`);
async function tick(name, ...codes) {
  for (const c of codes) await f(name).and(page.locator(`[value="${c}"]`)).check();
}

test('creates a case with an Arabic name and every kind of field', async () => {
  await page.getByRole('link', { name: 'New case' }).first().click();
  await settled(page);
  assert.equal((await page.locator('#main h1').textContent()).trim(), 'New case');
  await f('name_first').fill('محمد');
  await f('name_last').fill('الحسن');
  await f('name_other').fill('Mohammed\nMuhammad');
  await f('sex').selectOption('male');
  await f('age').fill('12');
  await tick('nationality', 'SYR', 'JOR');
  await tick('languages', 'ar', 'en');
  await f('location_current').fill('Reception centre 2');
  await tick('protection_concerns', 'unaccompanied', 'trafficking');
  await f('risk_level').selectOption('high');
  // Consent is recorded in the case page's Consent panel, never typed into the form.
  for (const name of ['consent_for_services', 'disclosure_other_orgs', 'consent_for_tracing']) assert.equal(await f(name).count(), 0, name);
  await shot(page, 'case-form-desktop-en');
  await page.getByRole('button', { name: 'Save case' }).click();
  await page.waitForURL(caseHashRe);
  await settled(page);
  caseId = page.url().match(/cases\/([0-9a-f-]{36})/)[1];
  const h1 = await page.locator('#main h1').textContent();
  assert.match(h1, /محمد الحسن/);

  const r = await api.get(`/api/v1/cases/${caseId}`);
  assert.equal(r.status, 200);
  const d = r.json.data;
  assert.equal(d.name_first, 'محمد');
  assert.equal(d.name_last, 'الحسن');
  assert.deepEqual(d.name_other, ['Mohammed', 'Muhammad']);
  assert.equal(d.sex, 'male');
  assert.equal(d.age, 12);
  assert.deepEqual([...d.nationality].sort(), ['JOR', 'SYR']);
  assert.deepEqual([...d.languages].sort(), ['ar', 'en']);
  assert.equal(d.risk_level, 'high');
  assert.deepEqual([...d.protection_concerns].sort(), ['trafficking', 'unaccompanied']);
  assert.equal(d.consent_for_services, undefined);
  assert.equal(d.disclosure_other_orgs, undefined);

  // The case view shows the name exactly as typed, after a full reload too.
  await page.reload();
  await settled(page);
  assert.match(await page.locator('#main').textContent(), /محمد/);
  assert.match(await page.locator('#main').textContent(), /Reception centre 2/);
  assert.match(await page.locator('#main').textContent(), /Jordan/, 'codes are read back as names');
  await shot(page, 'case-view-desktop-en');
  noProblems(page);
});

test('finds the case by its Arabic name; the name never goes into a URL', async () => {
  await page.getByRole('link', { name: 'Search' }).click();
  await settled(page);
  await f('q').fill('محمد');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  const link = page.locator(`#main a[href="#/cases/${caseId}"]`);
  await link.waitFor();
  assert.match(await link.textContent(), /محمد/);
  for (const u of [...requests, page.url()]) {
    assert.ok(!u.includes('محمد') && !u.includes(encodeURIComponent('محمد')), `name leaked into ${u}`);
  }
  // Going to a case and back keeps the search (in memory).
  await link.click();
  await page.waitForURL(caseHashRe);
  await settled(page);
  await page.goBack();
  await settled(page);
  assert.equal(await f('q').inputValue(), 'محمد');
  await page.locator(`#main a[href="#/cases/${caseId}"]`).waitFor();
  noProblems(page);
});

test('edits the case; only changed fields are sent, with If-Match', async () => {
  await page.goto(`${srv.url}/#/cases/${caseId}`);
  await settled(page);
  await page.getByRole('link', { name: 'Edit case' }).click();
  await settled(page);
  assert.equal(await f('name_first').inputValue(), 'محمد');
  assert.equal(await f('nationality').and(page.locator('[value="SYR"]')).isChecked(), true);
  assert.equal(await f('nationality').and(page.locator('[value="JOR"]')).isChecked(), true);
  const sent = [];
  const listener = (req) => { if (req.method() === 'PATCH') sent.push({ body: req.postDataJSON(), headers: req.headers() }); };
  page.on('request', listener);
  await f('location_current').fill('Foster family, Amman');
  await f('risk_level').selectOption('medium');
  await page.getByRole('button', { name: 'Save case' }).click();
  await page.waitForURL(caseHashRe);
  await settled(page);
  page.off('request', listener);
  assert.equal(sent.length, 1);
  assert.deepEqual(sent[0].body, { data: { location_current: 'Foster family, Amman', risk_level: 'medium' } });
  assert.match(sent[0].headers['if-match'], /^"\d+"$/);
  assert.match(await page.locator('#main').textContent(), /Foster family, Amman/);
  const r = await api.get(`/api/v1/cases/${caseId}`);
  assert.equal(r.json.data.risk_level, 'medium');
  assert.equal(r.json.data.name_first, 'محمد');
  noProblems(page);
});

test('a validation error is shown next to its field', async () => {
  await page.goto(`${srv.url}/#/cases/${caseId}/edit`);
  await settled(page);
  await f('date_of_birth').fill('2099-01-01');
  await page.getByRole('button', { name: 'Save case' }).click();
  const err = page.locator('#main [data-field="date_of_birth"] .field-error');
  await err.waitFor({ state: 'visible' });
  assert.match(await err.textContent(), /future/);
  assert.doesNotMatch(await err.textContent(), /date_of_birth:/, 'the field name prefix is dropped next to the field');
  assert.equal(await f('date_of_birth').getAttribute('aria-invalid'), 'true');
  const describedBy = await f('date_of_birth').getAttribute('aria-describedby');
  assert.ok(describedBy.includes(await err.getAttribute('id')), 'the error is tied to the input');
  // The rest of the form is untouched and still on screen.
  assert.equal(await f('name_first').inputValue(), 'محمد');
  await shot(page, 'case-form-error-desktop-en');
  noProblems(page);
});

test('a stale edit (412) says someone else changed the case and offers a reload', async () => {
  await page.goto(`${srv.url}/#/cases/${caseId}`);
  await settled(page);
  await page.getByRole('link', { name: 'Edit case' }).click();
  await settled(page);
  const cur = await api.get(`/api/v1/cases/${caseId}`);
  const r = await api.patch(`/api/v1/cases/${caseId}`, { data: { location_current: 'Changed elsewhere' } },
    { 'if-match': `"${cur.json.version}"` });
  assert.equal(r.status, 200);
  await tick('languages', 'fr');
  await page.getByRole('button', { name: 'Save case' }).click();
  const box = page.locator('#main .form-error');
  await box.waitFor({ state: 'visible' });
  assert.match(await box.textContent(), /Someone else changed this record/);
  assert.doesNotMatch(await box.textContent(), /\bnull\b/);
  await page.getByRole('button', { name: 'Reload the latest version' }).click();
  await page.waitForFunction(() => document.querySelector('#main [name="location_current"]')?.value === 'Changed elsewhere');
  noProblems(page);
});

test('adds a dated note and shows the change history', async () => {
  await page.goto(`${srv.url}/#/cases/${caseId}`);
  await settled(page);
  await f('date').fill('2026-01-15');
  await f('text').fill('Met the child at the centre. ملاحظة');
  await page.getByRole('button', { name: 'Add note' }).click();
  const note = page.locator('#main .notes .note').first();
  await note.waitFor();
  assert.match(await note.textContent(), /Met the child at the centre\. ملاحظة/);
  const notes = await api.get(`/api/v1/cases/${caseId}/notes`);
  assert.equal(notes.json.items[0].date, '2026-01-15');
  await page.reload();
  await settled(page);
  const history = page.locator('#main section[aria-labelledby="sec-history"] .history');
  await history.waitFor();
  const text = await history.textContent();
  assert.match(text, /Created/);
  assert.match(text, /Updated/);
  assert.match(text, /Risk level: High →\s+changed to Medium/);
  await shot(page, 'case-view-notes-desktop-en');
  noProblems(page);
});

test('the case list filters by risk level', async () => {
  await page.getByRole('link', { name: 'All cases' }).click();
  await settled(page);
  await f('risk_level').selectOption('medium');
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await page.waitForURL(/risk_level=medium/);
  await settled(page);
  await page.locator(`#main a[href="#/cases/${caseId}"]`).waitFor();
  const badges = await page.locator('#main .badge[class*="risk-"]').allTextContents();
  assert.ok(badges.length > 0 && badges.every((b) => b === 'Medium'), `only medium-risk cases: ${badges}`);
  noProblems(page);
});

test('the caseload pages through more than one page of cases', async () => {
  await page.getByRole('link', { name: 'My caseload' }).click();
  await settled(page);
  const next = page.getByRole('button', { name: 'Next page' });
  if (await next.count() === 0) {
    // Fewer than 21 cases: make enough so that a second page exists.
    for (let i = 0; i < 21; i++) await api.post('/api/v1/cases', { data: { name_first: `Pager${i}` } });
    await page.reload();
    await settled(page);
  }
  const info = await page.locator('#main .pager-info').textContent();
  assert.match(info, /Page 1 of \d+/);
  await next.click();
  await page.waitForURL(/#\/\?page=2$/);
  await settled(page);
  assert.match(await page.locator('#main .pager-info').textContent(), /Page 2 of/);
  assert.ok(await page.locator('#main table tbody tr').count() > 0);
  assert.equal(await page.getByRole('button', { name: 'Previous page' }).isEnabled(), true);
  noProblems(page);
});
