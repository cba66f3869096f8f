// matching.js: record linkage in the browser (docs/linkage.md, "In Haven"). The duplicate
// warning before a new case is saved; on a tracing request, the possible matches of each sought
// child; on a case, the tracing requests that may be looking for the child; and the review of
// one match (#/tracing_requests/{id}/match/{child}/{case}): both records side by side, why they
// may be the same child, and the decision (confirming starts the case's reunification tasks).
// Probabilities are said in words. The draft of a registration lives only in the form.
import { h, add, clear } from './dom.js';
import { t, lang, fmtDate, fmtList } from './i18n.js';
import { get, post } from './api.js';
import { state, caseHeaders } from './state.js';
import { field, onSubmit, clearErrors, formError, showApiError, announce, pageTitle, errorPanel, errorText, button } from './ui.js';
import { loadSchema } from './schema.js';
import { placeName } from './locations.js';
import { childName, recordView } from './records.js';

const VERY_LIKELY = 0.95;
const WORTH_A_WARNING = 0.5; // besides the server's "likely": a candidate shown before saving

/* ---------- words ---------- */

// How sure the engine is, in words: very likely (>= 0.95), likely (at or above the server's
// threshold), possible (below it).
function likelihood(x) {
  if (x.probability >= VERY_LIKELY) return 'very';
  return x.likely ? 'likely' : 'possible';
}

const percent = (p) => new Intl.NumberFormat(lang(), { style: 'percent', maximumFractionDigits: 1 }).format(p);

export function likelihoodBadge(x) {
  const k = likelihood(x);
  return h('span', { class: `badge match-${k}` }, t(`match.likelihood.${k}`));
}

export function decisionBadge(decision) {
  if (decision === 'confirmed') return h('span', { class: 'badge match-confirmed' }, t('match.decision.confirmed'));
  if (decision === 'rejected') return h('span', { class: 'badge match-rejected' }, t('match.decision.rejected'));
  return null;
}

// "first name", "mother's name" (config/link/haven.json) -> their words; an unknown one as it is.
const comparisonKey = (name) => `match.cmp.${String(name).toLowerCase().replace(/[^a-z]+/g, '_').replace(/^_|_$/g, '')}`;
function comparisonText(name) {
  const key = comparisonKey(name);
  const s = t(key);
  return s === key ? name : s;
}

// The level a comparison reached, in plain words; a label this UI does not know, as it is.
export function levelText(level) {
  const l = String(level || '');
  const simple = {
    exact: 'exact', missing: 'missing', else: 'else', nickname: 'nickname', phonetic: 'phonetic', skeleton: 'skeleton',
    'same consonants (any script)': 'skeleton', day_month_swapped: 'day_month', 'one digit off or two swapped': 'typo',
    'same region': 'region', 'the same year': 'same_year',
  };
  if (simple[l]) return t(`match.level.${simple[l]}`);
  if (/^swapped/.test(l)) return t('match.level.swapped');
  if (/^osa <= \d+$/.test(l)) return t('match.level.typo');
  let m = l.match(/^jaro_winkler >= ([\d.]+)$/);
  if (m) {
    const v = Number(m[1]);
    return t(v >= 0.9 ? 'match.level.spelling_near' : v >= 0.8 ? 'match.level.spelling_similar' : 'match.level.spelling_some');
  }
  const num = (n) => new Intl.NumberFormat(lang()).format(Number(n));
  m = l.match(/^years <= (\d+)$/);
  if (m) return m[1] === '0' ? t('match.level.same_year') : m[1] === '1' ? t('match.level.year') : t('match.level.years', { n: num(m[1]) });
  m = l.match(/^days <= (\d+)$/);
  if (m) return t('match.level.days', { n: num(m[1]) });
  return l;
}

// "first name: the same; last name: the same; sex: the same": the three parts that speak most
// for the match.
function whyText(explanation) {
  const parts = ((explanation && explanation.parts) || []).filter((p) => p.weight > 0).sort((a, b) => b.weight - a.weight).slice(0, 3);
  if (!parts.length) return '';
  const items = parts.map((p) => t('match.why_part', { what: comparisonText(p.comparison), level: levelText(p.level) }));
  return new Intl.ListFormat(lang(), { type: 'unit', style: 'long' }).format(items);
}

export const nameOf = (x) => {
  const n = x.name ? [x.name.first, x.name.last].filter(Boolean).join(' ') : '';
  return n || (x.name ? t('case.no_name') : t('case.name_hidden'));
};

const otherAgency = (a) => a && state.user && a.id !== state.user.agency_id;

// A candidate the reader may not read: the agency to contact, or "ask your supervisor". key:
// the words for a registration (match.contact), a sought child (match.contact_case: a case
// elsewhere) or a case (match.contact_request: a tracing request elsewhere).
function unreadable(x, key = 'match.contact') {
  if (x.ask_supervisor) return h('p', { class: 'match-unreadable' }, t('match.ask_supervisor'));
  if (x.contact) {
    const [before, after] = t(key, { agency: '\u0000' }).split('\u0000');
    return h('p', { class: 'match-unreadable' }, before, h('strong', null, h('bdi', null, x.contact.name)), after);
  }
  return null;
}

// Candidates the reader may not read say the same thing for every record of one agency (or
// "ask your supervisor"): the best of each is kept, in the order given (best first).
function collapse(items) {
  const seen = new Set();
  return items.filter((x) => {
    if (x.id) return true;
    const key = x.ask_supervisor ? 'ask' : x.contact ? `contact:${x.contact.id || x.contact.code || x.contact.name}` : 'other';
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/* ---------- the duplicate warning (new case form) ---------- */

const SIGNATURE_FIELDS = ['name_first', 'name_last', 'name_other', 'sex', 'date_of_birth', 'date_of_birth_estimated', 'age',
  'age_stated_on', 'location_area', 'fam_members'];
const signature = (data) => JSON.stringify(SIGNATURE_FIELDS.map((k) => (data ? data[k] : undefined) ?? null));
const accepted = new WeakMap(); // form -> the signature of the draft its author chose to save anyway

function dupCandidate(x) {
  const head = x.id
    ? h('p', { class: 'match-head' },
      h('a', { href: `#/cases/${x.id}`, target: '_blank', rel: 'noopener', class: 'case-link' },
        h('span', { class: 'display-id' }, x.display_id), ' ', h('bdi', null, nameOf(x)),
        h('span', { class: 'visually-hidden' }, ` ${t('match.new_tab')}`)),
      ' ', likelihoodBadge(x))
    : h('p', { class: 'match-head' }, likelihoodBadge(x));
  const why = x.id ? whyText(x.explanation) : '';
  return h('li', { class: 'match-item' }, head,
    x.id && otherAgency(x.agency) ? h('p', { class: 'muted match-agency' }, h('bdi', null, x.agency.name)) : null,
    why ? h('p', { class: 'match-why' }, h('span', { class: 'match-why-label' }, `${t('match.why')} `), why) : null,
    x.id ? null : unreadable(x));
}

// Before a new case is saved: the registered children the draft may be. Resolves true when the
// case may be saved now (no candidate worth a warning, or the person already chose to save this
// draft anyway); otherwise shows the warning above the form, whose "Save anyway" calls
// saveAnyway(), and resolves false.
export async function duplicateCheck({ data, form, saveAnyway }) {
  const old = document.getElementById('dup-warning');
  if (old) old.remove();
  const sig = signature(data);
  if (accepted.get(form) === sig) return true;
  let items = null;
  let failure = null;
  try {
    items = collapse(((await post('/api/v1/cases/duplicates', { data })).json.items || []).filter((x) => x.likely || x.probability >= WORTH_A_WARNING));
  } catch (err) {
    failure = err;
  }
  if (items && !items.length) return true;
  const goBack = () => {
    box.remove();
    const section = form.querySelector('.form-section:not([hidden]) h2') || form.querySelector('input, select, textarea');
    if (section) section.focus();
  };
  const heading = h('h2', { id: 'dup-warning-h', tabindex: '-1' }, failure ? t('dup.unchecked_title') : t('dup.title'));
  const box = h('section', { id: 'dup-warning', class: `panel dup-warning${failure ? ' dup-unchecked' : ''}`, 'aria-labelledby': 'dup-warning-h' },
    heading,
    failure
      ? [h('p', null, t('dup.unchecked', { reason: errorText(failure) })), h('p', null, t('dup.unchecked_next'))]
      : [h('p', null, t('dup.explain')), h('ul', { class: 'match-items' }, items.map(dupCandidate)),
        items.some((x) => x.id) ? h('p', { class: 'hint' }, t('dup.kept')) : null],
    h('div', { class: 'actions' },
      button(t('dup.save_anyway'), () => {
        accepted.set(form, sig);
        box.remove();
        saveAnyway();
      }),
      button(t('dup.go_back'), goBack, 'btn btn-secondary')));
  form.before(box);
  heading.focus();
  announce(failure ? t('dup.unchecked_title') : t('dup.announce', { n: items.length }));
  return false;
}

/* ---------- a tracing request: possible matches of each sought child ---------- */

const reviewHref = (requestId, child, caseId) => `#/tracing_requests/${requestId}/match/${child}/${caseId}`;
const soughtName = (c) => [c && c.name_first, c && c.name_last].filter(Boolean).join(' ') || t('tracing.unnamed');

function requestCandidate(rec, child, x) {
  if (!x.id) return h('li', { class: 'match-item' }, h('p', { class: 'match-head' }, likelihoodBadge(x)), unreadable(x, 'match.contact_case'));
  return h('li', { class: 'match-item' },
    h('div', { class: 'match-main' },
      h('p', { class: 'match-head' },
        h('a', { href: `#/cases/${x.id}`, class: 'case-link' }, h('span', { class: 'display-id' }, x.display_id), ' ', h('bdi', null, nameOf(x))),
        ' ', likelihoodBadge(x), ' ', decisionBadge(x.decision)),
      otherAgency(x.agency) ? h('p', { class: 'muted match-agency' }, h('bdi', null, x.agency.name)) : null,
      whyText(x.explanation) ? h('p', { class: 'match-why' }, h('span', { class: 'match-why-label' }, `${t('match.why')} `), whyText(x.explanation)) : null),
    h('div', { class: 'match-action' },
      h('a', { href: reviewHref(rec.id, child, x.id), class: 'btn btn-secondary btn-small' },
        t('match.review'), h('span', { class: 'visually-hidden' }, ` ${x.display_id}`))));
}

// Candidates worth showing at once: likely ones and those decided; the rest fold away.
const foremost = (x) => x.likely || x.probability >= WORTH_A_WARNING || !!x.decision;

function candidateList(items, render) {
  const first = collapse(items.filter(foremost));
  const rest = collapse(items.filter((x) => !foremost(x)));
  return [
    first.length ? h('ul', { class: 'match-items' }, first.map(render)) : h('p', { class: 'empty' }, t('match.none_likely')),
    rest.length ? h('details', { class: 'match-more' }, h('summary', null, t('match.less_likely', { n: new Intl.NumberFormat(lang()).format(rest.length) })),
      h('ul', { class: 'match-items' }, rest.map(render))) : null,
  ];
}

async function requestMatchesPanel(rec) {
  const sec = h('section', { class: 'panel matches', 'aria-labelledby': 'sec-matches' }, h('h2', { id: 'sec-matches' }, t('match.title')));
  const d = rec.data || {};
  const sought = Array.isArray(d.tr_children) ? d.tr_children : [];
  if (d.consent_for_tracing !== 'yes') {
    sec.append(h('p', { class: 'notice notice-quiet' }, t('match.request_no_consent')));
    return sec;
  }
  if (!sought.length) {
    sec.append(h('p', { class: 'empty' }, t('match.no_children')));
    return sec;
  }
  let children;
  try {
    children = (await get(`/api/v1/tracing_requests/${rec.id}/matches`, { headers: caseHeaders(rec.id) })).json.children || [];
  } catch (err) {
    sec.append(errorPanel(err));
    return sec;
  }
  sec.append(h('p', { class: 'hint' }, t('match.request_explain')));
  sought.forEach((c, i) => {
    const hid = `sec-matches-${i}`;
    const entry = children.find((x) => x.child === i);
    const items = entry ? entry.matches || [] : [];
    sec.append(h('section', { class: 'match-child', 'aria-labelledby': hid },
      h('h3', { id: hid }, h('bdi', null, soughtName(c))),
      candidateList(items, (x) => requestCandidate(rec, i, x))));
  });
  return sec;
}

// The tracing request page: the shared record view with its possible matches.
export const tracingRequestView = (el, query, id) => recordView(el, query, 'tracing_request', id, {
  panels: async (rec) => [await requestMatchesPanel(rec)],
});

/* ---------- a case: the tracing requests that may be looking for the child ---------- */

function caseCandidate(c, x) {
  if (!x.id) return h('li', { class: 'match-item' }, h('p', { class: 'match-head' }, likelihoodBadge(x)), unreadable(x, 'match.contact_request'));
  return h('li', { class: 'match-item' },
    h('div', { class: 'match-main' },
      h('p', { class: 'match-head' },
        h('a', { href: `#/tracing_requests/${x.id}`, class: 'case-link' }, h('span', { class: 'display-id' }, x.display_id)),
        ' ', likelihoodBadge(x), ' ', decisionBadge(x.decision)),
      h('p', { class: 'match-sought' }, t('match.seeks'), ' ', h('bdi', null, nameOf(x))),
      otherAgency(x.agency) ? h('p', { class: 'muted match-agency' }, h('bdi', null, x.agency.name)) : null),
    h('div', { class: 'match-action' },
      h('a', { href: reviewHref(x.id, x.child, c.id), class: 'btn btn-secondary btn-small' },
        t('match.review'), h('span', { class: 'visually-hidden' }, ` ${x.display_id}`))));
}

// The Tracing panel of a case page (for those who may read tracing requests).
export async function caseTracingPanel(c) {
  const sec = h('section', { class: 'panel matches', 'aria-labelledby': 'sec-tracing' }, h('h2', { id: 'sec-tracing' }, t('match.case_title')));
  let items;
  try {
    items = (await get(`/api/v1/cases/${c.id}/matches`, { headers: caseHeaders(c.id) })).json.items || [];
  } catch (err) {
    if (err.status === 409 && err.field === 'consent_for_tracing') {
      const toConsent = () => {
        const target = document.getElementById('sec-consent');
        if (!target) return;
        target.setAttribute('tabindex', '-1');
        target.scrollIntoView({ block: 'start' });
        target.focus();
      };
      sec.append(h('div', { class: 'notice notice-quiet' }, h('p', null, t('match.case_no_consent')),
        h('p', null, button(t('match.to_consent'), toConsent, 'btn btn-link'))));
    } else sec.append(errorPanel(err));
    return sec;
  }
  add(sec, [h('p', { class: 'hint' }, t('match.case_explain')), candidateList(items, (x) => caseCandidate(c, x))]);
  return sec;
}

/* ---------- the review of one match ---------- */

// A value of the comparison table: text in a bidi isolate, or a dash.
const cell = (v) => (v === '' || v === null || v === undefined ? h('span', { class: 'muted' }, '—') : typeof v === 'string' ? h('bdi', null, v) : v);

function optionText(schema, f, v) {
  return v && f ? schema.optionLabel(f, v) : v || '';
}

function birthText(d) {
  if (d.date_of_birth) return `${fmtDate(d.date_of_birth)}${d.date_of_birth_estimated ? ` (${t('case.estimated')})` : ''}`;
  if (d.age !== undefined && d.age !== null && d.age !== '') {
    const years = t('match.age_years', { n: new Intl.NumberFormat(lang()).format(d.age) });
    return d.age_stated_on ? t('match.age_stated', { age: years, date: fmtDate(d.age_stated_on) }) : years;
  }
  return '';
}

const parent = (d, rel) => {
  const m = (Array.isArray(d.fam_members) ? d.fam_members : []).find((x) => x && x.relationship === rel && x.name);
  return m ? m.name : '';
};

async function sideBySide(req, child, kase, trSchema, caseSchema) {
  const c = ((req.data || {}).tr_children || [])[child] || {};
  const d = kase.data || {};
  const sub = trSchema.field('tr_children');
  const subField = (name) => (sub && (sub.fields || []).find((f) => f.name === name)) || null;
  const [seen, lives] = await Promise.all([c.last_seen_area ? placeName(c.last_seen_area) : '', d.location_area ? placeName(d.location_area) : '']);
  const caseName = childName(d, kase.hidden_fields);
  const rows = [
    [t('match.row.name'), soughtName(c), caseName],
    [t('match.row.other_names'), c.name_other || '', Array.isArray(d.name_other) ? fmtList(d.name_other) : d.name_other || ''],
    [t('match.row.sex'), optionText(trSchema, subField('sex'), c.sex), optionText(caseSchema, caseSchema.field('sex'), d.sex)],
    [t('match.row.birth'), birthText(c), birthText(d)],
    [t('match.row.mother'), c.mother_name || '', parent(d, 'mother')],
    [t('match.row.father'), c.father_name || '', parent(d, 'father')],
    [t('match.row.place'), seen, lives],
  ];
  const head = [t('match.col.sought', { id: req.display_id }), t('match.col.case', { id: kase.display_id })];
  const short = [t('match.col.sought_short'), t('match.col.case_short')]; // before each value on a phone
  return h('section', { class: 'panel match-compare', 'aria-labelledby': 'sec-compare' },
    h('h2', { id: 'sec-compare' }, t('match.compare_title')),
    h('table', { class: 'table compare-table' },
      h('caption', { class: 'visually-hidden' }, t('match.compare_title')),
      h('thead', null, h('tr', null, h('td', null), head.map((x) => h('th', { scope: 'col' }, x)))),
      h('tbody', null, rows.map(([label, a, b]) => h('tr', null,
        h('th', { scope: 'row' }, label),
        h('td', { 'data-label': short[0] }, cell(a)),
        h('td', { 'data-label': short[1] }, cell(b)))))));
}

const signed = (w) => new Intl.NumberFormat(lang(), { signDisplay: 'exceptZero', maximumFractionDigits: 1, minimumFractionDigits: 1 }).format(w);

// A weight as a bar from the middle (for the match towards the inline end, against it towards
// the start; mirrored in Arabic by the logical properties) with its number beside it.
function weightBar(w, scale) {
  const fill = h('span', { class: `weight-fill ${w > 0 ? 'weight-for' : 'weight-against'}` });
  fill.style.width = `${Math.min(50, (Math.abs(w) / scale) * 50)}%`;
  return h('span', { class: 'weight' },
    h('span', { class: 'weight-bar', 'aria-hidden': 'true' }, w ? fill : null),
    h('span', { class: 'weight-num' }, signed(w),
      w ? h('span', { class: 'visually-hidden' }, ` ${t(w > 0 ? 'match.weight_for' : 'match.weight_against')}`) : null));
}

function explanationPanel(x) {
  const sec = h('section', { class: 'panel match-explain', 'aria-labelledby': 'sec-explain' }, h('h2', { id: 'sec-explain' }, t('match.explain_title')));
  if (!x || !x.explanation) {
    sec.append(h('p', { class: 'notice notice-quiet' }, t('match.not_listed')));
    return sec;
  }
  const { prior, parts } = x.explanation;
  const scale = Math.max(1, ...parts.map((p) => Math.abs(p.weight)), Math.abs(prior));
  const cols = [t('match.col.compared'), t('match.col.found'), t('match.col.weight')];
  const row = (what, found, w, cls) => h('tr', cls ? { class: cls } : null,
    h('th', { scope: 'row' }, what), h('td', { 'data-label': cols[1] }, found), h('td', { 'data-label': cols[2], class: 'weight-cell' }, weightBar(w, scale)));
  sec.append(h('p', { class: 'hint' }, t('match.explain_hint')),
    h('table', { class: 'table explain-table' },
      h('caption', { class: 'visually-hidden' }, t('match.explain_title')),
      h('thead', null, h('tr', null, cols.map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', null, parts.map((p) => row(comparisonText(p.comparison), levelText(p.level), p.weight))),
      h('tfoot', null, row(t('match.prior'), t('match.prior_found'), prior, 'explain-prior'))),
    h('p', { class: 'match-overall' }, h('strong', null, `${t('match.overall')} `), likelihoodBadge(x), ' ',
      h('span', { class: 'match-percent' }, t('match.percent', { p: percent(x.probability) }))));
  return sec;
}

// The case's open tasks its confirmed match started (the case workflow's match_confirmed rules).
async function reunificationTasks(caseId) {
  try {
    const schema = await loadSchema('case');
    const rules = new Set(((schema.workflow && schema.workflow.tasks) || []).filter((x) => x.on_event === 'match_confirmed').map((x) => x.id));
    const items = (await get(`/api/v1/tasks?record_id=${encodeURIComponent(caseId)}&status=open&per=100`)).json.items || [];
    return items.filter((x) => rules.has(x.rule));
  } catch {
    return [];
  }
}

function decisionPanel(req, child, kase, x) {
  const sec = h('section', { class: 'panel match-decide', 'aria-labelledby': 'sec-decide' }, h('h2', { id: 'sec-decide' }, t('match.decide_title')));
  const current = h('p', { class: 'match-current' });
  const showCurrent = (dec) => {
    clear(current);
    if (dec) add(current, [`${t('match.decided')} `, decisionBadge(dec)]);
    current.hidden = !dec;
  };
  showCurrent(x && x.decision);
  sec.append(current);
  const result = h('div', { class: 'match-result' });
  if (!(req.access && req.access.can_edit)) {
    sec.append(h('p', { class: 'muted' }, t('match.may_not_decide')));
    return sec;
  }
  const note = field({ name: 'note', label: t('match.note'), type: 'textarea', rows: 3, maxlength: 2000, dir: 'auto', hint: t('match.note_hint') });
  // Two submit buttons; the one pressed says the decision.
  const form = h('form', { class: 'form match-form', novalidate: true }, note,
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'btn', value: 'confirmed' }, t('match.confirm')),
      h('button', { type: 'submit', class: 'btn btn-secondary', value: 'rejected' }, t('match.reject'))));
  let was = x && x.decision;
  onSubmit(form, async (ev) => {
    clearErrors(form);
    clear(result);
    const chosen = ev.submitter && ev.submitter.value === 'rejected' ? 'rejected' : 'confirmed';
    const body = { child, case_id: kase.id, decision: chosen };
    const text = form.elements.note.value.trim();
    if (text) body.note = text;
    const buttons = [...form.querySelectorAll('button')];
    for (const b of buttons) b.setAttribute('aria-disabled', 'true');
    try {
      await post(`/api/v1/tracing_requests/${req.id}/matches`, body, { headers: caseHeaders(req.id) });
    } catch (err) {
      for (const b of buttons) b.removeAttribute('aria-disabled');
      if (err.status === 409 && err.field === 'consent_for_tracing') {
        formError(form, h('p', null, h('strong', null, t('match.consent_missing'))), h('p', null, err.message || '')).focus();
      } else if (err.status === 404) {
        formError(form, t('match.case_gone')).focus();
      } else showApiError(form, err);
      return;
    }
    for (const b of buttons) b.removeAttribute('aria-disabled');
    form.elements.note.value = '';
    showCurrent(chosen);
    const caseLink = h('a', { href: `#/cases/${kase.id}` }, t('match.open_case', { id: kase.display_id }));
    let box;
    if (chosen === 'confirmed') {
      const tasks = await reunificationTasks(kase.id);
      box = h('div', { class: 'notice notice-ok', tabindex: '-1' },
        h('p', null, h('strong', null, t('match.confirmed_msg'))),
        h('p', null, t('match.tasks_created', { id: kase.display_id })),
        tasks.length ? h('ul', { class: 'match-tasks' }, tasks.map((k) => h('li', null, k.label || k.rule, ' — ',
          h('span', { class: 'muted' }, t('tasks.due_on', { date: fmtDate(k.due_on) }))))) : null,
        h('p', null, caseLink));
    } else {
      box = h('div', { class: 'notice notice-quiet', tabindex: '-1' },
        h('p', null, h('strong', null, t('match.rejected_msg'))),
        was === 'confirmed' ? h('p', null, t('match.tasks_cancelled', { id: kase.display_id })) : null,
        h('p', null, caseLink));
    }
    was = chosen;
    clear(result).append(box);
    announce(chosen === 'confirmed' ? t('match.confirmed_msg') : t('match.rejected_msg'));
    box.focus();
  });
  sec.append(form, result);
  return sec;
}

// #/tracing_requests/{id}/match/{child}/{case_id}
export async function matchReview(el, query, id, childText, caseId) {
  const child = Number(childText);
  const [rr, cr, mr, trSchema, caseSchema] = await Promise.allSettled([
    get(`/api/v1/tracing_requests/${id}`, { headers: caseHeaders(id) }),
    get(`/api/v1/cases/${caseId}`, { headers: caseHeaders(caseId) }),
    get(`/api/v1/tracing_requests/${id}/matches`, { headers: caseHeaders(id) }),
    loadSchema('tracing_request'), loadSchema('case'),
  ]);
  for (const s of [rr, trSchema, caseSchema]) if (s.status === 'rejected') throw s.reason;
  const req = rr.value.json;
  const kase = cr.status === 'fulfilled' ? cr.value.json : null;
  const sought = ((req.data || {}).tr_children || [])[child];
  el.append(pageTitle(t('match.review_title')));
  el.append(h('p', { class: 'match-crumbs' },
    h('a', { href: `#/tracing_requests/${req.id}` }, t('match.back_to_request', { id: req.display_id })),
    ' · ', t('match.seeks'), ' ', h('bdi', { class: 'title-name' }, soughtName(sought))));
  if (!sought) {
    el.append(errorPanel({ status: 404 }));
    return;
  }
  if (!kase) {
    el.append(errorPanel(cr.reason));
    return;
  }
  let item = null;
  if (mr.status === 'fulfilled') {
    const entry = (mr.value.json.children || []).find((x) => x.child === child);
    item = entry ? (entry.matches || []).find((x) => x.id === kase.id) || null : null;
  }
  el.append(await sideBySide(req, child, kase, trSchema.value, caseSchema.value),
    mr.status === 'rejected' ? errorPanel(mr.reason) : explanationPanel(item),
    decisionPanel(req, child, kase, item));
}
