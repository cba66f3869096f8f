-- 0002_config: forms, lookups and workflows as data (the database is their source of truth
-- after init), administrative areas, workflow stages, tasks and approvals, and a second search
-- index for names that only some roles may see.

-- One row per configuration document. shipped is the shipped text this row was last synced
-- from ('' when an administrator created it), so migrate can tell an administrator's edit from
-- an older default. Every change adds a config_versions row: records name the form versions
-- they were written under, and the highest seq is the generation servers reload on.
CREATE TABLE config (
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  version INTEGER NOT NULL,
  body TEXT NOT NULL,
  shipped TEXT NOT NULL DEFAULT '',
  updated_at INTEGER NOT NULL,
  updated_by TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (kind, name)
);

CREATE TABLE config_versions (
  seq INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  version INTEGER NOT NULL,
  body TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  created_by TEXT NOT NULL DEFAULT '',
  UNIQUE (kind, name, version)
);

CREATE TABLE locations (
  pcode TEXT PRIMARY KEY,
  level INTEGER NOT NULL,
  parent TEXT NOT NULL DEFAULT '',
  names TEXT NOT NULL
);
CREATE INDEX locations_parent ON locations(parent, pcode);

ALTER TABLE records ADD COLUMN stage TEXT NOT NULL DEFAULT '';
ALTER TABLE records ADD COLUMN form_versions TEXT NOT NULL DEFAULT '{}';
ALTER TABLE records ADD COLUMN name_hidden INTEGER NOT NULL DEFAULT 0;
UPDATE records SET stage = 'registration' WHERE type = 'case';

-- Names of records whose name only some roles may read; the main index then holds only
-- their display id, so other roles cannot find them by name.
CREATE VIRTUAL TABLE record_search_hidden USING fts5(key, tokenize = 'trigram');

-- Tasks belong to a record and follow its owner and assignees; rule names the workflow rule
-- that made it, ref tells apart the tasks one rule made (a visit number, a plan row).
CREATE TABLE tasks (
  id TEXT PRIMARY KEY,
  record_id TEXT NOT NULL REFERENCES records(id),
  rule TEXT NOT NULL,
  ref TEXT NOT NULL DEFAULT '',
  title TEXT NOT NULL DEFAULT '',
  due_on TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'open',
  created_at INTEGER NOT NULL,
  done_at INTEGER,
  done_by TEXT,
  UNIQUE (record_id, rule, ref)
);
CREATE INDEX tasks_due ON tasks(status, due_on);

CREATE TABLE approvals (
  id TEXT PRIMARY KEY,
  record_id TEXT NOT NULL REFERENCES records(id),
  kind TEXT NOT NULL,
  to_stage TEXT NOT NULL,
  status TEXT NOT NULL,
  requested_by TEXT NOT NULL REFERENCES users(id),
  requested_at INTEGER NOT NULL,
  decided_by TEXT,
  decided_at INTEGER,
  comment TEXT NOT NULL DEFAULT ''
);
CREATE INDEX approvals_record ON approvals(record_id, requested_at);
CREATE INDEX approvals_pending ON approvals(status, requested_at);

-- Files attached to a record (a document scan, a photo for tracing), outside its JSON document:
-- the field holds the id. Type-checked and size-limited by the API.
CREATE TABLE attachments (
  id TEXT PRIMARY KEY,
  record_id TEXT NOT NULL REFERENCES records(id),
  field TEXT NOT NULL,
  content_type TEXT NOT NULL,
  size INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  data BLOB NOT NULL,
  created_by TEXT NOT NULL REFERENCES users(id),
  created_at INTEGER NOT NULL
);
CREATE INDEX attachments_record ON attachments(record_id);

-- Links a record field makes to another record (a family member's own case), kept with every
-- write of the record that holds the field, so both directions are index lookups.
CREATE TABLE record_links (
  from_id TEXT NOT NULL REFERENCES records(id),
  to_id TEXT NOT NULL REFERENCES records(id),
  field TEXT NOT NULL,
  PRIMARY KEY (from_id, field, to_id)
) WITHOUT ROWID;
CREATE INDEX record_links_to ON record_links(to_id);
