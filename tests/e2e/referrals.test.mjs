// Browser tests for consent, referrals and transfers: a caseworker records the child's consent
// and refers a demo case to the legal aid clinic sharing the registration form; the provider
// finds it in the inbox, reads only the registration fields and accepts; the caseworker sees
// it accepted, withdraws consent, and the provider's view then says so and shows nothing of
// the case. A decline; a supervisor's referral without consent (override reason); a transfer
// to a colleague accepted from the inbox; the services directory; Arabic on a 360-px phone.
// The unhappy paths: a CSV import with a bad row, a consent without a purpose or a
// best-interests decision without a reason, declining a transfer without a reason.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHaven, signIn } from '../lib/haven.mjs';
import { launch, newPage, signInUI, settled, shot, axeCheck, noProblems, noHorizontalScroll, inLanguage, PHONE } from './lib.mjs';

let srv;
let browser;
let cw;
let clinic;           // the demo legal aid clinic (service)
// Each test has its own case, so none depends on what another did before it.
let bare = [];        // caseworker's demo cases without any consent
let consented = [];   // caseworker's demo cases with the child's consent on record

before(async () => {
  srv = await startHaven({ demo: true });
  browser = await launch();
  cw = await signIn(srv.url, 'caseworker');
  const s = await cw.get('/api/v1/services?need=legal_aid');
  clinic = s.json.items.find((x) => x.name === "Children's legal aid clinic");
  assert.ok(clinic, 'the demo has the legal aid clinic');
  const cases = (await cw.get('/api/v1/cases?mine=1&per=100&status=open')).json.items;
  for (const c of cases) {
    const r = await cw.get(`/api/v1/cases/${c.id}/consents`);
    assert.equal(r.status, 200, r.text);
    (r.json.items.length ? consented : bare).push(c);
  }
  assert.ok(bare.length >= 4, `the demo has 4 cases without consent (${bare.length})`);
  assert.ok(consented.length >= 4, `the demo has 4 cases with consent (${consented.length})`);
});
after(async () => { await browser?.close(); await srv?.cleanup(); });

const main = (page) => page.locator('#main');
const panel = (page, id) => page.locator(`#main section[aria-labelledby="${id}"]`);

// Opens a case page, reading it again when it is the page already shown.
async function openCase(page, id) {
  const url = `${srv.url}/#/cases/${id}`;
  if (page.url() === url) await page.reload();
  else await page.goto(url);
  await settled(page);
}

async function referToClinic(page, shareForms) {
  const refs = panel(page, 'sec-referrals');
  await refs.getByRole('button', { name: 'Refer to a service' }).click();
  await refs.locator('select[name="need"]').selectOption('legal_aid');
  await refs.getByRole('button', { name: 'Find services' }).click();
  const choice = refs.locator('.service-choice', { hasText: "Children's legal aid clinic" });
  await choice.waitFor();
  await choice.locator('input[type="radio"]').check();
  // No form is shared unless ticked.
  assert.equal(await refs.locator('input[name="share"]:checked').count(), 0);
  for (const f of shareForms) await refs.locator(`input[name="share"][value="${f}"]`).check();
  await refs.locator('textarea[name="note"]').fill('Needs advice on her asylum claim before Friday.');
}

test('consent, a referral sharing registration, the provider accepts, then consent is withdrawn', async () => {
  const kase = bare[0];
  const page = await newPage(browser);
  await signInUI(page, srv.url, 'caseworker');
  await openCase(page, kase.id);

  // No consent yet: every purpose "Not asked"; referring is refused for want of consent.
  const consent = panel(page, 'sec-consent');
  assert.match(await consent.textContent(), /No consent has been recorded/);
  assert.equal(await consent.locator('.consent-current .badge', { hasText: 'Not asked' }).count(), 4);
  await referToClinic(page, ['registration']);
  await panel(page, 'sec-referrals').getByRole('button', { name: 'Send referral' }).click();
  const refusal = panel(page, 'sec-referrals').locator('.form-error');
  await refusal.waitFor();
  assert.match(await refusal.textContent(), /No consent covers this/);
  assert.match(await refusal.textContent(), /Record the consent in the Consent panel first/);
  assert.equal(await panel(page, 'sec-referrals').locator('[name="override_reason"]').count(), 0, 'a caseworker cannot override');
  await shot(page, 'referrals-no-consent-desktop-en');

  // Record the child's consent to services and to sharing with the legal aid organisation.
  await consent.getByRole('button', { name: 'Record consent' }).click();
  await consent.locator('select[name="giver"]').selectOption('child');
  assert.deepEqual(await consent.locator('select[name="giver"] option').evaluateAll((o) => o.map((x) => x.value)),
    ['', 'child', 'parent', 'caregiver', 'guardian'], 'best interests is a supervisor\'s decision');
  await consent.locator('select[name="method"]').selectOption('verbal');
  await consent.locator('input[name="purposes"][value="services"]').check();
  assert.ok(await consent.locator('fieldset[data-field="agencies"]').isHidden(), 'agencies only with disclosure');
  await consent.locator('input[name="purposes"][value="disclosure"]').check();
  await consent.locator('fieldset[data-field="agencies"] label', { hasText: "Demo Children's Legal Aid" }).click();
  await consent.locator('input[name="giver_name"]').fill('Amal');
  await shot(page, 'referrals-consent-form-desktop-en');
  await consent.getByRole('button', { name: 'Save consent' }).click();
  await page.waitForFunction(() => /Consent recorded/.test(document.getElementById('status').textContent));
  await settled(page);
  const item = panel(page, 'sec-consent').locator('.consent-item').first();
  await item.waitFor();
  assert.match(await item.textContent(), /The child\s*Given/);
  assert.match(await item.textContent(), /Services and Sharing with other organisations/);
  assert.match(await item.textContent(), /Demo Children's Legal Aid/);
  // The case's consent fields follow: read-only answers on the registration form.
  const c1 = (await cw.get(`/api/v1/cases/${kase.id}`)).json;
  assert.equal(c1.data.consent_for_services, 'yes');
  assert.equal(c1.data.disclosure_other_orgs, 'yes');

  // Refer, sharing the registration form only.
  await referToClinic(page, ['registration']);
  await panel(page, 'sec-referrals').getByRole('button', { name: 'Send referral' }).click();
  await page.waitForFunction(() => /Referral sent/.test(document.getElementById('status').textContent));
  await settled(page);
  const ref = panel(page, 'sec-referrals').locator('.ref-item').first();
  await ref.waitFor();
  assert.match(await ref.textContent(), /Children's legal aid clinic\s*Waiting for an answer/);
  assert.match(await ref.textContent(), /Registration/);
  await axeCheck(page, 'case page with consent and referral');
  await shot(page, 'referrals-case-desktop-en');
  const referral = (await cw.get(`/api/v1/cases/${kase.id}/referrals`)).json.items[0];
  assert.deepEqual(referral.share, ['registration']);

  // The provider: the inbox, then the referral with the registration fields only.
  const pp = await newPage(browser);
  await signInUI(pp, srv.url, 'provider');
  await pp.getByRole('link', { name: 'Referrals' }).click();
  await settled(pp);
  const row = main(pp).locator('tr', { hasText: kase.display_id });
  assert.match(await row.textContent(), /Waiting for an answer/);
  assert.match(await row.textContent(), /Demo Social Services/);
  await axeCheck(pp, 'referral inbox');
  await shot(pp, 'referrals-inbox-desktop-en');
  await row.getByRole('link', { name: kase.display_id }).click();
  await settled(pp);
  assert.match(await main(pp).locator('h1').textContent(), new RegExp(`Referral of ${kase.display_id}`));
  assert.match(await main(pp).textContent(), /Needs advice on her asylum claim/);
  const forms = await main(pp).locator('.shared section.form-read h2').allTextContents();
  assert.deepEqual(forms, ['Registration and legal identity'], 'only the shared form');
  const labels = await main(pp).locator('.shared dt').allTextContents();
  assert.ok(labels.includes('First name') && labels.includes('Sex'), labels.join(', '));
  assert.equal(await main(pp).locator('.shared a, .shared button').count(), 0, 'read-only');
  await axeCheck(pp, 'referral view (pending)');
  await shot(pp, 'referrals-view-pending-desktop-en');
  await main(pp).getByRole('button', { name: 'Accept' }).click();
  await pp.waitForFunction(() => /Referral accepted/.test(document.getElementById('status').textContent));
  await settled(pp);
  assert.match(await main(pp).locator('.badge').first().textContent(), /Accepted/);
  assert.equal(await main(pp).getByRole('button', { name: 'Mark completed' }).count(), 1);
  await shot(pp, 'referrals-view-accepted-desktop-en');

  // The caseworker sees it accepted.
  await openCase(page, kase.id);
  assert.match(await panel(page, 'sec-referrals').locator('.ref-item').first().textContent(), /Accepted/);

  // Withdrawing consent: a confirmation that says access ends at once.
  const cItem = panel(page, 'sec-consent').locator('.consent-item').first();
  await cItem.getByRole('button', { name: 'Withdraw' }).click();
  const confirm = cItem.locator('form.consent-withdraw');
  assert.match(await confirm.textContent(), /takes effect at once/);
  assert.match(await confirm.textContent(), /loses access now/);
  await confirm.locator('textarea[name="reason"]').fill('The child no longer wants the clinic to have her details.');
  await shot(page, 'referrals-withdraw-confirm-desktop-en');
  await confirm.getByRole('button', { name: 'Withdraw consent' }).click();
  await page.waitForFunction(() => /Consent withdrawn/.test(document.getElementById('status').textContent));
  await settled(page);
  assert.match(await panel(page, 'sec-consent').locator('.consent-item').first().textContent(), /Withdrawn/);
  assert.match(await panel(page, 'sec-referrals').locator('.ref-item').first().textContent(), /Consent withdrawn/);
  assert.equal((await cw.get(`/api/v1/cases/${kase.id}`)).json.data.consent_for_services, 'no');

  // The provider's view now says so and shows nothing of the case.
  await pp.reload();
  await settled(pp);
  assert.match(await main(pp).textContent(), /Consent withdrawn — the case is no longer shared/);
  assert.equal(await main(pp).locator('.shared').count(), 0);
  assert.equal(await main(pp).getByRole('button', { name: 'Mark completed' }).count(), 0);
  await shot(pp, 'referrals-view-withdrawn-desktop-en');
  await pp.goto(`${srv.url}/#/referrals?status=consent_withdrawn`);
  await settled(pp);
  assert.equal(await main(pp).locator('tr', { hasText: kase.display_id }).count(), 1);
  noProblems(page);
  noProblems(pp);
  await page.context().close();
  await pp.context().close();
});

test('the provider declines a referral with a reason; the caseworker sees it', async () => {
  const kase = consented[0];
  const r = await cw.post(`/api/v1/cases/${kase.id}/referrals`, { service_id: clinic.id, share: ['registration'], note: 'Family court hearing.' });
  assert.equal(r.status, 201, r.text);
  const pp = await newPage(browser);
  await signInUI(pp, srv.url, 'provider');
  await pp.goto(`${srv.url}/#/referrals/${r.json.id}`);
  await settled(pp);
  const decline = main(pp).locator('form', { hasText: 'Why do you decline?' });
  await decline.getByRole('button', { name: 'Decline' }).click();
  assert.equal(await decline.locator('textarea[aria-invalid="true"]').count(), 1, 'a reason is required');
  await decline.locator('textarea[name="reason"]').fill('We have no lawyer for family cases this month.');
  await decline.getByRole('button', { name: 'Decline' }).click();
  await pp.waitForFunction(() => /Referral declined/.test(document.getElementById('status').textContent));
  await settled(pp);
  assert.match(await main(pp).locator('.badge').first().textContent(), /Declined/);
  noProblems(pp);
  await pp.context().close();

  const page = await newPage(browser);
  await signInUI(page, srv.url, 'caseworker');
  await openCase(page, kase.id);
  const ref = panel(page, 'sec-referrals').locator('.ref-item').first();
  assert.match(await ref.textContent(), /Declined/);
  assert.match(await ref.textContent(), /no lawyer for family cases/);
  assert.equal(await ref.getByRole('button', { name: 'Cancel referral' }).count(), 0);
  noProblems(page);
  await page.context().close();
});

test('an answer overtaken by another (409/412) says to reload', async () => {
  const kase = consented[1];
  const r = await cw.post(`/api/v1/cases/${kase.id}/referrals`, { service_id: clinic.id, share: [] });
  assert.equal(r.status, 201, r.text);
  const pp = await newPage(browser);
  await signInUI(pp, srv.url, 'provider');
  await pp.goto(`${srv.url}/#/referrals/${r.json.id}`);
  await settled(pp);
  // Someone else at the clinic accepts first.
  const other = await signIn(srv.url, 'provider');
  assert.equal((await other.patch(`/api/v1/referrals/${r.json.id}`, { status: 'accepted' }, { 'if-match': '"1"' })).status, 200);
  await main(pp).getByRole('button', { name: 'Accept' }).click();
  const err = main(pp).locator('.form-error');
  await err.waitFor();
  assert.match(await err.textContent(), /Someone else answered this first/);
  assert.doesNotMatch(await err.textContent(), /\bnull\b/);
  await err.getByRole('button', { name: /Reload/i }).click();
  await settled(pp);
  assert.match(await main(pp).locator('.badge').first().textContent(), /Accepted/);
  noProblems(pp);
  await pp.context().close();
});

test('a supervisor refers without consent by giving an override reason', async () => {
  const kase = bare[1];
  const page = await newPage(browser);
  await signInUI(page, srv.url, 'supervisor');
  await openCase(page, kase.id);
  await referToClinic(page, []);
  const refs = panel(page, 'sec-referrals');
  await refs.getByRole('button', { name: 'Send referral' }).click();
  const reason = refs.locator('textarea[name="override_reason"]');
  await reason.waitFor();
  assert.match(await refs.locator('.form-error').textContent(), /As a supervisor you may go ahead without consent/);
  await reason.fill('Immediate danger: the child must see a lawyer today.');
  await shot(page, 'referrals-override-desktop-en');
  await refs.getByRole('button', { name: 'Send referral' }).click();
  await page.waitForFunction(() => /Referral sent/.test(document.getElementById('status').textContent));
  await settled(page);
  const ref = panel(page, 'sec-referrals').locator('.ref-item').first();
  assert.match(await ref.locator('.ref-override').textContent(), /Referred without consent: Immediate danger/);
  noProblems(page);
  await page.context().close();
  // The provider learns that there was no consent, but not the supervisor's reason.
  const id = (await (await signIn(srv.url, 'supervisor')).get(`/api/v1/cases/${kase.id}/referrals`)).json.items[0].id;
  const pp = await newPage(browser);
  await signInUI(pp, srv.url, 'provider');
  await pp.goto(`${srv.url}/#/referrals/${id}`);
  await settled(pp);
  const text = await main(pp).textContent();
  assert.match(text, /without recorded consent/);
  assert.doesNotMatch(text, /Immediate danger/);
  noProblems(pp);
  await pp.context().close();
});

test('a supervisor transfers a case to a colleague, who accepts it from the inbox', async () => {
  const kase = consented[2];
  const page = await newPage(browser);
  await signInUI(page, srv.url, 'supervisor');
  await openCase(page, kase.id);
  const tr = panel(page, 'sec-transfer');
  await tr.getByRole('button', { name: 'Transfer the case' }).click();
  await tr.locator('select[name="kind"]').selectOption('user');
  const colleague = await tr.locator('select[name="to_user_id"] option', { hasText: 'caseworker2' }).getAttribute('value');
  await tr.locator('select[name="to_user_id"]').selectOption(colleague);
  await tr.locator('textarea[name="reason"]').fill('Daniel is on leave for a month.');
  await tr.getByRole('button', { name: 'Propose the transfer' }).click();
  await page.waitForFunction(() => /Transfer proposed/.test(document.getElementById('status').textContent));
  await settled(page);
  assert.match(await panel(page, 'sec-transfer').textContent(), /A transfer is waiting for an answer/);
  await shot(page, 'transfers-case-pending-desktop-en');
  noProblems(page);
  await page.context().close();

  const p2 = await newPage(browser);
  await signInUI(p2, srv.url, 'caseworker2');
  await p2.goto(`${srv.url}/#/referrals`);
  await settled(p2);
  const card = main(p2).locator('.tr-item', { hasText: kase.display_id });
  assert.match(await card.textContent(), /Daniel is on leave/);
  await axeCheck(p2, 'transfers inbox');
  await shot(p2, 'transfers-inbox-desktop-en');
  await card.getByRole('button', { name: 'Accept the transfer' }).click();
  await p2.waitForFunction(() => /Transfer accepted/.test(document.getElementById('status').textContent));
  await settled(p2);
  const c = (await (await signIn(srv.url, 'caseworker2')).get(`/api/v1/cases/${kase.id}`)).json;
  assert.equal(c.owner.username, 'caseworker2');
  noProblems(p2);
  await p2.context().close();
});

test('the services directory: analysts add a service, caseworkers search it read-only', async () => {
  const page = await newPage(browser);
  await signInUI(page, srv.url, 'analyst');
  await page.getByRole('link', { name: 'Services directory' }).click();
  await settled(page);
  await main(page).getByRole('link', { name: 'Add a service' }).click();
  await settled(page);
  await main(page).locator('[name="name"]').fill('Riverside interpreters');
  await main(page).locator('[name="type"]').selectOption('interpretation');
  await main(page).locator('[name="pcode"]').fill('XD0101');
  await main(page).locator('input[name="languages"][value="ar"]').check();
  await main(page).locator('[name="ages_min"]').fill('0');
  await main(page).locator('[name="ages_max"]').fill('17');
  await main(page).locator('[name="aaaq_quality"]').fill('4');
  await shot(page, 'services-new-desktop-en');
  await main(page).getByRole('button', { name: 'Save' }).click();
  await page.waitForFunction(() => location.hash === '#/services');
  await settled(page);
  const row = main(page).locator('tr', { hasText: 'Riverside interpreters' });
  assert.match(await row.textContent(), /Interpretation/);
  // Edit it: PUT with If-Match.
  await row.getByRole('link', { name: 'Riverside interpreters' }).click();
  await settled(page);
  await main(page).locator('[name="availability"]').selectOption('waiting_list');
  await main(page).getByRole('button', { name: 'Save' }).click();
  await page.waitForFunction(() => location.hash === '#/services');
  await settled(page);
  assert.match(await main(page).locator('tr', { hasText: 'Riverside interpreters' }).textContent(), /Waiting list/);
  await axeCheck(page, 'services directory (analyst)');
  await shot(page, 'services-list-desktop-en');
  noProblems(page);
  await page.context().close();

  const p2 = await newPage(browser);
  await signInUI(p2, srv.url, 'caseworker');
  await p2.goto(`${srv.url}/#/services`);
  await settled(p2);
  assert.equal(await main(p2).getByRole('link', { name: 'Add a service' }).count(), 0);
  await main(p2).locator('select[name="need"]').selectOption('interpretation');
  await main(p2).getByRole('button', { name: 'Search services' }).click();
  await settled(p2);
  assert.equal(await main(p2).locator('tr', { hasText: 'Riverside interpreters' }).count(), 1);
  assert.equal(await main(p2).locator('a', { hasText: 'Riverside interpreters' }).count(), 0, 'read-only');
  noProblems(p2);
  await p2.context().close();
});

test('Arabic on a 360-px phone: the case panels, the inbox and a referral read right to left', async () => {
  const kase = consented[3];
  const r = await cw.post(`/api/v1/cases/${kase.id}/referrals`, { service_id: clinic.id, share: ['registration'], note: 'تحتاج إلى مشورة قانونية.' });
  assert.equal(r.status, 201, r.text);

  const page = await newPage(browser, PHONE);
  await signInUI(page, srv.url, 'caseworker');
  await inLanguage(page, 'ar');
  await openCase(page, kase.id);
  await panel(page, 'sec-consent').getByRole('button', { name: 'تسجيل موافقة' }).click();
  await panel(page, 'sec-referrals').getByRole('button', { name: 'إحالة إلى خدمة' }).click();
  await panel(page, 'sec-referrals').locator('.service-choice').first().waitFor();
  await noHorizontalScroll(page);
  await axeCheck(page, 'case page (ar, phone)');
  await panel(page, 'sec-consent').screenshot({ path: 'tests/e2e/screenshots/referrals-consent-phone-ar.png' });
  await panel(page, 'sec-referrals').screenshot({ path: 'tests/e2e/screenshots/referrals-refer-phone-ar.png' });
  noProblems(page);
  await page.context().close();

  const pp = await newPage(browser, PHONE);
  await signInUI(pp, srv.url, 'provider');
  await inLanguage(pp, 'ar');
  await pp.goto(`${srv.url}/#/referrals`);
  await settled(pp);
  assert.equal((await main(pp).locator('h1').textContent()).trim(), 'الإحالات والنقل');
  await noHorizontalScroll(pp);
  await shot(pp, 'referrals-inbox-phone-ar');
  await pp.goto(`${srv.url}/#/referrals/${r.json.id}`);
  await settled(pp);
  assert.match(await main(pp).locator('.badge').first().textContent(), /بانتظار الرد/);
  assert.equal(await main(pp).locator('.shared section.form-read').count(), 1);
  // The buttons are big enough to hit with a thumb.
  const accept = await main(pp).getByRole('button', { name: 'قبول' }).boundingBox();
  assert.ok(accept.height >= 44, `the Accept button is ${accept.height}px high`);
  await noHorizontalScroll(pp);
  await axeCheck(pp, 'referral view (ar, phone)');
  await shot(pp, 'referrals-view-phone-ar');
  noProblems(pp);
  await pp.context().close();
});

test('a services CSV import with a bad row is refused, the row named, nothing imported', async () => {
  const api = await signIn(srv.url, 'analyst');
  const before = (await api.get('/api/v1/services')).json.total;
  const top = (await api.get('/api/v1/locations')).json.items[0].pcode;
  const csv = ['name,type,pcode,languages', `Northern shelter,safe_shelter,${top},ar`, `Southern shelter,witchcraft,${top},fr`].join('\n');
  const page = await newPage(browser);
  await signInUI(page, srv.url, 'analyst');
  await page.goto(`${srv.url}/#/services`);
  await settled(page);
  const form = main(page).locator('form.services-import');
  await form.getByRole('button', { name: 'Import' }).click();
  assert.equal(await form.locator('input[name="file"][aria-invalid="true"]').count(), 1, 'a file is required');
  await form.locator('input[name="file"]').setInputFiles({ name: 'services.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await form.getByRole('button', { name: 'Import' }).click();
  const err = form.locator('.form-error');
  await err.waitFor();
  assert.match(await err.textContent(), /row 3\b/i, 'the bad row is named');
  assert.doesNotMatch(await err.textContent(), /HTTP \d/);
  assert.equal(await page.evaluate(() => document.activeElement && document.activeElement.classList.contains('form-error')), true);
  await shot(page, 'services-import-error-desktop-en');
  assert.equal((await api.get('/api/v1/services')).json.total, before, 'all rows or none');
  noProblems(page);
  await page.context().close();
});

test('the consent form refuses a consent without a purpose, and a best-interests decision without a reason', async () => {
  const kase = bare[2];
  const count = async () => (await cw.get(`/api/v1/cases/${kase.id}/consents`)).json.items.length;
  const page = await newPage(browser);
  await signInUI(page, srv.url, 'caseworker');
  await openCase(page, kase.id);
  let consent = panel(page, 'sec-consent');
  await consent.getByRole('button', { name: 'Record consent' }).click();
  await consent.locator('select[name="giver"]').selectOption('child');
  await consent.getByRole('button', { name: 'Save consent' }).click();
  const purposes = consent.locator('fieldset[data-field="purposes"]');
  assert.match(await purposes.locator('.field-error').textContent(), /Tick at least one purpose/);
  assert.equal(await page.evaluate(() => document.activeElement && document.activeElement.name), 'purposes', 'the first purpose has the focus');
  noProblems(page);
  await page.context().close();
  assert.equal(await count(), 0, 'nothing was recorded');

  // A supervisor's best-interests decision needs its reason; with one it is recorded.
  const sp = await newPage(browser);
  await signInUI(sp, srv.url, 'supervisor');
  await openCase(sp, kase.id);
  consent = panel(sp, 'sec-consent');
  await consent.getByRole('button', { name: 'Record consent' }).click();
  await consent.locator('select[name="giver"]').selectOption('best_interests');
  await consent.locator('input[name="purposes"][value="services"]').check();
  await consent.getByRole('button', { name: 'Save consent' }).click();
  const reason = consent.locator('textarea[name="reason"]');
  assert.equal(await reason.getAttribute('aria-invalid'), 'true');
  assert.match(await consent.locator('[data-field="reason"] .field-error').textContent(), /Give the reason for the best-interests decision/);
  assert.equal(await sp.evaluate(() => document.activeElement && document.activeElement.name), 'reason');
  await shot(sp, 'consent-bi-no-reason-desktop-en');
  assert.equal(await count(), 0, 'nothing was recorded');
  await reason.fill('No parent or guardian can be reached and the child needs a doctor today.');
  await consent.getByRole('button', { name: 'Save consent' }).click();
  await sp.waitForFunction(() => /Consent recorded/.test(document.getElementById('status').textContent));
  await settled(sp);
  assert.match(await panel(sp, 'sec-consent').locator('.consent-item').first().textContent(), /Best-interests decision\s*Given/);
  assert.equal(await count(), 1);
  noProblems(sp);
  await sp.context().close();
});

test('declining a transfer without a reason is refused; with one it is declined', async () => {
  const kase = bare[3];
  const sup = await signIn(srv.url, 'supervisor');
  const to = (await sup.get('/api/v1/users')).json.items.find((u) => u.username === 'caseworker2');
  const x = await sup.post(`/api/v1/cases/${kase.id}/transfers`, { to_user_id: to.id, reason: 'Closer to where the child lives now.' });
  assert.equal(x.status, 201, x.text);
  const status = async () => (await sup.get(`/api/v1/transfers/${x.json.id}`)).json.status;

  const page = await newPage(browser);
  await signInUI(page, srv.url, 'caseworker2');
  await page.goto(`${srv.url}/#/referrals`);
  await settled(page);
  assert.doesNotMatch(await main(page).textContent(), /\bnull\b/, 'an empty referral inbox shows nothing left out');
  const card = main(page).locator('.tr-item', { hasText: kase.display_id });
  const decline = card.locator('form', { hasText: 'Why do you decline?' });
  await decline.getByRole('button', { name: 'Decline' }).click();
  const reason = decline.locator('textarea[name="reason"]');
  assert.equal(await reason.getAttribute('aria-invalid'), 'true', 'a reason is required');
  assert.match(await decline.locator('.field-error').textContent(), /This field is required/);
  assert.equal(await page.evaluate(() => document.activeElement && document.activeElement.name), 'reason');
  assert.equal(await status(), 'pending');
  await reason.fill('I have no capacity for a new case this month.');
  await decline.getByRole('button', { name: 'Decline' }).click();
  await page.waitForFunction(() => /Transfer declined/.test(document.getElementById('status').textContent));
  await settled(page);
  assert.equal(await status(), 'declined');
  assert.equal(await main(page).locator('.tr-item', { hasText: kase.display_id }).count(), 0, 'no longer awaiting an answer');
  noProblems(page);
  await page.context().close();
});
