#!/usr/bin/env bash
# make demo: a demo store with realistic data under demo/, then the TUI on it
# (or, with no terminal or no TUI yet, a summary of what was created).
set -euo pipefail
cd "$(dirname "$0")/.."
export CREDIT_DB="$PWD/demo/credit.db"
mkdir -p demo
rm -f demo/credit.db demo/credit.db-wal demo/credit.db-shm
bin/credit init >/dev/null
echo "演示数据库 / demo store: $CREDIT_DB"
bin/credit user list
bin/credit calendar show "$(date +%Y)" 2>/dev/null | head -40 || true
if [ -t 0 ] && [ -t 1 ] && bin/credit tui --help >/dev/null 2>&1; then
  exec bin/credit tui
fi
echo
echo "试试 / try:  CREDIT_DB=$CREDIT_DB bin/credit --help"
