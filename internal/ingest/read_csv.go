package ingest

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// csvSource reads a CSV file with encoding/csv over a decoded, buffered
// stream. Excel row numbers are computed from the physical lines each record
// starts and ends on: encoding/csv silently skips empty lines, which Excel
// shows as rows, and a quoted cell may span several lines of one row.
type csvSource struct {
	path   string
	t      *textFile
	r      *csv.Reader
	header []string
	buf    []string // storage for padded rows
	row    int      // Excel row of the last record read
	end    int      // physical line on which the last record ended
	bad    int      // column of the last record that did not decode, or -1
	lim    Limits
	err    error // sticky: once refused, always refused
}

func openCSV(path string, opt ReadOptions) (Source, error) {
	t, err := openText(path, opt, true)
	if err != nil {
		return nil, err
	}
	r := csv.NewReader(t.r) // t.r is a large *bufio.Reader, which csv uses as is
	r.FieldsPerRecord = -1
	r.ReuseRecord = true
	s := &csvSource{path: path, t: t, r: r, lim: opt.Limits}
	for {
		rec, err := s.read()
		if err == io.EOF {
			t.Close()
			return nil, emptyFileErr(path)
		}
		if err != nil {
			t.Close()
			return nil, err
		}
		if blank(rec) {
			continue
		}
		if s.bad >= 0 {
			// Without a readable header nothing can be read: refuse the file.
			t.Close()
			return nil, s.t.encodingErr(path, s.row, s.columnZh(s.bad), s.columnEn(s.bad))
		}
		if len(rec) > 0 && strings.ContainsRune(rec[0], 0) {
			t.Close()
			return nil, fileErr(ReasonEncoding, path, s.row, nil,
				"文件 %s 的表头含有 NUL 字节：文件可能是没有字节顺序标记的 UTF-16 或 UTF-32 编码；请另存为 CSV（UTF-8）后再导入",
				"file %s: the header holds NUL bytes; the file may be UTF-16 or UTF-32 without a byte order mark: save it as CSV (UTF-8) and import again", path)
		}
		if err := checkCells(path, s.row, rec, opt.Limits); err != nil {
			t.Close()
			return nil, err
		}
		s.header = make([]string, len(rec))
		for i, c := range rec {
			s.header[i] = trimHeader(c)
		}
		return s, nil
	}
}

func (s *csvSource) Header() []string  { return s.header }
func (s *csvSource) Format() Format    { return FormatCSV }
func (s *csvSource) Encoding() string  { return s.t.enc }
func (s *csvSource) SerialDates() bool { return false }
func (s *csvSource) Close() error      { return s.t.Close() }

// Next returns the next non-blank record. Row.Cells is the reader's reused
// record (or a reused padded copy): valid until the next call.
func (s *csvSource) Next() (Row, error) {
	for {
		rec, err := s.read()
		if err != nil {
			return Row{}, err
		}
		if blank(rec) {
			continue
		}
		row := Row{Line: s.row, Cells: pad(&s.buf, rec, len(s.header))}
		if s.bad >= 0 {
			row.Problem = s.t.encodingProblem(columnName(s.header, s.bad))
		}
		return row, nil
	}
}

// read reads one record, advances the Excel row count and notes in s.bad
// the first cell that did not decode cleanly (the row is rejected, not the
// file: a provider's file may hold one row pasted from elsewhere).
func (s *csvSource) read() ([]string, error) {
	if s.err != nil {
		return nil, s.err
	}
	s.bad = -1
	rec, err := s.r.Read()
	s.t.g.reset()
	if err != nil {
		s.err = s.readErr(err)
		return nil, s.err
	}
	start, _ := s.r.FieldPos(0)
	lastStart, _ := s.r.FieldPos(len(rec) - 1)
	// Blank lines between the previous record and this one are rows too.
	s.row += start - s.end
	s.end = lastStart + strings.Count(rec[len(rec)-1], "\n")
	gb := s.t.gb
	for i, c := range rec {
		var bad bool
		if gb {
			bad = strings.Contains(c, "\uFFFD")
		} else {
			bad = !utf8.ValidString(c)
		}
		if bad {
			s.bad = i
			break
		}
	}
	return rec, nil
}

func (s *csvSource) readErr(err error) error {
	if err == io.EOF {
		return io.EOF
	}
	if errors.Is(err, errRecordTooLong) {
		return recordTooLongErr(s.path, s.row+1, s.lim)
	}
	var pe *csv.ParseError
	if !errors.As(err, &pe) {
		return fmt.Errorf("read %s: %w", s.path, err)
	}
	row := s.row + pe.StartLine - s.end
	zh, en := "格式有误", pe.Err.Error()
	switch {
	case errors.Is(pe.Err, csv.ErrBareQuote):
		zh, en = "未加引号的单元格里出现了英文双引号", `a cell that is not quoted holds a double quote`
	case errors.Is(pe.Err, csv.ErrQuote):
		zh, en = "引号没有闭合，或右引号后还有字符", "a quote is not closed, or text follows a closing quote"
	}
	return &FileError{
		Reason: ReasonFormat, Path: s.path, Line: row, Err: err,
		Zh: fmt.Sprintf("文件 %s 第 %d 行（文本第 %d 行第 %d 个字符）%s：含逗号、引号或换行的单元格要用英文双引号括起，单元格里的双引号要写成两个（\"\"）",
			s.path, row, pe.Line, pe.Column, zh),
		En: fmt.Sprintf("file %s row %d (text line %d, character %d): %s; cells holding commas, quotes or line breaks must be enclosed in double quotes, with quotes inside doubled (\"\")",
			s.path, row, pe.Line, pe.Column, en),
	}
}

func (s *csvSource) columnZh(i int) string {
	if i < len(s.header) && s.header[i] != "" {
		return fmt.Sprintf("第 %d 列（%s）", i+1, s.header[i])
	}
	return fmt.Sprintf("第 %d 列", i+1)
}

func (s *csvSource) columnEn(i int) string {
	if i < len(s.header) && s.header[i] != "" {
		return fmt.Sprintf(" column %d (%s)", i+1, s.header[i])
	}
	return fmt.Sprintf(" column %d", i+1)
}
