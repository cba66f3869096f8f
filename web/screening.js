// screening.js: screening a child for trafficking on a phone (#/screening, #/screening?case=id).
// The steps: choose a tool; record the child's assent or a caregiver's consent (or a
// best-interests decision) before any question is shown; one question at a time, read aloud;
// keep the screening with a case (the one it was started from, a new one, or none); then the
// explained result: immediate danger first, the result and risk in plain words, every present
// indicator and red flag so a person can check it, and what to do next. The answers live in
// this module's memory only — never in the URL or in storage — and are dropped once submitted.
import { h, add, clear, nextId } from './dom.js';
import { t, lang } from './i18n.js';
import { get, post } from './api.js';
import { state, navigate, caseHeaders } from './state.js';
import { field, onSubmit, clearErrors, fieldError, formError, announce, pageTitle, errorText, button } from './ui.js';
import { loadSchema } from './schema.js';
import { serviceLabel } from './referrals.js';

const DEFAULT_TOOL = 'child_frontline';
const UUID_RE = /^[0-9a-fA-F-]{36}$/;
const YES_NO = ['yes', 'no', 'unknown'];

export const mayScreen = () => !!state.user && ['screener', 'caseworker', 'supervisor'].includes(state.user.role);

// The screening being worked on in this tab: {user, caseId, toolId, assent, answers, i, step,
// choice, newCase, result}. step: tool | assent | question | case | result.
let S = null;

function fresh(caseId) {
  return {
    user: state.user.id, caseId, toolId: null, assent: null, answers: {}, i: 0, step: 'tool',
    choice: caseId ? 'attach' : 'none', newCase: { name_first: '', sex: '' }, result: null,
  };
}

// Leaving the screen forgets a result that was shown; an unfinished screening waits for the
// screener to come back (or to start again).
window.addEventListener('hashchange', () => {
  if (S && S.step === 'result' && !location.hash.startsWith('#/screening')) S = null;
});

// #/cases/{id}: a "Screen this child" link beside Edit, when the user may update the case (a
// screening attaches only to such a case) and may screen.
export function screenLink(el, id) {
  if (!mayScreen()) return;
  const edit = el.querySelector(`.actions a[href="#/cases/${id}/edit"]`);
  if (edit) edit.after(h('a', { href: `#/screening?case=${id}`, class: 'btn btn-secondary' }, t('screening.screen_child')));
}

export async function screening(el, query) {
  if (!mayScreen()) {
    el.append(pageTitle(t('screening.title')), h('div', { class: 'notice notice-error', role: 'alert' }, t('error.forbidden')));
    return;
  }
  const param = query.get('case');
  const caseId = param && UUID_RE.test(param) ? param.toLowerCase() : null;
  if (!S || S.user !== state.user.id || S.caseId !== caseId) S = fresh(caseId);
  const [tr, cr] = await Promise.all([
    get(`/api/v1/screening/tools?locale=${encodeURIComponent(lang())}`),
    caseId ? get(`/api/v1/cases/${caseId}`, { headers: caseHeaders(caseId) }) : null,
  ]);
  const ctx = { el, tools: tr.json.tools || [], kase: cr ? cr.json : null, schema: null };
  if (S.step === 'case' && !ctx.schema) ctx.schema = await loadSchema('case');
  await draw(ctx, false);
}

function tool(ctx) { return ctx.tools.find((x) => x.id === S.toolId) || null; }

// Draws the current step; focus goes to its heading once the page is up (the router focuses
// the heading of a new page itself).
async function draw(ctx, focus = true) {
  const { el } = ctx;
  if (S.step !== 'tool' && S.step !== 'result' && !tool(ctx)) S.step = 'tool';
  if (S.step === 'case' && !ctx.schema) ctx.schema = await loadSchema('case');
  clear(el);
  el.classList.add('screen');
  ({ tool: drawTool, assent: drawAssent, question: drawQuestion, case: drawCase, result: drawResult })[S.step](ctx);
  if (focus) {
    const h1 = el.querySelector('h1');
    if (h1) h1.focus();
    window.scrollTo(0, 0);
  }
}

function go(ctx, step) {
  S.step = step;
  draw(ctx);
}

function restartButton(ctx) {
  return button(t('screening.restart'), () => {
    if (Object.keys(S.answers).length && !window.confirm(t('screening.restart_confirm'))) return;
    S = fresh(S.caseId);
    draw(ctx);
  }, 'btn btn-link screen-restart');
}

// A fieldset of radio buttons, each a large row: items [{value, label, hint}].
function radios(name, legend, items, value) {
  const errId = nextId(`${name}-err`);
  const set = h('fieldset', { class: 'choices', 'aria-describedby': errId }, h('legend', null, legend),
    items.map((it) => {
      const id = nextId(`${name}-${it.value}`);
      const hintId = it.hint ? `${id}-hint` : null;
      return h('div', { class: 'choice' },
        h('input', { type: 'radio', id, name, value: it.value, checked: it.value === value, 'aria-describedby': hintId }),
        h('label', { for: id }, it.label, it.hint ? h('span', { id: hintId, class: 'hint' }, it.hint) : null));
    }),
    h('p', { id: errId, class: 'field-error', hidden: true }));
  set.dataset.field = name;
  set.control = set.querySelector('input');
  return set;
}

const radioValue = (form, name) => {
  const x = form.querySelector(`input[name="${name}"]:checked`);
  return x ? x.value : '';
};

/* ---------- 1. the tool ---------- */

function drawTool(ctx) {
  const { el, tools } = ctx;
  el.append(pageTitle(t('screening.title')), h('p', null, t('screening.intro')));
  if (ctx.kase) el.append(h('p', { class: 'notice notice-quiet' }, t('screening.for_case', { id: ctx.kase.display_id })));
  if (!tools.length) { el.append(h('p', { class: 'empty' }, t('screening.no_tools'))); return; }
  const item = (x) => ({ value: x.id, label: x.label || x.id, hint: x.help });
  const screens = tools.filter((x) => x.kind !== 'risk');
  const risks = tools.filter((x) => x.kind === 'risk');
  const chosen = S.toolId || (tools.some((x) => x.id === DEFAULT_TOOL) ? DEFAULT_TOOL : (screens[0] || tools[0]).id);
  const form = h('form', { class: 'form', novalidate: true },
    screens.length ? radios('tool', t('screening.tools'), screens.map(item), chosen) : null,
    risks.length ? radios('tool', t('screening.risk_tools'), risks.map(item), chosen) : null,
    h('div', { class: 'actions screen-nav' }, h('button', { type: 'submit', class: 'btn' }, t('screening.start'))));
  onSubmit(form, () => {
    const id = radioValue(form, 'tool');
    if (!id) return;
    if (id !== S.toolId) { S.answers = {}; S.i = 0; }
    S.toolId = id;
    go(ctx, 'assent');
  });
  el.append(form);
}

/* ---------- 2. assent or consent, before any question ---------- */

function drawAssent(ctx) {
  const { el } = ctx;
  const a = S.assent || {};
  el.append(pageTitle(t('screening.assent_title')),
    h('p', { class: 'muted' }, tool(ctx).label),
    h('p', null, t('screening.assent_explain')));
  const note = field({ name: 'note', label: t('screening.assent_note'), type: 'textarea', rows: 3, maxlength: 500, value: a.note || '', hint: t('screening.assent_note_hint') });
  const given = field({ name: 'given', label: t('screening.assent_given'), type: 'checkbox', value: a.given === true });
  given.classList.add('choice-given');
  const form = h('form', { class: 'form', novalidate: true },
    radios('given_by', t('screening.assent_by'), ['child', 'caregiver', 'best_interests'].map((v) => ({
      value: v, label: t(`screening.assent_by.${v}`), hint: t(`screening.assent_by_hint.${v}`),
    })), a.given_by),
    radios('method', t('screening.assent_method'), ['verbal', 'written'].map((v) => ({ value: v, label: t(`screening.assent_method.${v}`) })), a.method),
    given, note,
    h('div', { class: 'actions screen-nav' },
      h('button', { type: 'submit', class: 'btn' }, t('screening.continue')),
      button(t('screening.back'), () => go(ctx, 'tool'), 'btn btn-secondary')));
  if (S.assentError) { formError(form, S.assentError); S.assentError = null; }
  form.addEventListener('change', (e) => {
    const wrap = e.target.closest('[data-field]');
    const err = wrap && (wrap.errorSlot || wrap.querySelector('.field-error'));
    if (err && !err.hidden) { err.hidden = true; err.textContent = ''; wrap.control.removeAttribute('aria-invalid'); }
  });
  onSubmit(form, () => {
    clearErrors(form);
    const by = radioValue(form, 'given_by');
    const method = radioValue(form, 'method');
    const ok = form.elements.given.checked;
    const bad = [];
    if (!by) bad.push(fieldError(form, 'given_by', t('screening.assent_by_missing')));
    if (!method) bad.push(fieldError(form, 'method', t('screening.assent_method_missing')));
    if (!ok) bad.push(fieldError(form, 'given', t('screening.assent_given_missing')));
    if (bad.length) {
      bad[0].control.focus();
      announce(t('screening.assent_incomplete'));
      return;
    }
    S.assent = { given_by: by, method, given: true };
    const text = form.elements.note.value.trim();
    if (text) S.assent.note = text;
    S.i = 0;
    go(ctx, 'question');
  });
  el.append(form);
}

/* ---------- 3. one question at a time ---------- */

function drawQuestion(ctx) {
  const { el } = ctx;
  const tl = tool(ctx);
  const qs = tl.questions || [];
  if (!S.assent) { go(ctx, 'assent'); return; }
  if (!qs.length) { go(ctx, 'case'); return; }
  S.i = Math.min(Math.max(S.i, 0), qs.length - 1);
  const q = qs[S.i];
  document.title = `${t('screening.title')} — ${t('app.name')}`;
  const progId = nextId('q-progress');
  const qId = nextId('q-text');
  const current = S.answers[q.id];
  const options = q.options && q.options.length
    ? q.options.map((o) => [o.value, o.label || o.value])
    : YES_NO.map((v) => [v, t(`screening.answer.${v}`)]);
  const next = () => {
    if (S.i + 1 < qs.length) { S.i += 1; draw(ctx); } else go(ctx, 'case');
  };
  add(el, [
    h('p', { id: progId, class: 'screen-progress' }, t('screening.progress', { n: S.i + 1, total: qs.length }),
      h('progress', { max: qs.length, value: S.i + 1, 'aria-hidden': 'true' })),
    h('h1', { id: qId, tabindex: '-1', class: 'page-title screen-question', 'aria-describedby': progId }, q.label || q.id),
    q.help ? h('div', { class: 'screen-help' }, h('p', { class: 'screen-help-title' }, t('screening.help_title')), h('p', null, q.help)) : null,
    h('div', { class: 'screen-answers', role: 'group', 'aria-labelledby': qId },
      options.map(([value, label]) => h('button', {
        type: 'button', class: value === current ? 'btn screen-answer' : 'btn btn-secondary screen-answer',
        'aria-pressed': value === current ? 'true' : 'false', 'data-value': value,
        onclick: () => { S.answers[q.id] = value; next(); },
      }, label))),
    h('div', { class: 'screen-nav screen-nav-row' },
      button(t('screening.back'), () => {
        if (S.i > 0) { S.i -= 1; draw(ctx); } else go(ctx, 'assent');
      }, 'btn btn-secondary'),
      button(t('screening.skip'), () => { delete S.answers[q.id]; next(); }, 'btn btn-secondary')),
    restartButton(ctx)]);
}

/* ---------- 4. the case, then submit ---------- */

function drawCase(ctx) {
  const { el, schema } = ctx;
  const tl = tool(ctx);
  if (!S.assent) { go(ctx, 'assent'); return; }
  const total = (tl.questions || []).length;
  const answered = Object.keys(S.answers).length;
  el.append(pageTitle(t('screening.case_title')),
    h('p', null, t('screening.answered', { n: answered, total })));
  const choices = [];
  if (S.caseId) choices.push({ value: 'attach', label: t('screening.case_attach', { id: ctx.kase ? ctx.kase.display_id : '' }) });
  choices.push({ value: 'new', label: t('screening.case_new'), hint: t('screening.case_new_hint') },
    { value: 'none', label: t('screening.case_none') });
  const sexField = schema.field('sex');
  const nameF = field({ name: 'name_first', label: schema.field('name_first') ? schema.label('name_first') : t('screening.first_name'),
    value: S.newCase.name_first, autocomplete: 'off', dir: 'auto', spellcheck: 'false' });
  const sexF = field({ name: 'sex', label: sexField ? sexField.label : t('screening.sex'), type: 'select',
    options: sexField ? schema.options(sexField).map((o) => [o.value, o.label]) : [], value: S.newCase.sex });
  const newBox = h('div', { class: 'screen-newcase', hidden: S.choice !== 'new' }, nameF, sexF);
  const set = radios('choice', t('screening.case_question'), choices, S.choice);
  const form = h('form', { class: 'form', novalidate: true }, set, newBox,
    h('div', { class: 'actions screen-nav' },
      h('button', { type: 'submit', class: 'btn' }, t('screening.submit')),
      button(t('screening.back'), () => { S.i = Math.max(0, total - 1); go(ctx, total ? 'question' : 'assent'); }, 'btn btn-secondary')),
    restartButton(ctx));
  const keep = () => {
    S.choice = radioValue(form, 'choice') || 'none';
    S.newCase = { name_first: form.elements.name_first.value, sex: form.elements.sex.value };
    newBox.hidden = S.choice !== 'new';
  };
  form.addEventListener('change', keep);
  form.addEventListener('input', keep);
  onSubmit(form, async () => {
    clearErrors(form);
    keep();
    const body = { tool: S.toolId, answers: { ...S.answers }, assent: S.assent };
    if (S.choice === 'attach' && S.caseId) body.case_id = S.caseId;
    if (S.choice === 'new') {
      const data = {};
      if (S.newCase.name_first.trim()) data.name_first = S.newCase.name_first.trim();
      if (S.newCase.sex) data.sex = S.newCase.sex;
      body.case = { data };
    }
    let r;
    try {
      r = await post('/api/v1/screenings', body, { headers: body.case_id ? caseHeaders(body.case_id) : {} });
    } catch (err) {
      if (err.status === 422 && err.field === 'assent') {
        S.assentError = errorText(err);
        go(ctx, 'assent');
        return;
      }
      const msg = errorText(err);
      const wrap = err.field && fieldError(form, err.field, err.field && msg.startsWith(`${err.field}: `) ? msg.slice(err.field.length + 2) : msg);
      if (wrap) { wrap.control.focus(); announce(msg); return; }
      formError(form, msg).focus();
      return;
    }
    // Submitted: the answers and the assent are no longer held; only the result is shown.
    S.result = { ...r.json, answered, total };
    S.answers = {};
    S.assent = null;
    announce(t('screening.saved'));
    go(ctx, 'result');
  });
  el.append(form);
}

/* ---------- 5. the result ---------- */

function drawResult(ctx) {
  const { el } = ctx;
  const res = S.result;
  const tl = ctx.tools.find((x) => x.id === res.tool) || { dimensions: [], indicators: [], red_flags: [] };
  const byId = (list, id) => (list || []).find((x) => x.id === id);
  const label = (list, id) => { const x = byId(list, id); return (x && x.label) || id; };
  el.append(pageTitle(t('screening.result_title')));

  const flags = (res.reasons || []).filter((x) => x.red_flag);
  if (res.immediate_danger) {
    el.append(h('section', { class: 'screen-danger', 'aria-labelledby': 'danger-h' },
      h('h2', { id: 'danger-h' }, t('screening.danger_title')),
      h('ol', null, ['call', 'safe', 'confront', 'stay'].map((k) => h('li', null, t(`screening.danger.${k}`)))),
      flags.length ? [h('p', { class: 'screen-danger-flags' }, t('screening.danger_flags')),
        h('ul', null, flags.map((x) => h('li', null, label(tl.red_flags, x.red_flag))))] : null));
  }

  el.append(h('section', { class: `panel screen-outcome outcome-${res.result}`, 'aria-labelledby': 'outcome-h' },
    h('h2', { id: 'outcome-h', class: 'visually-hidden' }, t('screening.outcome')),
    h('p', { class: 'screen-outcome-text' }, t(`screening.result.${res.result}`)),
    h('p', null, t(`screening.result_explain.${res.result}`)),
    h('p', { class: 'screen-risk' }, t('screening.risk_level'), ' ',
      h('span', { class: `badge risk-${res.risk_level}` }, t(`screening.risk.${res.risk_level}`))),
    res.total ? h('p', { class: 'muted' }, t('screening.answered', { n: res.answered, total: res.total })) : null));

  // Why: the present indicators by dimension, in the tool's order, then the red flags.
  const inds = (res.reasons || []).filter((x) => x.indicator);
  const dims = [...new Set([...(tl.dimensions || []).map((d) => d.id), ...inds.map((x) => x.dimension)])]
    .filter((d) => inds.some((x) => x.dimension === d));
  const why = h('section', { class: 'panel', 'aria-labelledby': 'why-h' }, h('h2', { id: 'why-h' }, t('screening.why')));
  if (!inds.length && !flags.length) why.append(h('p', null, t('screening.no_reasons')));
  for (const d of dims) {
    const rows = inds.filter((x) => x.dimension === d);
    const positive = rows.some((x) => x.dimension_positive);
    why.append(h('div', { class: 'screen-dimension' },
      h('h3', null, label(tl.dimensions, d)),
      h('p', { class: positive ? 'screen-met' : 'muted' }, t(positive ? 'screening.dimension_met' : 'screening.dimension_not_met')),
      h('ul', null, rows.map((x) => h('li', null, label(tl.indicators, x.indicator), ' ',
        h('span', { class: `badge strength strength-${x.strength}` }, t(`screening.strength.${x.strength}`)))))));
  }
  if (flags.length) {
    why.append(h('div', { class: 'screen-dimension' }, h('h3', null, t('screening.red_flags')),
      h('ul', null, flags.map((x) => h('li', null, label(tl.red_flags, x.red_flag))))));
  }
  el.append(why);

  const services = res.suggested_services || [];
  el.append(h('section', { class: 'panel', 'aria-labelledby': 'next-h' },
    h('h2', { id: 'next-h' }, t('screening.next')),
    services.length
      ? [h('p', null, t('screening.services')), h('ul', { class: 'screen-services' },
        services.map((s) => h('li', null, serviceLabel(s))))]
      : h('p', null, t('screening.no_services')),
    res.case
      ? h('p', null, h('a', { href: `#/cases/${res.case.id}`, class: 'btn' }, t('screening.open_case', { id: res.case.display_id })))
      : h('p', { class: 'muted' }, t('screening.no_case'))));

  el.append(h('div', { class: 'notice notice-quiet screen-notes' },
    (tl.population || 'child') === 'child' ? h('p', null, t('screening.note_means')) : null,
    h('p', null, t('screening.note_age'))));
  el.append(h('div', { class: 'actions screen-nav' }, button(t('screening.new'), () => {
    S = fresh(null);
    navigate('#/screening');
  }, 'btn btn-secondary')));
}
