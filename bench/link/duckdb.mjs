#!/usr/bin/env node
// Haven's linkage engine against DuckDB running what Splink runs for predict(): the same
// blocking joins, comparison levels (Jaro-Winkler, equality, edit distance, date arithmetic),
// trained weights and term-frequency adjustments, in SQL (bench/link/duckdb.sql), on the same
// records in the same run. See bench/link/README.md, "Haven against DuckDB (Splink's engine)".
//
//   npm ci --prefix bench/link            (once: @duckdb/node-api; run for you when missing)
//   make build/haven
//   node bench/link/duckdb.mjs [--input FILE | --n 1000000 --seed 42]
//                              [--config config/link/haven.json] [--threads 2] [--work DIR]
//                              [--threshold P]   (default the config's; 0 keeps and compares every candidate)
//                              [--repeat K]      (time each engine K times, report the fastest)
//                              [--tf-prior N]    (term frequencies shrunk as haven's data.c does; default:
//                                                 the model's tf_prior, else haven's TF_PRIOR, 1000; 0 = Splink's)
//
// 1. haven link --prepared --model --no-cluster --threads T: its scoring step's time (from its
//    stderr), its wall time and peak RSS (/usr/bin/time -v), the candidates per blocking rule,
//    the pairs kept; PREP.csv holds every record as the engine compares it, MODEL.json the
//    trained weights.
// 2. A child process (so its peak RSS is DuckDB's alone): DuckDB with SET threads = T loads
//    PREP.csv, builds the term-frequency tables, then runs the timed part: the blocking joins
//    (Splink's __splink__blocked_id_pairs) and the comparison + scoring query (predict()).
// 3. Checks: DuckDB's candidates equal haven's, rule by rule (exit 1 when not); the pairs kept
//    agree, and the weights of the pairs both kept; the pairs that differ are listed with their
//    values, levels and both weights.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync, openSync, readSync, closeSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const TIME = '/usr/bin/time';
// haven shrinks each term frequency toward the model's u as if this many more records had it
// (data.c, TF_PRIOR); model.json's tf_prior, when it has one, or --tf-prior say otherwise.
const TF_PRIOR = 1000;

function usage(msg) {
  if (msg) process.stderr.write(`duckdb.mjs: ${msg}\n`);
  process.stderr.write('usage: node bench/link/duckdb.mjs [--input FILE | --n N --seed S] [--config FILE] [--threads T]\n' +
    '                                [--threshold P] [--tf-prior N] [--repeat K] [--work DIR] [--haven build/haven]\n');
  process.exit(msg ? 2 : 0);
}

function parseArgs(argv) {
  const a = { input: null, n: 1000000, seed: '42', config: join(here, '../../config/link/haven.json'), threads: 2,
    work: join(tmpdir(), 'haven-bench-duckdb'), haven: join(root, 'build/haven'), threshold: null, tfPrior: null, repeat: 1,
    child: null };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const v = () => (i + 1 < argv.length ? argv[++i] : usage(`${k} needs a value`));
    switch (k) {
      case '--input': a.input = resolve(v()); break;
      case '--n': a.n = Number(v()); break;
      case '--seed': a.seed = v(); break;
      case '--config': a.config = resolve(v()); break;
      case '--threads': a.threads = Number(v()); break;
      case '--work': a.work = resolve(v()); break;
      case '--haven': a.haven = resolve(v()); break;
      case '--threshold': a.threshold = Number(v()); break;
      case '--tf-prior': a.tfPrior = Number(v()); break;
      case '--repeat': a.repeat = Number(v()); break;
      case '--child': a.child = v(); break;
      case '-h': case '--help': usage(); break;
      default: usage(`unknown option ${k}`);
    }
  }
  if (!Number.isInteger(a.n) || a.n < 2) usage('--n is a whole number of rows, at least 2');
  if (!Number.isInteger(a.threads) || a.threads < 1 || a.threads > 64) usage('--threads is 1 to 64');
  if (a.threshold !== null && !(a.threshold >= 0 && a.threshold < 1)) usage('--threshold is a probability, 0 to below 1');
  if (a.tfPrior !== null && !(a.tfPrior >= 0)) usage('--tf-prior is a number of records, 0 or more');
  if (!Number.isInteger(a.repeat) || a.repeat < 1 || a.repeat > 20) usage('--repeat is 1 to 20');
  return a;
}

const fmtInt = (x) => (x == null ? '-' : Number(x).toLocaleString('en-US'));
const fmtS = (x, d = 2) => (x == null ? '-' : x.toFixed(d));
const mb = (kb) => (kb == null ? '-' : `${Math.round(kb / 1024)} MB`);
const log = (s) => process.stderr.write(`${s}\n`);

// ---------------------------------------------------------------- the SQL template

// Sections of duckdb.sql: "-- @step NAME", "-- @fragment NAME" and "-- @level TEST", each up to
// the next. Leading comment lines of a level are documentation, not part of its condition.
function loadTemplate() {
  const sec = { step: {}, fragment: {}, level: {} };
  let cur = null;
  for (const line of readFileSync(join(here, 'duckdb.sql'), 'utf8').split('\n')) {
    const m = line.match(/^-- @(step|fragment|level) (\w+)\s*$/);
    if (m) { cur = []; sec[m[1]][m[2]] = cur; continue; }
    if (cur) cur.push(line);
  }
  for (const kind of Object.keys(sec)) {
    for (const [name, lines] of Object.entries(sec[kind])) {
      let body = lines;
      if (kind === 'level') body = lines.filter((l) => !/^\s*--/.test(l));
      const text = body.join('\n');
      sec[kind][name] = kind === 'level' ? text.trim() : text.replace(/^\s*\n/, '').replace(/\s+$/, '');
    }
  }
  return sec;
}

function fill(text, vars) {
  return text.replace(/\{\{(\w+)\}\}/g, (_, k) => {
    if (!(k in vars)) throw new Error(`duckdb.sql: no value for {{${k}}}`);
    return String(vars[k]);
  });
}

const sqlString = (s) => `'${String(s).replace(/'/g, "''")}'`;
// A double as a DuckDB DOUBLE literal, exactly (a plain 7.65 would be read as a DECIMAL).
function lit(x) {
  if (!Number.isFinite(x)) throw new Error(`not a finite number: ${x}`);
  return x.toExponential();
}

// The nickname table as haven reads it (names.c, names_add_groups): a group per line that is
// neither a comment nor blank, each name reduced to lower-case ASCII words, at most four groups
// per name (NAMES_MAX_GROUPS). The table is ASCII, so the reduction is ascii_words alone.
function nicknameRows() {
  const text = readFileSync(join(root, 'config/link/nicknames.csv'), 'utf8');
  const groups = new Map();
  let group = 0;
  for (const line of text.split(/\r?\n/)) {
    if (line === '' || line.startsWith('#')) continue;
    group++;
    for (const field of line.split(',')) {
      if (/[^\x00-\x7f]/.test(field)) throw new Error(`nicknames.csv: ${field} is not ASCII; reduce it as haven does (ICU)`);
      const name = field.toLowerCase().replace(/['`]/g, '').split(/[^a-z0-9]+/).filter(Boolean).join(' ');
      if (!name) throw new Error(`nicknames.csv: an empty name in line ${line}`);
      const g = groups.get(name) ?? [];
      if (!g.includes(group) && g.length < 4) g.push(group);
      groups.set(name, g);
    }
  }
  const rows = [];
  for (const [name, gs] of groups) for (const g of gs) rows.push(`(${sqlString(name)}, ${g})`);
  return rows;
}

// Builds every statement from the config, the trained model and the prepared file's header.
function buildSql(config, model, header, prepared, threshold, tfPrior) {
  const T = loadTemplate();
  const cols = config.columns;
  const ident = (c) => {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(c)) throw new Error(`column ${c}: only plain identifiers are supported here`);
    return c;
  };
  const isDate = (c) => cols[c]?.type === 'date';
  if (model.comparisons.length !== config.comparisons.length) throw new Error('the model does not fit the config');

  // The prepared file's columns, typed.
  const types = header.map((h) => {
    const t = /^block_\d+$/.test(h) ? 'UBIGINT' : /__(year|days|estimated)$/.test(h) ? 'INTEGER' : 'VARCHAR';
    return `${sqlString(h)}: ${sqlString(t)}`;
  });
  const nblock = header.filter((h) => /^block_\d+$/.test(h)).length;
  if (nblock !== config.blocking.length) throw new Error(`the prepared file has ${nblock} blocking keys, the config ${config.blocking.length} rules`);

  // Comparisons → gamma expressions and weight terms.
  const tfCols = new Set(), dateCols = new Set(), nickCols = new Set(), names = new Set();
  const gammas = [], terms = [], tfColumns = [];
  config.comparisons.forEach((cmp, ci) => {
    const mc = model.comparisons[ci];
    if (mc.levels.length !== cmp.levels.length + 1) throw new Error(`comparison ${cmp.name}: the model has ${mc.levels.length} levels`);
    let name = (cmp.name ?? cmp.column).toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '');
    while (names.has(name)) name += '_';
    names.add(name);
    const whens = [], weights = [];
    cmp.levels.forEach((lv, k) => {
      const c = ident(lv.column ?? cmp.column), date = isDate(c);
      if (date) dateCols.add(c);
      const vars = { c, v: date ? `${c}__value` : c, w: lv.with ? ident(lv.with) : '', min: lv.min ?? 1, max: lv.max ?? 0 };
      let test = lv.test;
      if (date && T.level[`${test}_date`]) test = `${test}_date`; // exact, osa and prefix behave otherwise on dates
      if (test === 'swapped' && (lv.min ?? 1) >= 1) test = 'swapped_exact';
      if (test === 'nickname') nickCols.add(c);
      if (!T.level[test]) throw new Error(`comparison ${cmp.name}: no SQL for the test ${lv.test}`);
      whens.push(fill(T.fragment.gamma_when, { condition: fill(T.level[test], vars), level: k, label: mc.levels[k].label }));
      const ml = mc.levels[k];
      let weight = lit(ml.weight);
      if (ml.tf > 0) {
        tfCols.add(c);
        weight += ` + ${lit(ml.tf)} * (${lit(ml.log2_u_ref)} - greatest(log2_tf_${c}_l, log2_tf_${c}_r))`;
      }
      weights.push(` WHEN ${k} THEN ${weight}`);
    });
    weights.push(` WHEN ${cmp.levels.length} THEN ${lit(mc.levels[cmp.levels.length].weight)}`);
    gammas.push(fill(T.fragment.gamma, { c: ident(cmp.column), whens: whens.join('\n'), else: cmp.levels.length, name }));
    terms.push(fill(T.fragment.weight_term, { name, weights: weights.join('') }));
  });
  // The u each tf column's shares are shrunk toward (a tf prior): that of the exact tf level of
  // the first comparison on the column (data.c, lk_data_shrink_tf).
  const uRef = new Map();
  config.comparisons.forEach((cmp, ci) => {
    const k = cmp.levels.findIndex((lv) => lv.test === 'exact' && lv.tf > 0 && (lv.column ?? cmp.column) === cmp.column);
    if (k >= 0 && !uRef.has(cmp.column) && model.comparisons[ci].levels[k].u > 0) uRef.set(cmp.column, model.comparisons[ci].levels[k].u);
  });
  for (const c of tfCols) tfColumns.push(`    l.log2_tf_${c} AS log2_tf_${c}_l, r.log2_tf_${c} AS log2_tf_${c}_r`);

  // Preparation: tf tables, and the columns and joins prep adds to the records.
  const prepColumns = [], prepJoins = [];
  for (const c of tfCols) {
    prepColumns.push(`tf_${c}.log2_tf_${c}`);
    prepJoins.push(`LEFT JOIN tf_${c} ON tf_${c}.${c} = raw.${c}`);
  }
  for (const c of dateCols) prepColumns.push(fill(T.fragment.date_value, { c }));
  for (const c of nickCols) {
    prepColumns.push(`nick_${c}.grps AS ${c}__nicknames`);
    prepJoins.push(fill(T.fragment.nickname_join, { c }));
  }

  const rules = config.blocking.map((rule, i) => {
    const k = i + 1;
    let notEarlier = '';
    for (let q = 1; q < k; q++) notEarlier += `\n  AND NOT coalesce(l.block_${q} = r.block_${q}, false)`;
    return fill(T.fragment.blocking_rule, { k, rule, not_earlier: notEarlier });
  });

  const least = threshold <= 0 ? -Infinity : Math.log2(threshold / (1 - threshold));
  const predict = (into, pairs, keep) => fill(T.step.predict, {
    into, pairs, keep, gammas: gammas.join(',\n'), tf_columns: tfColumns.join(',\n') || '    NULL AS no_tf',
    prior_weight: lit(model.prior_weight), weight_terms: terms.join('\n'),
  });
  const keep = threshold <= 0 ? 'true'
    : `match_weight >= ${lit(least)} AND pow(2, match_weight) / (1 + pow(2, match_weight)) >= ${lit(threshold)}`;
  return {
    load: fill(T.step.load, { prepared: sqlString(prepared), csv_columns: `{${types.join(', ')}}` }),
    nicknames: nickCols.size ? fill(T.step.nicknames, { nickname_rows: nicknameRows().join(',\n  ') }) : null,
    tf: [...tfCols].map((c) => fill(T.fragment.tf_table, { c, tf_prior: lit(uRef.has(c) ? tfPrior : 0), u: lit(uRef.get(c) ?? 0) })),
    prep: fill(T.step.prep, { prep_columns: prepColumns.map((p) => `,\n       ${p.replace(/\n/g, '\n       ')}`).join(''), prep_joins: prepJoins.map((j) => `\n${j}`).join('') }),
    blocking: fill(T.step.blocking, { rules: rules.join('\nUNION ALL\n') }),
    predict: predict('predictions', 'blocked_id_pairs', keep),
    rescore: (into, pairs) => predict(into, pairs, 'true'),
    candidates: T.step.candidates,
    least,
    least0: Number.isFinite(least) ? least : 0,
    names: [...names],
  };
}

// ---------------------------------------------------------------- the DuckDB child

async function child(jobPath) {
  const job = JSON.parse(readFileSync(jobPath, 'utf8'));
  const { DuckDBInstance, version } = await import('@duckdb/node-api');
  const config = JSON.parse(readFileSync(job.config, 'utf8'));
  const model = JSON.parse(readFileSync(job.model, 'utf8'));
  const fd = openSync(job.prepared, 'r');
  const head = Buffer.alloc(1 << 16);
  const got = readSync(fd, head, 0, head.length, 0);
  closeSync(fd);
  const lines = head.subarray(0, got).toString('utf8').split('\n');
  const header = lines[0].split(',');
  const firstId = lines[1].split(',')[0];
  const tfPrior = job.tfPrior ?? model.tf_prior ?? TF_PRIOR;
  const sql = buildSql(config, model, header, job.prepared, job.threshold, tfPrior);
  writeFileSync(join(job.work, 'duckdb-run.sql'), [
    `-- Filled in from ${job.config} and ${job.model} by bench/link/duckdb.mjs.`, `SET threads = ${job.threads};`,
    sql.load, sql.nicknames ?? '', ...sql.tf, sql.prep, '-- timed from here', sql.blocking, sql.predict, '-- to here', sql.candidates,
  ].map((q) => (q && !q.startsWith('--') && !q.endsWith(';') ? `${q};` : q)).join('\n\n') + '\n');

  const instance = await DuckDBInstance.create(':memory:', { threads: String(job.threads) });
  const db = await instance.connect();
  const rows = async (q) => (await db.runAndReadAll(q)).getRowObjectsJS();
  const time = async (label, statements) => {
    const t0 = performance.now();
    for (const s of [statements].flat()) if (s) await db.run(s);
    const s = (performance.now() - t0) / 1000;
    log(`duckdb: ${label} ${s.toFixed(2)} s`);
    return s;
  };
  const out = { tf_prior: tfPrior, version: version(), threads: Number((await rows("SELECT current_setting('threads') AS t"))[0].t) };
  out.rss_start_kb = process.resourceUsage().maxRSS;
  out.load_s = await time('load PREP.csv', sql.load);
  out.nicknames_s = await time('nickname table', sql.nicknames);
  out.tf_s = await time('term-frequency tables', sql.tf);
  out.prep_s = await time('records with tf (prep)', sql.prep);
  out.rss_loaded_kb = process.resourceUsage().maxRSS;
  out.blocking_runs = [];
  out.predict_runs = [];
  for (let k = 0; k < job.repeat; k++) {
    if (k) await db.run('DROP TABLE predictions; DROP TABLE blocked_id_pairs;');
    out.blocking_runs.push(await time('blocking (timed)', sql.blocking));
    out.predict_runs.push(await time('comparisons + scoring (timed)', sql.predict));
  }
  const sums = out.blocking_runs.map((b, k) => b + out.predict_runs[k]);
  const best = sums.indexOf(Math.min(...sums));
  out.blocking_s = out.blocking_runs[best];
  out.predict_s = out.predict_runs[best];
  out.rss_kb = process.resourceUsage().maxRSS;
  out.duckdb_memory_bytes = Number((await rows('SELECT sum(memory_usage_bytes) AS b FROM duckdb_memory()'))[0].b);

  out.by_rule = Object.fromEntries((await rows(sql.candidates)).map((r) => [r.match_key, Number(r.candidates)]));
  out.candidates = Object.values(out.by_rule).reduce((a, b) => a + b, 0);
  out.kept = Number((await rows('SELECT count(*) AS n FROM predictions'))[0].n);
  const order = (await rows(`SELECT count(*) AS n, min(rid) AS lo, max(rid) AS hi, any_value(id) FILTER (WHERE rid = 0) AS first FROM prep`))[0];
  out.records = Number(order.n);
  out.rowid_in_file_order = Number(order.lo) === 0 && Number(order.hi) === out.records - 1 && order.first === firstId;
  await db.run(`COPY (SELECT id_l, id_r, match_probability, match_weight FROM predictions ORDER BY rid_l, rid_r)
                TO ${sqlString(join(job.work, 'duckdb-pairs.csv'))} (HEADER)`);

  // Agreement with haven's pairs (written with --no-cluster: the pairs at the threshold).
  await db.run(`CREATE TABLE haven_pairs AS SELECT * FROM read_csv(${sqlString(job.havenPairs)}, header = true, auto_detect = false,
                columns = {'id_l': 'VARCHAR', 'id_r': 'VARCHAR', 'match_probability': 'DOUBLE', 'match_weight': 'DOUBLE'})`);
  await db.run(`CREATE TABLE pair_diff AS
    SELECT coalesce(d.id_l, h.id_l) AS id_l, coalesce(d.id_r, h.id_r) AS id_r,
           d.match_weight AS w_duckdb, h.match_weight AS w_haven
    FROM predictions AS d FULL OUTER JOIN haven_pairs AS h ON d.id_l = h.id_l AND d.id_r = h.id_r`);
  const agg = (await rows(`SELECT
      count(*) FILTER (WHERE w_duckdb IS NOT NULL AND w_haven IS NOT NULL) AS both_kept,
      count(*) FILTER (WHERE w_duckdb IS NULL) AS only_haven,
      count(*) FILTER (WHERE w_haven IS NULL) AS only_duckdb,
      max(abs(w_duckdb - w_haven)) AS max_dw,
      count(*) FILTER (WHERE abs(w_duckdb - w_haven) > 1e-3) AS dw_over
    FROM pair_diff`))[0];
  out.agree = Object.fromEntries(Object.entries(agg).map(([k, v]) => [k, v == null ? null : Number(v)]));
  // haven writes the earlier record first; so must prep's row numbers.
  out.haven_pairs_reversed = Number((await rows(`SELECT count(*) AS n FROM haven_pairs h
    JOIN prep l ON l.id = h.id_l JOIN prep r ON r.id = h.id_r WHERE l.rid > r.rid`))[0].n);

  // The pairs that differ, scored again by DuckDB (levels and weight) next to haven's weight.
  await db.run(`CREATE TABLE diff_pairs AS
    SELECT l.rid AS rid_l, r.rid AS rid_r, 0 AS match_key, p.w_haven, p.w_duckdb
    FROM pair_diff p JOIN prep l ON l.id = p.id_l JOIN prep r ON r.id = p.id_r
    WHERE p.w_duckdb IS NULL OR p.w_haven IS NULL OR abs(p.w_duckdb - p.w_haven) > 1e-3`);
  await db.run(sql.rescore('diff_scored', 'diff_pairs'));
  const show = ['id', 'first_name', 'last_name', 'father_name', 'mother_name', 'sex', 'dob', 'dob__estimated', 'place']
    .filter((c) => header.includes(c));
  const gammaCols = sql.names.map((n) => `s.gamma_${n}`).join(', ');
  out.least = Number.isFinite(sql.least) ? sql.least : null;
  out.diffs = (await rows(`SELECT d.w_haven, d.w_duckdb, s.match_weight AS w_duckdb_rescored,
      EXISTS (SELECT 1 FROM blocked_id_pairs b WHERE b.rid_l = d.rid_l AND b.rid_r = d.rid_r) AS duckdb_candidate,
      ${gammaCols}, ${show.map((c) => `l.${c} AS l_${c}, r.${c} AS r_${c}`).join(', ')}
    FROM diff_pairs d JOIN diff_scored s ON s.rid_l = d.rid_l AND s.rid_r = d.rid_r
    JOIN prep l ON l.rid = d.rid_l JOIN prep r ON r.rid = d.rid_r
    ORDER BY abs(coalesce(d.w_haven, ${lit(sql.least0)}) - s.match_weight) DESC
    LIMIT 20`)).map((r) => ({ ...r, gamma: sql.names.map((n) => r[`gamma_${n}`]) }));
  out.gamma_names = sql.names;
  out.show = show;
  writeFileSync(job.result, JSON.stringify(out, (k, v) => (typeof v === 'bigint' ? Number(v) : v), 1));
}

// ---------------------------------------------------------------- the parent

// Runs a command under /usr/bin/time -v (when there is one) and returns its exit status, wall
// time, peak RSS and what it wrote on stderr (when captured).
function timed(argv, { captureStderr, timeFile }) {
  const useTime = existsSync(TIME);
  const cmd = useTime ? TIME : argv[0];
  const args = useTime ? ['-v', '-o', timeFile, ...argv] : argv.slice(1);
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 28, stdio: ['ignore', 'inherit', captureStderr ? 'pipe' : 'inherit'] });
  const wall = (performance.now() - t0) / 1000;
  let rss = null;
  if (useTime && existsSync(timeFile)) {
    const m = readFileSync(timeFile, 'utf8').match(/Maximum resident set size \(kbytes\): (\d+)/);
    if (m) rss = Number(m[1]);
  }
  return { status: r.status, wall, rss, stderr: r.stderr ?? '', error: r.error };
}

function ensureDuckdb() {
  if (existsSync(join(here, 'node_modules/@duckdb/node-api/package.json'))) return;
  log('duckdb.mjs: @duckdb/node-api is not installed; running npm ci --prefix bench/link');
  const r = spawnSync('npm', ['ci', '--prefix', here, '--no-audit', '--no-fund'], { stdio: 'inherit' });
  if (r.status !== 0) {
    log('duckdb.mjs: npm ci failed; run it yourself: npm ci --prefix bench/link');
    process.exit(2);
  }
}

function parseHaven(stderr, nrules) {
  const m = stderr.match(/blocking: (\d+) candidate pairs scored in ([\d.]+) s on (\d+) threads/);
  if (!m) throw new Error(`haven link: no "blocking:" line in its stderr:\n${stderr}`);
  const lines = stderr.split('\n');
  const at = lines.findIndex((l) => l.startsWith('blocking:'));
  const byRule = {};
  for (let k = 1; k <= nrules; k++) {
    const rm = (lines[at + k] ?? '').match(/(\d+)\s*$/);
    byRule[k] = rm ? Number(rm[1]) : null;
  }
  const kept = stderr.match(/(\d+) pairs at or above/);
  const read = stderr.match(/read (\d+) records .* in ([\d.]+) s/);
  const trained = stderr.match(/trained in ([\d.]+) s/);
  return { candidates: Number(m[1]), seconds: Number(m[2]), threads: Number(m[3]), byRule, kept: kept ? Number(kept[1]) : null,
    records: read ? Number(read[1]) : null, read_s: read ? Number(read[2]) : null, train_s: trained ? Number(trained[1]) : null };
}

function table(rows) {
  const w = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  return rows.map((r) => r.map((c, i) => (i === 0 ? String(c).padEnd(w[i]) : String(c).padStart(w[i]))).join('  ')).join('\n');
}

async function main() {
  const a = parseArgs(process.argv.slice(2));
  if (a.child) return child(a.child);
  ensureDuckdb();
  if (!existsSync(a.haven)) {
    log(`duckdb.mjs: ${a.haven} is missing: run make build/haven first`);
    process.exit(2);
  }
  mkdirSync(a.work, { recursive: true });
  const config = JSON.parse(readFileSync(a.config, 'utf8'));
  const threshold = a.threshold ?? config.threshold;
  let input = a.input;
  if (!input) {
    input = join(a.work, `persons_${a.n}_seed${a.seed}.csv`);
    if (!existsSync(input)) {
      log(`duckdb.mjs: generating ${a.n} records (seed ${a.seed}) into ${input}`);
      const r = spawnSync(process.execPath, [join(here, 'gen.mjs'), '--n', String(a.n), '--seed', a.seed, '--out', `${input}.tmp`], { stdio: 'inherit' });
      if (r.status !== 0) process.exit(2);
      renameSync(`${input}.tmp`, input);
    }
  }
  const f = (name) => join(a.work, name);
  // Both engines use the same cores: anything else running skews the ratio.
  const load0 = loadavg()[0];
  if (load0 > 0.5) log(`duckdb.mjs: the 1-minute load average is ${load0.toFixed(2)}: something else is running, timings will be noisy`);

  // 1. haven.
  log(`duckdb.mjs: haven link on ${input}, ${a.threads} threads`);
  const hv = timed([a.haven, 'link', '--input', input, '--config', a.config, '--out', f('haven-pairs.csv'), '--prepared', f('prepared.csv'),
    '--model', f('model.json'), '--threads', String(a.threads), '--threshold', String(threshold), '--no-cluster'],
  { captureStderr: true, timeFile: f('haven-time.txt') });
  writeFileSync(f('haven.log'), hv.stderr);
  if (hv.status !== 0) {
    log(hv.stderr);
    log(`duckdb.mjs: haven link failed (${hv.status ?? hv.error})`);
    process.exit(2);
  }
  const h = parseHaven(hv.stderr, config.blocking.length);
  log(`haven: ${fmtInt(h.candidates)} candidates scored in ${h.seconds} s; read ${h.read_s} s, trained ${h.train_s} s, wall ${fmtS(hv.wall)} s`);
  // Again without writing the prepared records (training is seeded: the same model and pairs).
  h.runs = [h.seconds];
  for (let k = 1; k < a.repeat; k++) {
    const again = timed([a.haven, 'link', '--input', input, '--config', a.config, '--out', f('haven-pairs-again.csv'),
      '--threads', String(a.threads), '--threshold', String(threshold), '--no-cluster'], { captureStderr: true, timeFile: f('haven-time-again.txt') });
    if (again.status !== 0) throw new Error(`haven link failed on run ${k + 1}:\n${again.stderr}`);
    const hk = parseHaven(again.stderr, config.blocking.length);
    if (hk.candidates !== h.candidates || hk.kept !== h.kept) throw new Error(`haven link run ${k + 1} gave other results`);
    h.runs.push(hk.seconds);
    log(`haven: run ${k + 1}: scored in ${hk.seconds} s`);
  }
  h.seconds = Math.min(...h.runs);

  // 2. DuckDB, in a child process.
  const job = { config: a.config, model: f('model.json'), prepared: f('prepared.csv'), havenPairs: f('haven-pairs.csv'),
    threads: a.threads, threshold, tfPrior: a.tfPrior, repeat: a.repeat, work: a.work, result: f('duckdb-result.json') };
  writeFileSync(f('duckdb-job.json'), JSON.stringify(job));
  const dk = timed([process.execPath, fileURLToPath(import.meta.url), '--child', f('duckdb-job.json')], { captureStderr: false, timeFile: f('duckdb-time.txt') });
  if (dk.status !== 0) {
    log(`duckdb.mjs: the DuckDB run failed (${dk.status ?? dk.error})`);
    process.exit(2);
  }
  const d = JSON.parse(readFileSync(job.result, 'utf8'));
  const dSec = d.blocking_s + d.predict_s;

  // 3. Report.
  const n = h.records;
  console.log(`\nHaven link vs DuckDB ${d.version} (Splink's SQL), ${fmtInt(n)} records from ${input}, ${a.threads} threads (DuckDB threads = ${d.threads}),` +
    ` threshold ${threshold}, tf prior ${d.tf_prior}\n`);
  console.log(table([
    ['engine', 'candidates', 'seconds', 'M pairs/s', 'pairs kept', 'peak RSS', 'wall (whole run)'],
    ['haven', fmtInt(h.candidates), fmtS(h.seconds), fmtS(h.candidates / h.seconds / 1e6), fmtInt(h.kept), mb(hv.rss), `${fmtS(hv.wall)} s`],
    ['duckdb', fmtInt(d.candidates), fmtS(dSec), fmtS(d.candidates / dSec / 1e6), fmtInt(d.kept), mb(dk.rss), `${fmtS(dk.wall)} s`],
  ]));
  console.log(`\nratio DuckDB / haven (blocking + comparisons + scoring): ${(dSec / h.seconds).toFixed(1)}x`);
  if (a.repeat > 1) {
    console.log(`  the fastest of ${a.repeat} runs each: haven ${h.runs.map((x) => fmtS(x)).join(', ')} s;` +
      ` duckdb ${d.blocking_runs.map((b, k) => fmtS(b + d.predict_runs[k])).join(', ')} s`);
  }
  console.log(`  haven:  scoring step ${fmtS(h.seconds)} s (its stderr, 2 decimals); before it: read + reduce + keys + index ${h.read_s} s, training ${h.train_s} s;` +
    ` its wall time includes writing prepared.csv and model.json`);
  console.log(`  duckdb: blocking ${fmtS(d.blocking_s)} s + comparisons and scoring ${fmtS(d.predict_s)} s; not timed: load PREP.csv ${fmtS(d.load_s)} s,` +
    ` term-frequency tables ${fmtS(d.tf_s)} s, records with tf ${fmtS(d.prep_s)} s, nicknames ${fmtS(d.nicknames_s)} s`);
  console.log(`  duckdb memory: peak RSS of its process ${mb(dk.rss)} (node + DuckDB; ${mb(d.rss_start_kb)} before loading, ${mb(d.rss_loaded_kb)} after` +
    ` loading), duckdb_memory() at the end ${Math.round(d.duckdb_memory_bytes / 2 ** 20)} MB`);

  console.log('\ncandidates per blocking rule (a pair counts under the first rule that finds it)');
  const ruleRows = [['rule', 'haven', 'duckdb', '']];
  let rulesOk = true;
  config.blocking.forEach((rule, i) => {
    const hk = h.byRule[i + 1], dkr = d.by_rule[i + 1] ?? 0, ok = hk === dkr;
    rulesOk &&= ok;
    ruleRows.push([`${i + 1}. ${rule}`, fmtInt(hk), fmtInt(dkr), ok ? 'same' : 'DIFFERENT']);
  });
  console.log(table(ruleRows));
  const candOk = rulesOk && h.candidates === d.candidates;
  console.log(`candidates: haven ${fmtInt(h.candidates)}, duckdb ${fmtInt(d.candidates)}: ${candOk ? 'the same' : 'DIFFERENT'}`);
  if (!d.rowid_in_file_order) console.log('WARNING: DuckDB\'s row numbers are not the file\'s order; pairs may be written the other way round');
  if (d.haven_pairs_reversed) console.log(`WARNING: ${d.haven_pairs_reversed} of haven's pairs have the later record first`);

  const g = d.agree;
  console.log(`\npairs kept: haven ${fmtInt(h.kept)}, duckdb ${fmtInt(d.kept)}; both ${fmtInt(g.both_kept)}, only haven ${fmtInt(g.only_haven)}, only duckdb ${fmtInt(g.only_duckdb)}`);
  console.log(`weights of the pairs both kept: largest difference ${g.max_dw == null ? '-' : g.max_dw.toExponential(2)}` +
    ` (haven writes 4 decimals of a float), ${fmtInt(g.dw_over)} differ by more than 0.001`);
  const edge = (x) => x != null && d.least != null && Math.abs(x - d.least) < 1e-3;
  let real = 0;
  for (const x of d.diffs) {
    const atEdge = edge(x.w_haven) || edge(x.w_duckdb_rescored);
    real += !atEdge;
    console.log(`  ${atEdge ? 'at the threshold' : 'DIFFERS'}: haven ${x.w_haven ?? '(not kept)'}, duckdb ${x.w_duckdb_rescored.toFixed(4)}` +
      `${x.duckdb_candidate ? '' : ' (not a DuckDB candidate)'}; levels ${d.gamma_names.map((nm, i) => `${nm}=${x.gamma[i]}`).join(' ')}`);
    for (const side of ['l', 'r']) console.log(`    ${d.show.map((c) => `${c}=${x[`${side}_${c}`] ?? ''}`).join(' ')}`);
  }
  const ndiff = g.only_haven + g.only_duckdb + g.dw_over;
  if (ndiff) console.log(`  (term frequencies were shrunk with a prior of ${d.tf_prior} records: if haven's TF_PRIOR in data.c is another, pass it with --tf-prior)`);
  if (ndiff > d.diffs.length) console.log(`  (${ndiff - d.diffs.length} more not shown)`);
  console.log(`\nload average (1 min) at the start ${load0.toFixed(2)}, at the end ${loadavg()[0].toFixed(2)}` +
    ' (the two runs themselves load it up to the thread count)');
  console.log(`files: ${a.work} (prepared.csv, model.json, haven-pairs.csv, duckdb-pairs.csv, haven.log, duckdb-run.sql)`);
  if (!candOk) process.exitCode = 1;
}

main().catch((e) => {
  log(`duckdb.mjs: ${e.stack ?? e}`);
  process.exit(2);
});
