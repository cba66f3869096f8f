// The audit trail through the API: every read and write of a child's record is logged with the
// record ids, never with field values; unknown usernames typed at sign-in are not kept in clear;
// who may read the trail; its filters.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHaven, Client, signIn, ADMIN_PASSWORD } from '../lib/haven.mjs';
import {
  adminClient, bytesContain, createAgency, createCase, expectError, expectStatus, rawDbBytes, readAudit,
  userClient, TS_RE, show,
} from './fixtures.mjs';

const SECRET = {
  name_first: 'Мирабелла',
  name_last: 'Qorvexandu',
  location_current: 'ул. Вымышленная 17, кв. 4',
  shelter_address: 'неприкосновенность-7731',
};
const NOTE = 'Конфиденциально: визит 4417 — محادثة سرية';

describe('audit trail', { timeout: 120_000 }, () => {
  let h, admin, cw, sup, kase;
  before(async () => {
    h = await startHaven({ demo: true });
    admin = await adminClient(h.url);
    cw = await signIn(h.url, 'caseworker');
    sup = await signIn(h.url, 'supervisor');
    kase = await createCase(cw, SECRET);
    expectStatus(await cw.post(`/api/v1/cases/${kase.id}/notes`, { text: NOTE }), 201);
    expectStatus(await cw.patch(`/api/v1/cases/${kase.id}`, { data: { location_current: 'Новый адрес 99' } }, { 'if-match': `"${kase.version}"` }), 200);
  });
  after(async () => { await h?.cleanup(); });

  const forRecord = async (id) => (await readAudit(admin, `record_id=${id}`)).items;

  it('every case read writes an entry naming the record, the user, the time and the client', async () => {
    const before = await forRecord(kase.id);
    expectStatus(await cw.get(`/api/v1/cases/${kase.id}`), 200);
    const after1 = await forRecord(kase.id);
    assert.equal(after1.length, before.length + 1, 'one entry per read');
    const seqs = new Set(before.map((e) => e.seq));
    const e = after1.find((x) => !seqs.has(x.seq));
    assert.ok(e.record_ids.includes(kase.id));
    assert.equal(e.user_id, cw.user.id);
    assert.equal(e.username, 'caseworker');
    assert.match(e.at, TS_RE);
    assert.match(String(e.client), /127\.0\.0\.1/);
    assert.equal(typeof e.action, 'string');
    assert.equal(typeof e.record_type, 'string');
    assert.ok(Number.isInteger(e.seq));
    expectStatus(await cw.get(`/api/v1/cases/${kase.id}`), 200);
    assert.equal((await forRecord(kase.id)).length, before.length + 2, 'a second read, a second entry');
  });

  it('history and notes reads are audited too', async () => {
    const n0 = (await forRecord(kase.id)).length;
    expectStatus(await cw.get(`/api/v1/cases/${kase.id}/history`), 200);
    expectStatus(await cw.get(`/api/v1/cases/${kase.id}/notes`), 200);
    assert.equal((await forRecord(kase.id)).length, n0 + 2);
  });

  it('a list page and a search result name every record they return', async () => {
    const list = await cw.get('/api/v1/cases?per=5&sort=-created_at');
    expectStatus(list, 200);
    const ids = list.json.items.map((x) => x.id);
    assert.ok(ids.length > 0);
    const entries = await forRecord(ids[ids.length - 1]);
    assert.ok(entries.some((e) => ids.every((id) => e.record_ids.includes(id))), 'an entry names the whole page');

    const s = await cw.post('/api/v1/cases/search', { q: 'Мирабелла' });
    expectStatus(s, 200);
    assert.deepEqual(s.json.items.map((x) => x.id), [kase.id]);
    const after1 = await forRecord(kase.id);
    const last = after1.reduce((a, b) => (a.seq > b.seq ? a : b));
    assert.ok(last.record_ids.includes(kase.id), 'the search is the latest entry for the record');
    assert.equal(last.username, 'caseworker');
  });

  it('writes are audited: create, update and note', async () => {
    const c = await createCase(cw, { name_first: 'Ярослава' });
    const e1 = await forRecord(c.id);
    assert.ok(e1.length >= 1, 'create audited');
    expectStatus(await cw.patch(`/api/v1/cases/${c.id}`, { data: { sex: 'female' } }, { 'if-match': `"${c.version}"` }), 200);
    const e2 = await forRecord(c.id);
    assert.ok(e2.length >= e1.length + 1, 'update audited');
    expectStatus(await cw.post(`/api/v1/cases/${c.id}/notes`, { text: 'короткая' }), 201);
    const e3 = await forRecord(c.id);
    assert.ok(e3.length >= e2.length + 1, 'note audited');
    assert.ok(new Set(e3.map((e) => e.action)).size >= 2, 'different actions recorded');
  });

  it('entries never contain field values or note text', async () => {
    expectStatus(await cw.get(`/api/v1/cases/${kase.id}`), 200);
    const { text } = await readAudit(admin);
    for (const v of [SECRET.name_first, SECRET.name_last, SECRET.location_current, 'Новый адрес 99',
      'неприкосновенность-7731', NOTE, 'визит 4417']) {
      assert.ok(!text.includes(v), `audit contains "${v}"`);
      assert.ok(!text.includes(JSON.stringify(v).slice(1, -1)), `audit contains escaped "${v}"`);
    }
  });

  it('an unknown username typed at sign-in is not stored in clear, nor the password tried', async () => {
    const ghost = 'ghost-Ωmega-5521';
    const pw = 'sentinel-password-88413';
    expectError(await new Client(h.url).login(ghost, pw), 401, 'unauthenticated');
    expectError(await new Client(h.url).login('caseworker2', pw), 401, 'unauthenticated');
    const { text } = await readAudit(admin);
    assert.ok(!text.includes(ghost) && !text.includes('ghost-\\u03a9mega'), 'unknown username in the audit trail');
    assert.ok(!text.includes(pw), 'password in the audit trail');
    const raw = rawDbBytes(h.db);
    assert.ok(!bytesContain(raw, ghost), 'unknown username stored in the database');
    assert.ok(!bytesContain(raw, pw), 'password stored in the database');
    assert.ok(!h.log.includes(ghost), 'unknown username in the server log');
    assert.ok(!h.log.includes(pw), 'password in the server log');
    assert.ok(!h.log.includes(SECRET.name_last), 'child name in the server log');
  });

  it('only admins and supervisors read the trail; a supervisor sees only their own agency', async () => {
    for (const who of ['caseworker', 'screener', 'analyst', 'provider']) {
      expectError(await (await signIn(h.url, who)).get('/api/v1/audit'), 403, 'forbidden');
    }
    expectError(await new Client(h.url).get('/api/v1/audit'), 401, 'unauthenticated');
    const ag = await createAgency(admin, { name: 'Audit Other Agency', type: 'health', code: 'AOA' });
    const w = await userClient(h.url, admin, { role: 'caseworker', agency_id: ag.id });
    const c = await createCase(w, { name_first: 'Tsehay' });
    expectStatus(await w.get(`/api/v1/cases/${c.id}`), 200);
    assert.ok((await forRecord(c.id)).length >= 2, 'admin sees the other agency\'s entries');
    const theirs = await sup.get(`/api/v1/audit?record_id=${c.id}&per=100`);
    expectStatus(theirs, 200);
    assert.equal(theirs.json.total, 0, 'supervisor sees another agency\'s entries');
    const own = await readAudit(sup, `record_id=${kase.id}`);
    assert.ok(own.items.length >= 2, 'supervisor sees own agency\'s entries');
    const everything = await readAudit(sup);
    assert.ok(!everything.items.some((e) => e.user_id === w.user.id), 'other agency user in supervisor view');
  });

  it('filters: since and user', async () => {
    const future = await admin.get('/api/v1/audit?since=2999-01-01T00:00:00Z');
    expectStatus(future, 200);
    assert.equal(future.json.total, 0);
    const past = await admin.get('/api/v1/audit?since=2000-01-01T00:00:00Z&per=5');
    expectStatus(past, 200);
    assert.ok(past.json.total > 0);
    assert.ok(past.json.items.length <= 5);
    expectError(await admin.get('/api/v1/audit?since=yesterday'), 422, 'validation_failed', 'since');
    expectError(await admin.get('/api/v1/audit?per=1000'), 422, 'validation_failed', 'per');

    let matched = false;
    for (const u of [cw.user.id, 'caseworker']) {
      const r = await admin.get(`/api/v1/audit?user=${encodeURIComponent(u)}&per=100`);
      expectStatus(r, 200);
      if (r.json.items.length === 0) continue;
      assert.ok(r.json.items.every((e) => e.user_id === cw.user.id), `user=${u} filters to that user`);
      matched = true;
    }
    assert.ok(matched, 'user= filter found the caseworker\'s entries');
  });

  it('sequence numbers are unique', async () => {
    const { items } = await readAudit(admin);
    assert.equal(new Set(items.map((e) => e.seq)).size, items.length, 'duplicate seq');
  });
});

describe('audit filter by action', () => {
  let h;
  before(async () => { h = await startHaven({ demo: true }); });
  after(async () => { await h.cleanup(); });

  it('lists only break-glass reads for the supervisor to review; a malformed action is 422', async () => {
    const cw = await signIn(h.url, 'caseworker');
    const c = await cw.post('/api/v1/cases', { data: { name_first: 'Synthetic', name_last: 'Filter' } });
    await cw.get(`/api/v1/cases/${c.json.id}`);
    const admin = await signIn(h.url, 'admin', ADMIN_PASSWORD);
    await admin.get(`/api/v1/cases/${c.json.id}`, { 'x-access-reason': 'court%20order' });
    const sup = await signIn(h.url, 'supervisor');
    const r = await sup.get('/api/v1/audit?action=case.read.break_glass');
    assert.equal(r.status, 200);
    assert.ok(r.json.items.length >= 1);
    assert.ok(r.json.items.every((e) => e.action === 'case.read.break_glass'));
    assert.equal(r.json.items[0].reason, 'court order');
    const bad = await sup.get('/api/v1/audit?action=DROP%20TABLE');
    assert.equal(bad.status, 422);
    assert.equal(bad.json.error.field, 'action');
  });
});
