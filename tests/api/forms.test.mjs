// Forms as configuration: the shipped forms in four languages, every write checked against
// them on the server (conditions included, the browser bypassed), field-level sensitivity in
// every place a field can surface, and an administrator's edit applying at once.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { signIn } from '../lib/haven.mjs';
import { demoServer, createCase, expectStatus, expectError, search, uniqLetters, readAudit, userClient } from './fixtures.mjs';

const LOCALES = ['en', 'fr', 'es', 'ar'];

describe('forms', { timeout: 120_000 }, () => {
  let h, admin, cw, sup, screener;
  before(async () => {
    ({ h, admin } = await demoServer());
    cw = await signIn(h.url, 'caseworker');
    sup = await signIn(h.url, 'supervisor');
    screener = await signIn(h.url, 'screener');
  });
  after(async () => { await h.cleanup(); });

  it('GET /forms returns every case form with labels, help and options in the asked language', async () => {
    const got = {};
    for (const l of LOCALES) {
      const r = await cw.get(`/api/v1/forms?record_type=case&locale=${l}`);
      expectStatus(r, 200, l);
      assert.equal(r.json.locale, l);
      got[l] = r.json;
    }
    const ids = got.en.forms.map((f) => f.id);
    for (const id of ['registration', 'care_arrangements', 'family_details', 'interviews', 'exploitation', 'legal_status', 'disability',
      'gbv', 'health', 'assessment', 'best_interests', 'case_plan', 'services', 'follow_up', 'closure']) {
      assert.ok(ids.includes(id), `form ${id}`);
    }
    const reg = (l) => got[l].forms.find((f) => f.id === 'registration');
    assert.equal(reg('en').fields.find((f) => f.name === 'sex').label, 'Sex');
    assert.equal(reg('fr').fields.find((f) => f.name === 'sex').label, 'Sexe');
    assert.equal(reg('ar').fields.find((f) => f.name === 'sex').options.find((o) => o.value === 'female').label, 'أنثى');
    assert.equal(reg('fr').fields.find((f) => f.name === 'sex').labels, undefined, 'one language, not all four');
    // The lookups the forms use come along, named in the language; countries by ICU.
    assert.equal(got.fr.lookups.countries.values.find((c) => c.value === 'DEU').label, 'Allemagne');
    assert.equal(got.es.lookups.languages.values.find((c) => c.value === 'ar').label, 'árabe');
    assert.ok(got.ar.lookups.protection_concerns.values.length >= 10);
    assert.ok(got.en.workflow.stages.some((s) => s.id === 'closed' && s.closed));
    for (const type of ['family', 'incident']) expectStatus(await cw.get(`/api/v1/forms?record_type=${type}`), 200);
    expectError(await cw.get('/api/v1/forms?record_type=case&locale=de'), 422, 'validation_failed', 'locale');
    expectError(await cw.get('/api/v1/forms?record_type=child'), 422, 'validation_failed', 'record_type');
  });

  it('the server refuses an unknown option, a wrong type and a value whose condition is false', async () => {
    const bad = [
      [{ sex: 'girl' }, 'sex'],
      [{ protection_concerns: ['smuggling_of_cats'] }, 'protection_concerns'],
      [{ nationality: ['XXX'] }, 'nationality'],
      [{ risk_level: 3 }, 'risk_level'],
      [{ documents_withheld_by: 'the employer' }, 'documents_withheld_by'], // shown only when withheld = yes
      [{ gbv_notes: 'x' }, 'gbv_notes'],                                     // only on a GBV case
      [{ plan_goals: [{ goal: 'School', area: 'nowhere' }] }, 'plan_goals[0].area'],
      [{ wg_disability_status: 'functional_difficulty' }, 'wg_disability_status'], // derived, not written
      [{ age: 7.5 }, 'age'],
      [{ location_area: 'XD99999' }, 'location_area'],
    ];
    for (const [data, field] of bad) {
      const e = expectError(await cw.post('/api/v1/cases', { data }), 422, 'validation_failed');
      assert.equal(e.field, field, JSON.stringify(data));
    }
    const ok = await createCase(cw, { documents_withheld: 'yes', documents_withheld_by: 'the employer', name_first: 'Nadia' });
    assert.equal(ok.data.documents_withheld_by, 'the employer');
    // Changing the controlling answer while the dependent value stays is refused, naming it...
    const etag = `"${ok.version}"`;
    expectError(await cw.patch(`/api/v1/cases/${ok.id}`, { data: { documents_withheld: 'no' } }, { 'if-match': etag }),
      422, 'validation_failed', 'documents_withheld_by');
    // ...and accepted when the client clears it, as the browser does.
    const r = await cw.patch(`/api/v1/cases/${ok.id}`, { data: { documents_withheld: 'no', documents_withheld_by: null } },
      { 'if-match': etag });
    expectStatus(r, 200);
    assert.equal(r.json.data.documents_withheld_by, undefined);
  });

  it('interviews already held are recorded, so the next agency reuses them', async () => {
    const c = await createCase(cw, { name_first: 'Aya', int_held: [
      { kind: 'forensic_interview', date: '2026-10-02', agency: 'Police child unit', recorded: 'yes', reuse: 'Video kept by the prosecutor' }] });
    assert.equal(c.data.int_held[0].kind, 'forensic_interview');
    expectError(await cw.post('/api/v1/cases', { data: { int_held: [{ kind: 'interrogation' }] } }), 422, 'validation_failed');
  });

  it('calculated fields are derived on the server: the disability status from the functioning answers', async () => {
    const c = await createCase(cw, { age: 9, wg_517_seeing: 'a_lot_of_difficulty' });
    assert.equal(c.data.wg_disability_status, 'functional_difficulty');
    const r = await cw.patch(`/api/v1/cases/${c.id}`, { data: { wg_517_seeing: 'no_difficulty' } }, { 'if-match': `"${c.version}"` });
    expectStatus(r, 200);
    assert.notEqual(r.json.data.wg_disability_status, 'functional_difficulty');
    // A question for another age group does not apply to a 9-year-old.
    expectError(await cw.patch(`/api/v1/cases/${c.id}`, { data: { wg_24_playing: 'no_difficulty' } },
      { 'if-match': `"${r.json.version}"` }), 422, 'validation_failed', 'wg_24_playing');
  });

  it('an unknown key of any length is refused with a readable error', async () => {
    const r = await cw.post('/api/v1/cases', { data: { ['é'.repeat(200)]: 1 } });
    const e = expectError(r, 422, 'validation_failed');
    assert.ok(e.field.length > 0);
  });

  it('a value left behind by a field removed from the forms is read by nobody', async () => {
    const c = await createCase(sup, { name_first: 'Farid', health_notes: 'Asthma' });
    const g = await admin.get('/api/v1/forms/health');
    const def = structuredClone(g.json.definition);
    def.fields = def.fields.filter((f) => f.name !== 'health_notes');
    expectStatus(await admin.put('/api/v1/forms/health', def, { 'if-match': `"${g.json.version}"` }), 200);
    const r = await sup.get(`/api/v1/cases/${c.id}`);
    assert.equal(r.json.data.health_notes, undefined);
    assert.ok(r.json.hidden_fields.includes('health_notes'));
    const hist = await sup.get(`/api/v1/cases/${c.id}/history`);
    assert.ok(!hist.text.includes('Asthma'));
    // It comes back with the field.
    const g2 = await admin.get('/api/v1/forms/health');
    expectStatus(await admin.put('/api/v1/forms/health', g.json.definition, { 'if-match': `"${g2.json.version}"` }), 200);
    assert.equal((await sup.get(`/api/v1/cases/${c.id}`)).json.data.health_notes, 'Asthma');
  });

  it('a stated age replacing a date of birth records when it was stated', async () => {
    const c = await createCase(cw, { date_of_birth: '2015-03-01' });
    const r = await cw.patch(`/api/v1/cases/${c.id}`, { data: { date_of_birth: null, age: 12 } }, { 'if-match': `"${c.version}"` });
    expectStatus(r, 200);
    assert.equal(r.json.data.age, 12);
    assert.equal(r.json.data.date_of_birth_estimated, true);
    assert.equal(r.json.data.age_stated_on, new Date().toISOString().slice(0, 10));
  });

  it('records remember their form versions; an older record is checked only where it changes', async () => {
    const c = await createCase(cw, { name_first: 'Kofi', health_medication: 'Iron tablets' });
    const v0 = c.form_versions.health;
    assert.ok(v0 >= 1);
    // An administrator makes the medication field depend on a new question, and the immediate
    // needs question required.
    const g = await admin.get('/api/v1/forms/health');
    const def = g.json.definition;
    def.fields.find((f) => f.name === 'health_medication').show_if = { field: 'health_takes_medication', op: 'eq', value: 'yes' };
    def.fields.unshift({ name: 'health_takes_medication', type: 'yesno',
      labels: { en: 'Takes medication', fr: 'Prend des médicaments', es: 'Toma medicamentos', ar: 'يتناول أدوية' } });
    expectStatus(await admin.put('/api/v1/forms/health', def, { 'if-match': `"${g.json.version}"` }), 200);
    // An unrelated edit of the older record goes through: its medication value stays.
    const r = await cw.patch(`/api/v1/cases/${c.id}`, { data: { name_last: 'Mensah' } }, { 'if-match': `"${c.version}"` });
    expectStatus(r, 200);
    assert.equal(r.json.data.health_medication, 'Iron tablets');
    assert.equal(r.json.form_versions.health, v0 + 1, 'now written under the new version');
    // Changing the field itself is checked against the new version.
    expectError(await cw.patch(`/api/v1/cases/${c.id}`, { data: { health_medication: 'Vitamins' } }, { 'if-match': `"${r.json.version}"` }),
      422, 'validation_failed', 'health_medication');
    const ok = await cw.patch(`/api/v1/cases/${c.id}`, { data: { health_takes_medication: 'yes', health_medication: 'Vitamins' } },
      { 'if-match': `"${r.json.version}"` });
    expectStatus(ok, 200);
  });

  it('sensitive fields are left out for other roles, in the record, lists, search and history', async () => {
    const name = uniqLetters(9);
    const c = await createCase(screener, { name_first: name, sex: 'female', location_current: 'Shelter 7, room 2', shelter_address: 'Rue 9' });
    // The screener who registered the case (a role without access to location) does not see it back.
    assert.equal(c.data.location_current, undefined);
    assert.deepEqual(c.hidden_fields.sort(), ['location_current', 'shelter_address']);
    assert.equal(c.data.name_first, name);
    // The supervisor sees everything.
    const s = await sup.get(`/api/v1/cases/${c.id}`);
    assert.equal(s.json.data.location_current, 'Shelter 7, room 2');
    assert.deepEqual(s.json.hidden_fields, []);
    // History: the screener sees that the location was set, never what to.
    const hist = await screener.get(`/api/v1/cases/${c.id}/history`);
    expectStatus(hist, 200);
    const loc = hist.json.items.find((e) => e.field === 'location_current');
    assert.ok(loc, 'the change is listed');
    assert.equal(loc.to, null);
    assert.ok(!hist.text.includes('Shelter 7'));
    const mine = await screener.post('/api/v1/cases/search', { q: name });
    assert.ok(!mine.text.includes('Shelter 7'));
    // The screener may not overwrite (or clear) the location it cannot see; it may fill an empty one.
    expectError(await screener.patch(`/api/v1/cases/${c.id}`, { data: { location_current: 'elsewhere' } }, { 'if-match': `"${c.version}"` }),
      403, 'forbidden', 'location_current');
    expectError(await screener.patch(`/api/v1/cases/${c.id}`, { data: { location_current: null } }, { 'if-match': `"${c.version}"` }),
      403, 'forbidden', 'location_current');
    expectStatus(await screener.patch(`/api/v1/cases/${c.id}`, { data: { documents_withheld: 'yes', documents_withheld_by: 'An employer' } },
      { 'if-match': `"${c.version}"` }), 200);
  });

  it('a GBV case hides its name from roles that may not see it, and is not findable by name', async () => {
    const name = uniqLetters(10);
    const c = await createCase(screener, { name_first: name, protection_concerns: ['gbv'] });
    assert.equal(c.data.name_first, undefined, 'the screener who registered it no longer sees the name');
    assert.ok(c.hidden_fields.includes('name_first'));
    const hits = await search(screener, name);
    assert.equal(hits.total, 0, 'not findable by name');
    const byId = await search(screener, c.display_id);
    assert.equal(byId.total, 1, 'findable by display id');
    assert.equal(byId.items[0].data.name_first, undefined);
    // The agency's supervisor finds it by name and sees it.
    const sh = await search(sup, name);
    assert.equal(sh.total, 1);
    assert.equal(sh.items[0].data.name_first, name);
    // Removing the GBV concern makes the name ordinary again.
    const g = await sup.get(`/api/v1/cases/${c.id}`);
    const r = await sup.patch(`/api/v1/cases/${c.id}`, { data: { protection_concerns: ['separated'] } }, { 'if-match': g.headers.get('etag') });
    expectStatus(r, 200);
    assert.equal((await search(screener, name)).total, 1);
  });

  it('an administrator adds a field, a translation, an option and a condition; it applies at once and is audited', async () => {
    const g = await admin.get('/api/v1/forms/care_arrangements');
    expectStatus(g, 200);
    assert.equal(g.headers.get('etag'), `"${g.json.version}"`);
    assert.equal(g.json.edited, false);
    const def = g.json.definition;
    def.fields.push({
      name: 'care_school_name', type: 'text',
      labels: { en: 'Name of the school', fr: "Nom de l'école", es: 'Nombre de la escuela', ar: 'اسم المدرسة' },
      show_if: { field: 'care_in_school', op: 'eq', value: 'yes' },
    }, {
      name: 'care_in_school', type: 'yesno',
      labels: { en: 'Goes to school', fr: "Va à l'école", es: 'Va a la escuela', ar: 'يذهب إلى المدرسة' },
    });
    expectError(await cw.put('/api/v1/forms/care_arrangements', def, { 'if-match': `"${g.json.version}"` }), 403, 'forbidden');
    expectError(await admin.put('/api/v1/forms/care_arrangements', def), 428);
    const p = await admin.put('/api/v1/forms/care_arrangements', def, { 'if-match': `"${g.json.version}"` });
    expectStatus(p, 200);
    assert.equal(p.json.version, g.json.version + 1);
    assert.equal(p.json.edited, true);
    // Stale: a second save against the old version.
    expectError(await admin.put('/api/v1/forms/care_arrangements', def, { 'if-match': `"${g.json.version}"` }), 412, 'version_mismatch');
    // The next request sees it: French label, and the server enforces the new condition.
    const f = await cw.get('/api/v1/forms?record_type=case&locale=fr');
    const care = f.json.forms.find((x) => x.id === 'care_arrangements');
    assert.equal(care.fields.find((x) => x.name === 'care_school_name').label, "Nom de l'école");
    expectError(await cw.post('/api/v1/cases', { data: { care_school_name: 'Ecole 4' } }), 422, 'validation_failed', 'care_school_name');
    const c = await createCase(cw, { care_in_school: 'yes', care_school_name: 'Ecole 4' });
    assert.equal(c.data.care_school_name, 'Ecole 4');
    // A new option in a lookup.
    const l = await admin.get('/api/v1/lookups/protection_concerns');
    expectStatus(l, 200);
    l.json.definition.values.push({ value: 'child_begging', labels: { en: 'Child begging', fr: 'Mendicité des enfants', es: 'Mendicidad infantil', ar: 'تسوّل الأطفال' } });
    expectStatus(await admin.put('/api/v1/lookups/protection_concerns', l.json.definition, { 'if-match': `"${l.json.version}"` }), 200);
    await createCase(cw, { protection_concerns: ['child_begging'] });
    expectStatus(await admin.get('/api/v1/lookups/countries'), 404, 'built-in lookups are not edited');
    // The changes are audited, naming the document.
    const { items } = await readAudit(admin, 'action=config.update');
    assert.ok(items.some((e) => e.record_ids && e.record_ids.includes('care_arrangements')));
  });

  it('a configuration that would not hold together is refused and changes nothing', async () => {
    const g = await admin.get('/api/v1/forms/closure');
    const def = structuredClone(g.json.definition);
    const etag = { 'if-match': `"${g.json.version}"` };
    def.fields.push({ name: 'sex', type: 'text', labels: { en: 'Sex', fr: 'Sexe', es: 'Sexo', ar: 'الجنس' } });
    expectError(await admin.put('/api/v1/forms/closure', def, etag), 422, 'validation_failed');
    const def2 = structuredClone(g.json.definition);
    def2.fields.push({ name: 'close_x', type: 'select', lookup: 'no_such_lookup', labels: { en: 'X', fr: 'X1', es: 'X2', ar: 'س' } });
    expectError(await admin.put('/api/v1/forms/closure', def2, etag), 422, 'validation_failed');
    const def3 = structuredClone(g.json.definition);
    def3.fields[0].show_if = { field: 'sex', op: 'between', value: 1 };
    expectError(await admin.put('/api/v1/forms/closure', def3, etag), 422, 'validation_failed');
    expectError(await admin.put('/api/v1/forms/closure', { ...g.json.definition, id: 'other' }, etag), 422, 'validation_failed', 'id');
    // What people read and what records store is checked too, naming the field at fault.
    const L = { en: 'X', fr: 'Xf', es: 'Xe', ar: 'س' };
    const broken = [
      [{ name: 'close_a', type: 'text' }, 'close_a'],                                      // no labels
      [{ name: 'close_b', type: 'text', labels: { fr: 'seulement' } }, 'close_b'],          // no English
      [{ name: 'close_c', type: 'text', labels: { en: 'C', de: 'C' } }, 'close_c'],         // unknown language
      [{ name: 'close_d', type: 'text', labels: L, help: 'plain' }, 'close_d'],             // help not per language
      [{ name: 'close_e', type: 'select', labels: L, options: [{ value: 'A B', labels: L }] }, 'close_e'],
      [{ name: 'close_f', type: 'select', labels: L, options: [{ value: 'a', labels: L }, { value: 'a', labels: L }] }, 'close_f'],
      [{ name: 'close_g', type: 'text', labels: L, show_if: { field: 'nope_field', op: 'eq', value: 1 } }, 'close_g'],
      [{ name: 'close_h', type: 'subform', labels: L, fields: [{ name: 'x', type: 'text', labels: L, show_if: { field: 'sex', op: 'eq', value: 'f' } }] }, 'close_h.x'],
      [{ name: 'close_i', type: 'text', labels: L, sensitive: ['supervsior'] }, 'close_i'],   // a role that does not exist
    ];
    for (const [field, name] of broken) {
      const d = structuredClone(g.json.definition);
      d.fields.push(field);
      const e = expectError(await admin.put('/api/v1/forms/closure', d, etag), 422, 'validation_failed');
      assert.equal(e.field, name, JSON.stringify(field));
      assert.ok(!e.message.startsWith(`${name}: ${name}:`), `one prefix: ${e.message}`);
    }
    const sub = structuredClone(g.json.definition);
    sub.fields.push({ name: 'close_rows', type: 'subform', labels: L, fields: [{ name: 'x', type: 'text', labels: L, sensitive: ['supervisor'] }] });
    expectError(await admin.put('/api/v1/forms/closure', sub, etag), 422, 'validation_failed');
    const lk = await admin.get('/api/v1/lookups/protection_concerns');
    const bad = structuredClone(lk.json.definition);
    bad.values.push({ value: 'Bad V', labels: { en: 'Bad' } });
    expectError(await admin.put('/api/v1/lookups/protection_concerns', bad, { 'if-match': `"${lk.json.version}"` }), 422, 'validation_failed');
    const again = await admin.get('/api/v1/forms/closure');
    assert.equal(again.json.version, g.json.version, 'nothing saved');
    // A workflow rule changed through the API applies at once too.
    const w = await admin.get('/api/v1/workflows/case');
    expectStatus(w, 200);
    const wf = w.json.definition;
    const close = wf.transitions.find((t) => t.to === 'closed');
    delete close.approval;
    delete close.requires_forms;
    expectStatus(await admin.put('/api/v1/workflows/case', wf, { 'if-match': `"${w.json.version}"` }), 200);
    const c = await createCase(cw, { name_first: 'Lina' });
    const t = await cw.post(`/api/v1/cases/${c.id}/transitions`, { to: 'closed' });
    expectStatus(t, 200, 'the new rule lets a caseworker close at registration without approval');
    assert.equal(t.json.stage, 'closed');
    assert.equal(t.json.status, 'closed');
  });

  it('locations are a hierarchy of p-coded areas in every language', async () => {
    const top = await cw.get('/api/v1/locations?locale=fr');
    expectStatus(top, 200);
    assert.equal(top.json.items.length, 1);
    const country = top.json.items[0];
    const regions = await cw.get(`/api/v1/locations?parent=${country.pcode}&locale=ar`);
    assert.ok(regions.json.items.length >= 2);
    assert.ok(/[\u0600-\u06FF]/.test(regions.json.items[0].name), 'Arabic names');
    const c = await createCase(cw, { location_area: regions.json.items[0].pcode });
    assert.equal(c.data.location_area, regions.json.items[0].pcode);
    expectError(await cw.get('/api/v1/locations?parent=%27x'), 422, 'validation_failed', 'parent');
    // One area with its ancestors, the country first: how a stored p-code is shown.
    const district = (await cw.get(`/api/v1/locations?parent=${regions.json.items[0].pcode}`)).json.items[0];
    const up = await cw.get(`/api/v1/locations?pcode=${district.pcode}&locale=es`);
    expectStatus(up, 200);
    assert.deepEqual(up.json.items.map((x) => x.pcode), [country.pcode, regions.json.items[0].pcode, district.pcode]);
    expectError(await cw.get('/api/v1/locations?pcode=XD9999'), 404, 'not_found');
  });
});

describe('attachments', { timeout: 60_000 }, () => {
  let h, cw, cw2, screener;
  const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6300010000050001' +
    '0d0a2db40000000049454e44ae426082', 'hex');
  before(async () => {
    ({ h } = await demoServer());
    cw = await signIn(h.url, 'caseworker');
    cw2 = await signIn(h.url, 'caseworker2');
    screener = await signIn(h.url, 'screener');
  });
  after(async () => { await h.cleanup(); });

  async function upload(c, id, body, type, field = 'document_copy') {
    const headers = { 'content-type': type, cookie: c.cookie, 'x-csrf-token': c.csrf };
    const r = await fetch(`${h.url}/api/v1/cases/${id}/attachments?field=${field}`, { method: 'POST', headers, body });
    return { status: r.status, json: await r.json().catch(() => null) };
  }

  it('a file is type-checked, stored outside the document, linked by its id and read back by who may', async () => {
    const c = await createCase(cw, { name_first: 'Rahel' });
    assert.equal((await upload(cw, c.id, PNG, 'image/jpeg')).status, 415, 'declared JPEG, bytes PNG');
    assert.equal((await upload(cw, c.id, Buffer.from('#!/bin/sh'), 'application/x-sh')).status, 415);
    assert.equal((await upload(cw, c.id, PNG, 'image/png', 'name_first')).status, 422, 'not an attachment field');
    assert.equal((await upload(cw2, c.id, PNG, 'image/png')).status, 404, 'another caseworker\'s case');
    assert.equal((await upload(cw, c.id, Buffer.alloc(2 * 1024 * 1024, 0x89), 'image/png')).status, 413);
    const up = await upload(cw, c.id, PNG, 'image/png');
    assert.equal(up.status, 201);
    assert.equal(up.json.size, PNG.length);
    assert.match(up.json.sha256, /^[0-9a-f]{64}$/);
    const other = await createCase(cw, { name_first: 'Abel' });
    expectError(await cw.patch(`/api/v1/cases/${other.id}`, { data: { document_copy: up.json.id } }, { 'if-match': `"${other.version}"` }),
      422, 'validation_failed', 'document_copy');
    const p = await cw.patch(`/api/v1/cases/${c.id}`, { data: { document_copy: up.json.id } }, { 'if-match': `"${c.version}"` });
    expectStatus(p, 200);
    const file = await fetch(`${h.url}/api/v1/attachments/${up.json.id}`, { headers: { cookie: cw.cookie } });
    assert.equal(file.status, 200);
    assert.equal(file.headers.get('content-type'), 'image/png');
    assert.match(file.headers.get('content-disposition'), /^attachment; filename="[0-9a-f-]+\.png"$/);
    assert.equal(file.headers.get('x-content-type-options'), 'nosniff');
    assert.deepEqual(Buffer.from(await file.arrayBuffer()), PNG);
    for (const c2 of [cw2, screener]) {
      const denied = await fetch(`${h.url}/api/v1/attachments/${up.json.id}`, { headers: { cookie: c2.cookie } });
      assert.equal(denied.status, 404);
    }
  });
});

describe('error messages in the reader\'s language', { timeout: 60_000 }, () => {
  let h, admin, dss;
  before(async () => { ({ h, admin, dss } = await demoServer()); });
  after(async () => { await h.cleanup(); });

  it('a French-speaking caseworker reads validation errors in French; before sign-in, Accept-Language decides', async () => {
    const fr = await userClient(h.url, admin, { role: 'caseworker', agency_id: dss.id, locale: 'fr' });
    const e = expectError(await fr.post('/api/v1/cases', { data: { sex: 'girl' } }), 422, 'validation_failed', 'sex');
    assert.equal(e.field, 'sex');
    assert.ok(!/is not one of the options/.test(e.message), e.message);
    assert.match(e.message, /^sex: /);
    const ar = await userClient(h.url, admin, { role: 'caseworker', agency_id: dss.id, locale: 'ar' });
    const e2 = expectError(await ar.post('/api/v1/cases', { data: { sex: 'girl' } }), 422);
    assert.match(e2.message, /[\u0600-\u06FF]/, 'Arabic');
    const other = await fr.get('/api/v1/cases/00000000-0000-4000-8000-000000000000');
    expectError(other, 404, 'not_found');
    assert.match(other.json.error.message, /dossier/, 'in French, the record named in French too');
    const ca = await userClient(h.url, admin, { role: 'caseworker', agency_id: dss.id, locale: 'fr-CA' });
    const e3 = expectError(await ca.post('/api/v1/cases', { data: { sex: 'girl' } }), 422);
    assert.equal(e3.message, e.message, 'fr-CA reads French');
    const anon = await fetch(`${h.url}/api/v1/cases`, { headers: { 'accept-language': 'es-ES,es;q=0.9' } });
    const body = await anon.json();
    assert.equal(anon.status, 401);
    assert.equal(body.error.code, 'unauthenticated');
    assert.notEqual(body.error.message, 'sign in to continue', 'Spanish before sign-in');
    const en = await (await fetch(`${h.url}/api/v1/cases`)).json();
    assert.equal(en.error.message, 'sign in to continue');
  });
});
