package catalog

import (
	"strings"
	"unicode"

	"golang.org/x/text/width"
)

// AlwaysProhibited are the terms of 第十四条 that no policy can lift: a field
// or column whose normalised name contains one of them is refused whole.
var AlwaysProhibited = []string{"宗教信仰", "基因", "血型", "疾病", "病史"}

// NormalizeName is the one form in which field names, aliases and file
// headers are compared (SPEC §5): surrounding and inner white space removed
// (including U+3000, a BOM and zero-width spaces), full-width and half-width
// forms folded to their canonical width (（） = (), ＡＢＣ = ABC, ｶ = カ), and
// a–z upper-cased so CF_XDR_MC matches cf_xdr_mc. Chinese text is unchanged.
func NormalizeName(s string) string {
	if plainName(s) {
		return s // the common case on the import's hot path: nothing to fold
	}
	s = width.Fold.String(s)
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case unicode.IsSpace(r), r == '\uFEFF', r == '\u200B', r == '\u200C', r == '\u200D', r == '\u2060':
			continue
		case r >= 'a' && r <= 'z':
			r -= 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// plainName reports whether NormalizeName would leave s unchanged because it
// holds only CJK unified ideographs and upper-case or non-letter printable
// ASCII without spaces.
func plainName(s string) bool {
	for _, r := range s {
		switch {
		case r > ' ' && r < 0x7F && (r < 'a' || r > 'z'):
		case r >= 0x4E00 && r <= 0x9FFF:
		default:
			return false
		}
	}
	return true
}

// ProhibitedTerm reports the first prohibited term (AlwaysProhibited, then
// extra) that the normalised name contains. Only names are ever matched,
// never values (第十四条 forbids collecting the information, not the words).
func ProhibitedTerm(name string, extra []string) (string, bool) {
	n := NormalizeName(name)
	if n == "" {
		return "", false
	}
	for _, list := range [][]string{AlwaysProhibited, extra} {
		for _, t := range list {
			if nt := NormalizeName(t); nt != "" && strings.Contains(n, nt) {
				return t, true
			}
		}
	}
	return "", false
}

// ProhibitedName reports whether a field or file column named name is
// prohibited by 第十四条 under this catalog's policy, and the term it
// contains. The importer applies it to every column header.
func (c *Catalog) ProhibitedName(name string) (term string, ok bool) {
	var extra []string
	if c != nil {
		extra = c.Policy.ProhibitedTerms
	}
	return ProhibitedTerm(name, extra)
}
