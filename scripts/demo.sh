#!/usr/bin/env bash
# make demo: builds (done by make), creates demo/credit.db with realistic
# sample data through the credit binary (scripts/gendata/demo.go: about a
# thousand subjects, batches with rejects, objections and repairs in every
# state and deadline status relative to today), then opens the TUI on it —
# or, with no terminal, prints what it created.
set -euo pipefail
cd "$(dirname "$0")/.."
export CREDIT_DB="$PWD/demo/credit.db"
C=bin/credit
mkdir -p demo
rm -f demo/credit.db demo/credit.db-wal demo/credit.db-shm demo/credit.db.key demo/*.lock demo/*.csv

go run ./scripts/gendata demo -bin "$C" -dir demo -n "${DEMO_SUBJECTS:-1000}"

if [ -t 0 ] && [ -t 1 ]; then
  echo
  echo "正在打开终端界面（按 ? 查看按键，q 退出）/ opening the TUI (? for keys, q to quit)…"
  sleep 1
  exec $C tui
fi
cat <<EOF2

没有终端，未打开终端界面；可以这样打开 / no terminal, so the TUI was not opened; to open it:
  export CREDIT_DB=$CREDIT_DB
  bin/credit tui
或用命令行查看 / or look with the command line:
  bin/credit objection list --overdue
  bin/credit repair list
  bin/credit batch rejects 6
  bin/credit audit verify
EOF2
