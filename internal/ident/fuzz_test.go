package ident

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"credit/internal/apperr"
	"credit/internal/civil"
)

var fuzzSeeds = []string{
	"91350100M000100Y43", "91350100M000100Y4X", "91110000802100433B", "91110108551385082Q",
	"914403001922038216", "11100000000013127D", "９１３５０１００Ｍ０００１００Ｙ４３",
	"11010519491231002X", "11010519491231002x", "440524188001010014", "53010219200508011X",
	"110105491231002", "11010519491331002X", "110105491331002", PlaceholderUSCC,
	"", " ", "\u3000", "\xff\xfe", "张三", "欧阳娜娜", "91350100M000100O43", "99350100M000100Y43",
	"ｘ", "000000000000000000", "YYYYYYYYYYYYYYYYYY", "81000019991231000X", "\u200b91350100M000100Y43",
}

// checkParseError asserts a Parse error is a bilingual rule error with a cause.
func checkParseError(t *testing.T, s string, err error) {
	t.Helper()
	var ae *apperr.Error
	if !errors.As(err, &ae) || ae.Code != apperr.Rule || ae.Zh == "" || ae.En == "" {
		t.Fatalf("%q: error %#v is not a bilingual rule *apperr.Error", s, err)
	}
	if depth(err) == 0 && !errors.Is(err, ErrLength) && !errors.Is(err, ErrCharset) {
		t.Fatalf("%q: error %v has no known cause", s, err)
	}
}

func FuzzParseUSCC(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		u, err := ParseUSCC(s)
		if err != nil {
			checkParseError(t, s, err)
			return
		}
		code := u.String()
		if len(code) != 18 || code != NormalizeCode(s) {
			t.Fatalf("%q parsed to %q", s, code)
		}
		again, err := ParseUSCC(code)
		if err != nil || again != u {
			t.Fatalf("%q: canonical %q does not re-parse (%v)", s, code, err)
		}
		if !u.Kind().Organisation() || u.Authority("zh") == "" || u.OrgType("en") == "" || !allDigits(u.Region()) {
			t.Fatalf("%q: kind %q authority %q type %q region %q", s, u.Kind(), u.Authority("zh"), u.OrgType("en"), u.Region())
		}
		// Check agrees, unless the code is also a valid ID number or is a
		// mistyped-looking ID number whose 主体标识码 fails GB 11714.
		r := Check(s)
		switch {
		case r.Valid && r.Type == TypeUSCC && r.Code == code && r.Kind == u.Kind():
		case r.Valid && r.Type == TypeID:
		case !r.Valid && r.Type == TypeID && !u.OrgCodeChecks():
		default:
			t.Fatalf("%q: valid USCC but Check says %+v", s, r)
		}
	})
}

func FuzzParseID(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := ParseID(s)
		if err != nil {
			checkParseError(t, s, err)
			return
		}
		code := id.String()
		if len(code) != 18 || !allDigits(code[:17]) || !(isDigit(rune(code[17])) || code[17] == 'X') {
			t.Fatalf("%q parsed to %q", s, code)
		}
		if !id.Upgraded() && code != NormalizeCode(s) {
			t.Fatalf("%q parsed to %q", s, code)
		}
		again, err := ParseID(code)
		if err != nil || again.String() != code || again.Birth() != id.Birth() || again.Upgraded() {
			t.Fatalf("%q: canonical %q does not re-parse (%v)", s, code, err)
		}
		b := id.Birth()
		if !civil.Valid(b.Year, b.Month, b.Day) || b.Year < MinBirthYear {
			t.Fatalf("%q: birth %v", s, b)
		}
		if id.Sex() != Male && id.Sex() != Female {
			t.Fatalf("%q: sex %q", s, id.Sex())
		}
		if id.AgeOn(b) != 0 || id.AgeOn(b.AddYears(AdultAge)) != AdultAge || id.AgeOn(b.AddYears(AdultAge).AddDays(-1)) != AdultAge-1 {
			t.Fatalf("%q: ages around birth %v wrong", s, b)
		}
		if r := Check(s); !r.Valid || r.Type != TypeID || r.Code != code || r.Kind != NaturalPerson {
			t.Fatalf("%q: valid ID but Check says %+v", s, r)
		}
	})
}

func FuzzCheck(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r := Check(s)
		if r.Valid != (r.Reason == "") || r.Valid != (r.ReasonEn == "") {
			t.Fatalf("%q: valid %v with reasons %q / %q", s, r.Valid, r.Reason, r.ReasonEn)
		}
		if r.Valid != r.Kind.Valid() {
			t.Fatalf("%q: valid %v with kind %q", s, r.Valid, r.Kind)
		}
		if r.Valid {
			again := Check(r.Code)
			if !again.Valid || again.Code != r.Code || again.Kind != r.Kind || again.Type != r.Type {
				t.Fatalf("%q: %+v re-checks as %+v", s, r, again)
			}
		} else if r.Code != NormalizeCode(s) {
			t.Fatalf("%q: invalid result code %q is not the normalised input", s, r.Code)
		}
		if r.Type != TypeUSCC && r.Type != TypeID && r.Type != TypeUnknown {
			t.Fatalf("%q: type %q", s, r.Type)
		}
		if !utf8.ValidString(r.Code) || !utf8.ValidString(r.Reason) || !utf8.ValidString(r.ReasonEn) {
			t.Fatalf("%q: invalid UTF-8 in %+v", s, r)
		}
		checkMask(t, s)
		checkMask(t, r.Code)
		checkMaskName(t, s)
	})
}

// checkMask asserts Mask shows at most the first 6 and last 4 runes, keeps
// the length, hides at least one rune of a non-empty string, and hides at
// least half of one of 10 or fewer runes.
func checkMask(t *testing.T, s string) {
	t.Helper()
	in, out := []rune(s), []rune(Mask(s))
	if len(in) != len(out) {
		t.Fatalf("Mask(%q) = %q changes the length", s, string(out))
	}
	hidden := 0
	for i := range in {
		if out[i] == '*' {
			hidden++
			continue
		}
		if out[i] != in[i] || (i >= 6 && i < len(in)-4) {
			t.Fatalf("Mask(%q) = %q reveals position %d", s, string(out), i+1)
		}
	}
	if len(in) > 0 && hidden == 0 && !strings.ContainsRune(s, '*') {
		t.Fatalf("Mask(%q) = %q hides nothing", s, string(out))
	}
	if len(in) <= 10 && len(in)-hidden > len(in)/2 && !strings.ContainsRune(s, '*') {
		t.Fatalf("Mask(%q) = %q shows more than half", s, string(out))
	}
}

func checkMaskName(t *testing.T, s string) {
	t.Helper()
	in, out := []rune(strings.TrimSpace(s)), []rune(MaskName(s))
	if len(in) != len(out) {
		t.Fatalf("MaskName(%q) = %q changes the length", s, string(out))
	}
	for i := 1; i < len(out); i++ {
		if out[i] != '*' {
			t.Fatalf("MaskName(%q) = %q reveals more than the first character", s, string(out))
		}
	}
	if len(in) == 1 && out[0] != '*' {
		t.Fatalf("MaskName(%q) = %q reveals a one-character name", s, string(out))
	}
}
