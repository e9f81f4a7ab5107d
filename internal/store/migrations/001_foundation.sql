-- 001: the foundation: operators, the audit log, calendar years loaded by
-- administrators, catalog versions, providers and user units.

CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;

CREATE TABLE users (
  name       TEXT PRIMARY KEY,
  role       TEXT NOT NULL CHECK (role IN ('viewer','clerk','reviewer','admin')),
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;

-- Append-only and hash-chained (internal/audit). The triggers stop honest
-- mistakes; the chain catches everything else.
CREATE TABLE audit_log (
  seq       INTEGER PRIMARY KEY,
  at        TEXT NOT NULL,
  today     TEXT NOT NULL,
  operator  TEXT NOT NULL,
  acting_by TEXT NOT NULL DEFAULT '',
  action    TEXT NOT NULL,
  object    TEXT NOT NULL,
  details   TEXT NOT NULL,
  prev      TEXT NOT NULL,
  hash      TEXT NOT NULL
) STRICT;
CREATE INDEX audit_log_object ON audit_log(object);
CREATE INDEX audit_log_operator ON audit_log(operator);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

-- Calendar years loaded with `credit calendar load`; they override the
-- embedded calendar for their year. Old rows are kept (superseded_at).
CREATE TABLE calendar_years (
  id            INTEGER PRIMARY KEY,
  year          INTEGER NOT NULL,
  provisional   INTEGER NOT NULL DEFAULT 0,
  data          TEXT NOT NULL,
  loaded_at     TEXT NOT NULL,
  loaded_by     TEXT NOT NULL,
  superseded_at TEXT
) STRICT;
CREATE INDEX calendar_years_year ON calendar_years(year);

-- Every applied catalog, whole, as the YAML text that was applied. The
-- version in force on a date is the one with the latest effective date on or
-- before it (ties: the later applied).
CREATE TABLE catalog_versions (
  id           INTEGER PRIMARY KEY,
  jurisdiction TEXT NOT NULL,
  version      TEXT NOT NULL,
  effective    TEXT NOT NULL,
  source       TEXT NOT NULL,
  content      TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  applied_at   TEXT NOT NULL,
  applied_by   TEXT NOT NULL
) STRICT;

CREATE TABLE providers (
  code       TEXT PRIMARY KEY,
  name       TEXT NOT NULL,
  level      TEXT NOT NULL DEFAULT 'city' CHECK (level IN ('city','county')),
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL
) STRICT;

CREATE TABLE provider_items (
  provider TEXT NOT NULL REFERENCES providers(code),
  item     TEXT NOT NULL,
  added_at TEXT NOT NULL,
  PRIMARY KEY (provider, item)
) STRICT;

CREATE TABLE units (
  code       TEXT PRIMARY KEY,
  name       TEXT NOT NULL,
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL
) STRICT;

-- The shared (政府共享) items a unit may see (SPEC §C).
CREATE TABLE unit_items (
  unit     TEXT NOT NULL REFERENCES units(code),
  item     TEXT NOT NULL,
  added_at TEXT NOT NULL,
  PRIMARY KEY (unit, item)
) STRICT;
