package xlsx

import (
	"os/exec"
	"strings"
	"testing"
)

// TestBinaryLeavesOutHeavyPackages: the credit binary links neither
// excelize (whose package initialisation cost every command about 17 ms
// of CPU and 1.4 MB; tests may still use it) nor net/http/pprof and expvar
// (which chi's middleware package brought in): issue 17.
func TestBinaryLeavesOutHeavyPackages(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "credit/cmd/credit").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	deps := strings.Fields(string(out))
	if len(deps) < 50 {
		t.Fatalf("go list -deps gave %d packages", len(deps))
	}
	for _, d := range deps {
		if strings.HasPrefix(d, "github.com/xuri/") || d == "net/http/pprof" || d == "expvar" || d == "github.com/go-chi/chi/v5/middleware" {
			t.Errorf("credit links %s", d)
		}
	}
}
