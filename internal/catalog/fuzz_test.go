package catalog_test

import (
	"reflect"
	"testing"

	"credit/catalogs"
	"credit/internal/catalog"
)

// FuzzParse: no catalog file makes the parser panic, and whatever parses
// round-trips through Marshal, and through its compiled form (what commands
// read from the store) exactly, down to nil and empty lists.
func FuzzParse(f *testing.F) {
	_, def := catalogs.Default()
	f.Add(def)
	f.Add([]byte(base))
	f.Add([]byte(base + second))
	f.Add([]byte("items: [{code: A, fields: [{name: x, type: enum, values: [\"*\"]}]}]"))
	f.Add([]byte("a: &x [1, *x]\n"))
	f.Add([]byte("jurisdiction: x\nversion: 1\neffective: 2020-01-01\npolicy: {validity: 1y}\nitems: []\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := catalog.Parse("fuzz.yaml", data)
		if err != nil {
			if _, ok := catalog.ProblemsOf(err); !ok {
				t.Fatalf("error without problems: %v", err)
			}
			return
		}
		back, err := catalog.Parse("export.yaml", catalog.Marshal(c))
		if err != nil {
			t.Fatalf("export does not parse: %v\n%s", err, catalog.Marshal(c))
		}
		if d := catalog.Diff(c, back); len(d) != 0 {
			t.Fatalf("round trip changed %v", d)
		}
		compiled, err := catalog.Compile(c)
		if err != nil {
			t.Fatalf("compile: %v", err)
		}
		dc, err := catalog.Decompile(compiled)
		if err != nil {
			t.Fatalf("decompile: %v", err)
		}
		if !reflect.DeepEqual(dc, c) {
			t.Fatalf("the compiled form does not read back as parsed")
		}
	})
}
