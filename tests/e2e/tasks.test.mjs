// Browser tests for "what is due" on the home page: the demo caseworker sees overdue tasks
// (demo cases were registered over the last 12 days; the assessment is due 3 days after),
// ticks one off and it leaves the list; a case plan action shows without a button; moving the
// test clock makes a task overdue. Screenshots in English and Arabic, desktop and phone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHaven, signIn, advanceClock } from '../lib/haven.mjs';
import { launch, newPage, signInUI, settled, shot, axeCheck, noProblems, noHorizontalScroll, PHONE } from './lib.mjs';

const DAY = 86400e3;
const ymd = (ms) => new Date(ms).toISOString().slice(0, 10);

let srv;
let browser;
let planCase;
before(async () => {
  srv = await startHaven({ demo: true });
  browser = await launch();
  // A case with a plan action due in five days: a plan task, ticked off through its plan row.
  const cw = await signIn(srv.url, 'caseworker');
  const r = await cw.post('/api/v1/cases', { data: { name_first: 'Plan', sex: 'male' } });
  assert.equal(r.status, 201, r.text);
  planCase = r.json;
  const p = await cw.patch(`/api/v1/cases/${planCase.id}`,
    { data: { plan_goals: [{ goal: 'Enrol in school', due_date: ymd(Date.now() + 5 * DAY), status: 'not_started' }] } },
    { 'if-match': `"${planCase.version}"` });
  assert.equal(p.status, 200, p.text);
});
after(async () => { await browser?.close(); await srv?.cleanup(); });

const overdue = (page) => page.locator('#main section[aria-labelledby="tasks-overdue"] li');
const soon = (page) => page.locator('#main section[aria-labelledby="tasks-soon"] li');

test('the caseworker sees overdue tasks on the home page and marks one done', async () => {
  const cw = await signIn(srv.url, 'caseworker');
  const late = (await cw.get('/api/v1/tasks?overdue=true&per=100')).json;
  assert.ok(late.total > 0, 'the demo has overdue tasks');

  const page = await newPage(browser);
  await signInUI(page, srv.url, 'caseworker');
  // What is due sits under the page heading, before the caseload.
  const order = await page.evaluate(() => [...document.querySelectorAll('#main h1, #main h2')].map((x) => x.id || x.tagName));
  assert.deepEqual(order.slice(0, 2), ['H1', 'tasks-h']);
  assert.equal(await overdue(page).count(), late.items.length);
  const first = overdue(page).first();
  const item = late.items[0];
  assert.match(await first.textContent(), /Complete the assessment/);
  assert.equal(await first.locator('a').getAttribute('href'), `#/cases/${item.record.id}`);
  assert.equal((await first.locator('a').textContent()).trim(), item.record.display_id);
  const dueText = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(`${item.due_on}T00:00:00Z`));
  assert.match(await first.textContent(), new RegExp(`Due ${dueText}`));
  const daysLate = Math.round((Date.parse(ymd(Date.now())) - Date.parse(item.due_on)) / DAY);
  assert.match(await first.textContent(), new RegExp(`${daysLate} days? late`));
  assert.match(await page.locator('#tasks-overdue').textContent(), new RegExp(`Overdue \\(${late.items.length}\\)`));
  // A long list shows its first five; "Show all" unfolds the rest.
  if (late.items.length > 5) {
    assert.equal(await overdue(page).filter({ visible: true }).count(), 5);
    await page.locator('section[aria-labelledby="tasks-overdue"] button', { hasText: `Show all ${late.items.length}` }).click();
    assert.equal(await overdue(page).filter({ visible: true }).count(), late.items.length);
  }
  // The plan action is due soon, without a button, saying it follows the plan.
  const plan = soon(page).filter({ hasText: 'Enrol in school' });
  assert.equal(await plan.count(), 1);
  assert.match(await plan.textContent(), /Case plan action: Enrol in school/);
  assert.match(await plan.textContent(), /in 5 days/);
  assert.match(await plan.textContent(), /follows the case plan/i);
  assert.equal(await plan.locator('button').count(), 0);
  await axeCheck(page, 'home with tasks');
  await shot(page, 'tasks-home-desktop-en');

  // Mark the first overdue task done: it leaves the list and the keyboard lands on the next one.
  await first.getByRole('button', { name: /^Mark done/ }).click();
  await page.waitForFunction((n) => document.querySelectorAll('#main section[aria-labelledby="tasks-overdue"] li').length === n,
    late.items.length - 1);
  assert.match(await page.locator('#tasks-overdue').textContent(), new RegExp(`\\(${late.items.length - 1}\\)`));
  assert.match(await page.evaluate(() => document.activeElement.textContent), /Mark done/);
  await page.waitForFunction(() => /Task done: Complete the assessment/.test(document.getElementById('status').textContent));
  const done = (await cw.get(`/api/v1/tasks?status=done&record_id=${item.record.id}`)).json.items;
  assert.deepEqual(done.map((x) => x.id), [item.id]);
  await page.reload();
  await settled(page);
  assert.equal(await overdue(page).filter({ hasText: item.record.display_id }).count(), 0);
  noProblems(page);
  await page.context().close();
});

test('a supervisor sees the team\'s tasks; a screener has no task list', async () => {
  const page = await newPage(browser);
  await signInUI(page, srv.url, 'supervisor');
  const sup = await signIn(srv.url, 'supervisor');
  const late = (await sup.get('/api/v1/tasks?overdue=true&per=100')).json;
  assert.equal(await overdue(page).count(), late.items.length);
  assert.ok(await overdue(page).filter({ hasText: planCase.display_id }).count() === 0, 'the plan action is not overdue');
  assert.equal(await soon(page).filter({ hasText: planCase.display_id }).count() >= 1, true);
  noProblems(page);
  await page.context().close();

  const p2 = await newPage(browser);
  await signInUI(p2, srv.url, 'screener');
  assert.equal(await p2.locator('#tasks-h').count(), 0);
  noProblems(p2);
  await p2.context().close();
});

test('Arabic on a phone: the due list reads right to left and fits 360 px', async () => {
  const page = await newPage(browser, PHONE);
  await signInUI(page, srv.url, 'caseworker');
  await page.selectOption('#lang-header', 'ar');
  await page.waitForFunction(() => document.documentElement.dir === 'rtl');
  await settled(page);
  await page.locator('#tasks-h', { hasText: 'المهام المستحقة' }).waitFor();
  await noHorizontalScroll(page);
  await axeCheck(page, 'home with tasks (ar, phone)');
  await shot(page, 'tasks-home-phone-ar');
  await page.selectOption('#lang-header', 'en');
  await page.waitForFunction(() => document.documentElement.dir === 'ltr');
  await settled(page);
  await noHorizontalScroll(page);
  await shot(page, 'tasks-home-phone-en');
  noProblems(page);
  await page.context().close();
});

// Last: moving the server's clock ends every session.
test('moving the test clock makes a task overdue', async () => {
  const cw = await signIn(srv.url, 'caseworker');
  const r = await cw.post('/api/v1/cases', { data: { name_first: 'Clock', sex: 'female' } });
  assert.equal(r.status, 201, r.text);
  const fresh = r.json.display_id;

  const page = await newPage(browser);
  await signInUI(page, srv.url, 'caseworker');
  assert.match(await soon(page).filter({ hasText: fresh }).textContent(), /in 3 days/);
  assert.equal(await overdue(page).filter({ hasText: fresh }).count(), 0);
  await page.context().close();

  // Four days on, on the server and in the browser (which counts the days late).
  await advanceClock(srv.url, 4 * 86400);
  const p2 = await newPage(browser);
  await p2.clock.setSystemTime(new Date(Date.now() + 4 * DAY));
  await signInUI(p2, srv.url, 'caseworker');
  const row = overdue(p2).filter({ hasText: fresh });
  assert.equal(await row.count(), 1);
  assert.match(await row.textContent(), /1 day late/);
  assert.equal(await soon(p2).filter({ hasText: fresh }).count(), 0);
  await shot(p2, 'tasks-home-desktop-en-later');
  noProblems(p2);
  await p2.context().close();
});
