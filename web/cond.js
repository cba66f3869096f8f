// Show-if conditions of configurable forms: the browser's twin of src/core/cond.c. Both run the
// case table tests/data/conditions.json, so a field the browser hides is one the server refuses.
// A condition: {field, op, value} with op eq ne in not_in lt lte gt gte empty not_empty contains,
// or {all:[...]}, {any:[...]}, {not:...}. A missing or null field is empty.

const MAX_DEPTH = 16;

function isEmpty(v) {
  return v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0)
    || (typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0);
}

function same(a, b) {
  if (typeof a !== typeof b || Array.isArray(a) !== Array.isArray(b)) return false;
  if (a === null || b === null || typeof a !== 'object') return a === b;
  if (Array.isArray(a)) return a.length === b.length && a.every((x, i) => same(x, b[i]));
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && same(a[k], b[k]));
}

// -1, 0, 1 for two numbers or two strings (by code point, as the server's UTF-8 bytes); 2 otherwise.
function compare(a, b) {
  if (typeof a === 'number' && typeof b === 'number') return Math.sign(a - b);
  if (typeof a !== 'string' || typeof b !== 'string') return 2;
  const x = Array.from(a, (c) => c.codePointAt(0));
  const y = Array.from(b, (c) => c.codePointAt(0));
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return Math.sign(x[i] - y[i]);
  return Math.sign(x.length - y.length);
}

function depthOf(c, d) {
  if (d > MAX_DEPTH || c === null || typeof c !== 'object') return d;
  let max = d;
  for (const sub of [...(Array.isArray(c.all) ? c.all : []), ...(Array.isArray(c.any) ? c.any : [])]) {
    max = Math.max(max, depthOf(sub, d + 1));
  }
  if (c.not !== undefined) max = depthOf(c.not, d + 1);
  return max;
}

function evaluate(c, doc) {
  if (c === null || typeof c !== 'object' || Array.isArray(c)) return false;
  if (c.all !== undefined) return Array.isArray(c.all) && c.all.length > 0 && c.all.every((s) => evaluate(s, doc));
  if (c.any !== undefined) return Array.isArray(c.any) && c.any.some((s) => evaluate(s, doc));
  if (c.not !== undefined) return !evaluate(c.not, doc);
  const f = typeof c.field === 'string' ? doc[c.field] : undefined;
  const v = c.value;
  const cmp = () => (isEmpty(f) ? 2 : compare(f, v));
  switch (c.op) {
    case 'eq': return !isEmpty(f) && same(f, v);
    case 'ne': return isEmpty(f) || !same(f, v);
    case 'in': return !isEmpty(f) && Array.isArray(v) && v.some((x) => same(f, x));
    case 'not_in': return isEmpty(f) || !Array.isArray(v) || !v.some((x) => same(f, x));
    case 'lt': { const r = cmp(); return r !== 2 && r < 0; }
    case 'lte': { const r = cmp(); return r !== 2 && r <= 0; }
    case 'gt': { const r = cmp(); return r !== 2 && r > 0; }
    case 'gte': { const r = cmp(); return r !== 2 && r >= 0; }
    case 'empty': return isEmpty(f);
    case 'not_empty': return !isEmpty(f);
    case 'contains': return Array.isArray(f) ? f.some((x) => same(v, x)) : !isEmpty(f) && same(f, v);
    default: return false;
  }
}

// true when the condition holds for the record document doc.
export function condEval(cond, doc) {
  return depthOf(cond, 0) <= MAX_DEPTH && evaluate(cond, doc || {});
}
