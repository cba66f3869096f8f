// Who sees which case: agencies, owners and assigned users, supervisors, screeners (24 hours),
// analysts/providers, and the admin's audited break-glass read.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHaven, signIn, advanceClock, ADMIN_PASSWORD } from '../lib/haven.mjs';
import {
  demoServer, createAgency, createCase, createUser, expectError, expectStatus, readAudit,
  userClient, show,
} from './fixtures.mjs';

const CHILD = { name_first: 'Ляйсан', name_last: 'Гарипова', sex: 'female', age: 11, risk_level: 'high', location_current: 'Казань, приют 3' };

async function invisible(c, id, what) {
  expectError(await c.get(`/api/v1/cases/${id}`), 404, 'not_found');
  expectError(await c.get(`/api/v1/cases/${id}/history`), 404, 'not_found');
  expectError(await c.get(`/api/v1/cases/${id}/notes`), 404, 'not_found');
  const list = await c.get('/api/v1/cases?per=100');
  if (list.status === 200) {
    let ids = list.json.items.map((x) => x.id);
    for (let p = 2; (p - 1) * 100 < list.json.total; p++) ids = ids.concat((await c.get(`/api/v1/cases?per=100&page=${p}`)).json.items.map((x) => x.id));
    assert.ok(!ids.includes(id), `${what}: case in list`);
  }
}

describe('cross-agency and role-based visibility', { timeout: 120_000 }, () => {
  let h, admin, dss, west, cw, cw2, sup, kase, cwWest, supWest;
  before(async () => {
    ({ h, admin, dss } = await demoServer());
    west = await createAgency(admin, { name: 'منظمة الغرب لحماية الطفل', type: 'ngo', code: 'WST' });
    cwWest = await userClient(h.url, admin, { role: 'caseworker', agency_id: west.id, full_name: 'Yusuf Ali' });
    supWest = await userClient(h.url, admin, { role: 'supervisor', agency_id: west.id });
    cw = await signIn(h.url, 'caseworker');
    cw2 = await signIn(h.url, 'caseworker2');
    sup = await signIn(h.url, 'supervisor');
    kase = await createCase(cw, CHILD);
  });
  after(async () => { await h?.cleanup(); });

  it('a caseworker of another agency gets 404 and never sees the case in lists or search', async () => {
    await invisible(cwWest, kase.id, 'other agency');
    expectError(await cwWest.patch(`/api/v1/cases/${kase.id}`, { data: { risk_level: 'low' } }, { 'if-match': `"${kase.version}"` }), 404, 'not_found');
    expectError(await cwWest.post(`/api/v1/cases/${kase.id}/notes`, { text: 'intrusion' }), 404, 'not_found');
    for (const q of [CHILD.name_first, CHILD.name_last, kase.display_id]) {
      const s = await cwWest.post('/api/v1/cases/search', { q });
      expectStatus(s, 200);
      assert.ok(!s.json.items.some((x) => x.id === kase.id), `found by "${q}"`);
      assert.ok(!s.text.includes(CHILD.name_last));
    }
    const g = await cw.get(`/api/v1/cases/${kase.id}`);
    assert.equal(g.json.version, kase.version, 'unchanged');
    assert.equal(g.json.data.risk_level, 'high');
    assert.equal((await cw.get(`/api/v1/cases/${kase.id}/notes`)).json.items.length, 0);
  });

  it('a supervisor of another agency gets 404 too', async () => {
    await invisible(supWest, kase.id, 'other agency supervisor');
    expectError(await supWest.post(`/api/v1/cases/${kase.id}/assign`, { assigned_ids: [cwWest.userId] }), 404, 'not_found');
  });

  it('an unassigned caseworker of the same agency gets 404', async () => {
    await invisible(cw2, kase.id, 'same agency, unassigned');
  });

  it('analysts and providers do not read case records', async () => {
    for (const who of ['analyst', 'provider']) {
      const c = await signIn(h.url, who);
      expectError(await c.get(`/api/v1/cases/${kase.id}`), 404, 'not_found');
    }
  });

  it('the owner caseworker cannot assign (403) and nothing changes', async () => {
    const r = await cw.post(`/api/v1/cases/${kase.id}/assign`, { assigned_ids: [cw2.user.id] });
    expectError(r, 403, 'forbidden');
    const g = await cw.get(`/api/v1/cases/${kase.id}`);
    assert.deepEqual(g.json.assigned, []);
    await invisible(cw2, kase.id, 'after refused assign');
  });

  it('a supervisor of the same agency reads the case and may assign it', async () => {
    const r = await sup.get(`/api/v1/cases/${kase.id}`);
    expectStatus(r, 200);
    assert.equal(r.json.data.name_first, CHILD.name_first);
    assert.deepEqual(r.json.access, { can_edit: true, can_assign: true, can_note: true });
    const own = await cw.get(`/api/v1/cases/${kase.id}`);
    assert.deepEqual(own.json.access, { can_edit: true, can_assign: false, can_note: true }, 'owner caseworker');
    const list = await sup.get('/api/v1/cases?per=100&sort=-created_at');
    assert.ok(list.json.items.some((x) => x.id === kase.id), 'in the supervisor\'s list');
    const s = await sup.post('/api/v1/cases/search', { q: CHILD.name_last });
    assert.ok(s.json.items.some((x) => x.id === kase.id), 'found by the supervisor');
  });

  it('assigning to users of another agency or disabled users is refused and changes nothing', async () => {
    const gone = await createUser(admin, { role: 'caseworker', agency_id: dss.id });
    expectStatus(await admin.patch(`/api/v1/users/${gone.id}`, { disabled: true }), 200);
    const before = (await sup.get(`/api/v1/cases/${kase.id}`)).json;
    for (const body of [{ assigned_ids: [cwWest.userId] }, { owner_id: cwWest.userId }, { assigned_ids: [gone.id] },
      { owner_id: '6f1c2a3b-0000-4000-8000-0000000000aa' }]) {
      const r = await sup.post(`/api/v1/cases/${kase.id}/assign`, body);
      expectError(r, 422, 'validation_failed', Object.keys(body)[0]);
    }
    const after = (await sup.get(`/api/v1/cases/${kase.id}`)).json;
    assert.deepEqual(after.assigned, before.assigned);
    assert.equal(after.owner.id, before.owner.id);
    assert.equal(after.version, before.version);
    await invisible(cwWest, kase.id, 'after refused assign');
  });

  it('once assigned, a caseworker of the same agency reads and edits the case', async () => {
    const r = await sup.post(`/api/v1/cases/${kase.id}/assign`, { assigned_ids: [cw2.user.id] });
    expectStatus(r, 200);
    assert.deepEqual(r.json.assigned.map((u) => u.id), [cw2.user.id]);
    assert.equal(r.json.assigned[0].username, 'caseworker2');
    assert.equal(r.json.owner.id, cw.user.id, 'owner unchanged');
    const g = await cw2.get(`/api/v1/cases/${kase.id}`);
    expectStatus(g, 200);
    assert.equal(g.json.access.can_edit, true);
    const p = await cw2.patch(`/api/v1/cases/${kase.id}`, { data: { languages: ['tt', 'ru'] } }, { 'if-match': g.headers.get('etag') });
    expectStatus(p, 200);
    expectStatus(await cw2.post(`/api/v1/cases/${kase.id}/notes`, { text: 'Встреча с опекуном' }), 201);
    const mine = await cw2.get('/api/v1/cases?mine=1&per=100');
    assert.ok(mine.json.items.some((x) => x.id === kase.id), 'assigned case in "mine"');
    const hist = await cw.get(`/api/v1/cases/${kase.id}/history`);
    assert.ok(hist.json.items.some((e) => e.action === 'assign'), 'assign in history');
    assert.ok(hist.json.items.some((e) => e.action === 'update' && e.user.username === 'caseworker2'));
  });

  it('the supervisor can hand ownership to a colleague; unassigning removes access', async () => {
    const c = await createCase(cw, { name_first: 'Тимур', name_last: 'Рашидов' });
    const r = await sup.post(`/api/v1/cases/${c.id}/assign`, { owner_id: cw2.user.id, assigned_ids: [] });
    expectStatus(r, 200);
    assert.equal(r.json.owner.id, cw2.user.id);
    expectStatus(await cw2.get(`/api/v1/cases/${c.id}`), 200);
    await invisible(cw, c.id, 'former owner');
    const back = await sup.post(`/api/v1/cases/${c.id}/assign`, { owner_id: cw.user.id });
    expectStatus(back, 200);
    expectStatus(await cw.get(`/api/v1/cases/${c.id}`), 200);
    await invisible(cw2, c.id, 'after ownership moved back');
  });

  it('break-glass: an admin gets 404 without X-Access-Reason and 200 with one; the reason is audited and shown to the agency\'s supervisor', async () => {
    expectError(await admin.get(`/api/v1/cases/${kase.id}`), 404, 'not_found');
    const reason = 'Court order 2026/17: verify placement (synthetic)';
    const r = await admin.get(`/api/v1/cases/${kase.id}`, { 'x-access-reason': reason });
    expectStatus(r, 200);
    assert.equal(r.json.data.name_last, CHILD.name_last);
    assert.deepEqual(r.json.access, { can_edit: false, can_assign: false, can_note: false }, 'break-glass is read-only');
    const before = (await sup.get(`/api/v1/cases/${kase.id}`)).json;
    const hdr = { 'x-access-reason': reason, 'if-match': `"${before.version}"` };
    expectError(await admin.patch(`/api/v1/cases/${kase.id}`, { data: { risk_level: 'low' } }, hdr), 403, 'forbidden');
    expectError(await admin.post(`/api/v1/cases/${kase.id}/notes`, { text: 'admin note' }, hdr), 403, 'forbidden');
    const after1 = (await sup.get(`/api/v1/cases/${kase.id}`)).json;
    assert.equal(after1.version, before.version, 'admin could not change the case');
    assert.equal(after1.data.risk_level, before.data.risk_level);

    const mine = await readAudit(admin, `record_id=${kase.id}`);
    const entry = mine.items.find((e) => e.reason === reason);
    assert.ok(entry, `break-glass entry with reason in ${mine.text.slice(0, 500)}`);
    assert.equal(entry.username, 'admin');
    assert.ok(entry.record_ids.includes(kase.id));

    const seen = await readAudit(sup, `record_id=${kase.id}`);
    const forSup = seen.items.find((e) => e.reason === reason);
    assert.ok(forSup, 'the agency supervisor sees the break-glass read');
    assert.equal(forSup.username, 'admin');

    const other = await supWest.get(`/api/v1/audit?record_id=${kase.id}&per=100`);
    if (other.status === 200) assert.ok(!other.json.items.some((e) => (e.record_ids || []).includes(kase.id)), 'other agency supervisor sees nothing');
    else assert.ok([403, 404].includes(other.status), show(other));
    const cwAudit = await cw.get('/api/v1/audit');
    expectError(cwAudit, 403, 'forbidden');
  });

  it('an admin does not browse children\'s records: lists and search show nothing without a reason', async () => {
    const l = await admin.get('/api/v1/cases?per=100');
    if (l.status === 200) assert.equal(l.json.items.length, 0, 'admin list shows cases');
    else assert.ok([403, 404].includes(l.status), show(l));
    const s = await admin.post('/api/v1/cases/search', { q: CHILD.name_last });
    if (s.status === 200) assert.equal(s.json.items.length, 0, 'admin search shows cases');
    else assert.ok([403, 404].includes(s.status), show(s));
    assert.ok(!l.text.includes(CHILD.name_last) && !s.text.includes(CHILD.name_last));
    for (const p of ['history', 'notes']) expectError(await admin.get(`/api/v1/cases/${kase.id}/${p}`), 404, 'not_found');
  });

  it('an empty X-Access-Reason is not a reason', async () => {
    const r = await admin.get(`/api/v1/cases/${kase.id}`, { 'x-access-reason': '   ' });
    assert.ok(r.status === 404 || r.status === 422, `blank reason: ${show(r)}`);
  });
});

describe('screeners see the cases they created for 24 hours (own server)', { timeout: 60_000 }, () => {
  let h;
  before(async () => { h = await startHaven({ demo: true }); });
  after(async () => { await h?.cleanup(); });

  it('a screener reads their new case, not others\', and loses it after 24 hours', async () => {
    const scr = await signIn(h.url, 'screener');
    const cw = await signIn(h.url, 'caseworker');
    const theirs = await createCase(cw, { name_first: 'Арман' });
    expectError(await scr.get(`/api/v1/cases/${theirs.id}`), 404, 'not_found');
    const c = await createCase(scr, { name_first: 'ចាន់', name_last: 'សុខា', age: 6 });
    expectStatus(await scr.get(`/api/v1/cases/${c.id}`), 200);
    const s = await scr.post('/api/v1/cases/search', { q: 'សុខា' });
    assert.ok(s.json.items.some((x) => x.id === c.id));
    await advanceClock(h.url, 23 * 3600);
    const scr2 = await signIn(h.url, 'screener');
    expectStatus(await scr2.get(`/api/v1/cases/${c.id}`), 200, 'still visible after 23 h');
    await advanceClock(h.url, 2 * 3600);
    const scr3 = await signIn(h.url, 'screener');
    expectError(await scr3.get(`/api/v1/cases/${c.id}`), 404, 'not_found');
    const s2 = await scr3.post('/api/v1/cases/search', { q: 'សុខា' });
    assert.ok(!s2.json.items.some((x) => x.id === c.id), 'not found by search after 24 h');
    const sup = await signIn(h.url, 'supervisor');
    expectStatus(await sup.get(`/api/v1/cases/${c.id}`), 200, 'the agency supervisor still sees it');
  });
});

describe('break-glass reason in any language', () => {
  let h;
  before(async () => { h = await startHaven({ demo: true }); });
  after(async () => { await h.cleanup(); });

  it('a percent-encoded Arabic reason is accepted and audited decoded; a malformed one is refused', async () => {
    const cw = await signIn(h.url, 'caseworker');
    const c = await cw.post('/api/v1/cases', { data: { name_first: 'Synthetic', name_last: 'Reason' } });
    assert.equal(c.status, 201);
    const admin = await signIn(h.url, 'admin', ADMIN_PASSWORD);
    const reason = 'طلب المحكمة رقم 12';
    const ok = await admin.get(`/api/v1/cases/${c.json.id}`, { 'x-access-reason': encodeURIComponent(reason) });
    assert.equal(ok.status, 200);
    const bad = await admin.get(`/api/v1/cases/${c.json.id}`, { 'x-access-reason': '%D8%G1' });
    assert.equal(bad.status, 404);
    const log = await admin.get(`/api/v1/audit?record_id=${c.json.id}`);
    assert.ok(log.json.items.some((e) => e.reason === reason), 'decoded reason in the audit trail');
  });
});
