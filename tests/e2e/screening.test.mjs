// Browser tests for screening (web/screening.js) on a 360-px phone, in English and in Arabic:
// the test tool (tests/data/screening_tool.json, created through the admin API) is chosen, the
// assent step cannot be skipped, questions come one at a time (large buttons, progress, help
// text, Back and Skip, keyboard), a new case is created, and the result explains itself: the
// immediate-danger block first when the red-flag question is answered yes, the reasons, the
// suggested services and a link to the case. The API then shows what was stored. A screening
// started from a case page attaches to that case. Screenshots in screenshots/screening-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { startHaven, signIn, ADMIN_PASSWORD } from '../lib/haven.mjs';
import { launch, newPage, signInUI, settled, shot, noProblems, noHorizontalScroll, axeCheck, inLanguage, PHONE } from './lib.mjs';

const table = JSON.parse(readFileSync(new URL('../data/screening_tool.json', import.meta.url), 'utf8'));
const FRONTLINE = new URL('../../config/screening/child_frontline.json', import.meta.url);

// Arabic texts for the test tool, so the Arabic screenshots read as they will in use.
const AR = {
  'Test tool': 'أداة اختبار', 'Promised a different job?': 'هل وُعدت بعمل مختلف؟', 'Forced to go?': 'هل أُجبرت على الذهاب؟',
  'Paid?': 'هل تتقاضى أجرًا؟', Paid: 'مدفوع', Unpaid: 'غير مدفوع', Some: 'بعضه', 'Long hours?': 'هل تعمل ساعات طويلة؟',
  'Locked in?': 'هل أنت محبوس؟', 'Hurt now?': 'هل يؤذيك أحد الآن؟', 'Deceptive recruitment': 'التجنيد بالخداع',
  'Coercive recruitment': 'التجنيد بالإكراه', 'Exploitative conditions': 'ظروف استغلالية', 'Coercion at destination': 'الإكراه في مكان الوصول',
  'False promise': 'وعد كاذب', Forced: 'إجبار', 'No pay': 'بلا أجر', 'Low pay': 'أجر منخفض', 'Long hours': 'ساعات طويلة',
  Confined: 'احتجاز', 'In danger now': 'في خطر الآن',
};
const HELP = {
  en: 'Did someone tell you that you would do one job, and then you had to do another?',
  fr: 'Quelqu’un t’a-t-il dit que tu ferais un travail, puis tu as dû en faire un autre ?',
  es: '¿Alguien te dijo que harías un trabajo y luego tuviste que hacer otro?',
  ar: 'هل قال لك أحد إنك ستقوم بعمل ما، ثم اضطررت إلى القيام بعمل آخر؟',
};

function testTool() {
  const tool = structuredClone(table.tool);
  const four = (v) => {
    if (Array.isArray(v)) v.forEach(four);
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (k === 'labels') v[k] = { en: x.en, fr: `${x.en} (fr)`, es: `${x.en} (es)`, ar: AR[x.en] || `${x.en} (ar)` };
        else four(x);
      }
    }
  };
  four(tool);
  tool.questions[0].help = HELP;
  return tool;
}

let srv;
let browser;
let admin;
let screenerApi;
let cwApi;
before(async () => {
  srv = await startHaven({ demo: true });
  browser = await launch();
  admin = await signIn(srv.url, 'admin', ADMIN_PASSWORD);
  screenerApi = await signIn(srv.url, 'screener');
  cwApi = await signIn(srv.url, 'caseworker');
  const r = await admin.post('/api/v1/screening/tools', testTool());
  assert.equal(r.status, 201, r.text);
});
after(async () => { await browser?.close(); await srv?.cleanup(); });

const TEXT = {
  en: {
    nav: 'Screening', assent: 'Assent and consent', q1: 'Question 1 of 6', q3: 'Question 3 of 6', yes: 'Yes', no: 'No', unknown: "Don't know",
    back: 'Back', skip: 'Skip', cont: 'Continue', submit: 'See the result', start: 'Start',
    result: 'Presumed victim of trafficking', danger: 'Immediate danger: act now', risk: 'High',
    reasons: ['False promise', 'No pay', 'Deceptive recruitment', 'Exploitative conditions', 'In danger now', 'strong'],
    services: ['Legal aid', 'Mental health and psychosocial support', 'Safe shelter', 'Labour inspection'],
    open: 'Open case', name: 'Amina', help: HELP.en,
  },
  ar: {
    nav: 'الفحص الأولي', assent: 'الموافقة والقبول', q1: 'السؤال 1 من 6', q3: 'السؤال 3 من 6', yes: 'نعم', no: 'لا', unknown: 'لا أعرف',
    back: 'رجوع', skip: 'تخطَّ', cont: 'متابعة', submit: 'عرض النتيجة', start: 'ابدأ',
    result: 'ضحية مفترضة للاتجار', danger: 'خطر فوري: تصرّف الآن', risk: 'مرتفع',
    reasons: ['وعد كاذب', 'بلا أجر', 'التجنيد بالخداع', 'ظروف استغلالية', 'في خطر الآن', 'قوي'],
    services: ['المساعدة القانونية', 'الصحة النفسية والدعم النفسي الاجتماعي', 'مأوى آمن', 'تفتيش العمل'],
    open: 'فتح الحالة', name: 'أمينة', help: HELP.ar,
  },
};

const main = (page) => page.locator('#main');
const h1 = (page) => page.locator('#main h1');
const answer = (page, label) => page.locator('#main .screen-answers').getByRole('button', { name: label, exact: true });
const btn = (page, label) => page.locator('#main').getByRole('button', { name: label, exact: true });

// Waits for the question screen showing "Question n of total".
async function atQuestion(page, progress) {
  await page.locator('#main .screen-progress', { hasText: progress }).waitFor();
  // Focus is on the question itself, so a screen reader reads it out.
  assert.equal(await page.evaluate(() => document.activeElement && document.activeElement.matches('#main h1.screen-question')), true);
  assert.doesNotMatch(await page.locator('#main').textContent(), /\bnull\b|undefined/);
}

async function noDataKept(page) {
  assert.match(page.url(), /#\/screening$/, 'nothing of the screening in the URL');
  const [local, session] = await page.evaluate(() => [Object.keys(localStorage), Object.keys(sessionStorage)]);
  assert.deepEqual(local.filter((k) => k !== 'haven.lang'), [], 'nothing but the language in storage');
  assert.deepEqual(session, []);
}

for (const lang of ['en', 'ar']) {
  test(`a screener screens a child on a phone in ${lang === 'en' ? 'English' : 'Arabic'}: assent first, one question at a time, an explained result`, async () => {
    const T = TEXT[lang];
    const page = await newPage(browser, PHONE);
    await signInUI(page, srv.url, 'screener');
    if (lang !== 'en') await inLanguage(page, lang);
    await page.locator('#nav a', { hasText: T.nav }).click();
    await page.waitForURL(/#\/screening$/);
    await settled(page);
    if (lang === 'ar') assert.equal(await page.evaluate(() => getComputedStyle(document.querySelector('#main')).direction), 'rtl');

    // 1. The tool.
    await page.locator('#main input[name="tool"][value="test_child"]').check();
    await axeCheck(page, `tool choice (${lang})`);
    await shot(page, `screening-tool-phone-${lang}`);
    await btn(page, T.start).click();

    // 2. Assent: no question before it is recorded; Continue alone does not get past it.
    await h1(page).filter({ hasText: T.assent }).waitFor();
    assert.equal(await page.locator('#main .screen-question, #main .screen-answers').count(), 0, 'no question before assent');
    await btn(page, T.cont).click();
    assert.equal(await page.locator('#main .field-error:visible').count(), 3, 'who, how and "given" are asked for');
    await page.locator('#main input[name="given_by"][value="child"]').check();
    await page.locator('#main input[name="method"][value="verbal"]').check();
    await btn(page, T.cont).click();
    assert.equal(await page.locator('#main .field-error:visible').count(), 1, 'the "given" tick is still missing');
    assert.equal(await page.evaluate(() => document.activeElement.name), 'given');
    assert.equal(await page.locator('#main .screen-question').count(), 0, 'still no question without the tick');
    await axeCheck(page, `assent with errors (${lang})`);
    await page.locator('#main input[name="given"]').check();
    await page.locator('#main textarea[name="note"]').fill(lang === 'en' ? 'Aunt present.' : 'كانت العمة حاضرة.');
    await noHorizontalScroll(page);
    await shot(page, `screening-assent-phone-${lang}`);
    await btn(page, T.cont).click();

    // 3. One question at a time. The first by keyboard only: Tab from the question to "Yes", Enter.
    await atQuestion(page, T.q1);
    assert.equal(await page.locator('#main .screen-question').count(), 1);
    assert.ok((await page.locator('#main .screen-help').textContent()).includes(T.help), 'the help text to read aloud');
    for (const b of await page.locator('#main .screen-answers button, #main .screen-nav-row button').all()) {
      const box = await b.boundingBox();
      assert.ok(box.height >= 48, `touch target ${box.height}px tall`);
    }
    const yesBox = await answer(page, T.yes).boundingBox();
    assert.ok(yesBox.width >= PHONE.width - 60, `answer buttons span the width (${yesBox.width}px)`);
    const fs = await page.evaluate(() => parseFloat(getComputedStyle(document.querySelector('#main .screen-question')).fontSize));
    assert.ok(fs >= 24, `the question is large (${fs}px)`);
    await noHorizontalScroll(page);
    await axeCheck(page, `question (${lang})`);
    await shot(page, `screening-question-phone-${lang}`);
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.dataset.value), 'yes');
    await page.keyboard.press('Enter');
    await atQuestion(page, lang === 'en' ? 'Question 2 of 6' : 'السؤال 2 من 6');
    await btn(page, T.skip).click();                                   // q_forced: skipped
    await atQuestion(page, T.q3);
    assert.equal(await page.locator('#main .screen-answers button').count(), 3, 'the question offers its own options');
    await shot(page, `screening-options-phone-${lang}`);
    await answer(page, lang === 'en' ? 'Unpaid' : 'غير مدفوع').click(); // q_pay: unpaid
    await answer(page, T.yes).click();                                 // q_hours: yes, then corrected
    await btn(page, T.back).click();
    await atQuestion(page, lang === 'en' ? 'Question 4 of 6' : 'السؤال 4 من 6');
    assert.equal(await answer(page, T.yes).getAttribute('aria-pressed'), 'true', 'Back shows the answer given');
    await answer(page, T.no).click();                                  // q_hours: no
    await answer(page, T.unknown).click();                             // q_locked: unknown
    await atQuestion(page, lang === 'en' ? 'Question 6 of 6' : 'السؤال 6 من 6');
    await noDataKept(page);
    await answer(page, T.yes).click();                                 // q_hurt: yes (red flag)

    // 4. A new case with a first name and sex.
    await page.locator('#main input[name="choice"][value="new"]').check();
    await page.locator('#main input[name="name_first"]').fill(T.name);
    await page.locator('#main select[name="sex"]').selectOption('female');
    await axeCheck(page, `case step (${lang})`);
    await shot(page, `screening-case-phone-${lang}`);
    await btn(page, T.submit).click();

    // 5. The result: danger first, then the result, the reasons, what next, the case.
    await page.locator('#main .screen-danger').waitFor();
    const order = await page.evaluate(() => [...document.querySelectorAll('#main .page > *, #main .screen > *')].map((e) => e.className || e.tagName));
    assert.equal(order[0], 'page-title');
    assert.match(order[1], /screen-danger/, 'the immediate-danger block comes first');
    const text = await main(page).textContent();
    for (const s of [T.danger, T.result, T.risk, ...T.reasons, ...T.services, T.open]) assert.ok(text.includes(s), `the result shows "${s}"`);
    await noHorizontalScroll(page);
    await axeCheck(page, `result (${lang})`);
    await shot(page, `screening-result-phone-${lang}`);
    await noDataKept(page);

    // The API holds the screening with its result, its assent and the new case.
    const link = await page.locator('#main a', { hasText: T.open }).getAttribute('href');
    const caseId = link.match(/#\/cases\/([0-9a-f-]{36})$/)[1];
    const kase = (await screenerApi.get(`/api/v1/cases/${caseId}`)).json;
    assert.equal(kase.data.name_first, T.name);
    assert.equal(kase.data.sex, 'female');
    const list = (await screenerApi.get(`/api/v1/cases/${caseId}/screenings`)).json.items;
    assert.equal(list.length, 1);
    const s = list[0];
    assert.equal(s.tool, 'test_child');
    assert.equal(s.result, 'presumed_victim');
    assert.equal(s.risk_level, 'high');
    assert.equal(s.immediate_danger, true);
    assert.equal(s.case.id, caseId);
    assert.equal(s.assent.given_by, 'child');
    assert.equal(s.assent.method, 'verbal');
    assert.deepEqual(s.reasons.filter((x) => x.indicator).map((x) => x.indicator).sort(), ['false_promise', 'no_pay']);
    assert.ok(s.reasons.some((x) => x.red_flag === 'in_danger'));

    await page.locator('#main a', { hasText: T.open }).click();
    await page.waitForURL(/#\/cases\//);
    await settled(page);
    noProblems(page);
    await page.context().close();
  });
}

test('a screening started from a case page attaches to that case; without a red flag there is no danger block', async () => {
  const made = await cwApi.post('/api/v1/cases', { data: { name_first: 'Karim', sex: 'male' } });
  assert.equal(made.status, 201, made.text);
  const page = await newPage(browser, PHONE);
  await signInUI(page, srv.url, 'caseworker');
  await page.goto(`${srv.url}/#/cases/${made.json.id}`);
  await settled(page);
  await page.locator('#main a', { hasText: 'Screen this child' }).click();
  await page.waitForURL(/#\/screening\?case=/);
  await settled(page);
  assert.ok((await main(page).textContent()).includes(made.json.display_id));
  await page.locator('#main input[name="tool"][value="test_child"]').check();
  await btn(page, 'Start').click();
  await page.locator('#main input[name="given_by"][value="caregiver"]').check();
  await page.locator('#main input[name="method"][value="written"]').check();
  await page.locator('#main input[name="given"]').check();
  await btn(page, 'Continue').click();
  await page.locator('#main .screen-question').waitFor();
  await answer(page, 'No').click();
  await answer(page, 'Yes').click();
  // Changing the language mid-way keeps the place and the answers (in memory).
  await inLanguage(page, 'fr');
  await page.locator('#main .screen-progress', { hasText: 'Question 3 sur 6' }).waitFor();
  await btn(page, 'Retour').click();
  assert.equal(await answer(page, 'Oui').getAttribute('aria-pressed'), 'true');
  await inLanguage(page, 'en');
  await answer(page, 'Yes').click();
  for (const a of ['Paid', 'No', 'No', 'No']) await answer(page, a).click();
  assert.equal(await page.locator(`#main input[name="choice"][value="attach"]`).isChecked(), true, 'the case it was started from');
  await shot(page, 'screening-attach-phone-en');
  await btn(page, 'See the result').click();
  await page.locator('#main .screen-outcome').waitFor();
  assert.equal(await page.locator('#main .screen-danger').count(), 0);
  const text = await main(page).textContent();
  assert.ok(text.includes('Possible victim of trafficking') && text.includes('Forced') && text.includes('Medium'));
  const list = (await cwApi.get(`/api/v1/cases/${made.json.id}/screenings`)).json.items;
  assert.equal(list.length, 1);
  assert.equal(list[0].result, 'possible_victim');
  assert.equal(list[0].assent.given_by, 'caregiver');
  noProblems(page);
  await page.context().close();
});

test('the shipped frontline tool is the default and can be answered through', { skip: !existsSync(FRONTLINE) && 'config/screening/child_frontline.json is not there yet' }, async () => {
  const page = await newPage(browser, PHONE);
  await signInUI(page, srv.url, 'screener');
  await page.goto(`${srv.url}/#/screening`);
  await settled(page);
  assert.equal(await page.locator('#main input[name="tool"][value="child_frontline"]').isChecked(), true);
  await btn(page, 'Start').click();
  await page.locator('#main input[name="given_by"][value="child"]').check();
  await page.locator('#main input[name="method"][value="verbal"]').check();
  await page.locator('#main input[name="given"]').check();
  await btn(page, 'Continue').click();
  await page.locator('#main .screen-question').waitFor();
  await shot(page, 'screening-frontline-question-phone-en');
  // Every question skipped but the first, answered with its first choice.
  await page.locator('#main .screen-answers button').first().click();
  while (await page.locator('#main .screen-question').count()) {
    await axeCheck(page, 'frontline question');
    await btn(page, 'Skip').click();
  }
  await btn(page, 'See the result').click();
  await page.locator('#main .screen-outcome').waitFor();
  await shot(page, 'screening-frontline-result-phone-en');
  await axeCheck(page, 'frontline result');
  noProblems(page);
  await page.context().close();
});
