package tabular

import (
	"bytes"
	"strings"
	"testing"

	"golang.org/x/text/width"
)

// cells is the display width of s as a terminal shows it, counted apart
// from the code under test: East Asian wide and full-width characters take
// two columns, everything else (box drawing included) one.
func cells(s string) int {
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

func wideTable() *Table {
	return &Table{
		Columns: []Column{{Key: "code", Zh: "代码"}, {Key: "name", Zh: "名称"}, {Key: "fact", Zh: "违法事实"}, {Key: "basis", Zh: "处罚依据"}},
		Rows: [][]string{
			{"91320602MA00000012", "南通市崇川区某某建筑工程有限公司", "在未取得施工许可证的情况下擅自开工建设住宅楼项目，违反了建筑法的规定", "《中华人民共和国建筑法》第六十四条"},
			{"91320602MA0000006H", "海安纺织有限公司", "发布虚假广告 misleading advertisement for textile products", "《广告法》第五十五条"},
		},
		Footer: []string{"共 2 条"},
	}
}

// On a terminal of 80 (or 60) columns a wide table fits: no line is wider
// than the screen, counted with CJK characters as two columns, and no text
// is lost — the long cells wrap inside their column.
func TestTerminalTableFitsWidth(t *testing.T) {
	for _, w := range []int{80, 60} {
		var b bytes.Buffer
		if err := wideTable().Write(&b, Options{Format: Text, Lang: "zh", TTY: true, Width: w}); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		for _, l := range strings.Split(strings.TrimRight(out, "\n"), "\n") {
			if cells(l) > w {
				t.Errorf("width %d: a line of %d columns:\n%s", w, cells(l), out)
			}
		}
		// Each column read top to bottom holds its cells whole.
		cols := make([]string, 4)
		for _, l := range strings.Split(out, "\n") {
			parts := strings.Split(l, "│")
			if len(parts) != 6 {
				continue // borders, footer
			}
			for i := range cols {
				cols[i] += strings.ReplaceAll(parts[i+1], " ", "")
			}
		}
		for i, r := range wideTable().Rows {
			for c, cell := range r {
				if !strings.Contains(cols[c], strings.ReplaceAll(cell, " ", "")) {
					t.Errorf("width %d: row %d column %d %q lost:\n%s", w, i, c, cell, out)
				}
			}
		}
		if !strings.Contains(out, "共 2 条") {
			t.Errorf("width %d: footer lost", w)
		}
	}
}

// A table that fits is drawn as before; without a known width nothing is
// fitted; in a pipe the rows stay plain TSV, one line each, whatever the width.
func TestTerminalTableUntouchedWhenItFits(t *testing.T) {
	small := &Table{Columns: []Column{{Key: "a", Zh: "代码"}, {Key: "b", Zh: "名称"}}, Rows: [][]string{{"XZCF", "行政处罚"}}}
	var wide, none bytes.Buffer
	small.Write(&wide, Options{Format: Text, TTY: true, Width: 200})
	small.Write(&none, Options{Format: Text, TTY: true})
	if wide.String() != none.String() {
		t.Fatalf("a table that fits was changed:\n%s\n%s", wide.String(), none.String())
	}
	var pipe bytes.Buffer
	wideTable().Write(&pipe, Options{Format: Text, TTY: false, Width: 40})
	lines := strings.Split(strings.TrimRight(pipe.String(), "\n"), "\n")
	if len(lines) != 2 || strings.Count(lines[0], "\t") != 3 || !strings.Contains(lines[0], "在未取得施工许可证的情况下擅自开工建设住宅楼项目，违反了建筑法的规定") {
		t.Fatalf("pipe output:\n%s", pipe.String())
	}
}

// Too many columns for the screen even at their narrowest: rows are cut at
// the edge (marked ~) rather than spilling over.
func TestTerminalTableTooNarrow(t *testing.T) {
	var b bytes.Buffer
	wideTable().Write(&b, Options{Format: Text, TTY: true, Width: 20})
	for _, l := range strings.Split(strings.TrimRight(b.String(), "\n"), "\n") {
		if strings.HasPrefix(l, "共") {
			continue // the footer is prose, not a row
		}
		if cells(l) > 20 {
			t.Errorf("a line of %d columns at width 20:\n%s", cells(l), b.String())
		}
	}
}
