-- 003: the query log (第十九条–第二十二条, 第二十七条, SPEC §C): every lookup,
-- search, check and export — who asked, for which unit, in which scope, why,
-- under which authorization, about whom, and exactly which records (and which
-- revision of each, by content hash) were returned. It holds ids and hashes,
-- never personal field values, so a correction can be re-sent to every unit
-- that received the old record (第三十二条).

CREATE TABLE query_log (
  id            INTEGER PRIMARY KEY,
  at            TEXT NOT NULL,              -- real time, RFC 3339 UTC
  today         TEXT NOT NULL,              -- the office date asked for
  operator      TEXT NOT NULL,
  acting_by     TEXT NOT NULL DEFAULT '',
  action        TEXT NOT NULL,              -- show | search | export | check | report | verify
  scope         TEXT NOT NULL,              -- public | authorized | shared | office
  unit          TEXT NOT NULL DEFAULT '',   -- user unit code for shared scope, exports and checks
  purpose       TEXT NOT NULL DEFAULT '',
  authorization TEXT NOT NULL DEFAULT '',
  subject_id    INTEGER,                    -- NULL for a search
  query         TEXT NOT NULL DEFAULT '',   -- search text (a name or code prefix) as asked
  records       INTEGER NOT NULL DEFAULT 0  -- how many records were returned
) STRICT;
CREATE INDEX query_log_subject ON query_log(subject_id, id);
CREATE INDEX query_log_unit ON query_log(unit, id);

CREATE TABLE query_log_records (
  query_id     INTEGER NOT NULL REFERENCES query_log(id),
  record_id    INTEGER NOT NULL,
  content_hash TEXT NOT NULL,               -- the revision returned
  PRIMARY KEY (query_id, record_id)
) STRICT;
CREATE INDEX query_log_records_record ON query_log_records(record_id);
