package ingest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// jsonlSource reads JSON Lines: one flat object per line. The header is the
// keys of the first object in the order they appear in its text; later
// objects are mapped into the header by key, and a key the first object did
// not have refuses the file.
type jsonlSource struct {
	path   string
	t      *textFile
	header []string
	index  map[string]int
	cells  []string
	seen   []int // seen[i] == gen: column i was set by the current object
	gen    int
	line   int // physical line number of the last line read
	first  *Row
	buf    []byte
	br     bytes.Reader
	badEnc bool // the last line read held bytes not in the file's encoding
	lim    Limits
	err    error
}

func openJSONL(path string, opt ReadOptions) (Source, error) {
	t, err := openText(path, opt, false)
	if err != nil {
		return nil, err
	}
	s := &jsonlSource{path: path, t: t, index: map[string]int{}, lim: opt.Limits}
	line, err := s.readLine()
	if err == io.EOF {
		t.Close()
		return nil, emptyFileErr(path)
	}
	if err == nil && s.badEnc {
		// The first object is the header: without it nothing can be read.
		err = t.encodingErr(path, s.line, "", "")
	}
	if err != nil {
		t.Close()
		return nil, err
	}
	var vals []string
	err = s.parse(line, func(key, val string) error {
		key = trimHeader(key)
		if _, dup := s.index[key]; dup {
			return s.formatErr(nil, "键 %q 出现了两次", "key %q appears twice", key)
		}
		s.index[key] = len(s.header)
		s.header = append(s.header, key)
		vals = append(vals, val)
		return nil
	})
	if err == nil && len(s.header) == 0 {
		err = fileErr(ReasonEmptyFile, path, s.line, nil,
			"文件 %s 第 %d 行的对象没有任何键：没有表头", "file %s line %d: the object has no keys, so there is no header", path, s.line)
	}
	if err != nil {
		t.Close()
		return nil, err
	}
	// Exchange platforms leave out empty keys, so later objects may carry
	// keys the first one lacks: one cheap pass collects every key, in order
	// of first appearance, so the header names every column of the file.
	// (Malformed lines are skipped here and reported by the real pass.)
	if t2, err := openText(path, opt, false); err == nil {
		scan := &jsonlSource{path: path, t: t2, lim: opt.Limits}
		for {
			l, err := scan.readLine()
			if err != nil {
				break
			}
			scan.parse(l, func(key, _ string) error {
				key = trimHeader(key)
				if _, ok := s.index[key]; !ok {
					s.index[key] = len(s.header)
					s.header = append(s.header, key)
				}
				return nil
			})
		}
		t2.Close()
	}
	for len(vals) < len(s.header) {
		vals = append(vals, "")
	}
	s.first = &Row{Line: s.line, Cells: vals}
	s.seen = make([]int, len(s.header))
	s.cells = make([]string, len(s.header))
	return s, nil
}

func (s *jsonlSource) Header() []string  { return s.header }
func (s *jsonlSource) Format() Format    { return FormatJSONL }
func (s *jsonlSource) Encoding() string  { return "jsonl" }
func (s *jsonlSource) SerialDates() bool { return false }
func (s *jsonlSource) Close() error      { return s.t.Close() }

// Next returns the next object's values in header order; keys an object
// lacks are "". Row.Cells is valid until the next call.
func (s *jsonlSource) Next() (Row, error) {
	if s.first != nil {
		r := *s.first
		s.first = nil
		return r, nil
	}
	if s.err != nil {
		return Row{}, s.err
	}
	line, err := s.readLine()
	if err != nil {
		s.err = err
		return Row{}, err
	}
	clear(s.cells)
	s.gen++
	err = s.parse(line, func(key, val string) error {
		i, ok := s.index[key]
		if !ok {
			if i, ok = s.index[trimHeader(key)]; !ok {
				return fileErr(ReasonUnknownColumn, s.path, s.line, nil,
					"文件 %s 第 %d 行有预读时没有发现的键 %q（文件在导入过程中被修改？）",
					"file %s line %d has the key %q, which the first pass did not see (was the file changed while it was read?)",
					s.path, s.line, key)
			}
		}
		if s.seen[i] == s.gen {
			return s.formatErr(nil, "键 %q 出现了两次", "key %q appears twice", key)
		}
		s.seen[i] = s.gen
		s.cells[i] = val
		return nil
	})
	if err != nil {
		s.err = err
		return Row{}, err
	}
	row := Row{Line: s.line, Cells: s.cells}
	if s.badEnc {
		row.Problem = s.t.encodingProblem(fmt.Sprintf("第 %d 行", s.line))
	}
	return row, nil
}

// readLine returns the next line that is not blank, without its line end,
// checked to be text in the file's encoding.
func (s *jsonlSource) readLine() ([]byte, error) {
	for {
		s.badEnc = false
		s.t.g.reset()
		line, err := s.t.r.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			s.buf = append(s.buf[:0], line...)
			for err == bufio.ErrBufferFull {
				line, err = s.t.r.ReadSlice('\n')
				s.buf = append(s.buf, line...)
			}
			line = s.buf
		}
		if errors.Is(err, errRecordTooLong) {
			return nil, recordTooLongErr(s.path, s.line+1, s.lim)
		}
		if err != nil && err != io.EOF {
			return nil, fmt.Errorf("read %s: %w", s.path, err)
		}
		if len(line) == 0 && err == io.EOF {
			return nil, io.EOF
		}
		s.line++
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		// A line that is not text in the file's encoding is rejected by row
		// (Next); JSON decoding reads its bad bytes as U+FFFD meanwhile.
		s.badEnc = s.t.badBytes(line)
		return line, nil
	}
}

// parse decodes one line holding one flat JSON object, calling fn for each
// key and value in order. Numbers keep their literal text.
func (s *jsonlSource) parse(line []byte, fn func(key, val string) error) error {
	s.br.Reset(line)
	dec := json.NewDecoder(&s.br)
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return s.formatErr(err, "不是有效的 JSON（%v）", "is not valid JSON (%v)", err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return s.formatErr(nil, "不是一个 JSON 对象：每行应是一个 {\"字段\": 值, …} 对象", "is not a JSON object: each line must be one {\"field\": value, …} object")
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return s.formatErr(err, "不是有效的 JSON（%v）", "is not valid JSON (%v)", err)
		}
		key, ok := tok.(string)
		if !ok {
			return s.formatErr(nil, "不是有效的 JSON 对象", "is not a valid JSON object")
		}
		tok, err = dec.Token()
		if err != nil {
			return s.formatErr(err, "不是有效的 JSON（%v）", "is not valid JSON (%v)", err)
		}
		var val string
		switch v := tok.(type) {
		case string:
			val = v
		case json.Number:
			val = v.String()
		case bool:
			val = "false"
			if v {
				val = "true"
			}
		case nil:
			val = ""
		default: // json.Delim: a nested object or array
			return s.formatErr(nil, "键 %q 的值是嵌套的对象或数组：值只能是文本、数字、true/false 或 null",
				"the value of key %q is a nested object or array; values must be text, numbers, true/false or null", key)
		}
		if err := fn(key, val); err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil { // the closing '}'
		return s.formatErr(err, "不是有效的 JSON（%v）", "is not valid JSON (%v)", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return s.formatErr(err, "在对象之后还有内容：每行只能有一个 JSON 对象", "has more after the object: one JSON object per line")
	}
	return nil
}

// formatErr refuses the file for line s.line; zh and en describe the problem
// and share args.
func (s *jsonlSource) formatErr(err error, zh, en string, args ...any) *FileError {
	return &FileError{
		Reason: ReasonFormat, Path: s.path, Line: s.line, Err: err,
		Zh: fmt.Sprintf("文件 %s 第 %d 行", s.path, s.line) + fmt.Sprintf(zh, args...),
		En: fmt.Sprintf("file %s line %d ", s.path, s.line) + fmt.Sprintf(en, args...),
	}
}
