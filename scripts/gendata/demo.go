package main

// gendata demo: the demo store of `make demo`, built through the real credit
// binary so that every record, batch and case is made exactly as an office
// would make it. About a thousand subjects' penalties from five departments
// (one file with planted errors), then objections and repairs in every state
// and deadline status relative to today: each step runs with --today on a
// past working day, so today finds some overdue, some due soon, some on time.
//
//	go run ./scripts/gendata demo -bin bin/credit -dir demo [-n 1000] [-today YYYY-MM-DD]
//
// It prints what it made and writes DIR/demo.json (counts and a record with
// no case on it, for scripts/tui_e2e.sh).

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

type demo struct {
	bin, db, dir string
	today        time.Time
	wd           map[int]string // working days from today (cache of credit calendar add)
	log          []string
}

func demoMain(args []string) {
	fs := flag.NewFlagSet("demo", flag.ExitOnError)
	bin := fs.String("bin", "bin/credit", "the credit binary")
	dir := fs.String("dir", "demo", "folder for the store and the files")
	n := fs.Int("n", 1000, "subjects (one penalty each)")
	seed := fs.Uint64("seed", 1, "random seed")
	todayS := fs.String("today", "", "the office date the cases are set against (default: today in Asia/Shanghai)")
	fs.Parse(args)
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		loc = time.FixedZone("CST", 8*3600)
	}
	today := time.Now().In(loc)
	if *todayS != "" {
		if today, err = time.Parse("2006-01-02", *todayS); err != nil {
			fail("-today: %v", err)
		}
	}
	today = time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)
	if err := os.MkdirAll(*dir, 0o770); err != nil {
		fail("%v", err)
	}
	d := &demo{bin: *bin, dir: *dir, db: filepath.Join(*dir, "credit.db"), today: today, wd: map[int]string{}}
	for _, suffix := range []string{"", "-wal", "-shm"} {
		os.Remove(d.db + suffix)
	}
	d.build(*n, *seed)
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "gendata demo: "+format+"\n", args...)
	os.Exit(1)
}

// credit runs the binary on the demo store; want is the exit code expected.
func (d *demo) credit(want int, args ...string) string {
	cmd := exec.Command(d.bin, args...)
	cmd.Env = append(os.Environ(), "CREDIT_DB="+d.db, "CREDIT_LANG=zh")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		fail("%s: %v", d.bin, err)
	}
	if code != want {
		fail("credit %s: exit %d, want %d\n%s%s", strings.Join(args, " "), code, want, out.String(), errb.String())
	}
	return out.String()
}

// on runs a step on office date day.
func (d *demo) on(day string, want int, args ...string) string {
	return d.credit(want, append(args, "--today", day)...)
}

// day is the k-th working day from today (k < 0: before), from the
// calendar the store computes with.
func (d *demo) day(k int) string {
	if k == 0 {
		return d.today.Format("2006-01-02")
	}
	if s, ok := d.wd[k]; ok {
		return s
	}
	var v struct {
		Date string `json:"date"`
	}
	if err := json.Unmarshal([]byte(d.credit(0, "calendar", "add", d.today.Format("2006-01-02"), fmt.Sprint(k), "--format", "json")), &v); err != nil {
		fail("calendar add: %v", err)
	}
	d.wd[k] = v.Date
	return v.Date
}

// rec is a stored penalty the cases can be made on.
type rec struct {
	id      int64
	code    string
	name    string
	decided string
	serious bool
}

func (d *demo) build(n int, seed uint64) {
	t0 := time.Now()
	d.credit(0, "init")
	d.credit(0, "user", "add", "zhangsan", "--role", "clerk")
	d.credit(0, "user", "add", "lisi", "--role", "reviewer")
	for _, a := range agencies {
		d.credit(0, "provider", "add", a.code, "--name", a.name+"（演示）", "--items", "XZCF,XZXK")
	}
	d.credit(0, "unit", "add", USCC("12320600MB0000001"), "--name", "南通市公共资源交易中心（演示）", "--items", "XZCF")

	// About a thousand subjects, one penalty each, decided before the import
	// date, one file per department.
	// Imported 25 working days ago, before the first case; the late file
	// 15 working days ago. Monthly items then stand green on their
	// timeliness, and the late file's rejects turn its provider's light.
	imported, _ := time.Parse("2006-01-02", d.day(-25))
	lateOn, _ := time.Parse("2006-01-02", d.day(-15))
	g := gen{rand.New(rand.NewPCG(seed, 2))}
	byAgency := map[string][][]string{}
	var rows [][]string
	for i := 1; i <= n; i++ {
		row := g.XZCFRow(i, imported)
		rows = append(rows, row)
		byAgency[row[28]] = append(byAgency[row[28]], row)
	}
	for _, a := range agencies {
		f := filepath.Join(d.dir, "行政处罚_"+strings.TrimPrefix(a.name, "南通市")+".csv")
		writeRows(f, byAgency[a.code])
		d.on(imported.Format("2006-01-02"), 0, "import", f, "--provider", a.code, "--item", "XZCF")
	}
	// A late file from the market regulator with planted errors.
	var late [][]string
	for i := n + 1; i <= n+40; i++ {
		row := g.XZCFRow(i, lateOn)
		row[26], row[27], row[28] = agencies[0].code, agencies[0].name, agencies[0].code
		switch i - n {
		case 5:
			row[22] = "2025-02-30"
		case 9:
			if row[2] != "" {
				row[2] = row[2][:17] + "0"
				if row[2] == g.orgCode(i) {
					row[2] = row[2][:17] + "1"
				}
			} else {
				row[12] = row[12][:17] + "0"
			}
		case 17:
			row[17] = "训诫"
		case 23:
			row[13] = ""
		}
		late = append(late, row)
	}
	lateFile := filepath.Join(d.dir, "行政处罚_市场监督管理局_补报_有错误.csv")
	writeRows(lateFile, late)
	d.on(lateOn.Format("2006-01-02"), 3, "import", lateFile, "--provider", agencies[0].code, "--item", "XZCF",
		"--rejects", filepath.Join(d.dir, "拒收报告.csv"))

	// This week's files of two departments (the weekly update cycle): one
	// on time, one a few days late, so the lights show all three colours.
	for _, kw := range [][2]int{{1, -2}, {2, -7}} {
		k, wd := kw[0], kw[1]
		on, _ := time.Parse("2006-01-02", d.day(wd))
		var week [][]string
		for i := n + 41 + k*20; i < n+41+k*20+12; i++ {
			row := g.XZCFRow(i, on)
			row[25], row[26], row[27], row[28] = agencies[k].name, agencies[k].code, agencies[k].name, agencies[k].code
			week = append(week, row)
		}
		f := filepath.Join(d.dir, "行政处罚_"+strings.TrimPrefix(agencies[k].name, "南通市")+"_本周.csv")
		writeRows(f, week)
		d.on(on.Format("2006-01-02"), 0, "import", f, "--provider", agencies[k].code, "--item", "XZCF")
	}

	// The records the cases are made on: recent general penalties for
	// objections, serious ones old enough to be repaired (1 year clean).
	var general, serious, listed []rec
	for _, row := range rows {
		code := row[2]
		if code == "" {
			code = row[12]
		}
		decided, _ := time.Parse("2006-01-02", row[22])
		isSerious := strings.Contains(row[17], "吊销") || strings.Contains(row[17], "责令停产停业")
		r := rec{code: code, name: row[0], decided: row[22], serious: isSerious}
		switch {
		case !isSerious && imported.Sub(decided) < 200*24*time.Hour && len(general) < 48:
			general = append(general, r)
		case isSerious && d.today.Sub(decided) > 470*24*time.Hour && d.today.Sub(decided) < 1000*24*time.Hour && len(serious) < 30:
			serious = append(serious, r)
		case isSerious && d.today.Sub(decided) < 900*24*time.Hour && len(listed) < 12:
			listed = append(listed, r)
		}
	}
	general, serious, listed = d.ids(general), d.ids(serious), d.ids(listed)
	if len(general) < 41 || len(serious) < 21 || len(listed) < 8 {
		fail("too few records for the cases (%d general, %d serious): use a larger -n", len(general), len(serious))
	}
	free := general[len(general)-1]
	d.objections(general[:len(general)-1])
	d.repairs(serious)
	d.lists(listed, general[36:min(40, len(general)-1)])

	d.summary(n, free, time.Since(t0))
}

func writeRows(path string, rows [][]string) {
	f, err := os.Create(path)
	if err != nil {
		fail("%v", err)
	}
	w := csv.NewWriter(f)
	w.Write(XZCFHeader)
	w.WriteAll(rows)
	w.Flush()
	if err := f.Close(); err != nil {
		fail("%v", err)
	}
}

// ids looks the records up in the office scope (credit subject show).
func (d *demo) ids(rs []rec) []rec {
	var out []rec
	for _, r := range rs {
		var a struct {
			Records []struct {
				ID        int64  `json:"id"`
				Item      string `json:"item"`
				DecidedOn string `json:"decided_on"`
				LinkedAs  string `json:"linked_as"`
			} `json:"records"`
		}
		if err := json.Unmarshal([]byte(d.credit(0, "subject", "show", r.code, "--scope", "office", "--format", "json", "--purpose", "演示数据")), &a); err != nil {
			fail("subject show %s: %v", r.code, err)
		}
		for _, x := range a.Records {
			if x.Item == "XZCF" && x.DecidedOn == r.decided && x.LinkedAs == "" {
				r.id = x.ID
				out = append(out, r)
				break
			}
		}
	}
	return out
}

func id(r rec) string { return fmt.Sprint(r.id) }

// objections makes objections in every state (SPEC §D) whose deadlines fall
// overdue, due soon or ahead today. Clerk steps run as zhangsan, the
// reviewer's as lisi.
func (d *demo) objections(rs []rec) {
	next := 0
	take := func() rec { r := rs[next]; next++; return r }
	seq := 0
	file := func(day int, r rec, ground string) string {
		seq++
		d.on(d.day(day), 0, "objection", "file", "--record", id(r), "--ground", ground, "--applicant", r.name,
			"--detail", "申请人认为处罚信息有误", "--as", "zhangsan")
		return fmt.Sprint(seq)
	}
	clerk := func(day int, args ...string) { d.on(d.day(day), 0, append(args, "--as", "zhangsan")...) }
	reviewer := func(day int, args ...string) { d.on(d.day(day), 0, append(args, "--as", "lisi")...) }
	// received: review due 10 working days after receipt
	for _, k := range []int{-13, -12, -11, -11} {
		file(k, take(), "wrong") // overdue
	}
	for _, k := range []int{-10, -9, -8, -8} {
		file(k, take(), "wrong") // due soon (0–2 left)
	}
	for _, k := range []int{-5, -3, -2, -1, 0} {
		file(k, take(), "wrong") // ok
	}
	// forwarded: the provider verifies in 5
	for _, ks := range [][2]int{{-9, -7}, {-9, -6}, {-8, -6}, {-6, -4}, {-5, -3}, {-2, -1}, {-1, 0}} {
		o := file(ks[0], take(), "wrong")
		clerk(ks[1], "objection", "forward", o, "--note", "已转交信息提供单位核实")
	}
	// verified
	for i, ks := range [][3]int{{-9, -8, -3}, {-7, -6, -2}, {-4, -3, -1}} {
		o := file(ks[0], take(), "wrong")
		clerk(ks[1], "objection", "forward", o)
		finding := "inaccurate"
		if i == 2 {
			finding = "accurate"
		}
		clerk(ks[2], "objection", "verify", o, "--finding", finding, "--note", "信息提供单位复函")
	}
	// upheld: corrected in 3
	for _, ks := range [][2]int{{-10, -5}, {-8, -1}, {-3, 0}} {
		o := file(ks[0], take(), "wrong")
		reviewer(ks[1], "objection", "decide", o, "--uphold", "--reason", "经核实处罚金额记载错误")
	}
	// rejected, closed, appealed, appeal decided
	for i := 0; i < 6; i++ {
		o := file(-16+i, take(), "wrong")
		reviewer(-12+i, "objection", "decide", o, "--reject", "--reason", "经核实信息无误")
		switch i {
		case 2, 3:
			clerk(-6+i, "objection", "close", o)
		case 4:
			clerk(-2, "objection", "appeal", o, "--reason", "信息主体不服驳回决定")
		case 5:
			clerk(-3, "objection", "appeal", o, "--reason", "信息主体不服驳回决定")
			reviewer(-1, "objection", "appeal-decide", o, "--reject", "--note", "市发展改革委复函：维持原决定")
		}
	}
	// corrected, withdrawn
	for i := 0; i < 2; i++ {
		o := file(-14+i, take(), "wrong")
		reviewer(-9+i, "objection", "decide", o, "--uphold", "--reason", "经核实备注有误")
		clerk(-8+i, "objection", "correct", o, "--set", "备注=经异议核实更正")
	}
	o := file(-12, take(), "expired")
	reviewer(-8, "objection", "decide", o, "--uphold", "--reason", "失信信息超期限使用")
	clerk(-7, "objection", "withdraw", o, "--note", "超期限使用，撤除")
}

// repairs makes repairs in every state (SPEC §E).
func (d *demo) repairs(rs []rec) {
	next := 0
	take := func() rec { r := rs[next]; next++; return r }
	seq := 0
	apply := func(day int, r rec, commitment bool, want int) string {
		seq++
		decided, _ := time.Parse("2006-01-02", r.decided)
		corrected := decided.AddDate(0, 0, 30).Format("2006-01-02")
		args := []string{"repair", "apply", "--record", id(r), "--corrected-on", corrected, "--evidence", "整改报告", "--as", "zhangsan"}
		if commitment {
			args = append(args, "--commitment", fmt.Sprintf("信用承诺书〔%d〕%d号", d.today.Year(), seq))
		}
		d.on(d.day(day), want, args...)
		return fmt.Sprint(seq)
	}
	clerk := func(day int, args ...string) { d.on(d.day(day), 0, append(args, "--as", "zhangsan")...) }
	reviewer := func(day int, args ...string) { d.on(d.day(day), 0, append(args, "--as", "lisi")...) }
	// applied: the provider's opinion is due in 5
	for _, k := range []int{-8, -7, -6, -5, -4, -3, -1, 0} {
		apply(k, take(), true, 0)
	}
	apply(-2, take(), false, 5) // not eligible: no commitment
	r := apply(-9, take(), true, 0)
	clerk(-6, "repair", "opinion", r, "--refuse", "--text", "信息提供单位不同意修复")
	for _, ks := range [][2]int{{-6, -3}, {-4, -1}} { // approved by the provider
		r := apply(ks[0], take(), true, 0)
		clerk(ks[1], "repair", "opinion", r, "--approve", "--text", "同意修复")
	}
	for _, ks := range [][3]int{{-9, -7, -3}, {-6, -4, -1}, {-16, -14, -11}} { // in publicity (the last one can be completed)
		r := apply(ks[0], take(), true, 0)
		clerk(ks[1], "repair", "opinion", r, "--approve", "--text", "同意修复")
		clerk(ks[2], "repair", "publicize", r, "--note", "已在部门网站公示")
	}
	for _, ks := range [][4]int{{-14, -13, -11, -9}, {-9, -8, -5, -3}} { // publicity objected
		r := apply(ks[0], take(), true, 0)
		clerk(ks[1], "repair", "opinion", r, "--approve", "--text", "同意修复")
		clerk(ks[2], "repair", "publicize", r)
		clerk(ks[3], "repair", "object", r, "--detail", "收到举报：该主体仍有同类违法行为")
	}
	for i := 0; i < 2; i++ { // repaired
		r := apply(-22+i, take(), true, 0)
		clerk(-21+i, "repair", "opinion", r, "--approve", "--text", "同意修复")
		clerk(-20+i, "repair", "publicize", r)
		reviewer(-12+i, "repair", "complete", r)
	}
	r = apply(-18, take(), true, 0) // dismissed objection, then repaired
	clerk(-17, "repair", "opinion", r, "--approve", "--text", "同意修复")
	clerk(-16, "repair", "publicize", r)
	clerk(-14, "repair", "object", r, "--detail", "收到举报")
	reviewer(-12, "repair", "verify", r, "--dismiss", "--note", "经核实举报不实")
	reviewer(-6, "repair", "complete", r)
	r = apply(-5, take(), true, 0) // withdrawn
	clerk(-2, "repair", "withdraw", r, "--note", "申请人撤回申请")
}

// lists enters red and black list entries (most approved, some pending,
// one reported late) and the joint reward and sanction cases of several
// months that answer them.
func (d *demo) lists(black, red []rec) {
	unit := USCC("12320600MB0000001")
	date := func(daysAgo int) string { return d.today.AddDate(0, 0, -daysAgo).Format("2006-01-02") }
	measures := []struct{ code, matter, result string }{
		{"CJ01", "政府采购", "取消其政府采购投标资格"}, {"CJ02", "招标投标", "限制参与招标投标"}, {"CJ05", "评优评级", "取消评优资格"},
	}
	entry := 0
	for i, r := range black {
		entry++
		determined := 20 + i*14
		reported := determined - 3
		if i == 1 {
			determined, reported = 110, 30 // reported late (第十七条: by the end of the next month)
		}
		d.on(date(reported), 0, "roster", "add", "--subject", r.code, "--list", "black", "--name", "拖欠农民工工资失信联合惩戒对象名单",
			"--unit", agencies[4].code, "--basis", "《保障农民工工资支付条例》第四十八条", "--determined", date(determined),
			"--reason", "拒不支付劳动报酬", "--as", "zhangsan")
		if i >= len(black)-2 {
			continue // still pending
		}
		d.on(date(reported-1), 0, "roster", "approve", fmt.Sprintf("M%d", entry), "--note", "认定文书齐全", "--as", "lisi")
		m := measures[i%len(measures)]
		applied := reported - 5 - i%4
		d.on(date(applied-1), 0, "case", "record", "--subject", r.code, "--measure", m.code, "--unit", unit, "--matter", m.matter,
			"--date", date(applied), "--result", m.result, "--as", "zhangsan")
	}
	for i, r := range red {
		entry++
		determined := 40 + i*25
		d.on(date(determined-5), 0, "roster", "add", "--subject", r.code, "--list", "red", "--name", "A级纳税人名单",
			"--unit", agencies[0].code, "--basis", "纳税信用评价结果", "--determined", date(determined), "--as", "zhangsan")
		d.on(date(determined-6), 0, "roster", "approve", fmt.Sprintf("M%d", entry), "--as", "lisi")
		d.on(date(determined-10), 0, "case", "record", "--subject", r.code, "--measure", "JL01", "--unit", unit, "--matter", "行政许可",
			"--date", date(determined-10), "--result", "容缺受理", "--as", "zhangsan")
	}
}

// summary prints what was made and writes demo.json.
func (d *demo) summary(n int, free rec, took time.Duration) {
	type entry struct {
		State  string `json:"state"`
		Label  string `json:"state_label"`
		Status string `json:"status"`
	}
	count := func(noun string) (map[string]int, map[string]int, int) {
		var es []entry
		if err := json.Unmarshal([]byte(d.credit(0, noun, "list", "--format", "json")), &es); err != nil {
			fail("%s list: %v", noun, err)
		}
		states, statuses := map[string]int{}, map[string]int{}
		for _, e := range es {
			states[e.Label+"（"+e.State+"）"]++
			statuses[e.Status]++
		}
		return states, statuses, len(es)
	}
	obs, oStatus, on := count("objection")
	reps, rStatus, rn := count("repair")
	fmt.Printf("演示数据库 / demo store: %s（用时 %s）\n", d.db, took.Round(time.Second))
	fmt.Printf("今天 / office date: %s\n\n", d.today.Format("2006-01-02"))
	fmt.Printf("信息主体 / subjects: 约 %d 个，各有一条行政处罚，来自 %d 个信息提供单位；另有一个含错误行的补报文件\n\n", n, len(agencies))
	fmt.Print(d.credit(0, "batch", "list"))
	show := func(title string, total int, states, statuses map[string]int) {
		fmt.Printf("\n%s：%d 件；已超期 %d，即将到期 %d，正常 %d，已办结 %d\n", title, total, statuses["overdue"], statuses["due_soon"], statuses["ok"], statuses["done"])
		var keys []string
		for k := range states {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			fmt.Printf("  %-28s %d\n", k, states[k])
		}
	}
	show("异议 / objections", on, obs, oStatus)
	show("信用修复 / repairs", rn, reps, rStatus)
	var entries []struct {
		Status string `json:"status"`
	}
	json.Unmarshal([]byte(d.credit(0, "roster", "list", "--format", "json")), &entries)
	byStatus := map[string]int{}
	for _, e := range entries {
		byStatus[e.Status]++
	}
	var cases []struct {
		Date string `json:"date"`
	}
	json.Unmarshal([]byte(d.credit(0, "case", "list", "--format", "json")), &cases)
	months := map[string]int{}
	for _, c := range cases {
		months[c.Date[:7]]++
	}
	var ms []string
	for m, k := range months {
		ms = append(ms, fmt.Sprintf("%s：%d", m, k))
	}
	sort.Strings(ms)
	fmt.Printf("\n红黑名单 / list entries：%d 条（有效 %d，待审核 %d）\n", len(entries), byStatus["valid"], byStatus["pending"])
	fmt.Printf("联合奖惩案例 / cases：%d 件（%s）\n", len(cases), strings.Join(ms, "，"))
	fmt.Printf("拒收报告 / reject report: %s\n", filepath.Join(d.dir, "拒收报告.csv"))
	facts := map[string]any{"db": d.db, "today": d.today.Format("2006-01-02"), "subjects": n, "objections": on, "repairs": rn,
		"free_record": free.id, "free_record_subject": free.name, "objection_status": oStatus, "repair_status": rStatus}
	b, _ := json.MarshalIndent(facts, "", "  ")
	if err := writeFile(filepath.Join(d.dir, "demo.json"), b); err != nil {
		fail("%v", err)
	}
}

func writeFile(path string, b []byte) error { return os.WriteFile(path, append(b, '\n'), 0o640) }
