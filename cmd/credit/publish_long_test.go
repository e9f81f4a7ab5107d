//go:build long

package main

import "testing"

// TestRevisionPublishBesideSmallWritesLong is TestRevisionPublishBesideSmallWrites
// at the size of issue 16's figure: a 200,000-record revision batch
// published beside a loop of small writes (user add, a logged lookup, an
// objection filed), none of which may fail. make test-long runs it.
func TestRevisionPublishBesideSmallWritesLong(t *testing.T) {
	revisionPublishBesideSmallWrites(t, 200_000)
}
