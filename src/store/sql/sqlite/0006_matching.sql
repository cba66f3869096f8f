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
