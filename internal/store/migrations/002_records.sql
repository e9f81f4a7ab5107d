-- 002: subjects, batches, records and their history.
--
-- Visibility: a record is visible once the batch that created it is
-- published. An import writes new records in short chunks under a 'staging'
-- batch that no reader sees, and publishes it by flipping the batch's state
-- in one short transaction (SPEC §6). Revisions of records that already exist
-- are staged in staged_revisions and applied in the publish transaction.

-- AUTOINCREMENT on subjects and records: an id once used (in the query log,
-- the audit log, a link) never names anything else, even after a crashed
-- import's staged rows are discarded.
CREATE TABLE subjects (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  code         TEXT NOT NULL UNIQUE,        -- normalised 统一社会信用代码 or 18-digit 身份证号码
  kind         TEXT NOT NULL,               -- organisation | individual_business | natural_person
  name         TEXT NOT NULL DEFAULT '',    -- '' while unknown (a person named only by ID)
  name_key     TEXT NOT NULL DEFAULT '',    -- normalised name for search and mismatch checks
  first_batch  INTEGER,
  created_at   TEXT NOT NULL
) STRICT;
-- No index on name_key: name search matches substrings (LIKE %…%), which no
-- index serves, and every import would pay for keeping one.

CREATE TABLE batches (
  id              INTEGER PRIMARY KEY,
  provider        TEXT NOT NULL,
  item            TEXT NOT NULL,
  channel         TEXT NOT NULL CHECK (channel IN ('local','province')),
  file_name       TEXT NOT NULL,
  file_hash       TEXT NOT NULL,
  file_format     TEXT NOT NULL DEFAULT '',
  encoding        TEXT NOT NULL DEFAULT '',
  catalog_version INTEGER NOT NULL,
  state           TEXT NOT NULL CHECK (state IN ('staging','published','discarded')),
  rows_read       INTEGER NOT NULL DEFAULT 0,
  accepted        INTEGER NOT NULL DEFAULT 0,
  revised         INTEGER NOT NULL DEFAULT 0,
  duplicates      INTEGER NOT NULL DEFAULT 0,
  rejected        INTEGER NOT NULL DEFAULT 0,
  reasons         TEXT NOT NULL DEFAULT '{}',
  today           TEXT NOT NULL,
  operator        TEXT NOT NULL,
  started_at      TEXT NOT NULL,
  finished_at     TEXT,
  header          TEXT NOT NULL DEFAULT '[]', -- the file's header row (JSON), for reject files
  lease           TEXT NOT NULL DEFAULT ''    -- lock file held by the importing process while staging
) STRICT;
CREATE INDEX batches_hash ON batches(file_hash) WHERE state = 'published';
CREATE INDEX batches_provider ON batches(provider, item);

-- Field layouts: the field names a record's values are aligned with, stored
-- once per distinct list, so each record keeps a compact JSON array.
CREATE TABLE layouts (
  id     INTEGER PRIMARY KEY,
  item   TEXT NOT NULL,
  names  TEXT NOT NULL UNIQUE     -- JSON array of field names
) STRICT;

CREATE TABLE records (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  item         TEXT NOT NULL,
  natural_key  TEXT NOT NULL,
  subject_id   INTEGER NOT NULL REFERENCES subjects(id),
  provider     TEXT NOT NULL,
  first_batch  INTEGER NOT NULL REFERENCES batches(id),
  channel      TEXT NOT NULL,
  -- current content
  rev          INTEGER NOT NULL DEFAULT 1,
  rev_batch    INTEGER REFERENCES batches(id),   -- batch of the current content (NULL after a workflow change)
  procedure    TEXT NOT NULL DEFAULT 'import',   -- what made the current content: import | revision | correction | withdrawal | repair
  category     TEXT NOT NULL,                    -- effective: a 简易程序 penalty is 'other' (第十二条(九))
  severity     TEXT NOT NULL DEFAULT '',
  decided_on   TEXT NOT NULL DEFAULT '',
  valid_until  TEXT NOT NULL DEFAULT '',         -- last valid day (第三十条), '' when it never expires
  status       TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active','withdrawn','repaired')),
  layout       INTEGER NOT NULL REFERENCES layouts(id),
  vals         TEXT NOT NULL,                    -- JSON array aligned with the layout
  content_hash TEXT NOT NULL,
  updated_at   TEXT NOT NULL,
  UNIQUE (item, natural_key)
) STRICT;
CREATE INDEX records_subject ON records(subject_id);
-- No index on first_batch: visibility joins batches by primary key, and only
-- the rare discard of a crashed import scans records by batch.

-- Every superseded revision, whole (第三十六条: nothing is deleted).
CREATE TABLE record_history (
  id           INTEGER PRIMARY KEY,
  record_id    INTEGER NOT NULL REFERENCES records(id),
  rev          INTEGER NOT NULL,
  rev_batch    INTEGER,
  procedure    TEXT NOT NULL,
  category     TEXT NOT NULL,
  severity     TEXT NOT NULL,
  decided_on   TEXT NOT NULL,
  valid_until  TEXT NOT NULL,
  status       TEXT NOT NULL,
  layout       INTEGER NOT NULL,
  vals         TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  valid_from   TEXT NOT NULL,   -- when this revision became current (updated_at then)
  superseded_at TEXT NOT NULL,
  superseded_by TEXT NOT NULL,  -- procedure that replaced it
  ref          TEXT NOT NULL DEFAULT '',  -- batch, objection or repair reference of the change
  operator     TEXT NOT NULL,
  UNIQUE (record_id, rev)
) STRICT;

-- Revisions of already stored records, waiting for their batch to publish.
CREATE TABLE staged_revisions (
  batch_id     INTEGER NOT NULL REFERENCES batches(id),
  record_id    INTEGER NOT NULL REFERENCES records(id),
  line         INTEGER NOT NULL,
  base_hash    TEXT NOT NULL,               -- the stored content the revision was merged onto
  noop         INTEGER NOT NULL DEFAULT 0,  -- 1: the row repeated the stored content (a duplicate)
  cells        TEXT NOT NULL DEFAULT '[]',  -- the file's cells, for a reject if publish must refuse it
  category     TEXT NOT NULL,
  severity     TEXT NOT NULL,
  decided_on   TEXT NOT NULL,
  valid_until  TEXT NOT NULL,
  layout       INTEGER NOT NULL,
  vals         TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  links        TEXT NOT NULL DEFAULT '[]',
  PRIMARY KEY (batch_id, record_id)
) STRICT;

-- Names for subjects known so far only by ID, taken from a staging batch's
-- rows and given to them when the batch publishes.
CREATE TABLE staged_names (
  batch_id   INTEGER NOT NULL REFERENCES batches(id),
  subject_id INTEGER NOT NULL REFERENCES subjects(id),
  name       TEXT NOT NULL,
  name_key   TEXT NOT NULL,
  PRIMARY KEY (batch_id, subject_id)
) STRICT;

-- 第二十九条: a serious negative record of an organisation is also a record of
-- its legal representative and the responsible persons named in the row.
CREATE TABLE record_links (
  record_id  INTEGER NOT NULL REFERENCES records(id),
  subject_id INTEGER NOT NULL REFERENCES subjects(id),
  role       TEXT NOT NULL CHECK (role IN ('legal_rep','principal','direct')),
  PRIMARY KEY (record_id, subject_id, role)
) STRICT;
CREATE INDEX record_links_subject ON record_links(subject_id);

-- Rejected rows, kept so the department can be sent them again.
CREATE TABLE rejects (
  batch_id INTEGER NOT NULL REFERENCES batches(id),
  line     INTEGER NOT NULL,
  cells    TEXT NOT NULL,       -- JSON array of the original cells
  fields   TEXT NOT NULL,       -- failing fields joined by ；
  reasons  TEXT NOT NULL,       -- reason codes joined by ；
  message  TEXT NOT NULL,       -- Chinese message
  PRIMARY KEY (batch_id, line)
) STRICT;
