// Sign-in, sign-out, cookies, security headers, password changes, session expiry and the end of
// sessions when an administrator changes a user.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHaven, Client, signIn, advanceClock, DEMO_PASSWORD } from '../lib/haven.mjs';
import {
  adminClient, demoServer, agencyByCode, bearerClient, createAgency, createUser, expectError, expectStatus,
  login, uniq, userClient, UUID_RE, TS_RE, show,
} from './fixtures.mjs';

const WRONG = { code: 'unauthenticated', message: 'wrong username or password' };

describe('sign-in and sessions', { timeout: 120_000 }, () => {
  let h, admin, dss;
  before(async () => {
    ({ h, admin, dss } = await demoServer());
  });
  after(async () => { await h?.cleanup(); });

  it('GET /healthz answers {"status":"ok"} without signing in', async () => {
    const r = await fetch(`${h.url}/healthz`);
    assert.equal(r.status, 200);
    assert.deepEqual(await r.json(), { status: 'ok' });
  });

  it('sign-in returns the user, a CSRF token and an HttpOnly SameSite=Strict cookie', async () => {
    const c = new Client(h.url);
    const r = await c.login('caseworker', DEMO_PASSWORD);
    expectStatus(r, 200);
    const u = r.json.user;
    assert.equal(u.username, 'caseworker');
    assert.equal(u.role, 'caseworker');
    assert.match(u.id, UUID_RE);
    assert.equal(u.agency_id, dss.id);
    assert.equal(u.agency_name, 'Demo Social Services');
    assert.equal(u.disabled, false);
    assert.equal(u.must_change_password, false);
    assert.match(u.created_at, TS_RE);
    for (const k of Object.keys(u)) {
      if (k !== 'must_change_password') assert.doesNotMatch(k, /pass|hash|salt/i, `user carries ${k}`);
    }
    assert.equal(typeof r.json.csrf_token, 'string');
    assert.ok(r.json.csrf_token.length >= 16, 'csrf token has some entropy');
    const cookie = r.headers.get('set-cookie');
    assert.match(cookie, /^haven_session=[^;]{16,};/);
    assert.match(cookie, /;\s*HttpOnly/i);
    assert.match(cookie, /;\s*SameSite=Strict/i);
    assert.match(cookie, /;\s*Path=\/(;|$)/i);
    assert.equal(r.headers.get('cache-control')?.includes('no-store'), true, 'session response not cached');
  });

  it('GET /session returns the signed-in user; DELETE /session signs out and the old cookie stops working', async () => {
    const c = await signIn(h.url, 'caseworker2');
    let r = await c.get('/api/v1/session');
    expectStatus(r, 200);
    assert.equal(r.json.user.username, 'caseworker2');
    assert.equal(typeof r.json.csrf_token, 'string');
    r = await c.del('/api/v1/session');
    expectStatus(r, 204);
    const oldCookie = c.cookie;
    r = await c.get('/api/v1/session');
    expectError(r, 401, 'unauthenticated');
    const replay = new Client(h.url);
    replay.cookie = oldCookie;
    r = await replay.get('/api/v1/cases');
    expectError(r, 401, 'unauthenticated');
  });

  it('GET /session without a cookie, or with a forged one, is 401', async () => {
    const c = new Client(h.url);
    expectError(await c.get('/api/v1/session'), 401, 'unauthenticated');
    c.cookie = 'haven_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
    expectError(await c.get('/api/v1/session'), 401, 'unauthenticated');
    expectError(await c.get('/api/v1/cases'), 401, 'unauthenticated');
  });

  it('unknown user and wrong password get the same 401 and the same message, and no cookie', async () => {
    const a = await new Client(h.url).login('caseworker', 'not-the-password-1');
    const b = await new Client(h.url).login('nobody-here-7Ω', 'not-the-password-1');
    expectError(a, 401, 'unauthenticated');
    expectError(b, 401, 'unauthenticated');
    assert.deepEqual(a.json, b.json, 'same body for unknown user and wrong password');
    assert.equal(a.json.error.message, WRONG.message);
    assert.equal(a.headers.get('set-cookie'), null);
    assert.equal(b.headers.get('set-cookie'), null);
    // an empty password is also just "wrong"
    const e = await new Client(h.url).login('caseworker', '');
    assert.ok(e.status === 401 || e.status === 422, show(e));
  });

  it('sign-in requests with missing, mistyped or unknown fields are 422 naming the field', async () => {
    for (const [body, field] of [[{ username: 'caseworker' }, 'password'], [{ password: DEMO_PASSWORD }, 'username'],
      [{ username: 5, password: DEMO_PASSWORD }, 'username'], [{ username: 'caseworker', password: DEMO_PASSWORD, remember: true }, 'remember']]) {
      const r = await new Client(h.url).request('POST', '/api/v1/session', body);
      expectError(r, 422, 'validation_failed', field);
      assert.equal(r.headers.get('set-cookie'), null, 'no session for an invalid request');
    }
    const t = await new Client(h.url).request('POST', '/api/v1/session', JSON.stringify({ username: 'caseworker', password: DEMO_PASSWORD }), { 'content-type': 'text/plain' });
    expectError(t, 415, 'unsupported_media_type');
    assert.equal(t.headers.get('set-cookie'), null, 'a text/plain form post (cross-site) gets no session');
  });

  it('the UI page carries a strict Content-Security-Policy and no-referrer', async () => {
    const r = await fetch(`${h.url}/`);
    assert.equal(r.status, 200);
    const csp = r.headers.get('content-security-policy') || '';
    assert.match(csp, /default-src 'self'/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    assert.equal(r.headers.get('referrer-policy'), 'no-referrer');
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
  });

  it('responses carry the security headers; personal data is never cached', async () => {
    const c = await signIn(h.url, 'caseworker');
    const created = await c.post('/api/v1/cases', { data: { name_first: 'Лейла', name_last: 'Ахмедова' } });
    expectStatus(created, 201);
    const id = created.json.id;
    const personal = [
      created,
      await c.get(`/api/v1/cases/${id}`),
      await c.get('/api/v1/cases'),
      await c.post('/api/v1/cases/search', { q: 'Лейла' }),
      await c.get(`/api/v1/cases/${id}/history`),
      await c.get(`/api/v1/cases/${id}/notes`),
      await c.get('/api/v1/session'),
    ];
    for (const r of personal) {
      assert.ok(r.status < 300, show(r));
      assert.match(r.headers.get('cache-control') || '', /no-store/, `no-store missing: ${r.text.slice(0, 80)}`);
    }
    const others = [await c.get(`/api/v1/cases/${'0'.repeat(8)}-0000-4000-8000-000000000000`),
      await new Client(h.url).get('/api/v1/cases'), ...personal];
    for (const r of others) {
      assert.ok(r.headers.get('content-security-policy'), 'Content-Security-Policy present');
      assert.equal(r.headers.get('referrer-policy'), 'no-referrer');
      assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
      if (r.text) assert.match(r.headers.get('content-type') || '', /^application\/json/);
    }
    const hz = await fetch(`${h.url}/healthz`);
    assert.equal(hz.headers.get('x-content-type-options'), 'nosniff');
  });

  it('a user changes their own password: other sessions end, this one goes on, the old password stops working', async () => {
    const u = await createUser(admin, { role: 'caseworker', agency_id: dss.id, full_name: 'Ада Лавлейс' });
    const c1 = await login(h.url, u.username, u.password);
    const c2 = await login(h.url, u.username, c1.password);
    const current = c1.password;

    // validation: too short, equal to the username, wrong current password — nothing changes
    expectError(await c1.post('/api/v1/me/password', { current_password: current, new_password: 'short9' }),
      422, 'validation_failed', 'new_password');
    expectError(await c1.post('/api/v1/me/password', { current_password: current, new_password: u.username }),
      422, 'validation_failed', 'new_password');
    const wrong = await c1.post('/api/v1/me/password', { current_password: 'not-my-password', new_password: 'Brand-new-pass-42' });
    assert.ok(wrong.status >= 400 && wrong.status < 500, `wrong current password refused: ${show(wrong)}`);
    expectStatus(await c2.get('/api/v1/session'), 200, 'nothing changed yet, second session alive');
    await signIn(h.url, u.username, current);

    const np = 'Brand-new-pass-42';
    expectStatus(await c1.post('/api/v1/me/password', { current_password: current, new_password: np }), 204);
    expectStatus(await c1.get('/api/v1/session'), 200, 'the session that changed it goes on');
    expectStatus(await c1.get('/api/v1/cases'), 200);
    expectError(await c2.get('/api/v1/session'), 401, 'unauthenticated');
    const old = await new Client(h.url).login(u.username, current);
    expectError(old, 401, 'unauthenticated');
    const fresh = await new Client(h.url).login(u.username, np);
    expectStatus(fresh, 200);
    assert.equal(fresh.json.user.must_change_password, false);
  });

  it('a CSRF token belongs to its own session; signing in always issues a fresh session id', async () => {
    const a = await signIn(h.url, 'caseworker');
    const b = await signIn(h.url, 'caseworker');
    assert.notEqual(a.csrf, b.csrf);
    const before = (await b.get('/api/v1/cases?mine=1')).json.total;
    const mixed = new Client(h.url);
    mixed.cookie = b.cookie;
    mixed.csrf = a.csrf;
    expectError(await mixed.post('/api/v1/cases', { data: { name_first: 'Mixed' } }), 403, ['forbidden', 'csrf_failed']);
    assert.equal((await b.get('/api/v1/cases?mine=1')).json.total, before);
    // a sign-in that arrives with an existing cookie (e.g. planted) still gets a new session id
    const planted = new Client(h.url);
    planted.cookie = a.cookie;
    const r = await planted.request('POST', '/api/v1/session', { username: 'caseworker2', password: DEMO_PASSWORD });
    expectStatus(r, 200);
    assert.notEqual(r.headers.get('set-cookie').split(';')[0], a.cookie, 'session id reused across sign-in');
    const still = await a.get('/api/v1/session');
    assert.equal(still.json.user.username, 'caseworker', 'the planted cookie did not become caseworker2');
  });

  it('/me/password needs the CSRF token with a cookie', async () => {
    const c = await userClient(h.url, admin, { role: 'caseworker', agency_id: dss.id });
    const csrf = c.csrf;
    c.csrf = null;
    const r = await c.post('/api/v1/me/password', { current_password: c.password, new_password: 'Another-pass-777' });
    expectError(r, 403, ['forbidden', 'csrf_failed']);
    c.csrf = csrf;
    await signIn(h.url, c.user.username, c.password); // unchanged
  });

  it('an admin password reset ends sessions and tokens; the user must change it before doing anything else', async () => {
    const c = await userClient(h.url, admin, { role: 'caseworker', agency_id: dss.id });
    const tok = await c.post('/api/v1/tokens', { name: 'reset-test' });
    expectStatus(tok, 201);
    const b = await bearerClient(h.url, tok.json.token);
    expectStatus(await b.get('/api/v1/cases'), 200);

    const reset = 'Reset-by-admin-2026';
    const r = await admin.patch(`/api/v1/users/${c.userId}`, { password: reset });
    expectStatus(r, 200);
    assert.equal(r.json.must_change_password, true);
    for (const k of Object.keys(r.json)) {
      if (k !== 'must_change_password') assert.doesNotMatch(k, /pass|hash|salt/i, `user carries ${k}`);
    }
    assert.ok(!r.text.includes(reset), 'the reset password is not echoed');

    expectError(await c.get('/api/v1/session'), 401, 'unauthenticated');
    expectError(await b.get('/api/v1/cases'), 401, 'unauthenticated');
    expectError(await new Client(h.url).login(c.user.username, c.password), 401, 'unauthenticated');

    const n = new Client(h.url);
    const s = await n.login(c.user.username, reset);
    expectStatus(s, 200);
    assert.equal(s.json.user.must_change_password, true);
    expectError(await n.get('/api/v1/cases'), 403, 'password_change_required');
    const before = await n.post('/api/v1/cases', { data: { name_first: 'Нина' } });
    expectError(before, 403, 'password_change_required');
    expectError(await n.post('/api/v1/tokens', {}), 403, 'password_change_required');
    expectStatus(await n.get('/api/v1/session'), 200, 'GET /session still allowed');

    expectStatus(await n.post('/api/v1/me/password', { current_password: reset, new_password: 'Chosen-by-me-1234' }), 204);
    const after = await n.get('/api/v1/cases');
    expectStatus(after, 200, 'allowed after the change');
    const me = await n.get('/api/v1/session');
    assert.equal(me.json.user.must_change_password, false);
    // the case attempted while the change was required was not created
    const mine = await n.get('/api/v1/cases?mine=1');
    assert.equal(mine.json.total, 0);
  });

  it('disabling a user ends their sessions and tokens at once; re-enabling does not revive the old token', async () => {
    const c = await userClient(h.url, admin, { role: 'caseworker', agency_id: dss.id });
    const tok = await c.post('/api/v1/tokens', {});
    expectStatus(tok, 201);
    const b = await bearerClient(h.url, tok.json.token);
    expectStatus(await b.get('/api/v1/cases'), 200);

    const r = await admin.patch(`/api/v1/users/${c.userId}`, { disabled: true });
    expectStatus(r, 200);
    assert.equal(r.json.disabled, true);
    expectError(await c.get('/api/v1/cases'), 401, 'unauthenticated');
    expectError(await b.get('/api/v1/cases'), 401, 'unauthenticated');
    const denied = await new Client(h.url).login(c.user.username, c.password);
    expectError(denied, 401, 'unauthenticated');
    const unknown = await new Client(h.url).login('no-such-user-qq', c.password);
    assert.deepEqual(denied.json, unknown.json, 'a disabled account looks like wrong credentials');
    assert.equal((await admin.get(`/api/v1/users/${c.userId}`)).json.disabled, true);

    expectStatus(await admin.patch(`/api/v1/users/${c.userId}`, { disabled: false }), 200);
    await signIn(h.url, c.user.username, c.password);
    expectError(await b.get('/api/v1/cases'), 401, 'unauthenticated');
  });

  it('changing a user\'s role ends their sessions and tokens', async () => {
    const c = await userClient(h.url, admin, { role: 'caseworker', agency_id: dss.id });
    const tok = await c.post('/api/v1/tokens', {});
    const b = await bearerClient(h.url, tok.json.token);
    const r = await admin.patch(`/api/v1/users/${c.userId}`, { role: 'supervisor' });
    expectStatus(r, 200);
    assert.equal(r.json.role, 'supervisor');
    expectError(await c.get('/api/v1/cases'), 401, 'unauthenticated');
    expectError(await b.get('/api/v1/cases'), 401, 'unauthenticated');
    const again = await signIn(h.url, c.user.username, c.password);
    assert.equal(again.user.role, 'supervisor');
  });

  it('moving a user to another agency ends their sessions and tokens', async () => {
    const other = await createAgency(admin, { name: 'Αρωγή Παιδιών', type: 'shelter', code: 'ARG' });
    const c = await userClient(h.url, admin, { role: 'caseworker', agency_id: dss.id });
    const tok = await c.post('/api/v1/tokens', {});
    const b = await bearerClient(h.url, tok.json.token);
    const r = await admin.patch(`/api/v1/users/${c.userId}`, { agency_id: other.id });
    expectStatus(r, 200);
    assert.equal(r.json.agency_id, other.id);
    expectError(await c.get('/api/v1/cases'), 401, 'unauthenticated');
    expectError(await b.get('/api/v1/cases'), 401, 'unauthenticated');
    const again = await signIn(h.url, c.user.username, c.password);
    assert.equal(again.user.agency_id, other.id);
    assert.equal(again.user.agency_name, 'Αρωγή Παιδιών');
  });

  it('changing only the full name or locale does not sign the user out', async () => {
    const c = await userClient(h.url, admin, { role: 'caseworker', agency_id: dss.id });
    const r = await admin.patch(`/api/v1/users/${c.userId}`, { full_name: 'ሰላም ተስፋዬ', locale: 'ar' });
    expectStatus(r, 200);
    assert.equal(r.json.full_name, 'ሰላም ተስፋዬ');
    assert.equal(r.json.locale, 'ar');
    expectStatus(await c.get('/api/v1/cases'), 200);
  });
});

describe('expiry and throttling (clock-driven, own server)', { timeout: 120_000 }, () => {
  let h, admin, dss;
  before(async () => {
    ({ h, admin, dss } = await demoServer());
  });
  after(async () => { await h?.cleanup(); });

  it('an idle session expires after 30 minutes; activity keeps it alive', async () => {
    const c = await signIn(h.url, 'caseworker');
    await advanceClock(h.url, 29 * 60);
    expectStatus(await c.get('/api/v1/cases'), 200, 'after 29 idle minutes');
    await advanceClock(h.url, 29 * 60);
    expectStatus(await c.get('/api/v1/cases'), 200, '58 minutes old but only 29 idle');
    await advanceClock(h.url, 31 * 60);
    expectError(await c.get('/api/v1/cases'), 401, 'unauthenticated');
    expectError(await c.get('/api/v1/session'), 401, 'unauthenticated');
    await signIn(h.url, 'caseworker'); // signing in again works
  });

  it('a session ends after 12 hours even when used all along', async () => {
    const c = await signIn(h.url, 'caseworker2');
    let elapsed = 0;
    for (let i = 0; i < 30; i++) {
      await advanceClock(h.url, 29 * 60);
      elapsed += 29;
      const r = await c.get('/api/v1/cases');
      if (elapsed < 12 * 60) { expectStatus(r, 200, `active session at ${elapsed} min`); continue; }
      expectError(r, 401, 'unauthenticated');
      return;
    }
    assert.fail('session never reached its absolute end');
  });

  // Fails sign-ins until a 429 with a Retry-After of at least minWait seconds. Shorter waits are
  // stepped over with the test clock: the server's clock also runs in real time, so on a loaded
  // machine a one-second backoff could lapse between two requests and make the test flaky.
  async function throttled(attempt, minWait = 8) {
    let failures = 0;
    let firstThrottleAfter = null;
    for (let i = 0; i < 80; i++) {
      const r = await attempt(i);
      if (r.status !== 429) { expectError(r, 401, 'unauthenticated'); failures++; continue; }
      expectError(r, 429, 'rate_limited');
      assert.match(r.headers.get('retry-after') || '', /^\d+$/, 'Retry-After in seconds');
      const wait = Number(r.headers.get('retry-after'));
      assert.ok(wait >= 1 && wait <= 3600, `Retry-After ${wait}`);
      if (firstThrottleAfter === null) firstThrottleAfter = failures;
      if (wait >= minWait) return { r, wait, failures, firstThrottleAfter };
      await advanceClock(h.url, wait);
    }
    return assert.fail('never throttled');
  }

  it('repeated wrong passwords for one account answer 429 with Retry-After, which lifts when the time passes', async () => {
    admin = await adminClient(h.url); // the earlier tests moved the clock past the admin's session
    const u = await createUser(admin, { role: 'caseworker', agency_id: dss.id });
    const good = (await login(h.url, u.username, u.password)).password;
    const t = await throttled((i) => new Client(h.url).login(u.username, `wrong-password-${i}`));
    assert.ok(t.firstThrottleAfter >= 2, `the first failures are not throttled (${t.firstThrottleAfter})`);

    // while throttled even the right password is not tried, and a forged client address does not help
    const right = await new Client(h.url).login(u.username, good);
    expectError(right, 429, 'rate_limited');
    const spoof = await new Client(h.url).request('POST', '/api/v1/session',
      { username: u.username, password: good }, { 'x-forwarded-for': '203.0.113.77' });
    expectError(spoof, 429, 'rate_limited');
    const longest = Math.max(t.wait, Number(right.headers.get('retry-after')), Number(spoof.headers.get('retry-after')));
    // another account is not locked out by this one's failures
    expectStatus(await new Client(h.url).login('supervisor', DEMO_PASSWORD), 200, 'other account unaffected');

    await advanceClock(h.url, longest + 1);
    const ok = await new Client(h.url).login(u.username, good);
    expectStatus(ok, 200, 'backoff lifted');
  });

  // Last in this server: throttles the whole client address.
  it('many failures from one address, spread over unknown accounts, throttle that address until the time passes', async () => {
    const t = await throttled((i) => new Client(h.url).login(`nobody-${uniq('x')}`, `wrong-password-${i}`));
    assert.ok(t.firstThrottleAfter > 5, `the address is throttled only after several failures (${t.firstThrottleAfter})`);
    const waits = [t.wait];
    const right = await new Client(h.url).login('supervisor', DEMO_PASSWORD);
    expectError(right, 429, 'rate_limited');
    waits.push(Number(right.headers.get('retry-after')));
    const spoof = await new Client(h.url).request('POST', '/api/v1/session',
      { username: 'supervisor', password: DEMO_PASSWORD }, { 'x-forwarded-for': '198.51.100.23' });
    expectError(spoof, 429, 'rate_limited');
    waits.push(Number(spoof.headers.get('retry-after')));
    assert.ok(waits.every((w) => Number.isInteger(w) && w >= 1), `Retry-After: ${waits}`);
    await advanceClock(h.url, Math.max(...waits) + 1);
    expectStatus(await new Client(h.url).login('supervisor', DEMO_PASSWORD), 200, 'address throttle lifted');
  });
});

describe('sign-in with real password hashing (own server)', { timeout: 120_000 }, () => {
  let h, users;
  before(async () => {
    h = await startHaven({ demo: true, env: { HAVEN_TEST_KDF: 'off' } });
    const admin = await adminClient(h.url);
    const dss = await agencyByCode(admin, 'DSS');
    users = [];
    for (let i = 0; i < 2; i++) users.push(await createUser(admin, { role: 'caseworker', agency_id: dss.id })); // hashed at full cost
  });
  after(async () => { await h?.cleanup(); });

  async function timed(username, password) {
    const t = process.hrtime.bigint();
    const r = await new Client(h.url).login(username, password);
    return { r, ms: Number(process.hrtime.bigint() - t) / 1e6 };
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

  // Timings are noisy on a loaded machine; skipping the hash for unknown users would make them
  // ~50x faster, so a 3x band is a safe, still meaningful tolerance.
  it('an unknown user takes as long to refuse as a wrong password', async () => {
    const known = [], unknown = [];
    for (let i = 0; i < 8; i++) {
      const a = await timed(users[i % 2].username, `wrong-password-${i}`);
      const b = await timed(`ghost-${uniq('g')}`, `wrong-password-${i}`);
      expectError(a.r, 401, 'unauthenticated');
      expectError(b.r, 401, 'unauthenticated');
      known.push(a.ms);
      unknown.push(b.ms);
    }
    const k = median(known), n = median(unknown);
    assert.ok(k > 5, `a real password hash takes time (${k.toFixed(1)} ms)`);
    assert.ok(n / k > 1 / 3 && n / k < 3, `unknown user ${n.toFixed(1)} ms vs wrong password ${k.toFixed(1)} ms`);
  });

  it('at most two password hashes run at once; the rest get 429 with Retry-After', async () => {
    const u = users[0];
    const c = await login(h.url, u.username, u.password);
    // Requests must overlap for the limit to show; a few rounds of 12 at once make that certain.
    let all = [];
    for (let round = 0; round < 4 && !all.some((r) => r.status === 429); round++) {
      const results = await Promise.all(Array.from({ length: 12 }, () => new Client(h.url).login(u.username, c.password)));
      all = all.concat(results);
    }
    const codes = all.map((r) => r.status);
    assert.ok(codes.every((s) => s === 200 || s === 429), `codes ${codes}`);
    assert.ok(codes.includes(200), `some sign-ins succeed: ${codes}`);
    assert.ok(codes.includes(429), `more than two at once are turned away: ${codes}`);
    for (const r of all.filter((x) => x.status === 429)) {
      expectError(r, 429, 'rate_limited');
      assert.match(r.headers.get('retry-after') || '', /^\d+$/);
    }
  });
});

describe('behind a TLS proxy (own server: --secure-cookies --trusted-proxy 127.0.0.1)', { timeout: 60_000 }, () => {
  let h;
  before(async () => { h = await startHaven({ demo: true, args: ['--secure-cookies', '--trusted-proxy', '127.0.0.1'] }); });
  after(async () => { await h?.cleanup(); });

  it('cookies are Secure and HSTS is sent', async () => {
    const r = await new Client(h.url).login('caseworker', DEMO_PASSWORD);
    expectStatus(r, 200);
    const cookie = r.headers.get('set-cookie');
    assert.match(cookie, /;\s*Secure/i);
    assert.match(cookie, /;\s*HttpOnly/i);
    assert.match(cookie, /;\s*SameSite=Strict/i);
    assert.match(r.headers.get('strict-transport-security') || '', /max-age=\d+/);
  });

  it('X-Forwarded-For from a trusted proxy names the client in the audit trail', async () => {
    const cw = await signIn(h.url, 'caseworker');
    const c = await cw.post('/api/v1/cases', { data: { name_first: 'Proxy' } });
    expectStatus(c, 201);
    expectStatus(await cw.get(`/api/v1/cases/${c.json.id}`, { 'x-forwarded-for': '203.0.113.5' }), 200);
    const admin = await adminClient(h.url);
    const a = await admin.get(`/api/v1/audit?record_id=${c.json.id}&per=100`);
    expectStatus(a, 200);
    assert.ok(a.json.items.some((e) => e.client === '203.0.113.5'), `forwarded client in ${a.text.slice(0, 400)}`);
  });
});

describe('without a trusted proxy, X-Forwarded-For is ignored (own server)', { timeout: 60_000 }, () => {
  let h;
  before(async () => { h = await startHaven({ demo: true }); });
  after(async () => { await h?.cleanup(); });

  it('the audit trail names the real peer, not a forged header; cookies are not Secure on plain HTTP', async () => {
    const c0 = await new Client(h.url).login('caseworker', DEMO_PASSWORD);
    assert.doesNotMatch(c0.headers.get('set-cookie'), /;\s*Secure/i, 'a Secure cookie would never come back over http://127.0.0.1');
    const cw = await signIn(h.url, 'caseworker');
    const c = await cw.post('/api/v1/cases', { data: { name_first: 'Forged' } });
    expectStatus(await cw.get(`/api/v1/cases/${c.json.id}`, { 'x-forwarded-for': '203.0.113.99' }), 200);
    const admin = await adminClient(h.url);
    const a = await admin.get(`/api/v1/audit?record_id=${c.json.id}&per=100`);
    assert.ok(a.json.items.length > 0);
    assert.ok(a.json.items.every((e) => e.client !== '203.0.113.99'), 'forged address recorded');
    assert.ok(a.json.items.some((e) => /127\.0\.0\.1/.test(e.client)));
  });
});

describe('usernames at sign-in', () => {
  let h;
  before(async () => { h = await startHaven({ demo: true }); });
  after(async () => { await h.cleanup(); });

  it('are not case-sensitive (a phone capitalises the first letter)', async () => {
    const c = new Client(h.url);
    const r = await c.login('Caseworker', DEMO_PASSWORD);
    assert.equal(r.status, 200);
    assert.equal(r.json.user.username, 'caseworker');
  });
});
