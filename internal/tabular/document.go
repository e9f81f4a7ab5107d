package tabular

import (
	"credit/internal/diskfault"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"html/template"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// Document is a table that carries, inside the file itself, a few named
// values about it (a list's date, the hash of its entries) and notes for
// its readers: a header section in CSV, a second sheet in XLSX, lines above
// the table in HTML. JSON holds whatever the caller gives (JSON).
type Document struct {
	Title string
	Meta  []Meta
	Notes []string
	Table *Table
	JSON  any
}

// Meta is one named value of a document.
type Meta struct {
	Zh, En string // label
	Value  string
}

func (m Meta) label(lang string) string {
	if lang == "en" && m.En != "" {
		return m.En
	}
	return m.Zh
}

// DocumentExt reports whether WriteFile can write a document with this name
// (.csv, .json, .xlsx, .html).
func DocumentExt(path string) bool {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv", ".json", ".xlsx", ".html", ".htm":
		return true
	}
	return false
}

// WriteFile writes the document to path in the format its extension names,
// whole or not at all (WriteFileAtomic). before, when set, runs once the
// temporary file is complete and before it takes path's place: when it
// fails, nothing is written (a publication is logged there).
func (d *Document) WriteFile(path, lang string, before func() error) error {
	return WriteFileAtomic(path, func(tmp string) error {
		if err := d.write(tmp, strings.ToLower(filepath.Ext(path)), lang); err != nil {
			return err
		}
		// A file the disk could not hold is never logged as published.
		if err := diskfault.Check(tmp); err != nil {
			return err
		}
		if before != nil {
			return before()
		}
		return nil
	})
}

func (d *Document) write(tmp, ext, lang string) error {
	if ext == ".xlsx" {
		meta := &Table{Columns: []Column{{Key: "key", Zh: "项目", En: "Item"}, {Key: "value", Zh: "内容", En: "Value"}}}
		if d.Title != "" {
			meta.Rows = append(meta.Rows, []string{pickLang(lang, "标题", "Title"), d.Title})
		}
		for _, m := range d.Meta {
			meta.Rows = append(meta.Rows, []string{m.label(lang), m.Value})
		}
		for _, n := range d.Notes {
			meta.Rows = append(meta.Rows, []string{pickLang(lang, "说明", "Note"), n})
		}
		return WriteXLSX(tmp, lang, Sheet{Name: sheetName(d.Table.Title), Table: d.Table}, Sheet{Name: pickLang(lang, "说明", "About"), Table: meta})
	}
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	defer f.Close()
	switch ext {
	case ".csv":
		err = d.writeCSV(f, lang)
	case ".json":
		enc := json.NewEncoder(f)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		err = enc.Encode(d.JSON)
	case ".html", ".htm":
		err = documentPage().Execute(f, d.page(lang))
	default:
		return fmt.Errorf("unsupported file type %q", ext)
	}
	if err != nil {
		return err
	}
	return f.Close()
}

func pickLang(lang, zh, en string) string {
	if lang == "en" {
		return en
	}
	return zh
}

// writeCSV: UTF-8 with BOM; the title, then one "label,value" row per named
// value and one row per note, an empty row, then the table (its header row
// first). A reader finds the table after the first empty row.
func (d *Document) writeCSV(f *os.File, lang string) error {
	if _, err := f.Write([]byte{0xEF, 0xBB, 0xBF}); err != nil {
		return err
	}
	w := csv.NewWriter(f)
	if d.Title != "" {
		w.Write(GuardRow([]string{d.Title}))
	}
	for _, m := range d.Meta {
		w.Write(GuardRow([]string{m.label(lang), m.Value}))
	}
	for _, n := range d.Notes {
		w.Write(GuardRow([]string{n}))
	}
	w.Flush()
	// encoding/csv writes an empty record as nothing: the separator row is
	// written by hand.
	if _, err := f.WriteString("\n"); err != nil {
		return err
	}
	w.Write(GuardRow(d.Table.headers(lang)))
	w.WriteAll(GuardRows(d.Table.Rows))
	w.Flush()
	return w.Error()
}

type docPage struct {
	Title   string
	Meta    []docMeta
	Notes   []string
	Headers []string
	Rows    [][]string
	Empty   string
}

type docMeta struct{ Label, Value string }

func (d *Document) page(lang string) docPage {
	p := docPage{Title: d.Title, Notes: d.Notes, Headers: d.Table.headers(lang), Rows: d.Table.Rows, Empty: pickLang(lang, "（无条目）", "(no entries)")}
	for _, m := range d.Meta {
		p.Meta = append(p.Meta, docMeta{m.label(lang), m.Value})
	}
	return p
}

// documentPage is one static page a website can host as it is: every value
// escaped by html/template, no script, a viewport meta tag and no fixed
// widths, the table scrolling sideways inside its box on a narrow screen.
// It is parsed on first use: an HTML document is rare, and parsing the
// template cost every command's start-up.
var documentPage = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("doc").Parse(`<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>
body { font-family: sans-serif; margin: 1em; line-height: 1.5; }
.meta { margin: 0 0 1em; padding: 0; list-style: none; }
.meta li { overflow-wrap: anywhere; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; }
th, td { border: thin solid #999; padding: 0.3em 0.5em; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
th { background: #eee; }
</style>
</head>
<body>
<h1>{{.Title}}</h1>
<ul class="meta">
{{- range .Meta}}
<li>{{.Label}}：{{.Value}}</li>
{{- end}}
</ul>
{{- range .Notes}}
<p>{{.}}</p>
{{- end}}
<div class="scroll">
<table>
<thead><tr>{{range .Headers}}<th>{{.}}</th>{{end}}</tr></thead>
<tbody>
{{- range .Rows}}
<tr>{{range .}}<td>{{.}}</td>{{end}}</tr>
{{- else}}
<tr><td colspan="{{len .Headers}}">{{.Empty}}</td></tr>
{{- end}}
</tbody>
</table>
</div>
</body>
</html>
`))
})
