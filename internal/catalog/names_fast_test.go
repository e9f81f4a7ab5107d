package catalog

// The importer calls TrimSpace, NormalizeName, Has and Required for every
// cell of a million rows, so they look at bytes and do not allocate. These tests hold
// them to the rune-by-rune definitions they replace (the ref* functions).

import (
	"strings"
	"testing"
	"unicode"

	"golang.org/x/text/width"
)

func refPlainName(s string) bool {
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

func refNormalizeName(s string) string {
	if refPlainName(s) {
		return s
	}
	s = width.Fold.String(s)
	var b strings.Builder
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

func refSplitMultiple(v string) []string {
	parts := strings.FieldsFunc(v, func(r rune) bool { return r == '；' || r == ';' || r == '、' })
	out := parts[:0]
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func refHas(f *Field, cell, v string) bool {
	nv := refNormalizeName(v)
	if f.Multiple {
		for _, p := range refSplitMultiple(cell) {
			if refNormalizeName(p) == nv {
				return true
			}
		}
		return false
	}
	return refNormalizeName(cell) == nv
}

func refRequired(it *Item, f *Field, get func(string) string) bool {
	r := f.Required
	if r.Always {
		return true
	}
	if r.When == "" {
		return false
	}
	w := it.Field(r.When)
	if w == nil {
		return false
	}
	cell := get(w.Name)
	for _, v := range r.Values() {
		if refHas(w, cell, v) {
			return true
		}
	}
	return false
}

var nameSeeds = []string{"", " ", "行政相对人名称", "CF_XDR_MC", "cf_xdr_mc", "罚款", "罚款；没收违法所得", "罚款;没收违法所得、警告",
	"；罚款；；", " 罚款 ；\u3000没收违法所得 ", "（）", "()", "ＡＢＣ", "ｶ", "\u4DFF", "\u4E00", "\u9FFF", "\uA000", "一\xE4\xB8", "\xE4\xB7\xBF",
	"\xE9\xBF\xBF", "\xEA\x80\x80", "\xE4\xB8\x80", "\xE4\xB8", "\xE4", "a\xff", "\xEF\xBC\x9B", "\xEF\xBC", "\xE3\x80\x81", "\xE3\x80", "\xE3\xEF\xBC\x9B",
	"\xEF\xEF\xBC\x9B一", "x\u200b", "\ufeff罚款", "罚\u2060款", "其他-*", "其他-某", "～", "\x7f", "\t", "A B", "罚款\u00a0", "身份证", "自然人", "法人及非法人组织"}

func checkNameHelpers(t *testing.T, s, cell string) {
	t.Helper()
	if got, want := plainName(s), refPlainName(s); got != want {
		t.Fatalf("plainName(%q) = %v, want %v", s, got, want)
	}
	if got, want := NormalizeName(s), refNormalizeName(s); got != want {
		t.Fatalf("NormalizeName(%q) = %q, want %q", s, got, want)
	}
	for _, x := range []string{s, cell} {
		if got, want := TrimSpace(x), strings.TrimSpace(x); got != want {
			t.Fatalf("TrimSpace(%q) = %q, want %q", x, got, want)
		}
	}
	// SplitMultiple's parts are CutMultiple's pieces, trimmed, without empties.
	var parts []string
	for rest, more := cell, true; more; {
		var p string
		p, rest, more = CutMultiple(rest)
		if p = strings.TrimSpace(p); p != "" {
			parts = append(parts, p)
		}
	}
	if want := refSplitMultiple(cell); strings.Join(parts, "|") != strings.Join(want, "|") || len(parts) != len(want) {
		t.Fatalf("CutMultiple pieces of %q = %q, want %q", cell, parts, want)
	}
	if got, want := SplitMultiple(cell), refSplitMultiple(cell); strings.Join(got, "|") != strings.Join(want, "|") || len(got) != len(want) {
		t.Fatalf("SplitMultiple(%q) = %q, want %q", cell, got, want)
	}
	for _, multiple := range []bool{false, true} {
		f := &Field{Name: "F", Type: Enum, Multiple: multiple}
		if got, want := f.Has(cell, s), refHas(f, cell, s); got != want {
			t.Fatalf("Has(multiple=%v, %q, %q) = %v, want %v", multiple, cell, s, got, want)
		}
		// Required by the value s, alone or among others, with equals and in.
		it := &Item{Fields: []*Field{f}}
		get := func(name string) string {
			if name != "F" {
				t.Fatalf("get(%q)", name)
			}
			return cell
		}
		for _, r := range []Requirement{{When: "F", Equals: s}, {When: "F", In: []string{"x", s}}, {When: "F", Equals: "罚款", In: []string{s}},
			{When: "F"}, {When: "G", Equals: s}, {Equals: s}, {Always: true}} {
			g := &Field{Name: "G", Required: r}
			if got, want := it.Required(g, get), refRequired(it, g, get); got != want {
				t.Fatalf("Required(%+v) for cell %q = %v, want %v", r, cell, got, want)
			}
		}
	}
}

func TestNameHelpersMatchReference(t *testing.T) {
	for _, s := range nameSeeds {
		for _, cell := range nameSeeds {
			checkNameHelpers(t, s, cell)
		}
	}
	// Every rune of the Basic Multilingual Plane around the ideographs.
	for r := rune(0); r < 0x10000; r++ {
		s := string(r)
		if got, want := plainName(s), refPlainName(s); got != want {
			t.Fatalf("plainName(%U) = %v, want %v", r, got, want)
		}
		if got, want := plainName("一"+s+"A"), refPlainName("一"+s+"A"); got != want {
			t.Fatalf("plainName(一%UA) = %v, want %v", r, got, want)
		}
	}
	// TrimSpace with every rune of the BMP, and some beyond, at either end.
	for r := rune(0); r < 0x10000; r++ {
		for _, x := range []string{string(r), string(r) + "甲", "甲" + string(r), string(r) + "a" + string(r)} {
			if got, want := TrimSpace(x), strings.TrimSpace(x); got != want {
				t.Fatalf("TrimSpace(%q) = %q, want %q", x, got, want)
			}
		}
	}
	for c := 0; c < 256; c++ {
		for _, x := range []string{string([]byte{byte(c)}), "甲" + string([]byte{byte(c)}), string([]byte{byte(c)}) + "甲", "\u3000" + string([]byte{byte(c)})} {
			if got, want := TrimSpace(x), strings.TrimSpace(x); got != want {
				t.Fatalf("TrimSpace(%q) = %q, want %q", x, got, want)
			}
		}
	}
	// Every three-byte sequence led by E3–EA (valid or not).
	for a := 0xE3; a <= 0xEA; a++ {
		for b := 0x70; b <= 0xC0; b++ {
			for c := 0x70; c <= 0xC0; c++ {
				s := string([]byte{byte(a), byte(b), byte(c)})
				if got, want := plainName(s), refPlainName(s); got != want {
					t.Fatalf("plainName(%q) = %v, want %v", s, got, want)
				}
				checkNameHelpers(t, "罚款", "罚款"+s+"罚款")
			}
		}
	}
}

func FuzzNameHelpers(f *testing.F) {
	for i, s := range nameSeeds {
		f.Add(s, nameSeeds[(i*7+3)%len(nameSeeds)])
	}
	f.Fuzz(checkNameHelpers)
}
