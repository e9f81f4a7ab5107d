package catalog

import (
	"bytes"
	"encoding"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
)

// The compiled form of a catalog (issue 17): the parsed Catalog, kept in the
// store beside the version's YAML so that a command reads it in about a
// millisecond instead of parsing and validating the YAML (more than half the
// CPU of a `subject show`). CompiledFormat names the encoding and the Go
// shape it was written from: a fingerprint of the Catalog type's fields, so a
// binary whose Catalog differs never reads another's compiled form (it
// parses the YAML, which stays the version's content of record).
//
// The encoding ("bin1", as base64 text: the store's column is TEXT) is the
// Catalog's values in the order of its Go type, without names (the
// fingerprint stands for them): varints, length-prefixed strings, slices and
// maps with their length plus one (0 for nil, so nil and empty read back as
// they were), map entries in the order of their encoded keys, a pointer as
// 0 (nil) or 1 and its value, a struct type with MarshalText (civil.Date) as
// its text. It replaced gob (第六轮, docs/performance.md): gob's package init
// and its binDecoder compilation in a fresh process cost about 2.5 ms of
// every lookup; this reads the default catalog in a fraction of that.
// Stores compiled by an earlier binary (JSON, gob) are read from their
// YAML until credit init compiles them again.
//
// The fingerprint is written here as a constant, not computed by reflection
// at start-up (about 1 ms of every command): TestCompiledFormatFingerprint
// computes it from the Catalog type and fails, giving the new value, when a
// change to the type was not carried here.
const CompiledFormat = "bin1:" + catalogFingerprint

const catalogFingerprint = "cce23e1cceb95a08"

// Compile is c's compiled form.
func Compile(c *Catalog) ([]byte, error) {
	var e binEncoder
	if err := e.value(reflect.ValueOf(c).Elem()); err != nil {
		return nil, fmt.Errorf("compile catalog: %w", err)
	}
	out := make([]byte, base64.StdEncoding.EncodedLen(len(e.buf)))
	base64.StdEncoding.Encode(out, e.buf)
	return out, nil
}

// Decompile reads a compiled form written by Compile in CompiledFormat. A
// damaged form is an error, never a panic (the caller then parses the YAML).
func Decompile(b []byte) (*Catalog, error) {
	raw := make([]byte, base64.StdEncoding.DecodedLen(len(b)))
	n, err := base64.StdEncoding.Decode(raw, b)
	if err != nil {
		return nil, fmt.Errorf("compiled catalog: %w", err)
	}
	var c Catalog
	d := binDecoder{buf: string(raw[:n])}
	if err := d.value(reflect.ValueOf(&c).Elem()); err != nil {
		return nil, fmt.Errorf("compiled catalog: %w", err)
	}
	if len(d.buf) != 0 {
		return nil, fmt.Errorf("compiled catalog: %d bytes left over", len(d.buf))
	}
	return &c, nil
}

var (
	textMarshalerType   = reflect.TypeFor[encoding.TextMarshaler]()
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
	errShort            = errors.New("data ends early")
)

type binEncoder struct{ buf []byte }

func (e *binEncoder) uvarint(n uint64) { e.buf = binary.AppendUvarint(e.buf, n) }

func (e *binEncoder) str(s string) {
	e.uvarint(uint64(len(s)))
	e.buf = append(e.buf, s...)
}

func (e *binEncoder) value(v reflect.Value) error {
	t := v.Type()
	if t.Kind() == reflect.Struct && t.Implements(textMarshalerType) {
		b, err := v.Interface().(encoding.TextMarshaler).MarshalText()
		if err != nil {
			return err
		}
		e.str(string(b))
		return nil
	}
	switch t.Kind() {
	case reflect.Bool:
		if v.Bool() {
			e.buf = append(e.buf, 1)
		} else {
			e.buf = append(e.buf, 0)
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		e.buf = binary.AppendVarint(e.buf, v.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		e.uvarint(v.Uint())
	case reflect.Float32, reflect.Float64:
		e.buf = binary.LittleEndian.AppendUint64(e.buf, math.Float64bits(v.Float()))
	case reflect.String:
		e.str(v.String())
	case reflect.Pointer:
		if v.IsNil() {
			e.buf = append(e.buf, 0)
			return nil
		}
		e.buf = append(e.buf, 1)
		return e.value(v.Elem())
	case reflect.Slice:
		if v.IsNil() {
			e.uvarint(0)
			return nil
		}
		e.uvarint(uint64(v.Len()) + 1)
		for i := range v.Len() {
			if err := e.value(v.Index(i)); err != nil {
				return err
			}
		}
	case reflect.Array:
		for i := range v.Len() {
			if err := e.value(v.Index(i)); err != nil {
				return err
			}
		}
	case reflect.Map:
		if v.IsNil() {
			e.uvarint(0)
			return nil
		}
		e.uvarint(uint64(v.Len()) + 1)
		type entry struct{ k, v []byte }
		entries := make([]entry, 0, v.Len())
		for it := v.MapRange(); it.Next(); {
			var ke, ve binEncoder
			if err := ke.value(it.Key()); err != nil {
				return err
			}
			if err := ve.value(it.Value()); err != nil {
				return err
			}
			entries = append(entries, entry{ke.buf, ve.buf})
		}
		slices.SortFunc(entries, func(a, b entry) int { return bytes.Compare(a.k, b.k) })
		for _, en := range entries {
			e.buf = append(append(e.buf, en.k...), en.v...)
		}
	case reflect.Struct:
		for i := range t.NumField() {
			if !t.Field(i).IsExported() {
				return fmt.Errorf("%s.%s is not exported: it would not be kept", t, t.Field(i).Name)
			}
			if err := e.value(v.Field(i)); err != nil {
				return err
			}
		}
	default:
		return fmt.Errorf("cannot compile a %s", t)
	}
	return nil
}

// binDecoder reads from the whole form as one string: every string of the
// catalog is a slice of it, not an allocation of its own (thousands of them
// in a fresh process, each a cost in CPU and page faults).
type binDecoder struct{ buf string }

func (d *binDecoder) uvarint() (uint64, error) {
	var x uint64
	for i := 0; i < len(d.buf) && i < binary.MaxVarintLen64; i++ {
		b := d.buf[i]
		if b < 0x80 {
			if i == binary.MaxVarintLen64-1 && b > 1 {
				return 0, errShort
			}
			d.buf = d.buf[i+1:]
			return x | uint64(b)<<(7*i), nil
		}
		x |= uint64(b&0x7f) << (7 * i)
	}
	return 0, errShort
}

// count reads a slice's or map's length plus one; each element takes at
// least a byte, so a count beyond what is left is damage, not an allocation
// to make.
func (d *binDecoder) count() (n int, isNil bool, err error) {
	u, err := d.uvarint()
	if err != nil {
		return 0, false, err
	}
	if u == 0 {
		return 0, true, nil
	}
	if u-1 > uint64(len(d.buf)) {
		return 0, false, errShort
	}
	return int(u - 1), false, nil
}

func (d *binDecoder) str() (string, error) {
	n, err := d.uvarint()
	if err != nil {
		return "", err
	}
	if n > uint64(len(d.buf)) {
		return "", errShort
	}
	s := d.buf[:n]
	d.buf = d.buf[n:]
	return s, nil
}

func (d *binDecoder) value(v reflect.Value) error {
	t := v.Type()
	if t.Kind() == reflect.Struct && reflect.PointerTo(t).Implements(textUnmarshalerType) {
		s, err := d.str()
		if err != nil {
			return err
		}
		return v.Addr().Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(s))
	}
	switch t.Kind() {
	case reflect.Bool:
		if len(d.buf) == 0 || d.buf[0] > 1 {
			return errShort
		}
		v.SetBool(d.buf[0] == 1)
		d.buf = d.buf[1:]
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		u, err := d.uvarint()
		if err != nil {
			return err
		}
		n := int64(u >> 1) // zigzag, as binary.AppendVarint writes it
		if u&1 != 0 {
			n = ^n
		}
		if v.OverflowInt(n) {
			return fmt.Errorf("%d overflows %s", n, t)
		}
		v.SetInt(n)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		n, err := d.uvarint()
		if err != nil {
			return err
		}
		if v.OverflowUint(n) {
			return fmt.Errorf("%d overflows %s", n, t)
		}
		v.SetUint(n)
	case reflect.Float32, reflect.Float64:
		if len(d.buf) < 8 {
			return errShort
		}
		v.SetFloat(math.Float64frombits(binary.LittleEndian.Uint64([]byte(d.buf[:8]))))
		d.buf = d.buf[8:]
	case reflect.String:
		s, err := d.str()
		if err != nil {
			return err
		}
		v.SetString(s)
	case reflect.Pointer:
		if len(d.buf) == 0 || d.buf[0] > 1 {
			return errShort
		}
		present := d.buf[0] == 1
		d.buf = d.buf[1:]
		if !present {
			return nil
		}
		p := reflect.New(t.Elem())
		if err := d.value(p.Elem()); err != nil {
			return err
		}
		v.Set(p)
	case reflect.Slice:
		n, isNil, err := d.count()
		if err != nil || isNil {
			return err
		}
		s := reflect.MakeSlice(t, n, n)
		for i := range n {
			if err := d.value(s.Index(i)); err != nil {
				return err
			}
		}
		v.Set(s)
	case reflect.Array:
		for i := range v.Len() {
			if err := d.value(v.Index(i)); err != nil {
				return err
			}
		}
	case reflect.Map:
		n, isNil, err := d.count()
		if err != nil || isNil {
			return err
		}
		m := reflect.MakeMapWithSize(t, n)
		for range n {
			k, e := reflect.New(t.Key()).Elem(), reflect.New(t.Elem()).Elem()
			if err := d.value(k); err != nil {
				return err
			}
			if err := d.value(e); err != nil {
				return err
			}
			m.SetMapIndex(k, e)
		}
		v.Set(m)
	case reflect.Struct:
		for i := range t.NumField() {
			if !t.Field(i).IsExported() {
				return fmt.Errorf("%s.%s is not exported", t, t.Field(i).Name)
			}
			if err := d.value(v.Field(i)); err != nil {
				return err
			}
		}
	default:
		return fmt.Errorf("cannot read a %s", t)
	}
	return nil
}
