# credit — the two commands a newcomer needs: `make demo` and `make test`.
GO       ?= go
BIN      := bin/credit
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS  := -s -w -X credit/internal/cli.Version=$(VERSION)
FUZZTIME ?= 30s

.PHONY: build test test-long demo serve-demo bench fuzz clean

# A static binary (CGO_ENABLED=0): no dynamic loader at start-up, about 3 ms
# less CPU per command (docs/performance.md, 第六轮). Nothing needs cgo:
# SQLite is modernc's pure Go; the operator's account is read from
# /etc/passwd, else asked of getent (NSS accounts; internal/operator).
# Tests keep the default (go test -race needs cgo).
build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/credit

# The whole suite: vet, unit, store, workflow and CLI tests, and the fuzz
# targets' seed corpora. Slow suites (benchmarks, long fuzzing) are separate.
test:
	$(GO) vet ./...
	$(GO) test -count=1 ./...

# Heavy cases kept out of make test: files tagged `//go:build long` (among
# them the end-to-end tests at full size, cmd/credit/e2e_size_long_test.go) and the
# full-size hostile inputs (2 GiB sparse file, 1 GiB cell, zip bomb) with
# their peak RSS (scripts/hostile.sh, about a minute and a half).
test-long:
	$(GO) test -count=1 -tags long ./...
	scripts/hostile.sh

# Builds, creates a demo store with realistic data under demo/ and opens the
# TUI on it (prints a summary instead when there is no terminal).
demo: build
	scripts/demo.sh

# The demo store served: clerks over SSH on :2222, units over HTTP on :8080
# (docs/serve.md). Prints a token and the ssh and curl lines to try.
serve-demo: build
	scripts/serve_demo.sh

# Performance targets (SPEC §7, §I): generated inputs, whole-process timings.
bench: build
	scripts/bench.sh

# Runs every fuzz target for FUZZTIME each.
fuzz:
	scripts/fuzz.sh $(FUZZTIME)

clean:
	rm -rf bin demo bench
