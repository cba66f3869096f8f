// Accuracy of `haven link` on data with ground truth, as an outside benchmark would measure it:
// ids are replaced by random tokens and the truth column is blanked before linking, the pairs
// are scored afterwards. Prints precision, recall and F1 at the config's threshold, the best F1
// over thresholds (an oracle, for reference only) and blocking recall (the share of true pairs
// that the blocking rules make candidates at all).
//
// node bench/link/accuracy.mjs [--haven build/haven] [--only NAME]
//                               [--persons FILE]   (also a file written by gen.mjs)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { parseCsv, csvLine } from './csv.mjs';

const root = new URL('../../', import.meta.url).pathname;
const data = join(root, '../shared/data');
const args = process.argv.slice(2);
const opt = (name, dflt) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : dflt; };
const haven = opt('--haven', join(root, 'build/haven'));

const febrlTruth = (row) => row.rec_id.match(/^rec-(\d+)-/)[1];
const SETS = [
  { name: 'febrl1', file: 'febrl/febrl_dataset1.csv', config: 'febrl.json', id: 'rec_id', truth: febrlTruth },
  { name: 'febrl2', file: 'febrl/febrl_dataset2.csv', config: 'febrl.json', id: 'rec_id', truth: febrlTruth },
  { name: 'febrl3', file: 'febrl/febrl_dataset3.csv', config: 'febrl.json', id: 'rec_id', truth: febrlTruth },
  { name: 'febrl2 linked: originals to duplicates', file: 'febrl/febrl_dataset2.csv', config: 'febrl.json', id: 'rec_id', truth: febrlTruth, split: (r) => (r.rec_id.endsWith('-org') ? 0 : 1) },
  { name: 'febrl3 without soc_sec_id', file: 'febrl/febrl_dataset3.csv', config: 'febrl.json', id: 'rec_id', truth: febrlTruth, blank: ['soc_sec_id'] },
  { name: 'historical_25k_dev', file: 'splink_datasets/historical_25k_dev.csv', config: 'historical.json', id: 'unique_id', truth: (r) => r.cluster, blank: ['cluster'] },
];
if (opt('--persons')) {
  SETS.push({ name: 'persons', file: opt('--persons'), config: '../../config/link/haven.json', id: 'id', truth: (r) => r.cluster, blank: ['cluster'] });
}

// True pairs: within each cluster, or across the two inputs when linking.
function truePairs(rows, truth, side) {
  const by = new Map();
  rows.forEach((r, i) => { const c = truth(r); if (!by.has(c)) by.set(c, [0, 0]); by.get(c)[side ? side[i] : 0]++; });
  let n = 0;
  for (const [a, b] of by.values()) n += side ? a * b : (a * (a - 1)) / 2;
  return { cluster: rows.map(truth), n };
}

function link(files, config, dir, threshold) {
  const out = join(dir, `pairs-${threshold ?? 'config'}.csv`);
  const argv = ['link', '--input', files[0], '--config', join(root, 'bench/link', config), '--out', out];
  if (files[1]) argv.push('--with', files[1]);
  if (threshold !== undefined) argv.push('--threshold', String(threshold), '--no-cluster');
  const t0 = process.hrtime.bigint();
  const r = spawnSync(haven, argv, { encoding: 'utf8', maxBuffer: 1 << 26 });
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`haven link failed (${r.status}):\n${r.stderr}`);
  return { pairs: readPairs(out), log: r.stderr, secs };
}

// The pairs file as typed arrays (millions of rows at threshold 0); the ids written are the
// benchmark's hex tokens, which never need quoting.
function readPairs(path) {
  const text = readFileSync(path, 'latin1');
  let n = 0;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) n++;
  const l = new Array(n - 1), r = new Array(n - 1), p = new Float64Array(n - 1);
  let k = -1, pos = 0;
  while (pos < text.length) {
    const end = text.indexOf('\n', pos);
    if (k >= 0) {
      const [a, b, prob] = text.slice(pos, end).split(',');
      l[k] = a; r[k] = b; p[k] = Number(prob);
    }
    k++;
    pos = end + 1;
  }
  return { l, r, p, length: n - 1 };
}

function score(pairs, index, cluster, nTrue, threshold) {
  let tp = 0, fp = 0;
  for (let k = 0; k < pairs.length; k++) {
    if (pairs.p[k] < threshold) continue;
    if (cluster[index.get(pairs.l[k])] === cluster[index.get(pairs.r[k])]) tp++; else fp++;
  }
  const precision = tp + fp ? tp / (tp + fp) : 1, recall = tp / nTrue;
  return { tp, fp, precision, recall, f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0 };
}

const f4 = (x) => x.toFixed(4);
const results = [];
for (const set of SETS) {
  if (opt('--only') && !set.name.startsWith(opt('--only'))) continue;
  const { header, rows } = parseCsv(readFileSync(set.file.startsWith('/') ? set.file : join(data, set.file), 'utf8'), { trim: true });
  const side = set.split ? rows.map(set.split) : null;
  const { cluster, n: nTrue } = truePairs(rows, set.truth, side);
  // The engine sees random ids and no truth: the same rows, shuffled, relabelled, blanked.
  const token = rows.map(() => randomBytes(8).toString('hex'));
  const index = new Map(token.map((t, i) => [t, i]));
  const order = rows.map((_, i) => i).sort(() => Math.random() - 0.5);
  const dir = mkdtempSync(join(tmpdir(), 'haven-link-'));
  const inputs = (side ? [0, 1] : [0]).map((k) => {
    const file = join(dir, `input${k}.csv`);
    const lines = [csvLine(header)];
    for (const i of order) {
      if (side && side[i] !== k) continue;
      const r = { ...rows[i], [set.id]: token[i] };
      for (const b of set.blank || []) r[b] = '';
      lines.push(csvLine(header.map((h) => r[h])));
    }
    writeFileSync(file, lines.join('\n') + '\n');
    return file;
  });
  const cfg = JSON.parse(readFileSync(join(root, 'bench/link', set.config), 'utf8'));
  const run = link(inputs, set.config, dir);
  const atConfig = score(run.pairs, index, cluster, nTrue, cfg.threshold);
  // Every candidate the blocking rules give, scored, without clustering: blocking recall, and
  // the pairwise F1 at each threshold.
  const all = link(inputs, set.config, dir, 0);
  const blocking = score(all.pairs, index, cluster, nTrue, 0);
  const pairwise = score(all.pairs, index, cluster, nTrue, cfg.threshold);
  let best = { f1: 0 };
  for (let t = 0.01; t < 1; t += 0.01) {
    const s = score(all.pairs, index, cluster, nTrue, t);
    if (s.f1 > best.f1) best = { ...s, t };
  }
  rmSync(dir, { recursive: true });
  const row = {
    set: set.name, records: rows.length, true_pairs: nTrue, candidates: all.pairs.length,
    threshold: cfg.threshold, precision: f4(atConfig.precision), recall: f4(atConfig.recall), f1: f4(atConfig.f1),
    pairwise_f1: f4(pairwise.f1), blocking_recall: f4(blocking.recall), oracle_pairwise_f1: `${f4(best.f1)} at ${best.t.toFixed(2)}`, seconds: run.secs.toFixed(2),
  };
  results.push(row);
  if (args.includes('--verbose')) process.stderr.write(run.log);
  console.log(JSON.stringify(row));
}
console.table(results);
