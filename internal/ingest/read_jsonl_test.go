package ingest

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestReadJSONL(t *testing.T) {
	for _, tc := range []struct {
		name   string
		data   []byte
		opt    ReadOptions
		header []string
		rows   []Row
	}{
		{
			name:   "header in text order, numbers literal",
			data:   []byte(`{"行政相对人名称":"甲","统一社会信用代码":"91350100M000100Y43","罚款金额（万元）":0.2,"编号":12345678901234567890123,"比例":1.50e2,"负":-0}` + "\n"),
			header: []string{"行政相对人名称", "统一社会信用代码", "罚款金额（万元）", "编号", "比例", "负"},
			rows:   []Row{{Line: 1, Cells: []string{"甲", "91350100M000100Y43", "0.2", "12345678901234567890123", "1.50e2", "-0"}}},
		},
		{
			name: "later objects mapped by key; blank lines counted",
			data: []byte("\xEF\xBB\xBF" + `{"b":"1","a":"2","c":"3"}` + "\r\n\n  \n" +
				`{"c":true,"a":false}` + "\n" +
				`{"a":null,"b":"x\ny","c":"\u4e2d"}`),
			header: []string{"b", "a", "c"},
			rows: []Row{
				{Line: 1, Cells: []string{"1", "2", "3"}},
				{Line: 4, Cells: []string{"", "false", "true"}},
				{Line: 5, Cells: []string{"x\ny", "", "中"}},
			},
		},
		{
			name:   "keys trimmed",
			data:   []byte(`{" 名称 ":"甲"}` + "\n" + `{"名称 ":"乙"}` + "\n"),
			header: []string{"名称"},
			rows:   []Row{{Line: 1, Cells: []string{"甲"}}, {Line: 2, Cells: []string{"乙"}}},
		},
		{
			name:   "explicit gbk",
			data:   encodeGBK(t, `{"名称":"福州"}`+"\n"),
			opt:    ReadOptions{Encoding: "gbk"},
			header: []string{"名称"},
			rows:   []Row{{Line: 1, Cells: []string{"福州"}}},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := writeTemp(t, "in.jsonl", tc.data)
			got, err := readAll(t, path, tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			if got.enc != "jsonl" {
				t.Errorf("Encoding = %q", got.enc)
			}
			if !slices.Equal(got.header, tc.header) {
				t.Errorf("Header = %q, want %q", got.header, tc.header)
			}
			if len(got.rows) != len(tc.rows) {
				t.Fatalf("rows = %v, want %v", got.rows, tc.rows)
			}
			for i, w := range tc.rows {
				if g := got.rows[i]; g.Line != w.Line || !slices.Equal(g.Cells, w.Cells) {
					t.Errorf("row %d = %d %q, want %d %q", i, g.Line, g.Cells, w.Line, w.Cells)
				}
			}
		})
	}
}

func TestReadJSONLErrors(t *testing.T) {
	for _, tc := range []struct {
		name   string
		data   string
		reason string
		line   int
		want   []string
	}{
		{"empty", "", ReasonEmptyFile, 0, nil},
		{"blank lines only", "\n \r\n", ReasonEmptyFile, 0, nil},
		{"no keys", "\n{}\n", ReasonEmptyFile, 2, nil},
		{"nested object", `{"a":"1"}` + "\n" + `{"a":{"x":1}}` + "\n", ReasonFormat, 2, []string{`"a"`}},
		{"nested array in the first object", `{"a":[1]}`, ReasonFormat, 1, nil},
		{"invalid JSON", `{"a":"1"}` + "\n" + `{"a":"1",}` + "\n", ReasonFormat, 2, nil},
		{"missing colon", `{"a" "1"}`, ReasonFormat, 1, nil},
		{"truncated", `{"a":"1"`, ReasonFormat, 1, nil},
		{"two objects on a line", `{"a":"1"}{"a":"2"}`, ReasonFormat, 1, nil},
		{"trailing text", `{"a":"1"} x`, ReasonFormat, 1, nil},
		{"not an object", `{"a":"1"}` + "\n" + `["1"]`, ReasonFormat, 2, nil},
		{"a number line", `7`, ReasonFormat, 1, nil},
		{"duplicate key in the header", `{"a":"1","a":"2"}`, ReasonFormat, 1, []string{`"a"`}},
		{"duplicate key later", `{"a":"1"}` + "\n" + `{"a":"1","a":"2"}`, ReasonFormat, 2, nil},
		{"invalid UTF-8 in the first line", "{\"a\":\"\xff\"}\n", ReasonEncoding, 1, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := writeTemp(t, "in.jsonl", []byte(tc.data))
			_, err := readAll(t, path, ReadOptions{})
			wantFileError(t, err, path, tc.reason, tc.line, tc.want...)
		})
	}
}

// A line longer than the read buffer is still one object.
func TestReadJSONLLongLine(t *testing.T) {
	long := make([]byte, 3*readBufSize)
	for i := range long {
		long[i] = 'x'
	}
	data := []byte(`{"a":"1"}` + "\n" + `{"a":"` + string(long) + `"}` + "\n" + `{"a":"3"}`)
	got, err := readAll(t, writeTemp(t, "in.jsonl", data), ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.rows) != 3 || got.rows[1].Cells[0] != string(long) || got.rows[2].Line != 3 {
		t.Errorf("rows: %d", len(got.rows))
	}
}

func FuzzReadJSONL(f *testing.F) {
	f.Add([]byte(`{"a":"1","b":2}` + "\n" + `{"b":null,"a":true}` + "\n"))
	f.Add([]byte("\xEF\xBB\xBF{\"名称\":\"甲\"}\r\n\r\n{\"名称\":0.20}"))
	f.Add([]byte(`{"a":{"b":[1,2]}}`))
	f.Add([]byte(`{"a":"1"}` + "\n" + `{"c":"1"}`))
	f.Add([]byte(`{"a":"1"}{"a":"2"}`))
	f.Add([]byte(`{"a":"\ud800"}`))
	f.Add([]byte("{}\n[]\n\"x\"\n"))
	f.Add([]byte("{\"a\":\"\xff\"}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(t.TempDir(), "f.jsonl")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		src, err := Open(path, ReadOptions{})
		if err != nil {
			return
		}
		defer src.Close()
		n, last := len(src.Header()), 0
		for {
			row, err := src.Next()
			if err != nil {
				return
			}
			if row.Line <= last || len(row.Cells) != n {
				t.Fatalf("row %d after %d with %d cells for %d columns", row.Line, last, len(row.Cells), n)
			}
			last = row.Line
		}
	})
}

// Exchange platforms omit empty keys: a key first seen on a later line is a
// column of the whole file (the header lists every key, in order of first
// appearance), not a reason to refuse it.
func TestReadJSONLLaterKeysBecomeColumns(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.jsonl")
	os.WriteFile(path, []byte(`{"a":"1"}`+"\n\n"+`{"a":"2","b":"3"}`+"\n"+`{"c":"4"}`+"\n"), 0o644)
	src, err := Open(path, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	if h := strings.Join(src.Header(), ","); h != "a,b,c" {
		t.Fatalf("header = %s, want a,b,c", h)
	}
	want := []string{"1:1,,", "3:2,3,", "4:,,4"} // physical line numbers; line 2 is blank
	for _, w := range want {
		r, err := src.Next()
		if err != nil {
			t.Fatal(err)
		}
		if got := fmt.Sprintf("%d:%s", r.Line, strings.Join(r.Cells, ",")); got != w {
			t.Errorf("row = %s, want %s", got, w)
		}
	}
}
