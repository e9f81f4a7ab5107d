package tui

import (
	"strings"

	"charm.land/huh/v2"
	"charm.land/lipgloss/v2"

	"credit/internal/workday"
)

// Styles are the few looks the TUI uses. Without colour (NO_COLOR, tests)
// every style is plain or an attribute (bold, reverse), and everything a
// colour says is also said in text: the queue status column always carries
// its label (已超期, 即将到期, 正常, 已办结).
type Styles struct {
	Color bool
	// Lang is the clerk's language, for the few words the shared drawing
	// code writes itself (an empty list says so).
	Lang string

	Tab, ActiveTab lipgloss.Style
	Title          lipgloss.Style
	Header         lipgloss.Style
	Selected       lipgloss.Style
	Faint          lipgloss.Style
	Bold           lipgloss.Style
	Error          lipgloss.Style
	OK             lipgloss.Style
	Warn           lipgloss.Style
	Overdue        lipgloss.Style
	Struck         lipgloss.Style
	Key            lipgloss.Style
}

// NewStyles builds the styles, with or without colour.
func NewStyles(color bool) Styles {
	plain := lipgloss.NewStyle()
	s := Styles{Color: color, Tab: plain, Title: plain.Bold(true), Header: plain.Bold(true), Selected: plain.Reverse(true),
		Faint: plain, Bold: plain.Bold(true), Error: plain.Bold(true), OK: plain, Warn: plain, Overdue: plain.Bold(true),
		Struck: plain, Key: plain.Bold(true)}
	s.ActiveTab = plain.Reverse(true).Bold(true)
	if !color {
		return s
	}
	s.Tab = plain.Foreground(lipgloss.Color("7"))
	s.ActiveTab = plain.Bold(true).Foreground(lipgloss.Color("0")).Background(lipgloss.Color("6"))
	s.Title = plain.Bold(true).Foreground(lipgloss.Color("6"))
	s.Header = plain.Bold(true).Underline(true)
	s.Selected = plain.Background(lipgloss.Color("237")).Bold(true)
	s.Faint = plain.Faint(true)
	s.Error = plain.Bold(true).Foreground(lipgloss.Color("1"))
	s.OK = plain.Foreground(lipgloss.Color("2"))
	s.Warn = plain.Foreground(lipgloss.Color("3"))
	s.Overdue = plain.Bold(true).Foreground(lipgloss.Color("1"))
	s.Struck = plain.Faint(true).Strikethrough(true)
	s.Key = plain.Bold(true).Foreground(lipgloss.Color("6"))
	return s
}

// Status styles a queue status: overdue red, due soon yellow, ok green.
func (s Styles) Status(st workday.Status) lipgloss.Style {
	switch st {
	case workday.StatusOverdue:
		return s.Overdue
	case workday.StatusDueSoon:
		return s.Warn
	case workday.StatusOK:
		return s.OK
	}
	return s.Faint
}

// formTheme is the huh theme: the Charm colours, or without colour a theme
// in which the focused button is bracketed so the choice is visible in text.
func formTheme(color bool) huh.Theme {
	if color {
		return huh.ThemeFunc(func(dark bool) *huh.Styles {
			t := huh.ThemeCharm(dark)
			t.FieldSeparator = lipgloss.NewStyle().SetString("\n")
			return t
		})
	}
	return huh.ThemeFunc(func(dark bool) *huh.Styles {
		t := huh.ThemeBase(dark)
		t.FieldSeparator = lipgloss.NewStyle().SetString("\n")
		button := lipgloss.NewStyle().MarginRight(1)
		for _, f := range []*huh.FieldStyles{&t.Focused, &t.Blurred} {
			f.Title = lipgloss.NewStyle().Bold(true)
			f.FocusedButton = button.Reverse(true).Transform(func(s string) string { return "[" + s + "]" })
			f.BlurredButton = button.Transform(func(s string) string { return " " + s + " " })
			f.TextInput.Placeholder = lipgloss.NewStyle()
			f.ErrorMessage = lipgloss.NewStyle().SetString(" *")
			f.ErrorIndicator = lipgloss.NewStyle().SetString(" *")
		}
		t.Blurred.Title = lipgloss.NewStyle()
		return t
	})
}

// width is the number of terminal cells s takes (CJK characters take two).
func width(s string) int { return lipgloss.Width(s) }

// fit cuts s to at most w cells, ending a cut text with "…", and pads it
// with spaces to exactly w cells.
func fit(s string, w int) string {
	if w <= 0 {
		return ""
	}
	s = strings.ReplaceAll(strings.ReplaceAll(s, "\n", " "), "\t", " ")
	sw := width(s)
	if sw <= w {
		return s + strings.Repeat(" ", w-sw)
	}
	var b strings.Builder
	used := 0
	for _, r := range s {
		rw := width(string(r))
		if used+rw > w-1 {
			break
		}
		b.WriteRune(r)
		used += rw
	}
	b.WriteString("…")
	used++
	return b.String() + strings.Repeat(" ", max(0, w-used))
}

// clip cuts s to at most w cells without padding.
func clip(s string, w int) string {
	if width(s) <= w {
		return s
	}
	return strings.TrimRight(fit(s, w), " ")
}

// wrapText breaks s into lines of at most w cells (CJK text has no spaces
// to break at, so it breaks anywhere).
func wrapText(s string, w int) []string {
	if w < 2 {
		w = 2
	}
	var out []string
	for _, para := range strings.Split(s, "\n") {
		var b strings.Builder
		used := 0
		for _, r := range para {
			rw := width(string(r))
			if used+rw > w {
				out = append(out, b.String())
				b.Reset()
				used = 0
			}
			b.WriteRune(r)
			used += rw
		}
		out = append(out, b.String())
	}
	return out
}

// wrapIn wraps s to w cells for lang: English at spaces where it can (a
// word is not cut unless it is longer than a line), Chinese anywhere.
func wrapIn(lang, s string, w int) []string {
	if lang != "en" {
		return wrapText(s, w)
	}
	if w < 2 {
		w = 2
	}
	var out []string
	for _, para := range strings.Split(s, "\n") {
		line := ""
		for _, word := range strings.Split(para, " ") {
			switch {
			case line == "":
				line = word
			case width(line)+1+width(word) <= w:
				line += " " + word
			default:
				out = append(out, line)
				line = word
			}
			for width(line) > w { // a word longer than the line
				cut := wrapText(line, w)
				out = append(out, cut[0])
				line = strings.Join(cut[1:], "")
			}
		}
		out = append(out, line)
	}
	return out
}

// wrap wraps s to w cells in the clerk's language.
func (m *Model) wrap(s string, w int) []string { return wrapIn(m.svc.Lang, s, w) }
