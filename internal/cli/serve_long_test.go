//go:build long

package cli

import "testing"

// TestServeConcurrentClientsLong is the full load: 50 clients × 200
// lookups, every one logged; p99 is reported (make test-long).
func TestServeConcurrentClientsLong(t *testing.T) {
	concurrentLookups(t, 50, 200)
}
