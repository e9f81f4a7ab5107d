-- 010: repairs of hand-entered list entries, removals on a listed ground, and
-- the persons responsible for a hand-entered black-list entry of a 法人
-- (issue 15: 第二十九条, 第三十四条–第三十六条).

-- A repair is about a record (imported, including a provider-reported list
-- entry R<n>) or about a hand-entered list entry (M<n>, which has no record).
-- SQLite cannot relax NOT NULL in place, so repairs is rebuilt: its only
-- child, repair_publicity, is copied aside and dropped first, so that no
-- foreign key points at the table being replaced (foreign keys stay on).
CREATE TEMP TABLE repair_publicity_009 AS SELECT * FROM repair_publicity;
DROP TABLE repair_publicity;

CREATE TABLE repairs_009 (
  id           INTEGER PRIMARY KEY,
  record_id    INTEGER REFERENCES records(id),   -- NULL for a hand-entered list entry
  entry        TEXT NOT NULL DEFAULT '',         -- 'M<n>' for a hand-entered list entry, else ''
  rev          INTEGER NOT NULL,
  content_hash TEXT NOT NULL,
  corrected_on TEXT NOT NULL,
  commitment   TEXT NOT NULL DEFAULT '',
  evidence     TEXT NOT NULL DEFAULT '',
  applied_on   TEXT NOT NULL,
  state        TEXT NOT NULL CHECK (state IN ('applied','refused','approved_by_provider','in_publicity',
                                              'publicity_objected','repaired','withdrawn')),
  holds        INTEGER NOT NULL DEFAULT 1,
  eligible     INTEGER NOT NULL,
  reasons      TEXT NOT NULL DEFAULT '[]',
  opinion      TEXT NOT NULL DEFAULT '',
  filed_on     TEXT NOT NULL,
  filed_by     TEXT NOT NULL,
  created_at   TEXT NOT NULL,
  updated_at   TEXT NOT NULL,
  CHECK ((record_id IS NULL) = (entry <> ''))
) STRICT;
INSERT INTO repairs_009(id, record_id, entry, rev, content_hash, corrected_on, commitment, evidence, applied_on, state, holds,
  eligible, reasons, opinion, filed_on, filed_by, created_at, updated_at)
  SELECT id, record_id, '', rev, content_hash, corrected_on, commitment, evidence, applied_on, state, holds,
  eligible, reasons, opinion, filed_on, filed_by, created_at, updated_at FROM repairs;
DROP TABLE repairs;
ALTER TABLE repairs_009 RENAME TO repairs;
CREATE INDEX repairs_record ON repairs(record_id, holds);
CREATE INDEX repairs_entry ON repairs(entry, holds) WHERE entry <> '';
CREATE INDEX repairs_state ON repairs(state);

CREATE TABLE repair_publicity (
  repair_id       INTEGER NOT NULL REFERENCES repairs(id),
  seq             INTEGER NOT NULL,
  started_on      TEXT NOT NULL,
  days            INTEGER NOT NULL,
  first_day       TEXT NOT NULL,
  last_day        TEXT NOT NULL,
  total           INTEGER NOT NULL,
  provisional     INTEGER NOT NULL DEFAULT 0,
  catalog_version INTEGER NOT NULL,
  paused_on       TEXT NOT NULL DEFAULT '',
  served          INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (repair_id, seq)
) STRICT;
INSERT INTO repair_publicity SELECT * FROM repair_publicity_009;
DROP TABLE repair_publicity_009;
CREATE INDEX repair_publicity_days ON repair_publicity(first_day, last_day);

-- 第三十六条: an approved entry leaves its list only on a listed ground with a
-- document: revoked (the 认定单位's 移出 decision or withdrawal), objection
-- (a correction, 第三十二条), repair (第三十五条) or expired (第三十条).
-- Removals made before this migration keep ground '' (their reason only).
ALTER TABLE roster_removals ADD COLUMN ground TEXT NOT NULL DEFAULT ''
  CHECK (ground IN ('', 'revoked', 'objection', 'repair', 'expired'));
ALTER TABLE roster_removals ADD COLUMN ref TEXT NOT NULL DEFAULT '';

-- 第二十九条 for a hand-entered black-list entry of a 法人: the persons the
-- determination names as responsible, by 身份证号码 (personal: never in the
-- audit log). Imported records keep theirs in record_links.
CREATE TABLE roster_entry_links (
  entry_id    INTEGER NOT NULL REFERENCES roster_entries(id),
  person_code TEXT NOT NULL,
  role        TEXT NOT NULL CHECK (role IN ('legal_rep','principal','direct')),
  PRIMARY KEY (entry_id, person_code, role)
) STRICT;
CREATE INDEX roster_entry_links_person ON roster_entry_links(person_code);
