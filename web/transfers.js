// transfers.js: handing a case over. On the case page, the Transfer panel (a pending transfer
// of the case, and proposing one to a colleague or another agency, with the same consent and
// override handling as a referral); under the referral inbox, the transfers and requests for
// transfer awaiting the user's answer (accept, naming the new owner; decline) and those they
// proposed (cancel). Every answer is a PATCH with If-Match.
import { h } from './dom.js';
import { t, tOr, fmtDateTime } from './i18n.js';
import { get, post, patch, ifMatch } from './api.js';
import { state, navigate, caseHeaders } from './state.js';
import {
  field, onSubmit, clearErrors, fieldError, showApiError, staleError, announce, errorPanel, dl, reasonForm, toggleButton,
} from './ui.js';
import { consentProblem, overrideField, overrideValue, otherAgencies } from './consent.js';
import { person, userLabel, colleagues } from './people.js';

export const transferStatusLabel = (s) => tOr(`transfer.status.${s}`, s);

function describe(x) {
  return dl([
    [t('transfer.kind'), t(x.kind === 'request' ? 'transfer.kind_request' : 'transfer.kind_transfer')],
    [t('transfer.status'), h('span', { class: `badge tr-${x.status}` }, transferStatusLabel(x.status))],
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
    await patch(`/api/v1/transfers/${encodeURIComponent(x.id)}`, body, { headers: ifMatch(x.version) });
    announce(t(okKey));
    done();
  } catch (err) {
    if (!staleError(form, err, done, { message: t('referral.stale') })) showApiError(form, err);
  }
}

// Declining or cancelling transfer x: a reason is required.
function whyForm(x, { label, submit, status, okKey, danger, done }) {
  return reasonForm({ label, submit, btnClass: danger ? 'btn btn-danger' : 'btn btn-secondary',
    send: (reason, form) => answer(form, x, { status, reason }, okKey, done) });
}

async function acceptForm(x, done) {
  // Someone who may receive for the agency may name a colleague as the new owner; when the
  // colleagues cannot be listed, the error says so and the transfer may still be accepted.
  let users = [];
  let failed = null;
  if (x.kind !== 'request') {
    try { users = await colleagues(state.user.agency_id); } catch (err) { failed = errorPanel(err); }
  }
  const owner = users.length ? field({ name: 'owner_id', label: t('transfer.owner'), type: 'select', blankLabel: t('transfer.owner_me'),
    options: users.map((u) => [u.id, userLabel(u)]) }) : null;
  const form = h('form', { class: 'form', novalidate: true }, failed, owner,
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
      whyForm(x, { label: t('transfer.decline_reason'), submit: t('transfer.decline'), status: 'declined', okKey: 'transfer.declined_msg', danger: true, done }));
  } else {
    li.append(whyForm(x, { label: t('transfer.cancel_reason'), submit: t('transfer.cancel'), status: 'cancelled', okKey: 'transfer.cancelled_msg', done }));
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
  const sec = h('section', { class: 'panel transfer', 'aria-labelledby': 'sec-transfer' }, h('h2', { id: 'sec-transfer' }, t('transfer.title')));
  let sent;
  let inbox;
  try {
    [sent, inbox] = await Promise.all(['sent', 'inbox'].map(async (box) => (await get(`/api/v1/transfers?box=${box}&status=pending&per=100`)).json.items || []));
  } catch (err) {
    // Without the pending transfers, proposing one might propose a second: only the error.
    sec.append(errorPanel(err));
    return sec;
  }
  const pending = [...sent.map((x) => [x, 'sent']), ...inbox.map((x) => [x, 'inbox'])].filter(([x]) => x.case && x.case.id === c.id);
  if (!canTransfer && !pending.length) return null;
  const seen = new Set();
  for (const [x, box] of pending) {
    if (seen.has(x.id)) continue;
    seen.add(x.id);
    sec.append(h('div', { class: 'pending' }, h('p', null, h('strong', null, t('transfer.pending'))), await card(x, box, reload, 'div')));
  }
  if (canTransfer && !pending.length) {
    let users;
    let agencies;
    try {
      [users, agencies] = await Promise.all([colleagues(c.agency && c.agency.id), otherAgencies(c.agency && c.agency.id)]);
    } catch (err) {
      sec.append(errorPanel(err));
      return sec;
    }
    const others = users.filter((u) => !c.owner || u.id !== c.owner.id);
    if (!others.length && !agencies.length) return sec;
    const form = proposeForm(c, others, agencies, reload);
    const open = toggleButton(t('transfer.open'), form, (f) => f.elements.kind);
    sec.append(h('p', { class: 'hint' }, t('transfer.explain')), h('div', { class: 'actions' }, open), form);
  }
  return sec;
}
