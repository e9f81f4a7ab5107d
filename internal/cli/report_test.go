package cli

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// Recorded cases appear in report sanctions for their month in every
// format; the xlsx opens with a summary and a detail sheet.
func TestReportSanctionsEveryFormat(t *testing.T) {
	h := scHarness(t)
	h.scImport("HEIMD", scHeimdHeader, scBlackRow(nil))
	h.scImport("HMD", scHmdHeader, scRedRow(nil))
	h.ok("case", "record", "--subject", orgA, "--measure", "CJ01", "--unit", scUnit, "--matter", "政府采购", "--date", "2025-11-20", "--result", "取消投标资格")
	h.ok("case", "record", "--subject", orgA, "--measure", "CJ02", "--unit", scUnit, "--matter", "招标投标", "--date", "2025-11-30")
	h.ok("case", "record", "--subject", orgB, "--measure", "JL01", "--unit", scUnit, "--matter", "行政许可", "--date", "2025-11-05")
	h.ok("case", "record", "--subject", orgA, "--measure", "CJ01", "--unit", scUnit, "--matter", "政府采购", "--date", "2025-12-01") // December

	// JSON on stdout.
	var js struct {
		Month     string `json:"month"`
		Total     int    `json:"total"`
		Rewards   int    `json:"rewards"`
		Sanctions int    `json:"sanctions"`
		Summary   []struct {
			Unit, Kind, Measure string
			Cases               int
		} `json:"summary"`
		Cases []struct {
			ID          int64  `json:"id"`
			Date        string `json:"date"`
			SubjectCode string `json:"subject_code"`
			Measure     string `json:"measure"`
			Kind        string `json:"kind"`
		} `json:"cases"`
	}
	out := h.ok("report", "sanctions", "--month", "2025-11", "--format", "json").Out
	if err := json.Unmarshal([]byte(out), &js); err != nil {
		t.Fatal(err, out)
	}
	if js.Month != "2025-11" || js.Total != 3 || js.Rewards != 1 || js.Sanctions != 2 || len(js.Cases) != 3 || len(js.Summary) != 3 {
		t.Fatalf("json = %+v", js)
	}
	// Cases by date; the December case is not in November.
	if js.Cases[0].Date != "2025-11-05" || js.Cases[0].Measure != "JL01" || js.Cases[0].Kind != "reward" || js.Cases[2].Date != "2025-11-30" {
		t.Fatalf("cases = %+v", js.Cases)
	}
	for _, c := range js.Cases {
		if c.ID == 4 {
			t.Fatal("December's case is in November's report")
		}
	}

	// CSV and Markdown on stdout: Chinese headers, every case.
	for _, f := range []string{"csv", "md"} {
		out := h.ok("report", "sanctions", "--month", "2025-11", "--format", f).Out
		for _, want := range []string{"汇总", "明细", "实施单位", "措施名称", "案例数", "奖惩类型", "取消投标资格", "CJ02", "JL01", "2025-11-05"} {
			if !strings.Contains(out, want) {
				t.Errorf("--format %s lacks %q:\n%s", f, want, out)
			}
		}
		if strings.Contains(out, "2025-12-01\t") || strings.Count(out, orgA) != 2 {
			t.Errorf("--format %s: want orgA's two November cases only:\n%s", f, out)
		}
	}

	// Files by extension.
	dir := t.TempDir()
	for _, ext := range []string{"xlsx", "csv", "md", "json"} {
		h.ok("report", "sanctions", "--month", "2025-11", "-o", filepath.Join(dir, "r."+ext))
	}
	b, _ := os.ReadFile(filepath.Join(dir, "r.csv"))
	if !bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}) {
		t.Fatal("the CSV file lacks the BOM Excel needs")
	}
	// Sections differ in width: a reader takes them with FieldsPerRecord = -1.
	r := csv.NewReader(bytes.NewReader(b[3:]))
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	// 汇总 + header + 3 groups + 合计, (blank line), 明细 + header + 3 cases.
	if len(recs) != 11 || recs[0][0] != "汇总" || recs[6][0] != "明细" || recs[7][0] != "案例编号" {
		t.Fatalf("csv file: %v", recs)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "r.md")); !strings.Contains(string(b), "| 实施日期 |") {
		t.Fatalf("md file:\n%s", b)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "r.json")); !strings.Contains(string(b), `"total": 3`) {
		t.Fatalf("json file:\n%s", b)
	}

	x, err := excelize.OpenFile(filepath.Join(dir, "r.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if got := strings.Join(x.GetSheetList(), ","); got != "汇总,明细" {
		t.Fatalf("sheets = %s", got)
	}
	sum, _ := x.GetRows("汇总")
	if len(sum) != 5 || sum[0][0] != "实施单位" || sum[0][5] != "案例数" || sum[4][0] != "合计" || sum[4][5] != "3" {
		t.Fatalf("汇总 = %v", sum)
	}
	det, _ := x.GetRows("明细")
	if len(det) != 4 || det[0][0] != "案例编号" || det[0][1] != "实施日期" {
		t.Fatalf("明细 = %v", det)
	}
	seen := map[string]bool{}
	for _, row := range det[1:] {
		seen[row[1]+" "+row[5]+" "+row[8]] = true
	}
	for _, want := range []string{"2025-11-20 " + orgA + " CJ01", "2025-11-30 " + orgA + " CJ02", "2025-11-05 " + orgB + " JL01"} {
		if !seen[want] {
			t.Errorf("明细 lacks %s: %v", want, det)
		}
	}
	// The header row is frozen.
	if p, err := x.GetPanes("明细"); err != nil || !p.Freeze || p.YSplit != 1 {
		t.Errorf("明细 panes = %+v, %v", p, err)
	}
}

func TestReportSanctionsEmptyMonth(t *testing.T) {
	h := scHarness(t)
	f := filepath.Join(t.TempDir(), "empty.xlsx")
	h.ok("report", "sanctions", "--month", "2025-10", "-o", f)
	x, err := excelize.OpenFile(f)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if got := strings.Join(x.GetSheetList(), ","); got != "汇总,明细" {
		t.Fatalf("sheets = %s", got)
	}
	for _, s := range []string{"汇总", "明细"} {
		rows, _ := x.GetRows(s)
		if len(rows) != 2 || !strings.Contains(rows[1][0], "没有联合奖惩案例") {
			t.Errorf("%s = %v", s, rows)
		}
	}
	out := h.ok("report", "sanctions", "--month", "2025-10", "--format", "json").Out
	if !strings.Contains(out, `"total": 0`) || !strings.Contains(out, `"cases": []`) || !strings.Contains(out, "没有联合奖惩案例") {
		t.Fatalf("empty json: %s", out)
	}
	h.fails(2, "report", "sanctions", "--month", "2025/10")
	h.fails(2, "report", "sanctions")
	h.fails(2, "report", "sanctions", "--month", "2025-10", "-o", filepath.Join(t.TempDir(), "x.pdf"))
}

type scCollection struct {
	Month     string `json:"month"`
	AsOf      string `json:"as_of"`
	Light     string `json:"light"`
	Providers []struct {
		Provider         string  `json:"provider"`
		Item             string  `json:"item"`
		Batches          int     `json:"batches"`
		Rows             int     `json:"rows"`
		Rejected         int     `json:"rejected"`
		RejectRate       float64 `json:"reject_rate"`
		LastBatchOn      string  `json:"last_batch_on"`
		NextDue          string  `json:"next_due"`
		DaysLate         int     `json:"days_late"`
		LateListReports  int     `json:"late_list_reports"`
		ListDaysLate     int     `json:"list_days_late"`
		ObjectionsUpheld int     `json:"objections_upheld"`
		Light            string  `json:"light"`
	} `json:"providers"`
	Units []struct {
		Unit    string `json:"unit"`
		Queries int    `json:"queries"`
		Checks  int    `json:"checks"`
		Cases   int    `json:"cases"`
	} `json:"units"`
}

func (h *harness) scCollection(month string) scCollection {
	h.t.Helper()
	out := h.ok("report", "collection", "--month", month, "--format", "json").Out
	var c scCollection
	if err := json.Unmarshal([]byte(out), &c); err != nil {
		h.t.Fatal(err, out)
	}
	return c
}

func (c scCollection) row(t *testing.T, item string) int {
	t.Helper()
	for i, p := range c.Providers {
		if p.Item == item {
			return i
		}
	}
	t.Fatalf("no %s row in %+v", item, c.Providers)
	return -1
}

// scPenaltyRows: n good 行政处罚 rows and bad rows with a wrong check digit.
func scPenaltyRows(good, bad int, prefix string) [][]string {
	var rows [][]string
	for i := 0; i < good; i++ {
		rows = append(rows, xzcfRow(map[string]string{"行政处罚决定书文号": fmt.Sprintf("%s-%d", prefix, i)}))
	}
	for i := 0; i < bad; i++ {
		rows = append(rows, xzcfRow(map[string]string{"行政处罚决定书文号": fmt.Sprintf("%s-x%d", prefix, i), "行政相对人代码_1（统一社会信用代码）": "91350100M000100Y4X"}))
	}
	return rows
}

// Lights by the default policy thresholds (SPEC §G: reject rate 2% yellow,
// 10% red; 1 day late yellow, 10 days red).
func TestReportCollectionLights(t *testing.T) {
	cases := []struct {
		name      string
		good, bad int
		want      string
	}{
		{"no rejects", 20, 0, "green"},
		{"1 in 50 is exactly 2%", 49, 1, "yellow"},
		{"1 in 20 is 5%", 19, 1, "yellow"},
		{"1 in 10 is exactly 10%", 9, 1, "red"},
		{"1 in 5 is 20%", 4, 1, "red"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := scHarness(t)
			f := filepath.Join(h.dir, "p.csv")
			writeCSV(t, f, xzcfHeader, scPenaltyRows(c.good, c.bad, "L"), false)
			if c.bad > 0 {
				h.fails(3, "import", f, "--provider", provider, "--item", "XZCF")
			} else {
				h.ok("import", f, "--provider", provider, "--item", "XZCF")
			}
			col := h.scCollection("2025-12")
			p := col.Providers[col.row(t, "XZCF")]
			if p.Batches != 1 || p.Rows != c.good+c.bad || p.Rejected != c.bad || p.DaysLate != 0 || p.Light != c.want {
				t.Fatalf("XZCF row = %+v, want light %s", p, c.want)
			}
			// provider show shows the same light.
			var show struct {
				Light struct {
					Month string `json:"month"`
					Light string `json:"light"`
					Items []struct {
						Item  string `json:"item"`
						Light string `json:"light"`
					} `json:"items"`
				} `json:"light"`
			}
			json.Unmarshal([]byte(h.ok("provider", "show", provider, "--format", "json").Out), &show)
			found := false
			for _, it := range show.Light.Items {
				if it.Item == "XZCF" {
					found = it.Light == c.want
				}
			}
			if show.Light.Month != "2025-12" || !found {
				t.Fatalf("provider show light = %+v, want XZCF %s", show.Light, c.want)
			}
			if out := h.ok("provider", "show", provider).Out; !strings.Contains(out, map[string]string{"green": "绿灯", "yellow": "黄灯", "red": "红灯"}[c.want]) {
				t.Fatalf("provider show (table) lacks the light:\n%s", out)
			}
		})
	}
}

// Timeliness against the update cycle: XZCF is weekly, so a batch last
// published on 2025-10-01 makes the next due 2025-10-08; on 2025-11-30 that
// is 53 days late (red); on 2025-10-09, 1 day (yellow); on 2025-10-08, none.
func TestReportCollectionTimeliness(t *testing.T) {
	h := scHarness(t)
	h.env["CREDIT_TODAY"] = "2025-10-01"
	h.scImport("XZCF", xzcfHeader, xzcfRow(nil))
	h.env["CREDIT_TODAY"] = "2025-12-01"
	col := h.scCollection("2025-11")
	p := col.Providers[col.row(t, "XZCF")]
	if col.AsOf != "2025-11-30" || p.Batches != 0 || p.LastBatchOn != "2025-10-01" || p.NextDue != "2025-10-08" || p.DaysLate != 53 || p.Light != "red" {
		t.Fatalf("November: %+v (as of %s)", p, col.AsOf)
	}
	h.env["CREDIT_TODAY"] = "2025-10-09"
	col = h.scCollection("2025-10")
	if p := col.Providers[col.row(t, "XZCF")]; col.AsOf != "2025-10-09" || p.Batches != 1 || p.DaysLate != 1 || p.Light != "yellow" {
		t.Fatalf("2025-10-09: %+v", p)
	}
	h.env["CREDIT_TODAY"] = "2025-10-08"
	col = h.scCollection("2025-10")
	if p := col.Providers[col.row(t, "XZCF")]; p.DaysLate != 0 || p.Light != "green" {
		t.Fatalf("2025-10-08: %+v", p)
	}
}

// 第十七条 late list reports count against the provider; a pending entry
// counts nowhere. Per unit: queries, checks and cases.
func TestReportCollectionListsAndUnits(t *testing.T) {
	h := scHarness(t)
	// Determined 2025-06-10, reported (imported) 2025-12-01: due 2025-07-31,
	// 123 days late.
	h.scImport("HEIMD", scHeimdHeader, scBlackRow(nil))
	// Determined 2025-11-03, reported 2025-12-01: due 2025-12-31, on time.
	h.scImport("HMD", scHmdHeader, scRedRow(nil))
	// A hand-made entry determined 2025-09-01 and reported today is late too,
	// but pending: it counts nowhere.
	h.ok("roster", "add", "--subject", orgC, "--list", "black", "--name", "拖欠农民工工资失信联合惩戒对象名单", "--unit", provider,
		"--basis", "《拖欠农民工工资失信联合惩戒对象名单管理暂行办法》", "--determined", "2025-09-01")
	h.scCheck(orgA, "--matter", "政府采购")
	h.scCheck(orgA, orgB, "--matter", "政府采购", "--record-cases")

	col := h.scCollection("2025-12")
	black := col.Providers[col.row(t, "HEIMD")]
	if black.LateListReports != 1 || black.ListDaysLate != 123 || black.Light != "red" || black.Batches != 1 {
		t.Fatalf("HEIMD row: %+v", black)
	}
	if red := col.Providers[col.row(t, "HMD")]; red.LateListReports != 0 || red.Light != "green" {
		t.Fatalf("HMD row: %+v", red)
	}
	if col.Light != "red" {
		t.Fatalf("overall light %s", col.Light)
	}
	if len(col.Units) != 1 || col.Units[0].Unit != scUnit || col.Units[0].Checks != 3 || col.Units[0].Queries != 3 {
		t.Fatalf("units: %+v", col.Units)
	}
	// 政府采购: CJ01 for orgA (black list); no reward is listed for it, so
	// nothing for orgB (red list).
	if col.Units[0].Cases != 1 {
		t.Fatalf("unit cases = %d, want 1", col.Units[0].Cases)
	}
	if black.ObjectionsUpheld != 0 {
		t.Fatalf("objections before any: %+v", black)
	}
	// Approved, the hand-made entry is a late report of its determining unit;
	// an objection upheld against the list record counts against the provider.
	h.ok("roster", "approve", "M1")
	h.ok("objection", "file", "--record", "1", "--ground", "wrong", "--applicant", "甲公司")
	h.ok("objection", "decide", "1", "--uphold", "--reason", "认定文书号有误")
	col = h.scCollection("2025-12")
	if black := col.Providers[col.row(t, "HEIMD")]; black.LateListReports != 2 || black.ObjectionsUpheld != 1 {
		t.Fatalf("after approval and objection: %+v", black)
	}
	if prev := h.scCollection("2025-11"); prev.Providers[prev.row(t, "HEIMD")].ObjectionsUpheld != 0 {
		t.Fatalf("November counts December's objection: %+v", prev.Providers)
	}
	// Both sheets in the workbook.
	f := filepath.Join(t.TempDir(), "c.xlsx")
	h.ok("report", "collection", "--month", "2025-12", "-o", f)
	x, err := excelize.OpenFile(f)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if got := strings.Join(x.GetSheetList(), ","); got != "信息提供单位,信息使用单位" {
		t.Fatalf("sheets = %s", got)
	}
}
