//go:build long

// make test-long (and .ci/run) runs this: it builds the binary and a demo
// store, about half a minute on 2 quiet cores and minutes under load, the
// slowest test of make test (issue 17: make test within 90 s). Its small
// version stays in make test: TestFileObjection files an objection through
// the same form in-process, checks the queue on screen and the store
// through the command line.

package tui_test

import (
	"os/exec"
	"path/filepath"
	"testing"
)

// TestTmuxEndToEnd runs scripts/tui_e2e.sh: the real binary on a demo store
// inside tmux, an objection filed through the form with send-keys, the queue
// checked on screen and the store checked through the command line.
func TestTmuxEndToEnd(t *testing.T) {
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed (.ci/run installs it)")
	}
	script, err := filepath.Abs(filepath.Join("..", "..", "scripts", "tui_e2e.sh"))
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("bash", script).CombinedOutput()
	t.Logf("%s", out)
	if err != nil {
		t.Fatalf("scripts/tui_e2e.sh: %v", err)
	}
}
