package cli

import (
	"encoding/json"
	"strings"
	"testing"
)

// The list filters take a name as well as a code (issue 19): roster list,
// objection list and repair list keep the rows whose subject's name holds
// the text, or whose code begins with it.
func TestListFiltersMatchNames(t *testing.T) {
	h := scHarness(t)                                   // today 2025-12-01
	h.scImport("HEIMD", scHeimdHeader, scBlackRow(nil)) // record 1: 甲公司, black list R1
	h.scImport("HMD", scHmdHeader, scRedRow(nil))       // record 2: 乙公司, red list R2
	ids := func(args ...string) string {
		t.Helper()
		var rows []map[string]any
		if err := json.Unmarshal([]byte(h.ok(append(args, "--format", "json")...).Out), &rows); err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, r := range rows {
			out = append(out, strings.Trim(strings.TrimSpace(jsonText(r["id"])), `"`))
		}
		return strings.Join(out, ",")
	}
	for text, want := range map[string]string{"甲公司": "R1", "乙": "R2", "公司": "R1,R2", orgB[:8]: "R2", orgA: "R1", "丙公司": ""} {
		if got := ids("roster", "list", "--subject", text); got != want {
			t.Errorf("roster list --subject %s: %s, want %s", text, got, want)
		}
	}
	h.ok("objection", "file", "--record", "1", "--ground", "wrong", "--applicant", "甲公司")
	h.ok("objection", "file", "--record", "2", "--ground", "wrong", "--applicant", "乙公司")
	for text, want := range map[string]string{"甲公司": "1", "乙公司": "2", "公司": "1,2", orgA[:10]: "1", "丙": ""} {
		if got := ids("objection", "list", "--subject", text); got != want {
			t.Errorf("objection list --subject %s: %s, want %s", text, got, want)
		}
	}
	if got := ids("repair", "list", "--subject", "甲公司"); got != "" {
		t.Errorf("repair list --subject 甲公司: %s", got)
	}
}

func jsonText(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
