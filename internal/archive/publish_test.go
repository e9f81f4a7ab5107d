package archive

import (
	"crypto/sha256"
	"encoding/hex"
	"testing"
)

// The canonical form of a publication's entries (docs/rosters.md): written
// out by hand from RFC 8785's rules — only '"', '\' and control characters
// escaped (the short forms, else \u00xx in lower case), '<', '>', '&' and
// CJK as they are, no whitespace, a line feed after every line.
func TestCanonicalEntries(t *testing.T) {
	cols := []string{"名单条目编号", "主体名称"}
	entries := [][]string{
		{"R1", "甲公司<b>&\"引号\"\\"},
		{"M2", "a\tb\nc\r\x01\x1f\u2028"},
		{"R3", ""},
	}
	want := "[\"名单条目编号\",\"主体名称\"]\n" +
		"[\"R1\",\"甲公司<b>&\\\"引号\\\"\\\\\"]\n" +
		"[\"M2\",\"a\\tb\\nc\\r\\u0001\\u001f\u2028\"]\n" +
		"[\"R3\",\"\"]\n"
	if got := string(CanonicalEntries(cols, entries)); got != want {
		t.Fatalf("canonical form:\n%s\nwant:\n%s", got, want)
	}
	sum := sha256.Sum256([]byte(want))
	if got := EntriesSHA256(cols, entries); got != hex.EncodeToString(sum[:]) {
		t.Errorf("EntriesSHA256 = %s", got)
	}
	// No entries: the column line alone.
	sum = sha256.Sum256([]byte("[\"名单条目编号\",\"主体名称\"]\n"))
	if got := EntriesSHA256(cols, nil); got != hex.EncodeToString(sum[:]) {
		t.Errorf("empty list: %s", got)
	}
}
