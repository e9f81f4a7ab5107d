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
	path string
	t    *textFile
	r    *csv.Reader
	row  int // Excel row of the last record read
	end  int // physical line on which the last record ended
	bad  int // column of the last record that did not decode, or -1
	lim  Limits
	err  error // sticky: once refused, always refused

	started bool // the first non-blank record has been read
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
	return Frame(s, path, opt.Header, opt.Limits)
}

func (s *csvSource) Format() Format    { return FormatCSV }
func (s *csvSource) Encoding() string  { return s.t.enc }
func (s *csvSource) SerialDates() bool { return false }
func (s *csvSource) Close() error      { return s.t.Close() }

func (s *csvSource) encodingProblem(name string) *RowProblem { return s.t.encodingProblem(name) }
func (s *csvSource) encodingErr(path string, line int, whereZh, whereEn string) *FileError {
	return s.t.encodingErr(path, line, whereZh, whereEn)
}

// NextRow returns the next non-blank record (Sheet). Cells is the reader's
// reused record: valid until the next call.
func (s *csvSource) NextRow() (RawRow, error) {
	for {
		rec, err := s.read()
		if err != nil {
			return RawRow{}, err
		}
		if blank(rec) {
			continue
		}
		if !s.started {
			s.started = true
			if len(rec) > 0 && strings.ContainsRune(rec[0], 0) {
				return RawRow{}, fileErr(ReasonEncoding, s.path, s.row, nil,
					"文件 %s 的表头含有 NUL 字节：文件可能是没有字节顺序标记的 UTF-16 或 UTF-32 编码；请另存为 CSV（UTF-8）后再导入",
					"file %s: the header holds NUL bytes; the file may be UTF-16 or UTF-32 without a byte order mark: save it as CSV (UTF-8) and import again", s.path)
			}
		}
		return RawRow{Line: s.row, Cells: rec, Bad: s.bad + 1}, nil
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
