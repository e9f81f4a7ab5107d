// Package tabular renders credit's output: one Table, many faces — aligned
// tables on a terminal (CJK-aware), tab-separated rows in a pipe, JSON, CSV,
// Markdown, HTML and XLSX files. Commands build a Table; this package decides
// how it looks.
package tabular

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jedib0t/go-pretty/v6/table"
	"github.com/jedib0t/go-pretty/v6/text"

	"credit/internal/diskfault"
	"credit/internal/xlsx"
)

// Column names a column for people (Zh/En header) and for scripts (Key, the
// JSON key when the table has no JSON value of its own).
type Column struct {
	Key string
	Zh  string
	En  string
	// Kind says how an XLSX file writes the column's cells (KindText,
	// KindInt, KindNumber, KindMoney, KindDate); empty lets WriteXLSX infer
	// it from the values (xlsxKinds). Other formats write the text.
	Kind string
}

// Column kinds for XLSX files.
const (
	KindText   = "text"   // text, whatever it looks like (codes, document numbers)
	KindInt    = "int"    // a whole number (counts, ids)
	KindNumber = "number" // a decimal number, general format
	KindMoney  = "money"  // an amount, shown #,##0.00
	KindDate   = "date"   // YYYY-MM-DD, a date cell shown yyyy-mm-dd
)

// Table is what a command prints.
type Table struct {
	Title   string
	Columns []Column
	Rows    [][]string
	// JSON, when set, is printed for --format json instead of the rows. It is
	// the stable contract for scripts (SPEC §A).
	JSON any
	// Footer lines printed after a text table (counts, hints); never in JSON.
	Footer []string
}

// Formats accepted by --format.
const (
	Text = "table"
	JSON = "json"
	CSV  = "csv"
	MD   = "md"
)

// Options say how to render.
type Options struct {
	Format string // table|json|csv|md
	Lang   string // zh|en
	TTY    bool   // stdout is a terminal
	// Width is the terminal's width in columns (0: unknown, no limit): a
	// terminal table is fitted to it (fitWidth).
	Width int
}

func (t *Table) headers(lang string) []string {
	h := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		h[i] = c.Zh
		if lang == "en" && c.En != "" {
			h[i] = c.En
		}
	}
	return h
}

// Write renders t to w.
func (t *Table) Write(w io.Writer, o Options) error {
	switch o.Format {
	case JSON:
		return t.writeJSON(w)
	case CSV:
		return t.writeCSV(w, o.Lang, false)
	case MD:
		return t.writeMD(w, o.Lang)
	case "", Text:
		if !o.TTY {
			return t.writeTSV(w)
		}
		return t.writePretty(w, o.Lang, o.Width)
	}
	return fmt.Errorf("unknown format %q", o.Format)
}

func (t *Table) jsonValue() any {
	if t.JSON != nil {
		return t.JSON
	}
	list := make([]map[string]string, 0, len(t.Rows))
	for _, r := range t.Rows {
		m := make(map[string]string, len(t.Columns))
		for i, c := range t.Columns {
			if i < len(r) {
				m[c.Key] = r[i]
			}
		}
		list = append(list, m)
	}
	return list
}

func (t *Table) writeJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(t.jsonValue())
}

func (t *Table) writeTSV(w io.Writer) error {
	var b bytes.Buffer
	for _, r := range t.Rows {
		for i, c := range r {
			if i > 0 {
				b.WriteByte('\t')
			}
			b.WriteString(strings.NewReplacer("\t", " ", "\n", " ").Replace(c))
		}
		b.WriteByte('\n')
	}
	_, err := w.Write(b.Bytes())
	return err
}

func (t *Table) writePretty(w io.Writer, lang string, width int) error {
	tw := table.NewWriter()
	tw.SetStyle(table.StyleLight)
	tw.Style().Format.Header = text.FormatDefault // keep headers as written
	if t.Title != "" {
		tw.SetTitle(t.Title)
	}
	hdr := table.Row{}
	for _, h := range t.headers(lang) {
		hdr = append(hdr, h)
	}
	tw.AppendHeader(hdr)
	for _, r := range t.Rows {
		row := make(table.Row, len(r))
		for i, c := range r {
			row[i] = c
		}
		tw.AppendRow(row)
	}
	fitWidth(tw, t.headers(lang), t.Rows, t.Title, width)
	if _, err := io.WriteString(w, tw.Render()+"\n"); err != nil {
		return err
	}
	for _, f := range t.Footer {
		if _, err := io.WriteString(w, f+"\n"); err != nil {
			return err
		}
	}
	return nil
}

func (t *Table) writeCSV(w io.Writer, lang string, bom bool) error {
	if bom {
		if _, err := w.Write([]byte{0xEF, 0xBB, 0xBF}); err != nil {
			return err
		}
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(GuardRow(t.headers(lang))); err != nil {
		return err
	}
	if err := cw.WriteAll(GuardRows(t.Rows)); err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

func mdEscape(s string) string { return MDEscape(s) }

func (t *Table) writeMD(w io.Writer, lang string) error {
	var b strings.Builder
	if t.Title != "" {
		fmt.Fprintf(&b, "## %s\n\n", mdEscape(t.Title))
	}
	h := t.headers(lang)
	for i := range h {
		h[i] = mdEscape(h[i])
	}
	fmt.Fprintf(&b, "| %s |\n", strings.Join(h, " | "))
	fmt.Fprintf(&b, "|%s\n", strings.Repeat("---|", len(h)))
	for _, r := range t.Rows {
		c := make([]string, len(r))
		for i := range r {
			c[i] = mdEscape(r[i])
		}
		fmt.Fprintf(&b, "| %s |\n", strings.Join(c, " | "))
	}
	for _, f := range t.Footer {
		fmt.Fprintf(&b, "\n%s\n", mdEscape(f))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func (t *Table) writeHTML(w io.Writer, lang string) error {
	var b strings.Builder
	b.WriteString("<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>")
	b.WriteString(html.EscapeString(t.Title))
	b.WriteString("</title></head><body>\n")
	if t.Title != "" {
		fmt.Fprintf(&b, "<h2>%s</h2>\n", html.EscapeString(t.Title))
	}
	b.WriteString("<table border=\"1\" cellspacing=\"0\" cellpadding=\"4\">\n<thead><tr>")
	for _, h := range t.headers(lang) {
		fmt.Fprintf(&b, "<th>%s</th>", html.EscapeString(h))
	}
	b.WriteString("</tr></thead>\n<tbody>\n")
	for _, r := range t.Rows {
		b.WriteString("<tr>")
		for _, c := range r {
			fmt.Fprintf(&b, "<td>%s</td>", html.EscapeString(c))
		}
		b.WriteString("</tr>\n")
	}
	b.WriteString("</tbody></table>\n")
	for _, f := range t.Footer {
		fmt.Fprintf(&b, "<p>%s</p>\n", html.EscapeString(f))
	}
	b.WriteString("</body></html>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// Sheet is one worksheet of an XLSX workbook.
type Sheet struct {
	Name  string
	Table *Table
}

// WriteXLSX writes sheets to path as a workbook that opens well (issue 19):
// a bold header row, frozen, with an autofilter over it; column widths
// fitted to the text (CJK counted double); numbers as numbers, dates as
// date cells shown yyyy-mm-dd, amounts shown #,##0.00 (xlsxKinds says which
// column is which). Text cells keep codes' leading zeros and are guarded
// against formulas (GuardFormula).
func WriteXLSX(path, lang string, sheets ...Sheet) error {
	out, err := os.Create(path)
	if err != nil {
		return err
	}
	defer out.Close()
	w := xlsx.NewWriter(out)
	for i, s := range sheets {
		name := s.Name
		if name == "" {
			name = fmt.Sprintf("Sheet%d", i+1)
		}
		hdr := s.Table.headers(lang)
		kinds := xlsxKinds(s.Table)
		widths := make([]int, len(hdr))
		for c := range hdr {
			widths[c] = displayWidth(hdr[c]) + 2 // room for the filter button
		}
		for _, r := range s.Table.Rows {
			for c := range r {
				if c < len(widths) {
					widths[c] = max(widths[c], displayWidth(r[c]))
				}
			}
		}
		colWidths := make([]float64, len(widths))
		for c, wd := range widths {
			if kinds[c] == KindDate || kinds[c] == KindMoney {
				wd = max(wd, 12) // 2026-12-01, 1,234,567.00
			}
			colWidths[c] = float64(min(max(wd+2, 6), 60))
		}
		if err := w.AddSheet(name, xlsx.SheetOptions{Widths: colWidths, FreezeHeader: true, AutoFilter: len(hdr) > 0}); err != nil {
			return err
		}
		row := make([]xlsx.Cell, len(hdr))
		for c, h := range hdr {
			row[c] = xlsx.TextCell(xlsxText(GuardFormula(h)), xlsx.StyleBold)
		}
		if err := w.WriteRow(row); err != nil {
			return err
		}
		for _, data := range s.Table.Rows {
			vals := make([]xlsx.Cell, len(data))
			for c := range data {
				kind := ""
				if c < len(kinds) {
					kind = kinds[c]
				}
				vals[c] = xlsxCell(data[c], kind)
			}
			if err := w.WriteRow(vals); err != nil {
				return err
			}
		}
	}
	if err := w.Close(); err != nil {
		return err
	}
	return out.Close()
}

// xlsxText cuts a text to the 32,767 characters (UTF-16 units) a cell
// holds: Excel's limit, which the writer before internal/xlsx (excelize)
// applied the same way.
func xlsxText(s string) string {
	const maxCellUnits = 32767
	if len(s) <= maxCellUnits {
		return s // at most one unit per byte
	}
	units := 0
	for i, r := range s {
		n := 1
		if r >= 0x10000 {
			n = 2
		}
		if units+n > maxCellUnits {
			return s[:i]
		}
		units += n
	}
	return s
}

// smallInt is a whole number a spreadsheet keeps exactly and that is no
// code: no leading zero, at most 9 digits (an 11-digit phone number or an
// 18-digit ID number stays text).
var smallInt = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(?:0|-?[1-9][0-9]{0,8})$`) })

// isoDate is a YYYY-MM-DD text.
var isoDate = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}$`) })

// xlsxKinds is each column's kind: its Kind, or for a column without one,
// date when every non-empty cell is a real YYYY-MM-DD date, int when every
// one is a small whole number (smallInt), else text.
func xlsxKinds(t *Table) []string {
	kinds := make([]string, len(t.Columns))
	for c, col := range t.Columns {
		if col.Kind != "" {
			kinds[c] = col.Kind
			continue
		}
		dates, ints, seen := true, true, false
		for _, r := range t.Rows {
			if c >= len(r) || r[c] == "" {
				continue
			}
			seen = true
			v := r[c]
			if dates {
				if _, err := time.Parse("2006-01-02", v); err != nil || !isoDate().MatchString(v) {
					dates = false
				}
			}
			if ints && !smallInt().MatchString(v) {
				ints = false
			}
			if !dates && !ints {
				break
			}
		}
		switch {
		case !seen:
			kinds[c] = KindText
		case dates:
			kinds[c] = KindDate
		case ints:
			kinds[c] = KindInt
		default:
			kinds[c] = KindText
		}
	}
	return kinds
}

// xlsxCell is the cell a value of kind becomes; a value that does not read
// as its kind (a note such as 没有案例 in a count column) is written as
// guarded text, so nothing is lost.
func xlsxCell(v, kind string) xlsx.Cell {
	if v == "" {
		return xlsx.Cell{}
	}
	switch kind {
	case KindInt:
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			return xlsx.NumberCell(float64(n), xlsx.StylePlain)
		}
	case KindNumber:
		if number().MatchString(v) {
			if x, err := strconv.ParseFloat(v, 64); err == nil {
				return xlsx.NumberCell(x, xlsx.StylePlain)
			}
		}
	case KindMoney:
		if x, err := strconv.ParseFloat(strings.ReplaceAll(v, ",", ""), 64); err == nil && number().MatchString(strings.ReplaceAll(v, ",", "")) {
			return xlsx.NumberCell(x, xlsx.StyleMoney)
		}
	case KindDate:
		if d, err := time.Parse("2006-01-02", v); err == nil {
			return xlsx.DateCell(d)
		}
	}
	return xlsx.TextCell(xlsxText(GuardFormula(v)), xlsx.StylePlain)
}

func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x1100 {
			n += 2
		} else {
			n++
		}
	}
	return n
}

// WriteFile writes t to path in the format its extension names (.xlsx, .csv,
// .md, .json, .html). The file appears whole or not at all: it is written to
// a temporary file beside it and renamed.
func (t *Table) WriteFile(path, lang string) error {
	return WriteFileAtomic(path, func(tmp string) error {
		ext := strings.ToLower(filepath.Ext(path))
		if ext == ".xlsx" {
			return WriteXLSX(tmp, lang, Sheet{Name: sheetName(t.Title), Table: t})
		}
		f, err := os.Create(tmp)
		if err != nil {
			return err
		}
		defer f.Close()
		switch ext {
		case ".csv":
			err = t.writeCSV(f, lang, true)
		case ".md":
			err = t.writeMD(f, lang)
		case ".json":
			err = t.writeJSON(f)
		case ".html", ".htm":
			err = t.writeHTML(f, lang)
		default:
			return fmt.Errorf("unsupported file type %q", ext)
		}
		if err != nil {
			return err
		}
		return f.Close()
	})
}

// SupportedExt reports whether WriteFile can write a file with this name.
func SupportedExt(path string) bool {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".xlsx", ".csv", ".md", ".json", ".html", ".htm":
		return true
	}
	return false
}

func sheetName(title string) string {
	if title == "" {
		return "Sheet1"
	}
	r := []rune(strings.NewReplacer("/", "-", "\\", "-", "?", "", "*", "", "[", "(", "]", ")", ":", "-").Replace(title))
	if len(r) > 31 {
		r = r[:31]
	}
	return string(r)
}

// WriteFileAtomic calls write with a temporary path in path's folder and
// renames the result onto path, so readers never see half a file.
func WriteFileAtomic(path string, write func(tmp string) error) error {
	dir := filepath.Dir(path)
	// The temporary name keeps the extension, so a half-written file is
	// recognisable for what it is.
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*"+filepath.Ext(path))
	if err != nil {
		return err
	}
	tmp := f.Name()
	f.Close()
	defer os.Remove(tmp)
	if err := write(tmp); err != nil {
		return err
	}
	if err := diskfault.Check(tmp); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
