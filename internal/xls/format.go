package xls

import (
	"math"
	"strconv"
	"strings"
)

// number is a number cell's text. Excel keeps 15 significant digits and
// shows no more; the double in the file may carry binary noise beyond them
// (0.1+0.2 is 0.30000000000000004), so the text is the value rounded to 15
// digits, written out without an exponent below 10^21: an 18-digit ID
// number typed into a General cell comes out as 320602198001011000, the
// number Excel kept, whose zeros the importer recognises as Excel's damage.
// A date cell is its serial number in the 1900 date system, the form the
// XLSX reader gives; in a 1904 workbook its serial is moved by 1,462 days.
func (wb *Workbook) number(v float64, xf int) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "#NUM!"
	}
	if wb.Date1904 && xf < len(wb.dateXF) && wb.dateXF[xf] {
		v += 1462
	}
	return FormatNumber(v)
}

// FormatNumber writes v to 15 significant digits, as Excel keeps it.
func FormatNumber(v float64) string {
	r, err := strconv.ParseFloat(strconv.FormatFloat(v, 'g', 15, 64), 64)
	if err != nil {
		r = v
	}
	if r == 0 {
		return "0"
	}
	if a := math.Abs(r); a >= 1e21 || a < 1e-9 {
		return strings.ToUpper(strconv.FormatFloat(r, 'g', -1, 64))
	}
	return strconv.FormatFloat(r, 'f', -1, 64)
}

// isDateFormat tells whether number format id (with its text s, for a
// format written in a FORMAT record) shows a date. Built-in formats ([MS-XLS] 2.4.126; the ids
// 27–36 and 50–58 are the Chinese-locale ones Excel and WPS use for
// yyyy"年"m"月"d"日" and the like); times of day alone are not dates.
func isDateFormat(id uint16, s string) bool {
	switch id {
	case 14, 15, 16, 17, 22, 27, 28, 29, 30, 31, 36, 50, 51, 52, 53, 54, 57, 58:
		return true
	}
	// Other ids are dates only by their FORMAT text. Excel numbers custom
	// formats from 164, other writers (SheetJS) from 60; built-ins it
	// writes a FORMAT record for (currency) read as numbers by their text.
	if s == "" || strings.EqualFold(strings.TrimSpace(s), "general") {
		return false
	}
	// A custom format: the first section, without quoted text, escaped
	// characters and bracketed colours or conditions.
	var y, d, m, hs bool // 'e' (era year) is left out: 0.00E+00 is scientific
	quoted := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"':
			quoted = !quoted
		case quoted:
		case c == '\\' || c == '_' || c == '*':
			i++
		case c == '[':
			if j := strings.IndexByte(s[i:], ']'); j > 0 {
				if t := strings.ToLower(s[i+1 : i+j]); t == "h" || t == "hh" || t == "m" || t == "mm" || t == "s" || t == "ss" {
					hs = true // elapsed time
				}
				i += j
			}
		case c == ';':
			i = len(s)
		default:
			switch c | 0x20 {
			case 'y':
				y = true
			case 'd':
				d = true
			case 'm':
				m = true
			case 'h', 's':
				hs = true
			}
		}
	}
	return y || d || (m && !hs)
}
