package ingest

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"credit/internal/ident"
)

// Files as departments really send them (issue 22): a title row or two above
// the header ("南通市市场监督管理局行政处罚信息公示表（2025年第三季度）"), a
// header of two rows (a merged group cell "行政相对人代码" above its
// sub-columns), and notes under the data (填报说明, 制表人, 审核人, 填报日期).
// The readers give a sheet of rows (Sheet); frame finds the header in it and
// sets the title rows and the notes aside. It works on Sheet alone, not on
// any reader's types, so every reader — CSV, XLSX and a future .xls reader —
// gets the same detection.

// Sheet is a sheet of rows as a reader finds it, before any header is known:
// every non-blank row with the physical row number a clerk sees in Excel.
// A reader for another spreadsheet format implements Sheet and passes it to
// Frame.
type Sheet interface {
	// NextRow returns the next non-blank row, or io.EOF after the last one.
	// RawRow.Cells is valid until the next call. An error that refuses the
	// whole file is a *FileError.
	NextRow() (RawRow, error)
	Format() Format
	// Encoding is what was detected or used ("utf-8", "gb18030", "xlsx", …).
	Encoding() string
	// SerialDates reports whether date cells may be Excel serial numbers.
	SerialDates() bool
	Close() error
}

// RawRow is one non-blank row of a Sheet.
type RawRow struct {
	Line  int      // physical row number, 1 for the sheet's first row
	Cells []string // as read; reused by the next NextRow
	// Bad is the 1-based column of the first cell whose bytes are not text
	// in the file's encoding (0: none): the row is rejected, or the file
	// refused when it is the header.
	Bad int
}

// textProblems is what a text reader (CSV) says about undecodable bytes;
// readers without encodings need not implement it.
type textProblems interface {
	encodingProblem(name string) *RowProblem
	encodingErr(path string, line int, whereZh, whereEn string) *FileError
}

// HeaderSpec says how to find the header (ReadOptions.Header).
type HeaderSpec struct {
	// Row, when > 0, is the header's physical row (--header-row): no
	// detection. When that row alone does not Fit and the row under it
	// joined to it does, the header is the two rows joined.
	Row int
	// Fits says how well a row's cells fit as the item's header: the
	// number of columns they name (by name or alias, after
	// catalog.HeaderKey) when they name the item's required subject
	// columns, else 0. nil: the first non-blank row is the header.
	Fits func(cells []string) int
}

// HeaderScanRows is how many rows from the top may hold the header.
const HeaderScanRows = 20

// maxPendingNotes bounds the note-like rows held back after the data: a
// footer is a few lines. Past this many in a row they are read as data rows
// (and rejected as such), so a file of a million one-cell rows never sits in
// memory (本办公室规则, serving the import limits).
const maxPendingNotes = 200

// SkippedRow is a row that was read but is neither header nor data: a title
// row above the header or a note under the data.
type SkippedRow struct {
	Line int    `json:"row"`
	Text string `json:"text"` // the row's cells joined by " | ", as an excerpt
}

// Framing is where a sheet's header, titles and notes were found.
type Framing struct {
	Sheet      string       // the XLSX sheet read ("" for CSV)
	HeaderRow  int          // physical row of the header (the upper row of a two-row header)
	HeaderRows int          // 1, or 2 for a header joined from two rows
	Titles     []SkippedRow // rows above the header
	Notes      []SkippedRow // rows under the last data row; complete at io.EOF
	// Found: the header was given (--header-row) or fits the item; false
	// when the first row was taken for want of a better one.
	Found bool
}

// framedSource is a Source over a Sheet: header found, titles and notes set
// aside.
type framedSource struct {
	sheet   Sheet
	path    string
	header  []string
	fr      Framing
	replay  []RawRow // rows read while looking for the header, after it
	pending []RawRow // note-like rows held back until the next data row or EOF
	out     []RawRow // pending rows released as data, in order
	buf     []string
	eof     bool
	notes   bool // look for notes under the data (an item's import, a header wider than 3 columns)
}

// Frame finds the header of a sheet and returns the Source of its data rows.
func Frame(sh Sheet, path string, spec HeaderSpec, lim Limits) (Source, error) {
	s, err := frame(sh, path, spec, lim)
	if err != nil {
		sh.Close()
		return nil, err
	}
	return s, nil
}

// headerFits reports whether sheet sh holds a header that fits within its
// first HeaderScanRows rows (an empty sheet does not): the test by which a
// workbook's sheet is chosen (chooseSheet), for XLSX and .xls alike.
func headerFits(sh Sheet, path string, opt ReadOptions) (bool, error) {
	fs, err := frame(sh, path, opt.Header, opt.Limits)
	switch {
	case err == nil:
		return fs.fr.Found, nil
	case isFileError(err, ReasonEmptyFile):
		return false, nil
	}
	return false, err
}

func frame(sh Sheet, path string, spec HeaderSpec, lim Limits) (*framedSource, error) {
	s := &framedSource{sheet: sh, path: path}
	// Read the rows that may hold the header (and the row under a possible
	// two-row header), cloned: the reader reuses its cells.
	scan := HeaderScanRows + 1
	if spec.Row > 0 {
		scan = spec.Row + 1
	}
	var rows []RawRow
	for {
		r, err := sh.NextRow()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		if err := checkCells(path, r.Line, r.Cells, lim); err != nil {
			return nil, err
		}
		r.Cells = slices.Clone(r.Cells)
		rows = append(rows, r)
		if r.Line >= scan || (spec.Fits == nil && spec.Row == 0) {
			break
		}
	}
	if len(rows) == 0 {
		return nil, emptyFileErr(path)
	}
	at, two, found := 0, false, spec.Row > 0
	switch {
	case spec.Row > 0:
		at = -1
		for i, r := range rows {
			if r.Line == spec.Row {
				at = i
			}
		}
		if at < 0 {
			return nil, fileErr(ReasonEmptyFile, path, spec.Row, nil,
				"文件 %s 第 %d 行是空行或不存在（--header-row %d）：请用 Excel 中看到的行号指定表头所在行",
				"file %s: row %d is blank or missing (--header-row %d): give the row number Excel shows for the header", path, spec.Row, spec.Row)
		}
		if spec.Fits != nil && at+1 < len(rows) && spec.Fits(joinHeader(rows[at].Cells, rows[at+1].Cells)) > spec.Fits(rows[at].Cells) {
			two = true
		}
	case spec.Fits != nil:
		for i := 0; i < len(rows) && rows[i].Line <= HeaderScanRows && !found; i++ {
			// A row that fits, or a two-row header that fits better (a
			// group row merged over sub-columns may fit by the columns
			// merged down over both rows).
			one, joined := spec.Fits(rows[i].Cells), 0
			if i+1 < len(rows) {
				joined = spec.Fits(joinHeader(rows[i].Cells, rows[i+1].Cells))
			}
			switch {
			case joined > one:
				at, two, found = i, true, true
			case one > 0:
				at, found = i, true
			}
		}
		// No row fits: the first row is taken for the header, and the
		// plan says which columns it lacks.
	}
	h := rows[at]
	cells := h.Cells
	if two {
		cells = joinHeader(rows[at].Cells, rows[at+1].Cells)
	}
	if h.Bad > 0 || (two && rows[at+1].Bad > 0) {
		if tp, ok := sh.(textProblems); ok {
			bad, line := h.Bad, h.Line
			if bad == 0 {
				bad, line = rows[at+1].Bad, rows[at+1].Line
			}
			return nil, tp.encodingErr(path, line, fmt.Sprintf("第 %d 列", bad), fmt.Sprintf(" column %d", bad))
		}
		return nil, fileErr(ReasonEncoding, path, h.Line, nil, "文件 %s 的表头（第 %d 行）无法解码", "file %s: the header (row %d) cannot be decoded", path, h.Line)
	}
	s.header = make([]string, len(cells))
	for i, c := range cells {
		s.header[i] = trimHeader(c)
	}
	s.fr.HeaderRow, s.fr.HeaderRows, s.fr.Found = h.Line, 1, found
	next := at + 1
	if two {
		s.fr.HeaderRows, next = 2, at+2
	}
	for _, r := range rows[:at] {
		s.fr.Titles = append(s.fr.Titles, SkippedRow{Line: r.Line, Text: rowText(r.Cells)})
	}
	s.replay = rows[next:]
	s.notes = spec.Fits != nil && len(s.header) > 3
	return s, nil
}

// joinHeader joins a two-row header: a group cell merged over several
// columns (its text in the first of them, the others empty, as a merged
// cell reads) above sub-column names. A column with a sub-name is
// "group-sub" (catalog.HeaderKey drops the hyphen); a column empty below
// keeps the upper row's name (a cell merged down over both rows).
func joinHeader(top, sub []string) []string {
	n := max(len(top), len(sub))
	out := make([]string, n)
	group := ""
	for i := 0; i < n; i++ {
		t, b := "", ""
		if i < len(top) {
			t = strings.TrimSpace(top[i])
		}
		if i < len(sub) {
			b = strings.TrimSpace(sub[i])
		}
		if t != "" {
			group = t
		}
		switch {
		case b == "":
			out[i] = t
			group = ""
		case group != "":
			out[i] = group + "-" + b
		default:
			out[i] = b
		}
	}
	return out
}

// rowText is a skipped row as the report shows it: its non-empty cells
// joined, as an Excerpt (long numbers masked).
func rowText(cells []string) string {
	var parts []string
	for _, c := range cells {
		if c = strings.TrimSpace(c); c != "" {
			parts = append(parts, c)
		}
	}
	return Excerpt(strings.Join(parts, " | "))
}

// noteLike reports whether a row under the data may be a note: text only in
// its first one or two cells (of a header of more than three, so that such a
// row is mostly empty) (填报说明：…, 制表人：…, 审核人：…, 填报日期：…),
// none of which holds a valid 统一社会信用代码 or 身份证号码 (a row with a
// subject's code is data, however little else it holds: 本办公室规则, so
// that no record is set aside unseen).
func noteLike(cells []string) bool {
	for i, c := range cells {
		c = strings.TrimSpace(c)
		if c == "" {
			continue
		}
		if i >= 2 {
			return false
		}
		for _, f := range strings.FieldsFunc(c, func(r rune) bool { return r == '：' || r == ':' || r == ' ' || r == '　' }) {
			if ident.Check(f).Valid {
				return false
			}
		}
	}
	return true
}

func (s *framedSource) Header() []string  { return s.header }
func (s *framedSource) Format() Format    { return s.sheet.Format() }
func (s *framedSource) Encoding() string  { return s.sheet.Encoding() }
func (s *framedSource) SerialDates() bool { return s.sheet.SerialDates() }
func (s *framedSource) Close() error      { return s.sheet.Close() }
func (s *framedSource) Framing() Framing  { return s.fr }

// raw is the next row after the header: replayed rows first, then the sheet.
func (s *framedSource) raw() (RawRow, error) {
	if len(s.replay) > 0 {
		r := s.replay[0]
		s.replay = s.replay[1:]
		return r, nil
	}
	return s.sheet.NextRow()
}

// Next returns the next data row. Note-like rows are held back: followed by
// a data row they are data (and rejected as such); at the end they are
// notes.
func (s *framedSource) Next() (Row, error) {
	for {
		if len(s.out) > 0 {
			r := s.out[0]
			s.out = s.out[1:]
			return s.row(r), nil
		}
		if s.eof {
			return Row{}, io.EOF
		}
		r, err := s.raw()
		if err == io.EOF {
			s.eof = true
			for _, p := range s.pending {
				s.fr.Notes = append(s.fr.Notes, SkippedRow{Line: p.Line, Text: rowText(p.Cells)})
			}
			s.pending = nil
			continue
		}
		if err != nil {
			return Row{}, err
		}
		if s.notes && r.Bad == 0 && noteLike(r.Cells) {
			r.Cells = slices.Clone(r.Cells)
			s.pending = append(s.pending, r)
			if len(s.pending) > maxPendingNotes {
				s.out, s.pending = s.pending, nil
			}
			continue
		}
		if len(s.pending) > 0 {
			r.Cells = slices.Clone(r.Cells)
			s.out = append(s.pending, r)
			s.pending = nil
			continue
		}
		return s.row(r), nil
	}
}

func (s *framedSource) row(r RawRow) Row {
	row := Row{Line: r.Line, Cells: pad(&s.buf, r.Cells, len(s.header))}
	if r.Bad > 0 {
		name := columnName(s.header, r.Bad-1)
		if tp, ok := s.sheet.(textProblems); ok {
			row.Problem = tp.encodingProblem(name)
		} else {
			row.Problem = &RowProblem{Reason: ReasonEncoding, Field: name,
				Zh: name + "：含有无法解码的字节", En: name + ": holds bytes that cannot be decoded"}
		}
	}
	return row
}

// Framed is a Source that knows where its header, titles and notes were.
type Framed interface {
	Framing() Framing
}

// FramingOf is src's framing; a source without one (JSON Lines) has its
// header on its first line.
func FramingOf(src Source) Framing {
	if ls, ok := src.(*limitedSource); ok {
		src = ls.Source
	}
	if f, ok := src.(Framed); ok {
		return f.Framing()
	}
	return Framing{HeaderRow: 1, HeaderRows: 1}
}

func (f Framing) String() string {
	if f.HeaderRows == 2 {
		return fmt.Sprintf("%d–%d", f.HeaderRow, f.HeaderRow+1)
	}
	return fmt.Sprint(f.HeaderRow)
}
