package catalog

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
)

// The compiled form of a catalog (issue 17): the parsed Catalog as JSON,
// kept in the store beside the version's YAML so that a command reads it in
// well under a millisecond instead of parsing and validating the YAML (more
// than half the CPU of a `subject show`). CompiledFormat names the Go shape
// it was written from: a fingerprint of the Catalog type's fields, so a
// binary whose Catalog differs never reads another's compiled form (it
// parses the YAML, which stays the version's content of record).
var CompiledFormat = "json:" + typeFingerprint(reflect.TypeOf(Catalog{}))

// Compile is c's compiled form.
func Compile(c *Catalog) ([]byte, error) { return json.Marshal(c) }

// Decompile reads a compiled form written by Compile in CompiledFormat.
func Decompile(b []byte) (*Catalog, error) {
	var c Catalog
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, fmt.Errorf("compiled catalog: %w", err)
	}
	return &c, nil
}

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
