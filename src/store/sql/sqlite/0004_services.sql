-- 0004_services: the services directory — providers' services, where they are and what they
-- offer — and, for ranking by place, each service's area and all the areas above it.
CREATE TABLE services (
  id TEXT PRIMARY KEY,
  agency_id TEXT NOT NULL REFERENCES agencies(id),
  name TEXT NOT NULL,
  type TEXT NOT NULL,
  pcode TEXT NOT NULL,
  languages TEXT NOT NULL DEFAULT '[]',
  data TEXT NOT NULL,
  active INTEGER NOT NULL DEFAULT 1,
  version INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);

-- (type, area) for the service's own area and every area above it, with what a search sorts and
-- filters by (name, languages; inactive services have no rows): a search for a need near a place
-- ranks and pages from these rows alone and reads only its page of services.
CREATE TABLE service_areas (
  type TEXT NOT NULL,
  pcode TEXT NOT NULL,
  service_id TEXT NOT NULL REFERENCES services(id),
  depth INTEGER NOT NULL,
  name TEXT NOT NULL,
  languages TEXT NOT NULL,
  PRIMARY KEY (type, pcode, service_id)
) WITHOUT ROWID;
