-- 009: retention (issue 15): the retention procedure of 第八条 (保存期限), the one deletion the tool
-- allows (docs/retention.md). A record whose retention period has run out is
-- purged by an administrator under a document reference: its values (and
-- those of its superseded revisions) are emptied, its row stays with status
-- 'purged' so that every id in the audit and query logs still names it, and
-- one row here says when, by whom and under which document.

-- records.status gains 'purged'. SQLite cannot alter a CHECK constraint; this
-- is the documented way to loosen one without rebuilding the table (sqlite.org
-- "ALTER TABLE", section "Making Other Kinds Of Table Schema Changes": the
-- stored CREATE TABLE text is edited; every existing row satisfies the new
-- constraint). The CREATE TABLE below bumps the schema cookie, so every open
-- connection rereads the schema. A rebuild would copy every record (a
-- million rows) inside the upgrade and break the tables' foreign keys.
PRAGMA writable_schema = ON;
UPDATE sqlite_schema
   SET sql = replace(sql, 'CHECK (status IN (''active'',''withdrawn'',''repaired''))',
                          'CHECK (status IN (''active'',''withdrawn'',''repaired'',''purged''))')
 WHERE type = 'table' AND name = 'records';
PRAGMA writable_schema = RESET;
-- Stop the upgrade if the constraint was not found as 002 wrote it (json()
-- of a non-JSON text raises an error, which rolls the migration back).
SELECT CASE WHEN (SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = 'records')
                 NOT LIKE '%''repaired'',''purged''))%' THEN json('records.status CHECK not found') END;

CREATE TABLE retention_purges (
  record_id    INTEGER PRIMARY KEY REFERENCES records(id),
  item         TEXT NOT NULL,
  ref          TEXT NOT NULL,               -- the document the purge was decided under
  basis        TEXT NOT NULL,               -- what the retention was counted from: valid_until | decided_on | stored_on | repaired_on
  counted_from TEXT NOT NULL,               -- that date
  period       TEXT NOT NULL,               -- the retention period applied, as the catalog wrote it
  kept_through TEXT NOT NULL,               -- the last day of the retention period
  content_hash TEXT NOT NULL,               -- of the content that was purged
  revisions    INTEGER NOT NULL,            -- superseded revisions emptied with it
  purged_on    TEXT NOT NULL,               -- office date
  purged_at    TEXT NOT NULL,               -- real time
  purged_by    TEXT NOT NULL,
  acting_by    TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE TRIGGER retention_purges_no_update BEFORE UPDATE ON retention_purges
BEGIN SELECT RAISE(ABORT, 'retention_purges is append-only'); END;
CREATE TRIGGER retention_purges_no_delete BEFORE DELETE ON retention_purges
BEGIN SELECT RAISE(ABORT, 'retention_purges is append-only'); END;
