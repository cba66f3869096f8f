// Case records: create, read with ETag, JSON merge patch, history, notes, stated age, display ids,
// listing (paging, filters, sort, summaries) and deletion.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHaven, signIn, advanceClock } from '../lib/haven.mjs';
import {
  demoServer, createAgency, createCase, expectError, expectStatus, fieldMatches, NAMES,
  todayUTC, uniqLetters, userClient, yearsSince, UUID_RE, TS_RE, DATE_RE, show,
} from './fixtures.mjs';

const FULL = {
  name_first: 'Амина',
  name_last: 'Хасанова',
  name_other: ['أمينة', 'Mina'],
  sex: 'female',
  date_of_birth: '2014-06-15',
  date_of_birth_estimated: false,
  nationality: ['UZB', 'AFG'],
  languages: ['uz', 'ru', 'fa'],
  location_current: 'Приют «Надежда», комната 4',
  protection_concerns: ['separated', 'trafficking'],
  risk_level: 'high',
};

function asValue(v) {
  if (typeof v === 'string') { try { return JSON.parse(v); } catch { return v; } }
  return v;
}

const REASON = { 'x-access-reason': 'Synthetic test: remove duplicate record' };

describe('cases', { timeout: 180_000 }, () => {
  let h, admin, cw, sup, dss;
  before(async () => {
    ({ h, admin, dss } = await demoServer());
    cw = await signIn(h.url, 'caseworker');
    sup = await signIn(h.url, 'supervisor');
  });
  after(async () => { await h?.cleanup(); });

  it('POST /cases creates a case owned by its creator in their agency', async () => {
    const r = await cw.post('/api/v1/cases', { data: FULL });
    expectStatus(r, 201);
    const c = r.json;
    assert.match(c.id, UUID_RE);
    assert.equal(typeof c.display_id, 'string');
    assert.ok(c.display_id.startsWith('DSS'), `display id ${c.display_id} has the agency prefix`);
    assert.ok(Number.isInteger(c.version) && c.version >= 1, 'integer version');
    assert.equal(c.owner.id, cw.user.id);
    assert.equal(c.owner.username, 'caseworker');
    assert.equal(c.agency.id, dss.id);
    assert.equal(c.agency.code, 'DSS');
    assert.equal(c.agency.name, 'Demo Social Services');
    assert.deepEqual(c.assigned, []);
    assert.equal(c.status, 'open');
    assert.equal(c.created_by, cw.user.id);
    assert.match(c.created_at, TS_RE);
    assert.match(c.updated_at, TS_RE);
    assert.equal(c.access.can_edit, true);
    assert.equal(c.access.can_assign, false, 'a caseworker does not assign');
    assert.ok(Array.isArray(c.notices));
    for (const [k, v] of Object.entries(FULL)) assert.deepEqual(c.data[k], v, `data.${k}`);
    assert.equal(c.data.age, yearsSince(FULL.date_of_birth), 'age computed from the date of birth');
    assert.match(r.headers.get('cache-control') || '', /no-store/);
  });

  it('GET /cases/{id} returns the same case with ETag "<version>"', async () => {
    const c = await createCase(cw, { name_first: 'Фарид', sex: 'male', risk_level: 'medium' });
    const r = await cw.get(`/api/v1/cases/${c.id}`);
    expectStatus(r, 200);
    assert.equal(r.headers.get('etag'), `"${c.version}"`);
    assert.equal(r.json.id, c.id);
    assert.equal(r.json.display_id, c.display_id);
    assert.deepEqual(r.json.data, c.data);
    assert.equal(r.json.version, c.version);
  });

  it('keeps names in every script intact, including combining accents and right-to-left text', async () => {
    for (const [script, names] of Object.entries(NAMES)) {
      const c = await createCase(cw, { ...names, name_other: ['Rene\u0301e'] });
      const r = await cw.get(`/api/v1/cases/${c.id}`);
      assert.equal(r.json.data.name_first.normalize('NFC'), names.name_first.normalize('NFC'), script);
      assert.equal(r.json.data.name_last.normalize('NFC'), names.name_last.normalize('NFC'), script);
      assert.equal(r.json.data.name_other[0].normalize('NFC'), 'Renée');
    }
  });

  it('PATCH is a JSON merge patch: null clears, lists are replaced, the rest stays; version and ETag move on', async () => {
    const c = await createCase(cw, { ...FULL, name_first: 'Богдан', sex: 'male' });
    const before = (await cw.get(`/api/v1/cases/${c.id}`));
    const etag = before.headers.get('etag');
    const r = await cw.patch(`/api/v1/cases/${c.id}`,
      { data: { location_current: null, languages: ['uk'], risk_level: 'low', name_other: null } }, { 'if-match': etag });
    expectStatus(r, 200);
    assert.equal(r.json.version, c.version + 1);
    assert.equal(r.headers.get('etag'), `"${c.version + 1}"`, 'PATCH answers the new ETag');
    assert.ok(!('location_current' in r.json.data) || r.json.data.location_current === null, 'null clears');
    assert.ok(!('location_current' in r.json.data), 'a cleared field is removed (RFC 7396)');
    assert.ok(!('name_other' in r.json.data));
    assert.deepEqual(r.json.data.languages, ['uk'], 'lists replaced, not merged');
    assert.equal(r.json.data.risk_level, 'low');
    assert.equal(r.json.data.name_first, 'Богдан', 'untouched fields stay');
    assert.deepEqual(r.json.data.nationality, FULL.nationality);
    assert.ok(r.json.updated_at >= c.updated_at);
    const g = await cw.get(`/api/v1/cases/${c.id}`);
    assert.deepEqual(g.json.data, r.json.data, 'the patch was stored');
    assert.equal(g.headers.get('etag'), `"${c.version + 1}"`);
    // the new ETag works for the next patch; the old one is stale
    expectStatus(await cw.patch(`/api/v1/cases/${c.id}`, { data: { risk_level: 'medium' } }, { 'if-match': g.headers.get('etag') }), 200);
    expectError(await cw.patch(`/api/v1/cases/${c.id}`, { data: { risk_level: 'high' } }, { 'if-match': etag }), 412, 'version_mismatch');
    const final = await cw.get(`/api/v1/cases/${c.id}`);
    assert.equal(final.json.version, c.version + 2);
    assert.equal(final.json.data.risk_level, 'medium');
  });

  it('history lists who changed which field from what to what, newest first', async () => {
    const c = await createCase(cw, { name_first: 'Ирина', location_current: 'Лагерь Север', languages: ['ru', 'en'] });
    const p = await cw.patch(`/api/v1/cases/${c.id}`,
      { data: { location_current: null, languages: ['fr'], sex: 'female' } }, { 'if-match': `"${c.version}"` });
    expectStatus(p, 200);
    const r = await cw.get(`/api/v1/cases/${c.id}/history`);
    expectStatus(r, 200);
    const items = r.json.items;
    assert.ok(items.length >= 2);
    for (const e of items) {
      assert.match(e.at, TS_RE);
      assert.equal(e.user.username, 'caseworker');
      assert.equal(e.user.id, cw.user.id);
    }
    assert.equal(items[items.length - 1].action, 'create', 'oldest entry is the creation');
    assert.equal(items[0].action, 'update', 'newest entry first');
    const loc = items.find((e) => e.action === 'update' && fieldMatches(e.field, 'location_current'));
    assert.ok(loc, `location_current change in ${r.text}`);
    assert.equal(asValue(loc.from), 'Лагерь Север');
    assert.equal(asValue(loc.to) ?? null, null);
    const lang = items.find((e) => e.action === 'update' && fieldMatches(e.field, 'languages'));
    assert.ok(lang, 'languages change');
    assert.deepEqual(asValue(lang.from), ['ru', 'en']);
    assert.deepEqual(asValue(lang.to), ['fr']);
    const sex = items.find((e) => e.action === 'update' && fieldMatches(e.field, 'sex'));
    assert.ok(sex, 'sex change');
    assert.equal(asValue(sex.from) ?? null, null);
    assert.equal(asValue(sex.to), 'female');
    assert.ok(!items.some((e) => fieldMatches(e.field, 'name_first') && e.action === 'update'), 'unchanged field not listed');
  });

  it('notes: added with a date (default today), listed newest first, recorded in history', async () => {
    const c = await createCase(cw, { name_first: 'Selam', name_last: 'ሰላም' });
    const n1 = await cw.post(`/api/v1/cases/${c.id}/notes`, { text: 'زيارة منزلية: الطفل بخير. Home visit went well.', date: '2025-01-05' });
    expectStatus(n1, 201);
    assert.match(n1.json.id, UUID_RE);
    assert.equal(n1.json.date, '2025-01-05');
    assert.equal(n1.json.text, 'زيارة منزلية: الطفل بخير. Home visit went well.');
    assert.equal(n1.json.author.id, cw.user.id);
    assert.equal(n1.json.author.username, 'caseworker');
    assert.match(n1.json.created_at, TS_RE);
    const n2 = await cw.post(`/api/v1/cases/${c.id}/notes`, { text: 'Follow-up call — ተከታታይ ጥሪ' });
    expectStatus(n2, 201);
    assert.match(n2.json.date, DATE_RE);
    assert.equal(n2.json.date, todayUTC());
    const l = await cw.get(`/api/v1/cases/${c.id}/notes`);
    expectStatus(l, 200);
    assert.deepEqual(l.json.items.map((n) => n.id), [n2.json.id, n1.json.id]);
    assert.match(l.headers.get('cache-control') || '', /no-store/);
    const hist = await cw.get(`/api/v1/cases/${c.id}/history`);
    assert.ok(hist.json.items.some((e) => e.action === 'note'), 'note in history');
  });

  it('invalid notes are 422 naming the field and add nothing', async () => {
    const c = await createCase(cw, { name_first: 'Dawit' });
    for (const [body, field] of [[{}, 'text'], [{ text: '' }, 'text'], [{ text: 5 }, 'text'],
      [{ text: 'ok', date: '05/01/2025' }, 'date'], [{ text: 'ok', date: '2025-02-30' }, 'date'],
      [{ text: 'ok', mood: 'sad' }, 'mood']]) {
      expectError(await cw.post(`/api/v1/cases/${c.id}/notes`, body), 422, 'validation_failed', field);
    }
    assert.equal((await cw.get(`/api/v1/cases/${c.id}/notes`)).json.items.length, 0);
    expectError(await cw.post('/api/v1/cases/6f1c2a3b-0000-4000-8000-00000000beef/notes', { text: 'x' }), 404, 'not_found');
  });

  it('a stated age becomes data.age with date_of_birth_estimated; a given date of birth wins', async () => {
    const a = await createCase(cw, { name_first: 'Kiros', age: 7 });
    assert.equal(a.data.age, 7);
    assert.equal(a.data.date_of_birth_estimated, true);
    assert.match(a.data.date_of_birth, DATE_RE, 'stored as an estimated date of birth');
    assert.equal(yearsSince(a.data.date_of_birth), 7);
    const g = await cw.get(`/api/v1/cases/${a.id}`);
    assert.equal(g.json.data.age, 7);

    const b = await createCase(cw, { name_first: 'Hiwot', date_of_birth: '2012-02-29', age: 3 });
    assert.equal(b.data.date_of_birth, '2012-02-29');
    assert.equal(b.data.age, yearsSince('2012-02-29'), 'age from the date of birth, not the stated 3');
    assert.notEqual(b.data.date_of_birth_estimated, true);

    const p = await cw.patch(`/api/v1/cases/${a.id}`, { data: { age: 9 } }, { 'if-match': `"${a.version}"` });
    expectStatus(p, 200);
    assert.equal(p.json.data.age, 9);
    assert.equal(p.json.data.date_of_birth_estimated, true);

    for (const bad of [-1, 121, 7.5, '7']) {
      expectError(await cw.post('/api/v1/cases', { data: { age: bad } }), 422, 'validation_failed', 'age');
    }
  });

  it('names may be 200 characters, not 201', async () => {
    const ok = await cw.post('/api/v1/cases', { data: { name_first: 'ж'.repeat(200) } });
    expectStatus(ok, 201);
    const total = (await cw.get('/api/v1/cases?mine=1')).json.total;
    expectError(await cw.post('/api/v1/cases', { data: { name_last: 'ж'.repeat(201) } }), 422, 'validation_failed', 'name_last');
    assert.equal((await cw.get('/api/v1/cases?mine=1')).json.total, total);
  });

  it('display ids: agency prefix, unique over 50 cases, not sequential, not derived from the name or birth date', async () => {
    const ag = await createAgency(admin, { name: 'Display Id Test Agency', type: 'ngo', code: 'QZ7' });
    const w = await userClient(h.url, admin, { role: 'caseworker', agency_id: ag.id });
    const made = [];
    for (let i = 0; i < 50; i++) {
      const name = uniqLetters(8);
      const dob = `201${i % 10}-0${1 + (i % 9)}-1${i % 10}`;
      const c = await createCase(w, { name_first: name, name_last: 'Test', date_of_birth: dob, risk_level: ['low', 'medium', 'high'][i % 3] });
      made.push({ c, name, dob });
    }
    const ids = made.map((m) => m.c.display_id);
    assert.equal(new Set(ids).size, 50, 'unique');
    for (const { c, name, dob } of made) {
      assert.ok(c.display_id.startsWith('QZ7'), `prefix: ${c.display_id}`);
      assert.ok(c.display_id.length <= 16, `short: ${c.display_id}`);
      assert.match(c.display_id, /^[A-Z0-9-]+$/);
      const up = c.display_id.toUpperCase();
      assert.ok(!up.includes(name.toUpperCase().slice(0, 4)), `${c.display_id} contains name ${name}`);
      assert.ok(!up.replace(/-/g, '').includes(dob.replace(/-/g, '').slice(2)), `${c.display_id} contains dob ${dob}`);
    }
    const rest = ids.map((d) => d.slice(3).replace(/[^A-Z0-9]/g, ''));
    const nums = rest.map((s) => parseInt(s, 36));
    let consecutive = 0;
    for (let i = 1; i < nums.length; i++) if (Math.abs(nums[i] - nums[i - 1]) <= 2) consecutive++;
    assert.ok(consecutive < 3, `display ids look sequential: ${ids.join(' ')}`);
    const increasing = nums.every((n, i) => i === 0 || n > nums[i - 1]);
    assert.ok(!increasing, `display ids only increase: ${ids.join(' ')}`);

    // listing over these 50 cases: paging, summaries, filters, sort
    const all = new Set();
    for (let page = 1; page <= 8; page++) {
      const r = await w.get(`/api/v1/cases?per=7&page=${page}`);
      expectStatus(r, 200);
      assert.equal(r.json.total, 50);
      assert.equal(r.json.page, page);
      assert.equal(r.json.per, 7);
      assert.equal(r.json.items.length, page < 8 ? 7 : 1);
      for (const it of r.json.items) all.add(it.id);
    }
    assert.equal(all.size, 50, 'pages do not overlap');
    const def = await w.get('/api/v1/cases');
    assert.equal(def.json.per, 20);
    assert.equal(def.json.page, 1);
    assert.equal(def.json.items.length, 20);
    const s = def.json.items[0];
    for (const k of ['id', 'display_id', 'version', 'status', 'owner', 'agency', 'updated_at', 'data']) assert.ok(k in s, `summary has ${k}`);
    for (const k of Object.keys(s.data)) assert.ok(['name_first', 'name_last', 'sex', 'age', 'risk_level'].includes(k), `summary data has only summary fields, not ${k}`);
    assert.ok(!('date_of_birth' in s.data));

    const high = await w.get('/api/v1/cases?risk_level=high&per=100');
    expectStatus(high, 200);
    assert.equal(high.json.total, made.filter((m) => m.c.data.risk_level === 'high').length);
    assert.ok(high.json.items.every((x) => x.data.risk_level === 'high'));
    const open = await w.get('/api/v1/cases?status=open&per=100');
    assert.equal(open.json.total, 50);

    const byId = await w.get('/api/v1/cases?sort=display_id&per=100');
    expectStatus(byId, 200);
    const got = byId.json.items.map((x) => x.display_id);
    assert.deepEqual(got, [...ids].sort(), 'sort=display_id');
    for (const sort of ['updated_at', '-updated_at', 'created_at', '-created_at', 'name']) {
      const r = await w.get(`/api/v1/cases?sort=${sort}&per=100`);
      expectStatus(r, 200, sort);
      assert.equal(r.json.items.length, 50);
    }
    const byName = (await w.get('/api/v1/cases?sort=name&per=100')).json.items.map((x) => x.data.name_first);
    const byNameSorted = [...byName].sort();
    assert.deepEqual(byName, byNameSorted, 'sort=name orders by name (same last name, so by first)');
  });

  it('list parameters out of range are 422 naming the parameter', async () => {
    for (const [q, field] of [['per=101', 'per'], ['per=0', 'per'], ['page=0', 'page'], ['page=abc', 'page'],
      ['sort=dob', 'sort'], ['risk_level=extreme', 'risk_level']]) {
      expectError(await cw.get(`/api/v1/cases?${q}`), 422, 'validation_failed', field);
    }
    for (const [body, field] of [[{ q: 'x', per: 500 }, 'per'], [{ q: 'x', sort: 'age' }, 'sort'],
      [{ q: 'x', filters: { risk_level: 'severe' } }, 'risk_level'], [{ q: 5 }, 'q']]) {
      expectError(await cw.post('/api/v1/cases/search', body), 422, 'validation_failed', field);
    }
  });

  it('mine=1 lists only cases owned by or assigned to me', async () => {
    const c = await createCase(cw, { name_first: 'Mine' });
    const r = await cw.get('/api/v1/cases?mine=1&per=100');
    expectStatus(r, 200);
    assert.ok(r.json.items.some((x) => x.id === c.id));
    const s = await sup.get('/api/v1/cases?mine=1&per=100');
    expectStatus(s, 200);
    assert.ok(!s.json.items.some((x) => x.id === c.id), 'a supervisor\'s "mine" excludes others\' cases');
    const all = await sup.get('/api/v1/cases?per=100');
    assert.ok(all.json.total >= s.json.total);
  });

  it('DELETE: only an admin deletes; the case is gone afterwards', async () => {
    const c = await createCase(cw, { name_first: 'Удаляемый' });
    const total = (await cw.get('/api/v1/cases?mine=1')).json.total;
    expectError(await cw.del(`/api/v1/cases/${c.id}`), 403, 'forbidden');
    expectError(await sup.del(`/api/v1/cases/${c.id}`), 403, 'forbidden');
    expectStatus(await cw.get(`/api/v1/cases/${c.id}`), 200, 'still there after refused deletes');
    const d = await admin.del(`/api/v1/cases/${c.id}`, REASON);
    expectStatus(d, 204);
    const audit = await admin.get(`/api/v1/audit?record_id=${c.id}&per=100`);
    expectStatus(audit, 200);
    assert.ok(audit.json.items.some((e) => e.username === 'admin' && e.record_ids.includes(c.id)), 'the deletion is audited');
    expectError(await cw.get(`/api/v1/cases/${c.id}`), 404, 'not_found');
    expectError(await cw.patch(`/api/v1/cases/${c.id}`, { data: { sex: 'male' } }, { 'if-match': `"${c.version}"` }), 404, 'not_found');
    assert.equal((await cw.get('/api/v1/cases?mine=1')).json.total, total - 1);
    const s = await cw.post('/api/v1/cases/search', { q: c.display_id });
    assert.ok(!s.json.items.some((x) => x.id === c.id), 'deleted case not found by search');
    expectError(await admin.del('/api/v1/cases/6f1c2a3b-0000-4000-8000-00000000f00d', REASON), 404, 'not_found');
  });
});

describe('computed age follows the clock (own server)', { timeout: 60_000 }, () => {
  let h;
  before(async () => { h = await startHaven({ demo: true }); });
  after(async () => { await h?.cleanup(); });

  it('a child stated to be 7 is 8 a year and a day later', async () => {
    const cw = await signIn(h.url, 'caseworker');
    const c = await createCase(cw, { name_first: 'Mekdes', age: 7 });
    assert.equal(c.data.age, 7);
    await advanceClock(h.url, 367 * 86400);
    const again = await signIn(h.url, 'caseworker');
    const r = await again.get(`/api/v1/cases/${c.id}`);
    expectStatus(r, 200);
    assert.equal(r.json.data.age, 8, show(r));
    assert.equal(r.json.data.date_of_birth, c.data.date_of_birth, 'estimated date of birth unchanged');
  });
});

describe('a patch that changes nothing', () => {
  let h;
  before(async () => { h = await startHaven({ demo: true }); });
  after(async () => { await h.cleanup(); });

  it('keeps the version, so a colleague editing the same case gets no false conflict', async () => {
    const cw = await signIn(h.url, 'caseworker');
    const c = await cw.post('/api/v1/cases', { data: { name_first: 'Synthetic', sex: 'male' } });
    assert.equal(c.status, 201);
    const same = await cw.patch(`/api/v1/cases/${c.json.id}`, { data: { sex: 'male' } }, { 'if-match': '"1"' });
    assert.equal(same.status, 200);
    assert.equal(same.json.version, 1);
    const hist = await cw.get(`/api/v1/cases/${c.json.id}/history`);
    assert.ok(!hist.json.items.some((e) => e.action === 'update'));
    const real = await cw.patch(`/api/v1/cases/${c.json.id}`, { data: { sex: 'female' } }, { 'if-match': '"1"' });
    assert.equal(real.status, 200);
    assert.equal(real.json.version, 2);
  });
});
