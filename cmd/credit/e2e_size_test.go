//go:build !long

package main

// The kill -9 test's sizes in make test: 60,000 rows (about 2 s of import
// on 2 cores), killed once 4,000 records (two chunks) are staged, well
// inside the file. make test-long runs it at full size (e2e_size_long_test.go).
const (
	killRows   = 60_000
	killStaged = 4_000
)
