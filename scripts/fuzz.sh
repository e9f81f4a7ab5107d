#!/usr/bin/env bash
# Runs every Go fuzz target in the module for the given time each (default
# 30s), all of them even when one fails; exits 1 if any failed. A failing
# input is saved under the package's testdata/fuzz/ and then runs in make test.
set -uo pipefail
cd "$(dirname "$0")/.."
t=${1:-30s}
failed=()
for pkg in $(go list ./...); do
  dir=$(go list -f '{{.Dir}}' "$pkg")
  for f in $(grep -ho '^func Fuzz[A-Za-z0-9_]*' "$dir"/*_test.go 2>/dev/null | sed 's/^func //'); do
    echo "== $pkg $f ($t)"
    # A bounded minimisation keeps a busy machine from stalling on big inputs.
    go test "$pkg" -run '^$' -fuzz "^$f\$" -fuzztime "$t" -fuzzminimizetime 10s || failed+=("$pkg $f")
  done
done
if [ ${#failed[@]} -gt 0 ]; then
  printf 'fuzz: failed: %s\n' "${failed[@]}"
  exit 1
fi
echo "fuzz: all targets passed"
