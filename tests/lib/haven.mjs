// Test helper: starts a real Haven binary on 127.0.0.1 with a temporary database and gives
// tests a small client. Used by the API tests and the browser tests.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const BIN = process.env.HAVEN_BIN || 'build/test/haven';
export const DEMO_PASSWORD = 'haven-demo';
export const ADMIN_PASSWORD = 'admin-password-1';

export function haven(args, opts = {}) {
  return execFileSync(BIN, args, { encoding: 'utf8', env: { ...process.env, HAVEN_TEST_KDF: 'fast' }, ...opts });
}

// Runs a CLI command and returns {status, stdout, stderr} without throwing.
export function havenRun(args) {
  try {
    const stdout = haven(args, { stdio: ['ignore', 'pipe', 'pipe'] });
    return { status: 0, stdout, stderr: '' };
  } catch (e) {
    return { status: e.status, stdout: e.stdout || '', stderr: e.stderr || '' };
  }
}

// Starts a server. opts.demo seeds the demo agency, users (password DEMO_PASSWORD) and cases.
// The admin user "admin" always exists with ADMIN_PASSWORD. Returns {url, dir, db, stop, restart, log}.
export async function startHaven(opts = {}) {
  const dir = opts.dir || mkdtempSync(join(tmpdir(), 'haven-test-'));
  const db = opts.db || join(dir, 'haven.db');
  if (!opts.dir) {
    writeFileSync(join(dir, 'admin.pw'), ADMIN_PASSWORD + '\n');
    const args = ['init', '--db', db, '--admin-user', 'admin', '--admin-password-file', join(dir, 'admin.pw')];
    if (opts.demo) args.push('--demo');
    haven(args, { stdio: ['ignore', 'pipe', 'pipe'] });
  }
  // Port 0: the system picks a free port and the server prints the address it bound, so two
  // servers started at once can never be handed the same port.
  let log = '';
  let out = '';
  const child = spawn(BIN, ['serve', '--db', db, '--listen', '127.0.0.1:0', ...(opts.args || [])], {
    env: { ...process.env, HAVEN_TEST_KDF: 'fast', ...(opts.env || {}) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr.on('data', (d) => { log += d; });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  const url = await new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/Haven is serving (http:\/\/127\.0\.0\.1:\d+)\//);
      if (m) resolve(m[1]);
    });
    exited.then(() => reject(new Error(`haven did not start:\n${log}`)));
  });
  child.stdout.resume();
  for (let i = 0; ; i++) {
    try {
      const r = await fetch(`${url}/healthz`);
      if (r.ok) break;
    } catch { /* not up yet */ }
    if (child.exitCode !== null || i > 200) throw new Error(`haven did not start:\n${log}`);
    await new Promise((r) => setTimeout(r, 25));
  }
  const stop = async () => {
    if (child.exitCode === null) { child.kill('SIGTERM'); await exited; }
  };
  return {
    url, dir, db, child, stop,
    get log() { return log; },
    cleanup: async () => { await stop(); rmSync(dir, { recursive: true, force: true }); },
  };
}

// A signed-in API client using a bearer token (no CSRF needed) or a cookie session.
export class Client {
  constructor(url) { this.url = url; this.cookie = null; this.csrf = null; this.bearer = null; }

  async request(method, path, body, headers = {}) {
    const h = { ...headers };
    if (this.bearer) h.authorization = `Bearer ${this.bearer}`;
    if (this.cookie) h.cookie = this.cookie;
    if (this.csrf && method !== 'GET') h['x-csrf-token'] = this.csrf;
    let payload;
    if (body !== undefined) {
      payload = typeof body === 'string' ? body : JSON.stringify(body);
      if (!h['content-type']) h['content-type'] = 'application/json';
    }
    const r = await fetch(this.url + path, { method, headers: h, body: payload });
    const text = await r.text();
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch { json = null; }
    return { status: r.status, headers: r.headers, json, text };
  }

  async login(username, password) {
    const r = await this.request('POST', '/api/v1/session', { username, password });
    if (r.status !== 200) return r;
    const set = r.headers.get('set-cookie');
    this.cookie = set.split(';')[0];
    this.csrf = r.json.csrf_token;
    this.user = r.json.user;
    return r;
  }

  get(p, h) { return this.request('GET', p, undefined, h); }
  post(p, b, h) { return this.request('POST', p, b, h); }
  patch(p, b, h) { return this.request('PATCH', p, b, h); }
  put(p, b, h) { return this.request('PUT', p, b, h); }
  del(p, h) { return this.request('DELETE', p, undefined, h); }
}

export async function signIn(url, username, password = DEMO_PASSWORD) {
  const c = new Client(url);
  const r = await c.login(username, password);
  if (r.status !== 200) throw new Error(`sign-in ${username} failed: ${r.status} ${r.text}`);
  return c;
}

// Moves the test build's clock forward (test builds only).
export async function advanceClock(url, seconds) {
  const r = await fetch(`${url}/api/v1/_test/clock`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ advance_seconds: seconds }),
  });
  if (r.status !== 200) throw new Error(`clock: ${r.status}`);
}
