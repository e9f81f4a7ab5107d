package catalog

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"reflect"
	"strings"
	"testing"
)

// The compiled form's format names the shape of the Catalog type: a change to
// any field, type or tag of Catalog or what it holds must change
// catalogFingerprint, or a binary of the new shape would read another's compiled
// form (which has no field names: values would land in the wrong fields).
func TestCompiledFormatFingerprint(t *testing.T) {
	if got := typeFingerprint(reflect.TypeOf(Catalog{})); got != catalogFingerprint {
		t.Fatalf("the Catalog type changed: set catalogFingerprint in compiled.go to %q (stores then compile their catalogs again at credit init)", got)
	}
	// The fingerprint sees a change of field, type and tag.
	seen := map[string]bool{}
	for _, v := range []any{struct{ X int }{}, struct{ Y int }{}, struct{ X string }{}, struct {
		X int `json:"x"`
	}{}, struct{ X []int }{}} {
		fp := typeFingerprint(reflect.TypeOf(v))
		if seen[fp] {
			t.Fatalf("%T has the fingerprint of an earlier type", v)
		}
		seen[fp] = true
	}
}

// typeFingerprint is a hash of t's shape: kinds, field names, tags and types,
// walked recursively (a type written as text counts by its name only).
func typeFingerprint(t reflect.Type) string {
	var b strings.Builder
	seen := map[reflect.Type]bool{}
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		b.WriteString(t.Kind().String())
		b.WriteByte('(')
		switch t.Kind() {
		case reflect.Pointer, reflect.Slice, reflect.Array:
			walk(t.Elem())
		case reflect.Map:
			walk(t.Key())
			b.WriteByte(',')
			walk(t.Elem())
		case reflect.Struct:
			b.WriteString(t.PkgPath() + "." + t.Name())
			if seen[t] {
				break
			}
			seen[t] = true
			if _, ok := reflect.New(t).Interface().(interface{ MarshalText() ([]byte, error) }); ok {
				break // written as text (civil.Date)
			}
			for i := 0; i < t.NumField(); i++ {
				f := t.Field(i)
				b.WriteString(f.Name + ":" + string(f.Tag) + ":")
				walk(f.Type)
				b.WriteByte(';')
			}
		default:
			b.WriteString(t.String())
		}
		b.WriteByte(')')
	}
	walk(t)
	h := sha256.Sum256([]byte(b.String()))
	return hex.EncodeToString(h[:8])
}

// The compiled form keeps what gob did not (a nil list apart from an empty
// one, a pointer to a zero value apart from nil) and a damaged form is an
// error, never a panic or a different catalog: whatever is cut off or
// changed in it, the caller parses the YAML instead.
func TestCompiledFormExactAndDamageRefused(t *testing.T) {
	c := &Catalog{Version: "x", Items: []*Item{
		{Code: "A", Providers: []string{}, Validity: &Validity{}, Subject: SubjectFields{KindValues: map[string]SubjectKind{"法人": Organisation, "自然人": NaturalPerson}}},
		{Code: "B", Key: []string{"", "键"}, Fields: []*Field{nil, {Name: "金额", Length: -1}}},
	}, Policy: Policy{Lights: Lights{RejectRateRed: 0.25}, ImportLimits: ImportLimits{FileSize: 1 << 40}}}
	b, err := Compile(c)
	if err != nil {
		t.Fatal(err)
	}
	back, err := Decompile(b)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, c) {
		t.Fatalf("read back %+v, want %+v", back, c)
	}
	if back.Items[0].Providers == nil || back.Items[1].Providers != nil || back.Items[0].Validity == nil {
		t.Fatal("nil and empty not kept apart")
	}
	again, _ := Compile(back)
	if string(again) != string(b) {
		t.Fatal("compiling the same catalog twice gave two forms (map order)")
	}
	raw, _ := base64.StdEncoding.DecodeString(string(b))
	for n := range len(raw) {
		if _, err := Decompile([]byte(base64.StdEncoding.EncodeToString(raw[:n]))); err == nil {
			t.Fatalf("the form cut to %d of %d bytes was read", n, len(raw))
		}
	}
	if _, err := Decompile([]byte(base64.StdEncoding.EncodeToString(append(raw, 0)))); err == nil {
		t.Fatal("a byte added at the end was not noticed")
	}
	for i := range raw { // any one byte changed: an error or a catalog, never a panic
		d := bytes.Clone(raw)
		d[i] ^= 0xff
		Decompile([]byte(base64.StdEncoding.EncodeToString(d)))
	}
	if _, err := Decompile([]byte("not base64!")); err == nil {
		t.Fatal("text that is not base64 was read")
	}
}
