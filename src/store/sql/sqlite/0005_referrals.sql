-- 0005_referrals: consent as records, referrals of a case to a service of the directory, and
-- transfers of a case between users and agencies. Times are seconds since the epoch, UTC.

-- A consent (or refusal) for purposes; withdrawn lists the purposes since withdrawn.
CREATE TABLE consents (
  id TEXT PRIMARY KEY,
  record_id TEXT NOT NULL REFERENCES records(id),
  giver TEXT NOT NULL,
  decision TEXT NOT NULL,
  method TEXT NOT NULL,
  purposes TEXT NOT NULL,
  agencies TEXT NOT NULL DEFAULT '[]',
  given_on TEXT NOT NULL,
  data TEXT NOT NULL DEFAULT '{}',
  withdrawn TEXT NOT NULL DEFAULT '[]',
  withdrawn_at INTEGER NOT NULL DEFAULT 0,
  withdrawn_by TEXT NOT NULL DEFAULT '',
  created_by TEXT NOT NULL REFERENCES users(id),
  created_at INTEGER NOT NULL
);
CREATE INDEX consents_record ON consents(record_id, created_at);

CREATE TABLE referrals (
  id TEXT PRIMARY KEY,
  record_id TEXT NOT NULL REFERENCES records(id),
  service_id TEXT NOT NULL REFERENCES services(id),
  to_agency_id TEXT NOT NULL REFERENCES agencies(id),
  from_agency_id TEXT NOT NULL REFERENCES agencies(id),
  referred_by TEXT NOT NULL REFERENCES users(id),
  referrer_role TEXT NOT NULL,
  share TEXT NOT NULL,
  data TEXT NOT NULL DEFAULT '{}',
  status TEXT NOT NULL,
  respond_by TEXT NOT NULL,
  version INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX referrals_record ON referrals(record_id, created_at);
CREATE INDEX referrals_to ON referrals(to_agency_id, status, created_at);
CREATE INDEX referrals_from ON referrals(from_agency_id, created_at);

CREATE TABLE transfers (
  id TEXT PRIMARY KEY,
  record_id TEXT NOT NULL REFERENCES records(id),
  kind TEXT NOT NULL,
  from_agency_id TEXT NOT NULL REFERENCES agencies(id),
  proposed_by TEXT NOT NULL REFERENCES users(id),
  to_agency_id TEXT NOT NULL REFERENCES agencies(id),
  to_user_id TEXT NOT NULL DEFAULT '',
  data TEXT NOT NULL DEFAULT '{}',
  status TEXT NOT NULL,
  version INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX transfers_record ON transfers(record_id, created_at);
CREATE INDEX transfers_to ON transfers(to_agency_id, status);
CREATE UNIQUE INDEX transfers_one_pending ON transfers(record_id) WHERE status = 'pending';

-- Which consents a referral or a transfer relied on, so withdrawing one ends what it allowed.
CREATE TABLE consent_uses (
  consent_id TEXT NOT NULL REFERENCES consents(id),
  kind TEXT NOT NULL,
  use_id TEXT NOT NULL,
  PRIMARY KEY (consent_id, kind, use_id)
) WITHOUT ROWID;
