// Screening: a tool as configuration, assent before any question, an explained result that
// can create a case or attach to one, and who may read it afterwards.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { signIn } from '../lib/haven.mjs';
import { demoServer, createCase, expectStatus, expectError } from './fixtures.mjs';

const table = JSON.parse(readFileSync(new URL('../data/screening_tool.json', import.meta.url), 'utf8'));
const ASSENT = { given_by: 'child', method: 'verbal', given: true };

describe('screening', { timeout: 60_000 }, () => {
  let h, admin, cw, cw2, screener, analyst;
  before(async () => {
    ({ h, admin } = await demoServer());
    cw = await signIn(h.url, 'caseworker');
    cw2 = await signIn(h.url, 'caseworker2');
    screener = await signIn(h.url, 'screener');
    analyst = await signIn(h.url, 'analyst');
    const tool = structuredClone(table.tool);
    // Every text in four languages, as the configuration requires.
    const four = (v) => {
      if (Array.isArray(v)) v.forEach(four);
      else if (v && typeof v === 'object') {
        for (const [k, x] of Object.entries(v)) {
          if (k === 'labels') v[k] = { en: x.en, fr: `${x.en} (fr)`, es: `${x.en} (es)`, ar: `${x.en} (ar)` };
          else four(x);
        }
      }
    };
    four(tool);
    expectError(await cw.post('/api/v1/screening/tools', tool), 403, 'forbidden');
    expectStatus(await admin.post('/api/v1/screening/tools', tool), 201, 'create the test tool');
  });
  after(async () => { await h.cleanup(); });

  it('the tools are listed in the asked language', async () => {
    const r = await screener.get('/api/v1/screening/tools?locale=fr');
    expectStatus(r, 200);
    const t = r.json.tools.find((x) => x.id === 'test_child');
    assert.ok(t);
    assert.equal(t.questions[0].label, 'Promised a different job? (fr)');
    assert.equal(t.version, 1);
  });

  it('every answer set of the table gives its result through the API, with its reasons', async () => {
    for (const c of table.cases) {
      const r = await screener.post('/api/v1/screenings', { tool: 'test_child', answers: c.answers, assent: ASSENT });
      expectStatus(r, 201, c.name);
      assert.equal(r.json.result, c.result, c.name);
      assert.equal(r.json.risk_level, c.risk_level, c.name);
      assert.equal(r.json.immediate_danger, c.immediate_danger, c.name);
      assert.deepEqual(r.json.suggested_services, c.services, c.name);
      if (c.rule) assert.ok(r.json.reasons.some((x) => x.rule === c.rule), c.name);
      for (const x of r.json.reasons.filter((y) => y.indicator)) assert.ok(x.dimension && x.strength, 'each reason names its dimension and strength');
    }
  });

  it('no screening without recorded assent or consent; bad answers and tools are named', async () => {
    const base = { tool: 'test_child', answers: { q_promise: 'yes' } };
    expectError(await screener.post('/api/v1/screenings', base), 422, 'validation_failed', 'assent');
    expectError(await screener.post('/api/v1/screenings', { ...base, assent: { ...ASSENT, given: false } }), 422, 'validation_failed', 'assent');
    expectError(await screener.post('/api/v1/screenings', { ...base, assent: { given: true } }), 422, 'validation_failed', 'assent');
    expectError(await screener.post('/api/v1/screenings', { ...base, assent: ASSENT, answers: { q_nope: 'yes' } }), 422, 'validation_failed', 'q_nope');
    expectError(await screener.post('/api/v1/screenings', { ...base, assent: ASSENT, answers: { q_pay: 'yes' } }), 422, 'validation_failed', 'q_pay');
    expectError(await screener.post('/api/v1/screenings', { ...base, assent: ASSENT, tool: 'nope' }), 422, 'validation_failed', 'tool');
    expectError(await analyst.post('/api/v1/screenings', { ...base, assent: ASSENT }), 403, 'forbidden');
  });

  it('a screening creates the case, or attaches to one the user may update; the case lists it', async () => {
    const made = await screener.post('/api/v1/screenings', { tool: 'test_child', answers: { q_promise: 'yes', q_pay: 'unpaid' },
      assent: { given_by: 'caregiver', method: 'written', given: true }, case: { data: { name_first: 'Sami', sex: 'male' } } });
    expectStatus(made, 201);
    assert.match(made.json.case.display_id, /^DSS-/);
    const kase = await screener.get(`/api/v1/cases/${made.json.case.id}`);
    expectStatus(kase, 200);
    assert.equal(kase.json.data.name_first, 'Sami');
    expectError(await screener.post('/api/v1/screenings', { tool: 'test_child', answers: {}, assent: ASSENT,
      case: { data: { sex: 'boy' } } }), 422, 'validation_failed', 'sex');
    const c = await createCase(cw, { name_first: 'Lina' });
    const att = await cw.post('/api/v1/screenings', { tool: 'test_child', answers: { q_hurt: 'yes' }, assent: ASSENT, case_id: c.id });
    expectStatus(att, 201);
    assert.equal(att.json.case.id, c.id);
    assert.equal(att.json.immediate_danger, true);
    expectError(await cw2.post('/api/v1/screenings', { tool: 'test_child', answers: {}, assent: ASSENT, case_id: c.id }), 404, 'not_found');
    const list = await cw.get(`/api/v1/cases/${c.id}/screenings`);
    expectStatus(list, 200);
    assert.deepEqual(list.json.items.map((x) => x.id), [att.json.id]);
    const hist = await cw.get(`/api/v1/cases/${c.id}/history`);
    assert.ok(hist.json.items.some((x) => x.action === 'screening'));
    // Who may read a screening: its author, and those who may read its case.
    expectStatus(await cw.get(`/api/v1/screenings/${att.json.id}`), 200);
    expectError(await cw2.get(`/api/v1/screenings/${att.json.id}`), 404, 'not_found');
    const loose = await screener.post('/api/v1/screenings', { tool: 'test_child', answers: {}, assent: ASSENT });
    expectStatus(await screener.get(`/api/v1/screenings/${loose.json.id}`), 200);
    expectError(await cw.get(`/api/v1/screenings/${loose.json.id}`), 404, 'not_found');
  });
});
