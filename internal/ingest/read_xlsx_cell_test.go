package ingest

import (
	"archive/zip"
	"bytes"
	"errors"
	"runtime"
	"testing"
)

// TestReadXLSXHugeCellBounded: a cell far beyond the cell limit in a
// workbook whose compression ratio passes (so the ratio limit does not
// stop it) is refused at its row and column after reading about the
// bound: the XML decoder never holds the cell. (excelize, before
// internal/xlsx, read such a cell whole: a 512 MiB cell took 2.1 GB.)
func TestReadXLSXHugeCellBounded(t *testing.T) {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for name, body := range map[string]string{
		"xl/workbook.xml":            `<workbook xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" r:id="a"/></sheets></workbook>`,
		"xl/_rels/workbook.xml.rels": `<Relationships><Relationship Id="a" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/s.xml"/></Relationships>`,
	} {
		w, _ := zw.Create(name)
		w.Write([]byte(body))
	}
	w, _ := zw.Create("xl/worksheets/s.xml")
	w.Write([]byte(`<worksheet><sheetData><row r="1"><c t="inlineStr"><is><t>名称</t></is></c><c t="inlineStr"><is><t>代码</t></is></c></row>` +
		`<row r="3"><c r="A3" t="inlineStr"><is><t>甲</t></is></c><c r="B3" t="inlineStr"><is><t>`))
	// 8 MiB of text that compresses about 10:1 (a 600-byte block, each
	// repeated 10 times): under a ratio limit of 100.
	block := make([]byte, 600)
	seed := uint32(1)
	for n := 0; n < 8<<20; n += 6000 {
		for i := range block {
			seed = seed*1664525 + 1013904223
			block[i] = 'a' + byte(seed>>24)%26
		}
		for range 10 {
			w.Write(block)
		}
	}
	w.Write([]byte(`</t></is></c></row></sheetData></worksheet>`))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	path := writeTemp(t, "in.xlsx", b.Bytes())
	lim := Limits{CellSize: 1 << 10, Columns: 8, XLSXRatio: 100}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err := readAll(t, path, ReadOptions{Limits: lim})
	runtime.ReadMemStats(&after)
	wantFileError(t, err, path, ReasonCellTooLarge, 3, "第 3 行第 2 列", "1 KiB", "import_limits.cell_size")
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 4<<20 {
		t.Errorf("reading allocated %d bytes for a refused 8 MiB cell", alloc)
	}
	var fe *FileError
	if errors.As(err, &fe) && !bytes.Contains([]byte(fe.En), []byte("row 3 column 2")) {
		t.Errorf("English message %q does not name row 3 column 2", fe.En)
	}
}
