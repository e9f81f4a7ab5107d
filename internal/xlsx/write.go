package xlsx

import (
	"archive/zip"
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Style is a cell style the writer offers (its index in cellXfs).
type Style int

const (
	StylePlain Style = iota
	StyleBold        // the header
	StyleDate        // yyyy-mm-dd
	StyleMoney       // #,##0.00
)

// Cell is one cell to write. The zero Cell is an empty cell.
type Cell struct {
	Text   string  // text, written as an inline string
	Number float64 // used when IsNumber
	// IsNumber writes Number as a number cell.
	IsNumber bool
	Style    Style
}

// TextCell, NumberCell and DateCell build cells.
func TextCell(s string, st Style) Cell    { return Cell{Text: s, Style: st} }
func NumberCell(x float64, st Style) Cell { return Cell{Number: x, IsNumber: true, Style: st} }
func DateCell(d time.Time) Cell           { return NumberCell(float64(DateSerial(d)), StyleDate) }
func (c Cell) empty() bool                { return !c.IsNumber && c.Text == "" }

// DateSerial is the serial number of a day in the 1900 date system
// (ECMA-376 Part 1 §18.17.4.1): days since 1899-12-30 from 1900-03-01 on,
// since 1899-12-31 before (the fictitious 1900-02-29 is serial 60).
func DateSerial(d time.Time) int {
	day := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC)
	// Unix seconds, not Sub: a Duration overflows after 292 years.
	n := int((day.Unix() - time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).Unix()) / 86400)
	if day.Before(time.Date(1900, 3, 1, 0, 0, 0, 0, time.UTC)) {
		n--
	}
	return n
}

// SheetOptions shape a worksheet.
type SheetOptions struct {
	Widths       []float64 // column widths in characters, from column A
	FreezeHeader bool      // freeze the first row
	AutoFilter   bool      // a filter over the header and every row written
}

// Writer writes a workbook to w, one sheet after another.
type Writer struct {
	zw     *zip.Writer
	bw     *bufio.Writer
	sheets []sheetMeta
	cur    *sheetMeta
	row    int
	cols   int
	err    error
}

type sheetMeta struct {
	name       string
	filter     bool
	rows, cols int
}

// NewWriter starts a workbook.
func NewWriter(w io.Writer) *Writer {
	return &Writer{zw: zip.NewWriter(w)}
}

// MaxSheetName is the longest sheet name Excel accepts.
const MaxSheetName = 31

// checkSheetName applies Excel's rules for sheet names: 1 to 31
// characters, none of : \ / ? * [ ], not starting or ending with ', and
// no two names alike ignoring case.
func (w *Writer) checkSheetName(name string) error {
	if name == "" || utf8.RuneCountInString(name) > MaxSheetName || strings.ContainsAny(name, ":\\/?*[]") ||
		strings.HasPrefix(name, "'") || strings.HasSuffix(name, "'") {
		return fmt.Errorf("xlsx: invalid sheet name %q", name)
	}
	for _, s := range w.sheets {
		if strings.EqualFold(s.name, name) {
			return fmt.Errorf("xlsx: sheet name %q used twice", name)
		}
	}
	return nil
}

// AddSheet ends the sheet being written, if any, and starts the next.
func (w *Writer) AddSheet(name string, o SheetOptions) error {
	if w.err != nil {
		return w.err
	}
	if err := w.checkSheetName(name); err != nil {
		return err
	}
	if err := w.endSheet(); err != nil {
		return err
	}
	w.sheets = append(w.sheets, sheetMeta{name: name, filter: o.AutoFilter})
	w.cur = &w.sheets[len(w.sheets)-1]
	w.row = 0
	f, err := w.zw.CreateHeader(&zip.FileHeader{Name: fmt.Sprintf("xl/worksheets/sheet%d.xml", len(w.sheets)), Method: zip.Deflate})
	if err != nil {
		return w.fail(err)
	}
	w.bw = bufio.NewWriterSize(f, 64<<10)
	b := w.bw
	b.WriteString(xmlHeader)
	b.WriteString(`<worksheet xmlns="` + nsMain + `" xmlns:r="` + nsRel + `">`)
	b.WriteString(`<sheetViews><sheetView workbookViewId="0"`)
	if len(w.sheets) == 1 {
		b.WriteString(` tabSelected="1"`)
	}
	if o.FreezeHeader {
		b.WriteString(`><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>`)
	} else {
		b.WriteString(`/></sheetViews>`)
	}
	b.WriteString(`<sheetFormatPr defaultRowHeight="15"/>`)
	if len(o.Widths) > 0 {
		b.WriteString(`<cols>`)
		for i, wd := range o.Widths {
			fmt.Fprintf(b, `<col min="%d" max="%d" width="%s" customWidth="1"/>`, i+1, i+1, strconv.FormatFloat(wd, 'f', -1, 64))
		}
		b.WriteString(`</cols>`)
	}
	b.WriteString(`<sheetData>`)
	return nil
}

func (w *Writer) fail(err error) error {
	if w.err == nil {
		w.err = err
	}
	return w.err
}

// WriteRow writes the next row of the current sheet.
func (w *Writer) WriteRow(cells []Cell) error {
	if w.err != nil {
		return w.err
	}
	if w.cur == nil {
		return errors.New("xlsx: WriteRow before AddSheet")
	}
	if w.row >= MaxRows {
		return w.fail(fmt.Errorf("xlsx: sheet %q: more than %d rows", w.cur.name, MaxRows))
	}
	if len(cells) > MaxCols {
		return w.fail(fmt.Errorf("xlsx: sheet %q: more than %d columns", w.cur.name, MaxCols))
	}
	w.row++
	b := w.bw
	b.WriteString(`<row r="`)
	b.WriteString(strconv.Itoa(w.row))
	b.WriteString(`">`)
	for i, c := range cells {
		if c.empty() && c.Style == StylePlain {
			continue
		}
		b.WriteString(`<c r="`)
		b.WriteString(ColumnName(i + 1))
		b.WriteString(strconv.Itoa(w.row))
		b.WriteByte('"')
		if c.Style != StylePlain {
			b.WriteString(` s="`)
			b.WriteString(strconv.Itoa(int(c.Style)))
			b.WriteByte('"')
		}
		switch {
		case c.IsNumber:
			b.WriteString(`><v>`)
			b.WriteString(strconv.FormatFloat(c.Number, 'f', -1, 64))
			b.WriteString(`</v></c>`)
		case c.Text == "":
			b.WriteString(`/>`)
		default:
			b.WriteString(` t="inlineStr"><is><t xml:space="preserve">`)
			writeEscaped(b, c.Text)
			b.WriteString(`</t></is></c>`)
		}
	}
	b.WriteString(`</row>`)
	w.cur.rows = w.row
	w.cur.cols = max(w.cur.cols, len(cells))
	return nil
}

// writeEscaped writes s as XML text in ST_Xstring (ECMA-376 Part 1
// §22.9.2.19): markup characters as entities, characters XML 1.0 cannot
// hold (control characters) as _xHHHH_, an underscore that would start a
// literal _xHHHH_ as _x005F_, invalid UTF-8 as U+FFFD.
func writeEscaped(b *bufio.Writer, s string) {
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			b.WriteRune(utf8.RuneError)
		case r == '&':
			b.WriteString("&amp;")
		case r == '<':
			b.WriteString("&lt;")
		case r == '>':
			b.WriteString("&gt;")
		case r == '\r':
			b.WriteString("&#13;")
		case r == '_' && looksEscaped(s[i:]):
			b.WriteString("_x005F_")
		case (r < 0x20 && r != '\t' && r != '\n') || r == 0xFFFE || r == 0xFFFF:
			fmt.Fprintf(b, "_x%04X_", r)
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
}

// looksEscaped reports whether s starts with _xHHHH_.
func looksEscaped(s string) bool {
	if len(s) < 7 || s[1] != 'x' || s[6] != '_' {
		return false
	}
	_, err := strconv.ParseUint(s[2:6], 16, 16)
	return err == nil
}

// ColumnName is the letters of a 1-based column: 1 → A, 27 → AA.
func ColumnName(col int) string {
	var buf [4]byte
	i := len(buf)
	for col > 0 {
		col--
		i--
		buf[i] = byte('A' + col%26)
		col /= 26
	}
	return string(buf[i:])
}

// filterRef is the absolute range of a sheet's autofilter: the header and
// every row written, over its columns.
func (s sheetMeta) filterRef() string {
	return fmt.Sprintf("$A$1:$%s$%d", ColumnName(max(s.cols, 1)), max(s.rows, 1))
}

func (w *Writer) endSheet() error {
	if w.cur == nil {
		return nil
	}
	b := w.bw
	b.WriteString(`</sheetData>`)
	if w.cur.filter && w.cur.cols > 0 {
		b.WriteString(`<autoFilter ref="` + w.cur.filterRef() + `"/>`)
	}
	b.WriteString(`<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>`)
	w.cur = nil
	if err := b.Flush(); err != nil {
		return w.fail(err)
	}
	return nil
}

const (
	xmlHeader = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n"
	nsMain    = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
	nsRel     = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
	nsPkgRel  = "http://schemas.openxmlformats.org/package/2006/relationships"
	relDoc    = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
	ctMain    = "application/vnd.openxmlformats-officedocument.spreadsheetml."
)

// stylesXML: fonts 0 plain and 1 bold; number formats 164 yyyy-mm-dd and
// 165 #,##0.00 (custom ids start at 164); cellXfs in Style order.
const stylesXML = xmlHeader + `<styleSheet xmlns="` + nsMain + `">` +
	`<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/><numFmt numFmtId="165" formatCode="#,##0.00"/></numFmts>` +
	`<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font><font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>` +
	`<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>` +
	`<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>` +
	`<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>` +
	`<cellXfs count="4">` +
	`<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>` +
	`<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>` +
	`<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>` +
	`<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>` +
	`</cellXfs>` +
	`<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>` +
	`</styleSheet>`

func escAttr(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '"':
			b.WriteString("&quot;")
		case '\'':
			b.WriteString("&apos;")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Close ends the last sheet and writes the workbook's other parts. A
// workbook needs at least one sheet.
func (w *Writer) Close() error {
	if w.err != nil {
		return w.err
	}
	if len(w.sheets) == 0 {
		return errors.New("xlsx: a workbook needs a sheet")
	}
	if err := w.endSheet(); err != nil {
		return err
	}
	var ct, wb, rels strings.Builder
	ct.WriteString(xmlHeader + `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
		`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
		`<Default Extension="xml" ContentType="application/xml"/>` +
		`<Override PartName="/xl/workbook.xml" ContentType="` + ctMain + `sheet.main+xml"/>` +
		`<Override PartName="/xl/styles.xml" ContentType="` + ctMain + `styles+xml"/>` +
		`<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>`)
	wb.WriteString(xmlHeader + `<workbook xmlns="` + nsMain + `" xmlns:r="` + nsRel + `"><workbookPr/>` +
		`<bookViews><workbookView activeTab="0"/></bookViews><sheets>`)
	rels.WriteString(xmlHeader + `<Relationships xmlns="` + nsPkgRel + `">`)
	var names strings.Builder
	for i, s := range w.sheets {
		n := i + 1
		fmt.Fprintf(&ct, `<Override PartName="/xl/worksheets/sheet%d.xml" ContentType="%sworksheet+xml"/>`, n, ctMain)
		fmt.Fprintf(&wb, `<sheet name="%s" sheetId="%d" r:id="rId%d"/>`, escAttr(s.name), n, n)
		fmt.Fprintf(&rels, `<Relationship Id="rId%d" Type="%sworksheet" Target="worksheets/sheet%d.xml"/>`, n, relDoc, n)
		if s.filter && s.cols > 0 {
			// Excel keeps an autofilter's range as this hidden name too.
			quoted := "'" + strings.ReplaceAll(s.name, "'", "''") + "'"
			fmt.Fprintf(&names, `<definedName name="_xlnm._FilterDatabase" localSheetId="%d" hidden="1">%s!%s</definedName>`, i, escAttr(quoted), s.filterRef())
		}
	}
	ct.WriteString(`</Types>`)
	wb.WriteString(`</sheets>`)
	if names.Len() > 0 {
		wb.WriteString(`<definedNames>` + names.String() + `</definedNames>`)
	}
	wb.WriteString(`</workbook>`)
	fmt.Fprintf(&rels, `<Relationship Id="rId%d" Type="%sstyles" Target="styles.xml"/></Relationships>`, len(w.sheets)+1, relDoc)
	parts := []struct{ name, body string }{
		{"[Content_Types].xml", ct.String()},
		{"_rels/.rels", xmlHeader + `<Relationships xmlns="` + nsPkgRel + `">` +
			`<Relationship Id="rId1" Type="` + relDoc + `officeDocument" Target="xl/workbook.xml"/>` +
			`<Relationship Id="rId2" Type="` + relDoc + `extended-properties" Target="docProps/app.xml"/></Relationships>`},
		{"docProps/app.xml", xmlHeader + `<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>credit</Application></Properties>`},
		{"xl/workbook.xml", wb.String()},
		{"xl/_rels/workbook.xml.rels", rels.String()},
		{"xl/styles.xml", stylesXML},
	}
	for _, p := range parts {
		f, err := w.zw.CreateHeader(&zip.FileHeader{Name: p.name, Method: zip.Deflate})
		if err != nil {
			return w.fail(err)
		}
		if _, err := io.WriteString(f, p.body); err != nil {
			return w.fail(err)
		}
	}
	if err := w.zw.Close(); err != nil {
		return w.fail(err)
	}
	w.err = errors.New("xlsx: writer closed")
	return nil
}
