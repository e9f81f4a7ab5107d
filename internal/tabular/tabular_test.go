package tabular

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jedib0t/go-pretty/v6/text"
	"github.com/xuri/excelize/v2"
)

func sample() *Table {
	return &Table{
		Title:   "测试",
		Columns: []Column{{Key: "code", Zh: "代码", En: "Code"}, {Key: "name", Zh: "名称", En: "Name"}},
		Rows:    [][]string{{"000123", "甲公司"}, {"91350100M000100Y43", "乙|公司"}},
	}
}

func TestFilesByExtension(t *testing.T) {
	dir := t.TempDir()
	for _, ext := range []string{".xlsx", ".csv", ".md", ".json", ".html"} {
		p := filepath.Join(dir, "out"+ext)
		if err := sample().WriteFile(p, "zh"); err != nil {
			t.Fatalf("%s: %v", ext, err)
		}
	}
	f, err := excelize.OpenFile(filepath.Join(dir, "out.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, _ := f.GetRows(f.GetSheetName(0))
	if len(rows) != 3 || rows[0][0] != "代码" || rows[1][0] != "000123" {
		t.Fatalf("xlsx rows = %v (codes must stay text with leading zeros)", rows)
	}
	csv, _ := os.ReadFile(filepath.Join(dir, "out.csv"))
	if !bytes.HasPrefix(csv, []byte{0xEF, 0xBB, 0xBF}) || !strings.Contains(string(csv), "代码,名称") {
		t.Fatalf("csv file needs a BOM and the Chinese header: %q", csv)
	}
	md, _ := os.ReadFile(filepath.Join(dir, "out.md"))
	if !strings.Contains(string(md), `乙\|公司`) {
		t.Fatalf("markdown must escape pipes: %s", md)
	}
	// No temporary files are left behind.
	entries, _ := os.ReadDir(dir)
	if len(entries) != 5 {
		t.Fatalf("left behind: %v", entries)
	}
}

func TestPipeIsPlainTSVAndTerminalAligned(t *testing.T) {
	var b bytes.Buffer
	sample().Write(&b, Options{Format: Text})
	if b.String() != "000123\t甲公司\n91350100M000100Y43\t乙|公司\n" {
		t.Fatalf("pipe output = %q", b.String())
	}
	b.Reset()
	sample().Write(&b, Options{Format: Text, TTY: true, Lang: "en"})
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	// Every line of the box has the same display width (CJK counted double).
	w := text.StringWidthWithoutEscSequences(lines[0])
	for _, l := range lines {
		if text.StringWidthWithoutEscSequences(l) != w {
			t.Fatalf("misaligned table:\n%s", b.String())
		}
	}
	if !strings.Contains(b.String(), "Code") {
		t.Fatal("English headers expected with --lang en")
	}
}
