package catalog

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/width"
)

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
// holds only CJK unified ideographs (U+4E00–U+9FFF) and upper-case or
// non-letter printable ASCII without spaces. It looks at bytes: the
// ideographs are the three-byte sequences led by E4 (second byte B8 or
// more) through E9.
func plainName(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c > ' ' && c < 0x7F && (c < 'a' || c > 'z'):
			i++
		case c >= 0xE4 && c <= 0xE9 && i+2 < len(s) && s[i+1]&0xC0 == 0x80 && s[i+2]&0xC0 == 0x80 && (c != 0xE4 || s[i+1] >= 0xB8):
			i += 3
		default:
			return false
		}
	}
	return true
}

// TrimSpace is strings.TrimSpace, returning at once, without decoding,
// when s neither starts nor ends with white space (the common case, even for
// Chinese text): the importer trims every cell of a million rows.
func TrimSpace(s string) string {
	if s == "" {
		return s
	}
	if c := s[0]; asciiSpace[c] || (c >= utf8.RuneSelf && mayStartSpace(c) && firstIsSpace(s)) {
		return strings.TrimSpace(s)
	}
	if c := s[len(s)-1]; asciiSpace[c] || (c >= utf8.RuneSelf && mayEndSpace(c) && lastIsSpace(s)) {
		return strings.TrimSpace(s)
	}
	return s
}

var asciiSpace = [256]bool{' ': true, '\t': true, '\n': true, '\v': true, '\f': true, '\r': true}

// mayStartSpace reports whether c may be the first byte of a non-ASCII white
// space character (unicode.IsSpace: U+0085, U+00A0, U+1680, U+2000–U+200A,
// U+2028, U+2029, U+202F, U+205F, U+3000).
func mayStartSpace(c byte) bool { return c == 0xC2 || c == 0xE1 || c == 0xE2 || c == 0xE3 }

// mayEndSpace reports whether c may be the last byte of one.
func mayEndSpace(c byte) bool {
	return (c >= 0x80 && c <= 0x8A) || c == 0x9F || c == 0xA0 || c == 0xA8 || c == 0xA9 || c == 0xAF
}

func firstIsSpace(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsSpace(r)
}

func lastIsSpace(s string) bool {
	r, _ := utf8.DecodeLastRuneInString(s)
	return unicode.IsSpace(r)
}

// HeaderKey is the form in which a file's column headers are matched to
// field names and aliases (issue 22): NormalizeName, and then the
// connectors and brackets departments write in many ways dropped — `_`,
// `-`, `－`, dashes, `()`, `（）`, `[]`, `【】` — so that
// 行政相对人代码-1（统一社会信用代码）, 行政相对人代码_1(统一社会信用代码) and
// a two-row header joined as 行政相对人代码-统一社会信用代码 (IndexFreeKey)
// meet. Only headers use it: names of subjects keep NormalizeName.
func HeaderKey(s string) string {
	s = NormalizeName(s)
	return strings.Map(func(r rune) rune {
		switch r {
		case '_', '-', '‐', '‑', '–', '—', '―', '(', ')', '[', ']', '【', '】', '〔', '〕':
			return -1
		}
		return r
	}, s)
}

// IndexFreeKey is the HeaderKey of a numbered name without its number:
// 行政相对人代码_1（统一社会信用代码） → 行政相对人代码统一社会信用代码, the
// name a two-row header (行政相对人代码 merged over 统一社会信用代码) joins
// to. "" when the name is not of the form NAME_N（SUB）.
func IndexFreeKey(s string) string {
	s = NormalizeName(s)
	open := strings.IndexByte(s, '(')
	if open < 0 || !strings.HasSuffix(s, ")") {
		return ""
	}
	head := strings.TrimRight(s[:open], "0123456789")
	if head == s[:open] {
		return ""
	}
	head = strings.TrimRight(head, "_-")
	return HeaderKey(head + s[open:])
}
