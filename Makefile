# credit — the two commands a newcomer needs: `make demo` and `make test`.
GO       ?= go
BIN      := bin/credit
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS  := -s -w -X credit/internal/cli.Version=$(VERSION)
FUZZTIME ?= 30s

.PHONY: build test test-long demo bench fuzz clean

build:
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/credit

# The whole suite: vet, unit, store, workflow and CLI tests, and the fuzz
# targets' seed corpora. Slow suites (benchmarks, long fuzzing) are separate.
test:
	$(GO) vet ./...
	$(GO) test -count=1 ./...

# The heavy cases (files tagged //go:build long): every tamper case of every
# sealed table on its own copy, and the like. .ci/run runs it after make test.
test-long:
	$(GO) test -count=1 -tags long ./...

# Builds, creates a demo store with realistic data under demo/ and opens the
# TUI on it (prints a summary instead when there is no terminal).
demo: build
	scripts/demo.sh

# Performance targets (SPEC §7, §I): generated inputs, whole-process timings.
bench: build
	scripts/bench.sh

# Runs every fuzz target for FUZZTIME each.
fuzz:
	scripts/fuzz.sh $(FUZZTIME)

clean:
	rm -rf bin demo bench
