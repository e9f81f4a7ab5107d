package cli

import (
	"strings"
	"testing"

	"golang.org/x/text/width"
)

// columns is the display width of a line as a terminal shows it, counted
// apart from the code under test (East Asian wide and full-width: two).
func columns(s string) int {
	n := 0
	for _, r := range s {
		switch width.LookupRune(r).Kind() {
		case width.EastAsianWide, width.EastAsianFullwidth:
			n += 2
		default:
			n++
		}
	}
	return n
}

func widest(out string) int {
	w := 0
	for _, l := range strings.Split(out, "\n") {
		w = max(w, columns(l))
	}
	return w
}

// On a terminal, tables read its width from COLUMNS: at 80 columns the
// catalog's item table and the objection queue fit (CJK counted as two
// columns); on a wide terminal the same table is drawn at its natural width;
// in a pipe the rows stay plain TSV whatever COLUMNS says (issue 19).
func TestTablesFitTerminalWidth(t *testing.T) {
	h := queueHarness(t)
	oneRecord(t, h)
	h.as("bob").objection("2025-11-03", "file", "--record", "1", "--ground", "wrong", "--applicant", "甲公司")
	h.tty = true
	h.env["COLUMNS"] = "200"
	wide := h.ok("catalog", "show", "XZCF").Out
	if widest(wide) <= 80 {
		t.Fatalf("the item table is %d columns wide at its natural width: pick a wider table for this test", widest(wide))
	}
	h.env["COLUMNS"] = "80"
	for _, args := range [][]string{{"catalog", "show", "XZCF"}, {"objection", "list", "--today", "2025-11-03"}, {"subject", "search", "甲公司", "--scope", "office"}} {
		out := h.ok(args...).Out
		for _, l := range strings.Split(out, "\n") {
			if strings.HasPrefix(l, "┌") || strings.HasPrefix(l, "│") || strings.HasPrefix(l, "├") || strings.HasPrefix(l, "└") {
				if columns(l) > 80 {
					t.Errorf("%s: a line of %d columns at COLUMNS=80:\n%s", strings.Join(args, " "), columns(l), out)
					break
				}
			}
		}
	}
	// A pipe: plain rows, never wrapped.
	h.tty = false
	pipe := h.ok("catalog", "show", "XZCF").Out
	if strings.Contains(pipe, "│") || strings.Contains(pipe, "┌") {
		t.Fatalf("a pipe got a drawn table:\n%s", pipe)
	}
}
