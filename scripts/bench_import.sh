#!/usr/bin/env bash
# The import and revision-batch targets of issue 17 (scripts/bench.sh's first
# two), against an older credit build in the same run: this tree's build, the
# older build and `sqlite3 .import` alternated RUNS times each, with wall
# clock, CPU (user+sys) and peak memory per run (GNU time) and the load
# average, then medians. CPU times are what to compare on a busy shared
# machine; wall-clock ratios to sqlite3 (one core) grow with the load.
#   scripts/bench_import.sh /tmp/credit-base            (RUNS=3, ROWS=200000, REV=50000)
#   RUNS=1 ROWS=2000000 scripts/bench_import.sh OLD    (the 2M case: long)
# Inputs are bench.sh's (generated when missing). The 200k-record store the
# revision batch starts from is built once by the older build (untimed); each
# binary runs its init on its copy first (untimed), so schema upgrades are
# not measured.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# = 1 ] || { echo "usage: scripts/bench_import.sh OLD-CREDIT-BINARY"; exit 2; }
OLD=$(realpath "$1")
ROWS=${ROWS:-200000}
REV=${REV:-50000}
RUNS=${RUNS:-3}
TODAY=2026-11-01
B=bench
mkdir -p "$B"
command -v sqlite3 >/dev/null || { echo "bench_import: sqlite3 is needed (apt-get install sqlite3)"; exit 1; }
[ -x /usr/bin/time ] || { echo "bench_import: GNU time is needed (apt-get install time)"; exit 1; }
CGO_ENABLED=0 go build -trimpath -ldflags '-s -w' -o "$B/credit-import" ./cmd/credit
NEW=$PWD/$B/credit-import
export CREDIT_TODAY=$TODAY
PROVIDER=11320600MB19587002
CSV="$B/real-$ROWS.csv"
REVCSV="$B/real-$ROWS-rev$REV.csv"
[ -f "$CSV" ] || go run ./scripts/gendata xzcf -n "$ROWS" -o "$CSV" -codes "$B/real-$ROWS.codes" -today $TODAY
[ -f "$REVCSV" ] || go run ./scripts/gendata xzcf -n "$REV" -revise "$ROWS" -o "$REVCSV" -today $TODAY

new_store() { # new_store BIN DB
  rm -f "$2" "$2-wal" "$2-shm" "$2.key"
  CREDIT_DB="$2" "$1" init >/dev/null
  CREDIT_DB="$2" "$1" provider add $PROVIDER --name 基准测试单位 --items XZCF >/dev/null
}
copy_store() { # copy_store BIN FROM TO: a copy and its key, upgraded by BIN's init
  rm -f "$3" "$3-wal" "$3-shm"; cp "$2" "$3"; cp "$2.key" "$3.key"; chmod 600 "$3.key"
  CREDIT_DB="$3" "$1" init >/dev/null
}
new_wal() { rm -f "$1" "$1-wal" "$1-shm"; sqlite3 "$1" 'PRAGMA journal_mode=WAL;' >/dev/null; }
OUT="$B/bench_import.txt"
: > "$OUT"
# timed LABEL CMD...: one line "LABEL wall cpu KiB load" into $OUT.
timed() {
  local label=$1; shift
  /usr/bin/time -o "$B/time.tmp" -f '%e %U %S %M' "$@" > /dev/null 2>>"$B/bench_import.err" || true
  read -r e u s m < <(tail -1 "$B/time.tmp")
  echo "$label $e $(awk -v u="$u" -v s="$s" 'BEGIN{printf "%.2f", u+s}') $m $(cut -d' ' -f1 /proc/loadavg)" | tee -a "$OUT"
}
: > "$B/bench_import.err"

echo "building the $ROWS-record stores the revision batch starts from (untimed)…"
new_store "$OLD" "$B/ib-base.db"
CREDIT_DB="$B/ib-base.db" "$OLD" import "$CSV" --provider $PROVIDER --item XZCF --format json > /dev/null
CREDIT_DB="$B/ib-base.db" "$OLD" init > /dev/null   # drained and checkpointed
new_wal "$B/ib-sbase.db"
sqlite3 "$B/ib-sbase.db" -cmd '.mode csv' ".import $CSV t"
cat "$CSV" "$REVCSV" "$B/ib-base.db" > /dev/null   # warm the file cache

for i in $(seq "$RUNS"); do
  for side in old new; do
    bin=$OLD; [ $side = new ] && bin=$NEW
    new_store "$bin" "$B/ib-run.db"
    timed "import.$side" env CREDIT_DB="$B/ib-run.db" "$bin" import "$CSV" --provider $PROVIDER --item XZCF --format json
  done
  new_wal "$B/ib-srun.db"
  timed "import.sqlite3" sqlite3 "$B/ib-srun.db" -cmd '.mode csv' ".import $CSV t"
  for side in old new; do
    bin=$OLD; [ $side = new ] && bin=$NEW
    copy_store "$bin" "$B/ib-base.db" "$B/ib-run.db"
    timed "revision.$side" env CREDIT_DB="$B/ib-run.db" "$bin" import "$REVCSV" --provider $PROVIDER --item XZCF --format json
  done
  cp "$B/ib-sbase.db" "$B/ib-srun.db"; rm -f "$B/ib-srun.db-wal" "$B/ib-srun.db-shm"
  timed "revision.sqlite3" sqlite3 "$B/ib-srun.db" -cmd '.mode csv' ".import --skip 1 $REVCSV t"
done

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
col() { awk -v l="$1" -v c="$2" '$1 == l {print $c}' "$OUT" | median; }
echo
echo "== medians of $RUNS runs ($ROWS rows, revision batch $REV; old = $OLD)"
for t in import revision; do
  s=$(col "$t.sqlite3" 2)
  for side in old new; do
    w=$(col "$t.$side" 2); c=$(col "$t.$side" 3)
    m=$(( $(awk -v l="$t.$side" '$1 == l {print $4}' "$OUT" | sort -n | tail -1) / 1024 ))
    echo "$t $side: wall ${w}s, cpu ${c}s, peak ${m} MiB; sqlite3 .import ${s}s (cpu $(col "$t.sqlite3" 3)s) → ratio $(awk -v a="$w" -v b="$s" 'BEGIN{printf "%.2f", a/b}')"
  done
done
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
errs=$(grep -cv '^Command exited with non-zero status 3$' "$B/bench_import.err" || true)
[ "$errs" = 0 ] || { echo "bench_import: some commands failed (see $B/bench_import.err):"; head -5 "$B/bench_import.err"; }
