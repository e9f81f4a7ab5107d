package ingest

import "testing"

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
