// The scale benchmark of `haven link` (issue [4/4] goals): deduplicate N synthetic children's
// records (bench/link/gen.mjs, seeded) with Haven's own config, on every core, and report the
// time, the peak memory, the candidate pairs and the scoring rate; then match Q new records one
// at a time against the N (the duplicate check at registration); then score against the
// generator's truth: precision, recall and F1 of the pairs written, and blocking recall (the
// share of true pairs whose records share a blocking key, read from --prepared, so the engine
// itself never sees the truth).
//
// node bench/link/scale.mjs [--n 1000000] [--queries 10000] [--seed 42] [--threads 2]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, createReadStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const root = new URL('../../', import.meta.url).pathname;
const args = process.argv.slice(2);
const opt = (name, dflt) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : dflt; };
const N = Number(opt('--n', 1000000)), Q = Number(opt('--queries', 10000)), SEED = opt('--seed', '42');
const THREADS = opt('--threads', '2');
const haven = join(root, 'build/haven'), config = join(root, 'config/link/haven.json');
const dir = mkdtempSync(join(tmpdir(), 'haven-scale-'));
const input = join(dir, 'persons.csv'), queries = join(dir, 'queries.csv');

function run(cmd, argv, what) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, argv, { encoding: 'utf8', maxBuffer: 1 << 28 });
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`${what} failed (${r.status}):\n${r.stderr}`);
  return { ...r, secs };
}

const rss = (stderr) => Number((stderr.match(/Maximum resident set size \(kbytes\): (\d+)/) || [])[1] || 0) / 1024;
const line = (stderr, re) => (stderr.match(re) || [])[0] || '';

// Streams a CSV without quoted commas in the columns we read (gen.mjs quotes only names).
async function* rows(path) {
  const rl = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  let header = null;
  for await (const l of rl) {
    const f = splitCsv(l);
    if (!header) header = f;
    else yield Object.fromEntries(header.map((h, i) => [h, f[i] ?? '']));
  }
}

function splitCsv(l) {
  const out = [];
  let cur = '', q = false;
  for (let i = 0; i < l.length; i++) {
    const c = l[i];
    if (q) { if (c === '"' && l[i + 1] === '"') { cur += '"'; i++; } else if (c === '"') q = false; else cur += c; }
    else if (c === '"') q = true; else if (c === ',') { out.push(cur); cur = ''; } else cur += c;
  }
  out.push(cur);
  return out;
}

try {
  run('node', [join(root, 'bench/link/gen.mjs'), '--n', String(N), '--seed', SEED, '--out', input,
    '--queries', String(Q), '--queries-out', queries], 'gen');
  const pairs = join(dir, 'pairs.csv'), prepared = join(dir, 'prepared.csv');
  const dedup = run('/usr/bin/time', ['-v', haven, 'link', '--input', input, '--config', config, '--out', pairs,
    '--threads', THREADS, '--prepared', prepared], 'dedup');
  const one = run('/usr/bin/time', ['-v', haven, 'link', '--input', input, '--with', queries, '--config', config,
    '--out', join(dir, 'q.csv'), '--threads', THREADS, '--latency'], 'queries');

  // Truth: record id -> person; true pairs are pairs within a person.
  const person = new Map();
  for await (const r of rows(input)) person.set(r.id, r.cluster);
  const size = new Map();
  for (const p of person.values()) size.set(p, (size.get(p) || 0) + 1);
  let truePairs = 0;
  for (const k of size.values()) truePairs += (k * (k - 1)) / 2;

  // Blocking recall: a true pair is a candidate when the two records share any rule's key.
  const keysOf = new Map(); // person -> list of key arrays
  for await (const r of rows(prepared)) {
    const keys = Object.keys(r).filter((k) => k.startsWith('block_')).map((k) => r[k]);
    const p = person.get(r.id);
    if (size.get(p) < 2) continue;
    if (!keysOf.has(p)) keysOf.set(p, []);
    keysOf.get(p).push(keys);
  }
  let blocked = 0;
  for (const recs of keysOf.values())
    for (let i = 0; i < recs.length; i++)
      for (let j = i + 1; j < recs.length; j++)
        if (recs[i].some((k, x) => k !== '' && k === recs[j][x])) blocked++;

  let tp = 0, fp = 0;
  const text = readFileSync(pairs, 'latin1').split('\n');
  for (let k = 1; k < text.length; k++) {
    if (!text[k]) continue;
    const [a, b] = text[k].split(',');
    if (person.get(a) === person.get(b)) tp++; else fp++;
  }
  const P = tp / (tp + fp), R = tp / truePairs;
  console.log(JSON.stringify({
    records: N, true_pairs: truePairs, threads: Number(THREADS),
    dedup_seconds: Number(dedup.secs.toFixed(2)), dedup_peak_rss_mb: Math.round(rss(dedup.stderr)),
    scoring: line(dedup.stderr, /blocking: .*/), pairs_written: tp + fp,
    precision: Number(P.toFixed(4)), recall: Number(R.toFixed(4)), f1: Number(((2 * P * R) / (P + R)).toFixed(4)),
    blocking_recall: Number((blocked / truePairs).toFixed(4)),
    one_vs_all: line(one.stderr, /one record against .*/), queries_run_peak_rss_mb: Math.round(rss(one.stderr)),
  }, null, 1));
  if (args.includes('--verbose')) process.stderr.write(dedup.stderr);
} finally {
  if (!args.includes('--keep')) rmSync(dir, { recursive: true, force: true });
  else console.error(`kept ${dir}`);
}
