-- 006: red and black lists entered by hand, removals of any list entry, and
-- joint reward/sanction cases (第十七条, 第二十五条, 第二十八条).
--
-- List entries reported in a provider file (catalog items with `roster:`,
-- HMD and HEIMD) are records: they are read from `records` as they stand,
-- never copied here. Entries a clerk types in from a paper determination
-- live in roster_entries and count only once a reviewer approves them.
-- A removal (移出) of either kind is a row of roster_removals keyed by the
-- entry's id: 'M<n>' for roster_entries, 'R<record id>' for imported ones.

CREATE TABLE roster_entries (
  id            INTEGER PRIMARY KEY,
  list          TEXT NOT NULL CHECK (list IN ('red','black')),
  list_name     TEXT NOT NULL,              -- 名单名称
  subject_code  TEXT NOT NULL,              -- normalised 统一社会信用代码 / 身份证号码
  subject_name  TEXT NOT NULL DEFAULT '',   -- personal for natural persons: never in the audit log
  unit          TEXT NOT NULL,              -- 认定单位 统一社会信用代码
  basis         TEXT NOT NULL,              -- 认定依据
  reason        TEXT NOT NULL DEFAULT '',   -- 列入事由
  determined    TEXT NOT NULL,              -- 认定日期
  valid_until   TEXT NOT NULL DEFAULT '',   -- last valid day; '' = none
  reported_on   TEXT NOT NULL,              -- when the determination reached the office (第十七条)
  state         TEXT NOT NULL CHECK (state IN ('pending','approved','rejected')),
  added_by      TEXT NOT NULL,
  added_on      TEXT NOT NULL,              -- office date
  added_at      TEXT NOT NULL,              -- real time
  decided_by    TEXT NOT NULL DEFAULT '',   -- the reviewer who approved or rejected it
  decided_on    TEXT NOT NULL DEFAULT '',
  decided_at    TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX roster_entries_subject ON roster_entries(subject_code);

CREATE TABLE roster_removals (
  entry       TEXT PRIMARY KEY,             -- 'M12' or 'R345'
  removed_on  TEXT NOT NULL,                -- first day the entry no longer counts
  reason      TEXT NOT NULL,
  removed_by  TEXT NOT NULL,
  removed_at  TEXT NOT NULL
) STRICT;

-- A case: a unit applied a measure to a subject in a matter on a date
-- (第二十八条). The subject's code and name and the measure's name and kind
-- are kept as they were, so a later measures list or archive change never
-- rewrites a reported month.
CREATE TABLE measure_cases (
  id            INTEGER PRIMARY KEY,
  subject_code  TEXT NOT NULL,
  subject_name  TEXT NOT NULL DEFAULT '',
  subject_kind  TEXT NOT NULL DEFAULT '',
  measure       TEXT NOT NULL,
  measure_name  TEXT NOT NULL,
  category      TEXT NOT NULL,              -- reduce-rights | add-obligations | other | reward
  kind          TEXT NOT NULL CHECK (kind IN ('reward','sanction')),
  unit          TEXT NOT NULL REFERENCES units(code),
  matter        TEXT NOT NULL,
  applied_on    TEXT NOT NULL,              -- 实施日期
  result        TEXT NOT NULL DEFAULT '',   -- 成效/结果
  grounds       TEXT NOT NULL DEFAULT '[]', -- JSON: list entry ids and record ids that grounded it
  query_id      INTEGER,                    -- the credit check it came from, if any
  recorded_by   TEXT NOT NULL,
  acting_by     TEXT NOT NULL DEFAULT '',
  recorded_on   TEXT NOT NULL,              -- office date
  recorded_at   TEXT NOT NULL               -- real time
) STRICT;
CREATE INDEX measure_cases_month ON measure_cases(applied_on);
CREATE INDEX measure_cases_unit ON measure_cases(unit, applied_on);
