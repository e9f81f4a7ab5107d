// Package xlsx reads and writes .xlsx workbooks (ECMA-376 Part 1,
// SpreadsheetML in a zip package) with archive/zip and encoding/xml only.
//
// The reader streams one worksheet's rows without loading the sheet, and
// refuses hostile files by hard limits (Limits): the unzipped size and
// compression ratio of each part it reads, the length of any text run in
// the XML (a cell, a shared string, a tag), and the number of shared
// strings. Cells arrive as their stored text, as a spreadsheet program
// keeps it: a shared or inline string as its text, a number as written in
// the file (a date is its serial number), a boolean as 1 or 0.
//
// The writer streams rows into worksheets with inline strings, a bold
// style, date and money number formats, a frozen header row, an
// autofilter and column widths.
package xlsx

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"path"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Limits bound what the reader accepts. Zero fields take the defaults below.
type Limits struct {
	// EntrySize is the most a part (an entry of the zip) may unzip to.
	EntrySize int64
	// Ratio is the highest unzipped/zipped ratio a part over 1 MiB may have.
	Ratio int
	// Text is the most bytes one run of XML text may have between two
	// tags (a cell's text, a shared string, a tag and its attributes), as
	// written in the file, escapes included.
	Text int64
	// SharedStrings is the most entries the shared string table may hold.
	SharedStrings int
}

// Defaults for zero Limits fields.
const (
	DefaultEntrySize     = 4 << 30
	DefaultRatio         = 1000
	DefaultText          = 64 << 20
	DefaultSharedStrings = 16 << 20 // 16 a row at Excel's 1,048,576 rows; 4 bytes each besides the text
	// MaxRows and MaxCols are the sheet size of ECMA-376 (§18.3.1.73 row r,
	// §18.3.1.4 c r: 1,048,576 rows, columns A to XFD).
	MaxRows = 1 << 20
	MaxCols = 1 << 14
)

func (l Limits) withDefaults() Limits {
	if l.EntrySize <= 0 {
		l.EntrySize = DefaultEntrySize
	}
	if l.Ratio <= 0 {
		l.Ratio = DefaultRatio
	}
	if l.Text <= 0 {
		l.Text = DefaultText
	}
	if l.SharedStrings <= 0 {
		l.SharedStrings = DefaultSharedStrings
	}
	return l
}

// LimitError is a refusal by a Limits bound.
type LimitError struct {
	Part  string // the zip entry
	What  string // "entry size", "ratio", "text", "shared strings"
	Limit int64
}

func (e *LimitError) Error() string {
	return fmt.Sprintf("%s: over the %s limit of %d", e.Part, e.What, e.Limit)
}

// FormatError says the package is not a readable workbook.
type FormatError struct {
	Part string
	Msg  string
}

func (e *FormatError) Error() string {
	if e.Part == "" {
		return e.Msg
	}
	return e.Part + ": " + e.Msg
}

func formatErr(part, format string, args ...any) error {
	return &FormatError{Part: part, Msg: fmt.Sprintf(format, args...)}
}

// SheetInfo is one sheet as the workbook lists it.
type SheetInfo struct {
	Name string
	Part string // the zip entry of its XML, "" when it has none
}

// Workbook is an open workbook.
type Workbook struct {
	zr       *zip.ReadCloser
	files    map[string]*zip.File
	lim      Limits
	Sheets   []SheetInfo // in the workbook's order
	Date1904 bool        // workbookPr date1904: serial numbers count from 1904
	sstPart  string
	sstRead  bool
	// The shared strings, kept compact: all their text in one string and
	// where each ends (4 bytes an entry, not a 16-byte string header, and
	// no allocation per entry): item i is sstText[sstEnd[i-1]:sstEnd[i]].
	sstText string
	sstEnd  []uint32
}

// Open opens the workbook at path and reads its sheet list.
func Open(name string, lim Limits) (*Workbook, error) {
	zr, err := zip.OpenReader(name)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			return nil, err // the file cannot be read: not its content's fault
		}
		return nil, &FormatError{Msg: "not a zip package: " + err.Error()}
	}
	wb := &Workbook{zr: zr, files: map[string]*zip.File{}, lim: lim.withDefaults()}
	for _, f := range zr.File {
		wb.files[strings.TrimPrefix(f.Name, "/")] = f
	}
	if err := wb.readWorkbook(); err != nil {
		zr.Close()
		return nil, err
	}
	return wb, nil
}

// Close closes the workbook's file.
func (wb *Workbook) Close() error { return wb.zr.Close() }

// open opens a part for reading within the limits.
func (wb *Workbook) open(part string) (io.ReadCloser, error) {
	f, ok := wb.files[part]
	if !ok {
		return nil, formatErr(part, "missing part")
	}
	if f.UncompressedSize64 > uint64(wb.lim.EntrySize) {
		return nil, &LimitError{Part: part, What: "entry size", Limit: wb.lim.EntrySize}
	}
	if f.UncompressedSize64 > 1<<20 && f.UncompressedSize64/max(f.CompressedSize64, 1) > uint64(wb.lim.Ratio) {
		return nil, &LimitError{Part: part, What: "ratio", Limit: int64(wb.lim.Ratio)}
	}
	rc, err := f.Open()
	if err != nil {
		return nil, formatErr(part, "%v", err)
	}
	// archive/zip fails a part that unzips to more than the directory
	// says; the counting reader keeps the bound even so.
	return &guard{rc: rc, part: part, left: wb.lim.EntrySize, text: wb.lim.Text, entryLimit: wb.lim.EntrySize}, nil
}

// guard counts what a part unzips to and the longest run of bytes without
// a '<': encoding/xml buffers a text or a tag whole, so a run is refused
// before the decoder holds more than Limits.Text of it.
type guard struct {
	rc         io.ReadCloser
	part       string
	left       int64
	entryLimit int64
	text       int64
	run        int64
}

func (g *guard) Read(p []byte) (int, error) {
	n, err := g.rc.Read(p)
	g.left -= int64(n)
	if g.left < 0 {
		return 0, &LimitError{Part: g.part, What: "entry size", Limit: g.entryLimit}
	}
	if i := bytes.LastIndexByte(p[:n], '<'); i >= 0 {
		g.run = int64(n - i - 1)
	} else {
		g.run += int64(n)
	}
	if g.run > g.text {
		return 0, &LimitError{Part: g.part, What: "text", Limit: g.text}
	}
	return n, err
}

func (g *guard) Close() error { return g.rc.Close() }

// readXML opens part and calls fn with a decoder over it.
func (wb *Workbook) readXML(part string, fn func(d *xml.Decoder) error) error {
	rc, err := wb.open(part)
	if err != nil {
		return err
	}
	defer rc.Close()
	return fn(xml.NewDecoder(rc))
}

func attr(se xml.StartElement, local string) string {
	for _, a := range se.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

// relAttr is a relationship id attribute (r:id), whatever the prefix.
func relAttr(se xml.StartElement) string {
	for _, a := range se.Attr {
		if a.Name.Local == "id" && a.Name.Space != "" {
			return a.Value
		}
	}
	return ""
}

// rels reads the relationships of part: id → (type, target part).
func (wb *Workbook) rels(part string) (map[string][2]string, error) {
	relPart := "_rels/.rels" // the package's own relationships
	if part != "" {
		relPart = path.Join(path.Dir(part), "_rels", path.Base(part)+".rels")
	}
	out := map[string][2]string{}
	if _, ok := wb.files[relPart]; !ok {
		return out, nil
	}
	err := wb.readXML(relPart, func(d *xml.Decoder) error {
		for {
			tok, err := d.Token()
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return formatErr(relPart, "%v", err)
			}
			if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "Relationship" {
				if attr(se, "TargetMode") == "External" {
					continue
				}
				target := attr(se, "Target")
				if strings.HasPrefix(target, "/") {
					target = strings.TrimPrefix(target, "/")
				} else if part == "" {
					target = path.Clean(target)
				} else {
					target = path.Join(path.Dir(part), target)
				}
				out[attr(se, "Id")] = [2]string{attr(se, "Type"), target}
			}
		}
	})
	return out, err
}

func (wb *Workbook) readWorkbook() error {
	part := "xl/workbook.xml"
	if root, err := wb.rels(""); err == nil {
		for _, r := range root {
			if strings.HasSuffix(r[0], "/officeDocument") {
				part = r[1]
			}
		}
	} else {
		return err
	}
	if _, ok := wb.files[part]; !ok {
		return formatErr(part, "no workbook part")
	}
	rels, err := wb.rels(part)
	if err != nil {
		return err
	}
	for _, r := range rels {
		if strings.HasSuffix(r[0], "/sharedStrings") {
			wb.sstPart = r[1]
		}
	}
	if wb.sstPart == "" {
		if _, ok := wb.files["xl/sharedStrings.xml"]; ok {
			wb.sstPart = "xl/sharedStrings.xml"
		}
	}
	return wb.readXML(part, func(d *xml.Decoder) error {
		for {
			tok, err := d.Token()
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return formatErr(part, "%v", err)
			}
			se, ok := tok.(xml.StartElement)
			if !ok {
				continue
			}
			switch se.Name.Local {
			case "workbookPr":
				v := attr(se, "date1904")
				wb.Date1904 = v == "1" || v == "true"
			case "sheet":
				s := SheetInfo{Name: attr(se, "name")}
				if r, ok := rels[relAttr(se)]; ok {
					s.Part = r[1]
				}
				wb.Sheets = append(wb.Sheets, s)
			}
		}
	})
}

// sharedStrings reads the shared string table once.
func (wb *Workbook) sharedStrings() error {
	if _, ok := wb.files[wb.sstPart]; wb.sstRead || !ok {
		// No table (or a relationship to a part that is not there): a
		// cell that refers to a shared string is refused when read.
		wb.sstRead = true
		return nil
	}
	part := wb.sstPart
	var all strings.Builder
	err := wb.readXML(part, func(d *xml.Decoder) error {
		var b strings.Builder
		for {
			tok, err := d.RawToken()
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return wrapXML(part, err)
			}
			if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "si" {
				if len(wb.sstEnd) >= wb.lim.SharedStrings {
					return &LimitError{Part: part, What: "shared strings", Limit: int64(wb.lim.SharedStrings)}
				}
				b.Reset()
				if err := readText(d, "si", &b, wb.lim.Text, part); err != nil {
					return err
				}
				all.WriteString(unescapeXstring(b.String()))
				if all.Len() > math.MaxUint32 {
					return &LimitError{Part: part, What: "entry size", Limit: math.MaxUint32}
				}
				wb.sstEnd = append(wb.sstEnd, uint32(all.Len()))
			}
		}
	})
	wb.sstText = all.String()
	wb.sstRead = true
	return err
}

// sharedString is item i of the shared string table.
func (wb *Workbook) sharedString(i int) string {
	start := uint32(0)
	if i > 0 {
		start = wb.sstEnd[i-1]
	}
	return wb.sstText[start:wb.sstEnd[i]]
}

// wrapXML keeps a LimitError (from the guard, under the decoder) as it is.
func wrapXML(part string, err error) error {
	var le *LimitError
	if errors.As(err, &le) {
		return le
	}
	return formatErr(part, "%v", err)
}

// readText reads a string item (CT_Rst: si, is) up to its end element:
// the text of its t elements, directly or in rich-text runs r, leaving out
// phonetic runs (rPh).
func readText(d *xml.Decoder, end string, b *strings.Builder, max int64, part string) error {
	depth, inT, inPh := 0, false, 0
	for {
		tok, err := d.RawToken()
		if err != nil {
			if err == io.EOF {
				return formatErr(part, "unexpected end inside <%s>", end)
			}
			return wrapXML(part, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			switch t.Name.Local {
			case "t":
				inT = true
			case "rPh":
				inPh++
			}
		case xml.EndElement:
			if depth == 0 {
				return nil // </end>
			}
			depth--
			switch t.Name.Local {
			case "t":
				inT = false
			case "rPh":
				inPh--
			}
		case xml.CharData:
			if inT && inPh == 0 {
				if int64(b.Len()+len(t)) > max {
					return &LimitError{Part: part, What: "text", Limit: max}
				}
				b.Write(t)
			}
		}
	}
}

// unescapeXstring decodes the _xHHHH_ escapes of ST_Xstring (ECMA-376 Part
// 1 §22.9.2.19): a UTF-16 code unit each, so a character XML cannot hold
// (a control character) survives; _x005F_ is the underscore that keeps a
// literal _xHHHH_ from being read as an escape.
func unescapeXstring(s string) string {
	if !strings.Contains(s, "_x") {
		return s
	}
	var b strings.Builder
	var units []uint16
	flush := func() {
		if len(units) > 0 {
			b.WriteString(string(utf16.Decode(units)))
			units = units[:0]
		}
	}
	for i := 0; i < len(s); {
		if i+7 <= len(s) && s[i] == '_' && s[i+1] == 'x' && s[i+6] == '_' {
			if v, err := strconv.ParseUint(s[i+2:i+6], 16, 16); err == nil {
				units = append(units, uint16(v))
				i += 7
				continue
			}
		}
		flush()
		_, n := utf8.DecodeRuneInString(s[i:])
		b.WriteString(s[i : i+n])
		i += n
	}
	flush()
	return b.String()
}

// Rows streams a worksheet's rows.
type Rows struct {
	wb    *Workbook
	part  string
	rc    io.ReadCloser
	d     *xml.Decoder
	row   int
	cells []string
	err   error
	done  bool
	data  bool // inside sheetData
	col   int  // column of the cell being read
	text  strings.Builder
}

// Rows opens sheet i (an index into Sheets) for streaming.
func (wb *Workbook) Rows(i int) (*Rows, error) {
	if i < 0 || i >= len(wb.Sheets) {
		return nil, fmt.Errorf("xlsx: no sheet %d", i)
	}
	part := wb.Sheets[i].Part
	if part == "" {
		return nil, formatErr("", "sheet %q has no worksheet part", wb.Sheets[i].Name)
	}
	if err := wb.sharedStrings(); err != nil {
		return nil, err
	}
	rc, err := wb.open(part)
	if err != nil {
		return nil, err
	}
	return &Rows{wb: wb, part: part, rc: rc, d: xml.NewDecoder(rc)}, nil
}

// Close releases the sheet's reader.
func (r *Rows) Close() error { return r.rc.Close() }

// Next reads the next row the sheet stores (rows with nothing in them
// are often left out of the file: see Row). It returns false at the end
// of the sheet or on an error (Err).
func (r *Rows) Next() bool {
	if r.done || r.err != nil {
		return false
	}
	for {
		tok, err := r.d.RawToken()
		if err != nil {
			if err == io.EOF {
				if !r.data {
					// No sheetData at all: not a worksheet (a chart
					// sheet, a dialog sheet), so no rows.
					r.done = true
					return false
				}
				err = formatErr(r.part, "the sheet ends without </sheetData>")
			}
			r.fail(err)
			return false
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local == "sheetData" {
				r.data = true
			}
			if t.Name.Local != "row" {
				continue
			}
			n := r.row + 1
			if v := attr(t, "r"); v != "" {
				x, err := strconv.Atoi(v)
				if err != nil || x < 1 || x > MaxRows {
					r.fail(formatErr(r.part, "row number %q", v))
					return false
				}
				if x <= r.row {
					r.fail(formatErr(r.part, "row %d after row %d: rows out of order", x, r.row))
					return false
				}
				n = x
			}
			if n > MaxRows {
				r.fail(formatErr(r.part, "more than %d rows", MaxRows))
				return false
			}
			r.row = n
			if err := r.readRow(); err != nil {
				r.fail(err)
				return false
			}
			return true
		case xml.EndElement:
			if t.Name.Local == "sheetData" {
				r.done = true
				return false
			}
		}
	}
}

func (r *Rows) fail(err error) {
	var le *LimitError
	if !errors.As(err, &le) {
		var fe *FormatError
		if !errors.As(err, &fe) {
			err = formatErr(r.part, "%v", err)
		}
	}
	r.err = err
}

// readRow reads the cells of the row just started, up to </row>: each
// cell with a value (or a formula) at its column, the gaps before it
// filled with "", nothing after the last.
func (r *Rows) readRow() error {
	r.cells = r.cells[:0]
	col := 0
	r.col = 0
	for {
		tok, err := r.d.RawToken()
		if err != nil {
			if err == io.EOF {
				return formatErr(r.part, "row %d is not closed", r.row)
			}
			return wrapXML(r.part, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local != "c" {
				// extLst and the like: skip whole.
				if err := skip(r.d); err != nil {
					return wrapXML(r.part, err)
				}
				continue
			}
			col++
			if ref := attr(t, "r"); ref != "" {
				c, err := refColumn(ref)
				if err != nil {
					return formatErr(r.part, "row %d: cell reference %q: %v", r.row, ref, err)
				}
				col = c
			}
			r.col = col
			if col > MaxCols {
				return formatErr(r.part, "row %d: more than %d columns", r.row, MaxCols)
			}
			val, formula, err := r.readCell(attr(t, "t"))
			if err != nil {
				return err
			}
			if val != "" || formula {
				for len(r.cells) < col-1 {
					r.cells = append(r.cells, "")
				}
				r.cells = append(r.cells, val)
			}
		case xml.EndElement:
			if t.Name.Local == "row" {
				r.col = 0
				return nil
			}
		}
	}
}

// readCell reads a cell's content up to </c>: its value as text, and
// whether it holds a formula.
func (r *Rows) readCell(typ string) (string, bool, error) {
	var v strings.Builder
	inline, formula := false, false
	depth := 0
	inV := false
	for {
		tok, err := r.d.RawToken()
		if err != nil {
			if err == io.EOF {
				return "", false, formatErr(r.part, "row %d: a cell is not closed", r.row)
			}
			return "", false, wrapXML(r.part, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "v":
				inV = true
			case "f":
				formula = true
				if err := skip(r.d); err != nil {
					return "", false, wrapXML(r.part, err)
				}
				continue
			case "is":
				inline = true
				r.text.Reset()
				if err := readText(r.d, "is", &r.text, r.wb.lim.Text, r.part); err != nil {
					return "", false, err
				}
				continue
			}
			depth++
		case xml.EndElement:
			if depth == 0 {
				// </c>
				switch typ {
				case "s":
					s := strings.TrimSpace(v.String())
					if s == "" {
						return "", formula, nil
					}
					i, err := strconv.Atoi(s)
					if err != nil || i < 0 || i >= len(r.wb.sstEnd) {
						return "", false, formatErr(r.part, "row %d: shared string %q does not exist", r.row, s)
					}
					return r.wb.sharedString(i), formula, nil
				case "inlineStr":
					if inline {
						return unescapeXstring(r.text.String()), formula, nil
					}
				}
				return v.String(), formula, nil
			}
			depth--
			if t.Name.Local == "v" {
				inV = false
			}
		case xml.CharData:
			if inV {
				if int64(v.Len()+len(t)) > r.wb.lim.Text {
					return "", false, &LimitError{Part: r.part, What: "text", Limit: r.wb.lim.Text}
				}
				v.Write(t)
			}
		}
	}
}

// skip reads up to the end of the element just started (Decoder.Skip
// works with Token's element stack, which RawToken does not keep).
func skip(d *xml.Decoder) error {
	for depth := 0; ; {
		tok, err := d.RawToken()
		if err != nil {
			if err == io.EOF {
				return io.ErrUnexpectedEOF
			}
			return err
		}
		switch tok.(type) {
		case xml.StartElement:
			depth++
		case xml.EndElement:
			if depth == 0 {
				return nil
			}
			depth--
		}
	}
}

// refColumn is the 1-based column of an A1 reference such as "AB12".
func refColumn(ref string) (int, error) {
	col, i := 0, 0
	for ; i < len(ref); i++ {
		c := ref[i]
		switch {
		case c >= 'A' && c <= 'Z':
			col = col*26 + int(c-'A'+1)
		case c >= 'a' && c <= 'z':
			col = col*26 + int(c-'a'+1)
		default:
			goto digits
		}
		if col > MaxCols {
			return 0, errors.New("column beyond XFD")
		}
	}
digits:
	if col == 0 || i == len(ref) {
		return 0, errors.New("not an A1 reference")
	}
	if _, err := strconv.Atoi(ref[i:]); err != nil {
		return 0, errors.New("not an A1 reference")
	}
	return col, nil
}

// Col is the column (1-based) of the cell being read when Next stopped on
// an error, 0 when it was not inside a cell.
func (r *Rows) Col() int { return r.col }

// Row is the sheet row number (1-based) of the row Next read.
func (r *Rows) Row() int { return r.row }

// Cells are the row's cells, valid until the next Next.
func (r *Rows) Cells() []string { return r.cells }

// Err is the error that stopped Next, nil at the end of the sheet.
func (r *Rows) Err() error { return r.err }
