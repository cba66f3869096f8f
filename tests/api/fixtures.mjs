// Shared fixtures for the API tests (not a test file itself): synthetic people, assertion helpers
// and small admin shortcuts over the real HTTP API. All names here are invented.
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { Client, signIn, startHaven, ADMIN_PASSWORD } from '../lib/haven.mjs';

export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const TS_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
export const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

let counter = 0;
// A short unique ASCII token (usernames, agency names); letters and digits only.
export function uniq(prefix = 't') {
  counter += 1;
  return `${prefix}${process.pid.toString(36)}${counter.toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}

// A unique string of Latin letters only (for names that must not be confused with display ids).
export function uniqLetters(n = 8) {
  const a = 'bcdfghjklmnpqrstvwxz';
  let s = '';
  for (let i = 0; i < n; i++) s += a[Math.floor(Math.random() * a.length)];
  return s;
}

export function todayUTC() { return new Date().toISOString().slice(0, 10); }

// Whole years between an ISO date and today (UTC).
export function yearsSince(iso, now = new Date()) {
  const [y, m, d] = iso.split('-').map(Number);
  let age = now.getUTCFullYear() - y;
  const mm = now.getUTCMonth() + 1, dd = now.getUTCDate();
  if (mm < m || (mm === m && dd < d)) age -= 1;
  return age;
}

export function show(r) { return `${r.status} ${String(r.text).slice(0, 600)}`; }

export function expectStatus(r, status, what = '') {
  assert.equal(r.status, status, `${what ? what + ': ' : ''}expected ${status}, got ${show(r)}`);
}

// The error field names the offending field: "sex", "data.sex", "/data/sex", "nationality[0]" ...
export function fieldMatches(field, name) {
  if (typeof field !== 'string') return false;
  return new RegExp(`(^|[^A-Za-z0-9_])${name}($|[^A-Za-z0-9_])`).test(field);
}

export function expectError(r, status, code, field) {
  expectStatus(r, status);
  assert.ok(r.json && typeof r.json.error === 'object', `error body expected, got ${show(r)}`);
  if (code) {
    const codes = Array.isArray(code) ? code : [code];
    assert.ok(codes.includes(r.json.error.code), `error code ${r.json.error.code}, expected ${codes.join('|')}: ${show(r)}`);
  }
  assert.equal(typeof r.json.error.message, 'string', 'error.message is a string');
  assert.ok(r.json.error.message.length > 0, 'error.message is not empty');
  if (field) {
    assert.ok(fieldMatches(r.json.error.field, field),
      `error.field should name "${field}", got ${JSON.stringify(r.json.error.field)}: ${show(r)}`);
  }
  return r.json.error;
}

export async function adminClient(url) { return signIn(url, 'admin', ADMIN_PASSWORD); }

// A demo server with the admin signed in and the demo agency: the usual start of a suite.
export async function demoServer() {
  const h = await startHaven({ demo: true });
  const admin = await adminClient(h.url);
  return { h, admin, dss: await agencyByCode(admin, 'DSS') };
}

export async function bearerClient(url, token) {
  const c = new Client(url);
  c.bearer = token;
  return c;
}

export async function createAgency(admin, body = {}) {
  const r = await admin.post('/api/v1/agencies', { name: `Agency ${uniq('a')}`, type: 'ngo', ...body });
  expectStatus(r, 201, 'create agency');
  return r.json;
}

export async function agencyByCode(admin, code) {
  const r = await admin.get('/api/v1/agencies');
  expectStatus(r, 200, 'list agencies');
  const a = r.json.items.find((x) => x.code === code);
  assert.ok(a, `agency ${code} exists`);
  return a;
}

// Creates a user through the admin API; returns the User plus the password used.
export async function createUser(admin, { role = 'caseworker', agency_id, username = uniq(role.slice(0, 3)),
  password = `Pw-${uniq('p')}-long`, full_name, locale } = {}) {
  const body = { username, password, role, agency_id };
  if (full_name !== undefined) body.full_name = full_name;
  if (locale !== undefined) body.locale = locale;
  const r = await admin.post('/api/v1/users', body);
  expectStatus(r, 201, `create user ${username}`);
  return { ...r.json, password };
}

// Signs a user in; if the server wants a new password first (e.g. after an admin created the
// account), changes it and carries on. The client remembers the password in force (c.password).
export async function login(url, username, password) {
  const c = await signIn(url, username, password);
  c.password = password;
  if (c.user && c.user.must_change_password) {
    const np = `${password}-new`;
    const r = await c.post('/api/v1/me/password', { current_password: password, new_password: np });
    expectStatus(r, 204, 'first password change');
    c.password = np;
    const s = await c.get('/api/v1/session');
    if (s.status !== 200) return login(url, username, np);
    c.user = s.json.user;
  }
  return c;
}

// Creates a user and returns a signed-in cookie client for it (c.user, c.password).
export async function userClient(url, admin, opts) {
  const u = await createUser(admin, opts);
  const c = await login(url, u.username, u.password);
  c.userId = u.id;
  return c;
}

export async function createCase(client, data) {
  const r = await client.post('/api/v1/cases', { data });
  expectStatus(r, 201, 'create case');
  return r.json;
}

export async function search(client, q, extra = {}) {
  const r = await client.post('/api/v1/cases/search', { q, per: 100, ...extra });
  expectStatus(r, 200, `search ${JSON.stringify(q)}`);
  return r.json;
}

export async function listTotal(client, query = '') {
  const r = await client.get(`/api/v1/cases${query}`);
  expectStatus(r, 200, 'list cases');
  return r.json.total;
}

// Reads every page of GET /api/v1/audit with the given query string (without leading ?).
export async function readAudit(client, query = '') {
  const items = [];
  let text = '';
  for (let page = 1; page < 200; page++) {
    const sep = query ? '&' : '';
    const r = await client.get(`/api/v1/audit?${query}${sep}page=${page}&per=100`);
    expectStatus(r, 200, 'audit');
    text += r.text;
    items.push(...r.json.items);
    if (r.json.items.length === 0 || items.length >= r.json.total) break;
  }
  return { items, text };
}

// The raw bytes of a database and its WAL, for "is this string stored anywhere" checks.
export function rawDbBytes(db) {
  const parts = [];
  for (const f of [db, `${db}-wal`]) if (existsSync(f)) parts.push(readFileSync(f));
  return Buffer.concat(parts);
}

export function bytesContain(buf, s) { return buf.includes(Buffer.from(s, 'utf8')); }

// A way to edit a SQLite file behind Haven's back (tamper tests): python3's sqlite3 module, else the
// sqlite3 shell. Returns null when neither exists.
export function sqlRunner() {
  const py = 'import sqlite3,sys,json\nc=sqlite3.connect(sys.argv[1])\nout=[]\nfor q in json.loads(sys.argv[2]):\n  cur=c.execute(q)\n  out.append([list(r) for r in cur.fetchall()])\nc.commit()\nprint(json.dumps(out))';
  try {
    execFileSync('python3', ['-c', 'import sqlite3'], { stdio: 'ignore' });
    return (db, queries) => JSON.parse(execFileSync('python3', ['-c', py, db, JSON.stringify(queries)], { encoding: 'utf8' }));
  } catch { /* no python3 */ }
  try {
    execFileSync('sqlite3', ['-version'], { stdio: 'ignore' });
    return (db, queries) => queries.map((q) => {
      const out = execFileSync('sqlite3', ['-json', db, q], { encoding: 'utf8' }).trim();
      return out ? JSON.parse(out).map((row) => Object.values(row)) : [];
    });
  } catch { /* no sqlite3 shell */ }
  return null;
}

// Synthetic children: invented names in several scripts (never real data).
export const NAMES = {
  arabic: { name_first: 'مُحَمَّد', name_last: 'الحَسَن' },
  cyrillic: { name_first: 'Олег', name_last: 'Светлов' },
  khmer: { name_first: 'សុភមង្គល', name_last: 'ចាន់' },
  amharic: { name_first: 'ተስፋዬ', name_last: 'ገብረመድህን' },
  accents: { name_first: 'Zoë', name_last: 'Nguyễn' },
};
