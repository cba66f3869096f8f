// tools/messages.mjs: lists every message format the server can put in an API error — the
// string literal given to err_set() or api_fail() in src/, and the words marked MSG("...") that
// messages take through %s — so that config/i18n/errors.json
// can translate each one. `node tools/messages.mjs` prints them as JSON; `--update` adds the
// missing ones to the catalogue (empty translations, for a translator to fill in) and drops
// the ones no longer used. tests/web/messages.test.mjs fails while any is untranslated.
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../', import.meta.url).pathname;
export const CATALOGUE = join(root, 'config/i18n/errors.json');

function sources(dir) {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.c') ? [p] : [];
  });
}

// The arguments of a call starting at text[i] (just after the opening parenthesis), split at
// top-level commas; string literals and nested parentheses are kept whole.
function args(text, i) {
  const out = [];
  let depth = 0, cur = '';
  for (; i < text.length; i++) {
    const c = text[i];
    if (c === '"' || c === "'") {
      let j = i + 1;
      while (text[j] !== c) j += text[j] === '\\' ? 2 : 1;
      cur += text.slice(i, j + 1);
      i = j;
    } else if (c === '(') { depth++; cur += c; }
    else if (c === ')') { if (depth-- === 0) break; cur += c; }
    else if (c === ',' && depth === 0) { out.push(cur.trim()); cur = ''; }
    else cur += c;
  }
  out.push(cur.trim());
  return out;
}

// A C expression made only of adjacent string literals, as the string it denotes; else null.
function literal(expr) {
  const parts = expr.match(/^(\s*"(?:[^"\\]|\\.)*"\s*)+$/s) ? expr.match(/"(?:[^"\\]|\\.)*"/gs) : null;
  if (!parts) return null;
  return parts.map((p) => JSON.parse(p.replace(/\\'/g, "'"))).join('');
}

export function formats() {
  const set = new Set();
  for (const file of sources(join(root, 'src'))) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/\b(err_set|api_fail|MSG)\(/g)) {
      const a = args(text, m.index + m[0].length);
      const s = literal(m[1] === 'MSG' ? a[0] : a[3] ?? '');
      if (s && s !== '%s') set.add(s);
    }
  }
  return [...set].sort();
}

// The printf conversions of a format, in order: the translation must keep them.
export const conversions = (s) => (s.match(/%[-+ #0]*[0-9]*(?:\.[0-9]+)?(?:hh|h|ll|l|z|j|t)?[diouxXeEfgGcsp%]/g) || []);

if (process.argv[1] && process.argv[1].endsWith('messages.mjs')) {
  const all = formats();
  if (process.argv.includes('--update')) {
    const cat = JSON.parse(readFileSync(CATALOGUE, 'utf8'));
    const next = { about: cat.about, draft: cat.draft, messages: {} };
    for (const f of all) next.messages[f] = cat.messages[f] || { fr: '', es: '', ar: '' };
    writeFileSync(CATALOGUE, `${JSON.stringify(next, null, 2)}\n`);
    console.log(`${all.length} messages; ${all.filter((f) => !cat.messages[f]).length} new`);
  } else {
    console.log(JSON.stringify(all, null, 2));
  }
}
