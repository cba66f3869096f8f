// i18n.js: loads web/i18n/<lang>.json and translates UI strings; sets <html lang dir>.
// English is the fallback for any key a translation lacks.

// draft: how the language names its own translation while no native-speaking practitioner has
// reviewed it (the UI strings, forms, lookups and messages); shown beside it in the picker.
export const LANGS = [
  { code: 'en', name: 'English', dir: 'ltr' },
  { code: 'fr', name: 'Français', dir: 'ltr', draft: 'traduction provisoire' },
  { code: 'es', name: 'Español', dir: 'ltr', draft: 'traducción provisional' },
  { code: 'ar', name: 'العربية', dir: 'rtl', draft: 'ترجمة أولية' },
];

const cache = {};
let current = 'en';
let strings = {};
let fallback = {};

async function load(code) {
  if (!cache[code]) {
    const r = await fetch(`/i18n/${code}.json`, { credentials: 'same-origin' });
    cache[code] = r.ok ? await r.json() : {};
  }
  return cache[code];
}

export function normalizeLang(code) {
  const c = String(code || '').toLowerCase().slice(0, 2);
  return LANGS.some((l) => l.code === c) ? c : 'en';
}

export async function setLang(code) {
  const lang = normalizeLang(code);
  const [main, en] = await Promise.all([load(lang), lang === 'en' ? null : load('en')]);
  strings = main;
  fallback = en || main;
  current = lang;
  const info = LANGS.find((l) => l.code === lang);
  document.documentElement.lang = lang;
  document.documentElement.dir = info.dir;
  return lang;
}

export function lang() { return current; }

export function has(key) { return key in strings || key in fallback; }

// t('case.saved', {id: 'DSS-1'}) -> string with {id} replaced.
export function t(key, vars) {
  let s = strings[key] ?? fallback[key] ?? key;
  if (vars) s = s.replace(/\{(\w+)\}/g, (m, k) => (vars[k] ?? m));
  return s;
}

// tOr('service.mhpss', 'mhpss'): the translation of key, or fallback when no language has one
// (a code this UI does not know is shown as it is).
export function tOr(key, fallback) { return has(key) ? t(key) : fallback; }

export function fmtDateTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return new Intl.DateTimeFormat(current, { dateStyle: 'medium', timeStyle: 'short' }).format(d);
}

export function fmtDate(ymd) {
  if (!ymd) return '';
  const d = new Date(`${ymd}T00:00:00Z`);
  if (Number.isNaN(d.getTime())) return String(ymd);
  return new Intl.DateTimeFormat(current, { dateStyle: 'medium', timeZone: 'UTC' }).format(d);
}

// ['Syria', 'Jordan'] -> "Syria and Jordan", as the language joins a list.
export function fmtList(items) {
  return new Intl.ListFormat(current, { type: 'conjunction' }).format(items.map(String));
}
