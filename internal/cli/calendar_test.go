package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Expected dates come from the State Council notices (reference/domain.md §7).

func TestCalendarAddInProcess(t *testing.T) {
	var out, errb bytes.Buffer
	code := Main([]string{"--db", filepath.Join(t.TempDir(), "none.db"), "calendar", "add", "2024-09-27", "10"},
		IO{Out: &out, Err: &errb, Getenv: func(string) string { return "" }})
	if code != 0 || out.String() != "2024-10-16\n" || errb.String() != "" {
		t.Fatalf("calendar add = %d %q %q", code, out.String(), errb.String())
	}
}

func TestCalendarAdd(t *testing.T) {
	h := newHarness(t) // no store: the embedded calendar alone
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"calendar", "add", "2024-09-27", "10"}, "2024-10-16\n"},
		{[]string{"calendar", "add", "2025-09-26", "5"}, "2025-10-10\n"},
		{[]string{"calendar", "add", "2025-09-26", "10"}, "2025-10-16\n"},
		// Negative N counts back, however the flags are placed.
		{[]string{"calendar", "add", "2024-10-16", "-10"}, "2024-09-27\n"},
		{[]string{"calendar", "add", "2024-10-16", "--", "-10"}, "2024-09-27\n"},
		{[]string{"--lang", "en", "calendar", "add", "2026-02-24", "-1"}, "2026-02-14\n"},
		{[]string{"calendar", "add", "2024-10-16", "-10", "--lang", "en"}, "2024-09-27\n"},
		{[]string{"calendar", "add", "2024-10-03", "0"}, "2024-10-03\n"},
		{[]string{"calendar", "add", "2025-12-31", "1"}, "2026-01-04\n"},
	}
	for _, tt := range tests {
		r := h.ok(tt.args...)
		if r.Out != tt.want || r.Err != "" {
			t.Errorf("credit %s = %q (stderr %q), want %q", strings.Join(tt.args, " "), r.Out, r.Err, tt.want)
		}
	}
	if _, err := os.Stat(h.db); !os.IsNotExist(err) {
		t.Errorf("calendar add created a store: %v", err)
	}

	for _, args := range [][]string{
		{"calendar", "add", "2025-09-26", "10", "--format", "json"},
		{"calendar", "add", "--format", "json", "2025-09-26", "10"},
		{"--format=json", "calendar", "add", "2025-09-26", "10"},
		{"calendar", "add", "2025-10-17", "--format=json", "-1"},
	} {
		got := calDecode[map[string]any](t, h.ok(args...).Out)
		if len(got) != 2 || got["provisional"] != false || got["date"] != "2025-10-16" {
			t.Errorf("credit %s = %v", strings.Join(args, " "), got)
		}
	}

	// 2027 is provisional: the table form says so on stderr, JSON in the field.
	r := h.ok("calendar", "add", "2026-12-30", "2")
	if !strings.Contains(r.Err, "临时数据，待国务院通知确认") {
		t.Errorf("provisional add: stderr %q", r.Err)
	}
	if got := calDecode[map[string]any](t, h.ok("calendar", "add", "2027-03-01", "1", "--format", "json").Out); got["provisional"] != true {
		t.Errorf("2027 add json = %v", got)
	}

	// Usage errors exit 2; a year without data exits 5 naming the year.
	h.fails(2, "calendar", "add", "2024-02-30", "1")
	h.fails(2, "calendar", "add", "2024-10-16", "ten")
	h.fails(2, "calendar", "add", "2024-10-16")
	h.fails(2, "calendar", "add", "2024-10-16", "1", "2")
	h.fails(2, "calendar", "add", "2024-10-16", "-10", "--bogus")
	r = h.fails(5, "calendar", "add", "2030-01-02", "1")
	if !strings.Contains(r.Err, "2030") || !strings.Contains(r.Err, "credit calendar load") {
		t.Errorf("missing year: stderr %q", r.Err)
	}
	r = h.fails(5, "--lang", "en", "calendar", "add", "2027-12-31", "1")
	if !strings.Contains(r.Err, "no data for 2028") {
		t.Errorf("missing year (en): stderr %q", r.Err)
	}
	if r := h.ok("calendar", "add", "2024-10-16", "1", "--help"); !strings.Contains(r.Out, "calendar add DATE N") {
		t.Errorf("help after the arguments: %q", r.Out)
	}
}

func TestCalendarBetween(t *testing.T) {
	h := newHarness(t)
	if r := h.ok("calendar", "between", "2025-12-31", "2026-01-05"); r.Out != "2\n" {
		t.Errorf("between = %q", r.Out)
	}
	if r := h.ok("calendar", "between", "2024-10-16", "2024-09-27"); r.Out != "-10\n" {
		t.Errorf("between backwards = %q", r.Out)
	}
	got := calDecode[map[string]any](t, h.ok("calendar", "between", "2024-09-27", "2024-10-16", "--format", "json").Out)
	want := map[string]any{"from": "2024-09-27", "to": "2024-10-16", "workdays": float64(10), "provisional": false}
	if len(got) != len(want) {
		t.Errorf("between json = %v", got)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("between json %s = %v, want %v", k, got[k], v)
		}
	}
	r := h.fails(5, "calendar", "between", "2029-12-01", "2030-01-10")
	if !strings.Contains(r.Err, "2029") {
		t.Errorf("between missing year: %q", r.Err)
	}
}

func TestCalendarShow(t *testing.T) {
	h := newHarness(t)
	out := h.ok("calendar", "show", "2025").Out
	for _, want := range []string{
		"2025 年工作日历", "十月", "一   二   三   四   五   六   日",
		// 国庆 2025 in the October grid: 10-01..08 off, 10-11 (Sat) worked.
		"  1休  2休  3休  4休  5休",
		"  6休  7休  8休  9   10   11班 12",
		"国庆节、中秋节  2025-10-01（周三） 至 2025-10-08（周三），共 8 天",
		"2025-09-28（周日）、2025-10-11（周六）",
		"春节            2025-01-26（周日）、2025-02-08（周六）",
		"content_6986383",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("show 2025 lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "\x1b[") {
		t.Errorf("show in a pipe has colour codes")
	}
	h.tty = true
	if out := h.ok("calendar", "show", "2025").Out; !strings.Contains(out, "\x1b[") || !strings.Contains(out, "休") {
		t.Errorf("show on a terminal should colour and still mark")
	}
	h.env["NO_COLOR"] = "1"
	if out := h.ok("calendar", "show", "2025").Out; strings.Contains(out, "\x1b[") {
		t.Errorf("NO_COLOR still coloured")
	}
	h.tty = false

	type day struct{ Date, Name string }
	type year struct {
		Year        int
		Provisional bool
		Holidays    []day
		Workdays    []day
	}
	y := calDecode[year](t, h.ok("calendar", "show", "2026", "--format", "json").Out)
	if y.Year != 2026 || y.Provisional || len(y.Holidays) != 33 {
		t.Errorf("show 2026 json = %+v", y)
	}
	var work []string
	for _, w := range y.Workdays {
		work = append(work, w.Date)
	}
	if strings.Join(work, " ") != "2026-01-04 2026-02-14 2026-02-28 2026-05-09 2026-09-20 2026-10-10" {
		t.Errorf("2026 调休 days = %v", work)
	}
	if y := calDecode[year](t, h.ok("calendar", "show", "2027", "--format", "json").Out); !y.Provisional {
		t.Errorf("2027 not provisional")
	}
	if r := h.ok("calendar", "show", "2027"); !strings.Contains(r.Out, "临时数据") {
		t.Errorf("show 2027 does not say provisional")
	}
	if r := h.ok("calendar", "show", "2024", "--format", "csv"); !strings.Contains(r.Out, "2024-10-12,周六,调休上班,国庆节") {
		t.Errorf("show csv:\n%s", r.Out)
	}
	r := h.fails(5, "calendar", "show", "2030")
	if !strings.Contains(r.Err, "2030") {
		t.Errorf("show 2030: %q", r.Err)
	}
	h.fails(2, "calendar", "show", "25")
}

func TestCalendarLoad(t *testing.T) {
	h := newHarness(t).initStore()
	// A made-up 2028 (there is no notice yet): 2027-12-31 off under the 2028
	// notice, 2028-01-08 (Sat) worked.
	y2028 := filepath.Join(h.dir, "2028.json")
	calWriteFile(t, y2028, `{"year": 2028, "provisional": true, "notice": ["https://example.invalid/2028"],
		"holidays": [{"date": "2027-12-31", "name": "元旦"}, {"date": "2028-01-03", "name": "元旦"}],
		"workdays": [{"date": "2028-01-08", "name": "元旦"}]}`)

	h.fails(5, "calendar", "add", "2027-12-31", "1")
	h.as("bob").fails(5, "calendar", "load", y2028) // not an operator, let alone admin

	type loaded struct {
		File  string
		Years []struct {
			Year               int
			Provisional        bool
			Holidays, Workdays int
			Status, SHA256     string
		}
		DeadlinesChanged []any `json:"deadlines_changed"`
	}
	got := calDecode[loaded](t, h.ok("calendar", "load", y2028, "--format", "json").Out)
	if len(got.Years) != 1 || got.Years[0].Year != 2028 || got.Years[0].Status != "added" || !got.Years[0].Provisional ||
		got.Years[0].Holidays != 2 || len(got.Years[0].SHA256) != 64 || got.DeadlinesChanged == nil || len(got.DeadlinesChanged) != 0 {
		t.Fatalf("load = %+v", got)
	}
	// The loaded year is used: 2027-12-31 (Fri) is off now, 2028-01-03 too.
	if r := h.ok("calendar", "add", "2027-12-30", "1"); r.Out != "2028-01-04\n" || !strings.Contains(r.Err, "临时数据") {
		t.Errorf("add with 2028 loaded = %q %q", r.Out, r.Err)
	}
	if r := h.ok("calendar", "add", "2028-01-07", "1"); r.Out != "2028-01-08\n" {
		t.Errorf("调休 Saturday of the loaded year = %q", r.Out)
	}

	// The audit log names the year, the flag and the data's hash.
	entries := calDecode[[]map[string]any](t, h.ok("audit", "log", "--object", "calendar:2028", "--format", "json").Out)
	if len(entries) != 1 || entries[0]["action"] != "calendar.load" || !strings.Contains(entries[0]["details"].(string), got.Years[0].SHA256) {
		t.Errorf("audit = %v", entries)
	}

	// Loading the same data again changes nothing.
	again := calDecode[loaded](t, h.ok("calendar", "load", y2028, "--format", "json").Out)
	if again.Years[0].Status != "unchanged" {
		t.Errorf("reload = %+v", again)
	}
	if n := len(calDecode[[]map[string]any](t, h.ok("audit", "log", "--object", "calendar:2028", "--format", "json").Out)); n != 1 {
		t.Errorf("reload wrote %d audit entries", n)
	}

	// The official 2028 replaces the provisional one and drops its days.
	calWriteFile(t, y2028, `{"year": 2028, "holidays": [{"date": "2028-01-01", "name": "元旦"}], "workdays": []}`)
	r := h.ok("calendar", "load", y2028)
	if !strings.Contains(r.Out, "2028") || !strings.Contains(r.Out, "已取代原数据") || !strings.Contains(r.Err, "没有未结期限") {
		t.Errorf("replace: %q %q", r.Out, r.Err)
	}
	// (2027-12-31 itself is still in the provisional 2027.)
	if r := h.ok("calendar", "add", "2027-12-30", "1"); r.Out != "2027-12-31\n" {
		t.Errorf("add after the official 2028 = %q %q", r.Out, r.Err)
	}
	years := calDecode[[]map[string]any](t, h.ok("calendar", "years", "--format", "json").Out)
	last := years[len(years)-1]
	if last["year"] != float64(2028) || last["source"] != "store" || last["provisional"] != false || last["loaded_by"] != "alice" {
		t.Errorf("years = %v", last)
	}

	// An official year is never replaced by provisional data (embedded 2026 here).
	y2026 := filepath.Join(h.dir, "2026.json")
	calWriteFile(t, y2026, `{"year": 2026, "provisional": true, "holidays": [{"date": "2026-01-01", "name": "元旦"}]}`)
	h.fails(5, "calendar", "load", y2026)
	if r := h.ok("calendar", "add", "2025-12-31", "1"); r.Out != "2026-01-04\n" {
		t.Errorf("2026 changed by a refused load: %q", r.Out)
	}

	// The whole-document form: confirming 2027 makes it official.
	doc := filepath.Join(h.dir, "doc.json")
	calWriteFile(t, doc, `{"source": [], "years": {"2027": {"holidays": [{"date": "2027-01-01", "name": "元旦"}], "workdays": []}}}`)
	h.ok("calendar", "load", doc)
	if got := calDecode[map[string]any](t, h.ok("calendar", "add", "2027-03-01", "1", "--format", "json").Out); got["provisional"] != false {
		t.Errorf("2027 after the official load = %v", got)
	}
	if r := h.ok("calendar", "add", "2027-12-30", "1"); r.Out != "2027-12-31\n" || r.Err != "" {
		t.Errorf("add in the official 2027 = %q %q", r.Out, r.Err)
	}

	// Files that are not calendar data are refused whole (exit 4).
	bad := filepath.Join(h.dir, "bad.json")
	calWriteFile(t, bad, `{"year": 2029, "holidays": [{"date": "2029-01-02", "name": "元旦"}], "workdays": [{"date": "2029-01-03", "name": "元旦"}]}`)
	r = h.fails(4, "calendar", "load", bad)
	if !strings.Contains(r.Err, "bad.json") || !strings.Contains(r.Err, "2029-01-03") {
		t.Errorf("bad file: %q", r.Err)
	}
	h.fails(2, "calendar", "load", filepath.Join(h.dir, "missing.json")) // issue 16: a missing input is a usage error
}

func calWriteFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
}

func calDecode[T any](t *testing.T, s string) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, s)
	}
	return v
}
