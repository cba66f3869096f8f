-- What Splink's DuckDB backend runs for predict(), on the records `haven link --prepared`
-- wrote: the same blocking joins, comparison levels, weights and term-frequency adjustments
-- as haven's engine (src/core/link), in SQL. bench/link/duckdb.mjs fills the {{placeholders}}
-- from the linkage config and the trained model (haven link --model), runs the steps in
-- order and times each one. The filled-in SQL of a run is written next to its other files
-- (duckdb-run.sql), so what ran can be read in full.
--
-- A section starts with "-- @step NAME" (a statement run once), "-- @fragment NAME" (a piece
-- the script repeats or joins, e.g. one per blocking rule) or "-- @level TEST" (the SQL
-- condition of one comparison-level test; l and r are the two records, {{c}} the level's
-- column, {{v}} the column as haven's engine compares it as text, {{w}} the other column of a
-- swapped-columns level). Names are lower-case ASCII after ICU transliteration; dates are
-- YYYY-MM-DD, or YYYY when only the year is known, with __year, __days (day number, empty for
-- a year) and __estimated (1 when the year was worked out from an age).

-- @step load
-- The prepared records, typed: text, the dates' numbers, and the blocking keys (64-bit).
CREATE TABLE raw AS
SELECT * FROM read_csv({{prepared}}, header = true, auto_detect = false, quote = '"', escape = '"',
                       columns = {{csv_columns}});

-- @step nicknames
-- The nickname table (config/link/nicknames.csv, reduced as haven reduces it): one row per
-- name and group. A name may be in several groups.
CREATE TABLE nicknames (name VARCHAR, grp INTEGER);
INSERT INTO nicknames VALUES {{nickname_rows}};

-- @fragment tf_table
-- Splink's __splink__df_tf_<column>: each value's share of the non-empty values. Haven keeps
-- log2 of the share as a float (data.c, lk_data_finish); so does this table. With a tf prior
-- P > 0 the share is shrunk toward u, the u of the exact level the adjustment is against, as
-- if P more records had that share: (count + P·u) / (non-empty + P). With P = 0 it is Splink's.
CREATE TABLE tf_{{c}} AS
SELECT {{c}}, CAST(log2((count(*) + {{tf_prior}} * {{u}}) / ((SELECT count({{c}}) FROM raw) + {{tf_prior}})) AS FLOAT) AS log2_tf_{{c}}
FROM raw
WHERE {{c}} IS NOT NULL
GROUP BY {{c}};

-- @step prep
-- Splink's __splink__df_concat_with_tf: the records with their term frequencies, a row
-- number that keeps the file's order (haven numbers records as it reads them), and what some
-- levels need besides: a date's text as haven's engine holds it (<column>__value: D20190819 for a
-- full date, Y2019 for a year given with a placeholder day, E2019 for a year worked out from
-- an age; a text test on a date compares these) and a name's nickname groups.
CREATE TABLE prep AS
SELECT raw.rowid AS rid, raw.*{{prep_columns}}
FROM raw{{prep_joins}};

-- @fragment date_value
CASE WHEN raw.{{c}}__days IS NOT NULL THEN 'D' || replace(raw.{{c}}, '-', '')
     WHEN raw.{{c}}__estimated = 1 THEN 'E' || raw.{{c}}
     ELSE 'Y' || raw.{{c}} END AS {{c}}__value

-- @fragment nickname_join
LEFT JOIN (SELECT name, list(grp ORDER BY grp) AS grps FROM nicknames GROUP BY name) AS nick_{{c}}
       ON nick_{{c}}.name = raw.{{c}}

-- @fragment blocking_rule
-- Rule {{k}} ({{rule}}): an equi-join on its key, each pair once (l before r), and not a
-- pair an earlier rule already found (Splink: AND NOT coalesce(<earlier rule>, false)).
SELECT l.rid AS rid_l, r.rid AS rid_r, {{k}} AS match_key
FROM prep AS l
JOIN prep AS r ON l.block_{{k}} = r.block_{{k}}
WHERE l.rid < r.rid{{not_earlier}}

-- @step blocking
-- Splink's __splink__blocked_id_pairs: the candidate pairs of all rules, UNION ALL.
CREATE TABLE blocked_id_pairs AS
{{rules}};

-- @step predict
-- Splink's __splink__df_comparison_vectors, __splink__df_match_weight_parts and
-- __splink__df_predict in one statement: each comparison's level (-1 when either value is
-- empty; the first level that holds wins; the last is "else"), each level's weight plus its
-- term-frequency adjustment, tf × (log2 u_ref − max(log2 tf_l, log2 tf_r)), summed with the
-- prior, and the pairs at or above the threshold kept. Splink multiplies Bayes factors and
-- takes log2 at the end; the sum of their logs is the same number, rounded as haven rounds it.
CREATE TABLE {{into}} AS
WITH comparison_vectors AS (
  SELECT p.match_key, l.rid AS rid_l, r.rid AS rid_r, l.id AS id_l, r.id AS id_r,
{{gammas}},
{{tf_columns}}
  FROM {{pairs}} AS p
  JOIN prep AS l ON l.rid = p.rid_l
  JOIN prep AS r ON r.rid = p.rid_r
),
match_weights AS (
  SELECT *,
    {{prior_weight}}
{{weight_terms}} AS match_weight
  FROM comparison_vectors
)
SELECT *, pow(2, match_weight) / (1 + pow(2, match_weight)) AS match_probability
FROM match_weights
WHERE {{keep}};

-- @fragment gamma
    CASE WHEN l.{{c}} IS NULL OR r.{{c}} IS NULL THEN -1
{{whens}}
         ELSE {{else}} END AS gamma_{{name}}

-- @fragment gamma_when
         WHEN {{condition}} THEN {{level}}  -- {{label}}

-- @fragment weight_term
    + CASE gamma_{{name}} WHEN -1 THEN 0{{weights}} END

-- @level exact
l.{{c}} = r.{{c}}

-- @level exact_date
-- A year alone (a placeholder day, or worked out from an age) is never exact (gamma.c).
l.{{c}} = r.{{c}} AND l.{{c}}__days IS NOT NULL

-- @level jaro_winkler
jaro_winkler_similarity(l.{{v}}, r.{{v}}) >= {{min}}

-- @level osa
-- DuckDB has the true Damerau-Levenshtein distance, not optimal string alignment. Within
-- one edit they agree (one substitution, insertion, deletion or swap of neighbours); beyond,
-- Damerau-Levenshtein can be smaller (ca/abc: 2, OSA 3).
damerau_levenshtein(l.{{v}}, r.{{v}}) <= {{max}}

-- @level osa_date
-- Full dates only (a year alone is not a date to misspell), compared as D + YYYYMMDD: a swap
-- across the month/day boundary is one edit (2010-01-23, 2010-02-13).
l.{{c}}__days IS NOT NULL AND r.{{c}}__days IS NOT NULL AND damerau_levenshtein(l.{{v}}, r.{{v}}) <= {{max}}

-- @level skeleton
l.{{c}}__skeleton = r.{{c}}__skeleton

-- @level phonetic
l.{{c}}__phonetic = r.{{c}}__phonetic

-- @level nickname
list_has_any(l.{{c}}__nicknames, r.{{c}}__nicknames)

-- @level swapped_exact
l.{{c}} = r.{{w}} AND l.{{w}} = r.{{c}}

-- @level swapped
jaro_winkler_similarity(l.{{c}}, r.{{w}}) >= {{min}} AND jaro_winkler_similarity(l.{{w}}, r.{{c}}) >= {{min}}

-- @level tokens
-- The share of the shorter value's words that the other has (l's when they are as long).
len(list_filter(string_split(CASE WHEN strlen(l.{{v}}) > strlen(r.{{v}}) THEN r.{{v}} ELSE l.{{v}} END, ' '),
                lambda x: list_contains(string_split(CASE WHEN strlen(l.{{v}}) > strlen(r.{{v}}) THEN l.{{v}} ELSE r.{{v}} END, ' '), x)))
  / len(string_split(CASE WHEN strlen(l.{{v}}) > strlen(r.{{v}}) THEN r.{{v}} ELSE l.{{v}} END, ' ')) >= {{min}}

-- @level days
abs(l.{{c}}__days - r.{{c}}__days) <= {{max}}

-- @level day_month_swapped
l.{{c}}__days IS NOT NULL AND r.{{c}}__days IS NOT NULL AND l.{{c}}__year = r.{{c}}__year
           AND substr(l.{{c}}, 6, 2) = substr(r.{{c}}, 9, 2) AND substr(l.{{c}}, 9, 2) = substr(r.{{c}}, 6, 2)

-- @level years
-- A year worked out from an age allows one year more.
abs(l.{{c}}__year - r.{{c}}__year) <= {{max}} + CASE WHEN l.{{c}}__estimated = 1 OR r.{{c}}__estimated = 1 THEN 1 ELSE 0 END

-- @level prefix
strlen(l.{{v}}) >= {{max}} AND strlen(r.{{v}}) >= {{max}} AND substr(l.{{v}}, 1, {{max}}) = substr(r.{{v}}, 1, {{max}})

-- @level prefix_date
-- Never on dates (gamma.c).
false

-- @step candidates
-- Candidates per rule (not timed: the blocked pairs are already a table).
SELECT match_key, count(*) AS candidates FROM blocked_id_pairs GROUP BY match_key ORDER BY match_key;
