package tui

import (
	"strconv"
	"strings"

	"charm.land/lipgloss/v2"
)

// column is one column of a list: a fixed width in cells, or flexible (0),
// sharing what the fixed ones leave. Optional columns are dropped, from the
// right, when the terminal is too narrow (80 cells must always work).
type column struct {
	title    string
	width    int
	min      int
	right    bool
	optional bool
	drop     int // among optional columns, the higher is dropped first (ties: the rightmost)
}

// list is a virtualised table: it holds only indices into its screen's rows
// and renders only the rows on screen, so a queue of 100,000 cases scrolls
// as fast as one of ten. Filter (/) and cursor are kept per screen.
type list struct {
	cols   []column
	keys   []string // lower-cased text of each source row, for the filter
	idx    []int    // source rows shown, in order (filtered)
	filter string
	cursor int
	offset int
	height int // rows visible at the last render
}

// setRows replaces the source rows (their filter keys); the filter stays.
func (l *list) setRows(keys []string) {
	l.keys = keys
	l.apply()
}

// apply recomputes the shown rows from the filter.
func (l *list) apply() {
	q := strings.ToLower(strings.TrimSpace(l.filter))
	l.idx = l.idx[:0]
	if cap(l.idx) < len(l.keys) && q == "" {
		l.idx = make([]int, 0, len(l.keys))
	}
	for i, k := range l.keys {
		if q == "" || strings.Contains(k, q) {
			l.idx = append(l.idx, i)
		}
	}
	l.clamp()
}

func (l *list) setFilter(f string) {
	l.filter = f
	l.apply()
}

// len is the number of rows shown.
func (l *list) len() int { return len(l.idx) }

// current is the source row under the cursor (-1 when none).
func (l *list) current() int {
	if l.cursor < 0 || l.cursor >= len(l.idx) {
		return -1
	}
	return l.idx[l.cursor]
}

// selectSource puts the cursor on source row src when it is shown.
func (l *list) selectSource(src int) {
	for i, s := range l.idx {
		if s == src {
			l.cursor = i
			l.clamp()
			return
		}
	}
}

func (l *list) clamp() {
	if l.cursor >= len(l.idx) {
		l.cursor = len(l.idx) - 1
	}
	if l.cursor < 0 {
		l.cursor = 0
	}
	h := max(l.height, 1)
	if l.offset > l.cursor {
		l.offset = l.cursor
	}
	if l.cursor >= l.offset+h {
		l.offset = l.cursor - h + 1
	}
	if l.offset > max(0, len(l.idx)-h) {
		l.offset = max(0, len(l.idx)-h)
	}
	if l.offset < 0 {
		l.offset = 0
	}
}

// move moves the cursor by n rows.
func (l *list) move(n int) {
	l.cursor += n
	l.clamp()
}

func (l *list) top()    { l.cursor = 0; l.clamp() }
func (l *list) bottom() { l.cursor = len(l.idx) - 1; l.clamp() }
func (l *list) page() int {
	return max(1, l.height-1)
}

// position is "i/n" for the breadcrumb.
func (l *list) position() string {
	if len(l.idx) == 0 {
		return "0/0"
	}
	return strconv.Itoa(l.cursor+1) + "/" + strconv.Itoa(len(l.idx))
}

// widths lays the columns out in w cells (after the two-cell cursor mark).
func (l *list) widths(w int) []int {
	cols := l.cols
	out := make([]int, len(cols))
	shown := make([]bool, len(cols))
	for i := range cols {
		shown[i] = true
	}
	for {
		fixed, flex, n := 0, 0, 0
		for i, c := range cols {
			if !shown[i] {
				continue
			}
			n++
			if c.width > 0 {
				fixed += c.width
			} else {
				flex++
				fixed += max(c.min, 4)
			}
		}
		avail := w - 2 - max(0, n-1)
		if fixed <= avail {
			extra := avail - fixed
			for i, c := range cols {
				switch {
				case !shown[i]:
					out[i] = 0
				case c.width > 0:
					out[i] = c.width
				default:
					share := extra / flex
					out[i] = max(c.min, 4) + share
					extra -= share
					flex--
				}
			}
			return out
		}
		victim := -1
		for i := len(cols) - 1; i >= 0; i-- {
			if shown[i] && cols[i].optional && (victim < 0 || cols[i].drop > cols[victim].drop) {
				victim = i
			}
		}
		if victim >= 0 {
			shown[victim] = false
		} else { // nothing more to drop: squeeze the widest
			for i := range cols {
				if shown[i] {
					out[i] = max(1, cols[i].width)
				}
			}
			return out
		}
	}
}

// cellStyle styles one cell of a source row; ok false leaves it plain.
type cellStyle func(src, col int) (lipgloss.Style, bool)

// render draws the header and the visible rows in w×h cells. cells gives a
// source row's texts; only the rows on screen are asked for.
func (l *list) render(s Styles, w, h int, cells func(src int) []string, style cellStyle) []string {
	l.height = max(1, h-1)
	l.clamp()
	ws := l.widths(w)
	lines := make([]string, 0, h)
	var hb strings.Builder
	hb.WriteString("  ")
	first := true
	for i, c := range l.cols {
		if ws[i] == 0 {
			continue
		}
		if !first {
			hb.WriteString(" ")
		}
		first = false
		hb.WriteString(align(c.title, ws[i], c.right))
	}
	lines = append(lines, s.Header.Render(clip(hb.String(), w)))
	if len(l.idx) == 0 {
		msg := tr(s.Lang, "（没有记录）", "(nothing)")
		if l.filter != "" {
			msg = tr(s.Lang, "（没有符合过滤条件“"+l.filter+"”的记录，esc 清除过滤）", "(nothing matches the filter “"+l.filter+"”; esc clears it)")
		}

		lines = append(lines, s.Faint.Render("  "+msg))
		return lines
	}
	end := min(len(l.idx), l.offset+l.height)
	for r := l.offset; r < end; r++ {
		src := l.idx[r]
		texts := cells(src)
		sel := r == l.cursor
		var b strings.Builder
		if sel {
			b.WriteString("▸ ")
		} else {
			b.WriteString("  ")
		}
		first := true
		for i, c := range l.cols {
			if ws[i] == 0 {
				continue
			}
			if !first {
				b.WriteString(" ")
			}
			first = false
			t := ""
			if i < len(texts) {
				t = texts[i]
			}
			cell := align(t, ws[i], c.right)
			if !sel && style != nil {
				if st, ok := style(src, i); ok {
					cell = st.Render(cell)
				}
			}
			b.WriteString(cell)
		}
		line := b.String()
		if sel {
			line = s.Selected.Render(fit(line, w))
		}
		lines = append(lines, line)
	}
	return lines
}

func align(s string, w int, right bool) string {
	if !right {
		return fit(s, w)
	}
	s = clip(s, w)
	return strings.Repeat(" ", max(0, w-width(s))) + s
}

// grid lays out a small static table (a case's deadlines or timeline) in at
// most w cells: each column as wide as its widest cell, the last one taking
// what is left.
func grid(s Styles, titles []string, rows [][]string, w int) []string {
	n := len(titles)
	ws := make([]int, n)
	for i, t := range titles {
		ws[i] = width(t)
	}
	for _, r := range rows {
		for i := 0; i < n && i < len(r); i++ {
			ws[i] = max(ws[i], width(r[i]))
		}
	}
	used := 2
	for i := 0; i < n-1; i++ {
		ws[i] = min(ws[i], 24)
		used += ws[i] + 1
	}
	ws[n-1] = max(4, min(ws[n-1], w-used))
	line := func(cells []string) string {
		var b strings.Builder
		b.WriteString("  ")
		for i := 0; i < n; i++ {
			if i > 0 {
				b.WriteString(" ")
			}
			c := ""
			if i < len(cells) {
				c = cells[i]
			}
			if i == n-1 {
				b.WriteString(clip(c, ws[i]))
			} else {
				b.WriteString(fit(c, ws[i]))
			}
		}
		return strings.TrimRight(clip(b.String(), w), " ")
	}
	out := []string{s.Header.Render(line(titles))}
	for _, r := range rows {
		out = append(out, line(r))
	}
	return out
}

// pager scrolls a detail page (a case, an archive record) line by line.
type pager struct {
	lines  []string
	offset int
	height int
}

func (p *pager) set(lines []string) {
	p.lines = lines
	p.clamp()
}

func (p *pager) clamp() {
	h := max(p.height, 1)
	p.offset = min(p.offset, max(0, len(p.lines)-h))
	p.offset = max(p.offset, 0)
}

func (p *pager) scroll(n int) { p.offset += n; p.clamp() }
func (p *pager) top()         { p.offset = 0 }
func (p *pager) bottom()      { p.offset = len(p.lines); p.clamp() }

func (p *pager) render(h int) []string {
	p.height = max(1, h)
	p.clamp()
	end := min(len(p.lines), p.offset+p.height)
	return p.lines[p.offset:end]
}

// kv lays out "label：value" lines with the labels aligned.
func kv(s Styles, pairs [][2]string, w int) []string {
	lw := 0
	for _, p := range pairs {
		if p[1] != "" {
			lw = max(lw, width(p[0]))
		}
	}
	var out []string
	for _, p := range pairs {
		if p[1] == "" {
			continue
		}
		label := fit(p[0], lw)
		vw := max(8, w-lw-4)
		for i, l := range wrapIn(s.Lang, p[1], vw) {
			if i == 0 {
				out = append(out, "  "+s.Bold.Render(label)+"  "+l)
			} else {
				out = append(out, "  "+strings.Repeat(" ", lw)+"  "+l)
			}
		}
	}
	return out
}
