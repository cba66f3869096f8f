// Regression tests for defects found in review: moving a user to another agency ends their
// access to the old agency's cases; long non-Latin names survive fixed-size fields; assigning
// keeps the name order; case variants of a username share one sign-in throttle.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Client, signIn, DEMO_PASSWORD } from '../lib/haven.mjs';
import { demoServer, createAgency, createCase, createUser, expectStatus, login } from './fixtures.mjs';

describe('review regressions', { timeout: 120_000 }, () => {
  let h, admin, dss;
  before(async () => {
    ({ h, admin, dss } = await demoServer());
  });
  after(async () => { await h?.cleanup(); });

  it('a caseworker moved to another agency no longer sees the cases they owned there', async () => {
    const u = await createUser(admin, { role: 'caseworker', agency_id: dss.id });
    const cw = await login(h.url, u.username, u.password);
    const c = await createCase(cw, { name_first: 'Synthetic', name_last: 'Mover' });
    const other = await createAgency(admin, { type: 'ngo' });
    expectStatus(await admin.patch(`/api/v1/users/${u.id}`, { agency_id: other.id }), 200);
    const again = await login(h.url, u.username, u.password);
    assert.equal((await again.get(`/api/v1/cases/${c.id}`)).status, 404);
    const list = await again.get('/api/v1/cases?mine=1');
    assert.equal(list.json.total, 0);
  });

  it('names at their length limit in a non-Latin script are stored whole and answered', async () => {
    const name = '中'.repeat(200);
    const a = await admin.post('/api/v1/agencies', { name, type: 'ngo', code: 'ZH' });
    expectStatus(a, 201);
    assert.equal(a.json.name, name);
    const full = 'Ж'.repeat(200);
    const u = await createUser(admin, { role: 'caseworker', agency_id: a.json.id, full_name: full });
    assert.equal(u.full_name, full);
    const cw = await login(h.url, u.username, u.password);
    assert.equal(cw.user.agency_name, name);
    const c = await cw.post('/api/v1/cases', { data: { name_first: 'Synthetic' } });
    expectStatus(c, 201);
    assert.equal(c.json.owner.full_name, full);
    const t = await cw.post('/api/v1/tokens', { name: 'ト'.repeat(100) });
    expectStatus(t, 201);
    assert.equal(t.json.name, 'ト'.repeat(100));
  });

  it('assigning a case keeps its place in name order', async () => {
    const sup = await signIn(h.url, 'supervisor');
    const cw = await signIn(h.url, 'caseworker');
    const b = await createCase(cw, { name_first: 'Aaron', name_last: 'Aaaaab' });
    const c = await createCase(cw, { name_first: 'Aaron', name_last: 'Aaaaac' });
    const users = await sup.get('/api/v1/users');
    const cw2 = users.json.items.find((x) => x.username === 'caseworker2');
    expectStatus(await sup.post(`/api/v1/cases/${c.id}/assign`, { owner_id: cw2.id }), 200);
    const page = await sup.get('/api/v1/cases?sort=name&per=2');
    assert.deepEqual(page.json.items.map((x) => x.id), [b.id, c.id], 'Aaaaab, then the assigned Aaaaac');
  });

  it('case variants of a username share one sign-in throttle', async () => {
    let r;
    const variants = ['Screener', 'SCREENER', 'sCreener', 'screeneR', 'ScReEnEr', 'SCReener', 'screENER', 'Screener'];
    for (const v of variants) {
      r = await new Client(h.url).login(v, 'wrong-password-123');
      if (r.status === 429) break;
    }
    assert.equal(r.status, 429, 'the sixth failure across case variants is throttled');
    const right = await new Client(h.url).login('screener', DEMO_PASSWORD);
    assert.equal(right.status, 429);
  });
});
