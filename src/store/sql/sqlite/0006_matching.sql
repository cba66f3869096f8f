-- 0006_matching: decisions on what record linkage proposed. Times are seconds since the epoch.

-- A person's decision that a sought child of a tracing request is (confirmed) or is not
-- (rejected) the child of a case. One decision per pair; a new one replaces it.
CREATE TABLE tracing_matches (
  id TEXT PRIMARY KEY,
  request_id TEXT NOT NULL REFERENCES records(id),
  child INTEGER NOT NULL,
  case_id TEXT NOT NULL REFERENCES records(id),
  status TEXT NOT NULL,
  probability REAL NOT NULL,
  note TEXT NOT NULL DEFAULT '',
  decided_by TEXT NOT NULL REFERENCES users(id),
  decided_at INTEGER NOT NULL,
  UNIQUE (request_id, child, case_id)
);
CREATE INDEX tracing_matches_case ON tracing_matches(case_id);

-- Two cases found to be one child: merged_id's values went into kept_id, and merged_id was
-- retired (deleted, its own history and notes kept). set_values holds what the merge wrote into
-- the kept case, before_values what those fields held, so the merge can be undone while the
-- kept case has not changed since (kept_version is its version after the merge).
CREATE TABLE merges (
  id TEXT PRIMARY KEY,
  kept_id TEXT NOT NULL REFERENCES records(id),
  merged_id TEXT NOT NULL REFERENCES records(id),
  set_values TEXT NOT NULL,
  before_values TEXT NOT NULL,
  conflicts TEXT NOT NULL,
  kept_version INTEGER NOT NULL,
  merged_by TEXT NOT NULL REFERENCES users(id),
  merged_at INTEGER NOT NULL,
  undone_by TEXT NOT NULL DEFAULT '',
  undone_at INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX merges_kept ON merges(kept_id);
CREATE INDEX merges_merged ON merges(merged_id);

-- Pairs of cases that a batch run (haven match --dedup) found likely to be one child, for a
-- supervisor to review: merged, or dismissed as two children. A dismissed pair is not
-- proposed again; a later run only refreshes an open pair's probability.
CREATE TABLE duplicate_queue (
  id TEXT PRIMARY KEY,
  a_id TEXT NOT NULL REFERENCES records(id),
  b_id TEXT NOT NULL REFERENCES records(id),
  probability REAL NOT NULL,
  found_at INTEGER NOT NULL,
  status TEXT NOT NULL DEFAULT 'open',
  decided_by TEXT NOT NULL DEFAULT '',
  decided_at INTEGER NOT NULL DEFAULT 0,
  UNIQUE (a_id, b_id)
);
CREATE INDEX duplicate_queue_status ON duplicate_queue(status, probability);
