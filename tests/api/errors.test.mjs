// Every error status of the contract, each followed by a check that nothing was written:
// 400, 401, 403 (role, CSRF), 404, 405, 409, 412, 413, 415, 422, 428. (429: session.test.mjs.)
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHaven, Client, signIn } from '../lib/haven.mjs';
import {
  adminClient, createCase, expectError, expectStatus, listTotal, uniq, show,
} from './fixtures.mjs';

const MiB = 1024 * 1024;

describe('error statuses leave nothing written', { timeout: 120_000 }, () => {
  let h, admin, cw, kase;
  before(async () => {
    h = await startHaven({ demo: true });
    admin = await adminClient(h.url);
    cw = await signIn(h.url, 'caseworker');
    kase = await createCase(cw, { name_first: 'Nahom', name_last: 'ነሆም', sex: 'male', risk_level: 'medium', languages: ['am'] });
  });
  after(async () => { await h?.cleanup(); });

  const mine = () => listTotal(cw, '?mine=1');
  async function unchanged() {
    const g = await cw.get(`/api/v1/cases/${kase.id}`);
    expectStatus(g, 200);
    assert.equal(g.json.version, kase.version, 'case version unchanged');
    assert.deepEqual(g.json.data, kase.data, 'case data unchanged');
    const hist = await cw.get(`/api/v1/cases/${kase.id}/history`);
    assert.ok(!hist.json.items.some((e) => e.action === 'update'), 'no update in history');
  }

  it('400 for malformed JSON; invalid UTF-8 is refused too', async () => {
    const n = await mine();
    for (const body of ['{"data":', '{data:{}}', '{"data":{}} trailing', '', '[1,2', '{"data":{"name_first":"a\tb}}']) {
      expectError(await cw.post('/api/v1/cases', body), 400, 'bad_request');
    }
    const bytes = Buffer.concat([Buffer.from('{"data":{"name_first":"'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('"}}')]);
    const r = await fetch(`${h.url}/api/v1/cases`, {
      method: 'POST', body: bytes, headers: { 'content-type': 'application/json', cookie: cw.cookie, 'x-csrf-token': cw.csrf },
    });
    assert.ok(r.status === 400 || r.status === 422, `invalid UTF-8: ${r.status}`);
    const sur = await cw.post('/api/v1/cases', '{"data":{"name_first":"\\ud800"}}');
    assert.ok(sur.status === 400 || sur.status === 422, `lone surrogate: ${show(sur)}`);
    assert.equal(await mine(), n, 'no case created');
  });

  it('400 for duplicate keys, at any depth', async () => {
    const n = await mine();
    expectError(await cw.post('/api/v1/cases', '{"data":{"name_first":"A","name_first":"B"}}'), 400, 'bad_request');
    expectError(await cw.post('/api/v1/cases', '{"data":{},"data":{}}'), 400, 'bad_request');
    expectError(await cw.post('/api/v1/session', '{"username":"caseworker","password":"x","password":"haven-demo"}'), 400, 'bad_request');
    assert.equal(await mine(), n);
    const p = await cw.patch(`/api/v1/cases/${kase.id}`, '{"data":{"sex":"female","sex":"male"}}', { 'if-match': `"${kase.version}"` });
    expectError(p, 400, 'bad_request');
    await unchanged();
  });

  it('401 without credentials, nothing created', async () => {
    const n = await mine();
    const anon = new Client(h.url);
    expectError(await anon.get('/api/v1/cases'), 401, 'unauthenticated');
    expectError(await anon.post('/api/v1/cases', { data: { name_first: 'Anon' } }), 401, 'unauthenticated');
    expectError(await anon.get(`/api/v1/cases/${kase.id}`), 401, 'unauthenticated');
    expectError(await anon.post('/api/v1/cases/search', { q: 'Nahom' }), 401, 'unauthenticated');
    expectError(await anon.get('/api/v1/tokens'), 401, 'unauthenticated');
    assert.equal(await mine(), n);
  });

  it('403 for the wrong role', async () => {
    const before = (await admin.get('/api/v1/agencies')).json.items.length;
    expectError(await cw.post('/api/v1/agencies', { name: 'Caseworker Agency', type: 'ngo' }), 403, 'forbidden');
    expectError(await cw.post('/api/v1/users', { username: uniq('u'), password: 'Valid-password-1', role: 'admin', agency_id: cw.user.agency_id }), 403, 'forbidden');
    expectError(await cw.del(`/api/v1/cases/${kase.id}`), 403, 'forbidden');
    assert.equal((await admin.get('/api/v1/agencies')).json.items.length, before);
    await unchanged();
  });

  it('403 when a cookie-authenticated write has no or a wrong X-CSRF-Token', async () => {
    const n = await mine();
    for (const token of [undefined, 'forged-csrf-token-value']) {
      const headers = { 'content-type': 'application/json', cookie: cw.cookie };
      if (token) headers['x-csrf-token'] = token;
      const r = await fetch(`${h.url}/api/v1/cases`, { method: 'POST', headers, body: JSON.stringify({ data: { name_first: 'Csrf' } }) });
      const text = await r.text();
      assert.equal(r.status, 403, `POST without valid CSRF: ${r.status} ${text}`);
      const code = JSON.parse(text).error.code;
      assert.ok(code === 'forbidden' || code === 'csrf_failed', code);
      const p = await fetch(`${h.url}/api/v1/cases/${kase.id}`, {
        method: 'PATCH', headers: { ...headers, 'if-match': `"${kase.version}"` }, body: JSON.stringify({ data: { sex: 'female' } }),
      });
      assert.equal(p.status, 403, 'PATCH without valid CSRF');
      const d = await fetch(`${h.url}/api/v1/session`, { method: 'DELETE', headers });
      assert.equal(d.status, 403, 'DELETE /session without valid CSRF');
    }
    assert.equal(await mine(), n);
    await unchanged();
    expectStatus(await cw.get('/api/v1/session'), 200, 'still signed in');
  });

  it('404 for unknown ids and paths', async () => {
    const n = await mine();
    for (const p of ['/api/v1/cases/6f1c2a3b-0000-4000-8000-000000000404', '/api/v1/cases/not-a-uuid',
      '/api/v1/cases/6f1c2a3b-0000-4000-8000-000000000404/history', '/api/v1/nothing-here', '/api/v2/cases']) {
      expectError(await cw.get(p), 404, 'not_found');
    }
    expectError(await cw.patch('/api/v1/cases/6f1c2a3b-0000-4000-8000-000000000404', { data: {} }, { 'if-match': '"1"' }), 404, 'not_found');
    expectError(await cw.post('/api/v1/cases/6f1c2a3b-0000-4000-8000-000000000404/assign', { assigned_ids: [] }), 404, 'not_found');
    assert.equal(await mine(), n);
  });

  it('405 for a method the path does not support', async () => {
    const n = await mine();
    expectError(await cw.request('PUT', `/api/v1/cases/${kase.id}`, { data: {} }), 405, 'method_not_allowed');
    expectError(await cw.request('DELETE', '/api/v1/cases'), 405, 'method_not_allowed');
    assert.equal(await mine(), n);
    await unchanged();
  });

  it('409 for a duplicate username or agency name', async () => {
    const users = (await admin.get('/api/v1/users')).json.items.length;
    const agencies = (await admin.get('/api/v1/agencies')).json.items.length;
    expectError(await admin.post('/api/v1/users', { username: 'caseworker2', password: 'Valid-password-1', role: 'caseworker', agency_id: cw.user.agency_id }), 409, 'conflict');
    expectError(await admin.post('/api/v1/agencies', { name: 'Demo Social Services', type: 'ngo' }), 409, 'conflict');
    assert.equal((await admin.get('/api/v1/users')).json.items.length, users);
    assert.equal((await admin.get('/api/v1/agencies')).json.items.length, agencies);
  });

  it('412 for a stale If-Match, 428 without one', async () => {
    const c = await createCase(cw, { name_first: 'Liya', risk_level: 'low' });
    const ok = await cw.patch(`/api/v1/cases/${c.id}`, { data: { risk_level: 'medium' } }, { 'if-match': `"${c.version}"` });
    expectStatus(ok, 200);
    const stale = await cw.patch(`/api/v1/cases/${c.id}`, { data: { risk_level: 'high' } }, { 'if-match': `"${c.version}"` });
    expectError(stale, 412, 'version_mismatch');
    const none = await cw.patch(`/api/v1/cases/${c.id}`, { data: { risk_level: 'high' } });
    expectError(none, 428, 'precondition_required');
    const junk = await cw.patch(`/api/v1/cases/${c.id}`, { data: { risk_level: 'high' } }, { 'if-match': '"banana"' });
    assert.ok(junk.status === 412 || junk.status === 400, `non-numeric If-Match: ${show(junk)}`);
    const g = await cw.get(`/api/v1/cases/${c.id}`);
    assert.equal(g.json.version, ok.json.version, 'version unchanged by the refused patches');
    assert.equal(g.json.data.risk_level, 'medium');
    const hist = await cw.get(`/api/v1/cases/${c.id}/history`);
    assert.equal(hist.json.items.filter((e) => e.action === 'update').length, 1);
  });

  it('413 for a body over 1 MiB; just under 1 MiB is parsed', async () => {
    const n = await mine();
    const big = JSON.stringify({ data: { name_first: 'x'.repeat(MiB + 10) } });
    let r;
    try { r = await cw.post('/api/v1/cases', big); } catch (e) { assert.fail(`server dropped the connection instead of 413: ${e.cause?.code || e}`); }
    expectError(r, 413, 'payload_too_large');
    const p = await cw.patch(`/api/v1/cases/${kase.id}`, JSON.stringify({ data: { location_current: 'y'.repeat(2 * MiB) } }), { 'if-match': `"${kase.version}"` });
    expectError(p, 413, 'payload_too_large');
    // a body just under the limit is read and judged on its content (name too long → 422)
    const under = JSON.stringify({ data: { name_first: 'z'.repeat(MiB - 100) } });
    assert.ok(Buffer.byteLength(under) < MiB);
    expectError(await cw.post('/api/v1/cases', under), 422, 'validation_failed', 'name_first');
    assert.equal(await mine(), n);
    await unchanged();
    expectStatus(await cw.get('/api/v1/session'), 200, 'server still healthy');
  });

  it('415 for a body that is not JSON', async () => {
    const n = await mine();
    const json = JSON.stringify({ data: { name_first: 'Plain' } });
    expectError(await cw.post('/api/v1/cases', json, { 'content-type': 'text/plain' }), 415, 'unsupported_media_type');
    expectError(await cw.post('/api/v1/cases', json, { 'content-type': 'application/x-www-form-urlencoded' }), 415, 'unsupported_media_type');
    expectError(await cw.patch(`/api/v1/cases/${kase.id}`, JSON.stringify({ data: { sex: 'female' } }), { 'content-type': 'text/plain', 'if-match': `"${kase.version}"` }), 415, 'unsupported_media_type');
    assert.equal(await mine(), n);
    await unchanged();
    // a charset parameter is fine
    const ok = await cw.post('/api/v1/cases', json, { 'content-type': 'application/json; charset=utf-8' });
    expectStatus(ok, 201);
  });

  it('422 naming the field: unknown field, wrong type, bad enum, future date, bad country', async () => {
    const n = await mine();
    const tomorrow = new Date(Date.now() + 2 * 86400e3).toISOString().slice(0, 10);
    const bad = [
      [{ data: { nickname: 'Bob' } }, 'nickname'],
      [{ data: {}, owner: 'me' }, 'owner'],
      [{ data: { name_first: 5 } }, 'name_first'],
      [{ data: { name_other: 'not-a-list' } }, 'name_other'],
      [{ data: { languages: [1, 2] } }, 'languages'],
      [{ data: { sex: 'boy' } }, 'sex'],
      [{ data: { risk_level: 'critical' } }, 'risk_level'],
      [{ data: { consent_for_services: 'maybe' } }, 'consent_for_services'],
      [{ data: { consent_for_tracing: true } }, 'consent_for_tracing'],
      [{ data: { disclosure_other_orgs: 'YES' } }, 'disclosure_other_orgs'],
      [{ data: { date_of_birth: tomorrow } }, 'date_of_birth'],
      [{ data: { date_of_birth: '2015-13-01' } }, 'date_of_birth'],
      [{ data: { date_of_birth: '01/02/2015' } }, 'date_of_birth'],
      [{ data: { date_of_birth_estimated: 'yes' } }, 'date_of_birth_estimated'],
      [{ data: { nationality: ['FRANCE'] } }, 'nationality'],
      [{ data: { nationality: 'UGA' } }, 'nationality'],
      [{ data: { protection_concerns: [{}] } }, 'protection_concerns'],
      [{ data: 'string' }, 'data'],
      [{ data: { name_first: 'Ok', age: 'seven' } }, 'age'],
    ];
    for (const [body, field] of bad) {
      const r = await cw.post('/api/v1/cases', body);
      expectError(r, 422, 'validation_failed', field);
    }
    assert.equal(await mine(), n, 'no case created by an invalid request');
    // PATCH: one bad field spoils the whole patch
    const r = await cw.patch(`/api/v1/cases/${kase.id}`, { data: { location_current: 'Addis Ababa', sex: 'boy' } }, { 'if-match': `"${kase.version}"` });
    expectError(r, 422, 'validation_failed', 'sex');
    expectError(await cw.patch(`/api/v1/cases/${kase.id}`, { data: { date_of_birth: tomorrow } }, { 'if-match': `"${kase.version}"` }), 422, 'validation_failed', 'date_of_birth');
    expectError(await cw.patch(`/api/v1/cases/${kase.id}`, { data: { colour: 'red' } }, { 'if-match': `"${kase.version}"` }), 422, 'validation_failed', 'colour');
    await unchanged();
  });

  it('the body of a validation error says which field, and nothing about other records', async () => {
    const r = await cw.post('/api/v1/cases', { data: { sex: 'boy' } });
    const e = expectError(r, 422, 'validation_failed', 'sex');
    assert.ok(e.message.length < 300);
    assert.ok(!r.text.includes('Nahom'));
  });

  it('deeply nested or NUL-bearing JSON is refused cleanly', async () => {
    const n = await mine();
    const deep = `{"data":{"name_other":${'['.repeat(100000)}${']'.repeat(100000)}}}`;
    const r = await cw.post('/api/v1/cases', deep);
    assert.ok(r.status === 400 || r.status === 422, `deep nesting: ${show(r)}`);
    const nul = await cw.post('/api/v1/cases', '{"data":{"name_first":"A\\u0000B"}}');
    assert.ok(nul.status === 400 || nul.status === 422, `NUL in a name: ${show(nul)}`);
    assert.equal(await mine(), n);
  });

  it('concurrent edits with the same If-Match: exactly one wins, the rest get 412', async () => {
    const c = await createCase(cw, { name_first: 'Race', risk_level: 'low' });
    const levels = ['medium', 'high', 'medium', 'high', 'medium', 'high'];
    const rs = await Promise.all(levels.map((risk_level) =>
      cw.patch(`/api/v1/cases/${c.id}`, { data: { risk_level } }, { 'if-match': `"${c.version}"` })));
    const codes = rs.map((r) => r.status).sort();
    assert.equal(codes.filter((x) => x === 200).length, 1, `one winner: ${codes}`);
    assert.equal(codes.filter((x) => x === 412).length, levels.length - 1, `the rest stale: ${codes}`);
    const winner = rs.find((r) => r.status === 200).json;
    const g = await cw.get(`/api/v1/cases/${c.id}`);
    assert.equal(g.json.version, c.version + 1);
    assert.equal(g.json.data.risk_level, winner.data.risk_level);
  });

  it('concurrent creates all succeed with distinct display ids', async () => {
    const n = await mine();
    const rs = await Promise.all(Array.from({ length: 24 }, (_, i) => cw.post('/api/v1/cases', { data: { name_first: `Parallel ${i}` } })));
    assert.deepEqual(rs.map((r) => r.status), rs.map(() => 201), rs.filter((r) => r.status !== 201).map(show).join('\n'));
    assert.equal(new Set(rs.map((r) => r.json.display_id)).size, 24);
    assert.equal(await mine(), n + 24);
  });

  it('the server is still up after all that', async () => {
    const r = await fetch(`${h.url}/healthz`);
    assert.equal(r.status, 200);
  });
});
