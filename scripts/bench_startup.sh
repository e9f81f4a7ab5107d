#!/usr/bin/env bash
# Start-up of a one-shot command (issue 17, "subject show" target): whole
# `credit subject show CODE --format json` processes of one or more credit
# binaries and of the sqlite3 shell doing the same select and logging one
# query row in a FULL-synchronous write transaction (as scripts/bench.sh),
# alternated N rounds in the same run over random subjects of a ROWS-record
# store; then `credit version` of each binary (the floor: process start and
# package initialisation, no store). Prints wall-clock medians (bash clock)
# and the ratio to sqlite3.
#   scripts/bench_startup.sh                         (this tree's build, N=31)
#   scripts/bench_startup.sh /tmp/credit-old         (an older build beside it)
#   CPU=1 scripts/bench_startup.sh /tmp/credit-old   (also CPU time and page faults per process, with perf)
# The store is bench.sh's base store (bench/base.db) when it is there,
# otherwise one is built under bench/ (ROWS rows, untimed); each binary runs
# its init on the copy first, so each has the compiled catalog it reads.
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${ROWS:-200000}
N=${N:-31}
TODAY=2026-11-01
B=bench
mkdir -p "$B"
command -v sqlite3 >/dev/null || { echo "bench_startup: sqlite3 is needed (apt-get install sqlite3)"; exit 1; }
CGO_ENABLED=0 go build -trimpath -ldflags '-s -w' -o "$B/credit-startup" ./cmd/credit
BINS=("$PWD/$B/credit-startup")
for b in "$@"; do BINS+=("$(realpath "$b")"); done
export CREDIT_TODAY=$TODAY

PROVIDER=11320600MB19587002
CODES="$B/real-$ROWS.codes"
if [ ! -f "$B/base.db" ] || [ ! -f "$CODES" ]; then
  echo "building a $ROWS-row store under $B (untimed)…"
  go run ./scripts/gendata xzcf -n "$ROWS" -o "$B/real-$ROWS.csv" -codes "$CODES" -today $TODAY
  rm -f "$B/base.db" "$B/base.db-wal" "$B/base.db-shm"
  CREDIT_DB="$B/base.db" "${BINS[0]}" init >/dev/null
  CREDIT_DB="$B/base.db" "${BINS[0]}" provider add $PROVIDER --name 基准测试单位 --items XZCF >/dev/null
  CREDIT_DB="$B/base.db" "${BINS[0]}" import "$B/real-$ROWS.csv" --provider $PROVIDER --item XZCF --format json >/dev/null || true
  CREDIT_DB="$B/base.db" "${BINS[0]}" init >/dev/null
fi
DB="$B/startup.db"
rm -f "$DB" "$DB-wal" "$DB-shm" "$DB.key"; cp "$B/base.db" "$DB"; cat "$DB" >/dev/null
# A sealed store is written only with its office key (the lookup logs itself).
[ ! -f "$B/base.db.key" ] || cp -p "$B/base.db.key" "$DB.key"
export CREDIT_DB="$DB"
# Each binary's init (untimed) so that each reads the catalog in force from a
# compiled form in its own format, as it would on its own store.
for b in "${BINS[@]}"; do "$b" init >/dev/null 2>&1 || echo "note: $b init failed on this store (older schema?)"; done

tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
ms() { # ms OUT CMD...: appends the whole process's wall time in seconds (and with CPU=1 its task-clock ms and page faults to OUT.cpu)
  local out=$1; shift; local s=$EPOCHREALTIME
  if [ "${CPU:-0}" = 1 ]; then
    perf stat -x, -e task-clock,page-faults -o "$tmp/perf" "$@" >/dev/null 2>>"$tmp/err" || true
  else
    "$@" >/dev/null 2>>"$tmp/err" || true
  fi
  local e=$EPOCHREALTIME; awk -v a="$s" -v b="$e" 'BEGIN{printf "%.4f\n", b-a}' >> "$out"
  if [ "${CPU:-0}" = 1 ]; then awk -F, '/task-clock/{t=$1} /page-faults/{f=$1} END{print t, f}' "$tmp/perf" >> "$out.cpu"; fi
}
sqlq() { # the sqlite3 shell's script for one code
  echo "PRAGMA busy_timeout=5000; PRAGMA foreign_keys=ON; PRAGMA synchronous=FULL; BEGIN IMMEDIATE;
    SELECT s.id, s.code, s.kind, s.name, r.id, r.item, r.category, r.severity, r.decided_on, r.valid_until, r.vals, r.content_hash
      FROM subjects s JOIN records r ON r.subject_id = s.id JOIN batches b ON b.id = r.first_batch AND b.state = 'published'
      WHERE s.code = '$1' AND r.status = 'active';
    INSERT INTO query_log(at, today, operator, action, scope, subject_id, records) SELECT '2026-11-01T00:00:00Z', '$TODAY', 'bench', 'show', 'public', id, 1 FROM subjects WHERE code = '$1';
    COMMIT;"
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

load0=$(cut -d' ' -f1-3 /proc/loadavg)
shuf -n "$N" --random-source=<(yes) "$CODES" | cut -f1 > "$tmp/codes"
while read -r code; do
  for i in "${!BINS[@]}"; do
    ms "$tmp/show$i" "${BINS[$i]}" subject show "$code" --format json
    ms "$tmp/version$i" "${BINS[$i]}" version
  done
  ms "$tmp/sqlite3" sqlite3 "$DB" "$(sqlq "$code")"
done < "$tmp/codes"
s=$(median < "$tmp/sqlite3")
echo "== subject show, whole process, $N rounds alternated over $ROWS records (load $load0 → $(cut -d' ' -f1-3 /proc/loadavg))"
echo "sqlite3 select + logged query: ${s}s"
for i in "${!BINS[@]}"; do
  c=$(median < "$tmp/show$i"); v=$(median < "$tmp/version$i")
  echo "${BINS[$i]}: show ${c}s → ratio $(awk -v a="$c" -v b="$s" 'BEGIN{printf "%.2f", a/b}')   (credit version ${v}s)"
done
if [ "${CPU:-0}" = 1 ]; then
  echo "== CPU per process (perf stat task-clock, median ms; page faults)"
  sc=$(cut -d' ' -f1 "$tmp/sqlite3.cpu" | median)
  echo "sqlite3: ${sc} ms, $(cut -d' ' -f2 "$tmp/sqlite3.cpu" | median) faults"
  for i in "${!BINS[@]}"; do
    c=$(cut -d' ' -f1 "$tmp/show$i.cpu" | median)
    echo "${BINS[$i]}: show ${c} ms (ratio $(awk -v a="$c" -v b="$sc" 'BEGIN{printf "%.2f", a/b}')), $(cut -d' ' -f2 "$tmp/show$i.cpu" | median) faults; version $(cut -d' ' -f1 "$tmp/version$i.cpu" | median) ms, $(cut -d' ' -f2 "$tmp/version$i.cpu" | median) faults"
  done
fi
[ ! -s "$tmp/err" ] || { echo "some runs failed:"; head -3 "$tmp/err"; }
