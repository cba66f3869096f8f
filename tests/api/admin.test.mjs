// Administration: agencies and users (create, list, read, update), who may do it, and the
// validation and conflict errors, each checked to have written nothing.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Client, signIn } from '../lib/haven.mjs';
import {
  demoServer, createAgency, createUser, expectError, expectStatus, login, uniq, UUID_RE, TS_RE,
} from './fixtures.mjs';

const TYPES = ['social_services', 'ngo', 'police', 'border', 'immigration', 'justice', 'health', 'education', 'shelter', 'other'];
const USER_KEYS = ['id', 'username', 'full_name', 'role', 'agency_id', 'agency_name', 'locale', 'disabled', 'must_change_password', 'created_at'];

function assertNoSecrets(r, password) {
  assert.ok(!/hash|salt|argon/i.test(r.text), `no hash in ${r.text.slice(0, 200)}`);
  if (password) assert.ok(!r.text.includes(password), 'password not echoed');
}

describe('agencies', { timeout: 120_000 }, () => {
  let h, admin, dss;
  before(async () => {
    ({ h, admin, dss } = await demoServer());
  });
  after(async () => { await h?.cleanup(); });

  it('an admin creates an agency of every type; code is given or derived from the name', async () => {
    for (const type of TYPES) {
      const name = `Synthetic ${type} ${uniq('n')}`;
      const r = await admin.post('/api/v1/agencies', { name, type });
      expectStatus(r, 201, type);
      assert.match(r.json.id, UUID_RE);
      assert.equal(r.json.name, name);
      assert.equal(r.json.type, type);
      assert.match(r.json.code, /^[A-Z0-9]{2,4}$/);
      assert.match(r.json.created_at, TS_RE);
    }
    const r = await admin.post('/api/v1/agencies', { name: 'جمعية الأمل للأطفال', type: 'ngo', code: 'AMAL' });
    expectStatus(r, 201);
    assert.equal(r.json.code, 'AMAL');
    assert.equal(r.json.name, 'جمعية الأمل للأطفال');
  });

  it('derives a valid code even from a name with no Latin letters', async () => {
    const r = await admin.post('/api/v1/agencies', { name: 'Служба защиты детей', type: 'social_services' });
    expectStatus(r, 201);
    assert.match(r.json.code, /^[A-Z0-9]{2,4}$/);
  });

  it('two agencies whose names give the same derived code both get created, with distinct codes', async () => {
    const a = await admin.post('/api/v1/agencies', { name: 'North Valley Shelter', type: 'shelter' });
    expectStatus(a, 201);
    const b = await admin.post('/api/v1/agencies', { name: 'New Village Services', type: 'ngo' });
    expectStatus(b, 201, 'a unique name must not be refused because its derived code is taken');
    assert.match(b.json.code, /^[A-Z0-9]{2,4}$/);
    assert.notEqual(a.json.code, b.json.code);
    // names without Latin letters: every one of them must not end up with the same code
    const c = await admin.post('/api/v1/agencies', { name: 'Комитет по делам детей', type: 'justice' });
    const d = await admin.post('/api/v1/agencies', { name: 'جمعية رعاية الطفولة', type: 'ngo' });
    expectStatus(c, 201, 'a Cyrillic-named agency without a code');
    expectStatus(d, 201, 'an Arabic-named agency without a code');
    assert.notEqual(c.json.code, d.json.code);
  });

  it('GET /agencies: admin sees all, others only their own', async () => {
    const a = await createAgency(admin, { name: 'Hope Shelter Kampala', type: 'shelter' });
    const all = await admin.get('/api/v1/agencies');
    expectStatus(all, 200);
    assert.ok(all.json.items.some((x) => x.id === a.id));
    assert.ok(all.json.items.some((x) => x.id === dss.id));
    const cw = await signIn(h.url, 'caseworker');
    const own = await cw.get('/api/v1/agencies');
    expectStatus(own, 200);
    assert.deepEqual(own.json.items.map((x) => x.id), [dss.id]);
  });

  it('a duplicate agency name or code is 409 and adds nothing', async () => {
    const a = await createAgency(admin, { name: `Dup ${uniq('d')}`, type: 'police', code: 'DUPX' });
    const before = (await admin.get('/api/v1/agencies')).json.items.length;
    expectError(await admin.post('/api/v1/agencies', { name: a.name, type: 'ngo' }), 409, 'conflict');
    expectError(await admin.post('/api/v1/agencies', { name: `Other ${uniq('o')}`, type: 'ngo', code: 'DUPX' }), 409, 'conflict');
    assert.equal((await admin.get('/api/v1/agencies')).json.items.length, before);
  });

  it('invalid agencies are 422 naming the field, and add nothing', async () => {
    const before = (await admin.get('/api/v1/agencies')).json.items.length;
    const cases = [
      [{ name: 'Bad Type Agency', type: 'church' }, 'type'],
      [{ name: 'Bad Code Agency', type: 'ngo', code: 'abc' }, 'code'],
      [{ name: 'Long Code Agency', type: 'ngo', code: 'ABCDE' }, 'code'],
      [{ name: 'Short Code Agency', type: 'ngo', code: 'A' }, 'code'],
      [{ type: 'ngo' }, 'name'],
      [{ name: '', type: 'ngo' }, 'name'],
      [{ name: 'No Type Agency' }, 'type'],
      [{ name: 42, type: 'ngo' }, 'name'],
      [{ name: 'Extra Field Agency', type: 'ngo', colour: 'red' }, 'colour'],
    ];
    for (const [body, field] of cases) {
      expectError(await admin.post('/api/v1/agencies', body), 422, 'validation_failed', field);
    }
    assert.equal((await admin.get('/api/v1/agencies')).json.items.length, before);
  });

  it('only an admin creates agencies (403 for a supervisor), nothing is added', async () => {
    const before = (await admin.get('/api/v1/agencies')).json.items.length;
    const sup = await signIn(h.url, 'supervisor');
    expectError(await sup.post('/api/v1/agencies', { name: 'Rogue Agency', type: 'ngo' }), 403, 'forbidden');
    assert.equal((await admin.get('/api/v1/agencies')).json.items.length, before);
  });
});

describe('users', { timeout: 120_000 }, () => {
  let h, admin, dss, other;
  before(async () => {
    ({ h, admin, dss } = await demoServer());
    other = await createAgency(admin, { name: 'Ministère de la Justice (synthétique)', type: 'justice', code: 'MJS' });
  });
  after(async () => { await h?.cleanup(); });

  it('an admin creates a user; the answer is a User without any secret, and the user can sign in', async () => {
    const password = 'Pass-for-Tigist-99';
    const body = { username: uniq('tigist'), password, role: 'caseworker', agency_id: dss.id, full_name: 'ትግስት አበበ', locale: 'am' };
    const r = await admin.post('/api/v1/users', body);
    expectStatus(r, 201);
    for (const k of USER_KEYS) assert.ok(k in r.json, `User has ${k}`);
    assert.match(r.json.id, UUID_RE);
    assert.equal(r.json.username, body.username);
    assert.equal(r.json.full_name, 'ትግስት አበበ');
    assert.equal(r.json.role, 'caseworker');
    assert.equal(r.json.agency_id, dss.id);
    assert.equal(r.json.agency_name, 'Demo Social Services');
    assert.equal(r.json.locale, 'am');
    assert.equal(r.json.disabled, false);
    assertNoSecrets(r, password);
    const g = await admin.get(`/api/v1/users/${r.json.id}`);
    expectStatus(g, 200);
    assert.deepEqual(g.json, r.json);
    assertNoSecrets(g, password);
    const c = await login(h.url, body.username, password);
    assert.equal(c.user.id, r.json.id);
  });

  it('GET /users: admin sees all users, a supervisor only their own agency\'s', async () => {
    const inOther = await createUser(admin, { role: 'caseworker', agency_id: other.id });
    const all = await admin.get('/api/v1/users');
    expectStatus(all, 200);
    assert.ok(all.json.items.some((u) => u.id === inOther.id));
    assert.ok(all.json.items.some((u) => u.username === 'caseworker'));
    assertNoSecrets(all);
    const sup = await signIn(h.url, 'supervisor');
    const mine = await sup.get('/api/v1/users');
    expectStatus(mine, 200);
    assert.ok(mine.json.items.length >= 5, 'the demo agency\'s users');
    assert.ok(mine.json.items.every((u) => u.agency_id === dss.id), 'only own agency');
    assert.ok(mine.json.items.some((u) => u.username === 'caseworker2'));
    const peek = await sup.get(`/api/v1/users/${inOther.id}`);
    assert.ok(peek.status === 404 || peek.status === 403, `supervisor reads another agency's user: ${peek.status}`);
    assert.ok(!peek.text.includes(inOther.username));
  });

  it('a duplicate username is 409 and adds nothing', async () => {
    const u = await createUser(admin, { role: 'screener', agency_id: dss.id });
    const before = (await admin.get('/api/v1/users')).json.items.length;
    const r = await admin.post('/api/v1/users', { username: u.username, password: 'Another-pass-123', role: 'caseworker', agency_id: other.id });
    expectError(r, 409, 'conflict');
    const demo = await admin.post('/api/v1/users', { username: 'caseworker', password: 'Another-pass-123', role: 'caseworker', agency_id: other.id });
    expectError(demo, 409, 'conflict');
    assert.equal((await admin.get('/api/v1/users')).json.items.length, before);
  });

  it('invalid users are 422 naming the field, and add nothing', async () => {
    const before = (await admin.get('/api/v1/users')).json.items.length;
    const ok = { username: uniq('v'), password: 'Valid-password-1', role: 'caseworker', agency_id: dss.id };
    const cases = [
      [{ ...ok, role: 'superuser' }, 'role'],
      [{ ...ok, agency_id: '6f1c2a3b-0000-4000-8000-000000000000' }, 'agency_id'],
      [{ ...ok, agency_id: 'not-a-uuid' }, 'agency_id'],
      [{ ...ok, password: 'short' }, 'password'],
      [{ ...ok, username: '' }, 'username'],
      [{ ...ok, username: undefined }, 'username'],
      [{ ...ok, disabled: 'yes' }, 'disabled'],
      [{ ...ok, favourite_colour: 'blue' }, 'favourite_colour'],
      [{ ...ok, full_name: 7 }, 'full_name'],
    ];
    for (const [body, field] of cases) {
      expectError(await admin.post('/api/v1/users', body), 422, 'validation_failed', field);
    }
    assert.equal((await admin.get('/api/v1/users')).json.items.length, before);
    const byName = (await admin.get('/api/v1/users')).json.items.filter((u) => u.username === ok.username);
    assert.equal(byName.length, 0);
  });

  it('PATCH /users/{id} updates; invalid patches are 422 and change nothing', async () => {
    const u = await createUser(admin, { role: 'caseworker', agency_id: dss.id, full_name: 'Olena Kovalenko' });
    const r = await admin.patch(`/api/v1/users/${u.id}`, { full_name: 'Олена Коваленко', locale: 'uk' });
    expectStatus(r, 200);
    assert.equal(r.json.full_name, 'Олена Коваленко');
    assert.equal(r.json.locale, 'uk');
    for (const [body, field] of [[{ role: 'overlord' }, 'role'], [{ disabled: 'no' }, 'disabled'],
      [{ agency_id: '6f1c2a3b-0000-4000-8000-000000000001' }, 'agency_id'], [{ username: 'renamed' }, 'username'],
      [{ full_name: 'X', role: 'bogus' }, 'role'], [{ password: 'short' }, 'password']]) {
      expectError(await admin.patch(`/api/v1/users/${u.id}`, body), 422, 'validation_failed', field);
    }
    const g = await admin.get(`/api/v1/users/${u.id}`);
    assert.equal(g.json.full_name, 'Олена Коваленко', 'a failed patch changed nothing');
    assert.equal(g.json.role, 'caseworker');
    assert.equal(g.json.disabled, false);
  });

  it('only an admin creates or changes users (403), and nothing changes', async () => {
    const u = await createUser(admin, { role: 'caseworker', agency_id: dss.id });
    const before = (await admin.get('/api/v1/users')).json.items.length;
    for (const who of ['supervisor', 'caseworker']) {
      const c = await signIn(h.url, who);
      expectError(await c.post('/api/v1/users', { username: uniq('x'), password: 'Valid-password-1', role: 'admin', agency_id: dss.id }), 403, 'forbidden');
      expectError(await c.patch(`/api/v1/users/${u.id}`, { role: 'supervisor' }), 403, 'forbidden');
    }
    assert.equal((await admin.get('/api/v1/users')).json.items.length, before);
    assert.equal((await admin.get(`/api/v1/users/${u.id}`)).json.role, 'caseworker');
  });

  it('unknown user ids are 404', async () => {
    expectError(await admin.get('/api/v1/users/6f1c2a3b-0000-4000-8000-00000000dead'), 404, 'not_found');
    expectError(await admin.patch('/api/v1/users/6f1c2a3b-0000-4000-8000-00000000dead', { full_name: 'x' }), 404, 'not_found');
  });

  it('admin endpoints need a signed-in user', async () => {
    const anon = new Client(h.url);
    expectError(await anon.get('/api/v1/users'), 401, 'unauthenticated');
    expectError(await anon.get('/api/v1/agencies'), 401, 'unauthenticated');
    expectError(await anon.post('/api/v1/agencies', { name: 'Anon', type: 'ngo' }), 401, 'unauthenticated');
  });
});
