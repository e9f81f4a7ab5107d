package cli

import (
	"os"
	"strings"
	"testing"
)

// docs/cli.md is generated from the commands; it must match them.
func TestCLIReferenceIsCurrent(t *testing.T) {
	want, err := os.ReadFile("../../docs/cli.md")
	if err != nil {
		t.Fatal(err)
	}
	if got := Reference(); got != string(want) {
		t.Fatal("docs/cli.md is out of date: run `go run ./scripts/gendocs` and commit it")
	}
	for _, noun := range []string{"init", "tui", "code", "catalog", "provider", "unit", "user", "import", "batch", "subject", "export",
		"objection", "repair", "roster", "measure", "check", "verify", "case", "report", "calendar", "audit", "backup", "version"} {
		if !strings.Contains(string(want), "## credit "+noun+"\n") {
			t.Errorf("the reference lacks the noun %s of SPEC §A", noun)
		}
	}
}
