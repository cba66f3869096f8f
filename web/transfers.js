// transfers.js: handing a case over. On the case page, the Transfer panel (a pending transfer
// of the case, and proposing one to a colleague or another agency, with the same consent and
// override handling as a referral); under the referral inbox, the transfers and requests for
// transfer awaiting the user's answer (accept, naming the new owner; decline) and those they
// proposed (cancel). Every answer is a PATCH with If-Match.
import { h } from './dom.js';
import { t, has, fmtDateTime } from './i18n.js';
import { get, post, patch } from './api.js';
import { state, navigate, caseHeaders } from './state.js';
import { field, onSubmit, clearErrors, fieldError, formError, showApiError, announce, errorPanel, button, dl } from './ui.js';
import { consentProblem, overrideField, overrideValue, otherAgencies } from './consent.js';

const person = (p) => (p ? p.full_name || p.username || '' : '');
const statusLabel = (s) => (has(`transfer.status.${s}`) ? t(`transfer.status.${s}`) : s);
const userLabel = (u) => (u.full_name ? `${u.full_name} (${u.username})` : u.username);

// Colleagues the user may name (GET /api/v1/users: supervisors; a caseworker may not list
// users and gets []), enabled and not administrators.
async function colleagues(agencyId) {
  try {
    return ((await get('/api/v1/users')).json.items || [])
      .filter((u) => !u.disabled && u.role !== 'admin' && u.role !== 'analyst' && (!agencyId || u.agency_id === agencyId) && u.id !== state.user.id);
  } catch { return []; }
}

function describe(x) {
  return dl([
    [t('transfer.kind'), t(x.kind === 'request' ? 'transfer.kind_request' : 'transfer.kind_transfer')],
    [t('transfer.status'), h('span', { class: `badge tr-${x.status}` }, statusLabel(x.status))],
    [t('transfer.from'), h('bdi', null, x.from_agency ? x.from_agency.name : '')],
    [t('transfer.to'), h('bdi', null, [x.to_agency ? x.to_agency.name : '', x.to_user ? ` — ${person(x.to_user)}` : ''].join(''))],
    [t('transfer.proposed_by'), h('bdi', null, person(x.proposed_by))],
    [t('transfer.reason'), x.reason ? h('span', { class: 'pre', dir: 'auto' }, x.reason) : ''],
    [t('transfer.when'), fmtDateTime(x.created_at)],
  ]);
}

// A PATCH of transfer x; a 412 says someone else answered first.
async function answer(form, x, body, okKey, done) {
  try {
    await patch(`/api/v1/transfers/${encodeURIComponent(x.id)}`, body, { headers: { 'If-Match': `"${x.version}"` } });
    announce(t(okKey));
    done();
  } catch (err) {
    if (err.status === 412) {
      formError(form, h('p', null, t('referral.stale')), button(t('case.reload'), done, 'btn btn-secondary')).focus();
      return;
    }
    showApiError(form, err);
  }
}

function reasonForm(x, { label, submit, status, okKey, needs, danger, done }) {
  const reason = field({ name: 'reason', label, type: 'textarea', rows: 2, required: needs, maxlength: 2000, dir: 'auto' });
  const form = h('form', { class: 'form', novalidate: true }, reason,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: danger ? 'btn btn-danger' : 'btn btn-secondary' }, submit)));
  onSubmit(form, async () => {
    clearErrors(form);
    const text = form.elements.reason.value.trim();
    if (needs && !text) { fieldError(form, 'reason', t('form.required')); form.elements.reason.focus(); return; }
    await answer(form, x, { status, ...(text ? { reason: text } : {}) }, okKey, done);
  });
  return form;
}

async function acceptForm(x, done) {
  // Someone who may receive for the agency may name a colleague as the new owner.
  const users = x.kind === 'request' ? [] : await colleagues(state.user.agency_id);
  const owner = users.length ? field({ name: 'owner_id', label: t('transfer.owner'), type: 'select', blankLabel: t('transfer.owner_me'),
    options: users.map((u) => [u.id, userLabel(u)]) }) : null;
  const form = h('form', { class: 'form', novalidate: true }, owner,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn' }, t('transfer.accept'))));
  onSubmit(form, async () => {
    clearErrors(form);
    const body = { status: 'accepted' };
    if (owner && form.elements.owner_id.value) body.owner_id = form.elements.owner_id.value;
    await answer(form, x, body, 'transfer.accepted_msg', done);
  });
  return form;
}

// One transfer as a card, with the answers the user may give from this box.
async function card(x, box, done, tag = 'li') {
  const li = h(tag, { class: 'tr-item' },
    h('p', null, x.case && x.case.id
      ? h('a', { href: `#/cases/${x.case.id}`, class: 'display-id' }, x.case.display_id)
      : h('span', { class: 'display-id' }, x.case ? x.case.display_id : '')),
    describe(x));
  if (x.status !== 'pending') return li;
  if (box === 'inbox') {
    li.append(await acceptForm(x, done),
      reasonForm(x, { label: t('transfer.decline_reason'), submit: t('transfer.decline'), status: 'declined', okKey: 'transfer.declined_msg', needs: true, danger: true, done }));
  } else {
    li.append(reasonForm(x, { label: t('transfer.cancel_reason'), submit: t('transfer.cancel'), status: 'cancelled', okKey: 'transfer.cancelled_msg', needs: true, done }));
  }
  return li;
}

// The transfers part of the inbox screen: awaiting the user's answer, then those they proposed.
export async function transfersSection() {
  const sec = h('section', { class: 'transfers', 'aria-labelledby': 'inbox-transfers' }, h('h2', { id: 'inbox-transfers' }, t('transfer.inbox')));
  const done = () => navigate('#/referrals');
  for (const [box, head, empty] of [['inbox', 'transfer.awaiting', 'transfer.none_awaiting'], ['sent', 'transfer.proposed', 'transfer.none_proposed']]) {
    let items;
    try {
      items = (await get(`/api/v1/transfers?box=${box}&per=50${box === 'sent' ? '&status=pending' : ''}`)).json.items || [];
    } catch (err) {
      sec.append(errorPanel(err));
      continue;
    }
    sec.append(h('h3', null, t(head)), items.length ? h('ol', { class: 'tr-items' }, await Promise.all(items.map((x) => card(x, box, done))))
      : h('p', { class: 'empty' }, t(empty)));
  }
  return sec;
}

/* ---------- the case page ---------- */

function proposeForm(c, users, agencies, reload) {
  const kinds = [users.length ? ['user', t('transfer.to_colleague')] : null, agencies.length ? ['agency', t('transfer.to_agency')] : null].filter(Boolean);
  const kind = field({ name: 'kind', label: t('transfer.to_whom'), type: 'select', blank: false, options: kinds, value: kinds[0][0] });
  const user = users.length ? field({ name: 'to_user_id', label: t('transfer.colleague'), type: 'select', required: true, options: users.map((u) => [u.id, userLabel(u)]) }) : null;
  const agency = agencies.length ? field({ name: 'to_agency_id', label: t('transfer.agency'), type: 'select', required: true, options: agencies.map((a) => [a.id, a.name]),
    hint: t('transfer.agency_hint') }) : null;
  const reason = field({ name: 'reason', label: t('transfer.reason'), type: 'textarea', rows: 3, required: true, maxlength: 2000, dir: 'auto' });
  const override = overrideField();
  const sync = () => {
    if (user) user.hidden = kind.control.value !== 'user';
    if (agency) agency.hidden = kind.control.value !== 'agency';
  };
  kind.control.addEventListener('change', sync);
  sync();
  const form = h('form', { class: 'form transfer-form', novalidate: true }, h('h3', null, t('transfer.propose')),
    users.length ? null : h('p', { class: 'hint' }, t('transfer.no_colleagues')),
    kind, user, agency, reason, override,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn' }, t('transfer.send'))));
  onSubmit(form, async () => {
    clearErrors(form);
    const f = form.elements;
    const body = { reason: f.reason.value.trim(), ...overrideValue(form) };
    let bad = false;
    if (f.kind.value === 'user') {
      if (!f.to_user_id.value) bad = fieldError(form, 'to_user_id', t('form.required'));
      else body.to_user_id = f.to_user_id.value;
    } else if (!f.to_agency_id.value) bad = fieldError(form, 'to_agency_id', t('form.required'));
    else body.to_agency_id = f.to_agency_id.value;
    if (!body.reason) bad = fieldError(form, 'reason', t('form.required')) || bad;
    if (bad) { form.querySelector('[aria-invalid="true"]').focus(); return; }
    try {
      await post(`/api/v1/cases/${c.id}/transfers`, body, { headers: caseHeaders(c.id) });
      announce(t('transfer.sent_msg'));
      reload();
    } catch (err) {
      if (!consentProblem(form, err)) showApiError(form, err);
    }
  });
  return form;
}

// The Transfer panel: the case's pending transfer (as far as the user sees it: one they
// proposed, or one awaiting their answer) and, for those who may transfer it, a proposal.
export async function transferPanel(c) {
  const canTransfer = !!(c.access && c.access.can_edit);
  const reload = () => navigate(`#/cases/${c.id}`);
  const [sent, inbox] = await Promise.all(['sent', 'inbox'].map((box) => get(`/api/v1/transfers?box=${box}&status=pending&per=100`)
    .then((r) => r.json.items || []).catch(() => [])));
  const pending = [...sent.map((x) => [x, 'sent']), ...inbox.map((x) => [x, 'inbox'])].filter(([x]) => x.case && x.case.id === c.id);
  if (!canTransfer && !pending.length) return null;
  const sec = h('section', { class: 'panel transfer', 'aria-labelledby': 'sec-transfer' }, h('h2', { id: 'sec-transfer' }, t('transfer.title')));
  const seen = new Set();
  for (const [x, box] of pending) {
    if (seen.has(x.id)) continue;
    seen.add(x.id);
    sec.append(h('div', { class: 'pending' }, h('p', null, h('strong', null, t('transfer.pending'))), await card(x, box, reload, 'div')));
  }
  if (canTransfer && !pending.length) {
    const [users, agencies] = await Promise.all([colleagues(c.agency && c.agency.id), otherAgencies(c.agency && c.agency.id).catch(() => [])]);
    const others = users.filter((u) => !c.owner || u.id !== c.owner.id);
    if (!others.length && !agencies.length) return sec;
    const form = proposeForm(c, others, agencies, reload);
    form.hidden = true;
    const open = h('button', { type: 'button', class: 'btn btn-secondary', 'aria-expanded': 'false' }, t('transfer.open'));
    open.addEventListener('click', () => {
      form.hidden = !form.hidden;
      open.setAttribute('aria-expanded', String(!form.hidden));
      if (!form.hidden) form.elements.kind.focus();
    });
    sec.append(h('p', { class: 'hint' }, t('transfer.explain')), h('div', { class: 'actions' }, open), form);
  }
  return sec;
}
