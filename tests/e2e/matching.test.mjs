// Browser tests for record linkage (docs/linkage.md, web/matching.js): the duplicate warning a
// caseworker meets when registering a child who is already on record (go back, then save
// anyway; a child with unique details saves with no warning; another agency's caseworker is
// told only which agency to contact); the possible matches of the demo tracing request, the
// review screen (both records side by side, the explanation, confirm and "not this child", the
// case's reunification tasks); the case's Tracing panel; the review in Arabic on a phone.
// Screenshots in tests/e2e/screenshots/matching-*.png. All names are invented.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHaven, signIn } from '../lib/haven.mjs';
import { adminClient, createAgency, userClient } from '../api/fixtures.mjs';
import {
  launch, newPage, signInUI, settled, shot, noProblems, noHorizontalScroll, axeCheck, inLanguage, caseHashRe, PHONE, DESKTOP,
} from './lib.mjs';

let srv;
let browser;
let api;
let aziza;      // demo case 22, "Aziza الحسن", consent to tracing on record
let request;    // the demo tracing request of Nour Al-Khatib, seeking Aziza (child 0) and Omar (child 1)
before(async () => {
  srv = await startHaven({ demo: true });
  browser = await launch();
  api = await signIn(srv.url, 'caseworker');
  const found = (await api.post('/api/v1/cases/search', { q: 'Aziza', per: 100 })).json.items;
  aziza = found.find((c) => c.data.name_last === 'الحسن');
  assert.ok(aziza, 'the demo has Aziza الحسن');
  request = (await api.get('/api/v1/tracing_requests')).json.items.find((x) => x.data.inq_name === 'Nour Al-Khatib');
  assert.ok(request, 'the demo has the mother\'s tracing request');
});
after(async () => { await browser?.close(); await srv?.cleanup(); });

const f = (page, name) => page.locator(`#main [name="${name}"]`);
// The words the UI gives a candidate's probability (web/matching.js).
const words = (x) => (x.probability >= 0.95 ? 'Very likely the same child' : x.likely ? 'Likely the same child' : 'Possibly the same child');
const requestMatch = async () => (await api.get(`/api/v1/tracing_requests/${request.id}/matches`)).json.children[0].matches
  .find((m) => m.id === aziza.id);
const warning = (page) => page.locator('#dup-warning');
const REVIEW_RE = /#\/tracing_requests\/[0-9a-f-]{36}\/match\/0\/[0-9a-f-]{36}$/;

async function startRegistering(page, { first, last, sex, age }) {
  await page.goto(`${page.url().split('#')[0]}#/cases/new`);
  await settled(page);
  await f(page, 'name_first').fill(first);
  await f(page, 'name_last').fill(last);
  await f(page, 'sex').selectOption(sex);
  await f(page, 'age').fill(String(age));
}

// What the page keeps in web storage: the interface language only, never a draft.
async function storage(page) {
  return page.evaluate(() => JSON.stringify([{ ...localStorage }, { ...sessionStorage }]));
}

test('registering a child already on record: the warning names the case; go back, then save anyway', async () => {
  const page = await newPage(browser, DESKTOP);
  const checks = [];
  page.on('request', (r) => { if (r.url().endsWith('/api/v1/cases/duplicates')) checks.push(r.postDataJSON()); });
  await signInUI(page, srv.url, 'caseworker');
  await startRegistering(page, { first: 'Aziza', last: 'الحسن', sex: 'female', age: 16 });
  await page.getByRole('button', { name: 'Save case' }).click();
  await warning(page).waitFor();
  assert.equal(checks.length, 1);
  assert.deepEqual(checks[0].data, { name_first: 'Aziza', name_last: 'الحسن', sex: 'female', age: 16 }, 'the draft is what is checked');
  assert.equal(await warning(page).locator('h2').textContent(), 'This child may already be registered');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'dup-warning-h', 'the warning takes the focus');
  // The existing case: its display id and name, opening in a new tab so the draft is not lost.
  const link = warning(page).locator(`a[href="#/cases/${aziza.id}"]`);
  assert.equal(await link.count(), 1);
  assert.equal(await link.getAttribute('target'), '_blank');
  assert.match(await link.textContent(), new RegExp(`${aziza.display_id}\\s*Aziza الحسن`));
  const item = warning(page).locator('li', { has: page.locator(`a[href="#/cases/${aziza.id}"]`) });
  const best = (await api.post('/api/v1/cases/duplicates', { data: checks[0].data })).json.items.find((x) => x.id === aziza.id);
  assert.ok(best.likely, 'the API says likely');
  assert.match(await item.textContent(), new RegExp(words(best)));
  assert.match(await item.textContent(), /Why:.*First name — the same/);
  assert.match(await item.textContent(), /Last name — the same/);
  assert.equal(await warning(page).getByRole('button', { name: 'Save anyway' }).count(), 1);
  assert.equal(page.url().endsWith('#/cases/new'), true, 'nothing was saved');
  await axeCheck(page, 'duplicate warning');
  await shot(page, 'matching-duplicate-warning-desktop-en');

  // Go back: the form as typed, the warning gone.
  await warning(page).getByRole('button', { name: 'Go back' }).click();
  assert.equal(await warning(page).count(), 0);
  assert.equal(await f(page, 'name_first').inputValue(), 'Aziza');
  assert.equal(await page.evaluate(() => !!document.activeElement.closest('form')), true, 'the focus is back in the form');

  // Saving again checks again; Save anyway registers the child.
  await page.getByRole('button', { name: 'Save case' }).click();
  await warning(page).waitFor();
  assert.equal(checks.length, 2);
  assert.ok(!(await storage(page)).includes('Aziza'), 'the draft is never in web storage');
  await warning(page).getByRole('button', { name: 'Save anyway' }).click();
  await page.waitForURL(caseHashRe);
  await settled(page);
  const id = page.url().match(/cases\/([0-9a-f-]{36})/)[1];
  assert.notEqual(id, aziza.id);
  const saved = (await api.get(`/api/v1/cases/${id}`)).json.data;
  assert.equal(saved.name_first, 'Aziza');
  assert.equal(saved.name_last, 'الحسن');
  assert.equal(checks.length, 2, 'save anyway does not check a third time');
  noProblems(page);
  await page.context().close();
});

test('a child with unique details is saved with no warning', async () => {
  const page = await newPage(browser, DESKTOP);
  let checked = 0;
  page.on('request', (r) => { if (r.url().endsWith('/api/v1/cases/duplicates')) checked += 1; });
  await signInUI(page, srv.url, 'caseworker');
  await startRegistering(page, { first: 'Quillon', last: 'Vartebrix', sex: 'male', age: 7 });
  await page.getByRole('button', { name: 'Save case' }).click();
  await page.waitForURL(caseHashRe);
  await settled(page);
  assert.equal(checked, 1, 'the draft was checked first');
  assert.equal(await warning(page).count(), 0);
  assert.match(await page.locator('#main h1').textContent(), /Quillon Vartebrix/);
  noProblems(page);
  await page.context().close();
});

test('when the check cannot be done (429), the caseworker is told so and may still save', async () => {
  const page = await newPage(browser, DESKTOP);
  await page.route('**/api/v1/cases/duplicates', (route) => route.fulfill({
    status: 429, headers: { 'content-type': 'application/json', 'retry-after': '60' },
    body: JSON.stringify({ error: { code: 'rate_limited', message: 'too many duplicate checks; try again in a minute' } }),
  }));
  await signInUI(page, srv.url, 'caseworker');
  await startRegistering(page, { first: 'Ilse', last: 'Moravcova', sex: 'female', age: 5 });
  await page.getByRole('button', { name: 'Save case' }).click();
  await warning(page).waitFor();
  assert.equal(await warning(page).locator('h2').textContent(), 'The check for an existing registration could not be done');
  assert.match(await warning(page).textContent(), /Too many requests/);
  assert.equal(page.url().endsWith('#/cases/new'), true, 'not saved behind the person\'s back');
  await axeCheck(page, 'duplicate check unavailable');
  await warning(page).getByRole('button', { name: 'Save anyway' }).click();
  await page.waitForURL(caseHashRe);
  await settled(page);
  assert.match(await page.locator('#main h1').textContent(), /Ilse Moravcova/);
  noProblems(page);
  await page.context().close();
});

test('another agency\'s caseworker is told only which agency to contact', async () => {
  const admin = await adminClient(srv.url);
  const agency = await createAgency(admin, { type: 'ngo' });
  const other = await userClient(srv.url, admin, { role: 'caseworker', agency_id: agency.id });
  const page = await newPage(browser, DESKTOP);
  await signInUI(page, srv.url, other.user.username, other.password);
  await startRegistering(page, { first: 'Aziza', last: 'الحسن', sex: 'female', age: 16 });
  await page.getByRole('button', { name: 'Save case' }).click();
  await warning(page).waitFor();
  const text = await warning(page).textContent();
  assert.match(text, /A child with these details may be registered by Demo Social Services: contact them before registering again\./);
  assert.equal(await warning(page).locator('a').count(), 0, 'no case to open');
  assert.equal(await warning(page).locator('li').count(), 1, 'one line per agency, though it holds two such cases by now');
  assert.ok(!text.includes(aziza.display_id) && !text.includes('DSS-'), 'no display id of a case the reader may not read');
  assert.ok(!/Why:/.test(text), 'no explanation: which details agree would describe the child');
  await axeCheck(page, 'duplicate warning, another agency');
  await shot(page, 'matching-duplicate-contact-desktop-en');
  await warning(page).getByRole('button', { name: 'Go back' }).click();
  assert.equal(await warning(page).count(), 0);

  // Their own tracing request for the same girl: her case is named only by its agency.
  const r = await other.post('/api/v1/tracing_requests', { data: { inq_name: 'Samia Haddou', inq_relationship: 'aunt_uncle',
    consent_for_tracing: 'yes', tr_children: [{ name_first: 'Aziza', name_last: 'Al-Hassan', sex: 'female', age: 16,
      age_stated_on: new Date().toISOString().slice(0, 10) }] } });
  assert.equal(r.status, 201, r.text);
  await page.goto(`${srv.url}/#/tracing_requests/${r.json.id}`);
  await settled(page);
  const panel = page.locator('#main section.matches');
  await panel.locator('h3', { hasText: 'Aziza Al-Hassan' }).waitFor();
  const seen = await panel.textContent();
  assert.match(seen, /A child who may be this child is registered by Demo Social Services: contact them\./);
  assert.ok(!seen.includes(aziza.display_id) && !seen.includes('الحسن'), 'neither the case\'s id nor its name');
  assert.equal(await panel.getByRole('link', { name: /Review/ }).count(), 0, 'nothing to review');
  await axeCheck(page, 'possible matches, another agency');
  noProblems(page);
  await page.context().close();
});

test('a tracing request\'s possible matches; review, confirm, then "not this child"', async () => {
  const page = await newPage(browser, DESKTOP);
  await signInUI(page, srv.url, 'caseworker');
  await page.locator('#nav a[href="#/tracing_requests"]').click();
  await settled(page);
  await page.locator('#main a', { hasText: 'Nour Al-Khatib' }).click();
  await settled(page);
  const panel = page.locator('#main section.matches');
  assert.equal(await panel.locator('h2').textContent(), 'Possible matches');
  // One heading per sought child; Aziza's lists her case, Omar is not registered.
  const azizaBox = panel.locator('section.match-child', { has: page.locator('h3', { hasText: 'Aziza Al-Hassan' }) });
  const omarBox = panel.locator('section.match-child', { has: page.locator('h3', { hasText: 'Omar Al-Hassan' }) });
  const hit = azizaBox.locator('li', { has: page.locator(`a[href="#/cases/${aziza.id}"]`) });
  assert.match(await hit.textContent(), new RegExp(`${aziza.display_id}\\s*Aziza الحسن`));
  const before = await requestMatch();
  assert.ok(before.likely);
  assert.match(await hit.textContent(), new RegExp(words(before)));
  assert.match(await omarBox.textContent(), /No registered child is likely to be this child so far/);
  assert.ok(!/\bnull\b|undefined/.test(await panel.textContent()), 'no stray null');
  await axeCheck(page, 'tracing request with possible matches');
  await shot(page, 'matching-request-desktop-en');

  await hit.getByRole('link', { name: /Review/ }).click();
  await page.waitForURL(REVIEW_RE);
  await settled(page);
  assert.equal(await page.locator('#main h1').textContent(), 'Review a possible match');
  assert.ok(page.url().endsWith(`/match/0/${aziza.id}`));
  // Side by side: the sought child and the registered one.
  const compare = page.locator('#main table.compare-table');
  const row = async (label) => (await compare.locator('tbody tr', { has: page.locator('th', { hasText: new RegExp(`^${label}$`) }) }).locator('td').allTextContents());
  assert.deepEqual(await row('Name'), ['Aziza Al-Hassan', 'Aziza الحسن']);
  assert.deepEqual(await row('Other names'), ['Zizi', '—']);
  assert.deepEqual(await row('Sex'), ['Female', 'Female']);
  assert.deepEqual(await row('Mother\'s name'), ['Nour Al-Khatib', '—']);
  assert.deepEqual(await row('Father\'s name'), ['Youssef Al-Hassan', '—']);
  const birth = await row('Date of birth or age');
  assert.match(birth[0], /estimated/);
  assert.match(await compare.locator('thead').textContent(), new RegExp(`${request.display_id}.*${aziza.display_id}`, 's'));
  // The explanation: each comparison in plain words, its weight in text and as a bar.
  const explain = page.locator('#main table.explain-table');
  const parts = await explain.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent.trim())));
  const byName = Object.fromEntries(parts.map(([what, found, weight]) => [what, { found, weight }]));
  assert.equal(byName['First name'].found, 'the same');
  assert.match(byName['First name'].weight, /^\+\d/);
  assert.equal(byName['Last name'].found, 'same name in another script or spelling');
  assert.equal(byName["Mother's name"].found, 'not known on one side');
  assert.match(byName["Mother's name"].weight, /^0/);
  assert.equal(byName.Sex.found, 'the same');
  assert.equal(await explain.locator('tbody .weight-for').count() >= 3, true, 'bars for the agreeing parts');
  assert.match(await explain.locator('tfoot').textContent(), /Starting point.*[−-]\d/s);
  const pct = new Intl.NumberFormat('en', { style: 'percent', maximumFractionDigits: 1 }).format(before.probability);
  assert.match(await page.locator('#main .match-overall').textContent(), new RegExp(`Overall:\\s*${words(before)}\\s*probability ${pct}`));
  await axeCheck(page, 'match review');
  await shot(page, 'matching-review-desktop-en');

  // Confirm: the case's reunification tasks start.
  await f(page, 'note').fill('The mother recognised her in the photo.');
  await page.getByRole('button', { name: 'Confirm: this is the child' }).click();
  const ok = page.locator('#main .match-result .notice');
  await ok.waitFor();
  assert.match(await ok.textContent(), /Confirmed: this is the child\./);
  assert.match(await ok.textContent(), new RegExp(`Reunification tasks were created on case ${aziza.display_id}`));
  assert.match(await ok.textContent(), /verify the relationship/);
  assert.equal(await ok.locator(`a[href="#/cases/${aziza.id}"]`).count(), 1);
  assert.match(await page.locator('#main .match-current').textContent(), /Decided:\s*Confirmed/);
  const open = async () => (await api.get(`/api/v1/tasks?record_id=${aziza.id}&status=open&per=100`)).json.items
    .map((x) => x.rule).filter((r) => r.startsWith('reunification')).sort();
  assert.deepEqual(await open(), ['reunification_bia', 'reunification_follow_up', 'reunification_verify']);
  assert.equal((await requestMatch()).decision, 'confirmed');
  await axeCheck(page, 'match review, confirmed');
  await shot(page, 'matching-review-confirmed-desktop-en');

  // Not this child: the tasks are cancelled.
  await page.getByRole('button', { name: 'Not this child' }).click();
  await page.locator('#main .match-result .notice', { hasText: 'Recorded: not this child.' }).waitFor();
  assert.match(await page.locator('#main .match-result').textContent(), new RegExp(`reunification tasks on case ${aziza.display_id} were cancelled`));
  assert.deepEqual(await open(), []);
  assert.equal((await requestMatch()).decision, 'rejected');

  // The request lists the decision; the case's Tracing panel lists the request.
  await page.locator('#main .match-crumbs a').click();
  await settled(page);
  assert.match(await page.locator('#main section.matches li', { hasText: aziza.display_id }).textContent(), /Not this child/);
  await page.goto(`${srv.url}/#/cases/${aziza.id}`);
  await settled(page);
  const tracing = page.locator('#main section.matches');
  assert.equal(await tracing.locator('h2').textContent(), 'Tracing');
  const req = tracing.locator('li', { has: page.locator(`a[href="#/tracing_requests/${request.id}"]`) });
  assert.match(await req.textContent(), /(Very likely|Likely) the same child/);
  assert.match(await req.textContent(), /Child sought:\s*Aziza Al-Hassan/);
  assert.match(await req.textContent(), /Not this child/);
  assert.equal(await req.locator(`a[href="#/tracing_requests/${request.id}/match/0/${aziza.id}"]`).count(), 1);
  assert.ok(!/\bnull\b|undefined/.test(await tracing.textContent()), 'no stray null');
  await axeCheck(page, 'case with its Tracing panel');
  await shot(page, 'matching-case-tracing-desktop-en');
  noProblems(page);
  await page.context().close();
});

test('a case without consent to tracing explains why, and points to the Consent panel', async () => {
  const r = await api.post('/api/v1/cases', { data: { name_first: 'Tomasz', name_last: 'Brevilliak', sex: 'male', age: 11 } });
  assert.equal(r.status, 201);
  const page = await newPage(browser, DESKTOP);
  await signInUI(page, srv.url, 'caseworker');
  await page.goto(`${srv.url}/#/cases/${r.json.id}`);
  await settled(page);
  const tracing = page.locator('#main section.matches');
  assert.match(await tracing.textContent(), /only once the child's consent to tracing is on record/);
  assert.equal(await tracing.locator('.notice-error, [role="alert"]').count(), 0, 'an explanation, not an error');
  await tracing.getByRole('button', { name: 'Go to the Consent panel' }).click();
  assert.equal(await page.evaluate(() => document.activeElement.id), 'sec-consent');
  noProblems(page);
  await page.context().close();
  // Roles that may not read tracing requests get no Tracing panel.
  const sup = await newPage(browser, DESKTOP);
  await signInUI(sup, srv.url, 'screener');
  assert.equal(await sup.locator('#nav a[href="#/tracing_requests"]').count(), 0);
  await sup.context().close();
});

test('the review screen in Arabic on a 360-px phone: right to left, no sideways scrolling', async () => {
  const page = await newPage(browser, PHONE);
  await signInUI(page, srv.url, 'caseworker');
  await inLanguage(page, 'ar');
  await page.goto(`${srv.url}/#/tracing_requests/${request.id}/match/0/${aziza.id}`);
  await settled(page);
  assert.equal(await page.locator('#main h1').textContent(), 'مراجعة مطابقة محتملة');
  assert.equal(await page.evaluate(() => getComputedStyle(document.querySelector('#main')).direction), 'rtl');
  assert.match(await page.locator('#main table.compare-table').textContent(), /Aziza الحسن/);
  assert.match(await page.locator('#main table.explain-table').textContent(), /الاسم الأول.*متطابق/s);
  // A weight for the match grows from the middle towards the inline end: leftwards, in Arabic.
  const [bar, fill] = await page.locator('#main .explain-table tbody .weight-bar').first().evaluate((b) => {
    const r = (e) => { const x = e.getBoundingClientRect(); return { left: x.left, right: x.right }; };
    return [r(b), r(b.querySelector('.weight-fill'))];
  });
  const middle = (bar.left + bar.right) / 2;
  assert.ok(fill.right <= middle + 1 && fill.left < middle, `the bar mirrors: ${JSON.stringify({ bar, fill })}`);
  await noHorizontalScroll(page);
  await axeCheck(page, 'match review (ar, phone)');
  await shot(page, 'matching-review-phone-ar');
  // The tracing request's possible matches, and the duplicate warning, on the same phone.
  await page.goto(`${srv.url}/#/tracing_requests/${request.id}`);
  await settled(page);
  await page.locator('#main section.matches').waitFor();
  await noHorizontalScroll(page);
  await axeCheck(page, 'possible matches (ar, phone)');
  await shot(page, 'matching-request-phone-ar');
  await startRegistering(page, { first: 'Aziza', last: 'الحسن', sex: 'female', age: 16 });
  await page.getByRole('button', { name: 'حفظ الحالة' }).click();
  await warning(page).waitFor();
  assert.equal(await warning(page).locator('h2').textContent(), 'قد يكون هذا الطفل مسجَّلًا من قبل');
  await noHorizontalScroll(page);
  await axeCheck(page, 'duplicate warning (ar, phone)');
  await shot(page, 'matching-duplicate-warning-phone-ar');
  noProblems(page);
  await page.context().close();
});
