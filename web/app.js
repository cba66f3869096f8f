// app.js: Haven's browser UI entry point. Boots the session, draws the page chrome (header,
// navigation), routes hash URLs (ids only, never a child's name) to screens, and owns the
// sign-in screens: first sign-in, forced password change and the in-place re-sign-in dialog
// that appears over any screen when the session has expired.
import { h, clear } from './dom.js';
import { t, setLang, lang, LANGS, normalizeLang } from './i18n.js';
import { api, get, post, del, setCsrf, setReauthHandler, setPasswordChangeHandler, ApiError } from './api.js';
import { state, navigate, isAdmin, canCreateCases } from './state.js';
import { field, onSubmit, showApiError, clearErrors, fieldError, formError, announce, pageTitle, errorPanel, errorText, button, table } from './ui.js';
import { caseload, caseList, caseSearch, caseForm, caseView } from './cases.js';
import { recordList, recordForm, recordView, mayBrowse } from './records.js';
import { adminHome, userList, userForm, userEdit, agencies } from './admin.js';
import { auditTrail, canReadAudit } from './audit.js';
import { dueTasks, seesTasks } from './tasks.js';
import { formList, formEdit, fieldEdit, lookupEdit } from './admin_forms.js';
import { screening, screenLink, mayScreen } from './screening.js';
import { referralInbox, referralView, probeInbox } from './referrals.js';
import { servicesScreen, serviceEdit } from './services.js';
import { tracingRequestView, matchReview } from './matching.js';
import { duplicateQueue, mayMerge } from './duplicates.js';

const main = () => document.getElementById('main');
const LANG_KEY = 'haven.lang'; // the interface language only; no case data is ever stored

const UUID = '([0-9a-fA-F-]{36})';
const routes = [
  [/^\/$/, (m, q) => (isAdmin() ? adminHome(m, q) : !readsCases() ? otherHome(m, q) : home(m, q))],
  [/^\/cases$/, caseList],
  [/^\/cases\/new$/, (m, q) => caseForm(m, q, null)],
  [new RegExp(`^/cases/${UUID}$`), async (m, q, id) => { await caseView(m, q, id); screenLink(m, id); }],
  [new RegExp(`^/cases/${UUID}/edit$`), caseForm],
  [/^\/search$/, caseSearch],
  [/^\/families$/, (m, q) => recordList(m, q, 'family')],
  [/^\/families\/new$/, (m, q) => recordForm(m, q, 'family', null)],
  [new RegExp(`^/families/${UUID}$`), (m, q, id) => recordView(m, q, 'family', id)],
  [new RegExp(`^/families/${UUID}/edit$`), (m, q, id) => recordForm(m, q, 'family', id)],
  [/^\/incidents$/, (m, q) => recordList(m, q, 'incident')],
  [/^\/incidents\/new$/, (m, q) => recordForm(m, q, 'incident', null)],
  [new RegExp(`^/incidents/${UUID}$`), (m, q, id) => recordView(m, q, 'incident', id)],
  [new RegExp(`^/incidents/${UUID}/edit$`), (m, q, id) => recordForm(m, q, 'incident', id)],
  [/^\/tracing_requests$/, (m, q) => recordList(m, q, 'tracing_request')],
  [/^\/tracing_requests\/new$/, (m, q) => recordForm(m, q, 'tracing_request', null)],
  [new RegExp(`^/tracing_requests/${UUID}$`), tracingRequestView],
  [new RegExp(`^/tracing_requests/${UUID}/match/(\\d{1,3})/${UUID}$`), matchReview],
  [new RegExp(`^/tracing_requests/${UUID}/edit$`), (m, q, id) => recordForm(m, q, 'tracing_request', id)],
  [/^\/admin\/users$/, userList],
  [/^\/admin\/users\/new$/, userForm],
  [new RegExp(`^/admin/users/${UUID}$`), userEdit],
  [/^\/admin\/agencies$/, agencies],
  [/^\/admin\/forms$/, formList],
  [/^\/admin\/forms\/([a-z0-9_]+)$/, formEdit],
  [/^\/admin\/forms\/([a-z0-9_]+)\/fields\/new$/, (m, q, id) => fieldEdit(m, q, id, null)],
  [/^\/admin\/forms\/([a-z0-9_]+)\/fields\/([a-z0-9_]+)$/, fieldEdit],
  [/^\/admin\/forms\/([a-z0-9_]+)\/fields\/([a-z0-9_]+)\/rows\/new$/, (m, q, id, sub) => fieldEdit(m, q, id, null, sub)],
  [/^\/admin\/forms\/([a-z0-9_]+)\/fields\/([a-z0-9_]+)\/rows\/([a-z0-9_]+)$/, (m, q, id, sub, name) => fieldEdit(m, q, id, name, sub)],
  [/^\/admin\/lookups\/([a-z0-9_]+)$/, lookupEdit],
  [/^\/audit$/, auditTrail],
  [/^\/screening$/, screening],
  [/^\/referrals$/, referralInbox],
  [new RegExp(`^/referrals/${UUID}$`), referralView],
  [/^\/duplicates$/, duplicateQueue],
  [/^\/services$/, servicesScreen],
  [/^\/services\/new$/, (m, q) => serviceEdit(m, q, null)],
  [new RegExp(`^/services/${UUID}$`), serviceEdit],
  [/^\/account\/password$/, (m) => passwordScreen(m, false)],
  [/^\/account\/tokens$/, tokensScreen],
];

// Providers and analysts read no case records (config/roles.json): their home is the referral
// inbox, or the services directory they maintain.
const readsCases = () => !!state.user && !['provider', 'analyst'].includes(state.user.role);
const otherHome = (el, query) => (state.receivesReferrals ? referralInbox(el, query) : servicesScreen(el, query));

// The caseload (cases.js) draws the home page's heading; what is due goes right under it.
async function home(el, query) {
  if (!seesTasks()) return caseload(el, query);
  const due = h('div');
  await Promise.all([caseload(el, query), dueTasks(due)]);
  const h1 = el.querySelector('h1');
  if (h1) h1.after(...due.childNodes);
  else el.prepend(...due.childNodes);
  return undefined;
}

function parseHash() {
  const raw = location.hash.replace(/^#/, '') || '/';
  const [path, qs] = raw.split('?');
  return { path: path || '/', query: new URLSearchParams(qs || '') };
}

let renderSeq = 0;
let navigated = false;
async function route() {
  if (location.hash && !location.hash.startsWith('#/')) return; // in-page anchors
  const seq = ++renderSeq;
  const el = main();
  delete el.dataset.ready;
  if (!state.user) return signInScreen(el);
  if (state.user.must_change_password) return passwordScreen(el, true);
  renderNav();
  const { path, query } = parseHash();
  const hit = routes.map(([re, fn]) => [path.match(re), fn]).find(([m]) => m);
  const page = h('div', { class: 'page' });
  try {
    if (!hit) {
      page.append(pageTitle(t('error.not_found_title')), h('p', null, t('error.not_found')));
    } else {
      const [m, fn] = hit;
      await fn(page, query, ...m.slice(1));
    }
  } catch (err) {
    if (!(err instanceof ApiError)) console.error(err);
    clear(page);
    page.append(pageTitle(t('error.title')), errorPanel(err));
  }
  if (seq !== renderSeq) return;
  clear(el).append(page);
  el.dataset.ready = location.hash || '#/';
  // After a navigation, move focus to the new page's heading so screen readers announce it.
  const h1 = el.querySelector('h1');
  if (h1 && navigated) h1.focus();
  navigated = true;
}

/* ---------- chrome: header and navigation ---------- */

function navLinks() {
  const u = state.user;
  if (!u || u.must_change_password) return [];
  const links = [];
  if (u.role === 'admin') {
    links.push(['#/', t('nav.admin_home')], ['#/admin/users', t('nav.users')], ['#/admin/agencies', t('nav.agencies')],
      ['#/admin/forms', t('nav.forms')], ['#/services', t('nav.services')]);
  } else if (!readsCases()) {
    if (state.receivesReferrals) links.push(['#/referrals', t('nav.referrals')]);
    links.push(['#/services', t('nav.services')]);
  } else {
    links.push(['#/', t('nav.caseload')], ['#/cases', t('nav.cases')], ['#/search', t('nav.search')]);
    if (canCreateCases()) links.push(['#/cases/new', t('nav.new_case')]);
    if (mayScreen()) links.push(['#/screening', t('nav.screening')]);
    if (mayBrowse('family')) links.push(['#/families', t('nav.families')]);
    if (mayBrowse('incident')) links.push(['#/incidents', t('nav.incidents')]);
    if (mayBrowse('tracing_request')) links.push(['#/tracing_requests', t('nav.tracing_requests')]);
    if (mayMerge()) links.push(['#/duplicates', t('nav.duplicates')]);
    if (state.receivesReferrals) links.push(['#/referrals', t('nav.referrals')]);
    links.push(['#/services', t('nav.services')]);
  }
  if (canReadAudit()) links.push(['#/audit', t('nav.audit')]);
  links.push(['#/account/password', t('nav.password')], ['#/account/tokens', t('nav.tokens')]);
  return links;
}

function renderNav() {
  const nav = document.getElementById('nav');
  const { path } = parseHash();
  const links = navLinks();
  clear(nav);
  nav.hidden = links.length === 0;
  nav.setAttribute('aria-label', t('nav.label'));
  nav.append(h('ul', { class: 'nav-list' }, links.map(([href, label]) => {
    const current = `#${path}` === href || (href !== '#/' && `#${path}`.startsWith(`${href}/`) && href !== '#/cases');
    return h('li', null, h('a', { href, 'aria-current': current ? 'page' : null }, label));
  })));
  renderUserArea();
}

function langSelect(id, onchange) {
  const sel = h('select', { id, class: 'lang-select', onchange: (e) => onchange(e.target.value) },
    LANGS.map((l) => h('option', { value: l.code, lang: l.code }, l.draft ? `${l.name} (${l.draft})` : l.name)));
  sel.value = lang();
  return h('div', { class: 'lang-switch' }, h('label', { for: id }, t('common.language')), sel);
}

function renderUserArea() {
  const area = document.getElementById('user-area');
  clear(area);
  area.append(langSelect('lang-header', async (code) => {
    await switchLang(code);
    await route();
  }));
  if (state.user) {
    area.append(
      h('span', { class: 'user-name' }, state.user.full_name || state.user.username),
      button(t('nav.sign_out'), signOut, 'btn btn-secondary btn-small'));
  }
}

let explicitLang = false; // the user picked a language on this page: it beats their profile's locale

async function switchLang(code) {
  explicitLang = true;
  const c = await setLang(code);
  try { localStorage.setItem(LANG_KEY, c); } catch { /* storage may be off */ }
  applyChromeText();
  renderNav();
}

function applyChromeText() {
  document.getElementById('skip-link').textContent = t('common.skip');
  document.getElementById('brand').textContent = t('app.name');
  document.getElementById('brand-tag').textContent = t('app.tagline');
}

async function signOut() {
  try { await del('/api/v1/session', { noReauth: true }); } catch { /* signing out anyway */ }
  // A full reload wipes everything held in memory (search, cases, break-glass reasons).
  location.hash = '#/';
  location.reload();
}

/* ---------- sign-in ---------- */

async function afterSignIn(json) {
  state.user = json.user;
  setCsrf(json.csrf_token);
  if (json.user.locale && !explicitLang) await setLang(json.user.locale);
  // The referral inbox is in the navigation of whoever it answers (not a 403).
  state.receivesReferrals = json.user.must_change_password ? false : (await probeInbox()) !== false;
  applyChromeText();
}

function signInForm(prefix, { username = '', lockedUser = false } = {}) {
  const user = field({ id: `${prefix}-username`, name: 'username', label: t('signin.username'), value: username,
    autocomplete: 'username', required: true, autocapitalize: 'none', spellcheck: 'false' });
  if (lockedUser) user.control.readOnly = true;
  const pass = field({ id: `${prefix}-password`, name: 'password', label: t('signin.password'), type: 'password',
    autocomplete: 'current-password', required: true });
  const form = h('form', { class: 'form', novalidate: true }, user, pass,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn' }, t('signin.submit'))));
  return form;
}

async function doSignIn(form) {
  clearErrors(form);
  const username = form.elements.username.value.trim();
  const password = form.elements.password.value;
  let bad = false;
  if (!username) { fieldError(form, 'username', t('form.required')); bad = true; }
  if (!password) { fieldError(form, 'password', t('form.required')); bad = true; }
  if (bad) { form.querySelector('[aria-invalid="true"]').focus(); return null; }
  try {
    const r = await post('/api/v1/session', { username, password }, { noReauth: true });
    return r.json;
  } catch (err) {
    let msg = errorText(err);
    if (err.status === 401) msg = t('signin.wrong');
    if (err.status === 429) {
      const after = err.headers && err.headers.get('Retry-After');
      msg = after ? t('signin.throttled', { seconds: after }) : t('error.rate_limited');
    }
    formError(form, msg).focus();
    form.elements.password.value = '';
    return null;
  }
}

function signInScreen(el) {
  document.getElementById('nav').hidden = true;
  clear(document.getElementById('user-area'));
  const form = signInForm('signin');
  onSubmit(form, async () => {
    const json = await doSignIn(form);
    if (!json) return;
    await afterSignIn(json);
    announce(t('signin.welcome', { name: json.user.full_name || json.user.username }));
    navigated = true;
    // replaceState, not location.hash: a hashchange would render the home page a second time,
    // and the abandoned render's requests could still be in flight after this one is shown.
    if (!location.hash || location.hash === '#') history.replaceState(null, '', '#/');
    await route();
  });
  document.title = `${t('signin.title')} — ${t('app.name')}`;
  clear(el).append(h('div', { class: 'signin' },
    h('div', { class: 'card' },
      h('h1', { tabindex: '-1', class: 'page-title' }, t('signin.title')),
      langSelect('lang-signin', async (code) => { await switchLang(code); signInScreen(el); el.querySelector('#lang-signin').focus(); }),
      form)));
  el.dataset.ready = location.hash || '#/';
}

// The in-place sign-in shown over whatever screen is open when the session has expired. The
// screen underneath is untouched, so anything typed stays; the interrupted request is retried.
function reauthDialog() {
  return new Promise((resolve) => {
    const old = document.getElementById('reauth');
    if (old) old.remove();
    const returnFocus = document.activeElement;
    const form = signInForm('reauth', { username: state.user ? state.user.username : '', lockedUser: !!state.user });
    const dlg = h('dialog', { id: 'reauth', class: 'dialog', 'aria-labelledby': 'reauth-title', 'aria-describedby': 'reauth-desc' },
      h('h2', { id: 'reauth-title' }, t('reauth.title')),
      h('p', { id: 'reauth-desc' }, t('reauth.explain')),
      form,
      h('p', { class: 'dialog-alt' }, button(t('reauth.sign_out'), signOut, 'btn btn-link')));
    dlg.addEventListener('cancel', (e) => e.preventDefault()); // Escape must not drop the user's work
    onSubmit(form, async () => {
      const json = await doSignIn(form);
      if (!json) return;
      if (state.user && json.user.id !== state.user.id) { await signOut(); return; }
      state.user = json.user;
      setCsrf(json.csrf_token);
      dlg.close();
      dlg.remove();
      announce(t('reauth.done'));
      if (returnFocus && document.contains(returnFocus)) returnFocus.focus();
      resolve();
    });
    document.body.append(dlg);
    dlg.showModal();
    const pw = form.elements.password;
    (state.user ? pw : form.elements.username).focus();
  });
}

/* ---------- account: password and tokens ---------- */

function passwordScreen(el, forced) {
  if (forced) {
    document.getElementById('nav').hidden = true;
    renderUserArea();
  }
  const cur = field({ name: 'current_password', label: t('password.current'), type: 'password', autocomplete: 'current-password', required: true });
  const neu = field({ name: 'new_password', label: t('password.new'), type: 'password', autocomplete: 'new-password', required: true, hint: t('password.rules') });
  const rep = field({ name: 'confirm', label: t('password.confirm'), type: 'password', autocomplete: 'new-password', required: true });
  const form = h('form', { class: 'form', novalidate: true }, cur, neu, rep,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn' }, t('password.submit'))));
  onSubmit(form, async () => {
    clearErrors(form);
    const f = form.elements;
    if (!f.current_password.value) return fieldError(form, 'current_password', t('form.required')) && f.current_password.focus();
    if (f.new_password.value.length < 10) return fieldError(form, 'new_password', t('password.too_short')) && f.new_password.focus();
    if (f.new_password.value !== f.confirm.value) return fieldError(form, 'confirm', t('password.mismatch')) && f.confirm.focus();
    try {
      await post('/api/v1/me/password', { current_password: f.current_password.value, new_password: f.new_password.value });
    } catch (err) {
      return showApiError(form, err); // e.g. 422 on new_password, shown next to it
    }
    form.reset();
    announce(t('password.changed'));
    if (forced) {
      state.user.must_change_password = false;
      try { const r = await get('/api/v1/session'); state.user = r.json.user; setCsrf(r.json.csrf_token); } catch { /* keep going */ }
      navigated = true;
      navigate('#/');
    } else {
      formError(form, h('p', null, t('password.changed'))).classList.add('form-ok');
    }
  });
  const page = h('div', { class: 'page narrow' },
    pageTitle(forced ? t('password.forced_title') : t('password.title')),
    forced ? h('p', { class: 'notice' }, t('password.forced_explain')) : null,
    form);
  if (forced) {
    clear(el).append(page);
    el.dataset.ready = location.hash || '#/';
    page.querySelector('h1').focus();
    return undefined;
  }
  el.append(...page.childNodes);
  return undefined;
}

async function tokensScreen(el) {
  el.append(pageTitle(t('tokens.title')), h('p', { class: 'muted' }, t('tokens.explain')));
  const name = field({ name: 'name', label: t('tokens.name'), maxlength: 100 });
  const days = field({ name: 'expires_in_days', label: t('tokens.days'), type: 'number', value: '90', min: 1, max: 365, inputmode: 'numeric' });
  const created = h('div', { 'aria-live': 'polite' });
  const listBox = h('div');
  const form = h('form', { class: 'form', novalidate: true }, h('h2', null, t('tokens.create')), name, days,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn' }, t('tokens.create'))));
  async function refresh() {
    const r = await get('/api/v1/tokens');
    const items = r.json.items || [];
    clear(listBox).append(h('h2', null, t('tokens.list')), items.length === 0 ? h('p', null, t('tokens.none')) :
      table(t('tokens.list'), [
        [t('tokens.name'), (x) => x.name || '—'],
        [t('tokens.created'), (x) => fmt(x.created_at)],
        [t('tokens.expires'), (x) => fmt(x.expires_at)],
        [t('common.actions'), (x) => button(t('tokens.revoke'), async () => {
          if (!window.confirm(t('tokens.revoke_confirm'))) return;
          try { await del(`/api/v1/tokens/${encodeURIComponent(x.id)}`); announce(t('tokens.revoked')); await refresh(); } catch (err) { announce(errorText(err)); }
        }, 'btn btn-danger btn-small')],
      ], items));
  }
  onSubmit(form, async () => {
    clearErrors(form);
    const body = {};
    if (form.elements.name.value.trim()) body.name = form.elements.name.value.trim();
    if (form.elements.expires_in_days.value) body.expires_in_days = Number(form.elements.expires_in_days.value);
    try {
      const r = await post('/api/v1/tokens', body);
      clear(created).append(h('div', { class: 'notice notice-ok' },
        h('p', null, t('tokens.copy_now')),
        h('p', null, h('code', { class: 'token' }, r.json.token))));
      form.reset();
      await refresh();
    } catch (err) { showApiError(form, err); }
  });
  el.append(form, created, listBox);
  await refresh();
}

function fmt(iso) {
  return iso ? new Intl.DateTimeFormat(lang(), { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso)) : '—';
}

/* ---------- boot ---------- */

async function boot() {
  let saved = null;
  try { saved = localStorage.getItem(LANG_KEY); } catch { /* storage may be off */ }
  await setLang(saved || normalizeLang(navigator.language));
  applyChromeText();
  document.getElementById('skip-link').addEventListener('click', (e) => {
    e.preventDefault();
    main().focus();
  });
  setReauthHandler(reauthDialog);
  setPasswordChangeHandler(() => {
    if (state.user && !state.user.must_change_password) { state.user.must_change_password = true; route(); }
  });
  try {
    const r = await api('GET', '/api/v1/session', undefined, { noReauth: true });
    await afterSignIn(r.json);
  } catch { state.user = null; }
  window.addEventListener('hashchange', () => { navigated = true; route(); });
  await route();
  document.body.classList.add('ready');
}

boot();
