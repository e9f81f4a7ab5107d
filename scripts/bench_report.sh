#!/usr/bin/env bash
# The monthly sanction report of SPEC §7: a month with 100,000 joint
# reward/sanction cases, exported with `credit report sanctions -o x.xlsx`,
# timed as a whole process (target < 5 s). The cases are inserted straight
# into a fresh store with sqlite3 (the report reads measure_cases; going
# through `credit case record` 100,000 times would time the generator, not
# the report). The file cache is warmed by one untimed read, then RUNS runs;
# the median and peak memory are printed.
#   CASES=100000 RUNS=3 scripts/bench_report.sh
set -euo pipefail
cd "$(dirname "$0")/.."
CASES=${CASES:-100000}
RUNS=${RUNS:-3}
MONTH=2025-11
B=bench
mkdir -p "$B"
command -v sqlite3 >/dev/null || { echo "bench_report: sqlite3 is needed (apt-get install sqlite3)"; exit 1; }
[ -x /usr/bin/time ] || { echo "bench_report: GNU time is needed (apt-get install time)"; exit 1; }
[ -x bin/credit ] || CGO_ENABLED=0 go build -o bin/credit ./cmd/credit

DB="$B/report.db"
export CREDIT_DB="$DB" CREDIT_TODAY=2025-12-01
rm -f "$DB" "$DB"-wal "$DB"-shm "$DB".key
bin/credit init >/dev/null
# Four user units (codes from the standards' examples, domain.md §2).
UNITS=(11100000000013127D 91350100M000100Y43 91110000802100433B 91110108551385082Q)
for i in "${!UNITS[@]}"; do
  bin/credit unit add "${UNITS[$i]}" --name "基准测试单位$((i+1))" >/dev/null
done

echo "generating $CASES cases in $MONTH → $DB"
sqlite3 "$DB" >/dev/null <<SQL
PRAGMA journal_mode=WAL;
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $CASES),
m(k, code, name, cat, kind, matter) AS (VALUES
  (0, 'CJ01', '依法限制参加政府采购活动（列入不良行为记录名单，一至三年内禁止参加政府采购活动）', 'reduce-rights', 'sanction', '政府采购'),
  (1, 'CJ02', '依法限制参与依法必须进行招标的项目的投标（取消一至三年投标资格）', 'reduce-rights', 'sanction', '招标投标'),
  (2, 'CJ05', '限制参加评先评优 / 撤销相关荣誉称号', 'reduce-rights', 'sanction', '评优评级'),
  (3, 'CJ16', '列为重点监管对象，提高抽查比例和检查频次（信用分级分类监管）', 'other', 'sanction', '日常监管'),
  (4, 'JL01', '行政审批“绿色通道”、容缺受理等便利服务', 'reward', 'reward', '行政许可'))
INSERT INTO measure_cases(subject_code, subject_name, subject_kind, measure, measure_name, category, kind, unit, matter,
  applied_on, result, grounds, recorded_by, recorded_on, recorded_at)
SELECT printf('91320600MA%07dX', i), '南通基准测试企业' || i || '有限公司', 'enterprise', m.code, m.name, m.cat, m.kind,
  CASE i % 4 WHEN 0 THEN '11100000000013127D' WHEN 1 THEN '91350100M000100Y43' WHEN 2 THEN '91110000802100433B' ELSE '91110108551385082Q' END,
  m.matter, printf('$MONTH-%02d', 1 + i % 30), CASE WHEN i % 3 = 0 THEN '取消资格' ELSE '' END,
  CASE m.kind WHEN 'reward' THEN '[{"type":"list","id":"R' || i || '","list":"red","name":"A级纳税人名单"}]'
    ELSE '[{"type":"list","id":"R' || i || '","list":"black","name":"严重违法失信名单"},{"type":"record","id":"' || i || '","item":"XZCF","role":"own"}]' END,
  'bench', '2025-12-01', '2025-12-01T00:00:00Z'
FROM n JOIN m ON m.k = n.i % 5;
COMMIT;
SQL
cat "$DB" >/dev/null   # warm the file cache (untimed)

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
: > "$B/report.runs"
for i in $(seq "$RUNS"); do
  rm -f "$B/report.xlsx"
  /usr/bin/time -f '%e %M' -o "$B/report.time" bin/credit report sanctions --month $MONTH -o "$B/report.xlsx" --force 2>/dev/null
  echo "run $i: $(cat "$B/report.time")" ; cat "$B/report.time" >> "$B/report.runs"
done
t=$(cut -d' ' -f1 "$B/report.runs" | median); mem=$(cut -d' ' -f2 "$B/report.runs" | sort -n | tail -1)
echo
echo "== monthly sanction report of $CASES cases to xlsx ($(du -h "$B/report.xlsx" | cut -f1))"
echo "credit report sanctions -o x.xlsx: median ${t}s, peak $((mem/1024)) MiB   target < 5 s"
