package ingest

import (
	"crypto/sha256"
	"sort"
	"strings"
	"unicode/utf8"

	"credit/internal/catalog"
)

// ContentHash identifies a record's content independent of column order:
// the non-empty name=value pairs, sorted. Every procedure that writes a
// record's content (import, correction) uses it, so equal content is equal.
func ContentHash(names, vals []string) string {
	return contentHashOrdered(names, vals, nameOrder(names))
}

// nameOrder is the order of names sorted; field names never hold bytes
// below \x1f, so sorting "name\x1fvalue" pairs sorts them by name alone and
// the order can be worked out once per layout.
func nameOrder(names []string) []int {
	order := make([]int, len(names))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return names[order[a]] < names[order[b]] })
	return order
}

// contentHashOrdered is ContentHash with the names' sorted order given: the
// import's hot path hashes a million rows of one layout. The pairs are laid
// out in one buffer (on the stack for a usual row) and hashed at once.
func contentHashOrdered(names, vals []string, order []int) string {
	var stack [4096]byte
	buf := stack[:0]
	for _, i := range order {
		if i >= len(vals) || vals[i] == "" {
			continue
		}
		if len(buf) > 0 {
			buf = append(buf, 0x1e)
		}
		buf = append(buf, names[i]...)
		buf = append(buf, 0x1f)
		buf = append(buf, vals[i]...)
	}
	sum := sha256.Sum256(buf)
	var hex [32]byte
	const digits = "0123456789abcdef"
	for k, b := range sum[:16] {
		hex[2*k], hex[2*k+1] = digits[b>>4], digits[b&0x0f]
	}
	return string(hex[:])
}

func nameKey(s string) string { return catalog.NormalizeName(s) }

// prepareRow does the per-row work of storing that needs no store: it runs
// on the checking workers, leaving the one writer only SQL to do.
func prepareRow(p *Plan, c *Checked) {
	if !c.OK() {
		return
	}
	c.NameKey = nameKey(c.SubjectName)
	for i := range c.Links {
		c.Links[i].NameKey = nameKey(c.Links[i].Name)
	}
	c.ValsJSON = valuesJSON(c.Values)
	c.Hash = contentHashOrdered(p.Layout, c.Values, p.layoutOrder())
}

// valuesJSON is string(json.Marshal(vals)) in one allocation of the exact
// size: the same escaping (HTML-safe: <, > and & as \u003c etc.; U+2028,
// U+2029; invalid UTF-8 as \ufffd).
func valuesJSON(vals []string) string {
	if vals == nil {
		return "null"
	}
	n, escapes := 2, false // []
	for i, v := range vals {
		if i > 0 {
			n++ // ,
		}
		l := jsonStringLen(v)
		n += l
		escapes = escapes || l != len(v)+2 // every escape lengthens
	}
	var b strings.Builder
	b.Grow(n)
	b.WriteByte('[')
	for i, v := range vals {
		if i > 0 {
			b.WriteByte(',')
		}
		if escapes {
			writeJSONString(&b, v)
		} else {
			b.WriteByte('"')
			b.WriteString(v)
			b.WriteByte('"')
		}
	}
	b.WriteByte(']')
	return b.String()
}

// jsonSafe marks the ASCII bytes encoding/json writes as themselves in an
// HTML-safe string: printable ASCII but ", \, <, > and &.
var jsonSafe = func() (t [utf8.RuneSelf]bool) {
	for c := ' '; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\' && c != '<' && c != '>' && c != '&'
	}
	return t
}()

// jsonStringLen is the length of s as writeJSONString writes it, quotes
// included.
func jsonStringLen(s string) int {
	n := len(s) + 2
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if !jsonSafe[c] {
				switch c {
				case '"', '\\', '\b', '\f', '\n', '\r', '\t':
					n++ // \n
				default:
					n += 5 // \u00XX
				}
			}
			i++
			continue
		}
		// Three-byte characters (all of CJK) whose lead byte admits any
		// continuation bytes are valid; of them only U+2028 and U+2029
		// (E2 80 A8, E2 80 A9) are escaped.
		if c >= 0xE1 && c <= 0xEF && c != 0xED && i+2 < len(s) && s[i+1]&0xC0 == 0x80 && s[i+2]&0xC0 == 0x80 {
			if c == 0xE2 && s[i+1] == 0x80 && (s[i+2] == 0xA8 || s[i+2] == 0xA9) {
				n += 3 // \u2028
			}
			i += 3
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			n += 5 // \ufffd for one byte
		}
		i += size
	}
	return n
}

// writeJSONString writes s as a JSON string the way encoding/json does with
// HTML escaping (its appendString).
func writeJSONString(b *strings.Builder, s string) {
	const hex = "0123456789abcdef"
	b.WriteByte('"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if jsonSafe[c] {
				i++
				continue
			}
			b.WriteString(s[start:i])
			switch c {
			case '"', '\\':
				b.WriteByte('\\')
				b.WriteByte(c)
			case '\b':
				b.WriteString(`\b`)
			case '\f':
				b.WriteString(`\f`)
			case '\n':
				b.WriteString(`\n`)
			case '\r':
				b.WriteString(`\r`)
			case '\t':
				b.WriteString(`\t`)
			default:
				b.WriteString(`\u00`)
				b.WriteByte(hex[c>>4])
				b.WriteByte(hex[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b.WriteString(s[start:i])
			b.WriteString(`\ufffd`)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b.WriteString(s[start:i])
			b.WriteString(`\u202`)
			b.WriteByte(hex[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b.WriteString(s[start:])
	b.WriteByte('"')
}
