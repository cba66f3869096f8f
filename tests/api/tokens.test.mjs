// API tokens: create, use as Bearer (no CSRF), list without secrets, revoke, expiry, storage as a hash.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHaven, Client, signIn, advanceClock } from '../lib/haven.mjs';
import {
  bearerClient, bytesContain, expectError, expectStatus, rawDbBytes, UUID_RE, TS_RE, show,
} from './fixtures.mjs';

const DAY = 86400;

describe('API tokens', { timeout: 120_000 }, () => {
  let h, cw, cw2;
  before(async () => {
    h = await startHaven({ demo: true });
    cw = await signIn(h.url, 'caseworker');
    cw2 = await signIn(h.url, 'caseworker2');
  });
  after(async () => { await h?.cleanup(); });

  it('POST /tokens returns the token once, with a 90-day default expiry', async () => {
    const r = await cw.post('/api/v1/tokens', { name: 'nightly export ✓' });
    expectStatus(r, 201);
    assert.match(r.json.id, UUID_RE);
    assert.equal(typeof r.json.token, 'string');
    assert.ok(r.json.token.length >= 20, 'token has enough entropy');
    assert.equal(r.json.name, 'nightly export ✓');
    assert.match(r.json.expires_at, TS_RE);
    const days = (Date.parse(r.json.expires_at) - Date.now()) / 1000 / DAY;
    assert.ok(days > 89 && days < 91, `default expiry ${days} days`);
    assert.match(r.headers.get('cache-control') || '', /no-store/);
  });

  it('expires_in_days sets the expiry; out-of-range or wrong-type values are 422 and create nothing', async () => {
    const before = (await cw.get('/api/v1/tokens')).json.items.length;
    const r = await cw.post('/api/v1/tokens', { name: 'short', expires_in_days: 7 });
    expectStatus(r, 201);
    const days = (Date.parse(r.json.expires_at) - Date.now()) / 1000 / DAY;
    assert.ok(days > 6 && days < 8, `7-day expiry: ${days}`);
    for (const bad of [0, 366, -1, 'ten', 1.5]) {
      const e = await cw.post('/api/v1/tokens', { name: 'bad', expires_in_days: bad });
      expectError(e, 422, 'validation_failed', 'expires_in_days');
    }
    expectError(await cw.post('/api/v1/tokens', { name: 'x', scope: 'all' }), 422, 'validation_failed', 'scope');
    const after = (await cw.get('/api/v1/tokens')).json.items.length;
    assert.equal(after, before + 1, 'only the valid token was created');
  });

  it('a token works as Authorization: Bearer, including writes without a CSRF token', async () => {
    const t = (await cw.post('/api/v1/tokens', { name: 'script' })).json;
    const b = await bearerClient(h.url, t.token);
    const list = await b.get('/api/v1/cases');
    expectStatus(list, 200);
    const c = await b.post('/api/v1/cases', { data: { name_first: 'Сабина', name_last: 'Каримова', sex: 'female' } });
    expectStatus(c, 201, 'bearer POST needs no CSRF');
    assert.equal(c.json.owner.username, 'caseworker', 'acts as the token owner');
    const p = await b.patch(`/api/v1/cases/${c.json.id}`, { data: { risk_level: 'low' } }, { 'if-match': `"${c.json.version}"` });
    expectStatus(p, 200);
  });

  it('GET /tokens lists the user\'s own tokens without the token value or its hash', async () => {
    const t = (await cw.post('/api/v1/tokens', { name: 'listed' })).json;
    const r = await cw.get('/api/v1/tokens');
    expectStatus(r, 200);
    const item = r.json.items.find((x) => x.id === t.id);
    assert.ok(item, 'the new token is listed');
    assert.equal(item.name, 'listed');
    assert.match(item.created_at, TS_RE);
    assert.equal(item.expires_at, t.expires_at);
    for (const it of r.json.items) {
      for (const k of Object.keys(it)) assert.doesNotMatch(k, /token|hash|secret/i, `list item has ${k}`);
    }
    assert.ok(!r.text.includes(t.token), 'token value not in the list');
    const other = await cw2.get('/api/v1/tokens');
    expectStatus(other, 200);
    assert.ok(!other.json.items.some((x) => x.id === t.id), 'another user does not see it');
  });

  it('another user cannot revoke my token (404), and it keeps working', async () => {
    const t = (await cw.post('/api/v1/tokens', { name: 'mine' })).json;
    expectError(await cw2.del(`/api/v1/tokens/${t.id}`), 404, 'not_found');
    expectStatus(await (await bearerClient(h.url, t.token)).get('/api/v1/cases'), 200);
  });

  it('DELETE /tokens/{id} revokes it: the bearer gets 401 and it leaves the list', async () => {
    const t = (await cw.post('/api/v1/tokens', { name: 'to revoke' })).json;
    const b = await bearerClient(h.url, t.token);
    expectStatus(await b.get('/api/v1/cases'), 200);
    expectStatus(await cw.del(`/api/v1/tokens/${t.id}`), 204);
    expectError(await b.get('/api/v1/cases'), 401, 'unauthenticated');
    expectError(await b.post('/api/v1/cases', { data: {} }), 401, 'unauthenticated');
    assert.ok(!(await cw.get('/api/v1/tokens')).json.items.some((x) => x.id === t.id));
    expectError(await cw.del(`/api/v1/tokens/${t.id}`), 404, 'not_found');
  });

  it('a malformed or altered bearer token is 401', async () => {
    const t = (await cw.post('/api/v1/tokens', {})).json;
    for (const bad of [`${t.token}x`, t.token.slice(0, -1), 'not-a-token', '']) {
      const r = await new Client(h.url).request('GET', '/api/v1/cases', undefined, { authorization: `Bearer ${bad}` });
      expectError(r, 401, 'unauthenticated');
    }
  });

  it('a cookie-signed-in POST /tokens needs the CSRF token', async () => {
    const before = (await cw.get('/api/v1/tokens')).json.items.length;
    const csrf = cw.csrf;
    cw.csrf = null;
    try {
      expectError(await cw.post('/api/v1/tokens', { name: 'no csrf' }), 403, ['forbidden', 'csrf_failed']);
    } finally { cw.csrf = csrf; }
    assert.equal((await cw.get('/api/v1/tokens')).json.items.length, before);
  });

  it('tokens and session ids are stored only as hashes', async () => {
    const t = (await cw.post('/api/v1/tokens', { name: 'hash check' })).json;
    await (await bearerClient(h.url, t.token)).get('/api/v1/cases');
    const raw = rawDbBytes(h.db);
    assert.ok(raw.length > 0);
    assert.ok(!bytesContain(raw, t.token), 'token value found in the database file');
    const sid = cw.cookie.split('=').slice(1).join('=');
    assert.ok(!bytesContain(raw, sid), 'session id found in the database file');
  });

  // Last: moves the clock a day forward.
  it('a token stops working when it expires', async () => {
    const t = (await cw.post('/api/v1/tokens', { name: 'one day', expires_in_days: 1 })).json;
    const b = await bearerClient(h.url, t.token);
    await advanceClock(h.url, 23 * 3600);
    expectStatus(await b.get('/api/v1/cases'), 200, 'still valid after 23 h');
    await advanceClock(h.url, 2 * 3600);
    const r = await b.get('/api/v1/cases');
    expectError(r, 401, 'unauthenticated');
    assert.ok(r.status === 401, show(r));
  });
});
