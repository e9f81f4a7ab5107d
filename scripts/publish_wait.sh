#!/usr/bin/env bash
# A long revision publish beside small writes (issue 16, SPEC §6): imports
# ROWS records (and 2,000 more the revision leaves alone), then a file
# revising the ROWS while a loop of small writes runs beside it — `credit
# user add`, a lookup (`subject show`, which writes the query log) and an
# objection filed on one of the 2,000 — and prints the longest lock wait of a
# small write (CREDIT_TRACE_LOCK_WAIT), how many failed, the import's time
# and the load average. The publish is one short transaction; the revisions
# reach the base tables afterwards in chunks (internal/store/pending.go).
# Usage: scripts/publish_wait.sh [ROWS]   (default 200000; a few minutes)
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-200000}
CGO_ENABLED=0 go build -o bin/credit ./cmd/credit
go build -o bin/gendata ./scripts/gendata
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export CREDIT_DB=$work/credit.db CREDIT_TODAY=2026-11-01
prov=11320600MB19587002
bin/credit init >/dev/null
bin/credit provider add $prov --name 南通市市场监督管理局 --items XZCF >/dev/null
bin/gendata xzcf -n "$((rows + 2000))" -seed 11 -o "$work/all.csv" -today "$CREDIT_TODAY"
python3 - "$work/all.csv" "$work/a.csv" "$work/c.csv" "$work/b.csv" "$rows" <<'PY'
import csv, sys
r = csv.reader(open(sys.argv[1], encoding="utf-8"))
a, c, b = (csv.writer(open(p, "w", encoding="utf-8", newline="")) for p in sys.argv[2:5])
n = int(sys.argv[5])
h = next(r); i = h.index("备注")
for w in (a, b, c): w.writerow(h)
for k, row in enumerate(r):
    if k < n:
        a.writerow(row); row[i] = "经复核更正"; b.writerow(row)
    else:
        c.writerow(row)
PY
bin/credit import "$work/a.csv" --provider $prov --item XZCF --format json >/dev/null || [ $? = 3 ]
bin/credit import "$work/c.csv" --provider $prov --item XZCF --format json >/dev/null || [ $? = 3 ]
code=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT s.code FROM records r JOIN subjects s ON s.id = r.subject_id ORDER BY r.id LIMIT 1').fetchone()[0])" "$CREDIT_DB")
first_other=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT min(id) FROM records WHERE first_batch = (SELECT max(id) FROM batches)').fetchone()[0])" "$CREDIT_DB")
start=$(date +%s.%N)
(bin/credit import "$work/b.csv" --provider $prov --item XZCF --format json >"$work/out" || [ $? = 3 ]) &
imp=$!
i=0 failed=0
: >"$work/waits"
while kill -0 $imp 2>/dev/null; do
  i=$((i + 1))
  if ! CREDIT_TRACE_LOCK_WAIT=1 bin/credit user add "w$i" --role viewer 2>>"$work/waits" >/dev/null; then failed=$((failed + 1)); fi
  if ! CREDIT_TRACE_LOCK_WAIT=1 bin/credit subject show "$code" --format json 2>>"$work/waits" >/dev/null; then failed=$((failed + 1)); fi
  if [ "$i" -le 2000 ] && ! CREDIT_TRACE_LOCK_WAIT=1 bin/credit objection file --record $((first_other + i - 1)) --ground wrong --applicant 甲公司 2>>"$work/waits" >/dev/null; then
    failed=$((failed + 1))
  fi
done
wait $imp
end=$(date +%s.%N)
echo "revision import of $rows rows: $(python3 -c "print(round($end - $start, 1))") s; $(head -c 300 "$work/out")"
sort -t= -k2 -n "$work/waits" | grep lock_wait_ms | tail -1 | sed "s/^/longest small-write wait: /"
echo "small writes: $i rounds (user add, lookup, objection file), failed: $failed; load average $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
[ "$failed" = 0 ]
