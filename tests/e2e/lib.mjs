// Shared helpers for the browser tests: launches Debian's chromium through playwright-core,
// signs in through the UI, runs axe-core and saves screenshots to tests/e2e/screenshots/.
import { chromium } from 'playwright-core';
import { mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import assert from 'node:assert/strict';
import { DEMO_PASSWORD } from '../lib/haven.mjs';

const here = dirname(fileURLToPath(import.meta.url));
export const SHOTS = join(here, 'screenshots');
export const AXE = join(here, '..', '..', 'node_modules', 'axe-core', 'axe.min.js');
export const PHONE = { width: 360, height: 740 };
export const DESKTOP = { width: 1280, height: 860 };

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

// A new page that fails the test on uncaught page errors and CSP violations.
export async function newPage(browser, viewport = DESKTOP) {
  const context = await browser.newContext({ viewport, locale: 'en-GB' });
  const page = await context.newPage();
  page.problems = [];
  page.on('pageerror', (e) => page.problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text())) page.problems.push(m.text());
  });
  return page;
}

export function noProblems(page) {
  assert.deepEqual(page.problems, [], 'page errors or CSP violations');
}

export async function shot(page, name) {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

export async function signInUI(page, url, username, password = DEMO_PASSWORD) {
  await page.goto(`${url}/`);
  await page.locator('#signin-username').fill(username);
  await page.locator('#signin-password').fill(password);
  await page.locator('#signin-password').press('Enter');
  await page.waitForFunction(() => !document.querySelector('#signin-username'));
  await settled(page);
}

// Waits for the route's screen to finish rendering (the page heading is present and no loading text).
export async function settled(page) {
  await page.waitForFunction(() => {
    const m = document.querySelector('#main');
    return m && m.dataset.ready === (location.hash || '#/') && m.querySelector('h1') && !m.querySelector('.loading');
  });
}

// The page's Content-Security-Policy (script-src 'self') rightly blocks page.addScriptTag, which
// inlines the file; evaluating the source through the DevTools protocol is not subject to it.
let axeSource = null;
export async function axeCheck(page, label) {
  if (!axeSource) axeSource = readFileSync(AXE, 'utf8');
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(axeSource);
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5) }));
  });
  const bad = result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(bad, [], `${label}: serious/critical axe violations:\n${JSON.stringify(bad, null, 2)}`);
  return result;
}

// Switches the interface language with the header's picker and waits for the page in it
// (<html lang dir> set, the screen rendered again).
export async function inLanguage(page, lang) {
  await page.selectOption('#lang-header', lang);
  await page.waitForFunction((l) => document.documentElement.lang === l && document.documentElement.dir === (l === 'ar' ? 'rtl' : 'ltr'), lang);
  await settled(page);
}

export async function noHorizontalScroll(page, width = PHONE.width) {
  const sw = await page.evaluate(() => document.scrollingElement.scrollWidth);
  assert.ok(sw <= width, `page is ${sw}px wide, wider than ${width}px`);
}

export const caseHashRe = /#\/cases\/[0-9a-f-]{36}$/;
