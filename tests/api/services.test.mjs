// The services directory: administrators maintain it; anyone signed in searches it by need,
// place (the same area first, then its parent, then the grandparent) and language; a
// shelter's address is shown only to those who need it.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { signIn } from '../lib/haven.mjs';
import { demoServer, expectStatus, expectError } from './fixtures.mjs';

describe('services directory', { timeout: 60_000 }, () => {
  let h, admin, cw, screener, made = {};
  before(async () => {
    ({ h, admin } = await demoServer());
    cw = await signIn(h.url, 'caseworker');
    screener = await signIn(h.url, 'screener');
    // The demo directory's own services are left out of what these tests compare.
    const demo = new Set((await cw.get('/api/v1/services?per=100')).json.items.map((x) => x.id));
    made.ours = (items) => items.filter((x) => !demo.has(x.id));
    // A sub-district, its district, its region and the country of the demo areas.
    const top = (await cw.get('/api/v1/locations')).json.items[0].pcode;
    const region = (await cw.get(`/api/v1/locations?parent=${top}`)).json.items[0].pcode;
    const district = (await cw.get(`/api/v1/locations?parent=${region}`)).json.items[0].pcode;
    const sub = (await cw.get(`/api/v1/locations?parent=${district}`)).json.items[0].pcode;
    const otherRegion = (await cw.get(`/api/v1/locations?parent=${top}`)).json.items[1].pcode;
    made.areas = { top, region, district, sub, otherRegion };
    const add = async (name, body) => {
      const r = await admin.post('/api/v1/services', { name, type: 'legal_aid', languages: ['ar', 'fr'], ...body });
      expectStatus(r, 201, name);
      made[name] = r.json;
    };
    await add('Regional legal clinic', { pcode: region });
    await add('Sub-district paralegals', { pcode: sub, languages: ['ar'] });
    await add('District law office', { pcode: district, languages: ['fr'] });
    await add('Far away lawyers', { pcode: otherRegion });
    await add('National hotline', { pcode: top, aaaq: { availability: 5, accessibility: 4, acceptability: 4, quality: 3 } });
    await add('Safe house', { type: 'safe_shelter', pcode: sub, address: 'Street 4, house 12', capacity: 12, availability: 'open',
      ages: { min: 10, max: 17 }, sexes: ['female'], contact: { phone: '+000 555 0101' } });
  });
  after(async () => { await h.cleanup(); });

  it('a search by need and place ranks the same area first, then its parent, then the grandparent', async () => {
    const r = await cw.get(`/api/v1/services?need=legal_aid&location=${made.areas.sub}`);
    expectStatus(r, 200);
    assert.deepEqual(made.ours(r.json.items).map((s) => [s.name, s.distance]), [
      ['Sub-district paralegals', 'same_area'],
      ['District law office', 'parent_area'],
      ['Regional legal clinic', 'grandparent_area'],
      ['Far away lawyers', 'wider_area'],
      ['National hotline', 'wider_area'],
    ]);
    assert.equal(made.ours(r.json.items).length, 5, 'farther services come last, by name');
    const ar = await cw.get(`/api/v1/services?need=legal_aid&location=${made.areas.sub}&language=ar`);
    assert.deepEqual(made.ours(ar.json.items).map((s) => s.name), ['Sub-district paralegals', 'Regional legal clinic', 'Far away lawyers',
      'National hotline']);
    const all = await cw.get('/api/v1/services?need=legal_aid');
    assert.equal(made.ours(all.json.items).length, 5);
  });

  it('bad searches are named', async () => {
    expectError(await cw.get('/api/v1/services?need=magic'), 422, 'validation_failed', 'need');
    expectError(await cw.get(`/api/v1/services?location=${made.areas.sub}`), 422, 'validation_failed', 'need');
    expectError(await cw.get('/api/v1/services?need=health&location=XD9999'), 422, 'validation_failed', 'location');
    expectError(await cw.get('/api/v1/services?need=health&language=klingon'), 422, 'validation_failed', 'language');
  });

  it('a shelter\'s address is shown to caseworkers, not to screeners', async () => {
    const s = made['Safe house'];
    const forCw = await cw.get(`/api/v1/services/${s.id}`);
    assert.equal(forCw.json.address, 'Street 4, house 12');
    const forScreener = await screener.get(`/api/v1/services/${s.id}`);
    assert.equal(forScreener.json.address, undefined);
    assert.equal(forScreener.json.address_hidden, true);
    const list = await screener.get(`/api/v1/services?need=safe_shelter&location=${made.areas.sub}`);
    assert.ok(!list.text.includes('Street 4'));
  });

  it('only administrators maintain it; changes use versions; bad services are refused naming the field', async () => {
    expectError(await cw.post('/api/v1/services', { name: 'X', type: 'health', pcode: made.areas.top }), 403, 'forbidden');
    const bad = [
      [{ name: '', type: 'health', pcode: made.areas.top }, 'name'],
      [{ name: 'X', type: 'witchcraft', pcode: made.areas.top }, 'type'],
      [{ name: 'X', type: 'health', pcode: 'XD9999' }, 'pcode'],
      [{ name: 'X', type: 'health', pcode: made.areas.top, languages: ['xx'] }, 'languages'],
      [{ name: 'X', type: 'health', pcode: made.areas.top, ages: { min: 18, max: 5 } }, 'ages'],
      [{ name: 'X', type: 'health', pcode: made.areas.top, aaaq: { quality: 9 } }, 'aaaq'],
      [{ name: 'X', type: 'health', pcode: made.areas.top, availability: 'maybe' }, 'availability'],
      [{ name: 'X', type: 'health', pcode: made.areas.top, colour: 'red' }, 'colour'],
      [{ name: 'X', type: 'health', pcode: made.areas.top, sexes: 'female' }, 'sexes'],
    ];
    for (const [body, field] of bad) expectError(await admin.post('/api/v1/services', body), 422, 'validation_failed', field);
    const s = made['District law office'];
    const g = await admin.get(`/api/v1/services/${s.id}`);
    const body = { name: 'District law office', type: 'legal_aid', pcode: made.areas.otherRegion, languages: ['fr'] };
    expectError(await admin.put(`/api/v1/services/${s.id}`, body), 428);
    const p = await admin.put(`/api/v1/services/${s.id}`, body, { 'if-match': g.headers.get('etag') });
    expectStatus(p, 200);
    expectError(await admin.put(`/api/v1/services/${s.id}`, body, { 'if-match': g.headers.get('etag') }), 412, 'version_mismatch');
    // Moved to the other region, it no longer ranks near the sub-district.
    const r = await cw.get(`/api/v1/services?need=legal_aid&location=${made.areas.sub}`);
    assert.equal(r.json.items.find((x) => x.name === 'District law office').distance, 'wider_area');
  });
});

describe('services directory: CSV import', { timeout: 60_000 }, () => {
  let h, admin, cw, demoCount;
  before(async () => {
    ({ h, admin } = await demoServer());
    cw = await signIn(h.url, 'caseworker');
    demoCount = (await cw.get('/api/v1/services')).json.total;
  });
  after(async () => { await h.cleanup(); });

  const post = (c, text) => fetch(`${h.url}/api/v1/services/import`, {
    method: 'POST', body: text,
    headers: { 'content-type': 'text/csv; charset=utf-8', cookie: c.cookie, 'x-csrf-token': c.csrf, 'accept-language': 'en' },
  }).then(async (r) => ({ status: r.status, json: await r.json() }));

  it('imports every row or none, naming the first bad row and column', async () => {
    const top = (await cw.get('/api/v1/locations')).json.items[0].pcode;
    const good = [
      'name,type,pcode,agency_code,languages,ages_min,ages_max,sexes,capacity,availability,phone,address,aaaq_quality',
      `"Clinique juridique, Nord",legal_aid,${top},DSS,ar fr,10,17,female male,20,open,+000 555 0199,"Rue 1",4`,
      `Centre d'écoute,mhpss,${top},,fr,,,,,waiting_list,,,`,
    ].join('\n');
    expectStatus({ status: (await post(cw, good)).status, text: '' }, 403, 'a caseworker may not import');
    const bad = good.replace('legal_aid', 'witchcraft');
    const b = await post(admin, bad);
    assert.equal(b.status, 422);
    assert.equal(b.json.error.field, 'type');
    assert.match(b.json.error.message, /^row 2: /);
    const unknownColumn = await post(admin, good.replace('capacity', 'colour'));
    assert.equal(unknownColumn.status, 422);
    assert.equal(unknownColumn.json.error.field, 'colour');
    assert.equal((await cw.get('/api/v1/services')).json.total, demoCount, 'nothing was imported');
    const ok = await post(admin, good);
    assert.equal(ok.status, 201);
    assert.equal(ok.json.imported, 2);
    const found = (await cw.get(`/api/v1/services?need=legal_aid&location=${top}&language=ar`)).json.items
      .find((x) => x.name === 'Clinique juridique, Nord');
    assert.ok(found, 'the imported service is found');
    assert.deepEqual(found.ages, { min: 10, max: 17 });
    assert.equal(found.aaaq.quality, 4);
    const plain = await fetch(`${h.url}/api/v1/services/import`, { method: 'POST', body: good,
      headers: { 'content-type': 'application/json', cookie: admin.cookie, 'x-csrf-token': admin.csrf } });
    assert.equal(plain.status, 415);
  });
});
