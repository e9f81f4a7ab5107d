#!/usr/bin/env bash
# The floor of issue 17's import and revision-batch targets: what SQLite
# itself costs for the rows credit must store, measured with the sqlite3
# shell alone, beside `sqlite3 .import` into a bare table (the targets'
# baseline) and credit's own import, alternated RUNS times in one run.
#
# The floor starts from a store made by `credit init` (credit's real schema,
# indexes and triggers), loads the CSV with `.import` into a TEMP table and
# writes, in set-based SQL and one transaction, what a credit import stores
# (compare the row counts it prints): the batch and layout rows, the
# subjects (unique code index, migration 017's name_key index) with their
# trigram rows (subject_names, migration 014), the records (unique natural
# key index, records_subject), the 第二十九条 legal-representative links
# (record_links and its subject index) and the audit entry. Pragmas as
# credit's import session: WAL, 16 KiB pages, synchronous=NORMAL,
# foreign_keys=OFF, cache_size 24 MiB, temp_store=MEMORY. The rules
# (severity, valid_until, natural key, links) are simple SQL expressions
# giving the same counts as credit on gendata's files; values such as the
# content hash are stand-ins of the same length (sha3 of the values).
# NOT in the floor: the row seals (issue 18, SPEC: required; seal_* tables,
# one row per row written plus two HMACs each), credit's staging of a
# revision in staged_revisions before its publish, and its chunking.
#
# The revision batch (REV rows against the ROWS-row store, built by credit
# and checkpointed, untimed) does what credit's publish + apply does to the
# base tables: new subjects and records as above; for each revised record
# its superseded content into record_history, the records row updated,
# its links replaced.
#
#   scripts/bench_floor.sh                (ROWS=200000 REV=50000 RUNS=3)
#   VARIANTS=1 scripts/bench_floor.sh     (also the floor with one index,
#                                          trigger or order changed at a time)
#   VARIANTS="floor sorted" scripts/bench_floor.sh   (the variants named)
# The default runs the floor (one transaction) and "chunked" (the same
# writes in credit's 2,000-row transactions, SPEC §6).
# Figures: wall, CPU (user+sys) and peak RSS per run (GNU time), medians,
# ratios to the bare `.import`, and the load average.
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${ROWS:-200000}
REV=${REV:-50000}
RUNS=${RUNS:-3}
VARIANTS=${VARIANTS:-0}
TODAY=2026-11-01
B=bench
mkdir -p "$B"
command -v sqlite3 >/dev/null || { echo "bench_floor: sqlite3 is needed (apt-get install sqlite3)"; exit 1; }
[ -x /usr/bin/time ] || { echo "bench_floor: GNU time is needed (apt-get install time)"; exit 1; }
go build -trimpath -ldflags '-s -w' -o "$B/credit-floor" ./cmd/credit
C=$PWD/$B/credit-floor
export CREDIT_TODAY=$TODAY
PROVIDER=11320600MB19587002
CSV="$B/real-$ROWS.csv"
REVCSV="$B/real-$ROWS-rev$REV.csv"
[ -f "$CSV" ] || go run ./scripts/gendata xzcf -n "$ROWS" -o "$CSV" -codes "$B/real-$ROWS.codes" -today $TODAY
[ -f "$REVCSV" ] || go run ./scripts/gendata xzcf -n "$REV" -revise "$ROWS" -o "$REVCSV" -today $TODAY

OUT="$B/bench_floor.txt"
: > "$OUT"
: > "$B/bench_floor.err"
# timed LABEL CMD...: one line "LABEL wall cpu KiB load" into $OUT.
timed() {
  local label=$1; shift
  /usr/bin/time -o "$B/floor-time.tmp" -f '%e %U %S %M' "$@" > /dev/null 2>>"$B/bench_floor.err" || echo "$label failed" >> "$B/bench_floor.err"
  read -r e u s m < <(tail -1 "$B/floor-time.tmp")
  echo "$label $e $(awk -v u="$u" -v s="$s" 'BEGIN{printf "%.2f", u+s}') $m $(cut -d' ' -f1 /proc/loadavg)" | tee -a "$OUT"
}
copy_store() { rm -f "$2" "$2-wal" "$2-shm"; cp "$1" "$2"; cp "$1.key" "$2.key"; chmod 600 "$2.key"; }
new_wal() { rm -f "$1" "$1-wal" "$1-shm"; sqlite3 "$1" 'PRAGMA journal_mode=WAL;' >/dev/null; }
counts() { # counts DB: "table rows" for every table but the seals and the
  # trigram index's segment tables (credit writes one segment per chunk, the
  # floor one for the whole file: the same entries in fewer, larger rows)
  sqlite3 "$1" "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'seal\_%' ESCAPE '\\'
    AND name NOT IN ('subject_names_data', 'subject_names_idx') ORDER BY name" |
    while read -r t; do echo "$t $(sqlite3 "$1" "SELECT count(*) FROM \"$t\"")"; done
}

echo "building the empty store and the $ROWS-record store (untimed)…"
rm -f "$B/fl-empty.db" "$B/fl-empty.db-wal" "$B/fl-empty.db-shm" "$B/fl-empty.db.key"
CREDIT_DB="$B/fl-empty.db" "$C" init >/dev/null
CREDIT_DB="$B/fl-empty.db" "$C" provider add $PROVIDER --name 基准测试单位 --items XZCF >/dev/null
copy_store "$B/fl-empty.db" "$B/fl-base.db"
CREDIT_DB="$B/fl-base.db" "$C" import "$CSV" --provider $PROVIDER --item XZCF --format json >/dev/null
CREDIT_DB="$B/fl-base.db" "$C" init >/dev/null   # drained and checkpointed
new_wal "$B/fl-sbase.db"
sqlite3 "$B/fl-sbase.db" -cmd '.mode csv' ".import $CSV t"

# The pragmas of credit's import session (internal/store/session.go).
PRAGMAS="PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=OFF; PRAGMA cache_size=-24576; PRAGMA temp_store=MEMORY; "
# .timeout, not PRAGMA busy_timeout: the pragma prints its value
COLS=$(seq -s, -f 'c%g' 1 31)
NOW="'2026-12-08T00:00:00.000000000Z'"
LAYOUT=$(sqlite3 "$B/fl-base.db" "SELECT names FROM layouts WHERE id = 1" | sed "s/'/''/g")

# prepare_sql FILE TABLE: the rows of FILE as credit works them out in Go
# before it writes (subject code and kind, natural key, severity, dates,
# values, hash) into TABLE. The floor proper reads them from a file prepared
# beforehand (untimed: the values credit computes in Go are not SQLite's
# cost); the variant with_values works them out in the timed process.
prepare_sql() {
  cat <<SQL
$PRAGMAS
.timeout 5000
CREATE TEMP TABLE t($COLS);
.import --csv --skip 1 --schema temp $1 t
CREATE TABLE $2 AS
  SELECT rowid AS line, code, kind, name, c27 || char(31) || c14 || char(31) || c3 || char(31) || c13 AS nkey, sev, c23 AS decided,
         CASE sev WHEN 'serious' THEN date(c23, '+3 years') ELSE c24 END AS vu,
         v, lower(hex(substr(sha3(v), 1, 16))) AS h,
         CASE WHEN kind = 'organisation' AND sev = 'serious' AND c31 = '是' AND c11 <> '' THEN c11 END AS rep, c9 AS repname
  FROM (SELECT t.rowid, t.*,
          CASE c2 WHEN '自然人' THEN c13 ELSE c3 END AS code,
          CASE c2 WHEN '自然人' THEN 'natural_person' ELSE 'organisation' END AS kind, c1 AS name,
          CASE WHEN c18 LIKE '%吊销%' OR c18 LIKE '%责令停产停业%' THEN 'serious' ELSE 'general' END AS sev,
          json_array(c1,c2,c3,c4,c5,c6,c7,c8,c9,c10,c11,c12,c13,c14,c15,c16,c17,c18,c19,c20,c21,c22,c23,c24,c25,c26,c27,c28,c29,c30,'','','','',c31,'') AS v
        FROM temp.t);
SQL
}

# write_sql BATCH ORDER SKIPFTS: the writes of an import of x under BATCH.
write_sql() {
  local batch=$1 order=$2 skipfts=$3
  local subj_order=line key_order=line
  [ "$order" = sorted ] && { subj_order=code; key_order=nkey; }
  cat <<SQL
BEGIN IMMEDIATE;
INSERT INTO batches(id, provider, item, channel, file_name, file_hash, file_format, encoding, catalog_version, state, today, operator, started_at, header)
  VALUES ($batch, '$PROVIDER', 'XZCF', 'local', 'floor.csv', lower(hex(randomblob(32))), 'csv', 'utf-8', 1, 'staging', '$TODAY', 'root', $NOW, '$LAYOUT');
INSERT OR IGNORE INTO layouts(id, item, names) VALUES (1, 'XZCF', '$LAYOUT');
CREATE TEMP TABLE mark AS SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'subjects'), 0) AS first;
INSERT OR IGNORE INTO subjects(code, kind, name, name_key, first_batch, created_at)
  SELECT code, kind, name, name_key, $batch, $NOW FROM (
    SELECT line, 0 AS pos, code, kind, name, name AS name_key FROM $XS
    UNION ALL
    SELECT line, 1, rep, 'natural_person', repname, repname FROM $XS WHERE rep IS NOT NULL)
  ORDER BY $( [ "$order" = sorted ] && echo code || echo 'line, pos' );
SQL
  [ "$skipfts" = 1 ] || echo "INSERT INTO subject_names(rowid, name_key) SELECT id, name_key FROM subjects WHERE id > (SELECT first FROM temp.mark);"
  cat <<SQL
INSERT OR IGNORE INTO records(item, natural_key, subject_id, provider, first_batch, channel, rev_batch, category, severity, decided_on, valid_until, layout, vals, content_hash, updated_at)
  SELECT 'XZCF', nkey, (SELECT id FROM subjects WHERE subjects.code = x.code), '$PROVIDER', $batch, 'local', $batch, 'negative', sev, decided, vu, 1, v, h, $NOW
  FROM $XS ORDER BY $key_order;
SQL
}

# head_sql FILE PREP: the pragmas and the prepared rows as $XS: read from
# the prepared file PREP, or worked out here when PREP is "-".
head_sql() {
  if [ "$2" = - ]; then
    prepare_sql "$1" temp.x
  else
    printf '%s\n.timeout 5000\nATTACH %s AS p;\n' "$PRAGMAS" "'$2'"
  fi
}

import_sql() { # import_sql ORDER SKIPFTS [PREP]
  head_sql "$CSV" "${3:-$PWD/$B/fl-prep-import.db}"
  write_sql 1 "$1" "$2"
  cat <<SQL
INSERT INTO record_links(record_id, subject_id, role)
  SELECT r.id, s.id, 'legal_rep' FROM $XS JOIN records r ON r.item = 'XZCF' AND r.natural_key = x.nkey JOIN subjects s ON s.code = x.rep
  WHERE x.rep IS NOT NULL ORDER BY r.id;
UPDATE batches SET state = 'published', rows_read = (SELECT count(*) FROM $XS), accepted = (SELECT count(*) FROM $XS), finished_at = $NOW WHERE id = 1;
INSERT INTO audit_log(at, today, operator, action, object, details, prev, hash)
  VALUES ($NOW, '$TODAY', 'root', 'batch.publish', 'batch:1', '{"accepted":$ROWS}', lower(hex(randomblob(32))), lower(hex(randomblob(32))));
COMMIT;
SQL
}

# chunked_import_sql: the floor written as credit writes it (SPEC §6): the
# batch row first, then one transaction per CHUNK rows (subjects in code
# order and records in key order within the chunk, as credit sorts them;
# the chunk's new subjects into the trigram index), then the publish in its
# own transaction. What the short transactions themselves cost SQLite.
# (x.rowid is the line: the prepared table was filled in line order.)
chunked_import_sql() { # chunked_import_sql [fileids]
  local chunk=${CHUNK:-2000} idcol= sid= rid=
  # fileids: ids follow the file's order, as credit gives them (a row's
  # subject 2 × line, its representative 2 × line + 1, its record the line),
  # while the rows still go in in key order: the tables' B-trees then take
  # each chunk's rows in random rowid order. Without it ids follow the keys.
  # fileorder: ids as fileids, and the rows go in in that (file) order.
  local sorder=code korder=nkey
  [ "${1:-}" != "" ] && { idcol="id, "; sid="id, "; rid="x.rowid, "; }
  [ "${1:-}" = fileorder ] && { sorder=id; korder=x.rowid; }
  head_sql "$CSV" "$PWD/$B/fl-prep-import.db"
  cat <<SQL
BEGIN IMMEDIATE;
INSERT INTO batches(id, provider, item, channel, file_name, file_hash, file_format, encoding, catalog_version, state, today, operator, started_at, header)
  VALUES (1, '$PROVIDER', 'XZCF', 'local', 'floor.csv', lower(hex(randomblob(32))), 'csv', 'utf-8', 1, 'staging', '$TODAY', 'root', $NOW, '$LAYOUT');
INSERT OR IGNORE INTO layouts(id, item, names) VALUES (1, 'XZCF', '$LAYOUT');
COMMIT;
CREATE TEMP TABLE mark(first INTEGER);
SQL
  local lo hi
  for ((lo = 1; lo <= ROWS; lo += chunk)); do
    hi=$((lo + chunk - 1))
    cat <<SQL
BEGIN IMMEDIATE;
DELETE FROM temp.mark;
INSERT INTO temp.mark SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'subjects'), 0);
INSERT OR IGNORE INTO subjects(${idcol}code, kind, name, name_key, first_batch, created_at)
  SELECT ${sid}code, kind, name, name_key, 1, $NOW FROM (
    SELECT 2 * x.rowid AS id, code, kind, name, name AS name_key FROM $XS WHERE x.rowid BETWEEN $lo AND $hi
    UNION ALL
    SELECT 2 * x.rowid + 1, rep, 'natural_person', repname, repname FROM $XS WHERE rep IS NOT NULL AND x.rowid BETWEEN $lo AND $hi)
  ORDER BY $sorder;
INSERT INTO subject_names(rowid, name_key) SELECT id, name_key FROM subjects WHERE id > (SELECT first FROM temp.mark);
INSERT OR IGNORE INTO records(${idcol}item, natural_key, subject_id, provider, first_batch, channel, rev_batch, category, severity, decided_on, valid_until, layout, vals, content_hash, updated_at)
  SELECT ${rid}'XZCF', nkey, (SELECT id FROM subjects WHERE subjects.code = x.code), '$PROVIDER', 1, 'local', 1, 'negative', sev, decided, vu, 1, v, h, $NOW
  FROM $XS WHERE x.rowid BETWEEN $lo AND $hi ORDER BY $korder;
INSERT INTO record_links(record_id, subject_id, role)
  SELECT r.id, s.id, 'legal_rep' FROM $XS JOIN records r ON r.item = 'XZCF' AND r.natural_key = x.nkey JOIN subjects s ON s.code = x.rep
  WHERE x.rep IS NOT NULL AND x.rowid BETWEEN $lo AND $hi ORDER BY r.id;
COMMIT;
SQL
  done
  cat <<SQL
BEGIN IMMEDIATE;
UPDATE batches SET state = 'published', rows_read = (SELECT count(*) FROM $XS), accepted = (SELECT count(*) FROM $XS), finished_at = $NOW WHERE id = 1;
INSERT INTO audit_log(at, today, operator, action, object, details, prev, hash)
  VALUES ($NOW, '$TODAY', 'root', 'batch.publish', 'batch:1', '{"accepted":$ROWS}', lower(hex(randomblob(32))), lower(hex(randomblob(32))));
COMMIT;
SQL
}

revision_sql() { # revision_sql [PREP]
  head_sql "$REVCSV" "${1:-$PWD/$B/fl-prep-revision.db}"
  cat <<SQL
-- which rows revise a stored record (credit's ExistingRecords look-up)
CREATE TEMP TABLE rv AS SELECT x.*, r.id AS rid FROM $XS JOIN records r ON r.item = 'XZCF' AND r.natural_key = x.nkey AND r.content_hash <> x.h;
SQL
  write_sql 2 file 0
  cat <<SQL
INSERT INTO record_history(record_id, rev, rev_batch, procedure, category, severity, decided_on, valid_until, status, layout, vals, content_hash, valid_from, superseded_at, superseded_by, ref, operator)
  SELECT r.id, r.rev, r.rev_batch, r.procedure, r.category, r.severity, r.decided_on, r.valid_until, r.status, r.layout, r.vals, r.content_hash, r.updated_at, $NOW, 'revision', 'batch:2', 'root'
  FROM records r JOIN temp.rv ON r.id = rv.rid ORDER BY r.id;
UPDATE records SET rev = rev + 1, rev_batch = 2, procedure = 'revision', category = 'negative', severity = rv.sev, decided_on = rv.decided, valid_until = rv.vu,
    vals = rv.v, content_hash = rv.h, updated_at = $NOW
  FROM temp.rv WHERE records.id = rv.rid;
DELETE FROM record_links WHERE record_id IN (SELECT rid FROM temp.rv);
INSERT INTO record_links(record_id, subject_id, role)
  SELECT r.id, s.id, 'legal_rep' FROM $XS JOIN records r ON r.item = 'XZCF' AND r.natural_key = x.nkey JOIN subjects s ON s.code = x.rep
  WHERE x.rep IS NOT NULL AND (r.first_batch = 2 OR r.rev_batch = 2) ORDER BY r.id;
UPDATE batches SET state = 'published', rows_read = (SELECT count(*) FROM $XS), revised = (SELECT count(*) FROM temp.rv), finished_at = $NOW WHERE id = 2;
INSERT INTO audit_log(at, today, operator, action, object, details, prev, hash)
  VALUES ($NOW, '$TODAY', 'root', 'batch.publish', 'batch:2', '{"revised":$REV}', lower(hex(randomblob(32))), lower(hex(randomblob(32))));
COMMIT;
SQL
}

for f in import revision; do
  rm -f "$B/fl-prep-$f.db"
  src=$CSV; [ $f = revision ] && src=$REVCSV
  prepare_sql "$src" main.x | sqlite3 "$B/fl-prep-$f.db" -init /dev/null
done
XS=p.x
import_sql file 0 > "$B/floor-import.sql"
revision_sql > "$B/floor-revision.sql"

# Row counts: credit's import and the floor's must agree table by table
# (sqlite_sequence aside: credit leaves the ids it offered to known codes
# unused). Checked once, untimed.
echo "checking the floor writes what credit writes (row counts per table)…"
copy_store "$B/fl-empty.db" "$B/fl-chk.db"
sqlite3 "$B/fl-chk.db" < "$B/floor-import.sql"
diff <(counts "$B/fl-base.db" | grep -v '^sqlite_sequence ') <(counts "$B/fl-chk.db" | grep -v '^sqlite_sequence ') \
  && echo "import: same row counts in every table (seals aside)" || echo "import: the row counts above differ"
copy_store "$B/fl-base.db" "$B/fl-chk.db"
CREDIT_DB="$B/fl-chk.db" "$C" import "$REVCSV" --provider $PROVIDER --item XZCF --format json >/dev/null
CREDIT_DB="$B/fl-chk.db" "$C" init >/dev/null
counts "$B/fl-chk.db" > "$B/fl-chk.credit"
copy_store "$B/fl-base.db" "$B/fl-chk.db"
sqlite3 "$B/fl-chk.db" < "$B/floor-revision.sql"
diff <(grep -v '^sqlite_sequence ' "$B/fl-chk.credit") <(counts "$B/fl-chk.db" | grep -v '^sqlite_sequence ') \
  && echo "revision: same row counts in every table (seals aside)" || echo "revision: the row counts above differ"
rm -f "$B/fl-chk.db" "$B/fl-chk.db-wal" "$B/fl-chk.db-shm" "$B/fl-chk.db.key" "$B/fl-chk.credit"
cat "$CSV" "$REVCSV" "$B/fl-base.db" "$B"/fl-prep-*.db > /dev/null   # warm the file cache

# Variants (VARIANTS=1): the floor with one thing changed, to say what each
# index, trigger or choice costs. Run on a scratch copy of the empty store.
variant_sql() {
  case $1 in
    floor) import_sql file 0 ;;
    sorted) import_sql sorted 0 ;;                 # subjects and records inserted in key order
    no_fts) import_sql file 1 ;;                   # no trigram rows (migration 014)
    no_name_key) echo "DROP INDEX subjects_name_key;"; import_sql file 0 ;;   # migration 017
    no_records_subject) echo "DROP INDEX records_subject;"; import_sql file 0 ;;
    no_links_subject) echo "DROP INDEX record_links_subject;"; import_sql file 0 ;;
    cache_256m) import_sql file 0 | sed 's/cache_size=-24576/cache_size=-262144/' ;;
    with_values) XS=temp.x import_sql file 0 - ;;  # the values worked out by the shell, timed
    chunked) chunked_import_sql ;;                 # in credit's 2,000-row transactions
    chunked_fileids) chunked_import_sql fileids ;; # and with ids in file order, as credit
    chunked_fileorder) chunked_import_sql fileorder ;;  # ids and rows in file order
    sync_off) import_sql file 0 | sed 's/synchronous=NORMAL/synchronous=OFF/' ;;
  esac
}
LIST="floor chunked"
case $VARIANTS in
  0) ;;
  1) LIST="floor chunked chunked_fileids chunked_fileorder with_values sorted no_fts no_name_key no_records_subject no_links_subject cache_256m" ;;
  *) LIST=$VARIANTS ;;   # a list of the names below
esac
for v in $LIST; do [ "$v" = floor ] || variant_sql "$v" > "$B/floor-$v.sql"; done
for v in chunked chunked_fileids chunked_fileorder; do
  [ -f "$B/floor-$v.sql" ] || continue
  copy_store "$B/fl-empty.db" "$B/fl-chk.db"
  sqlite3 "$B/fl-chk.db" -init /dev/null ".read $B/floor-$v.sql"
  diff <(counts "$B/fl-base.db" | grep -v '^sqlite_sequence ') <(counts "$B/fl-chk.db" | grep -v '^sqlite_sequence ') \
    && echo "$v: same row counts in every table (seals aside)" || echo "$v: the row counts above differ"
  rm -f "$B/fl-chk.db" "$B/fl-chk.db-wal" "$B/fl-chk.db-shm" "$B/fl-chk.db.key"
done

for i in $(seq "$RUNS"); do
  copy_store "$B/fl-empty.db" "$B/fl-run.db"
  timed import.credit env CREDIT_DB="$B/fl-run.db" "$C" import "$CSV" --provider $PROVIDER --item XZCF --format json
  for v in $LIST; do
    f="$B/floor-$v.sql"; [ "$v" = floor ] && f="$B/floor-import.sql"
    copy_store "$B/fl-empty.db" "$B/fl-run.db"
    timed "import.$v" sqlite3 "$B/fl-run.db" -init /dev/null ".read $f"
  done
  new_wal "$B/fl-srun.db"
  timed import.bare sqlite3 "$B/fl-srun.db" -cmd '.mode csv' ".import $CSV t"

  copy_store "$B/fl-base.db" "$B/fl-run.db"
  timed revision.credit env CREDIT_DB="$B/fl-run.db" "$C" import "$REVCSV" --provider $PROVIDER --item XZCF --format json
  copy_store "$B/fl-base.db" "$B/fl-run.db"
  timed revision.floor sqlite3 "$B/fl-run.db" -init /dev/null ".read $B/floor-revision.sql"
  cp "$B/fl-sbase.db" "$B/fl-srun.db"; rm -f "$B/fl-srun.db-wal" "$B/fl-srun.db-shm"
  timed revision.bare sqlite3 "$B/fl-srun.db" -cmd '.mode csv' ".import --skip 1 $REVCSV t"
done
rm -f "$B"/fl-run.db* "$B"/fl-srun.db*

# breakdown SQLFILE DB: the floor once more with the CPU of each statement
# (the shell's .timer), and what is left for the process (.import or ATTACH,
# the checkpoint at close): which table or index costs what.
breakdown() {
  awk '/^INSERT OR IGNORE INTO subjects/ {print ".print @subjects (unique code index, subjects_name_key)"}
       /^INSERT INTO subject_names/ {print ".print @subject_names (trigram rows, migration 014)"}
       /^INSERT OR IGNORE INTO records/ {print ".print @records (unique natural key, records_subject)"}
       /^INSERT INTO record_links/ {print ".print @record_links (primary key, record_links_subject)"}
       /^DELETE FROM record_links/ {print ".print @record_links delete (links replaced)"}
       /^CREATE TEMP TABLE rv/ {print ".print @look-up of the revised records"}
       /^INSERT INTO record_history/ {print ".print @record_history"}
       /^UPDATE records/ {print ".print @records update"}
       /^COMMIT/ {print ".print @commit"}
       {print}' "$1" > "$B/floor-breakdown.sql"
  /usr/bin/time -o "$B/floor-time.tmp" -f '%e %U %S' sqlite3 "$2" -init /dev/null -cmd '.timer on' ".read $B/floor-breakdown.sql" > "$B/floor-breakdown.out"
  awk '/^@/ {label = substr($0, 2); next}
       /^Run Time/ {cpu = $6 + $8; if (label != "") {printf "  %-48s cpu %6.2fs  wall %6.2fs\n", label, cpu, $4; label = ""} else other += cpu; sum += cpu}
       END {printf "  %-48s cpu %6.2fs\n", "other statements", other; printf "%s", sum > "/dev/stderr"}' "$B/floor-breakdown.out" 2> "$B/floor-sum.tmp"
  read -r e u s < <(tail -1 "$B/floor-time.tmp")
  awk -v u="$u" -v s="$s" -v e="$e" -v st="$(cat "$B/floor-sum.tmp")" 'BEGIN {printf "  %-48s cpu %6.2fs\n  %-48s cpu %6.2fs  wall %6.2fs\n", "outside statements (.import/ATTACH, close checkpoint)", u + s - st, "whole process", u + s, e}'
}

median() { sort -n | awk '{a[NR]=$1} END {if (NR) print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
col() { awk -v l="$1" -v c="$2" '$1 == l {print $c}' "$OUT" | median; }
r() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.2f", a/b}'; }
echo
echo "== medians of $RUNS runs: wall s, cpu s, peak MiB; ratio to the bare .import (wall, cpu)"
for t in import revision; do
  bw=$(col "$t.bare" 2); bc=$(col "$t.bare" 3)
  [ -n "$bw" ] || continue
  labels="credit floor"; [ $t = import ] && labels="credit $LIST"
  for l in $labels bare; do
    w=$(col "$t.$l" 2); c=$(col "$t.$l" 3)
    [ -n "$w" ] || continue
    m=$(( $(awk -v l="$t.$l" '$1 == l {print $4}' "$OUT" | sort -n | tail -1) / 1024 ))
    printf '%-28s wall %6ss  cpu %6ss  %4s MiB   ratio wall %s, cpu %s\n' "$t.$l" "$w" "$c" "$m" "$(r "$w" "$bw")" "$(r "$c" "$bc")"
  done
done
echo
echo "== where the floor's time goes (one run each, CPU user+sys per statement; load $(cut -d' ' -f1 /proc/loadavg))"
echo "import of $ROWS rows:"
copy_store "$B/fl-empty.db" "$B/fl-run.db"; breakdown "$B/floor-import.sql" "$B/fl-run.db"
echo "revision batch of $REV rows:"
copy_store "$B/fl-base.db" "$B/fl-run.db"; breakdown "$B/floor-revision.sql" "$B/fl-run.db"
rm -f "$B"/fl-run.db*
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
[ ! -s "$B/bench_floor.err" ] || { echo "bench_floor: messages (see $B/bench_floor.err):"; head -5 "$B/bench_floor.err"; }
