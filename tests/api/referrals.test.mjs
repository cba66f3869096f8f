// Consent as records, consented referrals to the services directory, the provider's inbox,
// and transfers of responsibility: every rule of docs/referrals.md as a client meets it.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { signIn, advanceClock } from '../lib/haven.mjs';
import { demoServer, expectStatus, expectError, agencyByCode, userClient, createCase, readAudit, todayUTC } from './fixtures.mjs';

const child = (extra = {}) => ({ name_first: 'Rana', name_last: 'Test', sex: 'female', age: 14, ...extra });
const consent = (extra = {}) => ({ giver: 'child', decision: 'given', method: 'verbal', purposes: ['services', 'disclosure'], ...extra });

describe('consent, referrals and transfers', { timeout: 120_000 }, () => {
  let h, admin, sup, cw, cw2, provider, dss, dla, clinic, shelter, police;
  before(async () => {
    ({ h, admin, dss } = await demoServer());
    sup = await signIn(h.url, 'supervisor');
    cw = await signIn(h.url, 'caseworker');
    cw2 = await signIn(h.url, 'caseworker2');
    provider = await signIn(h.url, 'provider');
    dla = await agencyByCode(admin, 'DLA');
    const services = (await cw.get('/api/v1/services?per=100')).json.items;
    clinic = services.find((s) => s.type === 'legal_aid');
    shelter = services.find((s) => s.type === 'safe_shelter');
    assert.ok(clinic && shelter, 'the demo directory has the NGO services');
    // A police unit with a service of its own, to see the non-punishment notice travel.
    const pa = await admin.post('/api/v1/agencies', { name: 'Demo Police Child Unit', type: 'police', code: 'DPC' });
    expectStatus(pa, 201);
    police = { agency: pa.json };
    const ps = await admin.post('/api/v1/services', { name: 'Child protection police desk', type: 'legal_aid', pcode: 'XD01',
      agency_id: pa.json.id });
    expectStatus(ps, 201);
    police.service = ps.json;
    police.user = await userClient(h.url, admin, { role: 'provider', agency_id: pa.json.id });
  });
  after(async () => { await h.cleanup(); });

  async function newCase(data = child()) { return createCase(cw, data); }

  it('consent is a record; the case fields are derived and cannot be written', async () => {
    const c = await newCase();
    expectError(await cw.patch(`/api/v1/cases/${c.id}`, { data: { consent_for_services: 'yes' } }, { 'if-match': `"${c.version}"` }),
      422, 'validation_failed', 'consent_for_services');
    const r = await cw.post(`/api/v1/cases/${c.id}/consents`, consent({ purposes: ['services', 'disclosure', 'tracing'], giver_name: 'رنا' }));
    expectStatus(r, 201);
    assert.deepEqual(r.json.active, ['services', 'disclosure', 'tracing']);
    assert.equal(r.json.given_on, todayUTC());
    const after = (await cw.get(`/api/v1/cases/${c.id}`)).json;
    assert.equal(after.version, c.version + 1);
    assert.equal(after.data.consent_for_services, 'yes');
    assert.equal(after.data.disclosure_other_orgs, 'yes');
    assert.equal(after.data.consent_for_tracing, 'yes');
    assert.equal(after.data.consent_for_reporting, undefined, 'nobody was asked about reporting');
    const refusal = await cw.post(`/api/v1/cases/${c.id}/consents`, consent({ decision: 'refused', purposes: ['reporting'], giver: 'caregiver' }));
    expectStatus(refusal, 201);
    const list = (await cw.get(`/api/v1/cases/${c.id}/consents`)).json;
    assert.equal(list.items.length, 2);
    assert.deepEqual(list.current, { consent_for_services: 'yes', disclosure_other_orgs: 'yes', consent_for_tracing: 'yes',
      consent_for_reporting: 'no' });
    const hist = (await cw.get(`/api/v1/cases/${c.id}/history`)).json;
    assert.ok(JSON.stringify(hist).includes('consent_for_reporting'), 'the derived change is in the history');
    const audit = (await readAudit(admin, `record_id=${c.id}&action=case.consent`)).items;
    assert.equal(audit.length, 2, 'each consent is audited');
  });

  it('bad consents are refused and change nothing', async () => {
    const c = await newCase();
    const bad = [
      [{ ...consent(), giver: 'neighbour' }, 'giver'],
      [{ ...consent(), decision: 'maybe' }, 'decision'],
      [{ ...consent(), method: 'telepathy' }, 'method'],
      [{ ...consent(), purposes: [] }, 'purposes'],
      [{ ...consent(), purposes: ['services', 'services'] }, 'purposes'],
      [{ ...consent(), purposes: 'services' }, 'purposes'],
      [{ ...consent(), given_on: '2999-01-01' }, 'given_on'],
      [{ ...consent(), agencies: ['not-an-id'] }, 'agencies'],
      [{ ...consent(), purposes: ['services'], agencies: [dla.id] }, 'agencies'],
      [{ ...consent(), colour: 'blue' }, 'colour'],
      [{ ...consent(), giver: 'best_interests' }, 'reason'],
    ];
    for (const [body, field] of bad) expectError(await cw.post(`/api/v1/cases/${c.id}/consents`, body), 422, null, field);
    expectError(await cw.post(`/api/v1/cases/${c.id}/consents`, '{"giver":'), 400);
    // A best-interests decision is a supervisor's.
    expectError(await cw.post(`/api/v1/cases/${c.id}/consents`, consent({ giver: 'best_interests', reason: 'infant' })), 403, null, 'giver');
    expectStatus(await sup.post(`/api/v1/cases/${c.id}/consents`, consent({ giver: 'best_interests', reason: 'the caregiver is a suspect' })), 201);
    // A refusal where a consent still holds is a withdrawal in disguise, even one for named agencies.
    expectError(await cw.post(`/api/v1/cases/${c.id}/consents`, consent({ decision: 'refused', purposes: ['services'] })), 409, null, 'purposes');
    expectStatus(await cw.post(`/api/v1/cases/${c.id}/consents`, consent({ purposes: ['disclosure'], agencies: [dla.id] })), 201);
    expectError(await cw.post(`/api/v1/cases/${c.id}/consents`, consent({ decision: 'refused', purposes: ['disclosure'] })), 409, null, 'purposes');
    // Another caseworker's case is not there for cw2; a screener may not record consent.
    expectError(await cw2.post(`/api/v1/cases/${c.id}/consents`, consent()), 404);
    const list = (await cw.get(`/api/v1/cases/${c.id}/consents`)).json;
    assert.equal(list.items.length, 2, 'only the supervisor\'s decision and the disclosure consent were recorded');
  });

  it('a referral needs consent for services and disclosure to that agency', async () => {
    const c = await newCase();
    const refer = { service_id: clinic.id, share: ['registration'], note: 'needs a lawyer for her asylum claim' };
    expectError(await cw.post(`/api/v1/cases/${c.id}/referrals`, refer), 422, null, 'consent');
    // Disclosure limited to another agency does not cover the NGO.
    expectStatus(await cw.post(`/api/v1/cases/${c.id}/consents`, consent({ agencies: [police.agency.id] })), 201);
    expectError(await cw.post(`/api/v1/cases/${c.id}/referrals`, refer), 422, null, 'consent');
    // A caseworker cannot override; a supervisor can, and it is audited with the reason.
    expectError(await cw.post(`/api/v1/cases/${c.id}/referrals`, { ...refer, override_reason: 'urgent' }), 403, null, 'override_reason');
    const o = await sup.post(`/api/v1/cases/${c.id}/referrals`, { ...refer, override_reason: 'life-threatening: she needs a shelter tonight' });
    expectStatus(o, 201);
    assert.equal(o.json.override_reason, 'life-threatening: she needs a shelter tonight');
    const audit = (await readAudit(admin, `record_id=${c.id}&action=case.refer_override`)).items;
    assert.equal(audit.length, 1);
    assert.equal(audit[0].reason, 'life-threatening: she needs a shelter tonight');
    const shown = (await cw.get(`/api/v1/cases/${c.id}/referrals`)).json.items;
    assert.equal(shown[0].override_reason, 'life-threatening: she needs a shelter tonight', 'the override is shown on the case');
    const theirs = (await provider.get(`/api/v1/referrals/${o.json.id}`)).json;
    assert.equal(theirs.without_consent, true, 'the provider knows there was no consent');
    assert.equal(theirs.override_reason, undefined, 'but not the reason, which may tell of the case');
    // With consent for the NGO, an override is refused as unneeded, and the referral goes through.
    expectStatus(await cw.post(`/api/v1/cases/${c.id}/consents`, consent({ purposes: ['disclosure'], agencies: [dla.id] })), 201);
    expectError(await sup.post(`/api/v1/cases/${c.id}/referrals`, { ...refer, override_reason: 'x' }), 422, null, 'override_reason');
    expectStatus(await cw.post(`/api/v1/cases/${c.id}/referrals`, refer), 201);
  });

  it('bad referrals are refused', async () => {
    const c = await newCase();
    expectStatus(await cw.post(`/api/v1/cases/${c.id}/consents`, consent()), 201);
    const bad = [
      [{ service_id: '00000000-0000-4000-8000-000000000000' }, 'service_id'],
      [{ service_id: clinic.id, share: ['no_such_form'] }, 'share'],
      [{ service_id: clinic.id, share: ['registration', 'registration'] }, 'share'],
      [{ service_id: clinic.id, respond_by: '2001-01-01' }, 'respond_by'],
      [{ service_id: clinic.id, note: 'x'.repeat(2001) }, 'note'],
      [{ service_id: clinic.id, extra: 1 }, 'extra'],
    ];
    for (const [body, field] of bad) expectError(await cw.post(`/api/v1/cases/${c.id}/referrals`, body), 422, null, field);
    expectError(await provider.post(`/api/v1/cases/${c.id}/referrals`, { service_id: clinic.id }), 404);
  });

  it('the provider sees only referred cases, only the shared forms, and answers', async () => {
    const c = await newCase(child({ name_first: 'سلمى', health_conditions: undefined }));
    expectStatus(await cw.post(`/api/v1/cases/${c.id}/consents`, consent()), 201);
    const other = await newCase();
    const ref = await cw.post(`/api/v1/cases/${c.id}/referrals`, { service_id: clinic.id, share: ['registration'], note: 'legal aid' });
    expectStatus(ref, 201);
    assert.equal(ref.json.status, 'pending');
    // The case itself stays out of reach.
    expectError(await provider.get(`/api/v1/cases/${c.id}`), 404);
    expectError(await provider.get(`/api/v1/cases/${other.id}`), 404);
    const inbox = (await provider.get('/api/v1/referrals?box=inbox')).json;
    const mine = inbox.items.find((x) => x.id === ref.json.id);
    assert.ok(mine, 'the referral is in the inbox');
    assert.equal(mine.case.id, undefined, 'the inbox names the case only by its display id');
    assert.equal(mine.case.data, undefined, 'the inbox holds no case data');
    const view = await provider.get(`/api/v1/referrals/${ref.json.id}`);
    expectStatus(view, 200);
    assert.equal(view.json.case.data.name_first, 'سلمى');
    assert.equal(view.json.case.data.protection_concerns, undefined, 'fields of forms not shared are left out');
    assert.deepEqual(view.json.case.notices, [], 'no notices to an NGO');
    // Another agency's provider does not see it; nor does a caseworker of another agency.
    expectError(await police.user.get(`/api/v1/referrals/${ref.json.id}`), 404);
    assert.equal((await police.user.get('/api/v1/referrals?box=inbox')).json.total, 0);
    // Answering: stale versions, wrong moves and missing reasons are refused.
    const v = view.json.version;
    expectError(await provider.patch(`/api/v1/referrals/${ref.json.id}`, { status: 'accepted' }), 428);
    expectError(await provider.patch(`/api/v1/referrals/${ref.json.id}`, { status: 'accepted' }, { 'if-match': `"${v + 5}"` }), 412);
    expectError(await provider.patch(`/api/v1/referrals/${ref.json.id}`, { status: 'completed', reason: 'x' }, { 'if-match': `"${v}"` }), 409, null, 'status');
    expectError(await provider.patch(`/api/v1/referrals/${ref.json.id}`, { status: 'declined' }, { 'if-match': `"${v}"` }), 422, null, 'reason');
    expectError(await provider.patch(`/api/v1/referrals/${ref.json.id}`, { status: 'cancelled', reason: 'x' }, { 'if-match': `"${v}"` }), 403, null, 'status');
    const ok = await provider.patch(`/api/v1/referrals/${ref.json.id}`, { status: 'accepted' }, { 'if-match': `"${v}"` });
    expectStatus(ok, 200);
    assert.equal(ok.json.status, 'accepted');
    const done = await provider.patch(`/api/v1/referrals/${ref.json.id}`, { status: 'completed', reason: 'represented her at the hearing',
      services_given: 'legal counselling; representation' }, { 'if-match': `"${ok.json.version}"` });
    expectStatus(done, 200);
    const seen = (await cw.get(`/api/v1/cases/${c.id}/referrals`)).json.items[0];
    assert.equal(seen.status, 'completed');
    assert.equal(seen.services_given, 'legal counselling; representation');
    assert.ok((await readAudit(admin, `record_id=${c.id}&action=referral.read`)).items.length >= 1, 'the provider\'s read is audited');
    const hist = (await cw.get(`/api/v1/cases/${c.id}/history`)).json.items;
    assert.ok(hist.some((x) => x.field === 'referrals' && x.to && x.to.status === 'completed'), 'the case history shows the referral\'s course');
  });

  it('withdrawing consent cuts the provider off at once', async () => {
    const c = await newCase();
    const given = (await cw.post(`/api/v1/cases/${c.id}/consents`, consent({ purposes: ['services', 'disclosure', 'tracing'] }))).json;
    const ref = (await cw.post(`/api/v1/cases/${c.id}/referrals`, { service_id: clinic.id, share: ['registration'] })).json;
    expectStatus(await provider.get(`/api/v1/referrals/${ref.id}`), 200);
    // Withdrawing tracing only leaves the referral standing.
    const w1 = await cw.post(`/api/v1/consents/${given.id}/withdraw`, { purposes: ['tracing'], reason: 'does not want her uncle contacted' });
    expectStatus(w1, 200);
    assert.deepEqual(w1.json.active, ['services', 'disclosure']);
    assert.equal((await provider.get(`/api/v1/referrals/${ref.id}`)).json.case.data.name_first, 'Rana');
    assert.equal((await cw.get(`/api/v1/cases/${c.id}`)).json.data.consent_for_tracing, 'no');
    expectError(await cw.post(`/api/v1/consents/${given.id}/withdraw`, {}), 422, null, 'reason');
    const w2 = await cw.post(`/api/v1/consents/${given.id}/withdraw`, { reason: 'changed her mind' });
    expectStatus(w2, 200);
    const cut = await provider.get(`/api/v1/referrals/${ref.id}`);
    expectStatus(cut, 200);
    assert.equal(cut.json.status, 'consent_withdrawn');
    assert.equal(cut.json.case.data, undefined, 'no case data once consent is withdrawn');
    const open = (await cw.get(`/api/v1/tasks?record_id=${c.id}&status=open`)).json.items;
    assert.ok(!open.some((t) => t.rule === 'referral_response'), 'nobody waits for an answer to a referral that ended');
    assert.equal((await cw.get(`/api/v1/cases/${c.id}`)).json.data.consent_for_services, 'no');
    expectError(await cw.post(`/api/v1/consents/${given.id}/withdraw`, { reason: 'again' }), 409);
    expectError(await provider.patch(`/api/v1/referrals/${ref.id}`, { status: 'accepted' }, { 'if-match': `"${cut.json.version}"` }), 409);
    assert.equal((await readAudit(admin, `record_id=${c.id}&action=case.consent_withdraw`)).items.length, 2);
    expectError(await cw2.post(`/api/v1/consents/${given.id}/withdraw`, { reason: 'x' }), 404);
  });

  it('referrals to police carry the non-punishment notice', async () => {
    const c = await newCase(child({ protection_concerns: ['trafficking'] }));
    const v = (await cw.get(`/api/v1/cases/${c.id}`)).json.version;
    expectStatus(await cw.patch(`/api/v1/cases/${c.id}`, { data: { expl_suspected: 'yes', expl_forms: ['forced_criminality'] } }, { 'if-match': `"${v}"` }), 200);
    expectStatus(await cw.post(`/api/v1/cases/${c.id}/consents`, consent()), 201);
    const ref = (await cw.post(`/api/v1/cases/${c.id}/referrals`, { service_id: police.service.id, share: ['registration'] })).json;
    const view = (await police.user.get(`/api/v1/referrals/${ref.id}`)).json;
    assert.deepEqual(view.case.notices.map((n) => n.id), ['non_punishment']);
    assert.match(view.case.notices[0].message, /non-punishment/);
  });

  it('transfers take effect only when the receiver accepts', async () => {
    const c = await newCase();
    const caseworker2 = cw2.user;
    // Within the agency: the colleague accepts and becomes the owner.
    const t = await cw.post(`/api/v1/cases/${c.id}/transfers`, { to_user_id: caseworker2.id, reason: 'I am going on leave' });
    expectStatus(t, 201);
    expectError(await cw.post(`/api/v1/cases/${c.id}/transfers`, { to_user_id: caseworker2.id, reason: 'again' }), 409);
    expectError(await cw2.get(`/api/v1/cases/${c.id}`), 404, null, null);
    const inbox = (await cw2.get('/api/v1/transfers?box=inbox')).json.items;
    assert.ok(inbox.some((x) => x.id === t.json.id));
    assert.ok((await readAudit(admin, `record_id=${c.id}&action=transfer.list`)).items.length >= 1, 'seeing a transfer is audited');
    expectError(await cw.patch(`/api/v1/transfers/${t.json.id}`, { status: 'accepted' }, { 'if-match': '"1"' }), 403);
    const ok = await cw2.patch(`/api/v1/transfers/${t.json.id}`, { status: 'accepted' }, { 'if-match': '"1"' });
    expectStatus(ok, 200);
    const moved = (await cw2.get(`/api/v1/cases/${c.id}`)).json;
    assert.equal(moved.owner.id, caseworker2.id);
    expectError(await cw.get(`/api/v1/cases/${c.id}`), 404, null, null);
    // To another agency: consent to disclosure first, then the NGO's supervisor accepts.
    const ngoSup = await userClient(h.url, admin, { role: 'supervisor', agency_id: dla.id });
    const ngoCw = await userClient(h.url, admin, { role: 'caseworker', agency_id: dla.id });
    expectError(await cw2.post(`/api/v1/cases/${c.id}/transfers`, { to_agency_id: dla.id, reason: 'they run case management' }), 422, null, 'consent');
    expectStatus(await cw2.post(`/api/v1/cases/${c.id}/consents`, consent({ purposes: ['disclosure'], agencies: [dla.id] })), 201);
    const x = await cw2.post(`/api/v1/cases/${c.id}/transfers`, { to_agency_id: dla.id, reason: 'they run case management' });
    expectStatus(x, 201);
    expectError(await ngoCw.patch(`/api/v1/transfers/${x.json.id}`, { status: 'accepted' }, { 'if-match': '"1"' }), 404);
    expectError(await ngoSup.patch(`/api/v1/transfers/${x.json.id}`, { status: 'accepted', owner_id: cw.user.id }, { 'if-match': '"1"' }), 422, null, 'owner_id');
    expectStatus(await ngoSup.patch(`/api/v1/transfers/${x.json.id}`, { status: 'accepted', owner_id: ngoCw.userId }, { 'if-match': '"1"' }), 200);
    const there = (await ngoCw.get(`/api/v1/cases/${c.id}`)).json;
    assert.equal(there.agency.id, dla.id);
    assert.equal(there.owner.id, ngoCw.userId);
    expectError(await cw2.get(`/api/v1/cases/${c.id}`), 404, null, null);
    expectError(await sup.get(`/api/v1/cases/${c.id}`), 404, null, null);
  });

  it('a declined transfer stays with the proposer and gives them a task', async () => {
    const c = await newCase();
    const t = (await cw.post(`/api/v1/cases/${c.id}/transfers`, { to_user_id: cw2.user.id, reason: 'leave' })).json;
    expectError(await cw2.patch(`/api/v1/transfers/${t.id}`, { status: 'declined' }, { 'if-match': '"1"' }), 422, null, 'reason');
    expectStatus(await cw2.patch(`/api/v1/transfers/${t.id}`, { status: 'declined', reason: 'my caseload is full' }, { 'if-match': '"1"' }), 200);
    assert.equal((await cw.get(`/api/v1/cases/${c.id}`)).json.owner.id, cw.user.id);
    const tasks = (await cw.get(`/api/v1/tasks?record_id=${c.id}&status=open`)).json.items;
    assert.ok(tasks.some((x) => x.rule === 'transfer_declined'));
    const sent = (await cw.get('/api/v1/transfers?box=sent')).json.items.find((x) => x.id === t.id);
    assert.equal(sent.status, 'declined');
    assert.equal(sent.answer, 'my caseload is full');
  });

  it('a receiving agency may ask for a case\'s transfer', async () => {
    const c = await newCase();
    expectStatus(await cw.post(`/api/v1/cases/${c.id}/consents`, consent()), 201);
    const ngoCw = await userClient(h.url, admin, { role: 'caseworker', agency_id: dla.id });
    const ref = (await cw.post(`/api/v1/cases/${c.id}/referrals`, { service_id: clinic.id, share: ['registration'] })).json;
    expectError(await ngoCw.post(`/api/v1/referrals/${ref.id}/transfer_request`, { reason: 'we will manage her case' }), 409);
    expectStatus(await ngoCw.patch(`/api/v1/referrals/${ref.id}`, { status: 'accepted' }, { 'if-match': `"${ref.version}"` }), 200);
    expectError(await provider.post(`/api/v1/referrals/${ref.id}/transfer_request`, { reason: 'x' }), 403);
    const q = await ngoCw.post(`/api/v1/referrals/${ref.id}/transfer_request`, { reason: 'we will manage her case' });
    expectStatus(q, 201);
    assert.equal(q.json.kind, 'request');
    const inbox = (await cw.get('/api/v1/transfers?box=inbox')).json.items;
    assert.ok(inbox.some((x) => x.id === q.json.id), 'the case owner is asked');
    expectError(await ngoCw.patch(`/api/v1/transfers/${q.json.id}`, { status: 'accepted' }, { 'if-match': '"1"' }), 403);
    expectStatus(await cw.patch(`/api/v1/transfers/${q.json.id}`, { status: 'accepted' }, { 'if-match': '"1"' }), 200);
    assert.equal((await ngoCw.get(`/api/v1/cases/${c.id}`)).json.owner.id, ngoCw.userId);
  });
  // Last: it moves the clock on.
  it('a decline tells the caseworker; an unanswered referral becomes overdue', async () => {
    const c = await newCase();
    expectStatus(await cw.post(`/api/v1/cases/${c.id}/consents`, consent()), 201);
    const a = (await cw.post(`/api/v1/cases/${c.id}/referrals`, { service_id: shelter.id })).json;
    const b = (await cw.post(`/api/v1/cases/${c.id}/referrals`, { service_id: clinic.id })).json;
    let tasks = (await cw.get(`/api/v1/tasks?record_id=${c.id}&status=open`)).json.items;
    const waiting = tasks.filter((t) => t.rule === 'referral_response');
    assert.equal(waiting.length, 2, 'each referral awaits an answer');
    assert.ok(waiting.some((t) => t.title === 'Safe house for children'));
    expectStatus(await provider.patch(`/api/v1/referrals/${a.id}`, { status: 'declined', reason: 'no places until March' },
      { 'if-match': `"${a.version}"` }), 200);
    tasks = (await cw.get(`/api/v1/tasks?record_id=${c.id}&status=open`)).json.items;
    assert.deepEqual(tasks.filter((t) => t.rule.startsWith('referral')).map((t) => t.rule).sort(), ['referral_declined', 'referral_response']);
    const declined = (await cw.get(`/api/v1/referrals/${a.id}`)).json;
    assert.equal(declined.reason, 'no places until March');
    // Four days on, the other referral is overdue in the caseworker's list.
    await advanceClock(h.url, 4 * 86400); // (sessions idle out: sign in again)
    cw = await signIn(h.url, 'caseworker');
    const overdue = (await cw.get('/api/v1/tasks?overdue=true&per=100')).json.items.filter((t) => t.record.id === c.id);
    assert.ok(overdue.some((t) => t.rule === 'referral_response' && t.overdue), 'the unanswered referral is overdue');
    assert.equal((await cw.get(`/api/v1/referrals/${b.id}`)).json.overdue, true);
  });
});
