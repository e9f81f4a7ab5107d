// Package exchange owns the exchange with the provincial system (第六条
// 向上级系统及时准确完整报送, 第十六条 避免重复归集, 第二十三条; docs/exchange.md):
// which records go upward and under which operation code, the file layouts
// (XML written with encoding/xml, JSON Lines), the manifest, the province's
// receipt and the reconciliation of what was sent with what was accepted.
// It holds no SQL; the store keeps runs, sent revisions and receipts.
package exchange

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"sort"
	"strings"

	"credit/internal/archive"
	"credit/internal/catalog"
	"credit/internal/civil"
	"credit/internal/store"
)

// Target is the only exchange partner so far: the provincial system.
const Target = "province"

// Operation codes (docs/exchange.md §3).
const (
	OpInsert   = "I" // 新增: the province has never accepted the record
	OpUpdate   = "U" // 更新: a revision, correction or end of validity of an accepted record
	OpWithdraw = "D" // 撤销: withdrawn after an objection (第三十二条)
	OpRepair   = "R" // 修复: repaired (第三十五条); the province stops showing it
)

// Formats of the data files.
const (
	XML   = "xml"
	JSONL = "jsonl"
)

// OpFor is the operation that brings the province to a record's current
// revision, given the last revision it accepted (0: none).
func OpFor(status string, ackedRev int) string {
	switch status {
	case "withdrawn":
		return OpWithdraw
	case "repaired":
		return OpRepair
	}
	if ackedRev > 0 {
		return OpUpdate
	}
	return OpInsert
}

// UpwardItems are the items the catalog marks for upward reporting, by
// code; only, when non-empty, restricts them.
func UpwardItems(cat *catalog.Catalog, only string) ([]*catalog.Item, error) {
	var out []*catalog.Item
	for _, it := range cat.Items {
		if it.Upward == "" || only != "" && it.Code != only {
			continue
		}
		out = append(out, it)
	}
	if only != "" && len(out) == 0 {
		if cat.Item(only) == nil {
			return nil, fmt.Errorf("unknown item %s", only)
		}
		return nil, errNotUpward
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out, nil
}

var errNotUpward = fmt.Errorf("item not marked for upward reporting")

// IsNotUpward reports the error of UpwardItems for an unmarked item.
func IsNotUpward(err error) bool { return err == errNotUpward }

// Field is one value as it leaves.
type Field struct {
	Name  string
	Value string
}

// Record is one record as it leaves: one <DATA> element or one JSON line.
type Record struct {
	ID         int64
	Rev        int
	Op         string
	Procedure  string
	Category   string
	Severity   string
	DecidedOn  string
	ValidUntil string
	Fields     []Field
}

// File is one data file of a run: one item.
type File struct {
	Name     string
	Item     string
	Personal string // catalog.UpwardFull or UpwardMasked
	Records  []Record
	Data     []byte
	SHA256   string
	Ops      map[string]int
}

// Run is a whole export: its files and manifest.
type Run struct {
	Seq        int64
	Department string
	Date       civil.Date
	Format     string
	Files      []*File
	Manifest   []byte
}

// Records counts the records of all files.
func (r *Run) Records() int {
	n := 0
	for _, f := range r.Files {
		n += len(f.Records)
	}
	return n
}

// FileName is <部门代码><表号>_<YYYYMMDD>_<序号>.<ext>, the sequence in four
// digits at least.
func FileName(department, item string, date civil.Date, seq int64, format string) string {
	return fmt.Sprintf("%s%s_%s_%04d.%s", department, item, strings.ReplaceAll(date.String(), "-", ""), seq, format)
}

// Build makes the files of run seq from rows (ExchangeCandidates for a new
// run, ExchangeRunRows to write an open run again). A row without an Op gets
// one from OpFor. personal gives each item's mode; a row of an item without
// one is an error (the caller picks the items).
func Build(cat *catalog.Catalog, rows []store.ExchangeRow, layouts map[int64][]string, personal map[string]string,
	seq int64, department string, date civil.Date, format string) (*Run, error) {
	run := &Run{Seq: seq, Department: department, Date: date, Format: format}
	byItem := map[string]*File{}
	for _, row := range rows {
		mode, ok := personal[row.Item]
		if !ok {
			return nil, fmt.Errorf("record %d: item %s is not reported upward", row.RecordID, row.Item)
		}
		f := byItem[row.Item]
		if f == nil {
			f = &File{Name: FileName(department, row.Item, date, seq, format), Item: row.Item, Personal: mode, Ops: map[string]int{}}
			byItem[row.Item] = f
			run.Files = append(run.Files, f)
		}
		names, ok := layouts[row.Layout]
		if !ok {
			return nil, fmt.Errorf("record %d: layout %d is missing", row.RecordID, row.Layout)
		}
		var vals []string
		if err := json.Unmarshal([]byte(row.Vals), &vals); err != nil {
			return nil, fmt.Errorf("record %d: stored values: %w", row.RecordID, err)
		}
		op := row.Op
		if op == "" {
			op = OpFor(row.Status, row.AckedRev)
		}
		rec := Record{ID: row.RecordID, Rev: row.Rev, Op: op, Procedure: row.Procedure, Category: row.Category,
			Severity: row.Severity, DecidedOn: row.DecidedOn, ValidUntil: row.ValidUntil}
		rec.Fields = fields(cat.Item(row.Item), catalog.SubjectKind(row.SubjectKind), op, mode, names, vals)
		f.Records = append(f.Records, rec)
		f.Ops[op]++
	}
	sort.Slice(run.Files, func(i, j int) bool { return run.Files[i].Name < run.Files[j].Name })
	for _, f := range run.Files {
		sort.Slice(f.Records, func(i, j int) bool { return f.Records[i].ID < f.Records[j].ID })
		var err error
		if format == JSONL {
			f.Data, err = encodeJSONL(f)
		} else {
			f.Data, err = encodeXML(run, f)
		}
		if err != nil {
			return nil, err
		}
		f.SHA256 = hashOf(f.Data)
	}
	m, err := manifest(run)
	if err != nil {
		return nil, err
	}
	run.Manifest = m
	return run, nil
}

// fields are the values that leave for op: every stored field, in layout
// order, for I and U (the province replaces its copy whole); only the
// natural key for D and R, which tell the province which record to
// withdraw or stop showing (withdrawn prohibited information never leaves).
func fields(it *catalog.Item, kind catalog.SubjectKind, op, mode string, names, vals []string) []Field {
	keep := func(string) bool { return true }
	if op == OpWithdraw || op == OpRepair {
		key := map[string]bool{}
		if it != nil {
			for _, k := range it.Key {
				key[k] = true
			}
		}
		keep = func(n string) bool { return key[n] }
	}
	var out []Field
	for i, n := range names {
		if !keep(n) {
			continue
		}
		v := ""
		if i < len(vals) {
			v = vals[i]
		}
		if mode == catalog.UpwardMasked {
			v = archive.MaskPublic(it, kind, n, v)
		}
		out = append(out, Field{Name: n, Value: v})
	}
	return out
}

func hashOf(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// HashOf is the SHA-256 of b in hex, as the manifest and receipts give it.
func HashOf(b []byte) string { return hashOf(b) }

type xmlDatas struct {
	XMLName    xml.Name  `xml:"DATAS"`
	Sequence   int64     `xml:"sequence,attr"`
	Department string    `xml:"department,attr"`
	Item       string    `xml:"item,attr"`
	Date       string    `xml:"date,attr"`
	Personal   string    `xml:"personal,attr"`
	Count      int       `xml:"count,attr"`
	Data       []xmlData `xml:"DATA"`
}

type xmlData struct {
	Op         string     `xml:"op,attr"`
	ID         int64      `xml:"id,attr"`
	Rev        int        `xml:"rev,attr"`
	Procedure  string     `xml:"procedure,attr"`
	Category   string     `xml:"category,attr"`
	Severity   string     `xml:"severity,attr,omitempty"`
	DecidedOn  string     `xml:"decided_on,attr,omitempty"`
	ValidUntil string     `xml:"valid_until,attr,omitempty"`
	Fields     []xmlField `xml:"FIELD"`
}

type xmlField struct {
	Name  string `xml:"name,attr"`
	Value string `xml:",chardata"`
}

func encodeXML(run *Run, f *File) ([]byte, error) {
	doc := xmlDatas{Sequence: run.Seq, Department: run.Department, Item: f.Item, Date: run.Date.String(), Personal: f.Personal, Count: len(f.Records)}
	for _, r := range f.Records {
		d := xmlData{Op: r.Op, ID: r.ID, Rev: r.Rev, Procedure: r.Procedure, Category: r.Category, Severity: r.Severity,
			DecidedOn: r.DecidedOn, ValidUntil: r.ValidUntil}
		for _, fl := range r.Fields {
			d.Fields = append(d.Fields, xmlField{Name: fl.Name, Value: fl.Value})
		}
		doc.Data = append(doc.Data, d)
	}
	var b bytes.Buffer
	b.WriteString(xml.Header)
	enc := xml.NewEncoder(&b)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	b.WriteByte('\n')
	return b.Bytes(), nil
}

// jsonRecord is one line of a JSON Lines file; fields keep layout order as
// [name, value] pairs.
type jsonRecord struct {
	Op         string      `json:"op"`
	ID         int64       `json:"id"`
	Rev        int         `json:"rev"`
	Item       string      `json:"item"`
	Procedure  string      `json:"procedure"`
	Category   string      `json:"category"`
	Severity   string      `json:"severity"`
	DecidedOn  string      `json:"decided_on"`
	ValidUntil string      `json:"valid_until"`
	Fields     [][2]string `json:"fields"`
}

func encodeJSONL(f *File) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	for _, r := range f.Records {
		jr := jsonRecord{Op: r.Op, ID: r.ID, Rev: r.Rev, Item: f.Item, Procedure: r.Procedure, Category: r.Category, Severity: r.Severity,
			DecidedOn: r.DecidedOn, ValidUntil: r.ValidUntil, Fields: [][2]string{}}
		for _, fl := range r.Fields {
			jr.Fields = append(jr.Fields, [2]string{fl.Name, fl.Value})
		}
		if err := enc.Encode(jr); err != nil {
			return nil, err
		}
	}
	return b.Bytes(), nil
}

// Manifest is manifest.json (docs/exchange.md §2).
type Manifest struct {
	Layout     string         `json:"layout"`
	Sequence   int64          `json:"sequence"`
	Target     string         `json:"target"`
	Department string         `json:"department"`
	Date       string         `json:"date"`
	Format     string         `json:"format"`
	Records    int            `json:"records"`
	Files      []ManifestFile `json:"files"`
}

// ManifestFile is one data file in the manifest.
type ManifestFile struct {
	Name       string         `json:"name"`
	Item       string         `json:"item"`
	SHA256     string         `json:"sha256"`
	Records    int            `json:"records"`
	Operations map[string]int `json:"operations"`
}

// LayoutName names this layout in every manifest.
const LayoutName = "credit-exchange/1"

func manifest(run *Run) ([]byte, error) {
	m := Manifest{Layout: LayoutName, Sequence: run.Seq, Target: Target, Department: run.Department, Date: run.Date.String(),
		Format: run.Format, Records: run.Records(), Files: []ManifestFile{}}
	for _, f := range run.Files {
		m.Files = append(m.Files, ManifestFile{Name: f.Name, Item: f.Item, SHA256: f.SHA256, Records: len(f.Records), Operations: f.Ops})
	}
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}
