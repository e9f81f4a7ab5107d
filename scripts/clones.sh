#!/bin/sh
# Clone pairs among the workflow code (objection, repair, roster and the queue
# engine: their packages and their parts in cli/, tui/, store/; tests excluded):
# fragments dupl finds at 50 tokens or more, kept when both sides span 12 or
# more lines. Needs dupl (go install github.com/mibk/dupl@v1.1.0).
# Prints one line per fragment of a clone group (dupl -plumbing).
set -e
cd "$(dirname "$0")/.."
DUPL=${DUPL:-$(command -v dupl || echo "$(go env GOPATH)/bin/dupl")}
FILES=$(ls internal/objection/*.go internal/repair/*.go internal/roster/*.go internal/queue/*.go \
	internal/cli/objection.go internal/cli/repair.go internal/cli/roster*.go internal/cli/workflow.go \
	internal/tui/objections.go internal/tui/repairs.go internal/tui/rosters.go internal/tui/queueview.go \
	internal/store/objection.go internal/store/repair.go internal/store/roster.go | grep -v _test.go)
"$DUPL" -t 50 -plumbing $FILES | awk -F'[:-]' '{a=$3-$2+1; b=$6-$5+1; if (a>=12 && b>=12) print}'
