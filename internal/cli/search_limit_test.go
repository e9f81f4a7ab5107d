package cli

import (
	"strings"
	"testing"
)

// TestSubjectSearchLongText: a long search text is a usage error naming the
// limit, never SQLite's "LIKE or GLOB pattern too complex" (its limit is
// 50,000 bytes); 200 characters are still searched (issue 16).
func TestSubjectSearchLongText(t *testing.T) {
	h := newHarness(t).initStore()
	for _, text := range []string{strings.Repeat("公", 20000), strings.Repeat("a", 60000), strings.Repeat("甲", 201)} {
		r := h.fails(2, "subject", "search", text)
		if !strings.Contains(r.Err, "超过上限 200 个") || strings.Contains(strings.ToLower(r.Err), "like") || strings.Count(strings.TrimSpace(r.Err), "\n") != 0 {
			t.Errorf("stderr %.200q", r.Err)
		}
	}
	h.ok("subject", "search", strings.Repeat("甲", 200))
}
