-- 0001_init: agencies, users, credentials, records with their search key, history, notes and
-- the audit trail. Times are integer seconds (audit: milliseconds) since the epoch, UTC.
CREATE TABLE agencies (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  type TEXT NOT NULL,
  code TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL
);

CREATE TABLE users (
  id TEXT PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  full_name TEXT NOT NULL DEFAULT '',
  role TEXT NOT NULL,
  agency_id TEXT NOT NULL REFERENCES agencies(id),
  locale TEXT NOT NULL DEFAULT 'en',
  pw_hash TEXT NOT NULL,
  must_change_pw INTEGER NOT NULL DEFAULT 0,
  disabled INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX users_agency ON users(agency_id);

CREATE TABLE sessions (
  hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id),
  csrf TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  last_seen INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE tokens (
  id TEXT PRIMARY KEY,
  hash TEXT NOT NULL UNIQUE,
  user_id TEXT NOT NULL REFERENCES users(id),
  name TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX tokens_user ON tokens(user_id);

CREATE TABLE records (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  display_id TEXT NOT NULL UNIQUE,
  type TEXT NOT NULL,
  status TEXT NOT NULL,
  risk_level TEXT NOT NULL DEFAULT '',
  owner_id TEXT NOT NULL REFERENCES users(id),
  agency_id TEXT NOT NULL REFERENCES agencies(id),
  created_by TEXT NOT NULL REFERENCES users(id),
  version INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0,
  sort_name TEXT NOT NULL DEFAULT '',
  data TEXT NOT NULL
);
CREATE INDEX records_owner ON records(owner_id, updated_at);
CREATE INDEX records_agency ON records(agency_id, updated_at);
CREATE INDEX records_creator ON records(created_by, created_at);
CREATE INDEX records_updated ON records(updated_at);

CREATE TABLE record_assignees (
  record_id TEXT NOT NULL REFERENCES records(id),
  user_id TEXT NOT NULL REFERENCES users(id),
  PRIMARY KEY (record_id, user_id)
);
CREATE INDEX record_assignees_user ON record_assignees(user_id);

-- Folded names and display id, kept in the same transaction as the record. The trigram
-- index answers substring LIKE queries of three or more characters without a scan.
CREATE VIRTUAL TABLE record_search USING fts5(key, tokenize = 'trigram');

CREATE TABLE history (
  id INTEGER PRIMARY KEY,
  record_id TEXT NOT NULL,
  at INTEGER NOT NULL,
  user_id TEXT NOT NULL,
  action TEXT NOT NULL,
  field TEXT NOT NULL DEFAULT '',
  old_value TEXT,
  new_value TEXT
);
CREATE INDEX history_record ON history(record_id, id);

CREATE TABLE notes (
  id TEXT PRIMARY KEY,
  record_id TEXT NOT NULL REFERENCES records(id),
  author_id TEXT NOT NULL REFERENCES users(id),
  note_date TEXT NOT NULL,
  text TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX notes_record ON notes(record_id, created_at);

CREATE TABLE audit (
  seq INTEGER PRIMARY KEY,
  at_ms INTEGER NOT NULL,
  user_id TEXT NOT NULL DEFAULT '',
  actor_hash TEXT NOT NULL DEFAULT '',
  client TEXT NOT NULL DEFAULT '',
  action TEXT NOT NULL,
  record_type TEXT NOT NULL DEFAULT '',
  record_ids TEXT,
  reason TEXT,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX audit_user ON audit(user_id, seq);

-- One row per record id named by an audit entry, so "who saw this child" is an index lookup.
-- New pairs are appended to audit_pending (cheap: always the end of the table) and moved into
-- audit_records in sorted bulk every few seconds, so the random (record id, seq) key costs one
-- write per index page per batch instead of one per entry. Queries read both.
-- WITHOUT ROWID: the key is the row, one b-tree instead of two.
CREATE TABLE audit_records (
  record_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  PRIMARY KEY (record_id, seq)
) WITHOUT ROWID;

CREATE TABLE audit_pending (
  record_id TEXT NOT NULL,
  seq INTEGER NOT NULL
);

CREATE TABLE audit_seals (
  seq INTEGER PRIMARY KEY,
  hash TEXT NOT NULL,
  sig TEXT NOT NULL,
  at_ms INTEGER NOT NULL
);
