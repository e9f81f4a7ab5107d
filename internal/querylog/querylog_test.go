package querylog

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
)

func TestProtect(t *testing.T) {
	key := []byte("0123456789abcdef0123456789abcdef")
	other := []byte("fedcba9876543210fedcba9876543210")
	// The digest is HMAC-SHA256 as the standard library computes it, cut to 16 hex digits.
	m := hmac.New(sha256.New, key)
	m.Write([]byte("王伟"))
	want := "name:2:sha256:" + hex.EncodeToString(m.Sum(nil))[:16]
	cases := []struct{ text, want string }{
		{"王伟", want},
		{" 王 伟 ", want}, // folded as search folds names
		{"91350100M000100Y43", "91350100M000100Y43"},  // an organisation's code is kept
		{"91350100m000100y43 ", "91350100M000100Y43"}, // normalised
		{"", ""},
	}
	for _, c := range cases {
		if got := Protect(key, c.text); got != c.want {
			t.Errorf("Protect(%q) = %q, want %q", c.text, got, c.want)
		}
	}
	// An ID number: kind id, 18 characters; the 15-digit form of the same
	// person (GB 11643 example 110105491231002 → 11010519491231002X) matches.
	id := Protect(key, "11010519491231002x")
	if !strings.HasPrefix(id, "id:18:sha256:") || Protect(key, "110105491231002") != id || strings.Contains(id, "1101051949") {
		t.Errorf("ID: %q / %q", id, Protect(key, "110105491231002"))
	}
	if p := Protect(key, "913206"); !strings.HasPrefix(p, "code:6:sha256:") {
		t.Errorf("code prefix: %q", p)
	}
	if Protect(other, "王伟") == want {
		t.Error("another store's key gives the same digest")
	}
	for _, s := range []string{want, id, Protect(key, "913206")} {
		if !Protected(s) {
			t.Errorf("Protected(%q) = false", s)
		}
	}
	for _, s := range []string{"王伟", "91350100M000100Y43", "name:2:sha256:xyz"} {
		if Protected(s) {
			t.Errorf("Protected(%q) = true", s)
		}
	}
}
