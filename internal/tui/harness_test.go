package tui_test

import (
	"bytes"
	"encoding/csv"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"credit/internal/cli"
	"credit/internal/tui"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// testdata is the golden files' folder, found before any test changes the
// working directory (an export writes into the current folder).
var testdata = "testdata"

// The office date of every golden view: a Monday and a working day.
const today = "2025-12-01"

// Codes from the standards' published examples (reference/domain.md §2).
const (
	agency   = "11100000000013127D" // the provider and the deciding agency
	unitCode = "91110108551385082Q" // a user unit
	personID = "11010519491231002X"
)

// usccOf completes 17 characters with their GB 32100 check character
// (the algorithm of the standard, as scripts/gendata writes it).
func usccOf(first17 string) string {
	const alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
	weights := []int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}
	sum := 0
	for i := 0; i < 17; i++ {
		sum += strings.IndexByte(alphabet, first17[i]) * weights[i]
	}
	c := 31 - sum%31
	if c == 31 {
		c = 0
	}
	return first17 + string(alphabet[c])
}

// idOf completes 17 digits with their GB 11643 check character.
func idOf(first17 string) string {
	weights := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i := 0; i < 17; i++ {
		sum += int(first17[i]-'0') * weights[i]
	}
	return first17 + string("10X98765432"[sum%11])
}

var xzcfHeader = []string{
	"行政相对人名称", "行政相对人类别", "行政相对人代码_1（统一社会信用代码）", "行政相对人代码_2（工商注册号）",
	"行政相对人代码_3（组织机构代码）", "行政相对人代码_4（税务登记号）", "行政相对人代码_5（事业单位证书号）",
	"行政相对人代码_6（社会组织登记证号）", "法定代表人", "法定代表人证件类型", "法定代表人证件号码", "证件类型", "证件号码",
	"行政处罚决定书文号", "违法行为类型", "违法事实", "处罚依据", "处罚类别", "处罚内容", "罚款金额（万元）",
	"没收违法所得、没收非法财物的金额（万元）", "暂扣或吊销证照名称及编号", "处罚决定日期", "处罚有效期", "公示截止期",
	"处罚机关", "处罚机关统一社会信用代码", "数据来源单位", "数据来源单位统一社会信用代码", "备注", "失信程度", "法定代表人负有责任",
}

var orgNames = []string{"崇川建筑工程有限公司", "通州食品有限公司", "海门商贸有限责任公司", "启东物流股份有限公司", "如皋机械制造有限公司",
	"海安纺织有限公司", "如东化工有限公司", "港闸餐饮管理有限公司", "开发区医疗器械有限公司", "南通科技股份有限公司", "崇川房地产开发有限公司", "海安家纺有限公司"}

// penalty is row n of the fixture's 行政处罚 file.
func penalty(n int, decided, severity string, set map[string]string) []string {
	v := map[string]string{
		"行政相对人类别": "法人及非法人组织", "法定代表人": "张三", "法定代表人证件类型": "身份证", "法定代表人证件号码": personID,
		"行政处罚决定书文号": fmt.Sprintf("通市监罚〔%s〕%d号", decided[:4], n), "违法行为类型": "虚假广告", "违法事实": "发布虚假广告",
		"处罚依据": "《中华人民共和国广告法》第五十五条", "处罚类别": "罚款", "处罚内容": fmt.Sprintf("罚款%d元", n*10000),
		"罚款金额（万元）": fmt.Sprint(n), "处罚决定日期": decided, "处罚有效期": yearAfter(decided), "处罚机关": "南通市市场监督管理局", "处罚机关统一社会信用代码": agency,
		"数据来源单位": "南通市市场监督管理局", "数据来源单位统一社会信用代码": agency, "失信程度": severity,
		"法定代表人负有责任": "是", // the provider found the legal representative responsible (第二十九条)
	}
	if n <= len(orgNames) {
		v["行政相对人名称"] = orgNames[n-1]
		v["行政相对人代码_1（统一社会信用代码）"] = usccOf(fmt.Sprintf("91320602MA%07d", n))
	}
	for k, x := range set {
		v[k] = x
	}
	row := make([]string, len(xzcfHeader))
	for i, h := range xzcfHeader {
		row[i] = v[h]
	}
	return row
}

func yearAfter(d string) string {
	t, err := time.Parse("2006-01-02", d)
	if err != nil {
		return d
	}
	return t.AddDate(1, 0, 0).Format("2006-01-02")
}

func writeCSV(t testing.TB, path string, rows [][]string) {
	t.Helper()
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write(xzcfHeader)
	w.WriteAll(rows)
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// credit runs the real command tree in-process as login alice (who becomes
// the administrator at init) and fails the test on an unexpected exit code.
func credit(t testing.TB, db string, want int, args ...string) string {
	t.Helper()
	var out, errb bytes.Buffer
	no := false
	code := cli.Main(args, cli.IO{In: strings.NewReader(""), Out: &out, Err: &errb, TTY: &no, Login: "alice",
		Getenv: func(k string) string {
			if k == "CREDIT_DB" {
				return db
			}
			return ""
		}})
	if code != want {
		t.Fatalf("credit %s: exit %d, want %d\n%s%s", strings.Join(args, " "), code, want, out.String(), errb.String())
	}
	return out.String()
}

var (
	fixtureOnce sync.Once
	fixtureDir  string
	fixtureErr  string
)

// buildFixture makes the golden tests' store once, through the command
// line: twelve penalties (eight general, a natural person, four serious), a
// second file with planted errors, and objections and repairs in every
// state and deadline status on 2025-12-01.
func buildFixture(t testing.TB) string {
	dir, err := os.MkdirTemp("", "credit-tui-fixture")
	if err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "credit.db")
	c := func(want int, args ...string) { credit(t, db, want, args...) }
	c(0, "init")
	c(0, "provider", "add", agency, "--name", "南通市市场监督管理局", "--items", "XZCF,XZXK")
	c(0, "user", "add", "bob", "--role", "clerk")
	var rows [][]string
	for n := 1; n <= 7; n++ {
		rows = append(rows, penalty(n, fmt.Sprintf("2025-%02d-1%d", n+2, n), "一般", nil))
	}
	rows = append(rows, penalty(8, "2025-04-08", "一般", map[string]string{"行政相对人名称": "李四", "行政相对人类别": "自然人",
		"法定代表人": "", "法定代表人证件类型": "", "法定代表人证件号码": "", "行政相对人代码_1（统一社会信用代码）": "", "证件类型": "身份证", "证件号码": idOf("32060219800101001")}))
	for n := 9; n <= 12; n++ {
		rows = append(rows, penalty(n, fmt.Sprintf("2023-10-%02d", n), "严重", map[string]string{"违法行为类型": "拖欠农民工工资"}))
	}
	f := filepath.Join(dir, "行政处罚_2025年11月.csv")
	writeCSV(t, f, rows)
	c(0, "import", f, "--provider", agency, "--item", "XZCF", "--today", "2025-11-03")
	bad := [][]string{
		penalty(11, "2025-09-01", "一般", map[string]string{"行政处罚决定书文号": "通市监罚〔2025〕101号"}),
		penalty(13, "2025-02-30", "一般", map[string]string{"行政相对人名称": "通州物流有限公司", "行政相对人代码_1（统一社会信用代码）": "91320602MA0000013X"}),
		penalty(14, "2025-09-02", "一般", map[string]string{"行政相对人名称": "海门纺织有限公司", "行政相对人代码_1（统一社会信用代码）": usccOf("91320602MA0000014"), "处罚类别": "训诫"}),
	}
	f2 := filepath.Join(dir, "行政处罚_补报.csv")
	writeCSV(t, f2, bad)
	c(3, "import", f2, "--provider", agency, "--item", "XZCF", "--today", "2025-11-10")

	on := func(day string, want int, args ...string) { c(want, append(args, "--today", day)...) }
	// Objections: overdue, ok, due soon, forwarded and overdue, rejected, upheld, verified.
	on("2025-11-14", 0, "objection", "file", "--record", "1", "--ground", "wrong", "--applicant", "崇川建筑工程有限公司", "--detail", "罚款金额有误")
	on("2025-11-26", 0, "objection", "file", "--record", "2", "--ground", "wrong", "--applicant", "通州食品有限公司")
	on("2025-11-18", 0, "objection", "file", "--record", "3", "--ground", "expired", "--applicant", "海门商贸有限责任公司")
	on("2025-11-20", 0, "objection", "file", "--record", "4", "--ground", "wrong", "--applicant", "启东物流股份有限公司", "--via", "provider")
	on("2025-11-21", 0, "objection", "forward", "4", "--note", "转交市监局核实")
	on("2025-11-10", 0, "objection", "file", "--record", "5", "--ground", "wrong", "--applicant", "如皋机械制造有限公司")
	on("2025-11-12", 0, "objection", "decide", "5", "--reject", "--reason", "经核实信息无误")
	on("2025-11-24", 0, "objection", "file", "--record", "6", "--ground", "wrong", "--applicant", "海安纺织有限公司", "--evidence", "判决书")
	on("2025-11-27", 0, "objection", "decide", "6", "--uphold", "--reason", "罚款金额记载错误")
	on("2025-11-17", 0, "objection", "file", "--record", "7", "--ground", "wrong", "--applicant", "如东化工有限公司")
	on("2025-11-18", 0, "objection", "forward", "7")
	on("2025-11-24", 0, "objection", "verify", "7", "--finding", "inaccurate", "--note", "市监局复函：金额有误")
	// Repairs: opinion overdue, opinion ok, publicity over, refused, publicity objected.
	on("2025-11-20", 0, "repair", "apply", "--record", "9", "--corrected-on", "2024-06-01", "--commitment", "承诺书〔2025〕1号")
	on("2025-11-27", 0, "repair", "apply", "--record", "10", "--corrected-on", "2024-06-01", "--commitment", "承诺书〔2025〕2号")
	on("2025-11-17", 0, "repair", "apply", "--record", "11", "--corrected-on", "2024-06-01", "--commitment", "承诺书〔2025〕3号")
	on("2025-11-18", 0, "repair", "opinion", "3", "--approve", "--text", "同意修复")
	on("2025-11-19", 0, "repair", "publicize", "3")
	on("2025-11-25", 5, "repair", "apply", "--record", "12", "--corrected-on", "2025-06-01")
	on("2025-11-10", 0, "repair", "apply", "--record", "8", "--corrected-on", "2024-03-01", "--commitment", "承诺书〔2025〕5号")
	on("2025-11-11", 0, "repair", "opinion", "5", "--approve", "--text", "同意修复")
	on("2025-11-12", 0, "repair", "publicize", "5")
	on("2025-11-14", 0, "repair", "object", "5", "--detail", "举报仍在发布虚假广告")
	// Lists and cases: a user unit, a black entry approved, a red one
	// approved late, one pending; cases in October and November.
	c(0, "unit", "add", unitCode, "--name", "南通市公共资源交易中心", "--items", "XZCF")
	org := func(n int) string { return usccOf(fmt.Sprintf("91320602MA%07d", n)) }
	on("2025-10-20", 0, "roster", "add", "--subject", org(11), "--list", "black", "--name", "拖欠农民工工资失信联合惩戒对象名单",
		"--unit", agency, "--basis", "《保障农民工工资支付条例》第四十八条", "--determined", "2025-10-15", "--reason", "拒不支付劳动报酬")
	on("2025-10-21", 0, "roster", "approve", "M1")
	on("2025-11-05", 0, "roster", "add", "--subject", org(2), "--list", "red", "--name", "A级纳税人名单", "--unit", agency,
		"--basis", "纳税信用评价", "--determined", "2025-08-01", "--valid-until", "2026-07-31")
	on("2025-11-06", 0, "roster", "approve", "M2")
	on("2025-11-28", 0, "roster", "add", "--subject", org(3), "--list", "black", "--name", "重大税收违法失信主体名单", "--unit", agency,
		"--basis", "《重大税收违法失信主体信息公布管理办法》", "--determined", "2025-11-20")
	on("2025-10-16", 0, "case", "record", "--subject", org(10), "--measure", "CJ01", "--unit", unitCode, "--matter", "政府采购",
		"--date", "2025-10-15", "--result", "取消投标资格")
	on("2025-11-21", 0, "case", "record", "--subject", org(11), "--measure", "CJ02", "--unit", unitCode, "--matter", "招标投标",
		"--date", "2025-11-20", "--result", "限制参与招标投标")
	on("2025-11-25", 0, "case", "record", "--subject", org(2), "--measure", "JL01", "--unit", unitCode, "--matter", "行政许可",
		"--date", "2025-11-24", "--result", "容缺受理")
	return dir
}

// fixture copies the prepared store into a fresh folder for one test.
func fixture(t *testing.T) string {
	t.Helper()
	fixtureOnce.Do(func() { fixtureDir = buildFixture(t) })
	if fixtureDir == "" {
		t.Fatal("the fixture could not be built")
	}
	dir := t.TempDir()
	// The office key travels with the store: a sealed store is refused
	// without it.
	for _, name := range []string{"credit.db", "credit.db-wal", "credit.db.key"} {
		b, err := os.ReadFile(filepath.Join(fixtureDir, name))
		if err != nil {
			if os.IsNotExist(err) {
				continue
			}
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return filepath.Join(dir, "credit.db")
}

func TestMain(m *testing.M) {
	flag.Parse()
	if abs, err := filepath.Abs(testdata); err == nil {
		testdata = abs
	}
	code := m.Run()
	if fixtureDir != "" {
		os.RemoveAll(fixtureDir)
	}
	os.Exit(code)
}

// driver runs the TUI model as the program would, without a terminal: it
// sends messages, runs the commands they return (lookups included, so the
// views are complete) and skips only the timers (cursor blink, spinner).
type driver struct {
	t       *testing.T
	m       *tui.Model
	db      string            // the store, for the command line beside the screen
	login   string            // the operator the screen runs as
	replace map[string]string // texts that differ between runs (temporary paths) → stable ones
	// buttons drops the indent of a confirmation's buttons, which follows
	// the width of a text that differs between runs.
	buttons bool
}

var buttonsRe = regexp.MustCompile(`(?m)^ ┃ +确认办理`)

func newDriver(t *testing.T, db string, w, h int) *driver {
	t.Helper()
	return newDriverAs(t, db, "alice", w, h)
}

// newDriverAs runs the TUI as login (alice is the administrator, bob a clerk).
func newDriverAs(t *testing.T, db, login string, w, h int) *driver {
	t.Helper()
	return newDriverIn(t, db, login, "", w, h)
}

// newDriverIn runs the TUI as login with CREDIT_LANG=lang ("" is the
// default, Chinese), wired as `credit tui` wires it.
func newDriverIn(t *testing.T, db, login, lang string, w, h int) *driver {
	t.Helper()
	env := func(k string) string {
		if k == "CREDIT_LANG" {
			return lang
		}
		return ""
	}
	svc, done, err := cli.TUIServices(cli.IO{In: strings.NewReader(""), Out: io.Discard, Err: io.Discard, Login: login, Getenv: env}, db, today)

	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(done)
	d := &driver{t: t, m: tui.New(svc, tui.Options{}), db: db, login: login, replace: map[string]string{}}
	d.send(tea.WindowSizeMsg{Width: w, Height: h})
	d.run(d.m.Init())
	return d
}

func (d *driver) send(msg tea.Msg) {
	d.t.Helper()
	_, cmd := d.m.Update(msg)
	d.run(cmd)
}

var cmdType = reflect.TypeOf(tea.Cmd(nil))

// run executes cmd and feeds back what it returns, depth first.
func (d *driver) run(cmd tea.Cmd) {
	d.t.Helper()
	if cmd == nil {
		return
	}
	name := runtime.FuncForPC(reflect.ValueOf(cmd).Pointer()).Name()
	if strings.Contains(name, "Blink") || strings.Contains(name, "bubbletea/v2.Tick") || strings.Contains(name, "bubbletea/v2.Every") {
		return
	}
	ch := make(chan tea.Msg, 1)
	go func() { ch <- cmd() }()
	var msg tea.Msg
	select {
	case msg = <-ch:
	case <-time.After(20 * time.Second):
		d.t.Fatalf("command %s did not return", name)
	}
	if msg == nil {
		return
	}
	if v := reflect.ValueOf(msg); v.Kind() == reflect.Slice && v.Type().Elem() == cmdType { // tea.Batch, tea.Sequence
		for i := 0; i < v.Len(); i++ {
			d.run(v.Index(i).Interface().(tea.Cmd))
		}
		return
	}
	if _, ok := msg.(tea.QuitMsg); ok {
		return
	}
	d.send(msg)
}

// keys sends key presses: named keys ("enter", "esc", "tab", "shift+tab",
// "up", "down", "backspace", "ctrl+c", "ctrl+j") or text, one rune at a time.
func (d *driver) keys(ks ...string) *driver {
	d.t.Helper()
	for _, k := range ks {
		if msg, ok := named[k]; ok {
			d.send(msg)
			continue
		}
		for _, r := range k {
			d.send(tea.KeyPressMsg{Code: r, Text: string(r)})
		}
	}
	return d
}

var named = map[string]tea.KeyPressMsg{
	"enter": {Code: tea.KeyEnter}, "esc": {Code: tea.KeyEscape}, "tab": {Code: tea.KeyTab},
	"shift+tab": {Code: tea.KeyTab, Mod: tea.ModShift}, "up": {Code: tea.KeyUp}, "down": {Code: tea.KeyDown},
	"left": {Code: tea.KeyLeft}, "right": {Code: tea.KeyRight}, "backspace": {Code: tea.KeyBackspace},
	"pgdown": {Code: tea.KeyPgDown}, "pgup": {Code: tea.KeyPgUp},
	"ctrl+c": {Code: 'c', Mod: tea.ModCtrl}, "ctrl+u": {Code: 'u', Mod: tea.ModCtrl}, "ctrl+j": {Code: 'j', Mod: tea.ModCtrl}, "space": {Code: tea.KeySpace, Text: " "},
}

var (
	ansiRe = regexp.MustCompile(`\x1b\[[0-9;:?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(\x07|\x1b\\)`)
	// Real times (the audit and query logs' clock, which --today does not fix).
	timeRe = regexp.MustCompile(`\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?`)
)

// screen is the rendered view as plain text: no colour, real times masked,
// trailing spaces trimmed.
func (d *driver) screen() string {
	s := ansiRe.ReplaceAllString(d.m.View().Content, "")
	for from, to := range d.replace {
		s = strings.ReplaceAll(s, from, to)
	}
	if d.buttons {
		s = buttonsRe.ReplaceAllString(s, " ┃ 确认办理")
	}
	s = timeRe.ReplaceAllString(s, "YYYY-MM-DD hh:mm")
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n") + "\n"
}

// golden compares the screen with testdata/NAME.golden (-update rewrites it).
func (d *driver) golden(name string) *driver {
	d.t.Helper()
	got := d.screen()
	path := filepath.Join(testdata, name+".golden")
	if *update {
		if err := os.MkdirAll(testdata, 0o755); err != nil {
			d.t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			d.t.Fatal(err)
		}
		return d
	}
	want, err := os.ReadFile(path)
	if err != nil {
		d.t.Fatalf("%v (run go test ./internal/tui -update to create it)\n%s", err, got)
	}
	if got != string(want) {
		d.t.Errorf("%s differs from %s (go test ./internal/tui -update rewrites it)\n--- got ---\n%s--- want ---\n%s", name, path, got, want)
	}
	return d
}

// contains fails unless the screen shows each text.
func (d *driver) contains(texts ...string) *driver {
	d.t.Helper()
	s := d.screen()
	for _, x := range texts {
		if !strings.Contains(s, x) {
			d.t.Errorf("screen lacks %q:\n%s", x, s)
		}
	}
	return d
}
