-- 004: the objection queue (第三十一条–第三十三条, SPEC §D), and the deadline
-- and event tables that every queue shares (the repair queue of 005 uses them
-- too; internal/queue owns the rules).
--
-- A deadline is stored as it was set: counted from `start`, `days` working
-- days as the policy in force said, giving `due` on the calendar of the day.
-- A later policy or calendar change never moves it (SPEC §4, §B).

CREATE TABLE objections (
  id           INTEGER PRIMARY KEY,
  record_id    INTEGER NOT NULL REFERENCES records(id),
  rev          INTEGER NOT NULL,              -- the record's revision objected to
  content_hash TEXT NOT NULL,                 -- and its content hash
  ground       TEXT NOT NULL CHECK (ground IN ('wrong','prohibited','expired')),
  via          TEXT NOT NULL CHECK (via IN ('office','provider')),
  applicant    TEXT NOT NULL,                 -- personal: never in the audit log
  contact      TEXT NOT NULL DEFAULT '',
  evidence     TEXT NOT NULL DEFAULT '',
  detail       TEXT NOT NULL DEFAULT '',
  received_on  TEXT NOT NULL,
  state        TEXT NOT NULL CHECK (state IN ('received','forwarded','verified','upheld','rejected','corrected',
                                              'withdrawn','closed','appealed','appeal_decided')),
  holds        INTEGER NOT NULL DEFAULT 1,    -- 1 while the record is flagged under_objection and locked (SPEC §F)
  finding      TEXT NOT NULL DEFAULT '',      -- the provider's answer: accurate | inaccurate
  decision     TEXT NOT NULL DEFAULT '',      -- upheld | rejected
  appeal       TEXT NOT NULL DEFAULT '',      -- '' | appealed | upheld | rejected (the department's outcome)
  filed_on     TEXT NOT NULL,                 -- office date of entry (may be after received_on)
  filed_by     TEXT NOT NULL,
  created_at   TEXT NOT NULL,
  updated_at   TEXT NOT NULL
) STRICT;
CREATE INDEX objections_record ON objections(record_id, holds);
CREATE INDEX objections_state ON objections(state);

CREATE TABLE queue_deadlines (
  id              INTEGER PRIMARY KEY,
  queue           TEXT NOT NULL CHECK (queue IN ('objection','repair')),
  case_id         INTEGER NOT NULL,
  name            TEXT NOT NULL,             -- review | verify | correct | opinion
  start           TEXT NOT NULL,             -- due = add(start, days)
  days            INTEGER NOT NULL,
  due             TEXT NOT NULL,
  provisional     INTEGER NOT NULL DEFAULT 0, -- counted over a provisional calendar year
  set_on          TEXT NOT NULL,             -- office date it was set
  set_at          TEXT NOT NULL,             -- real time
  catalog_version INTEGER NOT NULL,          -- the policy that gave `days`
  met_on          TEXT NOT NULL DEFAULT ''   -- '' while open
) STRICT;
CREATE INDEX queue_deadlines_case ON queue_deadlines(queue, case_id);
CREATE INDEX queue_deadlines_open ON queue_deadlines(queue, due) WHERE met_on = '';

-- Every step of every case, for the timeline (the audit log holds the same
-- steps chained, without the notes).
CREATE TABLE queue_events (
  id         INTEGER PRIMARY KEY,
  queue      TEXT NOT NULL CHECK (queue IN ('objection','repair')),
  case_id    INTEGER NOT NULL,
  on_date    TEXT NOT NULL,               -- office date (--today)
  at         TEXT NOT NULL,               -- real time
  operator   TEXT NOT NULL,
  acting_by  TEXT NOT NULL DEFAULT '',
  command    TEXT NOT NULL,
  from_state TEXT NOT NULL DEFAULT '',
  to_state   TEXT NOT NULL,
  note       TEXT NOT NULL DEFAULT '',
  details    TEXT NOT NULL DEFAULT '{}'   -- JSON: ids, dates, hashes, field names
) STRICT;
CREATE INDEX queue_events_case ON queue_events(queue, case_id, id);
CREATE TRIGGER queue_events_no_update BEFORE UPDATE ON queue_events
BEGIN SELECT RAISE(ABORT, 'queue_events is append-only'); END;
CREATE TRIGGER queue_events_no_delete BEFORE DELETE ON queue_events
BEGIN SELECT RAISE(ABORT, 'queue_events is append-only'); END;
