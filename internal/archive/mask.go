package archive

import (
	"strings"

	"credit/internal/catalog"
	"credit/internal/ident"
)

// extraColumns are the columns any negative item stores besides its catalog
// fields (ingest.ExtraColumns, SPEC §5), and whether they name persons.
var extraColumns = map[string]bool{
	"失信程度":      false,
	"程序类型":      false,
	"主要负责人证件号码": true,
	"直接责任人证件号码": true,
	"法定代表人负有责任": false,
	// 第二条 / 民法典 第十八条第二款: a 16–17-year-old's income source
	// (ingest.ColOwnIncome) is the person's own information.
	"以自己的劳动收入为主要生活来源": true,
}

// personal reports whether a stored field of a record of item it about a
// subject of kind is personal information (masked in the public and
// authorized scopes, SPEC §C), and whether it holds a person's name (masked
// as 张*) rather than a code (masked as 320602********4359). A field the
// catalog in force no longer names is treated as personal: what cannot be
// judged is not disclosed.
func personal(it *catalog.Item, name string, kind catalog.SubjectKind) (isPersonal, isName bool) {
	if p, ok := extraColumns[name]; ok {
		return p, false
	}
	if it == nil {
		return true, false
	}
	f := it.Field(name)
	if f == nil {
		return true, false
	}
	if !it.IsPersonal(f, kind) {
		return false, false
	}
	switch f.Type {
	case catalog.IDNumber, catalog.PartyCode, catalog.USCC:
		return true, false
	}
	return true, name == it.Subject.Name || name == it.Subject.LegalRep || strings.Contains(name, "姓名") ||
		strings.HasPrefix(name, "法定代表人") && !strings.Contains(name, "证件") || strings.HasSuffix(name, "负责人")
}

// maskValue masks one personal value: a name keeps its first character, a
// code (or an address, a phone number) its ends; several values separated
// by ；, ; or 、 are masked one by one.
func maskValue(v string, isName bool) string {
	if strings.TrimSpace(v) == "" {
		return v
	}
	var b strings.Builder
	start := 0
	flush := func(end int) {
		part := v[start:end]
		if t := strings.TrimSpace(part); t != "" {
			if isName {
				b.WriteString(ident.MaskName(t))
			} else {
				b.WriteString(ident.Mask(t))
			}
		}
	}
	for i, r := range v {
		if r == ';' || r == '；' || r == '、' {
			flush(i)
			b.WriteRune(r)
			start = i + len(string(r))
		}
	}
	flush(len(v))
	return b.String()
}

// ScrubIDs masks every 身份证号码 inside s (18 characters, or an old
// 15-digit number, that pass GB 11643), wherever it stands: a last line of
// defence so that no scope that masks personal fields ever shows an ID
// number, even one a provider typed into a free-text field.
func ScrubIDs(s string) string {
	if !hasDigitRun(s, 15) {
		return s
	}
	b := []byte(s)
	changed := false
	for i := 0; i < len(b); {
		if !isAlnum(b[i]) {
			i++
			continue
		}
		j := i
		for j < len(b) && isAlnum(b[j]) {
			j++
		}
		if j-i >= 15 && maskIDsIn(b[i:j]) {
			changed = true
		}
		i = j
	}
	if !changed {
		return s
	}
	return string(b)
}

// maskIDsIn masks, in place, each window of run that is a valid ID number.
func maskIDsIn(run []byte) bool {
	changed := false
	for _, n := range []int{18, 15} {
		for k := 0; k+n <= len(run); k++ {
			w := string(run[k : k+n])
			if strings.Contains(w, "*") {
				continue
			}
			// An old 15-digit number has no check digit: only a run of
			// exactly 15 digits is taken for one.
			if n == 15 && (len(run) != 15 || !allDigits(w)) {
				continue
			}
			if _, err := ident.ParseID(w); err != nil {
				continue
			}
			copy(run[k:k+n], ident.Mask(w))
			changed = true
			k += n - 1
		}
	}
	return changed
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c == '*'
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// hasDigitRun reports whether s holds n digits in a row or more (IDs have
// 15 or 17): most values have none, and skip the scan.
func hasDigitRun(s string, n int) bool {
	run := 0
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			if run++; run >= n-1 {
				return true
			}
		} else {
			run = 0
		}
	}
	return false
}

// MaskPublic is v of field name of a record of item it about a subject of
// kind, as the public scope shows it: personal fields masked, ID numbers in
// free text scrubbed. The exchange uses it for items the catalog reports
// upward masked.
func MaskPublic(it *catalog.Item, kind catalog.SubjectKind, name, v string) string {
	if v == "" {
		return v
	}
	if p, isName := personal(it, name, kind); p {
		v = maskValue(v, isName)
	}
	return ScrubIDs(v)
}
