package ingest

import (
	"crypto/sha256"
	"encoding/hex"
	"sort"
	"strings"
	"testing"
)

func TestContentHashIgnoresOrderAndEmpty(t *testing.T) {
	a := ContentHash([]string{"甲", "乙", "丙"}, []string{"1", "", "3"})
	b := ContentHash([]string{"丙", "甲"}, []string{"3", "1"})
	if a != b || len(a) != 32 {
		t.Fatalf("%s != %s", a, b)
	}
	if a == ContentHash([]string{"甲", "丙"}, []string{"1", "4"}) {
		t.Fatal("different content, same hash")
	}
}

// The import's fast path gives exactly the hash of the definition: the
// non-empty name=value pairs, sorted, joined, SHA-256, first 16 bytes.
func TestContentHashFastPathMatchesDefinition(t *testing.T) {
	names := []string{"处罚内容", "备注说明", "备注", "行政相对人名称", "CF_X"}
	vals := []string{"罚款", "说明", "", "甲公司", "1"}
	pairs := []string{}
	for i, n := range names {
		if vals[i] != "" {
			pairs = append(pairs, n+"\x1f"+vals[i])
		}
	}
	sort.Strings(pairs)
	sum := sha256.Sum256([]byte(strings.Join(pairs, "\x1e")))
	want := hex.EncodeToString(sum[:16])
	if got := ContentHash(names, vals); got != want {
		t.Fatalf("ContentHash = %s, want %s", got, want)
	}
}
