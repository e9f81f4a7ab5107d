package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Known answers: the example codes of GB 32100-2015 / GB 11643-1999 quoted in
// reference/domain.md §2.

// runCodeMain runs credit in-process with no environment at all (so no store
// is configured: code check must not need one).
func runCodeMain(t *testing.T, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	tty := false
	code = Main(args, IO{
		In: strings.NewReader(stdin), Out: &out, Err: &errb,
		Getenv: func(string) string { return "" },
		TTY:    &tty,
	})
	return out.String(), errb.String(), code
}

func TestCodeCheckAllValid(t *testing.T) {
	out, errOut, code := runCodeMain(t, "", "code", "check", "11010519491231002X", "91350100M000100Y43")
	if code != 0 {
		t.Fatalf("exit %d, want 0\nstdout: %s\nstderr: %s", code, out, errOut)
	}
	want := "11010519491231002X\t是\t自然人\t\n91350100M000100Y43\t是\t企业\t\n"
	if out != want {
		t.Errorf("stdout %q, want %q", out, want)
	}
	if errOut != "" {
		t.Errorf("stderr %q, want nothing", errOut)
	}
}

func TestCodeCheckInvalidExits5WithReason(t *testing.T) {
	out, errOut, code := runCodeMain(t, "", "code", "check", "91350100M000100Y43", "91350100M000100Y4X")
	if code != 5 {
		t.Fatalf("exit %d, want 5\nstdout: %s\nstderr: %s", code, out, errOut)
	}
	// The valid code is still reported, and the invalid one names its reason.
	if !strings.Contains(out, "91350100M000100Y43\t是\t企业") {
		t.Errorf("stdout lacks the valid code: %q", out)
	}
	if !strings.Contains(out, "91350100M000100Y4X\t否\t\t校验码应为 3，实为 X") {
		t.Errorf("stdout lacks the reason: %q", out)
	}
	if !strings.Contains(errOut, "有 1 个代码无效") {
		t.Errorf("stderr %q lacks the count", errOut)
	}
}

func TestCodeCheckEnglish(t *testing.T) {
	out, errOut, code := runCodeMain(t, "", "--lang", "en", "code", "check", "91350100M000100Y4X", "440524188001010014")
	if code != 5 {
		t.Fatalf("exit %d, want 5\n%s%s", code, out, errOut)
	}
	if !strings.Contains(out, "91350100M000100Y4X\tno\t\tthe check character should be 3, got X") ||
		!strings.Contains(out, "440524188001010014\tyes\tnatural person\t") {
		t.Errorf("stdout %q", out)
	}
	if !strings.Contains(errOut, "1 code(s) invalid") {
		t.Errorf("stderr %q", errOut)
	}
}

func TestCodeCheckJSONShape(t *testing.T) {
	out, errOut, code := runCodeMain(t, "", "code", "check", "--format", "json",
		"11010519491231002X", "91350100M000100Y43", "91350100M000100Y4X", "110105491231002", "１１１０００００００００１３１２７ｄ")
	if code != 5 {
		t.Fatalf("exit %d, want 5\nstdout: %s\nstderr: %s", code, out, errOut)
	}
	var list []map[string]any
	if err := json.Unmarshal([]byte(out), &list); err != nil {
		t.Fatalf("stdout is not a JSON array: %v\n%s", err, out)
	}
	want := []map[string]any{
		{"code": "11010519491231002X", "valid": true, "kind": "natural_person", "reason": "", "type": "id_number"},
		{"code": "91350100M000100Y43", "valid": true, "kind": "enterprise", "reason": "", "type": "uscc"},
		{"code": "91350100M000100Y4X", "valid": false, "kind": "", "reason": "校验码应为 3，实为 X", "type": "uscc"},
		{"code": "11010519491231002X", "valid": true, "kind": "natural_person", "reason": "", "type": "id_number"},
		{"code": "11100000000013127D", "valid": true, "kind": "government", "reason": "", "type": "uscc"},
	}
	if len(list) != len(want) {
		t.Fatalf("%d objects, want %d: %s", len(list), len(want), out)
	}
	for i, w := range want {
		got := list[i]
		if len(got) != len(w) {
			t.Errorf("object %d has keys %v, want exactly code, valid, kind, reason, type", i, got)
		}
		for k, v := range w {
			if got[k] != v {
				t.Errorf("object %d: %s = %#v, want %#v", i, k, got[k], v)
			}
		}
	}
	if !strings.Contains(errOut, "有 1 个代码无效") {
		t.Errorf("stderr %q", errOut)
	}
}

func TestCodeCheckJSONAllValidExits0(t *testing.T) {
	out, _, code := runCodeMain(t, "", "code", "check", "--format", "json", "53010219200508011X")
	if code != 0 {
		t.Fatalf("exit %d, want 0: %s", code, out)
	}
	if !strings.HasPrefix(strings.TrimSpace(out), "[") {
		t.Errorf("a single code still prints an array: %s", out)
	}
}

func TestCodeCheckStdin(t *testing.T) {
	in := "\uFEFF91350100M000100Y43\r\n\n  11010519491231002x  \n91350100M000100Y4X\n"
	out, errOut, code := runCodeMain(t, in, "code", "check", "-")
	if code != 5 {
		t.Fatalf("exit %d, want 5\nstdout: %s\nstderr: %s", code, out, errOut)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "91350100M000100Y43\t是") ||
		!strings.HasPrefix(lines[1], "11010519491231002X\t是") || !strings.HasPrefix(lines[2], "91350100M000100Y4X\t否") {
		t.Errorf("stdout %q", out)
	}
	if _, errOut, code := runCodeMain(t, "\n \n", "code", "check", "-"); code != 2 || !strings.Contains(errOut, "没有代码") {
		t.Errorf("empty stdin: exit %d, stderr %q", code, errOut)
	}
}

func TestCodeCheckReasons(t *testing.T) {
	cases := map[string]string{
		"11010519491331002X": "出生日期 19491331 不存在",
		"91350100M000100Y4":  "长度应为 18 位，实为 17 位",
		"91350100M000100O43": "含有不允许的字符 O（统一社会信用代码不用 I、O、S、V、Z）",
		"99350100M000100Y43": "第 2 位机构类别 9 对登记管理部门 9 无效",
	}
	for in, reason := range cases {
		out, _, code := runCodeMain(t, "", "code", "check", in)
		if code != 5 || !strings.Contains(out, reason) {
			t.Errorf("code check %s: exit %d, stdout %q, want reason %q", in, code, out, reason)
		}
	}
}

func TestCodeCheckFutureBirthRefused(t *testing.T) {
	// 11010519491231002X was born on 1949-12-31: on the day before, the
	// number cannot exist yet.
	out, _, code := runCodeMain(t, "", "--today", "1949-12-30", "code", "check", "11010519491231002X")
	if code != 5 || !strings.Contains(out, "晚于今天") {
		t.Errorf("exit %d, stdout %q", code, out)
	}
}

func TestCodeCheckNeedsNoStore(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "sub", "credit.db")
	var out, errb bytes.Buffer
	code := Main([]string{"--db", db, "code", "check", "91350100M000100Y43"}, IO{
		In: strings.NewReader(""), Out: &out, Err: &errb, Getenv: func(string) string { return "" },
	})
	if code != 0 {
		t.Fatalf("exit %d: %s %s", code, out.String(), errb.String())
	}
	if _, err := os.Stat(filepath.Join(dir, "sub")); !os.IsNotExist(err) {
		t.Errorf("code check touched the store folder: %v", err)
	}
}

func TestCodeCheckUsage(t *testing.T) {
	if _, errOut, code := runCodeMain(t, "", "code", "check"); code != 2 {
		t.Errorf("no codes: exit %d, want 2 (%s)", code, errOut)
	}
	// The help is in one language (issue 19): the example's comment in
	// Chinese, and in English with --lang en.
	out, _, code := runCodeMain(t, "", "code", "check", "--help")
	if code != 0 || !strings.Contains(out, "credit code check 91350100M000100Y43") || !strings.Contains(out, "# 校验统一社会信用代码") || strings.Contains(out, "check a USCC") {
		t.Errorf("help: exit %d\n%s", code, out)
	}
	out, _, code = runCodeMain(t, "", "code", "check", "--help", "--lang", "en")
	if code != 0 || !strings.Contains(out, "credit code check 91350100M000100Y43") || !strings.Contains(out, "check a USCC") {
		t.Errorf("help --lang en: exit %d\n%s", code, out)
	}
}
