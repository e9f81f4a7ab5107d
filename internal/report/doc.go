// Package report owns the monthly exports: the joint reward and sanction
// case report (第二十八条) and the collection and use report with the
// providers' 红/黄/绿 lights (第五条, 第十七条, 第四十条). A report is a Doc:
// named sections (one sheet each in XLSX) and one JSON object for scripts.
package report

import (
	"credit/internal/diskfault"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"credit/internal/apperr"
	"credit/internal/civil"
	"credit/internal/tabular"
)

// Doc is a report: sections in order and the JSON object scripts read.
type Doc struct {
	Title    string
	Sections []tabular.Sheet
	JSON     any
}

// Exts a report file may have.
var Exts = []string{".xlsx", ".csv", ".md", ".json"}

// SupportedExt reports whether WriteFile can write path.
func SupportedExt(path string) bool {
	ext := strings.ToLower(filepath.Ext(path))
	for _, e := range Exts {
		if e == ext {
			return true
		}
	}
	return false
}

// WriteFile writes the report to path in the format its extension names:
// .xlsx one sheet per section (bold frozen header, fitted widths), .csv the
// sections one after another (UTF-8 with BOM, for Excel), .md one table per
// section, .json the JSON object. The file appears whole or not at all.
func (d *Doc) WriteFile(path, lang string) error {
	ext := strings.ToLower(filepath.Ext(path))
	if ext == ".xlsx" {
		return writeXLSXAtomic(path, lang, d.Sections)
	}
	return tabular.WriteFileAtomic(path, func(tmp string) error {
		f, err := os.Create(tmp)
		if err != nil {
			return err
		}
		defer f.Close()
		switch ext {
		case ".csv":
			if _, err := f.Write([]byte{0xEF, 0xBB, 0xBF}); err != nil {
				return err
			}
			err = d.writeCSV(f, lang)
		case ".md":
			err = d.writeMD(f, lang)
		case ".json":
			err = d.writeJSON(f)
		default:
			return fmt.Errorf("unsupported report file type %q", ext)
		}
		if err != nil {
			return err
		}
		return f.Close()
	})
}

// writeXLSXAtomic writes the workbook beside path and renames it into
// place. The temporary name keeps the .xlsx extension (excelize, which
// wrote workbooks before internal/xlsx, refused any other).
func writeXLSXAtomic(path, lang string, sheets []tabular.Sheet) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))+".*.xlsx")
	if err != nil {
		return err
	}
	tmp := f.Name()
	f.Close()
	defer os.Remove(tmp)
	if err := tabular.WriteXLSX(tmp, lang, sheets...); err != nil {
		return err
	}
	if err := diskfault.Check(tmp); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// Write prints the report on w in a --format: json the object, csv and md
// the sections, table each section as a table (tab-separated in a pipe).
func (d *Doc) Write(w io.Writer, format, lang string, tty bool) error {
	switch format {
	case tabular.JSON:
		return d.writeJSON(w)
	case tabular.CSV:
		return d.writeCSV(w, lang)
	case tabular.MD:
		return d.writeMD(w, lang)
	}
	for i, s := range d.Sections {
		if i > 0 && tty {
			if _, err := io.WriteString(w, "\n"); err != nil {
				return err
			}
		}
		t := *s.Table
		t.Title = s.Name
		t.JSON = nil
		if err := t.Write(w, tabular.Options{Format: tabular.Text, Lang: lang, TTY: tty}); err != nil {
			return err
		}
	}
	return nil
}

func (d *Doc) writeJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(d.JSON)
}

// writeCSV writes each section as its name on a line of its own, its header
// and its rows, with a blank line between sections.
func (d *Doc) writeCSV(w io.Writer, lang string) error {
	cw := csv.NewWriter(w)
	for i, s := range d.Sections {
		if i > 0 {
			if err := cw.Write([]string{""}); err != nil {
				return err
			}
		}
		if err := cw.Write([]string{tabular.GuardFormula(s.Name)}); err != nil {
			return err
		}
		if err := cw.Write(headers(s.Table, lang)); err != nil {
			return err
		}
		if err := cw.WriteAll(tabular.GuardRows(s.Table.Rows)); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func (d *Doc) writeMD(w io.Writer, lang string) error {
	if d.Title != "" {
		if _, err := fmt.Fprintf(w, "# %s\n\n", tabular.MDEscape(d.Title)); err != nil {
			return err
		}
	}
	for i, s := range d.Sections {
		if i > 0 {
			if _, err := io.WriteString(w, "\n"); err != nil {
				return err
			}
		}
		t := *s.Table
		t.Title = s.Name
		if err := t.Write(w, tabular.Options{Format: tabular.MD, Lang: lang}); err != nil {
			return err
		}
	}
	return nil
}

func headers(t *tabular.Table, lang string) []string {
	h := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		h[i] = c.Zh
		if lang == "en" && c.En != "" {
			h[i] = c.En
		}
	}
	return h
}

// Month is a calendar month.
type Month struct {
	Year  int
	Month time.Month
}

// ParseMonth reads --month YYYY-MM (exit 2 otherwise).
func ParseMonth(s string) (Month, error) {
	s = strings.TrimSpace(s)
	var y, m int
	if n, err := fmt.Sscanf(s, "%4d-%2d", &y, &m); err != nil || n != 2 || len(s) != 7 || m < 1 || m > 12 || y < 1900 {
		return Month{}, apperr.Newf(apperr.Usage, "--month %q 无效：应为 YYYY-MM，例如 2025-12", "--month %q is not valid: use YYYY-MM, e.g. 2025-12", s)
	}
	return Month{y, time.Month(m)}, nil
}

// MonthOf is the month of a date.
func MonthOf(d civil.Date) Month { return Month{d.Year, d.Month} }

// First is the month's first day.
func (m Month) First() civil.Date { return civil.New(m.Year, m.Month, 1) }

// Last is the month's last day.
func (m Month) Last() civil.Date { return m.First().EndOfMonth() }

// String is YYYY-MM.
func (m Month) String() string { return fmt.Sprintf("%04d-%02d", m.Year, int(m.Month)) }

func pick(lang, zh, en string) string {
	if lang == "en" {
		return en
	}
	return zh
}
