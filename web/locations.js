// locations.js: administrative areas (GET /api/v1/locations), fetched one level at a time as a
// person opens them and kept for the page's life (they change with a new national boundary
// set, not during a visit); the names of a stored p-code's areas; the labels of the levels;
// a p-code as typed, in its stored form.
import { get } from './api.js';
import { t, tOr, lang } from './i18n.js';

const cache = new Map(); // "fr:XD01" -> Promise<[{pcode, level, parent, name}]>

export function children(parent = '') {
  const key = `${lang()}:${parent}`;
  if (!cache.has(key)) {
    const q = new URLSearchParams({ locale: lang() });
    if (parent) q.set('parent', parent);
    const p = get(`/api/v1/locations?${q}`).then((r) => r.json.items || []);
    p.catch(() => cache.delete(key));
    cache.set(key, p);
  }
  return cache.get(key);
}

// The areas from the top level down to pcode, or null when it cannot be found. P-codes are
// hierarchical (an area's code starts with its parent's, as in OCHA's COD-AB), so the path is
// found by descending from the top, one request per level (each one cached).
export async function pathOf(pcode) {
  const path = [];
  let parent = '';
  for (let depth = 0; depth < 8 && pcode; depth++) {
    const items = await children(parent);
    const hit = items.find((x) => x.pcode === pcode) || items.find((x) => pcode.startsWith(x.pcode));
    if (!hit) return null;
    path.push(hit);
    if (hit.pcode === pcode) return path;
    parent = hit.pcode;
  }
  return null;
}

// "Region", "District" … for an area level (0 is the country).
export function levelLabel(level) {
  const key = `location.level_${level}`;
  return tOr(key, t('location.level_n', { n: level }));
}

// " xd0101 " -> "XD0101": p-codes are stored in capitals, whatever way a person types one.
export const normalizePcode = (code) => String(code || '').trim().toUpperCase();

// "Demo Country › Norvalia › Eskbury": the areas from the top down (bidi-mirrored in Arabic);
// the p-code itself when it is not (or no longer) known.
export async function placeName(pcode) {
  try {
    const path = await pathOf(pcode);
    return path ? path.map((x) => x.name).join(' › ') : pcode;
  } catch {
    return pcode;
  }
}
