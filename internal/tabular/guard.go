package tabular

import (
	"regexp"
	"strings"
	"sync"
)

// Output that cannot attack its reader (issue 16).

// number is a plain decimal number, which a spreadsheet reads as a number
// and never as a formula: -5, +3.5, 1e3 are left as they are.
var number = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$`)
})

// formulaStart reports whether a spreadsheet could take a cell starting
// with s's first character for a formula (OWASP, CSV injection): = + - @,
// a tab or a carriage return.
func formulaStart(s string) bool {
	return s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0]))
}

// GuardFormula neutralises a text cell of a CSV or XLSX file that a
// spreadsheet could run as a formula, by a leading ' (OWASP): a cell that
// starts with = + - @, a tab or a carriage return and is not a number. A
// lone "-" (an empty mark) is no formula and stays. A value that already
// looks guarded (' and then such a cell) gets one more ', so that
// UnguardFormula gives every value back exactly.
func GuardFormula(s string) string {
	if formulaStart(s) && s != "-" && !number().MatchString(s) {
		return "'" + s
	}
	if len(s) > 1 && s[0] == '\'' && GuardFormula(s[1:]) != s[1:] {
		return "'" + s
	}
	return s
}

// UnguardFormula takes off the ' GuardFormula added, so that a reject
// report re-imported after fixing has its values back: exactly one leading
// ' is removed, and only from a cell that is what GuardFormula makes of the
// rest (' followed by = + - @, a tab or a CR and not a number; or ' followed
// by such a guarded cell). Any other value starting with ' (a real '1号,
// ” or '-5) is left as it is.
func UnguardFormula(s string) string {
	if len(s) > 1 && s[0] == '\'' && GuardFormula(s[1:]) == s {
		return s[1:]
	}
	return s
}

// GuardRow is row with every cell guarded (GuardFormula; a new slice when
// one changes).
func GuardRow(row []string) []string {
	var out []string
	for i, c := range row {
		if g := GuardFormula(c); g != c {
			if out == nil {
				out = append([]string(nil), row...)
			}
			out[i] = g
		}
	}
	if out == nil {
		return row
	}
	return out
}

// GuardRows is rows with every cell guarded (GuardFormula).
func GuardRows(rows [][]string) [][]string {
	out := make([][]string, len(rows))
	for i, r := range rows {
		out[i] = GuardRow(r)
	}
	return out
}

// MDEscape writes a value into a Markdown table cell or heading so that it
// is shown as the text it is and can neither break the table nor inject
// markup: backslash, | ` [ ] ~ are backslash-escaped; & < > become
// entities (no raw HTML, no autolink); a line break becomes <br> (the only
// markup written). * and _ are left: masks (320602********4359, 张*) stay
// readable, and emphasis can only restyle, never add a link or a script.
func MDEscape(s string) string { return mdReplacer.Replace(s) }

var mdReplacer = strings.NewReplacer(`\`, `\\`, "|", `\|`, "`", "\\`", "[", `\[`, "]", `\]`, "~", `\~`,
	"&", "&amp;", "<", "&lt;", ">", "&gt;", "\r\n", "<br>", "\n", "<br>", "\r", "<br>")
