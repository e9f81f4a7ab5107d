#!/usr/bin/env bash
# A long revision publish beside small writes (issue 16, SPEC §6): imports
# ROWS records, then a file revising every one of them while a loop of
# `credit user add` runs beside it, and prints the longest lock wait of a
# small write (CREDIT_TRACE_LOCK_WAIT), how many failed, and the import's time.
# Usage: scripts/publish_wait.sh [ROWS]   (default 200000; a few minutes)
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-200000}
go build -o bin/credit ./cmd/credit
go build -o bin/gendata ./scripts/gendata
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export CREDIT_DB=$work/credit.db CREDIT_TODAY=2026-11-01
prov=11320600MB19587002
bin/credit init >/dev/null
bin/credit provider add $prov --name 南通市市场监督管理局 --items XZCF >/dev/null
bin/gendata xzcf -n "$rows" -seed 11 -o "$work/a.csv" -today "$CREDIT_TODAY"
python3 - "$work/a.csv" "$work/b.csv" <<'PY'
import csv, sys
r = csv.reader(open(sys.argv[1], encoding="utf-8"))
w = csv.writer(open(sys.argv[2], "w", encoding="utf-8", newline=""))
h = next(r); w.writerow(h); i = h.index("备注")
for row in r:
    row[i] = "经复核更正"; w.writerow(row)
PY
bin/credit import "$work/a.csv" --provider $prov --item XZCF --format json >/dev/null || [ $? = 3 ]
start=$(date +%s.%N)
(bin/credit import "$work/b.csv" --provider $prov --item XZCF --format json >"$work/out" || [ $? = 3 ]) &
imp=$!
i=0 failed=0
: >"$work/waits"
while kill -0 $imp 2>/dev/null; do
  i=$((i + 1))
  if ! CREDIT_TRACE_LOCK_WAIT=1 bin/credit user add "w$i" --role viewer 2>>"$work/waits" >/dev/null; then failed=$((failed + 1)); fi
done
wait $imp
end=$(date +%s.%N)
echo "revision import of $rows rows: $(python3 -c "print(round($end - $start, 1))") s; $(head -c 300 "$work/out")"
sort -t= -k2 -n "$work/waits" | grep lock_wait_ms | tail -1 | sed "s/^/longest small-write wait: /"
echo "small writes: $i, failed: $failed"
[ "$failed" = 0 ]
