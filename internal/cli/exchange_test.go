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

// TestExchangeReceiptRefusedWhole: a receipt for a sequence never sent, or
// whose file hash differs from what was sent (tampered on the way), or that
// leaves a record unanswered, is refused whole (exit 4) and changes nothing.
func TestExchangeReceiptRefusedWhole(t *testing.T) {
	h := importHarness(t)
	f := filepath.Join(h.dir, "a.csv")
	writeCSV(t, f, xzcfHeader, [][]string{xzcfRow(nil),
		xzcfRow(map[string]string{"行政相对人名称": "乙公司", "行政相对人代码_1（统一社会信用代码）": orgB, "行政处罚决定书文号": "X2"})}, false)
	h.ok("import", f, "--provider", provider, "--item", "XZCF")
	out := filepath.Join(h.dir, "out")
	h.ok("exchange", "export", "--to", "province", "-o", out)
	good := receiptFor(t, h, out, "good.json", nil)
	b, _ := os.ReadFile(good)
	var rc map[string]any
	json.Unmarshal(b, &rc)
	variant := func(name string, edit func(map[string]any)) string {
		var c map[string]any
		json.Unmarshal(b, &c)
		edit(c)
		nb, _ := json.Marshal(c)
		return h.writeFile(name, string(nb))
	}
	cases := []struct {
		name, want string
		edit       func(map[string]any)
	}{
		{"unknown.json", "序号 7 从未报送", func(c map[string]any) { c["sequence"] = 7 }},
		{"tampered.json", "在传输中被改动", func(c map[string]any) {
			c["files"].([]any)[0].(map[string]any)["sha256"] = strings.Repeat("0", 64)
		}},
		{"short.json", "每条记录都须答复", func(c map[string]any) { c["results"] = c["results"].([]any)[:1] }},
		{"nocode.json", "没有错误代码", func(c map[string]any) { c["results"].([]any)[0].(map[string]any)["result"] = "error" }},
	}
	for _, c := range cases {
		r := h.fails(4, "exchange", "receipt", variant(c.name, c.edit))
		if !strings.Contains(r.Err, c.want) || !strings.Contains(r.Err, "整体拒收") {
			t.Errorf("%s: %s", c.name, r.Err)
		}
	}
	if s := xzcfExchangeStatus(t, h); s.Items[0].Awaiting != 2 || s.Items[0].Acknowledged != 0 || s.Open != 1 {
		t.Fatalf("a refused receipt changed something: %+v", s)
	}
	h.fails(2, "exchange", "receipt", filepath.Join(h.dir, "missing.json"))
	h.ok("exchange", "receipt", good)
	// Another receipt for the answered sequence is refused.
	h.fails(4, "exchange", "receipt", variant("other.json", func(c map[string]any) { c["received_on"] = "2025-12-02" }))
}

// TestExchangeStatusCheckOverdue: a change not acknowledged more than 7
// working days after it was made is overdue (office rule); December 2025
// has no holidays: 2025-12-01 + 7 working days = 2025-12-10.
func TestExchangeStatusCheckOverdue(t *testing.T) {
	h := importHarness(t)
	f := filepath.Join(h.dir, "a.csv")
	writeCSV(t, f, xzcfHeader, [][]string{xzcfRow(nil)}, false)
	h.ok("import", f, "--provider", provider, "--item", "XZCF")
	h.ok("exchange", "export", "--to", "province", "-o", filepath.Join(h.dir, "out"))
	s := xzcfExchangeStatus(t, h, "--today", "2025-12-10")
	if it := s.Items[0]; it.OldestSince != "2025-12-01" || it.OldestWorkday != 7 || it.Overdue != 0 || !s.OK {
		t.Fatalf("on the 7th working day: %+v", s)
	}
	h.ok("exchange", "status", "--check", "--today", "2025-12-10")
	s = xzcfExchangeStatus(t, h, "--today", "2025-12-11")
	if it := s.Items[0]; it.OldestWorkday != 8 || it.Overdue != 1 || s.OK {
		t.Fatalf("on the 8th working day: %+v", s)
	}
	if r := h.fails(5, "exchange", "status", "--check", "--today", "2025-12-11"); !strings.Contains(r.Err, "本办公室规则") || !strings.Contains(r.Err, "1 条逾期") {
		t.Errorf("check: %s", r.Err)
	}
}

// TestExchangeProvinceImport: 第十六条 — a record the province pushes down
// that was already collected locally adds no second record; a difference is
// a revision with both sources in the history; a record repaired locally and
// pushed down again unrepaired is not revived (record_locked), and the
// repair goes upward as R.
func TestExchangeProvinceImport(t *testing.T) {
	h := queueHarness(t)
	if r := h.importXZCF("2024-03-10", "local.csv", negativeExtra,
		negativeRow(map[string]string{"处罚决定日期": "2024-03-01", "处罚有效期": "2099-12-31"}, "严重", ""),
		negativeRow(map[string]string{"行政相对人名称": "乙公司", "行政相对人代码_1（统一社会信用代码）": orgB, "行政处罚决定书文号": "X2",
			"处罚决定日期": "2024-03-01"}, "一般", "")); r.Code != 0 {
		t.Fatalf("import: %s %s", r.Out, r.Err)
	}
	province := func(today, name string, rows ...[]string) map[string]any {
		t.Helper()
		f := filepath.Join(h.dir, name)
		writeCSV(t, f, append(append([]string{}, xzcfHeader...), negativeExtra...), rows, false)
		r := h.run("import", f, "--provider", provider, "--item", "XZCF", "--channel", "province", "--today", today, "--format", "json")
		if r.Code != 0 && r.Code != 3 {
			t.Fatalf("province import: %d %s", r.Code, r.Err)
		}
		return decode[map[string]any](t, r.Out)
	}
	// Same record, same content: a duplicate, nothing stored.
	res := province("2024-03-20", "same.csv", negativeRow(map[string]string{"行政相对人名称": "乙公司", "行政相对人代码_1（统一社会信用代码）": orgB,
		"行政处罚决定书文号": "X2", "处罚决定日期": "2024-03-01"}, "一般", ""))
	if res["duplicates"] != 1.0 || res["accepted"] != 0.0 || res["revised"] != 0.0 {
		t.Fatalf("same record from the province: %v", res)
	}
	// Different content: a revision, both sources in the history.
	res = province("2024-03-21", "diff.csv", negativeRow(map[string]string{"行政相对人名称": "乙公司", "行政相对人代码_1（统一社会信用代码）": orgB,
		"行政处罚决定书文号": "X2", "处罚决定日期": "2024-03-01", "处罚内容": "罚款30000元"}, "一般", ""))
	if res["revised"] != 1.0 || res["accepted"] != 0.0 {
		t.Fatalf("changed record from the province: %v", res)
	}
	hist := decode[map[string]any](t, h.on("2024-03-21", "subject", "history", orgB, "--format", "json").Out)
	recs := hist["records"].([]any)
	if len(recs) != 1 {
		t.Fatalf("records of orgB: %d", len(recs))
	}
	var refs []string
	for _, rv := range recs[0].(map[string]any)["revisions"].([]any) {
		refs = append(refs, rv.(map[string]any)["ref"].(string))
	}
	batches := decode[[]map[string]any](t, h.ok("batch", "list", "--format", "json").Out)
	channel := map[string]string{}
	for _, b := range batches {
		channel["batch:"+strings.TrimSuffix(strings.TrimSuffix(jsonNum(b["batch"]), ".0"), ".00")] = b["channel"].(string)
	}
	if len(refs) != 2 || channel[refs[0]] != "local" || channel[refs[1]] != "province" {
		t.Fatalf("history refs %v, channels %v", refs, channel)
	}
	// The province's revision is not sent back up.
	out := filepath.Join(h.dir, "out")
	h.on("2024-03-21", "exchange", "export", "--to", "province", "-o", out)
	m := readManifest(t, out)
	if m.Records != 1 {
		t.Fatalf("sent %d records, want only record 1 (record 2's current revision came from the province)", m.Records)
	}
	h.on("2024-03-21", "exchange", "receipt", receiptFor(t, h, out, "r1.json", nil))

	// Record 1 repaired locally (clean year passed), then the province pushes the old content again.
	bob, carol := h.as("bob"), h.as("carol")
	bob.on("2025-06-03", "repair", "apply", "--record", "1", "--corrected-on", "2024-06-01", "--commitment", "CN-2")
	bob.on("2025-06-04", "repair", "opinion", "1", "--approve", "--text", "同意")
	bob.on("2025-06-04", "repair", "publicize", "1")
	carol.on("2025-06-12", "repair", "complete", "1")
	res = province("2025-06-13", "again.csv", negativeRow(map[string]string{"处罚决定日期": "2024-03-01", "处罚有效期": "2099-12-31",
		"处罚内容": "罚款20000元（省级）"}, "严重", ""))
	if res["revised"] != 0.0 || res["accepted"] != 0.0 {
		t.Fatalf("a repaired record was revived: %v", res)
	}
	reasons, _ := res["reasons"].(map[string]any)
	if reasons["record_locked"] != 1.0 {
		t.Fatalf("want record_locked, got %v", res)
	}
	arch := decode[map[string]any](t, h.on("2025-06-13", "subject", "show", orgA, "--scope", "office", "--format", "json").Out)
	rec := arch["records"].([]any)[0].(map[string]any)
	if rec["state"] != "repaired" {
		t.Fatalf("record 1 after the province's push: %v", rec["state"])
	}
	// The repair goes upward as R, with the key fields only.
	out2 := filepath.Join(h.dir, "out2")
	h.on("2025-06-13", "exchange", "export", "--to", "province", "-o", out2)
	m = readManifest(t, out2)
	d, _ := readDatas(t, filepath.Join(out2, m.Files[0].Name))
	if len(d.Data) != 1 || d.Data[0].ID != 1 || d.Data[0].Op != "R" || len(d.Data[0].Fields) != 4 {
		t.Fatalf("repair sent as %+v", d.Data)
	}
	up, _ := rec["upstream"].(map[string]any)
	if up == nil || up["state"] != "pending" {
		t.Errorf("archive upstream state before the export: %v", rec["upstream"])
	}
}

func jsonNum(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
