#!/usr/bin/env bash
# Seals (第三十六条, 第三十七条): what they cost and how long a full check takes.
#   BASE=path/to/credit-without-seals ROWS=200000 scripts/bench_seals.sh
# 1. the import of ROWS 行政处罚 rows, alternated 3 times between BASE (a
#    binary built from the commit before the seals) and bin/credit: medians
#    and their ratio;
# 2. `credit audit verify` (chain + every seal) on a store of VERIFY_ROWS
#    records (default 1,000,000; 0 skips it), whole-process wall time.
# The load average is printed beside each figure: the machine is shared.
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${ROWS:-200000}; VERIFY_ROWS=${VERIFY_ROWS:-1000000}; B=bench/seals
P=11320600MB19587002
mkdir -p "$B"; make -s build
gen() { [ -f "$B/xzcf-$1.csv" ] || go run ./scripts/gendata xzcf -n "$1" -o "$B/xzcf-$1.csv" -today 2026-11-01; cat "$B/xzcf-$1.csv" >/dev/null; }
import_once() { # BIN DIR CSV → seconds
  rm -rf "$2" && mkdir -p "$2"
  CREDIT_DB="$2/c.db" "$1" init >/dev/null
  CREDIT_DB="$2/c.db" "$1" provider add $P --name 基准 --items XZCF >/dev/null
  /usr/bin/time -f '%e %U %S' -o "$2/time" env CREDIT_DB="$2/c.db" CREDIT_TODAY=2026-11-01 "$1" import "$3" --provider $P --item XZCF >/dev/null || true
  awk '{printf "%s %.2f\n", $1, $2+$3}' "$2/time" # wall, CPU (user+sys)
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
if [ -n "${BASE:-}" ]; then
  gen "$ROWS"; : > "$B/base.runs"; : > "$B/sealed.runs"
  for i in 1 2 3; do
    import_once "$BASE" "$B/base" "$B/xzcf-$ROWS.csv" | tee -a "$B/base.runs"
    import_once bin/credit "$B/sealed" "$B/xzcf-$ROWS.csv" | tee -a "$B/sealed.runs"
  done
  b=$(cut -d' ' -f1 "$B/base.runs" | median); s=$(cut -d' ' -f1 "$B/sealed.runs" | median)
  bc=$(cut -d' ' -f2 "$B/base.runs" | median); sc=$(cut -d' ' -f2 "$B/sealed.runs" | median)
  echo "import of $ROWS rows: wall without seals ${b}s, sealed ${s}s, ratio $(awk -v a="$s" -v b="$b" 'BEGIN{printf "%.2f", a/b}'); CPU ${bc}s vs ${sc}s, ratio $(awk -v a="$sc" -v b="$bc" 'BEGIN{printf "%.2f", a/b}') (runs wall/CPU: $(tr '\n' ' ' < "$B/base.runs")/ $(tr '\n' ' ' < "$B/sealed.runs"); load $(cut -d' ' -f1-3 /proc/loadavg))"
fi
[ "$VERIFY_ROWS" -gt 0 ] || exit 0
gen "$VERIFY_ROWS"
[ -f "$B/big/c.db" ] && [ "${REUSE_BIG:-}" = 1 ] || import_once bin/credit "$B/big" "$B/xzcf-$VERIFY_ROWS.csv" >/dev/null
/usr/bin/time -f 'audit verify: %e s wall, %U s user, %S s sys' env CREDIT_DB="$B/big/c.db" bin/credit audit verify
echo "(store of $VERIFY_ROWS records; goal: under 60 s; load $(cut -d' ' -f1-3 /proc/loadavg))"
