#!/usr/bin/env bash
# Hostile inputs at full size (issue 16): a 2 GiB sparse file, a 1 GiB single
# cell, a zip bomb. Each is imported with the default policy limits; the
# script prints the outcome (exit code, reason) and the peak RSS of the
# process, and fails if an exit code is not 4 or a peak passes 300 MB.
# Usage: scripts/hostile.sh   (run by make test-long; needs /usr/bin/time and python3)
# The store-full case (SQLITE_FULL) is not here: see the issue notes.
set -euo pipefail
cd "$(dirname "$0")/.."
go build -o bin/credit ./cmd/credit
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

fail=0
printf '%-12s %-6s %-18s %s\n' case exit reason peak_rss_mb
for f in sparse.csv cell.csv bomb.xlsx; do
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
exit $fail
