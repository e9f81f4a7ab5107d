package tabular

import (
	"bytes"
	"encoding/csv"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// OWASP CSV injection: a text cell starting with = + - @ tab or CR gets a
// leading '; numbers stay numbers.
func TestGuardFormula(t *testing.T) {
	cases := map[string]string{
		"=HYPERLINK(\"http://x\",\"点我\")": "'=HYPERLINK(\"http://x\",\"点我\")",
		"+cmd|' /C calc'!A0":              "'+cmd|' /C calc'!A0",
		"-2+3+cmd":                        "'-2+3+cmd",
		"@SUM(1,1)":                       "'@SUM(1,1)",
		"\t=1":                            "'\t=1",
		"\r=1":                            "'\r=1",
		"-5":                              "-5",
		"+86":                             "+86",
		"-0.25":                           "-0.25",
		"1e3":                             "1e3",
		"-":                               "-",
		"罚款=2万元":                          "罚款=2万元",
		"'=already":                       "''=already", // a value that looks guarded is guarded once more
		"":                                "",
	}
	for in, want := range cases {
		if got := GuardFormula(in); got != want {
			t.Errorf("GuardFormula(%q) = %q, want %q", in, got, want)
		}
		// What the guard adds, the importer takes off, and nothing else.
		if got := UnguardFormula(GuardFormula(in)); got != in {
			t.Errorf("UnguardFormula(GuardFormula(%q)) = %q", in, got)
		}
	}
	// A real value starting with ' that the guard would not have made stays.
	for _, real := range []string{"'1号", "''", "'-5", "'abc", "'"} {
		if got := UnguardFormula(real); got != real {
			t.Errorf("UnguardFormula(%q) = %q, want it unchanged", real, got)
		}
	}
}

// Every CSV and XLSX a Table or a Document writes is guarded.
func TestFilesGuardFormulas(t *testing.T) {
	dir := t.TempDir()
	tb := &Table{Title: "t", Columns: []Column{{Key: "a", Zh: "甲"}, {Key: "b", Zh: "乙"}},
		Rows: [][]string{{"=1+1", "-5"}, {"@x", "12"}}}
	want := [][]string{{"甲", "乙"}, {"'=1+1", "-5"}, {"'@x", "12"}}
	check := func(what string, rows [][]string) {
		t.Helper()
		if len(rows) < len(want) {
			t.Fatalf("%s: %v", what, rows)
		}
		rows = rows[len(rows)-len(want):]
		for i := range want {
			if strings.Join(rows[i], "|") != strings.Join(want[i], "|") {
				t.Errorf("%s row %d = %q, want %q", what, i, rows[i], want[i])
			}
		}
	}
	readCSV := func(p string) [][]string {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte{0xEF, 0xBB, 0xBF})))
		r.FieldsPerRecord = -1
		rows, err := r.ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		return rows
	}
	readXLSX := func(p, sheet string) [][]string {
		f, err := excelize.OpenFile(p)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		rows, err := f.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		return rows
	}
	p := filepath.Join(dir, "t.csv")
	if err := tb.WriteFile(p, "zh"); err != nil {
		t.Fatal(err)
	}
	check("table csv", readCSV(p))
	p = filepath.Join(dir, "t.xlsx")
	if err := tb.WriteFile(p, "zh"); err != nil {
		t.Fatal(err)
	}
	check("table xlsx", readXLSX(p, "t"))
	var b bytes.Buffer
	if err := tb.Write(&b, Options{Format: CSV}); err != nil {
		t.Fatal(err)
	}
	rows, _ := csv.NewReader(&b).ReadAll()
	check("stdout csv", rows)
	d := &Document{Title: "=doc", Meta: []Meta{{Zh: "日期", Value: "+1"}}, Table: tb}
	p = filepath.Join(dir, "d.csv")
	if err := d.WriteFile(p, "zh", nil); err != nil {
		t.Fatal(err)
	}
	all := readCSV(p)
	check("document csv", all)
	if all[0][0] != "'=doc" || all[1][1] != "+1" {
		t.Errorf("document head %q", all[:2])
	}
}

// hostile holds what must not escape a Markdown or HTML cell: markup, a
// table break, backticks, a link, an entity and line breaks.
const hostile = "<script>alert(1)</script>|`rm -rf`|[x](javascript:alert(1))&amp;\nline2\r\nline3"

// Markdown and HTML files keep a hostile value inside its cell, as text.
func TestMarkdownAndHTMLEscapeHostileCells(t *testing.T) {
	tb := &Table{Title: "标题" + hostile, Columns: []Column{{Key: "a", Zh: "甲"}, {Key: "b", Zh: "乙"}},
		Rows: [][]string{{hostile, "ok"}}, Footer: []string{hostile}}
	var md bytes.Buffer
	if err := tb.Write(&md, Options{Format: MD}); err != nil {
		t.Fatal(err)
	}
	CheckMarkdownSafe(t, "table md", md.String())
	// The table is a header, a rule and one row: the value broke no line.
	rows := 0
	for _, l := range strings.Split(md.String(), "\n") {
		if strings.HasPrefix(l, "|") {
			rows++
			if n := strings.Count(strings.ReplaceAll(l, `\|`, ""), "|"); n != 3 {
				t.Errorf("row %q has %d cell separators, want 3", l, n)
			}
		}
	}
	if rows != 3 {
		t.Errorf("%d table lines, want 3:\n%s", rows, md.String())
	}
	dir := t.TempDir()
	for _, name := range []string{"t.html", "t.md"} {
		p := filepath.Join(dir, name)
		if err := tb.WriteFile(p, "zh"); err != nil {
			t.Fatal(err)
		}
		b, _ := os.ReadFile(p)
		if strings.HasSuffix(name, ".md") {
			CheckMarkdownSafe(t, name, string(b))
		} else {
			CheckHTMLSafe(t, name, string(b))
		}
	}
	d := &Document{Title: hostile, Meta: []Meta{{Zh: "m", Value: hostile}}, Notes: []string{hostile}, Table: tb}
	p := filepath.Join(dir, "d.html")
	if err := d.WriteFile(p, "zh", nil); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(p)
	CheckHTMLSafe(t, "document html", string(b))
}

// CheckHTMLSafe fails when out holds the hostile value's markup unescaped
// or its entity not escaped again (&amp; must show as the text "&amp;").
func CheckHTMLSafe(t *testing.T, what, out string) {
	t.Helper()
	if strings.Contains(out, "<script>") || strings.Contains(out, "</script>") || !strings.Contains(out, "&lt;script&gt;") {
		t.Errorf("%s: markup not escaped:\n%s", what, out)
	}
	if strings.Contains(out, "&amp;\n") || !strings.Contains(out, "&amp;amp;") {
		t.Errorf("%s: entity not escaped:\n%s", what, out)
	}
}

// CheckMarkdownSafe fails when out (Markdown or HTML) holds the hostile
// value's markup, link or raw backticks unescaped.
func CheckMarkdownSafe(t *testing.T, what, out string) {
	t.Helper()
	for _, bad := range []string{"<script>", "</script>", "[x](", "`rm -rf`", "&amp;\n"} {
		if strings.Contains(out, bad) {
			t.Errorf("%s holds %q unescaped:\n%s", what, bad, out)
		}
	}
	if !strings.Contains(out, "&lt;script&gt;") || !strings.Contains(out, `\[x\](javascript`) || !strings.Contains(out, "&amp;amp;") {
		t.Errorf("%s: the value is not shown escaped:\n%s", what, out)
	}
}

// A write that fails midway (a full disk: the fault-injecting write stops
// after some bytes) leaves the old file as it was, or no file, and no
// temporary file behind.
func TestWriteFileAtomicFaultLeavesOldFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.csv")
	failing := func(tmp string) error {
		f, err := os.Create(tmp)
		if err != nil {
			return err
		}
		defer f.Close()
		w := &faultWriter{w: f, left: 10}
		return sample().Write(w, Options{Format: CSV})
	}
	if err := WriteFileAtomic(path, failing); err == nil {
		t.Fatal("the failed write reported success")
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Fatalf("a failed first write left %v", ents)
	}
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := WriteFileAtomic(path, failing); err == nil {
		t.Fatal("the failed write reported success")
	}
	if b, _ := os.ReadFile(path); string(b) != "old" {
		t.Errorf("the old file became %q", b)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("files left: %v", ents)
	}
}

// faultWriter accepts left bytes, then fails as a full disk does.
type faultWriter struct {
	w    *os.File
	left int
}

func (f *faultWriter) Write(p []byte) (int, error) {
	if len(p) > f.left {
		n, _ := f.w.Write(p[:f.left])
		f.left = 0
		return n, errNoSpace
	}
	f.left -= len(p)
	return f.w.Write(p)
}

var errNoSpace = errors.New("no space left on device")
