package main

import "testing"

// TestDiagramsCurrent: each workflow doc embeds the diagram its table makes.
func TestDiagramsCurrent(t *testing.T) {
	for _, d := range Docs {
		if err := d.M.Validate(); err != nil {
			t.Fatal(err)
		}
		old, updated, err := Render("../..", d.Path, d.M)
		if err != nil {
			t.Fatal(err)
		}
		if old != updated {
			t.Errorf("%s is out of date with its workflow table: run `go generate ./internal/queue/` and commit it", d.Path)
		}
	}
}
