package xls

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"
)

// maxCols is BIFF8's column count (A to IV): a column index beyond it is a
// broken or hostile file, and the bound of a row's cells.
const maxCols = 256

// maxRows is BIFF8's row count.
const maxRows = 65536

// Rows streams a worksheet's rows in order. Blank rows are not returned:
// Row gives each row's 0-based index, so the caller can number rows as the
// clerk sees them in Excel (index + 1).
type Rows struct {
	wb     *Workbook
	sheet  string
	merges []Merge
	end    int64 // stream offset after the sheet's EOF record

	cells   []string // the row being built (reused)
	row     int      // its index, -1 before the first
	filled  bool     // it has a cell
	out     []string // the row last returned
	outRow  int
	queue   []cell // cells read and not yet placed: a record may give several
	qi      int
	strCell *cell // a formula waiting for its STRING record
	done    bool
	err     error
}

type cell struct {
	row, col int
	text     string
}

// Rows opens worksheet i (an index into Sheets). It first reads the sheet
// through once for its MERGECELLS records, which BIFF stores after the
// cells, so that Merges is known before the first row.
func (wb *Workbook) Rows(i int) (rows *Rows, err error) {
	if i < 0 || i >= len(wb.Sheets) {
		return nil, fmt.Errorf("no sheet %d", i)
	}
	defer func() {
		if p := recover(); p != nil {
			rows, err = nil, formatErr(wb.st.pos, "the compound file is damaged (%v)", p)
		}
	}()
	sh := wb.Sheets[i]
	if err := wb.bof(sh); err != nil {
		return nil, err
	}
	r := &Rows{wb: wb, sheet: sh.Name, row: -1}
	for {
		off := wb.st.pos
		typ, data, err := wb.st.next()
		if err == io.EOF {
			return nil, formatErr(off, "sheet %q has no EOF record", sh.Name)
		}
		if err != nil {
			return nil, err
		}
		if typ == recEOF {
			break
		}
		if typ == recBOF { // an embedded chart's substream: skip to its EOF
			if err := wb.skipSubstream(); err != nil {
				return nil, err
			}
			continue
		}
		if typ != recMergeCells || len(data) < 2 {
			continue
		}
		n := int(binary.LittleEndian.Uint16(data))
		if 2+8*n > len(data) {
			return nil, formatErr(off, "a MERGECELLS record declares %d ranges in %d bytes", n, len(data))
		}
		for k := range n {
			b := data[2+8*k:]
			m := Merge{
				FirstRow: int(binary.LittleEndian.Uint16(b)), LastRow: int(binary.LittleEndian.Uint16(b[2:])),
				FirstCol: int(binary.LittleEndian.Uint16(b[4:])), LastCol: int(binary.LittleEndian.Uint16(b[6:])),
			}
			if m.LastRow < m.FirstRow || m.LastCol < m.FirstCol || m.LastCol >= maxCols {
				return nil, formatErr(off, "a merged range is not a range (%+v)", m)
			}
			r.merges = append(r.merges, m)
		}
	}
	r.end = wb.st.pos
	if err := wb.bof(sh); err != nil {
		return nil, err
	}
	return r, nil
}

// bof positions the stream after sheet sh's BOF record.
func (wb *Workbook) bof(sh Sheet) error {
	if err := wb.st.seek(sh.pos); err != nil {
		return err
	}
	typ, data, err := wb.st.next()
	if err != nil {
		return err
	}
	if typ != recBOF || len(data) < 4 {
		return formatErr(sh.pos, "sheet %q does not start with a BOF record", sh.Name)
	}
	return nil
}

func (wb *Workbook) skipSubstream() error {
	for depth := 1; depth > 0; {
		typ, _, err := wb.st.next()
		if err != nil {
			return err
		}
		switch typ {
		case recBOF:
			depth++
		case recEOF:
			depth--
		}
	}
	return nil
}

// Merges are the sheet's merged ranges.
func (r *Rows) Merges() []Merge { return r.merges }

// Next reads the next row that has a non-empty cell; false at the end of
// the sheet or on an error (see Err).
func (r *Rows) Next() (ok bool) {
	if r.err != nil || r.done {
		return false
	}
	defer func() {
		if p := recover(); p != nil {
			r.err = formatErr(r.wb.st.pos, "the compound file is damaged (%v)", p)
			ok = false
		}
	}()
	for {
		if r.qi == len(r.queue) {
			r.queue, r.qi = r.queue[:0], 0
			err := r.fill()
			if err == io.EOF {
				r.done = true
				return r.emit()
			}
			if err != nil {
				r.err = err
				return false
			}
			continue
		}
		c := &r.queue[r.qi]
		if c.row < r.row {
			r.err = formatErr(r.wb.st.pos, "sheet %q: row %d comes after row %d; open the file in Excel or WPS and save it again", r.sheet, c.row+1, r.row+1)
			return false
		}
		if c.row > r.row && r.filled {
			return r.emit() // c stays queued: the first cell of the next row
		}
		r.set(c)
		r.qi++
	}
}

func (r *Rows) set(c *cell) {
	if c.row != r.row {
		r.row = c.row
		r.cells = r.cells[:0]
		r.filled = false
	}
	if c.text == "" {
		return
	}
	for len(r.cells) <= c.col {
		r.cells = append(r.cells, "")
	}
	r.cells[c.col] = c.text
	r.filled = true
}

func (r *Rows) emit() bool {
	if !r.filled {
		return false
	}
	r.out = append(r.out[:0], r.cells...)
	r.outRow = r.row
	r.filled = false
	r.cells = r.cells[:0]
	return true
}

// Row is the row Next read: its 0-based index and its cells (column A
// first; cells after the last non-empty one are left out). The slice is
// reused by the next call of Next.
func (r *Rows) Row() (int, []string) { return r.outRow, r.out }

// Err is the error that stopped Next, if any.
func (r *Rows) Err() error { return r.err }

// fill reads one record and queues the cells it gives (none for most).
func (r *Rows) fill() error {
	wb := r.wb
	if wb.st.pos >= r.end {
		return io.EOF
	}
	off := wb.st.pos
	typ, segs, err := wb.st.logical()
	if err != nil {
		return err
	}
	data := segs[0]
	switch typ {
	case recEOF:
		return io.EOF
	case recBOF:
		return wb.skipSubstream()
	case recNumber, recRK, recLabelSST, recLabel, recRString, recBoolErr, recFormula, recMulRK:
		if len(data) < 6 {
			return formatErr(off, "a cell record (0x%04X) is too short", typ)
		}
	case recString:
		if r.strCell == nil {
			return nil
		}
		c := *r.strCell
		r.strCell = nil
		text, err := wb.text(&segReader{segs: segs}, false)
		if err != nil {
			return formatErr(off, "row %d: a formula's text: %v", c.row+1, err)
		}
		c.text = text
		r.queue = append(r.queue, c)
		return nil
	default:
		return nil
	}
	row := int(binary.LittleEndian.Uint16(data))
	col := int(binary.LittleEndian.Uint16(data[2:]))
	xf := int(binary.LittleEndian.Uint16(data[4:]))
	if col >= maxCols {
		return formatErr(off, "row %d: column %d is beyond Excel's 256 columns", row+1, col+1)
	}
	c := cell{row: row, col: col}
	switch typ {
	case recNumber:
		if len(data) < 14 {
			return formatErr(off, "row %d: a NUMBER record is too short", row+1)
		}
		c.text = wb.number(math.Float64frombits(binary.LittleEndian.Uint64(data[6:])), xf)
	case recRK:
		if len(data) < 10 {
			return formatErr(off, "row %d: an RK record is too short", row+1)
		}
		c.text = wb.number(rk(binary.LittleEndian.Uint32(data[6:])), xf)
	case recMulRK:
		// row, first column, (XF, RK) × n, last column: a run of numbers.
		n := (len(data) - 6) / 6
		last := int(binary.LittleEndian.Uint16(data[len(data)-2:]))
		if n < 1 || (len(data)-6)%6 != 0 || last != col+n-1 || last >= maxCols {
			return formatErr(off, "row %d: a MULRK record does not add up", row+1)
		}
		for k := range n {
			b := data[4+6*k:]
			t := wb.number(rk(binary.LittleEndian.Uint32(b[2:])), int(binary.LittleEndian.Uint16(b)))
			r.queue = append(r.queue, cell{row: row, col: col + k, text: t})
		}
		return nil
	case recLabelSST:
		if len(data) < 10 {
			return formatErr(off, "row %d: a LABELSST record is too short", row+1)
		}
		i := binary.LittleEndian.Uint32(data[6:])
		if uint64(i) >= uint64(len(wb.sst)) {
			return formatErr(off, "row %d: shared string %d of %d", row+1, i, len(wb.sst))
		}
		c.text = wb.sst[i]
	case recLabel, recRString:
		t, err := wb.text(&segReader{segs: segs, off: 6}, false)
		if err != nil {
			return formatErr(off, "row %d column %d: %v", row+1, col+1, err)
		}
		c.text = t
	case recBoolErr:
		if len(data) < 8 {
			return formatErr(off, "row %d: a BOOLERR record is too short", row+1)
		}
		c.text = boolErr(data[6], data[7] != 0)
	case recFormula:
		if len(data) < 14 {
			return formatErr(off, "row %d: a FORMULA record is too short", row+1)
		}
		v := data[6:14]
		if v[6] == 0xFF && v[7] == 0xFF {
			switch v[0] {
			case 0: // text: in the STRING record that follows
				r.strCell = &c
				return nil
			case 1:
				c.text = boolErr(v[2], false)
			case 2:
				c.text = boolErr(v[2], true)
			default: // 3: empty text
			}
		} else {
			c.text = wb.number(math.Float64frombits(binary.LittleEndian.Uint64(v)), xf)
		}
	}
	r.queue = append(r.queue, c)
	return nil
}

// text reads a label's text: BIFF8 Unicode, BIFF5 bytes in the code page.
func (wb *Workbook) text(r *segReader, short bool) (string, error) {
	if wb.BIFF == 8 {
		s := r.unicodeString(short)
		return s, r.err
	}
	return r.byteString(short, wb.dec)
}

// rk decodes an RK number ([MS-XLS] 2.5.217): bit 0 divides by 100, bit 1
// says the upper 30 bits are an integer, else the top 30 bits of a double.
func rk(v uint32) float64 {
	var f float64
	if v&2 != 0 {
		f = float64(int32(v) >> 2)
	} else {
		f = math.Float64frombits(uint64(v&^3) << 32)
	}
	if v&1 != 0 {
		f /= 100
	}
	return f
}

// boolErr is the text of a BOOLERR value as Excel shows it.
func boolErr(v byte, isErr bool) string {
	if !isErr {
		if v != 0 {
			return "TRUE"
		}
		return "FALSE"
	}
	switch v {
	case 0x00:
		return "#NULL!"
	case 0x07:
		return "#DIV/0!"
	case 0x0F:
		return "#VALUE!"
	case 0x17:
		return "#REF!"
	case 0x1D:
		return "#NAME?"
	case 0x24:
		return "#NUM!"
	case 0x2A:
		return "#N/A"
	}
	return "#ERROR!"
}
