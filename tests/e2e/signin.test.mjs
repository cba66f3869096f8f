// Browser tests: signing in by keyboard alone, a wrong password, the language switcher on the
// sign-in page (Arabic mirrors the page) and signing out.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHaven, DEMO_PASSWORD } from '../lib/haven.mjs';
import { launch, newPage, shot, noProblems, settled, noHorizontalScroll, PHONE } from './lib.mjs';

let srv;
let browser;
before(async () => { srv = await startHaven({ demo: true }); browser = await launch(); });
after(async () => { await browser?.close(); await srv?.cleanup(); });

const focused = (page) => page.evaluate(() => document.activeElement && document.activeElement.id);

test('signs in with the keyboard alone, with a visible focus indicator', async () => {
  const page = await newPage(browser);
  await page.goto(`${srv.url}/`);
  await page.locator('#signin-username').waitFor();
  await page.keyboard.press('Tab');
  assert.equal(await focused(page), 'skip-link', 'the first Tab reaches the skip link');
  const skip = await page.locator('#skip-link').boundingBox();
  assert.ok(skip && skip.y >= 0, 'the focused skip link is on screen');

  let id = null;
  for (let i = 0; i < 5 && id !== 'signin-username'; i++) {
    await page.keyboard.press('Tab');
    id = await focused(page);
  }
  assert.equal(id, 'signin-username');
  const ring = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  assert.notEqual(ring, 'none', 'the focused input shows an outline');
  await page.keyboard.type('caseworker');
  await page.keyboard.press('Tab');
  assert.equal(await focused(page), 'signin-password');
  await page.keyboard.type(DEMO_PASSWORD);
  await page.keyboard.press('Enter');
  await page.locator('#nav:not([hidden])').waitFor();
  await settled(page);
  assert.equal((await page.locator('#main h1').textContent()).trim(), 'My caseload');
  // The keyboard user lands on the new page's heading.
  assert.equal(await page.evaluate(() => document.activeElement.tagName), 'H1');
  noProblems(page);
  await page.context().close();
});

test('a wrong password is reported in an alert and nothing else happens', async () => {
  const page = await newPage(browser);
  await page.goto(`${srv.url}/`);
  await page.locator('#signin-username').fill('caseworker');
  await page.locator('#signin-password').fill('not-the-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  const alert = page.locator('#main [role="alert"]');
  await alert.waitFor();
  assert.match(await alert.textContent(), /Wrong username or password/);
  assert.equal(await page.locator('#signin-password').inputValue(), '');
  assert.equal(await page.locator('#nav').isHidden(), true);
  noProblems(page);
  await page.context().close();
});

test('the language switcher on the sign-in page turns the page to Arabic, right to left', async () => {
  for (const [viewport, name] of [[undefined, 'desktop'], [PHONE, 'phone']]) {
    const page = await newPage(browser, viewport);
    await page.goto(`${srv.url}/`);
    await page.locator('#signin-username').waitFor();
    await shot(page, `signin-${name}-en`);
    await page.selectOption('#lang-signin', 'ar');
    await page.waitForFunction(() => document.documentElement.dir === 'rtl');
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'ar');
    assert.equal((await page.locator('#main h1').textContent()).trim(), 'تسجيل الدخول');
    assert.equal(await page.evaluate(() => getComputedStyle(document.querySelector('#main')).direction), 'rtl');
    // The username label sits at the right edge of its card in a mirrored layout.
    const label = await page.locator('label[for="signin-username"]').boundingBox();
    const card = await page.locator('.signin .card').boundingBox();
    assert.ok(label.x + label.width > card.x + card.width - 40, 'label is aligned to the right');
    if (viewport) await noHorizontalScroll(page);
    await shot(page, `signin-${name}-ar`);
    // Signing in keeps the language just chosen (over the profile's), and the nav sits on the right.
    await page.locator('#signin-username').fill('caseworker');
    await page.locator('#signin-password').fill(DEMO_PASSWORD);
    await page.locator('#signin-password').press('Enter');
    await page.locator('#nav:not([hidden])').waitFor();
    await settled(page);
    assert.equal(await page.evaluate(() => document.documentElement.dir), 'rtl');
    assert.equal((await page.locator('#main h1').textContent()).trim(), 'حالاتي');
    if (!viewport) {
      const nav = await page.locator('#nav').boundingBox();
      assert.ok(nav.x > 640, 'the navigation is on the right');
    }
    noProblems(page);
    await page.context().close();
  }
});

test('signing out returns to the sign-in page and the session is gone', async () => {
  const page = await newPage(browser);
  await page.goto(`${srv.url}/`);
  await page.locator('#signin-username').fill('supervisor');
  await page.locator('#signin-password').fill(DEMO_PASSWORD);
  await page.locator('#signin-password').press('Enter');
  await page.locator('#nav:not([hidden])').waitFor();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.locator('#signin-username').waitFor();
  const r = await page.evaluate(async () => (await fetch('/api/v1/session')).status);
  assert.equal(r, 401);
  noProblems(page);
  await page.context().close();
});

test('the first load weighs at most 150 KB compressed, all from this origin', async () => {
  const page = await newPage(browser);
  const responses = [];
  page.on('response', (r) => responses.push(r));
  await page.goto(`${srv.url}/`, { waitUntil: 'networkidle' });
  await page.locator('#signin-username').waitFor();
  let total = 0;
  const files = [];
  for (const r of responses) {
    const u = new URL(r.url());
    assert.equal(u.origin, srv.url, `only same-origin requests: ${r.url()}`);
    if (u.pathname.startsWith('/api/')) continue;
    const sizes = await r.request().sizes();
    total += sizes.responseBodySize + sizes.responseHeadersSize;
    files.push(`${u.pathname} ${sizes.responseBodySize} ${r.headers()['content-encoding'] || 'identity'}`);
  }
  assert.ok(files.length >= 4, files.join('\n'));
  assert.ok(total <= 150 * 1024, `first load is ${total} bytes:\n${files.join('\n')}`);
  // The page is served with the strict Content-Security-Policy the UI is written for.
  const doc = responses.find((r) => new URL(r.url()).pathname === '/');
  assert.match(doc.headers()['content-security-policy'] || '', /script-src 'self'/);
  noProblems(page);
  await page.context().close();
});
