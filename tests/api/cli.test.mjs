// The operator CLI: version, --help everywhere, init never overwrites, user add/passwd/disable,
// audit verify (intact, edited entry, deleted entry, cut-off tail), purge, online backup and restore.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync, existsSync, statSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, startHaven, haven, havenRun, signIn, Client, DEMO_PASSWORD } from '../lib/haven.mjs';
import {
  bytesContain, createCase, expectError, expectStatus, rawDbBytes, search, sqlRunner, show,
} from './fixtures.mjs';

// Runs the CLI without blocking the event loop (so the test can talk to a server meanwhile).
function havenAsync(args) {
  return new Promise((resolve) => {
    const p = spawn(BIN, args, { env: { ...process.env, HAVEN_TEST_KDF: 'fast' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    p.stdout.on('data', (d) => { stdout += d; });
    p.stderr.on('data', (d) => { stderr += d; });
    p.on('exit', (status) => resolve({ status, stdout, stderr }));
  });
}

const out = (r) => `${r.stdout}\n${r.stderr}`;
const dirs = [];
function tempDir() { const d = mkdtempSync(join(tmpdir(), 'haven-cli-')); dirs.push(d); return d; }

// A server with a little history (a case, a note, an edit, reads), stopped, so the CLI owns the db.
async function usedDb(data = { name_first: 'Аделина', name_last: 'Сафина', age: 9 }) {
  const h = await startHaven({ demo: true });
  dirs.push(h.dir);
  const cw = await signIn(h.url, 'caseworker');
  const c = await createCase(cw, data);
  expectStatus(await cw.post(`/api/v1/cases/${c.id}/notes`, { text: 'Заметка для проверки' }), 201);
  expectStatus(await cw.patch(`/api/v1/cases/${c.id}`, { data: { risk_level: 'high' } }, { 'if-match': `"${c.version}"` }), 200);
  for (let i = 0; i < 3; i++) expectStatus(await cw.get(`/api/v1/cases/${c.id}`), 200);
  await h.stop();
  return { h, c };
}

describe('CLI basics', { timeout: 120_000 }, () => {
  after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

  it('version prints a version and exits 0', () => {
    const r = havenRun(['version']);
    assert.equal(r.status, 0, out(r));
    assert.match(r.stdout, /\d+\.\d+\.\d+/);
  });

  it('--help on every subcommand exits 0 and prints its usage', () => {
    const cmds = [[], ['init'], ['serve'], ['user'], ['user', 'add'], ['user', 'passwd'], ['user', 'disable'],
      ['migrate'], ['backup'], ['restore'], ['purge'], ['audit'], ['audit', 'verify'], ['version'], ['forms'], ['link']];
    for (const cmd of cmds) {
      const r = havenRun([...cmd, '--help']);
      assert.equal(r.status, 0, `${cmd.join(' ')} --help: ${out(r)}`);
      assert.match(r.stdout, /usage/i, `${cmd.join(' ')} --help prints usage`);
      if (cmd.length) assert.ok(r.stdout.includes(cmd[cmd.length - 1]), `${cmd.join(' ')} usage names the command`);
    }
    const top = havenRun(['--help']).stdout;
    for (const c of ['init', 'serve', 'user', 'migrate', 'backup', 'restore', 'purge', 'audit', 'version', 'forms', 'link']) {
      assert.ok(top.includes(c), `top-level help lists ${c}`);
    }
  });

  it('an unknown subcommand or a missing required option exits non-zero', () => {
    const a = havenRun(['frobnicate']);
    assert.notEqual(a.status, 0);
    assert.ok(out(a).trim().length > 0, 'says something');
    const b = havenRun(['backup', '--db', join(tempDir(), 'x.db')]);
    assert.notEqual(b.status, 0, 'backup without --out');
    const c = havenRun(['purge', '--db', join(tempDir(), 'x.db')]);
    assert.notEqual(c.status, 0, 'purge without --case');
  });

  it('init creates a database and refuses to overwrite an existing one', async () => {
    const { h, c } = await usedDb();
    const before = statSync(h.db).size;
    const r = havenRun(['init', '--db', h.db]);
    assert.notEqual(r.status, 0, `init over an existing database: ${out(r)}`);
    const r2 = havenRun(['init', '--db', h.db, '--demo']);
    assert.notEqual(r2.status, 0, 'init --demo over an existing database');
    assert.ok(statSync(h.db).size >= before);
    const h2 = await startHaven({ dir: h.dir });
    try {
      const cw = await signIn(h2.url, 'caseworker');
      const g = await cw.get(`/api/v1/cases/${c.id}`);
      expectStatus(g, 200, 'the case survived');
      assert.equal(g.json.data.risk_level, 'high');
    } finally { await h2.stop(); }

    const d = tempDir();
    const fresh = join(d, 'new.db');
    writeFileSync(join(d, 'pw'), 'Operator-pass-123\n');
    const ok = havenRun(['init', '--db', fresh, '--admin-user', 'root', '--admin-password-file', join(d, 'pw')]);
    assert.equal(ok.status, 0, out(ok));
    assert.ok(existsSync(fresh));
  });

  it('migrate on a current database exits 0 and keeps the data', async () => {
    const { h, c } = await usedDb();
    const r = havenRun(['migrate', '--db', h.db]);
    assert.equal(r.status, 0, out(r));
    const h2 = await startHaven({ dir: h.dir });
    try {
      const cw = await signIn(h2.url, 'caseworker');
      expectStatus(await cw.get(`/api/v1/cases/${c.id}`), 200);
    } finally { await h2.stop(); }
  });

  it('user add, user passwd and user disable', async () => {
    const { h } = await usedDb();
    const pw1 = join(h.dir, 'pw1'), pw2 = join(h.dir, 'pw2');
    writeFileSync(pw1, 'First-password-111\n');
    writeFileSync(pw2, 'Second-password-222\n');
    const add = havenRun(['user', 'add', '--db', h.db, '--username', 'meseret', '--role', 'supervisor',
      '--agency', 'Demo Social Services', '--password-file', pw1]);
    assert.equal(add.status, 0, out(add));
    const dup = havenRun(['user', 'add', '--db', h.db, '--username', 'meseret', '--role', 'caseworker',
      '--agency', 'Demo Social Services', '--password-file', pw1]);
    assert.notEqual(dup.status, 0, 'duplicate username refused');
    const noAgency = havenRun(['user', 'add', '--db', h.db, '--username', 'nobody2', '--role', 'caseworker',
      '--agency', 'No Such Agency', '--password-file', pw1]);
    assert.notEqual(noAgency.status, 0, 'unknown agency refused');
    const badRole = havenRun(['user', 'add', '--db', h.db, '--username', 'nobody3', '--role', 'emperor',
      '--agency', 'Demo Social Services', '--password-file', pw1]);
    assert.notEqual(badRole.status, 0, 'unknown role refused');

    let h2 = await startHaven({ dir: h.dir });
    try {
      const c = new Client(h2.url);
      const r = await c.login('meseret', 'First-password-111');
      expectStatus(r, 200, 'CLI-added user signs in');
      assert.equal(r.json.user.role, 'supervisor');
      assert.equal(r.json.user.agency_name, 'Demo Social Services');
      expectError(await new Client(h2.url).login('nobody2', 'First-password-111'), 401, 'unauthenticated');
    } finally { await h2.stop(); }

    const pass = havenRun(['user', 'passwd', '--db', h.db, '--username', 'meseret', '--password-file', pw2]);
    assert.equal(pass.status, 0, out(pass));
    h2 = await startHaven({ dir: h.dir });
    try {
      expectError(await new Client(h2.url).login('meseret', 'First-password-111'), 401, 'unauthenticated');
      expectStatus(await new Client(h2.url).login('meseret', 'Second-password-222'), 200, 'new password works');
    } finally { await h2.stop(); }

    const dis = havenRun(['user', 'disable', '--db', h.db, '--username', 'meseret']);
    assert.equal(dis.status, 0, out(dis));
    h2 = await startHaven({ dir: h.dir });
    try {
      expectError(await new Client(h2.url).login('meseret', 'Second-password-222'), 401, 'unauthenticated');
    } finally { await h2.stop(); }
    const ghost = havenRun(['user', 'disable', '--db', h.db, '--username', 'no-such-user']);
    assert.notEqual(ghost.status, 0, 'disabling an unknown user fails');
  });
});

describe('audit verify', { timeout: 120_000 }, () => {
  const sql = sqlRunner();
  after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

  // Finds the audit table and its sequence column.
  function auditTable(db) {
    const [tables] = sql(db, ["SELECT name FROM sqlite_master WHERE type='table' AND name LIKE '%audit%'"]);
    let best = null;
    for (const [name] of tables) {
      const [[[n]], cols] = sql(db, [`SELECT count(*) FROM "${name}"`, `PRAGMA table_info("${name}")`]);
      const colNames = cols.map((c) => c[1]);
      const chained = colNames.some((c) => /prev/i.test(c)) ? 1 : 0; // the chained table, not an index of it
      const cand = { name, n, chained, cols: colNames, types: cols.map((c) => String(c[2]).toUpperCase()) };
      if (!best || chained > best.chained || (chained === best.chained && n > best.n)) best = cand;
    }
    assert.ok(best && best.n > 5, `an audit table with entries (${JSON.stringify(best)})`);
    best.seq = best.cols.find((c) => /^seq/.test(c)) || 'rowid';
    best.text = ['action', 'record_ids', 'user_id', 'username', 'client', 'record_type']
      .find((c) => best.cols.includes(c))
      || best.cols.find((c, i) => best.types[i].includes('TEXT') && !/hash|sig|prev/i.test(c));
    const [[[lo, hi]]] = sql(db, [`SELECT min(${best.seq}), max(${best.seq}) FROM "${best.name}"`]);
    best.lo = lo; best.hi = hi;
    return best;
  }

  it('exits 0 on an intact trail', async () => {
    const { h } = await usedDb();
    const r = havenRun(['audit', 'verify', '--db', h.db]);
    assert.equal(r.status, 0, out(r));
  });

  it('an edited entry: non-zero exit naming the first broken entry', async (t) => {
    if (!sql) { t.skip('neither python3 nor sqlite3 is available to edit the database'); return; }
    const { h } = await usedDb();
    const a = auditTable(h.db);
    const mid = a.lo + Math.floor((a.hi - a.lo) / 2);
    sql(h.db, [`UPDATE "${a.name}" SET "${a.text}" = "${a.text}" || 'x' WHERE ${a.seq} = ${mid}`]);
    const r = havenRun(['audit', 'verify', '--db', h.db]);
    assert.notEqual(r.status, 0, `edited entry ${mid} not detected: ${out(r)}`);
    assert.match(out(r), new RegExp(`\\b${mid}\\b`), `the message names entry ${mid}: ${out(r)}`);
  });

  it('an entry lengthened past its field or given a NUL: detected, not read back shortened', async (t) => {
    if (!sql) { t.skip('neither python3 nor sqlite3 is available to edit the database'); return; }
    const { h } = await usedDb();
    const a = auditTable(h.db);
    const mid = a.lo + Math.floor((a.hi - a.lo) / 2);
    sql(h.db, [`UPDATE audit SET user_id = user_id || '-forged-' || hex(randomblob(40)) WHERE seq = ${mid}`]);
    const r = havenRun(['audit', 'verify', '--db', h.db]);
    assert.notEqual(r.status, 0, `lengthened entry ${mid} not detected: ${out(r)}`);
    assert.match(out(r), new RegExp(`\\b${mid}\\b`));
  });

  it('a deleted entry in the middle: non-zero exit', async (t) => {
    if (!sql) { t.skip('neither python3 nor sqlite3 is available to edit the database'); return; }
    const { h } = await usedDb();
    const a = auditTable(h.db);
    const mid = a.lo + Math.floor((a.hi - a.lo) / 2);
    sql(h.db, [`DELETE FROM "${a.name}" WHERE ${a.seq} = ${mid}`]);
    const r = havenRun(['audit', 'verify', '--db', h.db]);
    assert.notEqual(r.status, 0, `deleted entry not detected: ${out(r)}`);
    assert.match(out(r), new RegExp(`\\b(${mid}|${mid + 1})\\b`), `names the break: ${out(r)}`);
  });

  it('a cut-off tail (last entries deleted): non-zero exit', async (t) => {
    if (!sql) { t.skip('neither python3 nor sqlite3 is available to edit the database'); return; }
    const { h } = await usedDb();
    const a = auditTable(h.db);
    sql(h.db, [`DELETE FROM "${a.name}" WHERE ${a.seq} > ${a.hi - 3}`]);
    const r = havenRun(['audit', 'verify', '--db', h.db]);
    assert.notEqual(r.status, 0, `truncated tail not detected: ${out(r)}`);
    assert.match(out(r), new RegExp(`\\b${a.hi - 2}\\b`), `names the first missing entry ${a.hi - 2}: ${out(r)}`);
  });

  it('a cut-off tail taken together with its seals is still caught (the witness file beside the key)', async (t) => {
    if (!sql) { t.skip('neither python3 nor sqlite3 is available to edit the database'); return; }
    const { h } = await usedDb();
    const a = auditTable(h.db);
    const [tables] = sql(h.db, ["SELECT name FROM sqlite_master WHERE type='table' AND name LIKE '%seal%'"]);
    const q = [`DELETE FROM "${a.name}" WHERE ${a.seq} > ${a.hi - 3}`];
    for (const [name] of tables) q.push(`DELETE FROM "${name}" WHERE seq > ${a.hi - 3}`);
    sql(h.db, q);
    const r = havenRun(['audit', 'verify', '--db', h.db]);
    assert.notEqual(r.status, 0, `tail cut with its seals not detected: ${out(r)}`);
  });

  it('verify needs the right key: a missing or different key is an error', async () => {
    const { h } = await usedDb();
    const other = tempDir();
    writeFileSync(join(other, 'audit.key'), `${'ab'.repeat(32)}\n`, { mode: 0o600 });
    const wrong = havenRun(['audit', 'verify', '--db', h.db, '--audit-key', join(other, 'audit.key')]);
    assert.notEqual(wrong.status, 0, `verified with a different key: ${out(wrong)}`);
    const missing = havenRun(['audit', 'verify', '--db', h.db, '--audit-key', join(other, 'no-such.key')]);
    assert.notEqual(missing.status, 0, `verified without a key: ${out(missing)}`);
    assert.ok(!existsSync(join(other, 'no-such.key')), 'verify does not create a key');
    const right = havenRun(['audit', 'verify', '--db', h.db]);
    assert.equal(right.status, 0, out(right));
  });
});

describe('purge, backup and restore', { timeout: 180_000 }, () => {
  after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

  it('purge --case erases the case completely and the audit chain still verifies', async () => {
    const NAME = { name_first: 'Qorvexilmandu', name_last: 'Зорянаврик', location_current: 'Plazmovska 77' };
    const h = await startHaven({ demo: true });
    dirs.push(h.dir);
    const cw = await signIn(h.url, 'caseworker');
    const c = await createCase(cw, NAME);
    const keep = await createCase(cw, { name_first: 'Stays', name_last: 'Herevik' });
    expectStatus(await cw.post(`/api/v1/cases/${c.id}/notes`, { text: 'Nota Vexolumbra secreta' }), 201);
    expectStatus(await cw.patch(`/api/v1/cases/${c.id}`, { data: { location_current: 'Trevomir 5' } }, { 'if-match': `"${c.version}"` }), 200);
    assert.equal((await search(cw, 'qorvexil')).total, 1);
    // A decision on a tracing match names the case: it goes too (and its note).
    expectStatus(await cw.post(`/api/v1/cases/${c.id}/consents`, { giver: 'child', decision: 'given', method: 'verbal',
      purposes: ['tracing'] }), 201);
    const tr = await cw.post('/api/v1/tracing_requests', { data: { inq_name: 'Asker', consent_for_tracing: 'yes',
      tr_children: [{ name_first: 'Korvexil', name_last: 'Zorianavryk' }] } });
    expectStatus(tr, 201);
    expectStatus(await cw.post(`/api/v1/tracing_requests/${tr.json.id}/matches`, { child: 0, case_id: c.id, decision: 'confirmed',
      note: 'Nota Tracemarkvex' }), 200);
    await h.stop();

    const r = havenRun(['purge', '--db', h.db, '--case', c.id]);
    assert.equal(r.status, 0, out(r));
    const raw = rawDbBytes(h.db);
    for (const s of ['Qorvexilmandu', 'qorvexilmandu', 'QORVEXILMANDU', 'Зорянаврик', 'зорянаврик', 'Plazmovska', 'plazmovska',
      'Trevomir', 'trevomir', 'Vexolumbra', 'vexolumbra', 'Tracemarkvex']) {
      assert.ok(!bytesContain(raw, s), `"${s}" still in the database files after purge`);
    }
    const v = havenRun(['audit', 'verify', '--db', h.db]);
    assert.equal(v.status, 0, `audit verify after purge: ${out(v)}`);

    const h2 = await startHaven({ dir: h.dir });
    try {
      const cw2 = await signIn(h2.url, 'caseworker');
      expectError(await cw2.get(`/api/v1/cases/${c.id}`), 404, 'not_found');
      expectError(await cw2.get(`/api/v1/cases/${c.id}/history`), 404, 'not_found');
      assert.equal((await search(cw2, 'qorvexil')).total, 0);
      assert.equal((await search(cw2, c.display_id)).total, 0);
      const admin = await signIn(h2.url, 'admin', 'admin-password-1');
      expectError(await admin.get(`/api/v1/cases/${c.id}`, { 'x-access-reason': 'check purge' }), 404, 'not_found');
      expectStatus(await cw2.get(`/api/v1/cases/${keep.id}`), 200, 'other cases untouched');
    } finally { await h2.stop(); }
    const again = havenRun(['purge', '--db', h.db, '--case', c.id]);
    assert.notEqual(again.status, 0, 'purging an unknown case fails');
  });

  it('purge accepts the display id, and can run while the server runs', async () => {
    const h = await startHaven({ demo: true });
    dirs.push(h.dir);
    const cw = await signIn(h.url, 'caseworker');
    const c = await createCase(cw, { name_first: 'Wexmondrilla', name_last: 'ወልደ' });
    const r = await havenAsync(['purge', '--db', h.db, '--case', c.display_id]);
    // exit 1 is allowed only for "checkpoint incomplete" while readers are active (docs/operations.md)
    expectError(await cw.get(`/api/v1/cases/${c.id}`), 404, 'not_found');
    assert.equal((await search(cw, 'wexmondrilla')).total, 0);
    await h.stop();
    if (r.status !== 0) assert.match(out(r), /checkpoint/i, out(r));
    const v = havenRun(['audit', 'verify', '--db', h.db]);
    assert.equal(v.status, 0, out(v));
    assert.ok(!bytesContain(rawDbBytes(h.db), 'Wexmondrilla'), 'name gone once the server stopped');
  });

  it('backup --out works while the server runs and writes; restore gives a working database', async () => {
    const h = await startHaven({ demo: true });
    dirs.push(h.dir);
    const cw = await signIn(h.url, 'caseworker');
    const c = await createCase(cw, { name_first: 'ብርሃን', name_last: 'Backupova', age: 12 });
    const token = (await cw.post('/api/v1/tokens', { name: 'pre-backup' })).json.token;
    assert.ok(token);
    const outFile = join(tempDir(), 'haven-backup.db');
    let writing = true;
    let written = 0;
    const writer = (async () => {
      while (writing) {
        const r = await cw.post('/api/v1/cases', { data: { name_first: `Concurrent ${written}` } });
        if (r.status === 201) written++;
      }
    })();
    await new Promise((res) => setTimeout(res, 50));
    const b = await havenAsync(['backup', '--db', h.db, '--out', outFile]);
    writing = false;
    await writer;
    assert.equal(b.status, 0, out(b));
    assert.ok(existsSync(outFile) && statSync(outFile).size > 0, 'backup file written');
    expectStatus(await cw.get(`/api/v1/cases/${c.id}`), 200, 'server unaffected by the backup');
    await h.stop();

    const d = tempDir();
    // The audit signing key lives outside the database (beside it by default); an operator
    // restores it with the backup.
    if (existsSync(join(h.dir, 'audit.key'))) writeFileSync(join(d, 'audit.key'), readFileSync(join(h.dir, 'audit.key')), { mode: 0o600 });
    const r = havenRun(['restore', '--from', outFile, '--db', join(d, 'haven.db')]);
    assert.equal(r.status, 0, out(r));
    const again = havenRun(['restore', '--from', outFile, '--db', join(d, 'haven.db')]);
    assert.notEqual(again.status, 0, 'restore does not overwrite an existing database');
    const v = havenRun(['audit', 'verify', '--db', join(d, 'haven.db')]);
    assert.equal(v.status, 0, `restored copy verifies: ${out(v)}`);
    const h2 = await startHaven({ dir: d });
    try {
      // sessions and tokens in the backup are ended by the restore: everyone signs in again
      const oldCookie = new Client(h2.url);
      oldCookie.cookie = cw.cookie;
      expectError(await oldCookie.get('/api/v1/cases'), 401, 'unauthenticated');
      const oldToken = new Client(h2.url);
      oldToken.bearer = token;
      expectError(await oldToken.get('/api/v1/cases'), 401, 'unauthenticated');
      const cw2 = await signIn(h2.url, 'caseworker');
      const g = await cw2.get(`/api/v1/cases/${c.id}`);
      expectStatus(g, 200, 'case in the restored database');
      assert.equal(g.json.data.name_first, 'ብርሃን');
      assert.equal(g.json.data.age, 12);
      assert.equal((await search(cw2, 'backupova')).total, 1, 'search works on the restored copy');
      const list = await cw2.get('/api/v1/cases?mine=1&per=1');
      assert.ok(list.json.total >= 1);
    } finally { await h2.stop(); }
  });
});
