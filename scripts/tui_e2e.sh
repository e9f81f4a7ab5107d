#!/usr/bin/env bash
# The TUI's end-to-end test (issue 9): builds credit, makes a demo store
# (scripts/gendata demo, a smaller one), runs `credit tui` in a detached tmux
# session at 100x30, files an objection through the form with send-keys,
# checks with capture-pane that the queue shows it, then checks with
# `credit objection list --format json` that the store has it.
# Run by internal/tui/tmux_test.go (go test ./internal/tui); needs tmux.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v tmux >/dev/null 2>&1 || { echo "tui_e2e: tmux is required" >&2; exit 2; }

work=$(mktemp -d)
sock="credit-e2e-$$" # a tmux server of our own, never the user's
T() { tmux -L "$sock" "$@"; }
cleanup() {
  T kill-server 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

say() { echo "tui_e2e: $*"; }
screen() { T capture-pane -p -t e2e; }
# wait_for TEXT...: until the screen shows every TEXT (10 s at most).
wait_for() {
  for _ in $(seq 1 100); do
    local s ok=1
    s=$(screen 2>/dev/null || true)
    for x in "$@"; do
      case "$s" in *"$x"*) ;; *) ok=0 ;; esac
    done
    [ "$ok" = 1 ] && return 0
    sleep 0.1
  done
  say "timed out waiting for: $*"
  screen || true
  exit 1
}
keys() { T send-keys -t e2e "$@"; sleep 0.05; }
text() { T send-keys -t e2e -l "$1"; sleep 0.05; }

say "building"
CGO_ENABLED=0 go build -o "$work/credit" ./cmd/credit
say "making the demo store"
go run ./scripts/gendata demo -bin "$work/credit" -dir "$work/demo" -n "${E2E_SUBJECTS:-300}" >"$work/demo.txt"
export CREDIT_DB="$work/demo/credit.db"
record=$(sed -n 's/.*"free_record": *\([0-9][0-9]*\).*/\1/p' "$work/demo/demo.json")
[ -n "$record" ] || { say "no free record in demo.json"; exit 1; }
applicant="端到端测试申请人"

say "starting credit tui in tmux (100x30)"
T new-session -d -s e2e -x 100 -y 30 \
  "env LANG=C.UTF-8 TERM=xterm-256color NO_COLOR=1 CREDIT_DB='$CREDIT_DB' '$work/credit' tui; sleep 30"
wait_for "概览" "办理队列"

keys 3
wait_for "异议队列"
keys n
wait_for "受理异议" "记录编号"
text "$record"
keys Enter          # → 异议理由
keys Enter          # wrong → 申请人
text "$applicant"
keys Enter          # → 联系方式
keys Enter Enter    # → 证明材料 → 异议内容
text "e2e：处罚金额有误"
keys Enter          # → 受理渠道
keys Enter          # office → 收到日期
keys Enter          # today → confirmation
wait_for "确认办理？" "审核期限："
keys y
wait_for "（记录 $record）：已受理"

out=$(screen)
if ! printf '%s\n' "$out" | grep -Eq "^▸ +[0-9]+ +$record +XZCF .*已受理"; then
  say "the queue does not show the new objection under the cursor:"
  printf '%s\n' "$out"
  exit 1
fi
keys q
say "the queue shows it; checking the store through the command line"

list=$("$work/credit" objection list --record "$record" --format json)
id=$(printf '%s\n' "$list" | sed -n 's/^ *"id": *\([0-9][0-9]*\),.*/\1/p' | tail -1)
printf '%s\n' "$list" | grep -q '"state": "received"' || { say "not received: $list"; exit 1; }
show=$("$work/credit" objection show "$id" --format json)
printf '%s\n' "$show" | grep -q "\"applicant\": \"$applicant\"" || { say "wrong applicant: $show"; exit 1; }
say "ok: objection $id on record $record filed through the TUI"
