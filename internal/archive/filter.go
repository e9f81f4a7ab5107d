package archive

import (
	"strings"

	"credit/internal/catalog"
	"credit/internal/civil"
	"credit/internal/ident"
)

// SubjectFilter is what a clerk types in a list's subject filter (queues,
// lists, cases; issue 19): a code, whole or its beginning, or a part of the
// subject's name, matched as names are searched (catalog.NormalizeName,
// full-width folded).
//
// In a scope that masks (public, authorized) a natural person is matched by
// the whole ID number only, never by name nor by a beginning of the number,
// as Search does: a filter that kept 张三's row for "张三" would confirm,
// through the row shown as 张*, the name the scope hides.
type SubjectFilter struct {
	code    string // the text as a code, when it looks like one
	nameKey string
	masks   bool
}

// NewSubjectFilter reads a filter text; masks says whether the scope masks
// natural persons (Access.masks). An empty text matches everything.
func NewSubjectFilter(text string, masks bool) SubjectFilter {
	text = strings.TrimSpace(civil.Fold(text))
	f := SubjectFilter{masks: masks}
	if text == "" {
		return f
	}
	if code := ident.NormalizeCode(text); codeLike(code) {
		if r := ident.Check(code); r.Valid {
			code = r.Code // a 15-digit ID number is stored as its 18-digit form
		}
		f.code = code
	}
	f.nameKey = catalog.NormalizeName(text)
	return f
}

// Empty reports whether the filter lets every row through.
func (f SubjectFilter) Empty() bool { return f.code == "" && f.nameKey == "" }

// Match reports whether the subject with code, name and kind passes.
func (f SubjectFilter) Match(code, name, kind string) bool {
	if f.Empty() {
		return true
	}
	person := kind == string(catalog.NaturalPerson)
	if f.code != "" {
		if f.masks && person {
			return code == f.code
		}
		if strings.HasPrefix(code, f.code) {
			return true
		}
	}
	if f.masks && person {
		return false
	}
	return f.nameKey != "" && strings.Contains(catalog.NormalizeName(name), f.nameKey)
}
