// Browser tests for the review queue of possible duplicate cases (#/duplicates, web/duplicates.js):
// a caseworker registers the same child twice; `haven match --dedup` queues the pair; the
// supervisor sees it, merges it (confirm step, what was copied and what differed), undoes the
// merge, and says another pair are two different children; a caseworker has no such screen; the
// queue in Arabic on a phone. Screenshots in tests/e2e/screenshots/duplicates-*.png. All names
// are invented.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHaven, signIn, havenRun } from '../lib/haven.mjs';
import { launch, newPage, signInUI, settled, shot, noProblems, noHorizontalScroll, axeCheck, inLanguage, PHONE, DESKTOP } from './lib.mjs';

let srv;
let browser;
let cw;
let sup;
const pairs = {}; // merge, dismiss, phone -> the queued pair of the two cases made for it

const letters = (n) => Array.from({ length: n }, () => 'bcdfghjklmnpqrstvwxz'[Math.floor(Math.random() * 20)]).join('');
const createCase = async (data) => {
  const r = await cw.post('/api/v1/cases', { data });
  assert.equal(r.status, 201, r.text);
  return r.json;
};
const pairOf = (items, x, y) => items.find((i) => [i.a.id, i.b.id].sort().join() === [x.id, y.id].sort().join());
const queue = async () => (await sup.get('/api/v1/duplicates')).json.items;

before(async () => {
  srv = await startHaven({ demo: true });
  browser = await launch();
  cw = await signIn(srv.url, 'caseworker');
  sup = await signIn(srv.url, 'supervisor');
  const made = {};
  const base = (first, last, sex, dob, mother) => ({ name_first: first, name_last: last, sex, date_of_birth: dob,
    fam_members: [{ name: mother, relationship: 'mother' }] });
  // Each side holds something the other lacks, and their risk levels differ.
  const m = base('Zawadi', `Wanjiru${letters(6)}`, 'female', '2011-01-09', 'Njeri');
  made.merge = [await createCase({ ...m, location_area: 'XD0101', risk_level: 'low' }),
    await createCase({ ...m, name_other: ['Zizi'], risk_level: 'high' })];
  const d = base('Baraka', `Odhiambo${letters(6)}`, 'male', '2013-05-20', 'Akinyi');
  made.dismiss = [await createCase(d), await createCase({ ...d, name_first: 'Barakah' })];
  const p = base('Imani', `Kiprotich${letters(6)}`, 'female', '2012-03-14', 'Wambui');
  made.phone = [await createCase(p), await createCase(p)];
  const run = havenRun(['match', '--db', srv.db, '--dedup']);
  assert.equal(run.status, 0, run.stderr);
  const items = await queue();
  for (const [k, [x, y]] of Object.entries(made)) {
    pairs[k] = pairOf(items, x, y);
    assert.ok(pairs[k], `the ${k} pair is queued`);
  }
});
after(async () => { await browser?.close(); await srv?.cleanup(); });

const item = (page, pair) => page.locator(`#main li[data-pair="${pair.id}"]`);
const words = (p) => (p >= 0.95 ? 'Very likely the same child' : p >= 0.5 ? 'Likely the same child' : 'Possibly the same child');

async function openQueue(page, user) {
  await signInUI(page, srv.url, user);
  await page.locator('#nav a[href="#/duplicates"]').click();
  await page.waitForURL(/#\/duplicates$/);
  await settled(page);
}

test('the supervisor sees the pair, merges it, reads what was merged and undoes it', async () => {
  const page = await newPage(browser, DESKTOP);
  await openQueue(page, 'supervisor');
  assert.equal(await page.locator('#main h1').textContent(), 'Possible duplicates');
  const pair = pairs.merge;
  const [a, b] = [pair.a, pair.b];
  const li = item(page, pair);
  const text = await li.textContent();
  for (const x of [a, b]) {
    const link = li.locator(`a[href="#/cases/${x.id}"]`);
    assert.equal(await link.count(), 1, `a link to ${x.display_id}`);
    assert.match(await link.textContent(), new RegExp(`${x.display_id}\\s*Zawadi Wanjiru`));
  }
  assert.match(text, new RegExp(words(pair.probability)));
  assert.match(text, new RegExp(a.agency.name));
  await axeCheck(page, 'duplicate queue');
  await shot(page, 'duplicates-desktop-en');

  // The confirm step says what will happen.
  await li.getByRole('button', { name: `Merge into ${a.display_id}` }).click();
  const confirm = li.locator('form.dupq-confirm');
  assert.equal(await confirm.isVisible(), true);
  assert.match(await confirm.textContent(), new RegExp(`Case ${b.display_id} will be retired.*missing from case ${a.display_id} will be copied`));
  await axeCheck(page, 'merge confirm step');
  const merges = [];
  page.on('request', (r) => { if (/\/merge$/.test(r.url())) merges.push([r.url(), r.headers()['if-match'], r.postDataJSON()]); });
  await confirm.getByRole('button', { name: `Yes, merge into ${a.display_id}` }).click();
  const done = li.locator('.dupq-result .notice-ok');
  await done.waitFor();
  const keptNow = (await sup.get(`/api/v1/cases/${a.id}`)).json;
  assert.equal(merges.length, 1);
  assert.ok(merges[0][0].endsWith(`/api/v1/cases/${a.id}/merge`));
  assert.equal(merges[0][1], `"${keptNow.version - 1}"`, 'If-Match: the kept case\'s version before the merge');
  assert.deepEqual(merges[0][2], { other_id: b.id });
  const said = await done.textContent();
  assert.match(said, new RegExp(`Case ${b.display_id} was merged into case ${a.display_id}\\.`));
  assert.match(said, new RegExp(`Copied into ${a.display_id}: `));
  assert.match(said, /Risk level: (Low|High)/, 'the differing risk level, in words');
  assert.equal(await page.evaluate(() => document.activeElement.classList.contains('notice-ok')), true, 'the result takes the focus');
  assert.equal(await li.getByRole('button', { name: `Merge into ${a.display_id}` }).isVisible(), false, 'decided: no more actions');
  assert.equal((await sup.get(`/api/v1/cases/${b.id}`)).status, 404, 'the other case is retired');
  assert.ok(!pairOf(await queue(), a, b), 'the pair left the queue');
  await axeCheck(page, 'merge result');
  await shot(page, 'duplicates-merged-desktop-en');

  // Undo: both cases are separate again.
  await done.getByRole('button', { name: 'Undo the merge' }).click();
  const undone = li.locator('.dupq-result .notice-quiet');
  await undone.waitFor();
  assert.match(await undone.textContent(), new RegExp(`The merge was undone: cases ${a.display_id} and ${b.display_id} are separate again`));
  assert.equal((await sup.get(`/api/v1/cases/${b.id}`)).status, 200, 'the other case is back');
  noProblems(page);
  await page.context().close();
});

test('"Not the same child" dismisses a pair; a pair decided meanwhile says so', async () => {
  const page = await newPage(browser, DESKTOP);
  await openQueue(page, 'supervisor');
  const pair = pairs.dismiss;
  const li = item(page, pair);
  await li.getByRole('button', { name: 'Not the same child' }).click();
  const done = li.locator('.dupq-result .notice-quiet');
  await done.waitFor();
  assert.match(await done.textContent(), new RegExp(`Cases ${pair.a.display_id} and ${pair.b.display_id} are marked as two different children`));
  assert.ok(!pairOf(await queue(), pair.a, pair.b), 'the pair left the queue');

  // Decided by someone else while this screen was open: a 409, shown with a way to read it again.
  await page.goto(`${srv.url}/#/`);
  await settled(page);
  await page.goto(`${srv.url}/#/duplicates`);
  await settled(page);
  const other = item(page, pairs.phone);
  await page.route(`**/api/v1/duplicates/${pairs.phone.id}`, (route) => route.fulfill({
    status: 409, headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ error: { code: 'conflict', field: 'status', message: 'this pair has been decided already' } }),
  }));
  await other.getByRole('button', { name: 'Not the same child' }).click();
  const err = other.locator('.form-error');
  await err.waitFor();
  assert.match(await err.textContent(), /Someone has decided on this pair already.*this pair has been decided already/);
  assert.equal(await err.getByRole('button', { name: 'Reload the list' }).count(), 1);
  await page.unroute(`**/api/v1/duplicates/${pairs.phone.id}`);
  await axeCheck(page, 'dismiss conflict');
  noProblems(page);
  await page.context().close();
});

test('a caseworker has no duplicate queue', async () => {
  const page = await newPage(browser, DESKTOP);
  await signInUI(page, srv.url, 'caseworker');
  assert.ok(await page.locator('#nav a[href="#/cases"]').count() === 1, 'the navigation is drawn');
  assert.equal(await page.locator('#nav a[href="#/duplicates"]').count(), 0);
  await page.goto(`${srv.url}/#/duplicates`);
  await settled(page);
  assert.match(await page.locator('#main .notice-error').textContent(), /not allowed|merge/i);
  noProblems(page);
  await page.context().close();
});

test('the queue in Arabic on a phone: right to left, no sideways scrolling', async () => {
  const page = await newPage(browser, PHONE);
  await signInUI(page, srv.url, 'supervisor');
  await page.goto(`${srv.url}/#/duplicates`);
  await settled(page);
  await inLanguage(page, 'ar');
  assert.equal(await page.locator('#main h1').textContent(), 'التكرارات المحتملة');
  const li = item(page, pairs.phone);
  await li.getByRole('button', { name: new RegExp(`^دمج في \u2068?${pairs.phone.a.display_id}\u2069?$`) }).click();
  assert.equal(await li.locator('form.dupq-confirm').isVisible(), true);
  // Display ids stay whole inside Arabic sentences.
  assert.match(await li.locator('form.dupq-confirm p').first().textContent(), new RegExp(`\u2068${pairs.phone.b.display_id}\u2069`));
  await noHorizontalScroll(page);
  await axeCheck(page, 'duplicate queue, Arabic phone');
  await shot(page, 'duplicates-phone-ar');
  noProblems(page);
  await page.context().close();
});
