package cli

import (
	"context"
	"slices"
	"testing"
)

// Each noun registered with its name builds a command of that name (a run
// naming it builds that noun alone, runNoun): a wrong name would make the
// command unknown to the run that names it.
func TestNounNames(t *testing.T) {
	app := &App{IO: IO{Getenv: func(string) string { return "" }}, ctx: context.Background()}
	named := 0
	for _, n := range nouns {
		if n.name == "" {
			continue
		}
		named++
		if c := n.build(app); c.Name() != n.name || len(c.Aliases) > 0 {
			t.Errorf("noun registered as %q builds %q (aliases %v)", n.name, c.Name(), c.Aliases)
		}
	}
	if named < 20 {
		t.Fatalf("only %d nouns registered with their names", named)
	}
}

// A run builds the one noun its arguments name, found past the root's
// flags and their values; anything else builds the whole tree.
func TestRunNounBuildsWhatTheRunNeeds(t *testing.T) {
	app := &App{IO: IO{Getenv: func(string) string { return "" }}, ctx: context.Background()}
	all := len(buildRoot(app).Commands())
	for _, tc := range []struct {
		args []string
		want string // the one noun built; "" for the whole tree
	}{
		{[]string{"subject", "show", "91350100M000100Y43"}, "subject"},
		{[]string{"--db", "x.db", "--format=json", "-y", "--lang", "en", "subject", "show", "X"}, "subject"},
		{[]string{"--as", "subject", "version"}, "version"},
		{[]string{"--today=2026-11-01", "--force", "import", "f.csv"}, "import"},
		{nil, ""},
		{[]string{"--help"}, ""},
		{[]string{"help", "subject"}, ""},
		{[]string{"completion", "bash"}, ""},
		{[]string{"__complete", "sub"}, ""},
		{[]string{"subjet", "show"}, ""},               // cobra suggests "subject" from the whole tree
		{[]string{"--scope", "public", "subject"}, ""}, // not a root flag: cobra's own error
		{[]string{"--db"}, ""},
	} {
		var names []string
		for _, c := range buildRootFor(app, tc.args).Commands() {
			if c.Name() != "help" && c.Name() != "completion" {
				names = append(names, c.Name())
			}
		}
		switch {
		case tc.want == "" && len(names) != all-2:
			t.Errorf("%q built %d nouns, want the whole tree (%d)", tc.args, len(names), all-2)
		case tc.want != "" && !slices.Equal(names, []string{tc.want}):
			t.Errorf("%q built %v, want only %s", tc.args, names, tc.want)
		}
	}
}
