//go:build long

package main

// The end-to-end tests' sizes in make test-long (make test runs them
// smaller: e2e_size_test.go).
const (
	// kill -9 mid-file: 100,000 rows (about 5 s of import on 2 cores),
	// killed once 10,000 records (five chunks) are staged.
	killRows   = 100_000
	killStaged = 10_000
	// kill -9 during the deferred apply: 10,000 revisions, five apply chunks.
	applyRows = 10_000
	// A revision batch published beside a loop of small writes: 20,000
	// records (TestRevisionPublishBesideSmallWritesLong adds 200,000).
	publishRows = 20_000
)

// Three concurrent imports beside small writes: 48,000 rows in all.
var sharedSizes = []int{24_000, 16_000, 8_000}
