// Every language is complete: the UI strings (web/i18n/*.json) and every label, help text and
// option of the shipped configuration (config/) exist in English, French, Spanish and Arabic,
// and a translation equal to the English text is allowed only when config/i18n/identical.json
// lists it for that language (loan words, names, symbols) — so an untranslated string fails.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../../', import.meta.url).pathname;
const LANGS = ['en', 'fr', 'es', 'ar'];
const identical = JSON.parse(readFileSync(join(root, 'config/i18n/identical.json'), 'utf8'));
const sameOk = (lang, en) => (identical[lang] || []).includes(en);

function files(dir) {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.json') ? [p] : [];
  });
}

// Every {en, fr, es, ar} object under "labels" or "help" in a configuration document.
function labelObjects(v, path, out) {
  if (Array.isArray(v)) v.forEach((x, i) => labelObjects(x, `${path}[${i}]`, out));
  else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      if ((k === 'labels' || k === 'help') && x && typeof x === 'object' && !Array.isArray(x)) out.push([`${path}.${k}`, x]);
      else labelObjects(x, `${path}.${k}`, out);
    }
  }
  return out;
}

test('the identical-text exceptions are a short list', () => {
  for (const l of ['fr', 'es', 'ar']) assert.ok((identical[l] || []).length <= 25, `${l}: ${identical[l].length} exceptions`);
});

test('UI strings: every key in every language, translated', () => {
  const ui = Object.fromEntries(LANGS.map((l) => [l, JSON.parse(readFileSync(join(root, `web/i18n/${l}.json`), 'utf8'))]));
  const problems = [];
  for (const l of LANGS.slice(1)) {
    for (const [k, en] of Object.entries(ui.en)) {
      const s = ui[l][k];
      if (typeof s !== 'string' || !s.trim()) problems.push(`${l} ${k}: missing`);
      else if (s === en && !sameOk(l, en)) problems.push(`${l} ${k}: same as English "${en}"`);
    }
    for (const k of Object.keys(ui[l])) if (!(k in ui.en)) problems.push(`${l} ${k}: not in English`);
  }
  assert.deepEqual(problems, []);
});

for (const dir of ['config/forms', 'config/lookups', 'config/workflows', 'config/screening']) {
  test(`${dir}: every label and help text in four languages, translated`, () => {
    const problems = [];
    for (const f of files(join(root, dir))) {
      const doc = JSON.parse(readFileSync(f, 'utf8'));
      for (const [path, labels] of labelObjects(doc, f.slice(root.length), [])) {
        for (const l of LANGS) {
          if (typeof labels[l] !== 'string' || !labels[l].trim()) problems.push(`${path}: ${l} missing`);
          else if (l !== 'en' && labels[l] === labels.en && !sameOk(l, labels.en)) problems.push(`${path}: ${l} same as English "${labels.en}"`);
        }
        for (const k of Object.keys(labels)) if (!LANGS.includes(k)) problems.push(`${path}: unknown language ${k}`);
      }
    }
    assert.deepEqual(problems, []);
  });
}

test('the glossary has every term in four languages and is marked as a draft', () => {
  const g = JSON.parse(readFileSync(join(root, 'config/i18n/glossary.json'), 'utf8'));
  assert.equal(g.draft, true);
  assert.ok(g.terms.length >= 30);
  for (const term of g.terms) for (const l of LANGS) assert.ok(term[l] && term[l].trim(), `${term.id}: ${l}`);
});

test('every shipped form and screening tool is marked as a draft awaiting national validation', () => {
  for (const d of ['config/forms', 'config/screening']) {
    for (const f of files(join(root, d))) assert.equal(JSON.parse(readFileSync(f, 'utf8')).draft, true, f);
  }
});
