-- 005: the credit repair queue (第三十四条–第三十五条, SPEC §E). Deadlines and
-- the timeline are in the shared queue_deadlines / queue_events (004).

CREATE TABLE repairs (
  id           INTEGER PRIMARY KEY,
  record_id    INTEGER NOT NULL REFERENCES records(id),
  rev          INTEGER NOT NULL,              -- the record's revision applied for
  content_hash TEXT NOT NULL,
  corrected_on TEXT NOT NULL,                 -- when the subject corrected the behaviour (第三十四条(一))
  commitment   TEXT NOT NULL DEFAULT '',      -- reference of the signed commitment (第三十四条(三))
  evidence     TEXT NOT NULL DEFAULT '',
  applied_on   TEXT NOT NULL,
  state        TEXT NOT NULL CHECK (state IN ('applied','refused','approved_by_provider','in_publicity',
                                              'publicity_objected','repaired','withdrawn')),
  holds        INTEGER NOT NULL DEFAULT 1,    -- 1 while the repair is worked: flag under_repair, import lock
  eligible     INTEGER NOT NULL,              -- the eligibility check at application
  reasons      TEXT NOT NULL DEFAULT '[]',    -- JSON array of the failed conditions' codes
  opinion      TEXT NOT NULL DEFAULT '',      -- the provider's written opinion: approve | refuse
  filed_on     TEXT NOT NULL,
  filed_by     TEXT NOT NULL,
  created_at   TEXT NOT NULL,
  updated_at   TEXT NOT NULL
) STRICT;
CREATE INDEX repairs_record ON repairs(record_id, holds);
CREATE INDEX repairs_state ON repairs(state);

-- The publicity period in stretches: publicize starts the first; an objection
-- during publicity pauses it (paused_on, served); dismissing the objection
-- starts the next stretch with the working days that remained.
CREATE TABLE repair_publicity (
  repair_id       INTEGER NOT NULL REFERENCES repairs(id),
  seq             INTEGER NOT NULL,
  started_on      TEXT NOT NULL,              -- the stretch runs add(started_on, 1) .. add(started_on, days)
  days            INTEGER NOT NULL,
  first_day       TEXT NOT NULL,
  last_day        TEXT NOT NULL,
  total           INTEGER NOT NULL,           -- the whole period (policy repair_publicity when publicised)
  provisional     INTEGER NOT NULL DEFAULT 0,
  catalog_version INTEGER NOT NULL,
  paused_on       TEXT NOT NULL DEFAULT '',   -- the day an objection arrived
  served          INTEGER NOT NULL DEFAULT 0, -- working days of this stretch served before the pause
  PRIMARY KEY (repair_id, seq)
) STRICT;
CREATE INDEX repair_publicity_days ON repair_publicity(first_day, last_day);
