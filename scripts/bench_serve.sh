#!/usr/bin/env bash
# credit serve benchmark (issue 18): API lookups per second and p50/p99 with
# 1, 8 and 32 clients over a ROWS-record store (default 200,000), every
# lookup logged in the query log, beside the same lookups as whole-process
# CLI calls (`credit subject show CODE --scope shared --unit U`).
# Goal: ≥ 2,000 API lookups/s on 2 cores.
#   scripts/bench_serve.sh                 ROWS=200000 D=10s N=100 CLIENTS="1 8 32"
#   PROFILE=1 scripts/bench_serve.sh       also writes bench/serve.cpu.pprof (a -tags pprof build)
#   SERVE_BIN=/path/credit scripts/bench_serve.sh   the same load on another build
# The store is scripts/bench_lookup.sh's (built once per size under bench/).
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${ROWS:-200000}
D=${D:-10s}
N=${N:-100}
CLIENTS=${CLIENTS:-1 8 32}
B=bench
ROWS=$ROWS N=1 scripts/bench_lookup.sh >/dev/null
DB=$PWD/$B/lookup-$ROWS.db
CODES=$B/lookup-$ROWS.codes
BIN=$PWD/$B/credit-lookup
TAGS=""
[ -n "${PROFILE:-}" ] && TAGS="-tags pprof"
# SERVE_BIN: serve with another build (e.g. an older commit's) over the same store.
SRV=${SERVE_BIN:-$PWD/$B/credit-serve}
# shellcheck disable=SC2086
[ -n "${SERVE_BIN:-}" ] || CGO_ENABLED=0 go build $TAGS -trimpath -o $B/credit-serve ./cmd/credit
go build -o $B/servebench ./scripts/servebench
unset CREDIT_TODAY   # credit serve answers on the real date only
export CREDIT_DB=$DB
UNIT=113206000140000015
# The unit sees 行政处罚 in the shared scope; its token's limit is raised
# so that the benchmark measures the server, not the rate limit.
"$BIN" unit add $UNIT --name 基准测试使用单位 --items XZCF >/dev/null 2>&1 || true
TOKEN=$("$BIN" unit token add $UNIT 2>/dev/null)
PORT=${PORT:-18480}
PPROF=127.0.0.1:$((PORT + 1))
CREDIT_PPROF=$PPROF "$SRV" serve --http 127.0.0.1:$PORT --rate 1000000 --burst 1000000 2>$B/serve.log &
PID=$!
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -sf http://127.0.0.1:$PORT/healthz >/dev/null 2>&1 && break; sleep 0.1; done
curl -sf http://127.0.0.1:$PORT/healthz >/dev/null || { echo "credit serve did not start:"; cat $B/serve.log; exit 1; }
HZ=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' /proc/$PID/stat; }
# Minor page faults: with the store memory-mapped, a reader's first touch of
# a page faults it into that connection's map (docs/performance.md).
minflt() { awk '{print $10}' /proc/$PID/stat; }
echo "load: $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min)"
echo "store: $ROWS records ($DB); every lookup written to the query log; $(nproc) cores"
before=$(sqlite3 "$DB" "SELECT count(*) FROM query_log" 2>/dev/null || echo "?")
for c in $CLIENTS; do
  if [ -n "${PROFILE:-}" ] && [ "$c" = "$(echo $CLIENTS | awk '{print $NF}')" ]; then
    secs=${D%s}
    curl -s "http://$PPROF/debug/pprof/profile?seconds=$((secs > 2 ? secs - 1 : 1))" > $B/serve.cpu.pprof &
    PROF=$!
  fi
  t0=$(cpu_ticks); f0=$(minflt)
  out=$(/usr/bin/time -f '%U %S' -o $B/servebench.cpu $B/servebench -url http://127.0.0.1:$PORT -token "$TOKEN" -codes "$CODES" -c "$c" -d "$D")
  t1=$(cpu_ticks); f1=$(minflt)
  n=$(echo "$out" | grep -o 'lookups=[0-9]*' | cut -d= -f2)
  # The client shares the 2 cores: its CPU per lookup is what the server cannot have.
  out="$out  | client CPU $(awk -v n="$n" '{printf "%.2f ms/lookup", ($1+$2)*1000/n}' $B/servebench.cpu)"
  # The server's own CPU time per lookup (user+sys from /proc): unlike
  # lookups/s it does not depend on what else the machine is running.
  echo "$out  | server CPU $(awk -v a="$t0" -v b="$t1" -v n="$n" -v hz="$HZ" 'BEGIN{printf "%.2f ms/lookup (%.0f lookups/s per core)", (b-a)*1000/hz/n, n*hz/(b-a)}'), $(awk -v a="$f0" -v b="$f1" -v n="$n" 'BEGIN{printf "%.0f", (b-a)/n}') page faults/lookup"
done
[ -n "${PROF:-}" ] && wait "$PROF" && echo "cpu profile: go tool pprof -top $B/credit-serve $B/serve.cpu.pprof"
echo "server peak memory: $(awk '/VmHWM/ {printf "%.0f MiB", $2/1024}' /proc/$PID/status) (VmHWM; the store's mapped pages count when touched)"
after=$(sqlite3 "$DB" "SELECT count(*) FROM query_log" 2>/dev/null || echo "?")
echo "query-log entries: $before → $after"
# The same lookups as whole processes, one after another.
start=$EPOCHREALTIME
shuf -n "$N" "$CODES" | while read -r code; do
  "$BIN" subject show "$code" --scope shared --unit $UNIT --purpose bench --format json >/dev/null
done
awk -v a="$start" -v b="$EPOCHREALTIME" -v n="$N" 'BEGIN{printf "cli (whole process) lookups=%d  %.0f lookups/s  mean %.1f ms\n", n, n/(b-a), (b-a)*1000/n}'
