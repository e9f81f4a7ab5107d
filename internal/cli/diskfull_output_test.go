package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// Issue 16 "Store faults": a full disk under the files the tool writes.
// CREDIT_TEST_DISK_FULL_AFTER (internal/diskfault) makes every -o file and
// backup fail as on a full disk once it holds more than that many bytes.

// dirList is the names in dir, sorted.
func dirList(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		out = append(out, e.Name())
	}
	slices.Sort(out)
	return out
}

// jsonFailure checks stdout is one JSON object with ok false and the
// disk-full error.
func jsonFailure(t *testing.T, r result) {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal([]byte(r.Out), &v); err != nil {
		t.Fatalf("want a JSON error on stdout, got %q (%v)", r.Out, err)
	}
	if v["ok"] != false || !strings.Contains(v["error"].(string), diskFullZh) {
		t.Errorf("JSON error = %v, want ok false and the disk-full message", v)
	}
}

// TestDiskFullOutputFiles: every kind of -o file on a full disk fails with
// exit 1, the disk-full message (and a JSON error under --format json),
// leaves no partial or temporary file, and an earlier file at the path is
// untouched.
func TestDiskFullOutputFiles(t *testing.T) {
	h := queueHarness(t)
	oneRecord(t, h)
	bad := xzcfRow(map[string]string{"行政处罚决定书文号": "通市监罚〔2025〕坏1号", "处罚决定日期": "2025-13-45"})
	if r := h.importXZCF("2025-09-02", "bad.csv", nil, bad); r.Code != 3 {
		t.Fatalf("import with a reject: %d %s", r.Code, r.Err)
	}
	out := filepath.Join(h.dir, "out")
	if err := os.Mkdir(out, 0o755); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		args []string
	}{
		{"rejects.csv", []string{"batch", "rejects", "2"}},   // a table (App.PrintTo)
		{"rejects.xlsx", []string{"batch", "rejects", "2"}},  // a workbook through tabular
		{"report.md", []string{"subject", "report", orgA}},   // a public report
		{"report.html", []string{"subject", "report", orgA}}, // the same as HTML
		{"sanctions.csv", []string{"report", "sanctions", "--month", "2025-09"}},
		{"sanctions.xlsx", []string{"report", "sanctions", "--month", "2025-09"}}, // the report's own workbook writer
	}
	for _, c := range cases {
		path := filepath.Join(out, c.name)
		earlier := []byte("earlier file, kept\n")
		if err := os.WriteFile(path, earlier, 0o644); err != nil {
			t.Fatal(err)
		}
		before := dirList(t, out)
		h.env["CREDIT_TEST_DISK_FULL_AFTER"] = "10"
		r := h.fails(1, append(c.args, "-o", path, "--force", "--format", "json", "--today", "2025-09-26")...)
		delete(h.env, "CREDIT_TEST_DISK_FULL_AFTER")
		if !strings.Contains(r.Err, diskFullZh) || !strings.Contains(r.Err, path) || strings.Contains(r.Err, "内部错误") {
			t.Errorf("%s: want the disk-full message naming the file, got %s", c.name, r.Err)
		}
		jsonFailure(t, r)
		if got, _ := os.ReadFile(path); string(got) != string(earlier) {
			t.Errorf("%s: the earlier file was changed: %q", c.name, got)
		}
		if after := dirList(t, out); !slices.Equal(after, before) {
			t.Errorf("%s: files left behind: before %v, after %v", c.name, before, after)
		}
		// With room again the same command writes the file.
		h.ok(append(c.args, "-o", path, "--force", "--today", "2025-09-26")...)
		if got, _ := os.ReadFile(path); string(got) == string(earlier) || len(got) <= 10 {
			t.Errorf("%s: with room the file is written, got %d bytes", c.name, len(got))
		}
	}
	// No earlier file: none is created, in English too.
	path := filepath.Join(out, "new.csv")
	h.env["CREDIT_TEST_DISK_FULL_AFTER"] = "10"
	r := h.fails(1, "batch", "rejects", "2", "-o", path, "--lang", "en")
	delete(h.env, "CREDIT_TEST_DISK_FULL_AFTER")
	if !strings.Contains(r.Err, "disk full") {
		t.Errorf("English: %s", r.Err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("a file that could not be written exists: %v", err)
	}
}

// TestDiskFullBackup: a backup on a full disk fails with exit 1 and the
// disk-full message (a JSON error under --format json), leaves neither the
// backup nor its .partial file, records no backup in the audit log, and the
// store is unchanged; with room again the backup is written and verifies.
func TestDiskFullBackup(t *testing.T) {
	h := queueHarness(t)
	oneRecord(t, h)
	dir := t.TempDir()
	path := filepath.Join(dir, "b.db")
	before := h.storeState()
	h.env["CREDIT_TEST_DISK_FULL_AFTER"] = "4096"
	r := h.fails(1, "backup", path, "--format", "json")
	delete(h.env, "CREDIT_TEST_DISK_FULL_AFTER")
	diskFullRefused(t, r)
	jsonFailure(t, r)
	if got := dirList(t, dir); len(got) != 0 {
		t.Errorf("files left behind: %v", got)
	}
	if after := h.storeState(); after != before {
		t.Errorf("store changed by a failed backup:\nbefore %s\nafter  %s", before, after)
	}
	h.ok("backup", path)
	h.ok("backup", "--verify", path)
}

// TestDiskFullExport: `credit export` to a unit (the streamed CSV and the
// workbook) on a full disk: exit 1, the disk-full message, a JSON error, no
// partial or temporary file, the earlier file untouched.
func TestDiskFullExport(t *testing.T) {
	h := archiveHarness(t)
	dir := filepath.Join(h.dir, "exports")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"x.csv", "x.xlsx"} {
		path := filepath.Join(dir, name)
		earlier := []byte("earlier export, kept\n")
		if err := os.WriteFile(path, earlier, 0o644); err != nil {
			t.Fatal(err)
		}
		before := dirList(t, dir)
		h.env["CREDIT_TEST_DISK_FULL_AFTER"] = "100"
		r := h.as("bob").fails(1, "export", "--unit", archUnitA, "--item", "XZCF", "-o", path, "--force", "--purpose", "月度交换", "--format", "json")
		delete(h.env, "CREDIT_TEST_DISK_FULL_AFTER")
		if !strings.Contains(r.Err, diskFullZh) || !strings.Contains(r.Err, path) {
			t.Errorf("%s: want the disk-full message naming the file, got %s", name, r.Err)
		}
		jsonFailure(t, r)
		if got, _ := os.ReadFile(path); string(got) != string(earlier) {
			t.Errorf("%s: the earlier file was changed: %q", name, got)
		}
		if after := dirList(t, dir); !slices.Equal(after, before) {
			t.Errorf("%s: files left behind: before %v, after %v", name, before, after)
		}
	}
}

// TestDiskFullExchangeExport: `exchange export` to the province on a full
// disk: exit 1, the disk-full message and a JSON error, no file and no
// temporary folder left in the output folder, and no run recorded: the next
// export, with space back, is sequence 1 and sends the record.
func TestDiskFullExchangeExport(t *testing.T) {
	h := importHarness(t)
	f := filepath.Join(h.dir, "local.csv")
	writeCSV(t, f, xzcfHeader, [][]string{xzcfRow(nil)}, false)
	h.ok("import", f, "--provider", provider, "--item", "XZCF")
	out := filepath.Join(h.dir, "out")
	h.env["CREDIT_TEST_DISK_FULL_AFTER"] = "100"
	r := h.fails(1, "exchange", "export", "--to", "province", "-o", out, "--format", "json")
	delete(h.env, "CREDIT_TEST_DISK_FULL_AFTER")
	if !strings.Contains(r.Err, diskFullZh) {
		t.Errorf("want the disk-full message, got %s", r.Err)
	}
	jsonFailure(t, r)
	if names, err := os.ReadDir(out); err == nil && len(names) != 0 {
		t.Errorf("files left behind in %s: %v", out, names)
	}
	h.ok("exchange", "export", "--to", "province", "-o", out)
	if m := readManifest(t, out); m.Sequence != 1 || m.Records != 1 {
		t.Errorf("after space is back: manifest %+v, want sequence 1 with the one record", m)
	}
}
