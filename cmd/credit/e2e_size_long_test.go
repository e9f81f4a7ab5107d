//go:build long

package main

// The kill -9 test's sizes in make test-long: 100,000 rows (about 5 s of
// import on 2 cores), killed once 10,000 records (five chunks) are staged.
const (
	killRows   = 100_000
	killStaged = 10_000
)
