#!/usr/bin/env bash
# make demo: builds (done by make), creates demo/credit.db with realistic
# sample data, then opens the TUI on it — or, with no terminal (or before the
# TUI exists), prints what it created.
set -euo pipefail
cd "$(dirname "$0")/.."
export CREDIT_DB="$PWD/demo/credit.db"
C=bin/credit
mkdir -p demo
rm -f demo/credit.db demo/credit.db-wal demo/credit.db-shm demo/*.lock
today=$(TZ=Asia/Shanghai date +%F)

$C init >/dev/null
$C user add zhangsan --role clerk >/dev/null
$C user add lisi --role reviewer >/dev/null
# Demo departments (made-up codes with valid check characters; real ones are registered by the office).
$C provider add 11320600MB19587002 --name 南通市市场监督管理局（演示） --items XZCF,XZXK >/dev/null
$C unit add 11320600MB19623002 --name 南通市住房和城乡建设局（演示） --items XZCF >/dev/null 2>&1 || true

# About a thousand subjects' penalties, then the same file again with planted errors.
go run ./scripts/gendata xzcf -n 1000 -o demo/行政处罚_演示.csv -today "$today"
$C import demo/行政处罚_演示.csv --provider 11320600MB19587002 --item XZCF >/dev/null || true
# A second file: new rows, with an impossible date and a broken code planted.
go run ./scripts/gendata xzcf -n 1040 -seed 7 -o demo/tmp.csv -today "$today"
{ head -1 demo/tmp.csv; sed -n '1002,1041p' demo/tmp.csv | sed '5s/,20\([0-9][0-9]\)-\([0-9][0-9]\)-\([0-9][0-9]\),/,2025-02-30,/; 9s/,913206/,913207/'; } > demo/行政处罚_有错误.csv
rm -f demo/tmp.csv
$C import demo/行政处罚_有错误.csv --provider 11320600MB19587002 --item XZCF --rejects demo/拒收报告.csv >/dev/null 2>&1 || true

echo "演示数据库 / demo store: $CREDIT_DB"
echo
$C batch list
echo
$C catalog list
echo
echo "拒收报告 / reject report: demo/拒收报告.csv"
if [ -t 0 ] && [ -t 1 ] && $C tui --help >/dev/null 2>&1; then
  exec $C tui
fi
cat <<EOF2

终端界面尚未完成；可以试试 / the TUI is not built yet; try:
  export CREDIT_DB=$CREDIT_DB
  bin/credit batch show 2
  bin/credit batch rejects 2
  bin/credit catalog show XZCF
  bin/credit calendar show $(date +%Y)
  bin/credit code check 91350100M000100Y43 11010519491231002X
  bin/credit audit verify
EOF2
