// Package xls reads legacy Excel workbooks (.xls: BIFF8, the format of Excel
// 97–2003 and of WPS's .xls/.et, and BIFF5, Excel 95) in pure Go, on the
// compound-file reader github.com/richardlehane/mscfb. It gives each
// worksheet's rows as cell texts, the way the XLSX path presents a sheet
// (docs/import.md, "旧版 .xls"): text as typed; numbers without float noise,
// to Excel's 15 significant digits (an 18-digit ID number stored as a number
// comes out as the number Excel kept, 320602198001011000, never as another
// plausible code); date cells as Excel serial numbers of the 1900 date system
// (a 1904 workbook's date cells are shifted by 1,462 days, told from numbers
// by their XF and FORMAT records); TRUE/FALSE; error values as Excel writes
// them (#N/A). Merged cells are reported per sheet.
//
// Hostile files: every length the file declares is checked against what is
// there before anything is allocated; the Workbook stream may not be larger
// than the file; rows stream from the sheet (only the shared-string table
// and the formats are held, as BIFF requires).
package xls

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/richardlehane/mscfb"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
	"golang.org/x/text/encoding/unicode"
)

// Magic is the signature of an OLE2 compound file, the container of .xls.
var Magic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}

// Errors the caller turns into messages.
var (
	// ErrEncrypted: the workbook has a password to open (FILEPASS), or the
	// compound file is an encrypted .xlsx (EncryptionInfo/EncryptedPackage).
	ErrEncrypted = errors.New("the workbook is password-protected")
	// ErrNoWorkbook: a compound file without a Workbook or Book stream (a
	// Word document, say).
	ErrNoWorkbook = errors.New("the compound file holds no workbook")
	// ErrOldBIFF: BIFF2–BIFF4 (Excel 2.x–4.0) files.
	ErrOldBIFF = errors.New("the workbook is older than Excel 95 (BIFF2–4)")
	// ErrCodePage: a BIFF5 workbook in a code page the reader does not know.
	ErrCodePage = errors.New("the workbook's code page is not supported")
)

// FormatError is a broken file: Offset is where in the Workbook stream.
type FormatError struct {
	Offset int64
	Msg    string
}

func (e *FormatError) Error() string {
	return fmt.Sprintf("broken .xls at offset %d: %s", e.Offset, e.Msg)
}

func formatErr(off int64, format string, args ...any) error {
	return &FormatError{Offset: off, Msg: fmt.Sprintf(format, args...)}
}

// Sheet is a worksheet of the workbook (chart and macro sheets are left out).
type Sheet struct {
	Name   string
	Hidden bool
	pos    int64
}

// Merge is a merged range, 0-based and inclusive, as MERGECELLS holds it.
type Merge struct {
	FirstRow, LastRow, FirstCol, LastCol int
}

// Workbook is an open .xls file.
type Workbook struct {
	Sheets   []Sheet
	Date1904 bool
	BIFF     int // 5 or 8
	CodePage int // BIFF5: the code page of its texts; BIFF8: 1200 (UTF-16)

	file   *os.File
	st     *stream
	sst    []string
	xfFmt  []uint16          // XF index → number format index
	fmts   map[uint16]string // custom number formats (FORMAT records)
	dateXF []bool            // XF index → shows a date
	dec    *encoding.Decoder // BIFF5 texts
}

// Open opens path, reads the workbook globals (sheets, formats, shared
// strings) and leaves the sheets to Rows.
func Open(path string) (*Workbook, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	wb, err := OpenReader(f, fi.Size())
	if err != nil {
		f.Close()
		return nil, err
	}
	wb.file = f
	return wb, nil
}

// Close closes the file.
func (wb *Workbook) Close() error {
	if wb.file == nil {
		return nil
	}
	return wb.file.Close()
}

// OpenReader reads a workbook of size bytes from ra (Close does nothing).
func OpenReader(f io.ReaderAt, size int64) (wb *Workbook, err error) {
	var head [8]byte
	if _, err := f.ReadAt(head[:], 0); err != nil || string(head[:]) != string(Magic) {
		return nil, formatErr(0, "not an OLE2 compound file")
	}
	// mscfb reports most damage as errors; guard against a panic on a
	// hostile directory all the same, so a bad file is a refusal.
	defer func() {
		if p := recover(); p != nil {
			wb, err = nil, formatErr(0, "the compound file is damaged (%v)", p)
		}
	}()
	doc, err := mscfb.New(f)
	if err != nil {
		return nil, formatErr(0, "the compound file is damaged (%v)", err)
	}
	var book *mscfb.File
	encrypted := false
	for entry, err := doc.Next(); err == nil; entry, err = doc.Next() {
		if len(entry.Path) != 0 {
			continue
		}
		switch entry.Name {
		case "Workbook":
			book = entry
		case "Book":
			if book == nil {
				book = entry
			}
		case "EncryptionInfo", "EncryptedPackage":
			encrypted = true
		}
	}
	if book == nil {
		if encrypted {
			return nil, ErrEncrypted
		}
		return nil, ErrNoWorkbook
	}
	if book.Size <= 0 || book.Size > size {
		return nil, formatErr(0, "the workbook stream declares %d bytes in a %d-byte file", book.Size, size)
	}
	return openStream(book, book.Size)
}

// openStream reads the globals of a Workbook (BIFF8) or Book (BIFF5)
// stream of size bytes.
func openStream(rs io.ReadSeeker, size int64) (*Workbook, error) {
	wb := &Workbook{st: newStream(rs, size), fmts: map[uint16]string{}}
	if err := wb.globals(); err != nil {
		return nil, err
	}
	return wb, nil
}

// globals reads the workbook globals substream, up to its EOF record.
func (wb *Workbook) globals() error {
	st := wb.st
	typ, data, err := st.next()
	if err != nil {
		return err
	}
	switch {
	case typ == 0x0009 || typ == 0x0209 || typ == 0x0409:
		return ErrOldBIFF
	case typ != recBOF || len(data) < 4:
		return formatErr(0, "the workbook stream does not start with a BOF record")
	}
	switch binary.LittleEndian.Uint16(data) {
	case 0x0600:
		wb.BIFF = 8
	case 0x0500:
		wb.BIFF = 5
	default:
		return ErrOldBIFF
	}
	wb.CodePage = 1200
	if wb.BIFF == 5 {
		wb.CodePage = 1252 // Excel 95's default when CODEPAGE is absent
	}
	var sheets []Sheet
	var bound [][]byte // BIFF5 sheet names wait for the code page
	for {
		off := st.pos
		typ, segs, err := st.logical()
		if err == io.EOF {
			return formatErr(off, "the workbook globals have no EOF record")
		}
		if err != nil {
			return err
		}
		data := segs[0]
		switch typ {
		case recEOF:
			return wb.finish(sheets, bound)
		case recFilePass:
			return ErrEncrypted
		case recDateMode:
			wb.Date1904 = len(data) >= 2 && binary.LittleEndian.Uint16(data) == 1
		case recCodePage:
			if len(data) >= 2 {
				wb.CodePage = int(binary.LittleEndian.Uint16(data))
			}
		case recXF:
			if len(data) < 4 {
				return formatErr(off, "an XF record is too short")
			}
			wb.xfFmt = append(wb.xfFmt, binary.LittleEndian.Uint16(data[2:]))
		case recFormat:
			if len(data) < 3 {
				return formatErr(off, "a FORMAT record is too short")
			}
			r := &segReader{segs: segs, off: 2}
			var s string
			if wb.BIFF == 8 {
				s = r.unicodeString(false)
			} else {
				// The format's text only matters for its date letters,
				// which are ASCII in every code page.
				b := data[2:]
				n := min(int(b[0]), len(b)-1)
				s = string(b[1 : 1+n])
			}
			if r.err == nil {
				wb.fmts[binary.LittleEndian.Uint16(data)] = s
			}
		case recBoundSheet:
			if len(data) < 8 {
				return formatErr(off, "a BOUNDSHEET record is too short")
			}
			sh := Sheet{pos: int64(binary.LittleEndian.Uint32(data)), Hidden: data[4]&3 != 0}
			if data[5] != 0 { // 0 = worksheet or dialog; charts and macros are not data
				continue
			}
			if wb.BIFF == 8 {
				r := &segReader{segs: segs, off: 6}
				sh.Name = r.unicodeString(true)
				if r.err != nil {
					return formatErr(off, "a sheet name is cut short")
				}
			} else {
				bound = append(bound, append([]byte(nil), data[6:]...))
			}
			sheets = append(sheets, sh)
		case recSST:
			if wb.BIFF != 8 {
				continue
			}
			if err := wb.readSST(off, segs); err != nil {
				return err
			}
		}
	}
}

// finish sets the date XFs and decodes BIFF5 sheet names.
func (wb *Workbook) finish(sheets []Sheet, bound [][]byte) error {
	wb.dateXF = make([]bool, len(wb.xfFmt))
	for i, f := range wb.xfFmt {
		wb.dateXF[i] = isDateFormat(f, wb.fmts[f])
	}
	if wb.BIFF == 5 {
		dec, err := decoder(wb.CodePage)
		if err != nil {
			return err
		}
		wb.dec = dec
		for i, b := range bound {
			r := &segReader{segs: [][]byte{b}}
			name, err := r.byteString(true, dec)
			if err != nil {
				return formatErr(0, "sheet %d's name: %v", i+1, err)
			}
			sheets[i].Name = name
		}
	}
	wb.Sheets = sheets
	return nil
}

// readSST reads the shared-string table. Its declared count is only a hint:
// the strings must be there, so the slice grows with the bytes read.
func (wb *Workbook) readSST(off int64, segs [][]byte) error {
	r := &segReader{segs: segs}
	r.u32() // total references
	unique := int(r.u32())
	if r.err != nil {
		return formatErr(off, "the shared-string table is too short")
	}
	size := 0
	for _, s := range segs {
		size += len(s)
	}
	wb.sst = make([]string, 0, min(unique, size/3)) // 3 bytes: the smallest string
	for len(wb.sst) < unique && r.avail() > 0 {
		s := r.richString()
		if r.err != nil {
			return formatErr(off, "shared string %d: %v", len(wb.sst), r.err)
		}
		wb.sst = append(wb.sst, s)
	}
	return nil
}

// decoder is the text decoder of a BIFF5 code page.
func decoder(cp int) (*encoding.Decoder, error) {
	switch cp {
	case 936: // GBK, read as GB18030, its superset (as the CSV reader does)
		return simplifiedchinese.GB18030.NewDecoder(), nil
	case 950:
		return traditionalchinese.Big5.NewDecoder(), nil
	case 1252, 0x8001: // 0x8001: Excel's "Windows ANSI" mark in some BIFF5 files
		return charmap.Windows1252.NewDecoder(), nil
	case 367, 20127:
		return charmap.Windows1252.NewDecoder(), nil // ASCII is its subset
	case 65001:
		return unicode.UTF8.NewDecoder(), nil
	case 1200:
		return unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM).NewDecoder(), nil
	}
	return nil, fmt.Errorf("%w: %d", ErrCodePage, cp)
}
