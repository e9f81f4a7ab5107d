package cli

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// Issue 20: exchange with the provincial system (第六条, 第十六条, 第二十三条).

type manifestJSON struct {
	Layout     string `json:"layout"`
	Sequence   int64  `json:"sequence"`
	Department string `json:"department"`
	Date       string `json:"date"`
	Format     string `json:"format"`
	Records    int    `json:"records"`
	Files      []struct {
		Name       string         `json:"name"`
		Item       string         `json:"item"`
		SHA256     string         `json:"sha256"`
		Records    int            `json:"records"`
		Operations map[string]int `json:"operations"`
	} `json:"files"`
}

type datasXML struct {
	Sequence int64  `xml:"sequence,attr"`
	Item     string `xml:"item,attr"`
	Count    int    `xml:"count,attr"`
	Data     []struct {
		Op         string `xml:"op,attr"`
		ID         int64  `xml:"id,attr"`
		Rev        int    `xml:"rev,attr"`
		DecidedOn  string `xml:"decided_on,attr"`
		ValidUntil string `xml:"valid_until,attr"`
		Fields     []struct {
			Name  string `xml:"name,attr"`
			Value string `xml:",chardata"`
		} `xml:"FIELD"`
	} `xml:"DATA"`
}

type exchangeStatusJSON struct {
	Failed  int  `json:"failed"`
	Overdue int  `json:"overdue"`
	OK      bool `json:"ok"`
	Open    int  `json:"awaiting_receipt_sequence"`
	Items   []struct {
		Item          string `json:"item"`
		Local         int    `json:"local"`
		FromProvince  int    `json:"from_province"`
		Sent          int    `json:"sent"`
		Acknowledged  int    `json:"acknowledged"`
		Failed        int    `json:"failed"`
		Pending       int    `json:"pending"`
		Awaiting      int    `json:"awaiting_receipt"`
		OldestSince   string `json:"oldest_pending_since"`
		OldestWorkday int    `json:"oldest_pending_workdays"`
		Overdue       int    `json:"overdue"`
	} `json:"items"`
}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func readManifest(t *testing.T, dir string) manifestJSON {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	return decode[manifestJSON](t, string(b))
}

func readDatas(t *testing.T, path string) (datasXML, []byte) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var d datasXML
	if err := xml.Unmarshal(b, &d); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return d, b
}

// receiptFor writes a receipt answering every record of the run in dir:
// errors maps record id → error code; the rest are accepted.
func receiptFor(t *testing.T, h *harness, dir, name string, errors map[int64]string) string {
	t.Helper()
	m := readManifest(t, dir)
	type res struct {
		File    string `json:"file"`
		ID      int64  `json:"id"`
		Rev     int    `json:"rev"`
		Result  string `json:"result"`
		Code    string `json:"code,omitempty"`
		Message string `json:"message,omitempty"`
	}
	rc := map[string]any{"sequence": m.Sequence, "department": m.Department, "received_on": m.Date}
	var files []map[string]string
	var results []res
	for _, f := range m.Files {
		d, b := readDatas(t, filepath.Join(dir, f.Name))
		// The province computes the hash of what it received.
		files = append(files, map[string]string{"name": f.Name, "sha256": sha(b)})
		for _, r := range d.Data {
			x := res{File: f.Name, ID: r.ID, Rev: r.Rev, Result: "accepted"}
			if code, ok := errors[r.ID]; ok {
				x.Result, x.Code, x.Message = "error", code, "证件号码与主体名称不一致"
			}
			results = append(results, x)
		}
	}
	rc["files"], rc["results"] = files, results
	b, _ := json.Marshal(rc)
	return h.writeFile(name, string(b))
}

func xzcfExchangeStatus(t *testing.T, h *harness, args ...string) exchangeStatusJSON {
	t.Helper()
	r := h.run(append([]string{"exchange", "status", "--format", "json"}, args...)...)
	if r.Code != 0 && r.Code != 5 {
		t.Fatalf("status: exit %d %s", r.Code, r.Err)
	}
	s := decode[exchangeStatusJSON](t, r.Out)
	for _, it := range s.Items {
		if it.Item == "XZCF" {
			s.Items = s.Items[:0]
			s.Items = append(s.Items, it)
			return s
		}
	}
	t.Fatalf("no XZCF line: %s", r.Out)
	return s
}

func dirFiles(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, e := range ents {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = b
	}
	return out
}

// TestExchangeRoundTrip: export → receipt with mixed results → export again
// (only the failed one, plus a revision) → full receipt → status clean.
// Before a receipt, exporting again writes the same files byte for byte.
func TestExchangeRoundTrip(t *testing.T) {
	h := importHarness(t) // office date 2025-12-01
	f := filepath.Join(h.dir, "local.csv")
	writeCSV(t, f, xzcfHeader, [][]string{
		xzcfRow(nil), // record 1
		xzcfRow(map[string]string{"行政相对人名称": "乙公司", "行政相对人代码_1（统一社会信用代码）": orgB, "行政处罚决定书文号": "通市监罚〔2025〕2号"}), // record 2
		// Record 3: decided 2024-01-10, general: valid through 2025-01-10, expired on 2025-12-01 — it still goes up.
		xzcfRow(map[string]string{"行政处罚决定书文号": "通市监罚〔2024〕3号", "处罚决定日期": "2024-01-10", "处罚有效期": "2025-01-10"}),
	}, false)
	h.ok("import", f, "--provider", provider, "--item", "XZCF")
	// Record 4 came down from the province: it never goes back up (第十六条).
	pf := filepath.Join(h.dir, "province.csv")
	writeCSV(t, pf, xzcfHeader, [][]string{xzcfRow(map[string]string{"行政处罚决定书文号": "苏市监罚〔2025〕9号"})}, false)
	h.ok("import", pf, "--provider", provider, "--item", "XZCF", "--channel", "province")

	out1 := filepath.Join(h.dir, "out1")
	h.ok("exchange", "export", "--to", "province", "-o", out1)
	m := readManifest(t, out1)
	if m.Sequence != 1 || m.Department != "320600" || m.Date != "2025-12-01" || m.Format != "xml" || m.Records != 3 || len(m.Files) != 1 {
		t.Fatalf("manifest: %+v", m)
	}
	mf := m.Files[0]
	if mf.Name != "320600XZCF_20251201_0001.xml" || mf.Item != "XZCF" || mf.Records != 3 || mf.Operations["I"] != 3 || len(mf.Operations) != 1 {
		t.Fatalf("manifest file: %+v", mf)
	}
	d, b := readDatas(t, filepath.Join(out1, mf.Name))
	if mf.SHA256 != sha(b) {
		t.Fatalf("manifest hash %s, file hash %s", mf.SHA256, sha(b))
	}
	if !bytes.HasPrefix(b, []byte(`<?xml version="1.0" encoding="UTF-8"?>`)) || d.Sequence != 1 || d.Item != "XZCF" || d.Count != 3 || len(d.Data) != 3 {
		t.Fatalf("file: %+v\n%s", d, b)
	}
	var ids []int64
	for _, r := range d.Data {
		ids = append(ids, r.ID)
	}
	if !slices.Equal(ids, []int64{1, 2, 3}) {
		t.Fatalf("records sent %v, want 1 2 3 (not the province's 4)", ids)
	}
	if r := d.Data[2]; r.Op != "I" || r.DecidedOn != "2024-01-10" || r.ValidUntil != "2025-01-10" {
		t.Errorf("expired record: %+v", r)
	}
	// Personal fields leave as the catalog says (upward: full): the legal
	// representative's ID number as stored.
	found := false
	for _, fl := range d.Data[0].Fields {
		if fl.Name == "法定代表人证件号码" && fl.Value == personID {
			found = true
		}
	}
	if !found {
		t.Errorf("record 1 lacks 法定代表人证件号码 %s: %+v", personID, d.Data[0].Fields)
	}
	s := xzcfExchangeStatus(t, h)
	if it := s.Items[0]; it.Local != 3 || it.FromProvince != 1 || it.Sent != 3 || it.Pending != 3 || it.Awaiting != 3 || s.Open != 1 {
		t.Fatalf("status after export: %+v", s)
	}

	// Before a receipt, the same run again, byte for byte.
	out2 := filepath.Join(h.dir, "out2")
	h.ok("exchange", "export", "--to", "province", "-o", out2)
	a, c := dirFiles(t, out1), dirFiles(t, out2)
	if len(a) != 2 || len(c) != len(a) {
		t.Fatalf("files: %d and %d", len(a), len(c))
	}
	for n, bs := range a {
		if !bytes.Equal(bs, c[n]) {
			t.Errorf("%s differs on the second export", n)
		}
	}

	// Mixed receipt: record 2 refused.
	rc := receiptFor(t, h, out1, "r1.json", map[int64]string{2: "E201"})
	if r := h.ok("exchange", "receipt", rc); !strings.Contains(r.Out, "E201") || !strings.Contains(r.Err, "2 条已上报，1 条上报失败") {
		t.Errorf("receipt output: %s", r.Out)
	}
	s = xzcfExchangeStatus(t, h)
	if it := s.Items[0]; it.Acknowledged != 2 || it.Failed != 1 || it.Pending != 0 || s.OK || s.Failed != 1 || s.Open != 0 {
		t.Fatalf("status after mixed receipt: %+v", s)
	}
	if r := h.fails(5, "exchange", "status", "--check"); !strings.Contains(r.Err, "1 条上报失败") {
		t.Errorf("check message: %s", r.Err)
	}
	// The same receipt again changes nothing.
	h.ok("exchange", "receipt", rc)

	// Record 1 is revised meanwhile; the next run carries it (U) and the failed record 2 (I again).
	rf := filepath.Join(h.dir, "rev.csv")
	writeCSV(t, rf, xzcfHeader, [][]string{xzcfRow(map[string]string{"处罚内容": "罚款30000元", "罚款金额（万元）": "3"})}, false)
	h.ok("import", rf, "--provider", provider, "--item", "XZCF")
	out3 := filepath.Join(h.dir, "out3")
	h.ok("exchange", "export", "--to", "province", "-o", out3)
	m = readManifest(t, out3)
	if m.Sequence != 2 || m.Records != 2 || m.Files[0].Name != "320600XZCF_20251201_0002.xml" || m.Files[0].Operations["U"] != 1 || m.Files[0].Operations["I"] != 1 {
		t.Fatalf("second run: %+v", m)
	}
	d, _ = readDatas(t, filepath.Join(out3, m.Files[0].Name))
	if len(d.Data) != 2 || d.Data[0].ID != 1 || d.Data[0].Op != "U" || d.Data[0].Rev != 2 || d.Data[1].ID != 2 || d.Data[1].Op != "I" {
		t.Fatalf("second run records: %+v", d.Data)
	}
	h.ok("exchange", "receipt", receiptFor(t, h, out3, "r2.json", nil))
	s = xzcfExchangeStatus(t, h, "--check")
	if it := s.Items[0]; it.Acknowledged != 3 || it.Failed != 0 || it.Pending != 0 || !s.OK {
		t.Fatalf("status at the end: %+v", s)
	}
	h.ok("exchange", "status", "--check")
	// Nothing left: no sequence used, no file written.
	out4 := filepath.Join(h.dir, "out4")
	if r := h.ok("exchange", "export", "--to", "province", "-o", out4); !strings.Contains(r.Out, "没有需要报送的变更") {
		t.Fatalf("nothing to send: %s", r.Out)
	}
	if _, err := os.Stat(out4); err == nil {
		t.Errorf("an export with nothing to send made %s", out4)
	}
}
