// Package querylog owns what the query log may keep of what an asker typed
// (SPEC §3 第三十六条: the query log holds ids and content hashes, never
// personal field values). A search text or the code of a subject not on file
// may be a natural person's name or 身份证号码, so it is kept only as
// "KIND:LENGTH:sha256:DIGEST" — the text's kind (name, id, code), its length
// in characters, and the first 16 hex digits of its HMAC-SHA256 under a key
// that is secret to the store — never as typed. An auditor who is asked "did
// anyone search for 王伟 that day?" protects the same text with the same key
// and looks for that form (credit subject queries --search-text). A valid
// organisation's 统一社会信用代码 names no person and is kept as it is.
//
// The digest cannot be reversed without the key; with the key (anyone who
// can read the whole store can) a short name can be found by trying names,
// so the form keeps the text out of listings, exports and backups of the log,
// not away from someone holding the store itself.
package querylog

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"sync"
	"unicode/utf8"

	"credit/internal/catalog"
	"credit/internal/ident"
)

// Kinds of protected text.
const (
	KindName = "name" // anything that is not code-like: a name, or part of one
	KindID   = "id"   // a valid 身份证号码 (a 15-digit number as its 18-digit form)
	KindCode = "code" // letters and digits that are not a valid code: a code prefix, a mistyped code
)

// KeySize is the size of a store's key in bytes.
const KeySize = 32

// CodeLike reports whether a normalised text is a code or a code prefix:
// letters and digits only, with at least one digit. Search takes such a text
// as a code prefix, anything else as a name.
func CodeLike(s string) bool {
	digit := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			digit = true
		case c >= 'A' && c <= 'Z':
		default:
			return false
		}
	}
	return digit
}

// Classify returns the form text is compared in (a code normalised, a valid
// ID number in its 18-digit form, a name as catalog.NormalizeName folds it:
// the same forms search uses) and its kind; kept reports a valid
// organisation code, which is stored as it is.
func Classify(text string) (norm, kind string, kept bool) {
	if code := ident.NormalizeCode(text); CodeLike(code) {
		r := ident.Check(code)
		switch {
		case r.Valid && r.Kind == ident.NaturalPerson:
			return r.Code, KindID, false
		case r.Valid && r.Kind.Organisation():
			return r.Code, "", true
		}
		return code, KindCode, false
	}
	return catalog.NormalizeName(text), KindName, false
}

// Digest is "sha256:" and the first 16 hex digits of HMAC-SHA256(key, s).
func Digest(key []byte, s string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(s))
	return "sha256:" + hex.EncodeToString(m.Sum(nil))[:16]
}

// Protect is the form in which text may be kept in the query log under key:
// a valid organisation code as it is, anything else as
// "KIND:LENGTH:sha256:DIGEST" ("name:2:sha256:…" for 王伟); "" for a text
// with nothing in it.
func Protect(key []byte, text string) string {
	norm, kind, kept := Classify(text)
	switch {
	case kept:
		return norm
	case norm == "":
		return ""
	}
	return fmt.Sprintf("%s:%d:%s", kind, utf8.RuneCountInString(norm), Digest(key, norm))
}

var protectedRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(name|id|code):[0-9]+:sha256:[0-9a-f]{16}$`) })

// Protected reports whether a stored query text is already in the protected
// "KIND:LENGTH:sha256:DIGEST" form.
func Protected(s string) bool { return protectedRE().MatchString(s) }
