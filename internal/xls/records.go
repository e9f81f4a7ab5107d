package xls

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"unicode/utf16"

	"golang.org/x/text/encoding"
)

// Record types of [MS-XLS] 2.3 that the reader uses.
const (
	recFormula    = 0x0006
	recEOF        = 0x000A
	recDateMode   = 0x0022
	recFilePass   = 0x002F
	recContinue   = 0x003C
	recCodePage   = 0x0042
	recBoundSheet = 0x0085
	recMulRK      = 0x00BD
	recRString    = 0x00D6
	recXF         = 0x00E0
	recMergeCells = 0x00E5
	recSST        = 0x00FC
	recLabelSST   = 0x00FD
	recNumber     = 0x0203
	recLabel      = 0x0204
	recBoolErr    = 0x0205
	recString     = 0x0207
	recRK         = 0x027E
	recFormat     = 0x041E
	recBOF        = 0x0809
)

// maxLogical bounds one record with its CONTINUE records. The biggest
// legitimate one is the shared-string table, which holds every distinct
// text of the workbook; the stream size bounds it too.
const maxLogical = 256 << 20

// stream reads records from the Workbook stream. The stream's length comes
// from the compound file's directory and was checked against the file's
// size; every record length is a 16-bit field, so no read allocates more
// than 64 KiB from a length the file declares, and a record with its
// CONTINUE records never more than the stream holds.
type stream struct {
	src  io.ReadSeeker
	br   *bufio.Reader
	pos  int64 // stream offset of the next record
	size int64
	buf  []byte   // the current record's data (reused)
	segs [][]byte // the current logical record: the record and its CONTINUE records
}

func newStream(src io.ReadSeeker, size int64) *stream {
	return &stream{src: src, br: bufio.NewReaderSize(src, 64<<10), size: size}
}

func (s *stream) seek(pos int64) error {
	if pos < 0 || pos >= s.size {
		return formatErr(pos, "a sheet starts at offset %d, outside the %d-byte stream", pos, s.size)
	}
	if _, err := s.src.Seek(pos, io.SeekStart); err != nil {
		return formatErr(pos, "seek: %v", err)
	}
	s.br.Reset(s.src)
	s.pos = pos
	return nil
}

// next reads one record. data is valid until the next call.
func (s *stream) next() (typ uint16, data []byte, err error) {
	var h [4]byte
	if s.pos >= s.size {
		return 0, nil, io.EOF
	}
	if _, err := io.ReadFull(s.br, h[:]); err != nil {
		return 0, nil, formatErr(s.pos, "the stream ends inside a record header (%v)", err)
	}
	typ = binary.LittleEndian.Uint16(h[:2])
	n := int(binary.LittleEndian.Uint16(h[2:]))
	if s.pos+4+int64(n) > s.size {
		return 0, nil, formatErr(s.pos, "record 0x%04X of %d bytes runs past the end of the stream", typ, n)
	}
	if cap(s.buf) < n {
		s.buf = make([]byte, n, max(n, 1024))
	}
	s.buf = s.buf[:n]
	if _, err := io.ReadFull(s.br, s.buf); err != nil {
		return 0, nil, formatErr(s.pos, "record 0x%04X cannot be read (%v)", typ, err)
	}
	s.pos += 4 + int64(n)
	return typ, s.buf, nil
}

// peek is the type of the next record, or 0 at the end of the stream.
func (s *stream) peek() uint16 {
	if s.pos+4 > s.size {
		return 0
	}
	h, err := s.br.Peek(2)
	if err != nil {
		return 0
	}
	return binary.LittleEndian.Uint16(h)
}

// logical reads a record together with the CONTINUE records that follow it
// ([MS-XLS] 2.4.58). The segments are valid until the next call.
func (s *stream) logical() (typ uint16, segs [][]byte, err error) {
	typ, data, err := s.next()
	if err != nil {
		return 0, nil, err
	}
	s.segs = s.segs[:0]
	if s.peek() != recContinue {
		return typ, append(s.segs, data), nil // the common case: no copy
	}
	total := len(data)
	s.segs = append(s.segs, append([]byte(nil), data...))
	for s.peek() == recContinue {
		_, c, err := s.next()
		if err != nil {
			return 0, nil, err
		}
		if total += len(c); total > maxLogical {
			return 0, nil, formatErr(s.pos, "record 0x%04X with its continuations is over %d bytes", typ, maxLogical)
		}
		s.segs = append(s.segs, append([]byte(nil), c...))
	}
	return typ, s.segs, nil
}

// segReader reads a logical record across its segments. Strings that cross
// into a CONTINUE record restart there with a new option byte saying whether
// the rest of the characters are one byte or two ([MS-XLS] 2.4.58); other
// data simply continues.
type segReader struct {
	segs [][]byte
	i    int // current segment
	off  int // offset in it
	err  error
}

func (r *segReader) avail() int {
	for r.i < len(r.segs) && r.off >= len(r.segs[r.i]) {
		r.i++
		r.off = 0
	}
	if r.i >= len(r.segs) {
		return 0
	}
	return len(r.segs[r.i]) - r.off
}

func (r *segReader) fail() {
	if r.err == nil {
		r.err = fmt.Errorf("record data ends early")
	}
}

func (r *segReader) byte1() byte {
	if r.avail() < 1 {
		r.fail()
		return 0
	}
	b := r.segs[r.i][r.off]
	r.off++
	return b
}

func (r *segReader) u16() uint16 { return uint16(r.byte1()) | uint16(r.byte1())<<8 }

func (r *segReader) u32() uint32 { return uint32(r.u16()) | uint32(r.u16())<<16 }

// skip passes n bytes (n from the file: never allocated).
func (r *segReader) skip(n int64) {
	for n > 0 {
		a := r.avail()
		if a == 0 {
			r.fail()
			return
		}
		k := int(min(int64(a), n))
		r.off += k
		n -= int64(k)
	}
}

// chars reads cch characters of an XLUnicodeString's body, one byte each
// (the high byte is zero) or UTF-16, switching at segment boundaries as the
// option byte there says.
func (r *segReader) chars(cch int, high bool) string {
	u := make([]uint16, 0, min(cch, 1024))
	for len(u) < cch {
		if r.i < len(r.segs) && r.off >= len(r.segs[r.i]) {
			// A boundary inside the characters: the next segment starts
			// with the option byte of the rest.
			r.i++
			r.off = 0
			if r.i >= len(r.segs) || len(r.segs[r.i]) == 0 {
				r.fail()
				return string(utf16.Decode(u))
			}
			high = r.segs[r.i][0]&1 != 0
			r.off = 1
		}
		if r.i >= len(r.segs) {
			r.fail()
			return string(utf16.Decode(u))
		}
		seg := r.segs[r.i]
		if high {
			for r.off+1 < len(seg) && len(u) < cch {
				u = append(u, binary.LittleEndian.Uint16(seg[r.off:]))
				r.off += 2
			}
			if r.off+1 == len(seg) && len(u) < cch { // half a character at the end
				r.err = fmt.Errorf("a UTF-16 character is split across records")
				return string(utf16.Decode(u))
			}
		} else {
			for r.off < len(seg) && len(u) < cch {
				u = append(u, uint16(seg[r.off]))
				r.off++
			}
		}
	}
	return string(utf16.Decode(u))
}

// richString reads an XLUnicodeRichExtendedString ([MS-XLS] 2.5.293), the
// SST's strings: count, options, optional run and phonetic sizes, the
// characters, then the runs and phonetic data, skipped.
func (r *segReader) richString() string {
	cch := int(r.u16())
	opt := r.byte1()
	var runs int64
	var ext int64
	if opt&0x08 != 0 {
		runs = int64(r.u16())
	}
	if opt&0x04 != 0 {
		ext = int64(r.u32())
	}
	if r.err != nil {
		return ""
	}
	s := r.chars(cch, opt&1 != 0)
	r.skip(4*runs + ext)
	return s
}

// unicodeString reads an XLUnicodeString (16-bit count) or, with short, a
// ShortXLUnicodeString (8-bit count): BIFF8's text of labels, formats,
// sheet names and formula results.
func (r *segReader) unicodeString(short bool) string {
	var cch int
	if short {
		cch = int(r.byte1())
	} else {
		cch = int(r.u16())
	}
	opt := r.byte1()
	if r.err != nil {
		return ""
	}
	var runs, ext int64
	if opt&0x08 != 0 { // rich text: only in RSTRING-like places; be tolerant
		runs = int64(r.u16())
	}
	if opt&0x04 != 0 {
		ext = int64(r.u32())
	}
	s := r.chars(cch, opt&1 != 0)
	r.skip(4*runs + ext)
	return s
}

// byteString reads BIFF5's text: a count (8 or 16 bits) and bytes in the
// workbook's code page.
func (r *segReader) byteString(short bool, dec *encoding.Decoder) (string, error) {
	var n int
	if short {
		n = int(r.byte1())
	} else {
		n = int(r.u16())
	}
	if r.err != nil {
		return "", r.err
	}
	b := make([]byte, 0, n)
	for len(b) < n {
		if r.avail() == 0 {
			r.fail()
			return "", r.err
		}
		seg := r.segs[r.i]
		k := min(n-len(b), len(seg)-r.off)
		b = append(b, seg[r.off:r.off+k]...)
		r.off += k
	}
	out, err := dec.Bytes(b)
	if err != nil {
		return "", fmt.Errorf("text is not in the workbook's code page: %v", err)
	}
	return string(out), nil
}
