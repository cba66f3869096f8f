// Record linkage in Haven (docs/linkage.md) as a client meets it: the duplicate warning before a
// case is saved, shaped by what the reader may see and audited; tracing consent deciding
// whether a case is matched at all.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { signIn, havenRun } from '../lib/haven.mjs';
import { demoServer, expectStatus, expectError, createAgency, userClient, createCase, readAudit, uniqLetters, show } from './fixtures.mjs';

describe('duplicate detection and matching', { timeout: 120_000 }, () => {
  let h, admin, dss, cw, cw2, sup, other, otherAgency;
  // A child registered in Latin letters; the draft writes her name in Arabic and gives only
  // an age, as happens when another office registers her months later.
  const surname = `Haddad${uniqLetters(4)}`;
  const child = { name_first: 'Fatima', name_last: surname, sex: 'female', date_of_birth: '2014-03-02', location_area: 'XD0101' };
  let registered, hidden;

  before(async () => {
    ({ h, admin, dss } = await demoServer());
    cw = await signIn(h.url, 'caseworker');
    cw2 = await signIn(h.url, 'caseworker2');
    sup = await signIn(h.url, 'supervisor');
    otherAgency = await createAgency(admin, { type: 'ngo' });
    other = await userClient(h.url, admin, { role: 'caseworker', agency_id: otherAgency.id });
    registered = await createCase(cw, child);
    // Names hidden (a GBV case): even its agency is not told to someone who may not read it.
    hidden = await createCase(cw, { ...child, name_first: 'Samira', protection_concerns: ['gbv'] });
  });
  after(async () => { await h.cleanup(); });

  const draft = { name_first: 'فاطمة', name_last: surname, sex: 'female', age: 12, age_stated_on: '2026-06-01' };
  const check = (client, data = draft) => client.post('/api/v1/cases/duplicates', { data });

  it('finds the child across scripts and explains each field\'s part to a reader of the case', async () => {
    const r = await check(cw);
    expectStatus(r, 200);
    const hit = r.json.items.find((i) => i.id === registered.id);
    assert.ok(hit, `the registered case is a candidate: ${JSON.stringify(r.json)}`);
    assert.equal(hit.display_id, registered.display_id);
    assert.equal(hit.name.last, surname);
    assert.equal(hit.agency.code, 'DSS');
    assert.ok(hit.probability > 0 && hit.probability <= 1);
    const parts = Object.fromEntries(hit.explanation.parts.map((p) => [p.comparison, p]));
    assert.match(parts['first name'].level, /jaro_winkler|consonants/, 'فاطمة meets Fatima through its transliteration');
    assert.equal(parts['last name'].level, 'exact');
    assert.match(parts['date of birth'].level, /year/, 'the age stated gives the year of birth');
    assert.ok(parts['first name'].weight > 0 && parts['last name'].weight > 0);
    // The parts add up to the match weight the probability comes from.
    const w = hit.explanation.prior + hit.explanation.parts.reduce((s, p) => s + p.weight, 0);
    assert.ok(Math.abs(1 / (1 + 2 ** -w) - hit.probability) < 0.01, `weights ${w} give ${hit.probability}`);
    // Candidates come best first.
    const ps = r.json.items.map((i) => i.probability);
    assert.deepEqual(ps, [...ps].sort((a, b) => b - a));
  });

  it('tells another agency only whom to contact, and for a hidden name only to ask a supervisor', async () => {
    const r = await check(other);
    expectStatus(r, 200);
    let text = JSON.stringify(r.json);
    assert.ok(!text.includes(registered.id), 'no ids of records the reader may not read');
    assert.ok(!text.includes(surname), 'no names either');
    const contact = r.json.items.find((i) => i.contact);
    assert.ok(contact, `an agency to contact: ${text}`);
    assert.equal(contact.contact.code, 'DSS');
    assert.equal(contact.explanation, undefined, 'which fields agree would describe the child');
    const s = await check(other, { ...draft, name_first: 'Samira' });
    expectStatus(s, 200);
    text = JSON.stringify(s.json);
    assert.ok(!text.includes(hidden.id) && !text.includes('DSS'), `not even the agency: ${text}`);
    const ask = s.json.items.find((i) => i.ask_supervisor);
    assert.ok(ask, `a hidden-name case is "ask your supervisor": ${text}`);
  });

  it('audits every check with the records it revealed', async () => {
    const before = (await readAudit(admin, 'action=case.duplicate_check')).items.length;
    expectStatus(await check(cw2), 200);
    const { items, text } = await readAudit(admin, 'action=case.duplicate_check');
    assert.equal(items.length, before + 1);
    assert.ok(text.includes(registered.id), 'the audit names the case the check revealed');
    assert.ok(!text.includes('فاطمة') && !text.includes(surname), 'the draft itself is not written to the audit');
  });

  it('refuses bad requests and those who may not register children', async () => {
    const bad = await cw.post('/api/v1/cases/duplicates', '{"data": {', { 'content-type': 'application/json' });
    expectError(bad, 400);
    expectError(await cw.post('/api/v1/cases/duplicates', {}), 422, 'validation_failed', 'data');
    expectError(await cw.post('/api/v1/cases/duplicates', { data: 'Fatima' }), 422, 'validation_failed', 'data');
    expectError(await cw.post('/api/v1/cases/duplicates', { data: {}, extra: 1 }), 422, 'validation_failed', 'data');
    const analyst = await signIn(h.url, 'analyst');
    expectError(await check(analyst), 403, 'forbidden');
    const anon = await fetch(`${h.url}/api/v1/cases/duplicates`, { method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ data: draft }) });
    assert.equal(anon.status, 401);
  });

  it('limits how often one user may ask, since each answer says a child is on record', async () => {
    const u = await userClient(h.url, admin, { role: 'caseworker', agency_id: dss.id });
    let status = 200, n = 0;
    while (status === 200 && n < 40) {
      status = (await check(u, { name_first: 'Rate', name_last: 'Limit' })).status;
      n += 1;
    }
    assert.equal(status, 429, 'the checks are limited');
    assert.equal(n, 31, 'thirty a minute');
  });

  it('matches a case only with the child\'s consent to tracing', async () => {
    expectError(await cw.get(`/api/v1/cases/${registered.id}/matches`), 409, 'conflict', 'consent_for_tracing');
    const c = await cw.post(`/api/v1/cases/${registered.id}/consents`, { giver: 'child', decision: 'given', method: 'verbal',
      purposes: ['services', 'tracing'] });
    expectStatus(c, 201);
    const m = await cw.get(`/api/v1/cases/${registered.id}/matches`);
    expectStatus(m, 200);
    assert.ok(Array.isArray(m.json.items));
    expectError(await other.get(`/api/v1/cases/${registered.id}/matches`), 404, 'not_found');
  });

  describe('tracing', () => {
    const tag = uniqLetters(5);
    // Registered by one office in Latin letters, with consent to tracing; sought by her mother
    // in Arabic script with only an age.
    const youssef = { name_first: 'Youssef', name_last: `Nasser${tag}`, sex: 'male', date_of_birth: '2016-09-14',
      location_area: 'XD0203', fam_members: [{ name: 'Layla', relationship: 'mother' }] };
    let kase, noConsent, req;
    const tracingRequest = (children, extra = {}) => ({ inq_name: 'Layla', inq_relationship: 'mother', consent_for_tracing: 'yes',
      tr_children: children, ...extra });

    before(async () => {
      kase = await createCase(cw, youssef);
      expectStatus(await cw.post(`/api/v1/cases/${kase.id}/consents`, { giver: 'child', decision: 'given', method: 'verbal',
        purposes: ['tracing'] }), 201);
      noConsent = await createCase(cw, { ...youssef, date_of_birth: '2016-09-15' });
      const r = await cw.post('/api/v1/tracing_requests', { data: tracingRequest([
        { name_first: 'يوسف', name_last: `Nasser${tag}`, sex: 'male', age: 9, age_stated_on: '2026-01-10', mother_name: 'Layla',
          last_seen_area: 'XD0203' },
        { name_first: 'Unmatched', name_last: uniqLetters(9), sex: 'female', age: 3, age_stated_on: '2026-01-10' },
      ]) });
      expectStatus(r, 201);
      req = r.json;
    });

    it('ranks the cases with consent to tracing for each sought child, with the reasons', async () => {
      const r = await cw.get(`/api/v1/tracing_requests/${req.id}/matches`);
      expectStatus(r, 200);
      assert.equal(r.json.children.length, 2);
      const first = r.json.children.find((c) => c.child === 0);
      const hit = first.matches.find((m) => m.id === kase.id);
      assert.ok(hit, `the consenting case is found: ${JSON.stringify(first)}`);
      assert.ok(hit.likely, `a likely match: ${JSON.stringify(hit)}`);
      assert.ok(!first.matches.some((m) => m.id === noConsent.id), 'no consent to tracing: never matched');
      const parts = Object.fromEntries(hit.explanation.parts.map((p) => [p.comparison, p.level]));
      assert.notEqual(parts['first name'], 'else', 'يوسف meets Youssef');
      assert.equal(parts["mother's name"], 'exact');
      assert.deepEqual(r.json.children.find((c) => c.child === 1).matches.filter((m) => m.likely), []);
      // And from the case's side: the request that may be looking for him.
      const back = await cw.get(`/api/v1/cases/${kase.id}/matches`);
      expectStatus(back, 200);
      const mine = back.json.items.find((i) => i.id === req.id);
      assert.ok(mine && mine.child === 0, `the request is found from the case: ${JSON.stringify(back.json)}`);
    });

    it('confirming a match starts reunification; rejecting it later cancels those tasks', async () => {
      const confirm = await cw.post(`/api/v1/tracing_requests/${req.id}/matches`, { child: 0, case_id: kase.id, decision: 'confirmed',
        note: 'The mother recognised him in the photo' });
      expectStatus(confirm, 200);
      assert.equal(confirm.json.decision, 'confirmed');
      assert.ok(confirm.json.probability > 0.5);
      const tasks = (await cw.get(`/api/v1/tasks?record_id=${kase.id}&status=open`)).json.items;
      const rules = tasks.map((t) => t.rule).sort();
      assert.deepEqual(rules.filter((x) => x.startsWith('reunification')), ['reunification_bia', 'reunification_follow_up',
        'reunification_verify']);
      const listed = (await cw.get(`/api/v1/tracing_requests/${req.id}/matches`)).json.children[0].matches.find((m) => m.id === kase.id);
      assert.equal(listed.decision, 'confirmed');
      const history = (await cw.get(`/api/v1/cases/${kase.id}/history`)).json;
      assert.ok(JSON.stringify(history).includes('tracing_match'), 'the case history records the match');
      const { text } = await readAudit(admin, `action=tracing_request.match_decide`);
      assert.ok(text.includes(req.id) && text.includes(kase.id));
      const reject = await cw.post(`/api/v1/tracing_requests/${req.id}/matches`, { child: 0, case_id: kase.id, decision: 'rejected' });
      expectStatus(reject, 200);
      const left = (await cw.get(`/api/v1/tasks?record_id=${kase.id}&status=open`)).json.items;
      assert.deepEqual(left.filter((t) => t.rule.startsWith('reunification')), []);
    });

    it('refuses a decision that is malformed, without consent, or on a case the user may not read', async () => {
      const url = `/api/v1/tracing_requests/${req.id}/matches`;
      expectError(await cw.post(url, { child: 5, case_id: kase.id, decision: 'confirmed' }), 422, 'validation_failed', 'child');
      expectError(await cw.post(url, { child: '0', case_id: kase.id, decision: 'confirmed' }), 422, 'validation_failed', 'child');
      expectError(await cw.post(url, { child: 0, case_id: kase.id, decision: 'maybe' }), 422, 'validation_failed', 'decision');
      expectError(await cw.post(url, { child: 0, case_id: kase.id, decision: 'confirmed', extra: 1 }), 422, 'validation_failed');
      expectError(await cw.post(url, '{"child": 0,', { 'content-type': 'application/json' }), 400);
      expectError(await cw.post(url, { child: 0, case_id: noConsent.id, decision: 'confirmed' }), 409, 'conflict', 'consent_for_tracing');
      const theirs = await createCase(other, { ...youssef, name_first: 'Other' });
      expectError(await cw.post(url, { child: 0, case_id: theirs.id, decision: 'confirmed' }), 404, 'not_found');
      expectError(await other.post(url, { child: 0, case_id: kase.id, decision: 'confirmed' }), 404, 'not_found');
      const provider = await signIn(h.url, 'provider');
      const denied = await provider.get(`/api/v1/tracing_requests/${req.id}/matches`);
      assert.ok([403, 404].includes(denied.status), show(denied));
    });

    it('withdrawing the child\'s consent to tracing takes the case out of matching', async () => {
      const consents = (await cw.get(`/api/v1/cases/${kase.id}/consents`)).json.items;
      const given = consents.find((c) => c.purposes.includes('tracing') && c.decision === 'given');
      expectStatus(await cw.post(`/api/v1/consents/${given.id}/withdraw`, { purposes: ['tracing'], reason: 'The child asked' }), 200);
      const r = await cw.get(`/api/v1/tracing_requests/${req.id}/matches`);
      expectStatus(r, 200);
      assert.ok(!r.json.children[0].matches.some((m) => m.id === kase.id), 'no longer matched');
      expectError(await cw.get(`/api/v1/cases/${kase.id}/matches`), 409, 'conflict');
    });
  });

  describe('merging two records of one child', () => {
    it('fills what the kept case lacks, keeps its own values, retires the other; undo puts both back', async () => {
      const tag = uniqLetters(6);
      const a = await createCase(sup, { name_first: 'Hawa', name_last: `Juma${tag}`, sex: 'female', age: 11,
        fam_members: [{ name: 'Amina', relationship: 'mother' }] });
      const b = await createCase(sup, { name_first: 'Hawa', name_last: `Juma${tag}`, sex: 'female', date_of_birth: '2015-02-03',
        location_area: 'XD0101', languages: ['sw'], fam_members: [{ name: 'Amina', relationship: 'mother' },
          { name: 'Said', relationship: 'father' }], risk_level: 'high' });
      const kept = (await sup.get(`/api/v1/cases/${a.id}`)).json;
      const r = await sup.post(`/api/v1/cases/${a.id}/merge`, { other_id: b.id }, { 'if-match': `"${kept.version}"` });
      expectStatus(r, 200);
      assert.ok(r.json.fields.includes('location_area') && r.json.fields.includes('fam_members'), JSON.stringify(r.json));
      const after = (await sup.get(`/api/v1/cases/${a.id}`)).json;
      assert.equal(after.data.location_area, 'XD0101');
      assert.deepEqual(after.data.languages, ['sw']);
      assert.equal(after.data.fam_members.length, 2, 'the rows of both, the shared one once');
      assert.equal(after.data.name_first, 'Hawa');
      expectError(await sup.get(`/api/v1/cases/${b.id}`), 404, 'not_found');
      const history = JSON.stringify((await sup.get(`/api/v1/cases/${a.id}/history`)).json);
      assert.ok(history.includes('merged_from') && history.includes('location_area'), 'each merged field has its history');
      assert.ok(history.includes(b.display_id), 'the history names the case merged in');
      const { text } = await readAudit(admin, 'action=case.merge');
      assert.ok(text.includes(a.id) && text.includes(b.id));
      // Undo: the kept case as it was, the other back.
      const u = await sup.post(`/api/v1/merges/${r.json.id}/undo`, {});
      expectStatus(u, 200);
      const back = (await sup.get(`/api/v1/cases/${a.id}`)).json;
      assert.equal(back.data.location_area, undefined);
      assert.equal(back.data.fam_members.length, 1);
      expectStatus(await sup.get(`/api/v1/cases/${b.id}`), 200);
      expectError(await sup.post(`/api/v1/merges/${r.json.id}/undo`, {}), 409, 'conflict');
    });

    it('a merge needs the current version, a supervisor of the cases and two different cases', async () => {
      const tag = uniqLetters(6);
      const a = await createCase(sup, { name_first: 'Neema', name_last: `Mollel${tag}`, sex: 'female' });
      const b = await createCase(sup, { name_first: 'Neema', name_last: `Mollel${tag}`, sex: 'female', age: 7 });
      const url = `/api/v1/cases/${a.id}/merge`;
      expectError(await sup.post(url, { other_id: b.id }), 428);
      expectError(await sup.post(url, { other_id: b.id }, { 'if-match': `"${a.version + 5}"` }), 412);
      expectError(await sup.post(url, { other_id: a.id }, { 'if-match': `"${a.version}"` }), 422, 'validation_failed', 'other_id');
      expectError(await sup.post(url, { other: b.id }, { 'if-match': `"${a.version}"` }), 422, 'validation_failed');
      expectError(await sup.post(url, '{"other_id":', { 'if-match': `"${a.version}"`, 'content-type': 'application/json' }), 400);
      const cwr = await cw.post(url, { other_id: b.id }, { 'if-match': `"${a.version}"` });
      assert.ok([403, 404].includes(cwr.status), `a caseworker may not merge: ${show(cwr)}`);
      const theirs = await createCase(other, { name_first: 'Neema', name_last: `Mollel${tag}` });
      expectError(await sup.post(url, { other_id: theirs.id }, { 'if-match': `"${a.version}"` }), 404, 'not_found');
      // Undo refused once the kept case has moved on.
      const m = await sup.post(url, { other_id: b.id }, { 'if-match': `"${a.version}"` });
      expectStatus(m, 200);
      const now = (await sup.get(`/api/v1/cases/${a.id}`)).json;
      expectStatus(await sup.patch(`/api/v1/cases/${a.id}`, { data: { risk_level: 'low' } }, { 'if-match': `"${now.version}"` }), 200);
      expectError(await sup.post(`/api/v1/merges/${m.json.id}/undo`, {}), 409, 'conflict');
      expectError(await sup.post('/api/v1/merges/00000000-0000-4000-8000-000000000000/undo', {}), 404, 'not_found');
    });
  });

  describe('the batch duplicate check and its review queue', () => {
    it('queues likely pairs for supervisors, who dismiss or merge them; a decided pair stays decided', async () => {
      const tag = uniqLetters(7);
      const child = { name_first: 'Baraka', name_last: `Odhiambo${tag}`, sex: 'male', date_of_birth: '2013-05-20',
        location_area: 'XD0101', fam_members: [{ name: 'Akinyi', relationship: 'mother' }] };
      const a = await createCase(cw, child);
      const b = await createCase(cw2, { ...child, name_first: 'Barakah' });
      const c = await createCase(cw, { ...child, name_first: 'Zawadi', sex: 'female', name_last: `Wanjiru${tag}`,
        date_of_birth: '2011-01-09', fam_members: [{ name: 'Njeri', relationship: 'mother' }] });
      const d = await createCase(cw2, { ...child, name_first: 'Zawadi', sex: 'female', name_last: `Wanjiru${tag}`,
        date_of_birth: '2011-01-09', fam_members: [{ name: 'Njeri', relationship: 'mother' }] });
      const run = havenRun(['match', '--db', h.db, '--dedup']);
      assert.equal(run.status, 0, run.stderr);
      assert.match(run.stdout, /likely pairs/);
      const pairOf = (items, x, y) => items.find((i) => [i.a.id, i.b.id].sort().join() === [x.id, y.id].sort().join());
      let list = await sup.get('/api/v1/duplicates');
      expectStatus(list, 200);
      const ab = pairOf(list.json.items, a, b), cd = pairOf(list.json.items, c, d);
      assert.ok(ab && cd, `both pairs are queued: ${JSON.stringify(list.json.items.map((i) => [i.a.display_id, i.b.display_id]))}`);
      assert.ok(ab.probability >= 0.5);
      assert.equal(ab.a.agency.code, 'DSS');
      // Two children after all: dismissed, and not proposed again by the next run.
      const dis = await sup.patch(`/api/v1/duplicates/${ab.id}`, { status: 'dismissed' });
      expectStatus(dis, 200);
      assert.equal(dis.json.status, 'dismissed');
      expectError(await sup.patch(`/api/v1/duplicates/${ab.id}`, { status: 'dismissed' }), 409, 'conflict');
      expectError(await sup.patch(`/api/v1/duplicates/${cd.id}`, { status: 'merged' }), 422, 'validation_failed', 'status');
      expectError(await sup.patch(`/api/v1/duplicates/${cd.id}`, { status: 'dismissed', why: 1 }), 422, 'validation_failed');
      expectError(await sup.patch('/api/v1/duplicates/00000000-0000-4000-8000-000000000000', { status: 'dismissed' }), 404);
      assert.equal(havenRun(['match', '--db', h.db, '--dedup']).status, 0);
      list = await sup.get('/api/v1/duplicates');
      assert.ok(!pairOf(list.json.items, a, b), 'a dismissed pair is not proposed again');
      // The same child: merged, and the pair leaves the queue.
      const kept = (await sup.get(`/api/v1/cases/${c.id}`)).json;
      const merged = await sup.post(`/api/v1/cases/${c.id}/merge`, { other_id: d.id }, { 'if-match': `"${kept.version}"` });
      expectStatus(merged, 200);
      list = await sup.get('/api/v1/duplicates');
      assert.ok(!pairOf(list.json.items, c, d), 'a merged pair leaves the queue');
      expectStatus(await sup.post(`/api/v1/merges/${merged.json.id}/undo`, {}), 200);
      list = await sup.get('/api/v1/duplicates');
      assert.ok(pairOf(list.json.items, c, d), 'a merge undone puts the pair back for a person to decide');
      // Only those who merge see the queue.
      expectError(await cw.get('/api/v1/duplicates'), 403, 'forbidden');
      expectError(await other.get('/api/v1/duplicates'), 403, 'forbidden');
      const { text } = await readAudit(admin, 'action=case.duplicate_scan');
      assert.ok(text.includes('case.duplicate_scan'), 'each batch run is audited');
    });
  });
});
