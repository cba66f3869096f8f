// admin.js: administrator screens: the admin home (with the break-glass "open a case" form),
// users (list, create, edit role/agency/name/locale, reset password, disable) and agencies.
import { h, clear } from './dom.js';
import { t, fmtDateTime, LANGS } from './i18n.js';
import { get, post, patch } from './api.js';
import { state, navigate } from './state.js';
import { field, onSubmit, showApiError, clearErrors, fieldError, formError, announce, pageTitle, button, table } from './ui.js';

const ROLES = ['admin', 'supervisor', 'caseworker', 'screener', 'analyst', 'provider'];
const AGENCY_TYPES = ['social_services', 'ngo', 'police', 'border', 'immigration', 'justice', 'health', 'education', 'shelter', 'other'];
const UUID_RE = /^[0-9a-fA-F-]{36}$/;

const langOptions = () => LANGS.map((l) => [l.code, l.name]);

export async function adminHome(el) {
  el.append(pageTitle(t('admin.title')),
    h('ul', { class: 'link-list' },
      h('li', null, h('a', { href: '#/admin/users' }, t('nav.users'))),
      h('li', null, h('a', { href: '#/admin/agencies' }, t('nav.agencies'))),
      h('li', null, h('a', { href: '#/admin/forms' }, t('nav.forms')))));
  const id = field({ name: 'case_id', label: t('breakglass.case_id'), hint: t('breakglass.case_id_hint'), autocomplete: 'off', spellcheck: 'false' });
  const reason = field({ name: 'reason', label: t('breakglass.reason'), type: 'textarea', rows: 3, maxlength: 500 });
  const form = h('form', { class: 'form', novalidate: true },
    h('h2', null, t('breakglass.title')), h('p', { class: 'notice' }, t('breakglass.explain')), id, reason,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn' }, t('breakglass.open'))));
  onSubmit(form, () => {
    clearErrors(form);
    const caseId = form.elements.case_id.value.trim();
    const text = form.elements.reason.value.trim();
    let bad = false;
    if (!UUID_RE.test(caseId)) bad = fieldError(form, 'case_id', t('breakglass.bad_id'));
    if (text.length < 5) bad = fieldError(form, 'reason', t('breakglass.too_short')) || bad;
    if (bad) { form.querySelector('[aria-invalid="true"]').focus(); return; }
    state.accessReasons.set(caseId.toLowerCase(), text);
    navigate(`#/cases/${caseId.toLowerCase()}`);
  });
  el.append(form);
}

async function agencyList() {
  return (await get('/api/v1/agencies')).json.items || [];
}

export async function userList(el) {
  el.append(pageTitle(t('users.title')),
    h('p', null, h('a', { href: '#/admin/users/new', class: 'btn' }, t('users.new'))));
  const users = (await get('/api/v1/users')).json.items || [];
  el.append(table(t('users.title'), [
    [t('users.username'), (u) => h('a', { href: `#/admin/users/${u.id}` }, u.username)],
    [t('users.full_name'), (u) => h('bdi', null, u.full_name || '—')],
    [t('users.role'), (u) => t(`role.${u.role}`)],
    [t('users.agency'), (u) => h('bdi', null, u.agency_name || '—')],
    [t('users.state'), (u) => (u.disabled ? t('users.disabled') : (u.must_change_password ? t('users.must_change') : t('users.active')))],
  ], users));
}

function userFields(u, agencies, isNew) {
  return [
    isNew ? field({ name: 'username', label: t('users.username'), required: true, autocomplete: 'off', spellcheck: 'false', autocapitalize: 'none' }) : null,
    isNew ? field({ name: 'password', label: t('users.initial_password'), type: 'password', required: true, autocomplete: 'new-password', hint: t('password.rules') }) : null,
    field({ name: 'full_name', label: t('users.full_name'), value: u.full_name, autocomplete: 'off', dir: 'auto' }),
    field({ name: 'role', label: t('users.role'), type: 'select', required: true, options: ROLES.map((r) => [r, t(`role.${r}`)]), value: u.role }),
    field({ name: 'agency_id', label: t('users.agency'), type: 'select', required: true, options: agencies.map((a) => [a.id, a.name]), value: u.agency_id }),
    field({ name: 'locale', label: t('users.locale'), type: 'select', options: langOptions(), value: u.locale || 'en', blank: false }),
  ];
}

export async function userForm(el) {
  el.append(pageTitle(t('users.new')));
  const agencies = await agencyList();
  const form = h('form', { class: 'form', novalidate: true }, userFields({}, agencies, true),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn' }, t('users.create')),
      h('a', { href: '#/admin/users', class: 'btn btn-secondary' }, t('common.cancel'))));
  onSubmit(form, async () => {
    clearErrors(form);
    const f = form.elements;
    const body = { username: f.username.value.trim(), password: f.password.value, role: f.role.value, agency_id: f.agency_id.value };
    if (f.full_name.value.trim()) body.full_name = f.full_name.value.trim();
    if (f.locale.value) body.locale = f.locale.value;
    let bad = false;
    for (const k of ['username', 'password', 'role', 'agency_id']) if (!body[k]) bad = fieldError(form, k, t('form.required')) || bad;
    if (bad) { form.querySelector('[aria-invalid="true"]').focus(); return; }
    try {
      const r = await post('/api/v1/users', body);
      announce(t('users.created', { name: r.json.username }));
      navigate(`#/admin/users/${r.json.id}`);
    } catch (err) { showApiError(form, err); }
  });
  el.append(form);
}

export async function userEdit(el, query, id) {
  const [ur, agencies] = await Promise.all([get(`/api/v1/users/${id}`), agencyList()]);
  let u = ur.json;
  el.append(pageTitle(t('users.edit_title', { name: u.username })));
  const status = h('p', { class: 'muted' });
  const showStatus = () => {
    status.textContent = `${t('users.state')}: ${u.disabled ? t('users.disabled') : t('users.active')}` +
      `${u.must_change_password ? ` · ${t('users.must_change')}` : ''} · ${t('users.created_at')}: ${fmtDateTime(u.created_at)}`;
  };
  showStatus();
  el.append(status);

  const form = h('form', { class: 'form', novalidate: true, 'aria-labelledby': 'u-details' },
    h('h2', { id: 'u-details' }, t('users.details')), userFields(u, agencies, false),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn' }, t('common.save'))));
  onSubmit(form, async () => {
    clearErrors(form);
    const f = form.elements;
    const body = {};
    if (f.full_name.value.trim() !== (u.full_name || '')) body.full_name = f.full_name.value.trim();
    if (f.role.value !== u.role) body.role = f.role.value;
    if (f.agency_id.value !== (u.agency_id || '')) body.agency_id = f.agency_id.value;
    if (f.locale.value !== (u.locale || 'en')) body.locale = f.locale.value;
    if (!Object.keys(body).length) { announce(t('case.no_changes')); return; }
    try {
      u = (await patch(`/api/v1/users/${u.id}`, body)).json;
      showStatus();
      announce(t('users.saved'));
      formError(form, t('users.saved')).classList.add('form-ok');
    } catch (err) { showApiError(form, err); }
  });

  const pw = field({ name: 'password', label: t('users.new_password'), type: 'password', autocomplete: 'new-password', required: true, hint: t('users.reset_hint') });
  const pwForm = h('form', { class: 'form', novalidate: true, 'aria-labelledby': 'u-reset' },
    h('h2', { id: 'u-reset' }, t('users.reset')), pw,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn' }, t('users.reset'))));
  onSubmit(pwForm, async () => {
    clearErrors(pwForm);
    const v = pwForm.elements.password.value;
    if (v.length < 10) { fieldError(pwForm, 'password', t('password.too_short')); pwForm.elements.password.focus(); return; }
    try {
      u = (await patch(`/api/v1/users/${u.id}`, { password: v })).json;
      pwForm.reset();
      showStatus();
      formError(pwForm, t('users.reset_done')).classList.add('form-ok');
      announce(t('users.reset_done'));
    } catch (err) { showApiError(pwForm, err); }
  });

  const disBox = h('div');
  const renderDisable = () => {
    clear(disBox).append(h('h2', null, u.disabled ? t('users.enable') : t('users.disable')),
      h('p', { class: 'hint' }, u.disabled ? t('users.enable_hint') : t('users.disable_hint')),
      button(u.disabled ? t('users.enable') : t('users.disable'), async () => {
        if (!u.disabled && !window.confirm(t('users.disable_confirm', { name: u.username }))) return;
        try {
          u = (await patch(`/api/v1/users/${u.id}`, { disabled: !u.disabled })).json;
          showStatus();
          renderDisable();
          announce(u.disabled ? t('users.disabled_done') : t('users.enabled_done'));
          disBox.querySelector('button').focus();
        } catch (err) { announce(err.message); }
      }, u.disabled ? 'btn' : 'btn btn-danger'));
  };
  renderDisable();
  el.append(h('section', { class: 'panel' }, form), h('section', { class: 'panel' }, pwForm),
    h('section', { class: 'panel' }, disBox),
    h('p', null, h('a', { href: '#/admin/users' }, t('users.back'))));
}

export async function agencies(el) {
  el.append(pageTitle(t('agencies.title')));
  const listBox = h('section', { 'aria-labelledby': 'ag-list' });
  const name = field({ name: 'name', label: t('agencies.name'), required: true, maxlength: 200, dir: 'auto' });
  const type = field({ name: 'type', label: t('agencies.type'), type: 'select', required: true, options: AGENCY_TYPES.map((x) => [x, t(`agency_type.${x}`)]) });
  const code = field({ name: 'code', label: t('agencies.code'), hint: t('agencies.code_hint'), maxlength: 4, autocapitalize: 'characters', spellcheck: 'false' });
  const form = h('form', { class: 'form', novalidate: true, 'aria-labelledby': 'ag-new' },
    h('h2', { id: 'ag-new' }, t('agencies.new')), name, type, code,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn' }, t('agencies.create'))));
  async function refresh() {
    const items = await agencyList();
    clear(listBox).append(h('h2', { id: 'ag-list' }, t('agencies.list')), table(t('agencies.list'), [
      [t('agencies.code'), (a) => a.code],
      [t('agencies.name'), (a) => h('bdi', null, a.name)],
      [t('agencies.type'), (a) => t(`agency_type.${a.type}`)],
      [t('agencies.created'), (a) => fmtDateTime(a.created_at)],
    ], items));
  }
  onSubmit(form, async () => {
    clearErrors(form);
    const f = form.elements;
    const body = { name: f.name.value.trim(), type: f.type.value };
    if (f.code.value.trim()) body.code = f.code.value.trim().toUpperCase();
    let bad = false;
    if (!body.name) bad = fieldError(form, 'name', t('form.required'));
    if (!body.type) bad = fieldError(form, 'type', t('form.required')) || bad;
    if (bad) { form.querySelector('[aria-invalid="true"]').focus(); return; }
    try {
      const r = await post('/api/v1/agencies', body);
      form.reset();
      announce(t('agencies.created_msg', { name: r.json.name, code: r.json.code }));
      await refresh();
    } catch (err) { showApiError(form, err); }
  });
  el.append(listBox, form);
  await refresh();
}
