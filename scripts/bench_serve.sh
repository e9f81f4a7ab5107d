#!/usr/bin/env bash
# credit serve benchmark (issue 18): API lookups per second and p50/p99 with
# 1, 8 and 32 clients over a ROWS-record store (default 200,000), every
# lookup logged in the query log, beside the same lookups as whole-process
# CLI calls (`credit subject show CODE --scope shared --unit U`).
# Goal: ≥ 2,000 API lookups/s on 2 cores.
#   scripts/bench_serve.sh            ROWS=200000 D=10s N=100
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${ROWS:-200000}
D=${D:-10s}
N=${N:-100}
B=bench
# The store of scripts/bench_lookup.sh (built once per size, reused).
ROWS=$ROWS N=1 scripts/bench_lookup.sh >/dev/null
DB=$PWD/$B/lookup-$ROWS.db
CODES=$B/lookup-$ROWS.codes
BIN=$PWD/$B/credit-lookup
unset CREDIT_TODAY
export CREDIT_DB=$DB
UNIT=113206000140000015
"$BIN" unit add $UNIT --name 基准测试使用单位 >/dev/null 2>&1 || true
TOKEN=$("$BIN" unit token add $UNIT 2>/dev/null)
go build -o $B/servebench ./scripts/servebench
PORT=${PORT:-18480}
"$BIN" serve --http 127.0.0.1:$PORT 2>$B/serve.log &
PID=$!
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null' EXIT
for _ in $(seq 50); do curl -sf http://127.0.0.1:$PORT/healthz >/dev/null 2>&1 && break; sleep 0.1; done
echo "store: $ROWS records ($DB); every lookup written to the query log"
before=$(sqlite3 "$DB" "SELECT count(*) FROM query_log" 2>/dev/null || echo "?")
for c in 1 8 32; do
  $B/servebench -url http://127.0.0.1:$PORT -token "$TOKEN" -codes "$CODES" -c $c -d "$D"
done
after=$(sqlite3 "$DB" "SELECT count(*) FROM query_log" 2>/dev/null || echo "?")
echo "query-log entries added: $before → $after"
# The same lookups as whole processes, one after another.
start=$EPOCHREALTIME
shuf -n "$N" "$CODES" | while read -r code; do
  "$BIN" subject show "$code" --scope shared --unit $UNIT --purpose bench --format json >/dev/null
done
awk -v a="$start" -v b="$EPOCHREALTIME" -v n="$N" 'BEGIN{printf "cli (whole process) lookups=%d  %.0f lookups/s  mean %.1f ms\n", n, n/(b-a), (b-a)*1000/n}'
