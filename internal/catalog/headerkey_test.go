package catalog_test

import (
	"testing"

	"credit/internal/catalog"
)

// Header variants departments write (issue 22) meet the catalog's names.
func TestHeaderKeyVariants(t *testing.T) {
	same := [][2]string{
		{"行政相对人代码-1（统一社会信用代码）", "行政相对人代码_1（统一社会信用代码）"},
		{"行政相对人代码－1(统一社会信用代码)", "行政相对人代码_1（统一社会信用代码）"},
		{"处罚决定\n日期", "处罚决定日期"},
		{"罚款金额(万元)", "罚款金额（万元）"},
		{"cf_xdr_mc", "CF_XDR_MC"},
		{"行政相对人代码【统一社会信用代码】", "行政相对人代码（统一社会信用代码）"},
	}
	for _, p := range same {
		if catalog.HeaderKey(p[0]) != catalog.HeaderKey(p[1]) {
			t.Errorf("catalog.HeaderKey(%q) = %q, catalog.HeaderKey(%q) = %q; want equal", p[0], catalog.HeaderKey(p[0]), p[1], catalog.HeaderKey(p[1]))
		}
	}
	// The old layout's numbered codes stay apart from today's.
	if catalog.HeaderKey("行政相对人代码_2(组织机构代码)") == catalog.HeaderKey("行政相对人代码_2（工商注册号）") {
		t.Error("different sub-columns of 行政相对人代码 must not meet")
	}
	if got, want := catalog.IndexFreeKey("行政相对人代码_1（统一社会信用代码）"), catalog.HeaderKey("行政相对人代码-统一社会信用代码"); got != want {
		t.Errorf("IndexFreeKey = %q, want %q (a joined two-row header)", got, want)
	}
	if catalog.IndexFreeKey("罚款金额（万元）") != "" {
		t.Error("a name without a number has no index-free key")
	}
}

// No two fields of a shipped item meet under HeaderKey: a file's column
// must name one field only.
func TestHeaderKeysDistinctInDefaultCatalog(t *testing.T) {
	cat := defaultCatalog(t)
	for _, it := range cat.Items {
		seen := map[string]string{}
		for _, f := range it.Fields {
			for _, n := range append([]string{f.Name}, f.Aliases...) {
				k := catalog.HeaderKey(n)
				if other, ok := seen[k]; ok && other != f.Name {
					t.Errorf("%s: %q (%s) and a name of %s meet as %q", it.Code, n, f.Name, other, k)
				}
				seen[k] = f.Name
			}
		}
	}
}
