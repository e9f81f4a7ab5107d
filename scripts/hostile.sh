#!/usr/bin/env bash
# Hostile inputs at full size (issue 16): a 2 GiB sparse file, a 1 GiB single
# cell, a zip bomb, a 1 GiB cell in a workbook under the ratio limit (issue
# 17). Each is imported with the default policy limits; the script prints
# the outcome (exit code, reason) and the peak RSS of the process, and fails
# if an exit code is not 4 or a peak passes 300 MB.
# Then the full-disk cases: a 200,000-row import into a store capped at its
# size (CREDIT_TEST_MAX_PAGES → PRAGMA max_page_count, SQLITE_FULL as on a full
# disk), a backup on a "disk" that fills after 1 MiB and an -o workbook after 1 KiB
# (CREDIT_TEST_DISK_FULL_AFTER, internal/diskfault): each must exit 1, leave
# the store as it was (counts and audit head) and no file behind.
# Usage: scripts/hostile.sh   (run by make test-long; needs /usr/bin/time and python3)
set -euo pipefail
cd "$(dirname "$0")/.."
CGO_ENABLED=0 go build -o bin/credit ./cmd/credit
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export CREDIT_DB=$work/credit.db CREDIT_TODAY=2025-12-01 TMPDIR=$work/tmp
mkdir "$work/tmp"
bin/credit init >/dev/null
bin/credit provider add 11100000000013127D --name 测试局 --items XZCF >/dev/null

# 2 GiB of NUL bytes, sparse: no line end anywhere.
truncate -s 2G "$work/sparse.csv"
# A 1 GiB cell (in the first row: whatever row it is in, the reader must
# stop after about the 64 MiB row bound).
{ printf '行政相对人名称,'; head -c $((1 << 30)) /dev/zero | tr '\0' 'x'; printf '\n甲,乙\n'; } >"$work/cell.csv"
# A workbook whose sheet unzips to 1 GiB of one letter (about 1 MB zipped).
python3 - "$work/bomb.xlsx" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("[Content_Types].xml", "<x/>")
    z.writestr("xl/workbook.xml", "<x/>")
    with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as w:
        w.write(b"<worksheet><sheetData><row><c t=\"inlineStr\"><is><t>")
        chunk = b"A" * (1 << 20)
        for _ in range(1024):
            w.write(chunk)
        w.write(b"</t></is></c></row></sheetData></worksheet>")
PY
# A workbook with a 1 GiB cell that compresses only about 60:1 (600-byte
# random blocks, each repeated 60 times), so the ratio limit lets it through
# (about 17 MB): the reader must stop at the cell limit, not read the cell.
python3 - "$work/cell.xlsx" <<'PY'
import sys, zipfile, random
random.seed(1)
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("xl/workbook.xml", '<workbook xmlns:r="%s"><sheets><sheet name="S" sheetId="1" r:id="a"/></sheets></workbook>' % R)
    z.writestr("xl/_rels/workbook.xml.rels", '<Relationships><Relationship Id="a" Type="%s/worksheet" Target="worksheets/sheet1.xml"/></Relationships>' % R)
    with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as w:
        w.write('<worksheet><sheetData><row r="1"><c t="inlineStr"><is><t>行政相对人名称</t></is></c><c t="inlineStr"><is><t>'.encode())
        total = 0
        while total < (1 << 30):
            block = bytes(random.choice(b"abcdefghijklmnopqrstuvwxyz") for _ in range(600))
            w.write(block * 60); total += 600 * 60
        w.write(b"</t></is></c></row></sheetData></worksheet>")
PY

fail=0
printf '%-12s %-6s %-18s %s\n' case exit reason peak_rss_mb
for f in sparse.csv cell.csv bomb.xlsx cell.xlsx; do
  set +e
  /usr/bin/time -f '%M' -o "$work/rss" bin/credit import "$work/$f" --provider 11100000000013127D --item XZCF --format json >"$work/out" 2>/dev/null
  rc=$?
  set -e
  kb=$(tail -1 "$work/rss")
  reason=$(python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline()).get("refused",""))' "$work/out" 2>/dev/null || echo '?')
  printf '%-12s %-6s %-18s %d\n' "$f" "$rc" "$reason" $((kb / 1024))
  if [ "$rc" != 4 ] || [ "$kb" -gt $((300 * 1024)) ]; then fail=1; fi
done
if [ -n "$(ls -A "$work/tmp")" ]; then echo "temporary files left"; fail=1; fi

# Full disk. A store with 20,000 records first, then the cap.
go build -o bin/gendata ./scripts/gendata
bin/gendata xzcf -n 20000 -seed 3 -o "$work/base.csv" -today "$CREDIT_TODAY"
bin/gendata xzcf -n 200000 -seed 4 -o "$work/more.csv" -today "$CREDIT_TODAY"
bin/credit import "$work/base.csv" --provider 11100000000013127D --item XZCF >/dev/null 2>&1 || [ $? = 3 ]
state() {
  python3 - "$CREDIT_DB" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
q = ["select count(*) from records", "select count(*) from batches", "select count(*) from rejects",
     "select count(*) from staged_revisions", "select coalesce(max(seq),0) from audit_log"]
print(" ".join(str(db.execute(x).fetchone()[0]) for x in q))
PY
}
pages=$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("pragma page_count").fetchone()[0])' "$CREDIT_DB")
mkdir "$work/outdir"
full() { # name expected-exit command...
  local name=$1 want=$2; shift 2
  local before; before=$(state)
  set +e
  /usr/bin/time -f '%M' -o "$work/rss" "$@" >"$work/out" 2>"$work/err"
  rc=$?
  set -e
  kb=$(tail -1 "$work/rss")
  local after; after=$(state)
  local outcome=ok
  grep -q '磁盘空间不足' "$work/err" || outcome="no-disk-full-message"
  [ "$before" = "$after" ] || outcome="store-changed($before→$after)"
  [ -z "$(ls -A "$work/outdir")" ] || outcome="files-left"
  printf '%-12s %-6s %-18s %d\n' "$name" "$rc" "$outcome" $((kb / 1024))
  if [ "$rc" != "$want" ] || [ "$outcome" != ok ] || [ "$kb" -gt $((300 * 1024)) ]; then fail=1; fi
}
full store-full 1 env CREDIT_TEST_MAX_PAGES=$pages bin/credit import "$work/more.csv" --provider 11100000000013127D --item XZCF --format json
full backup-full 1 env CREDIT_TEST_DISK_FULL_AFTER=1048576 bin/credit backup "$work/outdir/b.db"
full output-full 1 env CREDIT_TEST_DISK_FULL_AFTER=1024 bin/credit report sanctions --month 2025-11 -o "$work/outdir/r.xlsx"
# Space back: the same import goes through.
set +e
bin/credit import "$work/more.csv" --provider 11100000000013127D --item XZCF --format json >/dev/null 2>&1
rc=$?
set -e
printf '%-12s %-6s %-18s\n' space-back "$rc" "$( [ "$rc" = 0 ] || [ "$rc" = 3 ] && echo imported || echo failed)"
if [ "$rc" != 0 ] && [ "$rc" != 3 ]; then fail=1; fi
exit $fail
