// bench/services_seed.mjs: fills a running Haven's services directory with N synthetic
// providers' services spread over the demo areas, through the API (POST /api/v1/services, 16 at
// a time), and writes the areas' p-codes to OUT (one per line) for bench/services.lua.
// Usage: node bench/services_seed.mjs BASE_URL ADMIN_TOKEN N OUT
import { writeFileSync } from 'node:fs';

const [base, token, count, out] = process.argv.slice(2);
const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
const get = async (path) => (await fetch(base + path, { headers })).json();

const areas = [];
async function walk(parent) {
  const items = (await get(`/api/v1/locations${parent ? `?parent=${parent}` : ''}`)).items;
  for (const a of items) {
    areas.push(a.pcode);
    await walk(a.pcode);
  }
}
await walk('');
const types = ['mhpss', 'health', 'legal_aid', 'safe_shelter', 'education', 'vocational_training', 'family_tracing',
  'disability_services', 'gbv_response', 'interpretation', 'documentation_birth_registration'];
const langs = ['ar', 'fr', 'es', 'en', 'ru', 'uk', 'fa', 'ps', 'ti', 'am', 'so', 'km'];
let next = 0, failed = 0;
async function worker() {
  for (let i = next++; i < Number(count); i = next++) {
    const body = {
      name: `Service ${i}`, type: types[i % types.length], pcode: areas[(i * 7) % areas.length],
      languages: [langs[i % langs.length], langs[(i * 5 + 1) % langs.length]].filter((v, k, a) => a.indexOf(v) === k),
      capacity: i % 40, availability: ['open', 'waiting_list', 'full'][i % 3],
      aaaq: { availability: 1 + (i % 5), accessibility: 1 + ((i + 1) % 5), acceptability: 1 + ((i + 2) % 5), quality: 1 + ((i + 3) % 5) },
    };
    const r = await fetch(`${base}/api/v1/services`, { method: 'POST', headers, body: JSON.stringify(body) });
    if (r.status !== 201) failed++;
    await r.arrayBuffer();
  }
}
await Promise.all(Array.from({ length: 16 }, worker));
writeFileSync(out, `${areas.join('\n')}\n`);
if (failed) {
  console.error(`services_seed: ${failed} services were refused`);
  process.exit(1);
}
console.log(`${count} services over ${areas.length} areas`);
