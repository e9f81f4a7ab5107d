-- 011: exchange with the provincial system (第六条 向上级系统报送, 第十六条, 第二十三条;
-- docs/exchange.md). A run is one export under one sequence number (序号);
-- exchange_sent holds which revision of which record went in which file;
-- the province's receipt answers each of them. A record's upstream state is
-- read from these rows (the last accepted revision, the last sent one), never
-- stored twice. No personal value is kept here: ids, revisions and hashes.
CREATE TABLE exchange_runs (
  seq             INTEGER PRIMARY KEY,            -- 序号: 1, 2, 3…, consumed only with its files in place
  target          TEXT NOT NULL CHECK (target IN ('province')),
  department      TEXT NOT NULL,                  -- 部门代码 in the file names
  today           TEXT NOT NULL,                  -- export date (--today) in the file names
  format          TEXT NOT NULL CHECK (format IN ('xml','jsonl')),
  manifest_sha256 TEXT NOT NULL,
  records         INTEGER NOT NULL,
  operator        TEXT NOT NULL,
  created_at      TEXT NOT NULL,
  receipted_at    TEXT NOT NULL DEFAULT ''        -- '' while the province's receipt is awaited
) STRICT;

CREATE TABLE exchange_files (
  seq      INTEGER NOT NULL REFERENCES exchange_runs(seq),
  name     TEXT NOT NULL,
  item     TEXT NOT NULL,
  sha256   TEXT NOT NULL,
  records  INTEGER NOT NULL,
  personal TEXT NOT NULL,                         -- full | masked: how personal fields left (catalog upward)
  PRIMARY KEY (seq, name)
) STRICT;

CREATE TABLE exchange_sent (
  seq         INTEGER NOT NULL REFERENCES exchange_runs(seq),
  record_id   INTEGER NOT NULL REFERENCES records(id),
  rev         INTEGER NOT NULL,
  op          TEXT NOT NULL CHECK (op IN ('I','U','D','R')),
  file        TEXT NOT NULL,
  result      TEXT NOT NULL DEFAULT 'pending' CHECK (result IN ('pending','accepted','failed')),
  code        TEXT NOT NULL DEFAULT '',           -- the province's error code
  message     TEXT NOT NULL DEFAULT '',           -- the province's error message
  answered_on TEXT NOT NULL DEFAULT '',           -- date the receipt gives
  PRIMARY KEY (seq, record_id)
) STRICT;
CREATE INDEX exchange_sent_record ON exchange_sent(record_id, seq);

CREATE TABLE exchange_receipts (
  seq         INTEGER PRIMARY KEY REFERENCES exchange_runs(seq),
  file_sha256 TEXT NOT NULL,
  accepted    INTEGER NOT NULL,
  failed      INTEGER NOT NULL,
  received_on TEXT NOT NULL,
  operator    TEXT NOT NULL,
  received_at TEXT NOT NULL
) STRICT;
