// duplicates.js: the review queue of possible duplicate cases (#/duplicates, docs/linkage.md).
// `haven match --dedup` puts each pair of cases that are likely one child in the queue; a
// supervisor merges the second case into the first (it is retired, and what the first lacks is
// copied from it; undone while the first has not changed since) or says they are two children.
import { h, add, clear } from './dom.js';
import { t, fmtDateTime, fmtList } from './i18n.js';
import { get, post, patch, ifMatch } from './api.js';
import { state, caseHeaders } from './state.js';
import { onSubmit, clearErrors, formError, showApiError, staleError, announce, pageTitle, errorPanel, button } from './ui.js';
import { loadSchema } from './schema.js';
import { likelihoodBadge, nameOf } from './matching.js';

// The server's "likely" (config/link/haven.json "threshold", the CLI's default --threshold).
const LIKELY = 0.5;

// Who works through the queue: supervisors (case.merge within their agency). Administrators
// may merge across agencies through the API, each read with a stated reason; not offered here.
export const mayMerge = () => !!state.user && state.user.role === 'supervisor';

const caseLink = (x) => h('a', { href: `#/cases/${x.id}`, class: 'case-link' },
  h('bdi', { class: 'display-id' }, x.display_id), ' ', h('bdi', null, nameOf(x)));

// A display id inside a sentence: isolated, so "DSS-AH70H2Q" stays whole in right-to-left text.
const iso = (id) => (document.documentElement.dir === 'rtl' ? `\u2068${id}\u2069` : id);

function side(x, key) {
  return h('div', { class: 'dupq-case' },
    h('p', { class: 'dupq-role muted' }, t(key)),
    h('p', { class: 'dupq-name' }, caseLink(x)),
    x.agency && x.agency.name ? h('p', { class: 'muted match-agency' }, h('bdi', null, x.agency.name)) : null);
}

// A merged field's value in words: an option's label, yes/no, a list; something with parts
// (a table's rows) is named only.
function valueText(schema, name, v) {
  const f = schema && schema.field(name);
  if (v === null || v === undefined || v === '') return null;
  if (typeof v === 'boolean') return t(v ? 'common.yes' : 'common.no');
  if (Array.isArray(v)) {
    if (!v.every((x) => typeof x === 'string' || typeof x === 'number')) return null;
    return fmtList(v.map((x) => (f ? schema.optionLabel(f, x) : x)));
  }
  if (typeof v === 'object') return null;
  return f && (f.options || f.lookup) ? schema.optionLabel(f, v) : String(v);
}

const label = (schema, name) => (schema ? schema.label(name) : name);

// What a merge did, in plain words, with its Undo button.
function mergeResult(pair, m, schema, onUndone) {
  const [kept, other] = [pair.a, pair.b];
  const fields = m.fields || [];
  const conflicts = Object.entries(m.conflicts || {});
  const form = h('form', { class: 'dupq-undo', novalidate: true },
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn btn-secondary' }, t('dupq.undo'))));
  const box = h('div', { class: 'notice notice-ok', tabindex: '-1' },
    h('p', null, h('strong', null, t('dupq.merged', { kept: iso(kept.display_id), other: iso(other.display_id) }))),
    h('p', null, fields.length
      ? t('dupq.copied', { id: iso(kept.display_id), fields: fmtList(fields.map((k) => label(schema, k))) })
      : t('dupq.copied_none', { id: iso(kept.display_id) })),
    conflicts.length ? [
      h('p', null, t('dupq.conflicts', { kept: iso(kept.display_id), other: iso(other.display_id) })),
      h('ul', { class: 'dupq-conflicts' }, conflicts.map(([k, v]) => {
        const text = valueText(schema, k, v);
        return h('li', null, label(schema, k), text ? [': ', h('bdi', null, text)] : null);
      }))] : null,
    h('p', null, caseLink(kept)),
    form);
  onSubmit(form, async () => {
    clearErrors(form);
    try {
      await post(`/api/v1/merges/${encodeURIComponent(m.id)}/undo`, {});
    } catch (err) {
      if (err.status === 409) formError(form, h('p', null, h('strong', null, t('dupq.undo_failed'))), err.message ? h('p', null, err.message) : null).focus();
      else showApiError(form, err);
      return;
    }
    onUndone();
  });
  return box;
}

function pairItem(pair, schema, refresh) {
  const { a, b } = pair;
  const result = h('div', { class: 'dupq-result', 'aria-live': 'polite' });
  const confirm = h('form', { class: 'dupq-confirm notice notice-warn', novalidate: true, hidden: true },
    h('p', null, t('dupq.confirm', { kept: iso(a.display_id), other: iso(b.display_id) })),
    h('p', null, t('dupq.confirm_undo')),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'btn' }, t('dupq.merge_now', { id: iso(a.display_id) })),
      button(t('common.cancel'), () => { confirm.hidden = true; mergeBtn.focus(); }, 'btn btn-secondary')));
  const mergeBtn = button(t('dupq.merge', { id: iso(a.display_id) }), () => {
    confirm.hidden = false;
    clearErrors(confirm);
    confirm.querySelector('button[type="submit"]').focus();
  });
  const dismissForm = h('form', { class: 'dupq-dismiss', novalidate: true },
    h('button', { type: 'submit', class: 'btn btn-secondary' }, t('dupq.dismiss')));
  const actions = h('div', { class: 'actions dupq-actions' }, mergeBtn, dismissForm);
  const li = h('li', { class: 'panel dupq-item', 'data-pair': pair.id },
    h('p', { class: 'match-head' }, likelihoodBadge({ probability: pair.probability, likely: pair.probability >= LIKELY }),
      pair.found_at ? h('span', { class: 'muted' }, t('dupq.found', { when: fmtDateTime(pair.found_at) })) : null),
    h('div', { class: 'dupq-cases' }, side(a, 'dupq.first'), side(b, 'dupq.second')),
    actions, confirm, result);

  const done = (box, msg) => {
    actions.hidden = true;
    confirm.hidden = true;
    clear(result).append(box);
    announce(msg);
    box.focus();
  };

  onSubmit(confirm, async () => {
    clearErrors(confirm);
    let m;
    try {
      const kept = (await get(`/api/v1/cases/${a.id}`, { headers: caseHeaders(a.id) })).json;
      m = (await post(`/api/v1/cases/${a.id}/merge`, { other_id: b.id },
        { headers: { ...caseHeaders(a.id), ...ifMatch(kept.version) } })).json;
    } catch (err) {
      if (!staleError(confirm, err, refresh, { conflict: true, message: t('dupq.stale'), reloadLabel: t('dupq.reload') })) showApiError(confirm, err);
      return;
    }
    const box = mergeResult(pair, m, schema, () => {
      const undone = h('div', { class: 'notice notice-quiet', tabindex: '-1' },
        h('p', null, h('strong', null, t('dupq.undone', { kept: iso(a.display_id), other: iso(b.display_id) }))),
        h('p', null, caseLink(a), ' · ', caseLink(b)));
      done(undone, t('dupq.undone', { kept: iso(a.display_id), other: iso(b.display_id) }));
    });
    done(box, t('dupq.merged', { kept: iso(a.display_id), other: iso(b.display_id) }));
  });

  onSubmit(dismissForm, async () => {
    clearErrors(dismissForm);
    try {
      await patch(`/api/v1/duplicates/${encodeURIComponent(pair.id)}`, { status: 'dismissed' });
    } catch (err) {
      if (!staleError(dismissForm, err, refresh, { conflict: true, message: t('dupq.decided'), reloadLabel: t('dupq.reload') })) showApiError(dismissForm, err);
      return;
    }
    done(h('div', { class: 'notice notice-quiet', tabindex: '-1' },
      h('p', null, h('strong', null, t('dupq.dismissed', { a: iso(a.display_id), b: iso(b.display_id) })))),
    t('dupq.dismissed', { a: iso(a.display_id), b: iso(b.display_id) }));
  });
  return li;
}

// #/duplicates
export async function duplicateQueue(el) {
  const [r, schema] = await Promise.all([get('/api/v1/duplicates'), loadSchema('case').catch(() => null)]);
  const items = r.json.items || [];
  const list = h('div');
  const refresh = async () => {
    try {
      const again = (await get('/api/v1/duplicates')).json.items || [];
      draw(again);
      const first = list.querySelector('button');
      if (first) first.focus();
    } catch (err) {
      clear(list).append(errorPanel(err));
    }
  };
  function draw(rows) {
    add(clear(list), [rows.length
      ? [h('p', { class: 'muted' }, t('dupq.count', { n: rows.length })),
        h('ul', { class: 'dupq-items' }, rows.map((p) => pairItem(p, schema, refresh)))]
      : h('div', { class: 'notice notice-quiet dupq-empty' }, h('p', null, t('dupq.empty')), h('p', null, t('dupq.empty_how')))]);
  }
  draw(items);
  el.append(pageTitle(t('dupq.title')), h('p', null, t('dupq.explain')), list);
}
