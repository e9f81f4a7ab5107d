package tabular

import (
	"strings"

	"github.com/jedib0t/go-pretty/v6/table"
	"github.com/jedib0t/go-pretty/v6/text"
)

// minColumn is the narrowest a column is squeezed to: two CJK characters.
const minColumn = 4

// fitWidth makes a terminal table fit width columns of the screen (0: no
// limit). Widths are display widths — a CJK character takes two columns —
// as go-pretty measures them. When the table is wider, the widest columns
// give way first: each column keeps its natural width up to a common cap,
// chosen as large as still fits, and longer cells wrap (at spaces where
// there are some, else between characters, never inside a character).
// When even minColumn per column is too wide, the rows are cut at the edge
// with "~" rather than broken across lines.
func fitWidth(tw table.Writer, hdr []string, rows [][]string, title string, width int) {
	if width <= 0 || len(hdr) == 0 {
		return
	}
	natural := make([]int, len(hdr))
	for i, h := range hdr {
		natural[i] = maxLineWidth(h)
	}
	for _, r := range rows {
		for i, c := range r {
			if i < len(natural) {
				natural[i] = max(natural[i], maxLineWidth(c))
			}
		}
	}
	// StyleLight: "│ a │ b │" — one border plus two padding spaces and one
	// border per column.
	budget := width - (1 + 3*len(hdr))
	sum := 0
	for _, w := range natural {
		sum += w
	}
	if sum <= budget {
		return
	}
	if budget < minColumn*len(hdr) {
		var cs []table.ColumnConfig
		for i := range hdr {
			cs = append(cs, table.ColumnConfig{Number: i + 1, WidthMax: max(minColumn, min(natural[i], 16)), WidthMaxEnforcer: wrapCells})
		}
		tw.SetColumnConfigs(cs)
		tw.SetAllowedRowLength(width)
		return
	}
	limit := columnCap(natural, budget)
	var cs []table.ColumnConfig
	for i, w := range natural {
		if w > limit {
			cs = append(cs, table.ColumnConfig{Number: i + 1, WidthMax: limit, WidthMaxEnforcer: wrapCells})
		}
	}
	tw.SetColumnConfigs(cs)
	if title != "" && text.StringWidthWithoutEscSequences(title) > width-4 {
		tw.SetTitle(text.WrapSoft(title, max(width-4, minColumn)))
	}
}

// columnCap is the largest cap c ≥ minColumn with Σ min(w, c) ≤ budget.
func columnCap(natural []int, budget int) int {
	lo, hi := minColumn, 0
	for _, w := range natural {
		hi = max(hi, w)
	}
	for lo < hi {
		mid := (lo + hi + 1) / 2
		sum := 0
		for _, w := range natural {
			sum += min(w, mid)
		}
		if sum <= budget {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return lo
}

// maxLineWidth is the display width of s's widest line.
func maxLineWidth(s string) int {
	w, start := 0, 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == '\n' {
			w = max(w, text.StringWidthWithoutEscSequences(s[start:i]))
			start = i + 1
		}
	}
	return w
}

// wrapCells wraps s into lines of at most n display columns, a CJK
// character counting two and never split: at the last space of a line when
// there is one in its second half, else between characters. (go-pretty's
// own wrappers can overrun a column by one when a wide character meets the
// edge, which breaks the borders.)
func wrapCells(s string, n int) string {
	n = max(n, 2)
	var out []string
	for _, para := range strings.Split(s, "\n") {
		var line []rune
		w, lastSpace := 0, -1
		for _, r := range para {
			rw := text.RuneWidth(r)
			if w+rw > n {
				if lastSpace > len(line)/2 {
					out = append(out, strings.TrimRight(string(line[:lastSpace]), " "))
					line = append([]rune{}, line[lastSpace+1:]...)
				} else {
					out = append(out, string(line))
					line = line[:0]
				}
				w, lastSpace = 0, -1
				for i, c := range line {
					w += text.RuneWidth(c)
					if c == ' ' {
						lastSpace = i
					}
				}
			}
			if r == ' ' {
				lastSpace = len(line)
			}
			line = append(line, r)
			w += rw
		}
		out = append(out, string(line))
	}
	return strings.Join(out, "\n")
}
