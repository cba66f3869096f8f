// POST /api/v1/cases/search: Unicode folding (NFC/NFD, accents, case, Arabic vowel marks), Khmer and
// Amharic substrings, short-query prefixes, display ids, filters — and names kept out of URLs and logs.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHaven } from '../lib/haven.mjs';
import {
  adminClient, createAgency, createCase, expectStatus, search, userClient, show,
} from './fixtures.mjs';

// Synthetic children, each in a different script or normalisation form.
const PEOPLE = {
  elodieNFC: { name_first: '\u00C9lodie', name_last: 'Beaumont', risk_level: 'low' },
  elodiePlain: { name_first: 'Elodie', name_last: 'Marchand', risk_level: 'medium' },
  reneeNFD: { name_first: 'Rene\u0301e', name_last: 'Lefe\u0300vre', risk_level: 'low' },
  oleg: { name_first: 'Олег', name_last: 'Светлов', risk_level: 'high' },
  mohammed: { name_first: 'مُحَمَّد', name_last: 'الحَسَن', risk_level: 'medium' },
  fatima: { name_first: 'فاطمة', name_last: 'الزهراء', risk_level: 'low' },
  khmer: { name_first: 'សុភមង្គល', name_last: 'ចាន់', risk_level: 'medium' },
  amharic: { name_first: 'ተስፋዬ', name_last: 'ገብረመድህን', risk_level: 'high' },
  zoe: { name_first: 'Zoë', name_last: 'Nguyễn', risk_level: 'high' },
  obrien: { name_first: 'Marie-Claire', name_last: 'O\u2019Brien', risk_level: 'low' },
};

describe('search', { timeout: 120_000 }, () => {
  let h, admin, cw, other, ids = {}, cases = {};
  before(async () => {
    h = await startHaven();
    admin = await adminClient(h.url);
    const ag = await createAgency(admin, { name: 'Search Test Agency', type: 'social_services', code: 'SRC' });
    const ag2 = await createAgency(admin, { name: 'Другая организация', type: 'ngo', code: 'OTH' });
    cw = await userClient(h.url, admin, { role: 'caseworker', agency_id: ag.id });
    other = await userClient(h.url, admin, { role: 'caseworker', agency_id: ag2.id });
    for (const [k, data] of Object.entries(PEOPLE)) {
      cases[k] = await createCase(cw, data);
      ids[k] = cases[k].id;
    }
  });
  after(async () => { await h?.cleanup(); });

  async function expectFinds(q, keys, extra) {
    const r = await search(cw, q, extra);
    const got = r.items.map((x) => x.id).sort();
    const want = keys.map((k) => ids[k]).sort();
    const names = (list) => list.map((id) => Object.keys(ids).find((k) => ids[k] === id) || id);
    assert.deepEqual(names(got), names(want), `search ${JSON.stringify(q)} (${[...q].map((ch) => ch.codePointAt(0).toString(16)).join(' ')})`);
    assert.equal(r.total, keys.length, `total for ${JSON.stringify(q)}`);
    return r;
  }

  it('answers a page of case summaries', async () => {
    const r = await expectFinds('Beaumont', ['elodieNFC']);
    assert.equal(r.page, 1);
    assert.equal(r.per, 100);
    const s = r.items[0];
    assert.equal(s.display_id, cases.elodieNFC.display_id);
    assert.equal(s.data.name_first.normalize('NFC'), 'Élodie');
    assert.equal(s.data.risk_level, 'low');
    assert.ok(!('location_current' in s.data));
  });

  it('apostrophes and hyphens: found with or without them, and word prefixes start after them', async () => {
    await expectFinds('obrien', ['obrien']);
    await expectFinds('o brien', ['obrien']);
    await expectFinds('O\u2019Brien', ['obrien']);
    await expectFinds('cl', ['obrien']);
    await expectFinds('marie-cl', ['obrien']);
  });

  it('NFC and NFD forms find each other', async () => {
    await expectFinds('E\u0301lodie', ['elodieNFC', 'elodiePlain']); // NFD query, NFC stored
    await expectFinds('Ren\u00E9e', ['reneeNFD']); // NFC query, NFD stored
    await expectFinds('Lef\u00E8vre', ['reneeNFD']);
  });

  it('accents and case are ignored: é matches e, Ё/ё and upper/lower case', async () => {
    await expectFinds('elodie', ['elodieNFC', 'elodiePlain']);
    await expectFinds('ÉLODIE', ['elodieNFC', 'elodiePlain']);
    await expectFinds('renee', ['reneeNFD']);
    await expectFinds('lefevre', ['reneeNFD']);
    await expectFinds('zoe', ['zoe']);
    await expectFinds('NGUYEN', ['zoe']);
    await expectFinds('lodi', ['elodieNFC', 'elodiePlain']); // substring
  });

  it('Cyrillic is case-insensitive: ОЛЕГ and олег', async () => {
    await expectFinds('ОЛЕГ', ['oleg']);
    await expectFinds('олег', ['oleg']);
    await expectFinds('ветло', ['oleg']);
  });

  it('Arabic matches with and without vowel marks', async () => {
    await expectFinds('محمد', ['mohammed']); // stored with marks, searched without
    await expectFinds('مُحَمَّد', ['mohammed']);
    await expectFinds('حسن', ['mohammed']); // substring of الحَسَن
    await expectFinds('فَاطِمَة', ['fatima']); // stored without marks, searched with
    await expectFinds('فاطمة', ['fatima']);
  });

  it('Khmer and Amharic substrings', async () => {
    // "ភមង្គ" (U+1797 U+1798 U+1784 U+17D2 U+1782) is from the middle of "សុភមង្គល"
    const mid = 'សុភមង្គល'.slice(2, 7);
    assert.equal(mid, 'ភមង្គ');
    await expectFinds(mid, ['khmer']);
    await expectFinds('សុភមង្គល', ['khmer']);
    await expectFinds('ចាន់', ['khmer']);
    await expectFinds('ስፋዬ', ['amharic']); // end of ተስፋዬ
    await expectFinds('ብረመድ', ['amharic']); // middle of ገብረመድህን
  });

  it('one- and two-letter queries match name prefixes', async () => {
    await expectFinds('Ол', ['oleg']);
    await expectFinds('be', ['elodieNFC']); // Beaumont
    await expectFinds('él', ['elodieNFC', 'elodiePlain']);
    await expectFinds('Z', ['zoe']);
    await expectFinds('ተስ', ['amharic']);
  });

  it('finds a case by display id, in any case', async () => {
    const d = cases.oleg.display_id;
    await expectFinds(d, ['oleg']);
    await expectFinds(d.toLowerCase(), ['oleg']);
  });

  it('finds nothing for an absent name; filters narrow the result', async () => {
    await expectFinds('Qwxzvbn', []);
    await expectFinds('Олег', ['oleg'], { filters: { risk_level: 'high' } });
    await expectFinds('Олег', [], { filters: { risk_level: 'low' } });
    await expectFinds('elodie', ['elodiePlain'], { filters: { risk_level: 'medium' } });
    await expectFinds('elodie', ['elodieNFC', 'elodiePlain'], { filters: { status: 'open' } });
  });

  it('wildcards and query syntax in q are plain characters, never match-all or a server error', async () => {
    for (const q of ['%', '%%%', '_', '___', '*', '***', '"', 'a"b', 'NEAR(a b)', 'e OR o', "'; DROP TABLE records; --", '\\', '[a-z]']) {
      const r = await cw.post('/api/v1/cases/search', { q, per: 100 });
      expectStatus(r, 200, `q=${q}`);
      assert.equal(r.json.total, 0, `q=${JSON.stringify(q)} matched ${r.json.total} cases`);
    }
    await expectFinds('Олег', ['oleg']); // still there
  });

  it('pages through results', async () => {
    const a = await cw.post('/api/v1/cases/search', { q: 'elodie', per: 1, page: 1, sort: 'display_id' });
    const b = await cw.post('/api/v1/cases/search', { q: 'elodie', per: 1, page: 2, sort: 'display_id' });
    expectStatus(a, 200);
    expectStatus(b, 200);
    assert.equal(a.json.total, 2);
    assert.equal(a.json.items.length, 1);
    assert.equal(b.json.items.length, 1);
    assert.notEqual(a.json.items[0].id, b.json.items[0].id);
    assert.ok(a.json.items[0].display_id < b.json.items[0].display_id);
  });

  it('an edit is searchable at once, and the old name no longer finds the case', async () => {
    const c = await createCase(cw, { name_first: 'Гульнара', name_last: 'Исмаилова' });
    const r = await cw.patch(`/api/v1/cases/${c.id}`, { data: { name_last: 'Юсупова' } }, { 'if-match': `"${c.version}"` });
    expectStatus(r, 200);
    const a = await search(cw, 'юсупова');
    assert.ok(a.items.some((x) => x.id === c.id));
    const b = await search(cw, 'Исмаилова');
    assert.ok(!b.items.some((x) => x.id === c.id));
  });

  it('another agency\'s caseworker finds none of these', async () => {
    for (const q of ['Олег', 'محمد', 'elodie', cases.zoe.display_id]) {
      const r = await search(other, q);
      assert.equal(r.total, 0, `other agency found ${q}`);
      assert.equal(r.items.length, 0);
    }
  });

  it('names never travel in URLs: search is POST-only and the list ignores or refuses a name filter', async () => {
    const g = await cw.get(`/api/v1/cases/search?q=${encodeURIComponent('Олег')}`);
    assert.ok(g.status === 405 || g.status === 404, `GET search: ${show(g)}`);
    assert.ok(!g.text.includes(ids.oleg));
    const all = (await cw.get('/api/v1/cases?per=100')).json.total;
    for (const p of ['q', 'name', 'name_first']) {
      const r = await cw.get(`/api/v1/cases?${p}=${encodeURIComponent('Олег')}&per=100`);
      if (r.status === 200) assert.equal(r.json.total, all, `GET /cases?${p}= must not filter by name`);
      else assert.ok(r.status === 400 || r.status === 422, show(r));
    }
    const created = await cw.post('/api/v1/cases', { data: { name_first: 'Светлана' } });
    const loc = created.headers.get('location') || '';
    assert.ok(!decodeURIComponent(loc).includes('Светлана'), `Location: ${loc}`);
  });

  it('the server log holds no names or search terms', async () => {
    await search(cw, 'Олег');
    await new Promise((r) => setTimeout(r, 50));
    const log = h.log.normalize('NFC');
    for (const p of Object.values(PEOPLE)) {
      for (const n of [p.name_first, p.name_last]) assert.ok(!log.includes(n.normalize('NFC')), `log contains ${n}`);
    }
    for (const q of ['Qwxzvbn', 'Исмаилова', 'юсупова']) assert.ok(!log.includes(q), `log contains query ${q}`);
  });
});
