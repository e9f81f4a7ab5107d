// Package catalogs carries the default catalog in the binary, so that
// credit init can apply it to a new store with no file at hand. The YAML next
// to this file is what administrators copy, edit and apply (docs/catalog.md).
package catalogs

import _ "embed"

//go:embed nantong.yaml
var nantong []byte

// DefaultName is the default catalog's file name, used in messages.
const DefaultName = "catalogs/nantong.yaml"

// Default returns the default catalog file's name and text (a copy).
func Default() (name string, data []byte) {
	return DefaultName, append([]byte(nil), nantong...)
}

//go:embed measures.yaml
var measures []byte

// MeasuresName is the measures list's file name, used in messages.
const MeasuresName = "catalogs/measures.yaml"

// Measures returns the joint reward and sanction measures list's file name
// and text (a copy): a working draft to be checked against the national list.
func Measures() (name string, data []byte) {
	return MeasuresName, append([]byte(nil), measures...)
}
