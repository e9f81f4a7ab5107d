-- 014: seals (第三十六条, 第三十七条). Each sealed table T gets seal_T: one row
-- per row of T (rid = T's rowid) with the row's keyed MAC and its place in a
-- keyed chain (prev = the rowid before it), plus a head row rid 0 whose prev
-- is the last rowid. Triggers that keep seal_T in step with T, and the seals of
-- the rows already stored, need the office key: credit init makes them in the
-- upgrade step 'seal' (internal/store/seal.go), which also closes the unkeyed
-- audit chain. The list of sealed tables is store.SealedTables.

CREATE TABLE seal_meta (rid INTEGER PRIMARY KEY, prev INTEGER NOT NULL, mac BLOB NOT NULL, link BLOB NOT NULL) STRICT;
CREATE TABLE seal_users (rid INTEGER PRIMARY KEY, prev INTEGER NOT NULL, mac BLOB NOT NULL, link BLOB NOT NULL) STRICT;
CREATE TABLE seal_catalog_versions (rid INTEGER PRIMARY KEY, prev INTEGER NOT NULL, mac BLOB NOT NULL, link BLOB NOT NULL) STRICT;
CREATE TABLE seal_providers (rid INTEGER PRIMARY KEY, prev INTEGER NOT NULL, mac BLOB NOT NULL, link BLOB NOT NULL) STRICT;
CREATE TABLE seal_provider_items (rid INTEGER PRIMARY KEY, prev INTEGER NOT NULL, mac BLOB NOT NULL, link BLOB NOT NULL) STRICT;
CREATE TABLE seal_units (rid INTEGER PRIMARY KEY, prev INTEGER NOT NULL, mac BLOB NOT NULL, link BLOB NOT NULL) STRICT;
CREATE TABLE seal_unit_items (rid INTEGER PRIMARY KEY, prev INTEGER NOT NULL, mac BLOB NOT NULL, link BLOB NOT NULL) STRICT;
CREATE TABLE seal_calendar_years (rid INTEGER PRIMARY KEY, prev INTEGER NOT NULL, mac BLOB NOT NULL, link BLOB NOT NULL) STRICT;
CREATE TABLE seal_subjects (rid INTEGER PRIMARY KEY, prev INTEGER NOT NULL, mac BLOB NOT NULL, link BLOB NOT NULL) STRICT;
CREATE TABLE seal_batches (rid INTEGER PRIMARY KEY, prev INTEGER NOT NULL, mac BLOB NOT NULL, link BLOB NOT NULL) STRICT;
CREATE TABLE seal_layouts (rid INTEGER PRIMARY KEY, prev INTEGER NOT NULL, mac BLOB NOT NULL, link BLOB NOT NULL) STRICT;
CREATE TABLE seal_records (rid INTEGER PRIMARY KEY, prev INTEGER NOT NULL, mac BLOB NOT NULL, link BLOB NOT NULL) STRICT;
CREATE TABLE seal_record_history (rid INTEGER PRIMARY KEY, prev INTEGER NOT NULL, mac BLOB NOT NULL, link BLOB NOT NULL) STRICT;
CREATE TABLE seal_record_links (rid INTEGER PRIMARY KEY, prev INTEGER NOT NULL, mac BLOB NOT NULL, link BLOB NOT NULL) STRICT;
CREATE TABLE seal_query_log (rid INTEGER PRIMARY KEY, prev INTEGER NOT NULL, mac BLOB NOT NULL, link BLOB NOT NULL) STRICT;
CREATE TABLE seal_query_log_records (rid INTEGER PRIMARY KEY, prev INTEGER NOT NULL, mac BLOB NOT NULL, link BLOB NOT NULL) STRICT;
CREATE TABLE seal_objections (rid INTEGER PRIMARY KEY, prev INTEGER NOT NULL, mac BLOB NOT NULL, link BLOB NOT NULL) STRICT;
CREATE TABLE seal_queue_deadlines (rid INTEGER PRIMARY KEY, prev INTEGER NOT NULL, mac BLOB NOT NULL, link BLOB NOT NULL) STRICT;
CREATE TABLE seal_queue_events (rid INTEGER PRIMARY KEY, prev INTEGER NOT NULL, mac BLOB NOT NULL, link BLOB NOT NULL) STRICT;
CREATE TABLE seal_repairs (rid INTEGER PRIMARY KEY, prev INTEGER NOT NULL, mac BLOB NOT NULL, link BLOB NOT NULL) STRICT;
CREATE TABLE seal_repair_publicity (rid INTEGER PRIMARY KEY, prev INTEGER NOT NULL, mac BLOB NOT NULL, link BLOB NOT NULL) STRICT;
CREATE TABLE seal_roster_entries (rid INTEGER PRIMARY KEY, prev INTEGER NOT NULL, mac BLOB NOT NULL, link BLOB NOT NULL) STRICT;
CREATE TABLE seal_roster_removals (rid INTEGER PRIMARY KEY, prev INTEGER NOT NULL, mac BLOB NOT NULL, link BLOB NOT NULL) STRICT;
CREATE TABLE seal_roster_entry_links (rid INTEGER PRIMARY KEY, prev INTEGER NOT NULL, mac BLOB NOT NULL, link BLOB NOT NULL) STRICT;
CREATE TABLE seal_measure_cases (rid INTEGER PRIMARY KEY, prev INTEGER NOT NULL, mac BLOB NOT NULL, link BLOB NOT NULL) STRICT;
CREATE TABLE seal_measure_versions (rid INTEGER PRIMARY KEY, prev INTEGER NOT NULL, mac BLOB NOT NULL, link BLOB NOT NULL) STRICT;
CREATE TABLE seal_retention_purges (rid INTEGER PRIMARY KEY, prev INTEGER NOT NULL, mac BLOB NOT NULL, link BLOB NOT NULL) STRICT;
CREATE TABLE seal_exchange_runs (rid INTEGER PRIMARY KEY, prev INTEGER NOT NULL, mac BLOB NOT NULL, link BLOB NOT NULL) STRICT;
CREATE TABLE seal_exchange_files (rid INTEGER PRIMARY KEY, prev INTEGER NOT NULL, mac BLOB NOT NULL, link BLOB NOT NULL) STRICT;
CREATE TABLE seal_exchange_sent (rid INTEGER PRIMARY KEY, prev INTEGER NOT NULL, mac BLOB NOT NULL, link BLOB NOT NULL) STRICT;
CREATE TABLE seal_exchange_receipts (rid INTEGER PRIMARY KEY, prev INTEGER NOT NULL, mac BLOB NOT NULL, link BLOB NOT NULL) STRICT;
CREATE TABLE seal_user_keys (rid INTEGER PRIMARY KEY, prev INTEGER NOT NULL, mac BLOB NOT NULL, link BLOB NOT NULL) STRICT;
CREATE TABLE seal_api_tokens (rid INTEGER PRIMARY KEY, prev INTEGER NOT NULL, mac BLOB NOT NULL, link BLOB NOT NULL) STRICT;
CREATE TABLE seal_catalog_compiled (rid INTEGER PRIMARY KEY, prev INTEGER NOT NULL, mac BLOB NOT NULL, link BLOB NOT NULL) STRICT;

INSERT OR IGNORE INTO meta(key, value) VALUES ('pending_upgrade:seal', '');
