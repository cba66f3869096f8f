-- 0003_screening: screenings — the tool and version used, the answers, the assent or consent
-- recorded before any question, and the explained result — attached to a case or not yet.
CREATE TABLE screenings (
  id TEXT PRIMARY KEY,
  tool TEXT NOT NULL,
  tool_version INTEGER NOT NULL,
  record_id TEXT REFERENCES records(id),
  agency_id TEXT NOT NULL REFERENCES agencies(id),
  created_by TEXT NOT NULL REFERENCES users(id),
  created_at INTEGER NOT NULL,
  answers TEXT NOT NULL,
  assent TEXT NOT NULL,
  result TEXT NOT NULL
);
CREATE INDEX screenings_record ON screenings(record_id, created_at);
CREATE INDEX screenings_creator ON screenings(created_by, created_at);
