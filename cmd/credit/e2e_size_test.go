//go:build !long

package main

// The end-to-end tests' sizes in make test (issue 17: make test within 90 s
// on 2 cores). Each test keeps every assertion and still spans several
// 2,000-row chunks; make test-long runs the same tests at their full sizes
// (e2e_size_long_test.go).
const (
	// kill -9 mid-file: 30,000 rows (15 chunks, about 1 s of import on 2
	// cores), killed once 4,000 records (two chunks) are staged, well
	// inside the file.
	killRows   = 30_000
	killStaged = 4_000
	// kill -9 during the deferred apply: 6,000 revisions, three apply
	// chunks; the kill lands in the second.
	applyRows = 6_000
	// A revision batch published beside a loop of small writes: 10,000
	// records (five apply chunks).
	publishRows = 10_000
)

// Three concurrent imports beside small writes: 24,000 rows in all.
var sharedSizes = []int{12_000, 8_000, 4_000}
