package catalog

import (
	"crypto/sha256"
	"encoding/hex"
	"reflect"
	"strings"
	"testing"
)

// The compiled form's format names the shape of the Catalog type: a change to
// any field, type or tag of Catalog or what it holds must change
// catalogFingerprint, or a binary of the new shape would read another's gob
// (which tolerates missing and extra fields silently).
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
