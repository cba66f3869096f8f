// The configuration's life outside the API: migrate brings in a newer release's defaults
// without overwriting an administrator's edits (and says what differs), and forms
// export/import moves a configuration between deployments, all or nothing.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHaven, havenRun, signIn, ADMIN_PASSWORD } from '../lib/haven.mjs';
import { sqlRunner, expectStatus } from './fixtures.mjs';

const sql = sqlRunner();

describe('configuration on the command line', { timeout: 120_000 }, () => {
  let dir;
  before(() => { dir = mkdtempSync(join(tmpdir(), 'haven-config-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  function init(name) {
    const db = join(dir, `${name}.db`);
    writeFileSync(join(dir, 'admin.pw'), `${ADMIN_PASSWORD}\n`);
    const r = havenRun(['init', '--db', db, '--admin-user', 'admin', '--admin-password-file', join(dir, 'admin.pw')]);
    assert.equal(r.status, 0, r.stderr);
    return db;
  }

  it('migrate adds shipped forms and fields, takes new defaults, and keeps an administrator\'s edits', { skip: !sql }, () => {
    const db = init('migrate');
    const [[[closureText]], [[careText]]] = sql(db, ["SELECT body FROM config WHERE kind='form' AND name='closure'",
      "SELECT body FROM config WHERE kind='form' AND name='care_arrangements'"]);
    // Pretend both came from an older release that lacked one field each...
    const older = (text) => { const d = JSON.parse(text); d.fields.pop(); return JSON.stringify(d); };
    const care = JSON.parse(older(careText));
    // ...and that an administrator edited the care form since (a French label).
    care.fields[0].labels.fr = 'Modalité de prise en charge (modifiée ici)';
    sql(db, [
      `UPDATE config SET body = '${older(closureText).replace(/'/g, "''")}', shipped = body WHERE kind='form' AND name='closure'`,
      `UPDATE config SET shipped = '${older(careText).replace(/'/g, "''")}', body = '${JSON.stringify(care).replace(/'/g, "''")}' WHERE kind='form' AND name='care_arrangements'`,
      "UPDATE config SET shipped = body WHERE kind='form' AND name='closure'",
      "DELETE FROM config WHERE kind='form' AND name='health'",
    ]);
    const r = havenRun(['migrate', '--db', db]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /added form health/);
    assert.match(r.stdout, /updated form closure to the new default/);
    assert.match(r.stdout, /form care_arrangements was edited here: kept the edits, added \["care_/);
    const [[[closureNow]], [[careNow]]] = sql(db, ["SELECT body FROM config WHERE kind='form' AND name='closure'",
      "SELECT body FROM config WHERE kind='form' AND name='care_arrangements'"]);
    assert.equal(JSON.parse(closureNow).fields.length, JSON.parse(closureText).fields.length);
    const merged = JSON.parse(careNow);
    assert.equal(merged.fields[0].labels.fr, 'Modalité de prise en charge (modifiée ici)', 'the edit stays');
    assert.equal(merged.fields.length, JSON.parse(careText).fields.length, 'the new field is in');
    // A second migrate has nothing to do.
    const again = havenRun(['migrate', '--db', db]);
    assert.equal(again.status, 0);
    assert.doesNotMatch(again.stdout, /added|updated|edited/);
  });

  it('forms export and import move a configuration; a broken one is refused whole', async () => {
    const a = init('a');
    const b = init('b');
    const file = join(dir, 'config.json');
    let r = havenRun(['forms', 'export', '--db', a, '--out', file]);
    assert.equal(r.status, 0, r.stderr);
    const all = JSON.parse(readFileSync(file, 'utf8'));
    const reg = all.documents.find((d) => d.kind === 'form' && d.name === 'registration');
    reg.body.fields.find((f) => f.name === 'sex').labels.es = 'Sexo (registro civil)';
    writeFileSync(file, JSON.stringify(all));
    const h = await startHaven({ dir, db: b });
    try {
      const admin = await signIn(h.url, 'admin', ADMIN_PASSWORD);
      r = havenRun(['forms', 'import', '--db', b, file]);
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /imported 1 changed documents/);
      // The running server picks it up within a second or so (bounded wait, not a timing test).
      const label = async () => {
        const f = await admin.get('/api/v1/forms?record_type=case&locale=es');
        expectStatus(f, 200);
        return f.json.forms.find((x) => x.id === 'registration').fields.find((x) => x.name === 'sex').label;
      };
      let seen = await label();
      for (let i = 0; i < 100 && seen !== 'Sexo (registro civil)'; i++) {
        await new Promise((res) => setTimeout(res, 50));
        seen = await label();
      }
      assert.equal(seen, 'Sexo (registro civil)');
    } finally {
      await h.stop();
    }
    // Two forms claiming one field name: nothing imported.
    const closure = all.documents.find((d) => d.kind === 'form' && d.name === 'closure');
    closure.body.fields.push({ name: 'sex', type: 'text', labels: { en: 'Sex' } });
    reg.body.fields.find((f) => f.name === 'sex').labels.es = 'Sexo (otra vez)';
    writeFileSync(file, JSON.stringify(all));
    r = havenRun(['forms', 'import', '--db', b, file]);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /sex/);
    assert.match(r.stderr, /nothing was imported/);
    if (sql) {
      const [[[body]]] = sql(b, ["SELECT body FROM config WHERE kind='form' AND name='registration'"]);
      assert.equal(JSON.parse(body).fields.find((f) => f.name === 'sex').labels.es, 'Sexo (registro civil)');
    }
    assert.notEqual(havenRun(['forms', 'import', '--db', b, join(dir, 'missing.json')]).status, 0);
    // A sensitive field naming a role that does not exist would be hidden from everyone.
    closure.body.fields.pop();
    closure.body.fields.push({ name: 'close_x', type: 'text', labels: { en: 'X' }, sensitive: ['superviser'] });
    writeFileSync(file, JSON.stringify(all));
    r = havenRun(['forms', 'import', '--db', b, file]);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /close_x: sensitive names a role that does not exist/);
    assert.notEqual(havenRun(['forms', 'frobnicate', '--db', b]).status, 0);
  });
});

describe('upgrading a database of the previous release', { timeout: 120_000 }, () => {
  it('migrate adds the configuration and the stages; old cases stay readable and editable', { skip: !sql }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'haven-upgrade-'));
    try {
      // A schema-1 database as release [1/4] made it: its tables, one agency, one caseworker,
      // one case holding values the new forms would not accept (free-text languages and concerns).
      const db = join(dir, 'old.db');
      const schema1 = readFileSync(new URL('../../src/store/sql/sqlite/0001_init.sql', import.meta.url), 'utf8');
      const now = Math.floor(Date.now() / 1000);
      const doc = { name_first: 'Leyla', sex: 'female', languages: ['Kurdish'], protection_concerns: ['trafficking_risk'], risk_level: 'high' };
      sql(db, [
        ...schema1.split(/;\s*\n/).map((s) => s.trim()).filter((s) => s && !/^--[^\n]*$/.test(s)),
        'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)',
        `INSERT INTO schema_migrations VALUES (1, '0001_init.sql', ${now})`,
        `INSERT INTO agencies VALUES ('a0000000-0000-4000-8000-000000000001', 'Old Agency', 'ngo', 'OLD', ${now})`,
        `INSERT INTO users(id, username, full_name, role, agency_id, pw_hash, created_at, updated_at) VALUES
          ('b0000000-0000-4000-8000-000000000001', 'olduser', 'Old User', 'caseworker', 'a0000000-0000-4000-8000-000000000001', 'x', ${now}, ${now})`,
        `INSERT INTO records(id, display_id, type, status, owner_id, agency_id, created_by, version, created_at, updated_at, data)
          VALUES ('c0000000-0000-4000-8000-000000000001', 'OLD-0000001', 'case', 'open', 'b0000000-0000-4000-8000-000000000001',
          'a0000000-0000-4000-8000-000000000001', 'b0000000-0000-4000-8000-000000000001', 1, ${now}, ${now}, '${JSON.stringify(doc)}')`,
      ]);
      // Its audit key (a fresh one: the old trail here has no seals yet).
      const donor = join(dir, 'donor');
      havenRun(['init', '--db', `${donor}.db`, '--audit-key', `${donor}.key`]);
      writeFileSync(join(dir, 'audit.key'), readFileSync(`${donor}.key`));
      const r = havenRun(['migrate', '--db', db]);
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /migrated from version 1 to \d+/);
      assert.match(r.stdout, /added form registration/);
      assert.match(r.stdout, /added workflow case/);
      const [[[stage, versions]]] = sql(db, ["SELECT stage, form_versions FROM records WHERE display_id = 'OLD-0000001'"]);
      assert.equal(stage, 'registration');
      assert.equal(versions, '{}', 'not yet written under any form version');
      writeFileSync(join(dir, 'pw'), 'old-user-password-1\n');
      assert.equal(havenRun(['user', 'passwd', '--db', db, '--username', 'olduser', '--password-file', join(dir, 'pw')]).status, 0);
      const h = await startHaven({ dir, db });
      try {
        const c = await signIn(h.url, 'olduser', 'old-user-password-1');
        let me = c;
        if (c.user.must_change_password) {
          expectStatus(await c.post('/api/v1/me/password', { current_password: 'old-user-password-1', new_password: 'old-user-password-2' }), 204);
          me = await signIn(h.url, 'olduser', 'old-user-password-2');
        }
        const got = await me.get('/api/v1/cases/c0000000-0000-4000-8000-000000000001');
        expectStatus(got, 200);
        assert.deepEqual(got.json.data.languages, ['Kurdish'], 'old values are kept');
        // An unrelated edit goes through; the old value is checked only when someone changes it.
        const p = await me.patch('/api/v1/cases/c0000000-0000-4000-8000-000000000001', { data: { name_last: 'Aziz' } },
          { 'if-match': got.headers.get('etag') });
        expectStatus(p, 200);
        assert.equal(p.json.form_versions.registration >= 1, true);
        const bad = await me.patch('/api/v1/cases/c0000000-0000-4000-8000-000000000001', { data: { languages: ['Kurdish', 'Arabic'] } },
          { 'if-match': p.headers.get('etag') });
        expectStatus(bad, 422);
        expectStatus(await me.patch('/api/v1/cases/c0000000-0000-4000-8000-000000000001', { data: { languages: ['ku', 'ar'] } },
          { 'if-match': p.headers.get('etag') }), 200);
      } finally {
        await h.stop();
      }
      const v = havenRun(['audit', 'verify', '--db', db]);
      assert.equal(v.status, 0, v.stdout + v.stderr);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
