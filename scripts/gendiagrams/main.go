// Command gendiagrams writes the Mermaid state diagrams of the workflows
// into their docs (docs/objection.md, docs/repair.md, docs/rosters.md) from
// the tables themselves (queue.Machine). It runs from go generate in
// internal/queue, or from the repository root:
//
//	go run ./scripts/gendiagrams
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"credit/internal/objection"
	"credit/internal/queue"
	"credit/internal/repair"
	"credit/internal/roster"
)

// Docs names each workflow's doc, relative to the repository root.
var Docs = []struct {
	Path string
	M    *queue.Machine
}{
	{"docs/objection.md", objection.Machine},
	{"docs/repair.md", repair.Machine},
	{"docs/rosters.md", roster.Machine},
}

// Render is doc path's text with its diagram brought up to date.
func Render(root, path string, m *queue.Machine) (old, updated string, err error) {
	b, err := os.ReadFile(filepath.Join(root, path))
	if err != nil {
		return "", "", err
	}
	updated, err = queue.EmbedDiagram(string(b), m)
	if err != nil {
		return "", "", fmt.Errorf("%s: %w", path, err)
	}
	return string(b), updated, nil
}

func main() {
	root := flag.String("root", ".", "the repository root")
	flag.Parse()
	for _, d := range Docs {
		old, updated, err := Render(*root, d.Path, d.M)
		if err == nil && updated != old {
			err = os.WriteFile(filepath.Join(*root, d.Path), []byte(updated), 0o644)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
}
