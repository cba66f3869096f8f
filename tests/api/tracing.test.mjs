// Tracing requests: a parent or relative asks for a separated child to be found. The record type
// through the API — create, read, list and search (by the person asking and by each child
// sought), merge patch with If-Match, the forms' checks (422, 400, 413), who may see a request
// (roles, assignment, other agencies, the administrator's break-glass read), names in any
// script round-tripping, the audit trail, and the workflow open → matched → closed. Also what
// the demo data holds for the linkage engine: a request seeking demo case 22. All names are
// invented.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { signIn, ADMIN_PASSWORD } from '../lib/haven.mjs';
import {
  demoServer, createAgency, expectError, expectStatus, readAudit, userClient, uniqLetters, todayUTC, show,
} from './fixtures.mjs';

const API = '/api/v1/tracing_requests';
const MiB = 1024 * 1024;

// A request as a caseworker records it: the person asking, the separation, two children sought.
function request(over = {}) {
  const tag = uniqLetters(6);
  return {
    inq_name: `Mariam ${tag}`,
    inq_relationship: 'mother',
    inq_phone: '+000 555 0142',
    inq_address: 'Block 4, Eskbury',
    inq_location_area: 'XD010101',
    inq_languages: ['ar', 'fr'],
    sep_date: { value: '2025-03-01', estimated: true },
    sep_location_area: 'XD0203',
    sep_location_text: 'Ferry landing',
    sep_cause: 'displacement',
    sep_details: 'Separated when the ferry was boarded at night.',
    tr_children: [
      { name_first: `Idris${tag}`, name_last: 'Benali', name_other: 'Dodo', sex: 'male', date_of_birth: '2015-06-01',
        date_of_birth_estimated: true, mother_name: `Mariam ${tag}`, father_name: 'Karim Benali', languages: ['ar'],
        distinguishing_marks: 'Birthmark on the right hand', last_seen_area: 'XD0203' },
      { name_first: `Salma${tag}`, name_last: 'Benali', sex: 'female', age: 6, age_stated_on: '2025-03-01' },
    ],
    consent_for_tracing: 'yes',
    ...over,
  };
}

async function create(c, data) {
  const r = await c.post(API, { data });
  expectStatus(r, 201, 'create tracing request');
  return r.json;
}

async function find(c, q) {
  const r = await c.post(`${API}/search`, { q, per: 100 });
  expectStatus(r, 200, `search ${q}`);
  return r.json.items.map((x) => x.id);
}

describe('tracing requests', { timeout: 120_000 }, () => {
  let h, admin, cw, cw2, sup, screener, analyst, provider, otherCw, otherSup;
  before(async () => {
    ({ h, admin } = await demoServer());
    cw = await signIn(h.url, 'caseworker');
    cw2 = await signIn(h.url, 'caseworker2');
    sup = await signIn(h.url, 'supervisor');
    screener = await signIn(h.url, 'screener');
    analyst = await signIn(h.url, 'analyst');
    provider = await signIn(h.url, 'provider');
    const west = await createAgency(admin, { name: `West ${uniqLetters(5)}`, type: 'ngo', code: 'WTR' });
    otherCw = await userClient(h.url, admin, { role: 'caseworker', agency_id: west.id });
    otherSup = await userClient(h.url, admin, { role: 'supervisor', agency_id: west.id });
  });
  after(async () => { await h?.cleanup(); });

  it('a caseworker records a request: 201, read back whole, with a follow-up task', async () => {
    const data = request();
    const t = await create(cw, data);
    assert.equal(t.type, 'tracing_request');
    assert.equal(t.stage, 'open');
    assert.equal(t.status, 'open');
    assert.equal(t.version, 1);
    assert.match(t.display_id, /^DSS-[0-9A-Z]{7}$/);
    assert.deepEqual(t.hidden_fields, []);
    assert.deepEqual(t.data, data);
    const g = await cw.get(`${API}/${t.id}`);
    expectStatus(g, 200);
    assert.equal(g.headers.get('etag'), '"1"');
    assert.deepEqual(g.json.data, data);
    assert.deepEqual(g.json.access, { can_edit: true, can_assign: false, can_note: true });
    // The same id is not a case, nor a family.
    expectError(await cw.get(`/api/v1/cases/${t.id}`), 404, 'not_found');
    expectError(await cw.get(`/api/v1/families/${t.id}`), 404, 'not_found');
    const tasks = await cw.get(`/api/v1/tasks?record_id=${t.id}`);
    expectStatus(tasks, 200);
    assert.deepEqual(tasks.json.items.map((x) => [x.rule, x.label, x.record.type]),
      [['follow_up_request', 'Follow up the tracing request', 'tracing_request']]);
    const due = new Date(Date.parse(todayUTC()) + 30 * 86400e3).toISOString().slice(0, 10);
    assert.equal(tasks.json.items[0].due_on, due);
  });

  it('the list shows the person asking and the children sought by name, nothing more', async () => {
    const data = request();
    const t = await create(cw, data);
    const l = await cw.get(`${API}?per=100`);
    expectStatus(l, 200);
    const item = l.json.items.find((x) => x.id === t.id);
    assert.ok(item, 'in the list');
    assert.deepEqual(item.data, {
      inq_name: data.inq_name,
      tr_children: data.tr_children.map((c) => ({ name_first: c.name_first, name_last: c.name_last })),
    });
    assert.equal(item.stage, 'open');
    // Sorted by name, requests go by the person asking.
    const a = await create(cw, request({ inq_name: 'Aaaa Zuhur' }));
    const sorted = await cw.get(`${API}?per=100&sort=name`);
    assert.equal(sorted.json.items[0].id, a.id);
  });

  it('is found by the name of the person asking and of each child sought, in its own type only', async () => {
    const data = request();
    const t = await create(cw, data);
    const [idris, salma] = data.tr_children;
    assert.deepEqual(await find(cw, data.inq_name), [t.id]);
    assert.deepEqual(await find(cw, idris.name_first), [t.id]);
    assert.deepEqual(await find(cw, salma.name_first.toUpperCase()), [t.id], 'case folded');
    assert.deepEqual(await find(cw, `${idris.name_first} benali`), [t.id], 'a child\'s full name');
    assert.deepEqual(await find(cw, `${salma.name_first} Benali`), [t.id]);
    assert.ok((await find(cw, 'Dodo')).includes(t.id), 'by another name');
    assert.ok((await find(cw, t.display_id)).includes(t.id), 'by display id');
    assert.ok(!(await find(cw, 'Karim')).includes(t.id), 'not by the father\'s name');
    // A case search does not return requests, nor a request search cases.
    const cases = await cw.post('/api/v1/cases/search', { q: idris.name_first });
    expectStatus(cases, 200);
    assert.deepEqual(cases.json.items, []);
    // A child added later is found too; one removed is not.
    const p = await cw.patch(`${API}/${t.id}`, { data: { tr_children: [salma, { name_first: 'Qobadhiyar' }] } }, { 'if-match': '"1"' });
    expectStatus(p, 200);
    assert.deepEqual(await find(cw, 'Qobadhiyar'), [t.id]);
    assert.deepEqual(await find(cw, idris.name_first), []);
  });

  it('patches with If-Match: the new version, 412 when stale, 428 without it', async () => {
    const t = await create(cw, request());
    const p = await cw.patch(`${API}/${t.id}`, { data: { sep_location_text: 'Ferry landing, north pier', inq_phone: null } },
      { 'if-match': '"1"' });
    expectStatus(p, 200);
    assert.equal(p.json.version, 2);
    assert.equal(p.headers.get('etag'), '"2"');
    assert.equal(p.json.data.sep_location_text, 'Ferry landing, north pier');
    assert.equal(p.json.data.inq_phone, undefined);
    expectError(await cw.patch(`${API}/${t.id}`, { data: { sep_cause: 'conflict' } }, { 'if-match': '"1"' }), 412, 'version_mismatch');
    expectError(await cw.patch(`${API}/${t.id}`, { data: { sep_cause: 'conflict' } }), 428, 'precondition_required');
    const g = await cw.get(`${API}/${t.id}`);
    assert.equal(g.json.data.sep_cause, 'displacement', 'a refused write changes nothing');
    assert.equal(g.json.version, 2);
    const hist = await cw.get(`${API}/${t.id}/history`);
    expectStatus(hist, 200);
    assert.ok(hist.json.items.some((x) => x.action === 'update' && x.field === 'sep_location_text'
      && x.from === 'Ferry landing' && x.to === 'Ferry landing, north pier'));
  });

  it('refuses what the form does not allow: 422 naming the field, nothing saved', async () => {
    const before = (await cw.get(`${API}?per=1`)).json.total;
    const bad = [
      [{ name_first: 'Top level' }, 'name_first'], // a case field, not this form's
      [{ inq_nickname: 'x' }, 'inq_nickname'],
      [{ inq_name: 42 }, 'inq_name'],
      [{ inq_name: 'x'.repeat(201) }, 'inq_name'],
      [{ inq_relationship: 'neighbour' }, 'inq_relationship'],
      [{ inq_languages: 'ar' }, 'inq_languages'],
      [{ inq_location_area: 'XX99' }, 'inq_location_area'],
      [{ consent_for_tracing: true }, 'consent_for_tracing'],
      [{ sep_date: '2025-03-01' }, 'sep_date'],
      [{ sep_date: { value: '2999-01-01', estimated: false } }, 'sep_date'],
      [{ sep_cause: 'weather' }, 'sep_cause'],
      [{ tr_children: { name_first: 'A' } }, 'tr_children'],
      [{ tr_children: [{ name_first: 'A', age: 'seven' }] }, 'tr_children[0].age'],
      [{ tr_children: [{ name_first: 'A' }, { age: 7.5 }] }, 'tr_children[1].age'],
      [{ tr_children: [{ sex: 'girl' }] }, 'tr_children[0].sex'],
      [{ tr_children: [{ date_of_birth: '2015-02-30' }] }, 'tr_children[0].date_of_birth'],
      [{ tr_children: [{ colour: 'blue' }] }, 'tr_children[0].colour'],
      [{ tr_children: [{ last_seen_area: 'nowhere' }] }, 'tr_children[0].last_seen_area'],
      [{ tr_children: [{ photo: 'x' }] }, 'tr_children[0].photo'], // rows hold no files
      // A tickbox whose condition (a date of birth) does not hold.
      [{ tr_children: [{ date_of_birth_estimated: true }] }, 'tr_children[0].date_of_birth_estimated'],
    ];
    for (const [data, field] of bad) {
      const e = expectError(await cw.post(API, { data }), 422, 'validation_failed');
      assert.equal(e.field, field, `${JSON.stringify(data)}: ${e.message}`);
    }
    expectError(await cw.post(API, {}), 422, 'validation_failed', 'data');
    expectError(await cw.post(API, { data: [] }), 422, 'validation_failed', 'data');
    expectError(await cw.post(API, { data: {}, extra: 1 }), 422, 'validation_failed', 'extra');
    // Required fields are checked when the request moves on (the form is filled in over
    // time): a request without the consent of the person asking cannot be marked matched.
    const t = await create(cw, request({ consent_for_tracing: undefined }));
    const m = expectError(await cw.post(`${API}/${t.id}/transitions`, { to: 'matched' }), 422, 'validation_failed', 'consent_for_tracing');
    assert.match(m.message, /tracing_request/);
    const noName = await create(cw, { tr_children: [{ name_first: 'Anon' }], consent_for_tracing: 'yes' });
    expectError(await cw.post(`${API}/${noName.id}/transitions`, { to: 'matched' }), 422, 'validation_failed', 'inq_name');
    assert.equal((await cw.get(`${API}?per=1`)).json.total, before + 2, 'only the two valid requests were saved');
    const f = await cw.get('/api/v1/forms?record_type=nothing');
    assert.match(expectError(f, 422, 'validation_failed', 'record_type').message, /tracing_request/);
  });

  it('400 for malformed JSON, 413 for a body over 1 MiB', async () => {
    for (const body of ['{"data":', '{"data":{"inq_name":"A",}}', 'not json', '{"data":{"inq_name":"A","inq_name":"B"}}']) {
      expectError(await cw.post(API, body), 400, 'bad_request');
    }
    const t = await create(cw, request());
    expectError(await cw.patch(`${API}/${t.id}`, '{"data":{', { 'if-match': '"1"' }), 400, 'bad_request');
    let r;
    const big = JSON.stringify({ data: { sep_details: 'x'.repeat(MiB + 10) } });
    try { r = await cw.post(API, big); } catch (e) { assert.fail(`connection dropped instead of 413: ${e.cause?.code || e}`); }
    expectError(r, 413, 'payload_too_large');
    expectError(await cw.patch(`${API}/${t.id}`, big, { 'if-match': '"1"' }), 413, 'payload_too_large');
    expectStatus(await cw.get(`${API}/${t.id}`), 200, 'still serving');
  });

  it('screeners, analysts and providers may neither record nor see requests', async () => {
    const t = await create(cw, request());
    for (const [who, c] of [['screener', screener], ['analyst', analyst], ['provider', provider]]) {
      expectError(await c.post(API, { data: request() }), 403, 'forbidden');
      expectError(await c.get(API), 403, 'forbidden');
      expectError(await c.post(`${API}/search`, { q: 'Benali' }), 403, 'forbidden');
      expectError(await c.get(`${API}/${t.id}`), 404, 'not_found');
      expectError(await c.get(`${API}/${t.id}/history`), 404, 'not_found');
      expectError(await c.patch(`${API}/${t.id}`, { data: { sep_cause: 'lost' } }, { 'if-match': '"1"' }), 404, 'not_found');
      expectError(await c.post(`${API}/${t.id}/transitions`, { to: 'closed' }), 404, 'not_found');
      assert.ok(who);
    }
  });

  it('a caseworker sees their own and assigned requests; a supervisor the agency\'s; no other agency', async () => {
    const data = request();
    const t = await create(cw, data);
    expectError(await cw2.get(`${API}/${t.id}`), 404, 'not_found');
    assert.ok(!(await find(cw2, data.inq_name)).includes(t.id));
    expectStatus(await sup.get(`${API}/${t.id}`), 200);
    assert.deepEqual(await find(sup, data.inq_name), [t.id]);
    expectError(await cw.post(`${API}/${t.id}/assign`, { assigned_ids: [] }), 403, 'forbidden');
    const users = await sup.get('/api/v1/users');
    const cw2id = users.json.items.find((u) => u.username === 'caseworker2').id;
    expectStatus(await sup.post(`${API}/${t.id}/assign`, { assigned_ids: [cw2id] }), 200);
    expectStatus(await cw2.get(`${API}/${t.id}`), 200, 'assigned');
    expectStatus(await cw2.post(`${API}/${t.id}/notes`, { text: 'Called the mother back' }), 201);
    // A supervisor may record one too.
    await create(sup, request());
    // Another agency: not found, not listed, not searchable, not writable.
    for (const c of [otherCw, otherSup]) {
      expectError(await c.get(`${API}/${t.id}`), 404, 'not_found');
      const l = await c.get(`${API}?per=100`);
      expectStatus(l, 200);
      assert.ok(!l.json.items.some((x) => x.id === t.id));
      assert.deepEqual(await find(c, data.inq_name), []);
      expectError(await c.patch(`${API}/${t.id}`, { data: { sep_cause: 'lost' } }, { 'if-match': '"2"' }), 404, 'not_found');
    }
    // Their own agency's requests are theirs to record and see.
    const mine = await create(otherCw, request({ inq_name: data.inq_name }));
    assert.deepEqual(await find(otherSup, data.inq_name), [mine.id]);
    expectError(await cw.get(`${API}/${mine.id}`), 404, 'not_found');
  });

  it('an administrator reads one only with a stated reason, audited as break-glass', async () => {
    const t = await create(cw, request());
    const adm = await signIn(h.url, 'admin', ADMIN_PASSWORD);
    expectError(await adm.get(`${API}/${t.id}`), 404, 'not_found');
    expectError(await adm.post(API, { data: request() }), 403, 'forbidden');
    const r = await adm.get(`${API}/${t.id}`, { 'x-access-reason': encodeURIComponent('Complaint from the mother, ticket 12') });
    expectStatus(r, 200);
    // The contact details of the person asking are for caseworkers and supervisors only.
    assert.deepEqual([...r.json.hidden_fields].sort(), ['inq_address', 'inq_phone']);
    assert.equal(r.json.data.inq_phone, undefined);
    const audit = await sup.get('/api/v1/audit?action=tracing_request.read.break_glass');
    expectStatus(audit, 200);
    const e = audit.json.items.find((x) => x.record_ids.includes(t.id));
    assert.ok(e, `break-glass entry: ${show(audit)}`);
    assert.equal(e.action, 'tracing_request.read.break_glass');
    assert.equal(e.reason, 'Complaint from the mother, ticket 12');
  });

  it('names in any script round-trip and are searchable, right to left included', async () => {
    const data = request({
      inq_name: 'فاطمة الزهراء بن علي',
      sep_location_text: 'معبر الحدود الشمالي — Poste nord',
      sep_details: 'انفصلت الأسرة عند المعبر. 🚌',
      tr_children: [
        { name_first: 'يوسف', name_last: 'بن علي', name_other: 'جو (Jo)', mother_name: 'فاطمة' },
        { name_first: 'Zoë', name_last: 'Nguyễn', name_other: 'Ляйсан' },
        { name_first: 'מרים', name_last: 'כהן' },
      ],
    });
    const t = await create(cw, data);
    const g = await cw.get(`${API}/${t.id}`);
    assert.deepEqual(g.json.data, data);
    assert.deepEqual(await find(cw, 'يوسف'), [t.id]);
    assert.deepEqual(await find(cw, 'الزهراء'), [t.id]);
    assert.deepEqual(await find(cw, 'zoe nguyen'), [t.id], 'accents folded');
    assert.deepEqual(await find(cw, 'ляйсан'), [t.id]);
    assert.deepEqual(await find(cw, 'מרים'), [t.id]);
    const l = await cw.get(`${API}?per=100`);
    const item = l.json.items.find((x) => x.id === t.id);
    assert.equal(item.data.inq_name, data.inq_name);
    assert.equal(item.data.tr_children[0].name_first, 'يوسف');
  });

  it('every read is audited with the record ids, never the names', async () => {
    const data = request();
    const t = await create(cw, data);
    const entries = async () => (await readAudit(admin, `record_id=${t.id}`)).items;
    const e0 = await entries();
    assert.ok(e0.some((e) => e.action === 'tracing_request.create' && e.username === 'caseworker'));
    expectStatus(await cw.get(`${API}/${t.id}`), 200);
    expectStatus(await cw.get(`${API}/${t.id}/history`), 200);
    expectStatus(await cw.get(`${API}/${t.id}/notes`), 200);
    await find(cw, data.inq_name);
    const e1 = await entries();
    const actions = e1.slice(0, e1.length - e0.length).map((e) => e.action); // newest first
    for (const a of ['tracing_request.read', 'tracing_request.history', 'tracing_request.notes', 'tracing_request.search']) {
      assert.ok(actions.includes(a), `${a} in ${actions}`);
    }
    assert.ok(e1.every((e) => e.record_type === 'tracing_request'));
    const l = await cw.get(`${API}?per=100`);
    const listed = (await entries()).find((e) => e.action === 'tracing_request.list');
    assert.ok(listed && l.json.items.every((x) => listed.record_ids.includes(x.id)), 'a list names every id it returned');
    const { text } = await readAudit(admin);
    for (const v of [data.inq_name, data.tr_children[0].name_first, data.inq_phone]) assert.ok(!text.includes(v), `audit holds ${v}`);
  });

  it('moves open → matched → closed; a supervisor reopens', async () => {
    const t = await create(cw, request());
    const move = (c, to) => c.post(`${API}/${t.id}/transitions`, { to });
    const m = await move(cw, 'matched');
    expectStatus(m, 200, 'matched');
    assert.equal(m.json.stage, 'matched');
    assert.equal(m.json.status, 'open');
    const tasks = await cw.get(`/api/v1/tasks?record_id=${t.id}&status=any`);
    assert.deepEqual(tasks.json.items.map((x) => x.status), ['done'], 'the follow-up is done once the child is found');
    expectError(await move(cw, 'open'), 403, 'forbidden');
    expectError(await move(cw, 'matched'), 409, 'conflict');
    const c = await move(cw, 'closed');
    expectStatus(c, 200, 'closed');
    assert.equal(c.json.stage, 'closed');
    assert.equal(c.json.status, 'closed');
    expectError(await move(cw, 'open'), 403, 'forbidden');
    expectError(await move(sup, 'matched'), 409, 'conflict');
    const o = await move(sup, 'open');
    expectStatus(o, 200, 'reopened');
    assert.equal(o.json.status, 'open');
    const hist = await cw.get(`${API}/${t.id}/history`);
    assert.deepEqual(hist.json.items.filter((x) => x.field === 'stage').map((x) => [x.from, x.to]),
      [['closed', 'open'], ['matched', 'closed'], ['open', 'matched']], 'newest first');
    const closedList = await cw.get(`${API}?status=closed&per=100`);
    assert.ok(!closedList.json.items.some((x) => x.id === t.id));
    // Closing straight from open: a request withdrawn.
    const w = await create(cw, request());
    expectStatus(await cw.post(`${API}/${w.id}/transitions`, { to: 'closed' }), 200);
    const closed = await cw.get(`${API}?status=closed&per=100`);
    assert.ok(closed.json.items.some((x) => x.id === w.id));
  });

  it('the demo holds a mother\'s request seeking demo case 22 and a grandmother\'s matching nobody', async () => {
    const l = await sup.get(`${API}?per=100&sort=created_at`);
    const demo = l.json.items.filter((x) => ['Nour Al-Khatib', 'Grace Mwangi'].includes(x.data.inq_name));
    assert.deepEqual(demo.map((x) => [x.data.inq_name, x.data.tr_children.length, x.owner.username]),
      [['Nour Al-Khatib', 2, 'caseworker'], ['Grace Mwangi', 1, 'caseworker2']]);
    const mother = (await sup.get(`${API}/${demo[0].id}`)).json.data;
    const aziza = mother.tr_children[0];
    assert.deepEqual([aziza.name_first, aziza.name_last, aziza.sex, aziza.date_of_birth_estimated], ['Aziza', 'Al-Hassan', 'female', true]);
    assert.equal(mother.consent_for_tracing, 'yes');
    // The child sought is registered in Arabic script, her consent to tracing on record.
    const cases = await sup.post('/api/v1/cases/search', { q: 'الحسن', per: 100 });
    const hers = cases.json.items.filter((x) => x.data.name_first === 'Aziza');
    assert.equal(hers.length, 1, show(cases));
    const kase = (await sup.get(`/api/v1/cases/${hers[0].id}`)).json.data;
    assert.equal(kase.consent_for_tracing, 'yes');
    assert.equal(kase.sex, 'female');
    assert.equal(kase.date_of_birth_estimated, true);
    assert.equal(kase.age, 16);
    assert.equal(Number(aziza.date_of_birth.slice(0, 4)), new Date().getUTCFullYear() - 16);
    // Nobody registered bears the other names sought.
    for (const q of ['Omar', 'Brian', 'Otieno']) {
      expectStatus(await sup.post('/api/v1/cases/search', { q }), 200);
      assert.deepEqual((await sup.post('/api/v1/cases/search', { q })).json.items, [], q);
    }
  });
});
