package ingest

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"
)

// valuesJSON replaces json.Marshal of the stored values, whose text is kept
// in the store: it must give exactly json.Marshal's bytes.

var jsonSeeds = []string{
	"", "a", "甲公司", "罚款；没收违法所得", "<script>&amp;</script>", `"quoted" \back\slash/`,
	"\b\f\n\r\t\x00\x01\x1f\x7f", "line\u2028sep\u2029para", "\u2027\u202a", "bad\xffutf8", "\xe4\xb8", "\xe4\xb8\xe4\xb8\x80",
	"\xed\xa0\x80", "\xe0\x80\x80", "\xe0\xa0\x80", "\xef\xbf\xbd", "\xef\xbf\xbf", "\xf0\x9f\x98\x80", "\xf4\x90\x80\x80", "\xc0\xaf",
	"\xe2\x80", "\xe2\x80\xa8", "\xe2\x80\xa9\xe2", "\xe1\x80\x80", "\xec\xbf\xbf", "\xee\x80\x80", "《中华人民共和国广告法》第五十五条",
	"“引号”—…", "\u3000全角\u3000", "ｘｙｚ", "\U0010FFFF", "\x80", "a\xc2", "\xc2\xa0",
}

func checkValuesJSON(t *testing.T, vals []string) {
	t.Helper()
	want, err := json.Marshal(vals)
	if err != nil {
		t.Fatal(err)
	}
	if got := valuesJSON(vals); got != string(want) {
		t.Fatalf("valuesJSON(%q) = %s, want %s", vals, got, want)
	}
	for _, v := range vals {
		b, _ := json.Marshal(v)
		if n := jsonStringLen(v); n != len(b) {
			t.Fatalf("jsonStringLen(%q) = %d, json.Marshal writes %d bytes", v, n, len(b))
		}
	}
}

func TestValuesJSONMatchesMarshal(t *testing.T) {
	checkValuesJSON(t, nil)
	checkValuesJSON(t, []string{})
	checkValuesJSON(t, jsonSeeds)
	for _, s := range jsonSeeds {
		checkValuesJSON(t, []string{s})
		checkValuesJSON(t, []string{"甲", s, ""})
	}
	// Every byte alone and after a CJK character; every rune of the BMP
	// and some beyond.
	for c := 0; c < 256; c++ {
		checkValuesJSON(t, []string{string([]byte{byte(c)}), "甲" + string([]byte{byte(c)}) + "乙"})
	}
	for r := rune(0); r < 0x10000; r++ {
		checkValuesJSON(t, []string{string(r), "x" + string(r)})
	}
	for _, r := range []rune{0x10000, 0x1F600, utf8.MaxRune} {
		checkValuesJSON(t, []string{string(r)})
	}
	// Every three-byte sequence with a lead byte E0–EF.
	for a := 0xE0; a <= 0xEF; a++ {
		for b := 0x70; b <= 0xC5; b++ {
			for c := 0x70; c <= 0xC5; c++ {
				checkValuesJSON(t, []string{string([]byte{byte(a), byte(b), byte(c)})})
			}
		}
	}
	// Realistic rows.
	for _, row := range benchRows(200, fuzzToday) {
		checkValuesJSON(t, row)
	}
}

func FuzzValuesJSON(f *testing.F) {
	for i, s := range jsonSeeds {
		f.Add(s, jsonSeeds[(i*5+1)%len(jsonSeeds)])
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		checkValuesJSON(t, []string{a, b})
		checkValuesJSON(t, []string{a})
	})
}

// refContentHash is the definition of ContentHash: the non-empty
// name=value pairs, sorted, joined, SHA-256, the first 16 bytes in hex.
func refContentHash(names, vals []string) string {
	var pairs []string
	for i, n := range names {
		if i < len(vals) && vals[i] != "" {
			pairs = append(pairs, n+"\x1f"+vals[i])
		}
	}
	sort.Strings(pairs)
	sum := sha256.Sum256([]byte(strings.Join(pairs, "\x1e")))
	return hex.EncodeToString(sum[:16])
}

func TestContentHashOrderedMatchesDefinition(t *testing.T) {
	national, _ := fuzzPlans(t)
	for _, row := range benchRows(200, fuzzToday) {
		c := national.Check(2, row)
		prepareRow(national, c)
		if want := refContentHash(national.Layout, c.Values); c.Hash != want {
			t.Fatalf("row hash %s, want %s", c.Hash, want)
		}
	}
	// A row too long for the stack buffer, short value lists and none at all.
	long := strings.Repeat("长", 3000)
	for _, vals := range [][]string{{long, "x", long}, {"a"}, {}, {"", "", ""}, {"", "b"}} {
		names := []string{"丙", "甲", "乙"}
		if got, want := ContentHash(names, vals), refContentHash(names, vals); got != want {
			t.Fatalf("ContentHash(%q) = %s, want %s", vals, got, want)
		}
	}
}

func FuzzContentHash(f *testing.F) {
	f.Add("a", "b", "c")
	f.Add("", "罚款", "")
	f.Fuzz(func(t *testing.T, a, b, c string) {
		names := []string{"处罚内容", "备注", "CF_X"}
		vals := []string{a, b, c}
		if got, want := ContentHash(names, vals), refContentHash(names, vals); got != want {
			t.Fatalf("ContentHash(%q) = %s, want %s", vals, got, want)
		}
	})
}

// A reject message repeats at most a short excerpt of a value, never an ID
// or card number in full (issue 16); worked by hand.
func TestRejectMessageExcerpt(t *testing.T) {
	cases := map[string]string{
		"张三":                 "张三",
		"11010519491231002X": "110105********002X",
		"丁商行（身份证11010519491231002X，电话13812345678）": "丁商行（身份证110105********002…", // 7 + 17 = 24 characters
		"一二三四五六七八九十一二三四五六七八九十一二三四五六七八":             "一二三四五六七八九十一二三四五六七八九十一二三四…",
		"甲\x00乙\n丙": "甲?乙?丙",
		// A long number cut by the excerpt is masked whole first.
		"名称很长很长很长很长很长很长很长很长很6222021234567890123": "名称很长很长很长很长很长很长很长很长很62220…", // 19 + 5
	}
	for in, want := range cases {
		if got := Excerpt(in); got != want {
			t.Errorf("Excerpt(%q) = %q, want %q", in, got, want)
		}
	}
}
