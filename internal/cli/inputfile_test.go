package cli

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
)

// TestInputFileRule: every command that reads a file follows one rule
// (docs/guide.md, SPEC amendment of 2026-12): a path that does not exist, a
// folder or a FIFO is a usage error (exit 2); a file that exists but cannot
// be read is exit 1; the message is one line naming the file, never
// "internal error".
func TestInputFileRule(t *testing.T) {
	h := importHarness(t)
	h.ok("unit", "add", orgB, "--name", "南通市发展和改革委员会", "--items", "XZCF")
	commands := []struct {
		name string
		ext  string
		args func(path string) []string
	}{
		{"import", ".csv", func(p string) []string { return []string{"import", p, "--provider", provider, "--item", "XZCF"} }},
		{"catalog check", ".yaml", func(p string) []string { return []string{"catalog", "check", p} }},
		{"catalog diff", ".yaml", func(p string) []string { return []string{"catalog", "diff", p} }},
		{"catalog apply", ".yaml", func(p string) []string { return []string{"catalog", "apply", p} }},
		{"measure apply", ".yaml", func(p string) []string { return []string{"measure", "apply", p} }},
		{"calendar load", ".json", func(p string) []string { return []string{"calendar", "load", p} }},
		{"verify", ".csv", func(p string) []string { return []string{"verify", p} }},
		{"check", ".csv", func(p string) []string { return []string{"check", p, "--matter", "招标投标", "--unit", orgB} }},
	}
	kinds := []struct {
		name string
		make func(path string) bool // false: not possible here
		code int
		want string
	}{
		{"missing", func(string) bool { return true }, 2, "找不到文件"},
		{"missing folder on the way", func(p string) bool { return true }, 2, "找不到文件"},
		{"folder", func(p string) bool { return os.Mkdir(p, 0o755) == nil }, 2, "是文件夹"},
		{"FIFO", func(p string) bool { return syscall.Mkfifo(p, 0o644) == nil }, 2, "不是普通文件"},
		// /proc/self/mem exists and is a regular file, but reading its
		// first byte fails with EIO: an unreadable file, root or not.
		{"I/O error", func(p string) bool { return runtime.GOOS == "linux" && os.Symlink("/proc/self/mem", p) == nil }, 1, "无法读取文件"},
		{"no permission", func(p string) bool {
			return os.Getuid() != 0 && os.WriteFile(p, []byte("x"), 0o000) == nil
		}, 1, "没有读取权限"},
	}
	for _, c := range commands {
		for _, k := range kinds {
			t.Run(c.name+"/"+k.name, func(t *testing.T) {
				dir := t.TempDir()
				path := filepath.Join(dir, "input"+c.ext)
				if k.name == "missing folder on the way" {
					path = filepath.Join(dir, "no-such-folder", "input"+c.ext)
				}
				if !k.make(path) {
					t.Logf("%s cannot be made here (uid %d); the I/O case covers exit 1", k.name, os.Getuid())
					return
				}
				r := h.run(c.args(path)...)
				if r.Code != k.code {
					t.Fatalf("exit %d, want %d: %s", r.Code, k.code, r.Err)
				}
				msg := strings.TrimSpace(r.Err)
				if strings.Count(msg, "\n") != 0 || !strings.Contains(msg, path) || !strings.Contains(msg, k.want) ||
					strings.Contains(msg, "内部错误") || strings.Contains(msg, "internal error") {
					t.Errorf("stderr %q: want one line naming %s with %q", r.Err, path, k.want)
				}
			})
		}
	}
	if out := h.ok("batch", "list", "--format", "json").Out; strings.Contains(out, "batch") {
		t.Errorf("nothing may be stored: %s", out)
	}
}

// TestImportRejectsFolderChecked: --rejects into a folder that does not
// exist is a usage error found before the import, so nothing is stored.
func TestImportRejectsFolderChecked(t *testing.T) {
	h := importHarness(t)
	f := filepath.Join(h.dir, "in.csv")
	writeCSV(t, f, xzcfHeader, [][]string{xzcfRow(map[string]string{"处罚类别": "训诫"})}, false)
	r := h.fails(2, "import", f, "--provider", provider, "--item", "XZCF", "--rejects", filepath.Join(h.dir, "nope", "r.csv"))
	if !strings.Contains(r.Err, "nope") {
		t.Errorf("stderr %q", r.Err)
	}
	if out := h.ok("batch", "list", "--format", "json").Out; strings.Contains(out, "batch") {
		t.Errorf("nothing may be stored: %s", out)
	}
}
