package cli

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// guideExitCodes reads the exit-code table of docs/guide.md (常见问题 ›
// 退出码): each row's meaning (用法错误, 规则不允许, …) and its code.
func guideExitCodes(t *testing.T) map[string]int {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "docs", "guide.md"))
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	i := strings.Index(s, "**退出码**")
	if i < 0 {
		t.Fatal("docs/guide.md has no **退出码** table")
	}
	row := regexp.MustCompile(`(?m)^\| ([0-9]) \| ([^|]+) \|`)
	codes := map[string]int{}
	for _, m := range row.FindAllStringSubmatch(s[i:min(len(s), i+3000)], -1) {
		n, _ := strconv.Atoi(m[1])
		codes[strings.TrimSpace(m[2])] = n
	}
	for _, want := range []string{"成功", "错误", "用法错误", "规则不允许"} {
		if _, ok := codes[want]; !ok {
			t.Fatalf("the guide's exit-code table lacks %s: %v", want, codes)
		}
	}
	return codes
}

// leafCommands are the runnable commands of the tree, as their paths
// without "credit".
func leafCommands(c *cobra.Command) [][]string {
	var out [][]string
	for _, sub := range c.Commands() {
		if sub.Hidden || sub.Name() == "help" || sub.Name() == "completion" {
			continue
		}
		if sub.HasSubCommands() {
			out = append(out, leafCommands(sub)...)
			continue
		}
		out = append(out, strings.Fields(sub.CommandPath())[1:])
	}
	return out
}

// Exit codes are as docs/guide.md documents them (issue 19), for every
// command: an unknown flag is a usage error; a record, case, entry,
// batch or version that does not exist is a usage error (编号不存在); a
// step the rules refuse (a role lacking, a state that does not allow it)
// is 规则不允许.
func TestExitCodesAsDocumented(t *testing.T) {
	codes := guideExitCodes(t)
	usage, rule := codes["用法错误"], codes["规则不允许"]
	h := scHarness(t)                            // 2025-12-01
	h.scImport("XZCF", xzcfHeader, xzcfRow(nil)) // record 1
	h.ok("user", "add", "guest", "--role", "viewer")

	// Every runnable command refuses an unknown flag as a usage error.
	leaves := leafCommands(newRoot(&App{}))
	if len(leaves) < 60 {
		t.Fatalf("only %d commands found", len(leaves))
	}
	for _, path := range leaves {
		args := append(append([]string{}, path...), "--no-such-flag")
		if r := h.run(args...); r.Code != usage {
			t.Errorf("credit %s: exit %d, the guide says %d (用法错误)\n%s", strings.Join(args, " "), r.Code, usage, r.Err)
		}
	}

	// Not found: the guide's 编号不存在 is a usage error.
	notFound := [][]string{
		{"objection", "show", "999"}, {"objection", "forward", "999"}, {"objection", "close", "999"},
		{"repair", "show", "999"}, {"repair", "publicize", "999"}, {"repair", "complete", "999"},
		{"batch", "show", "999"}, {"batch", "rejects", "999"},
		{"roster", "show", "M999"}, {"roster", "approve", "M999"}, {"roster", "show", "R999"},
		{"objection", "file", "--record", "999", "--ground", "wrong", "--applicant", "甲公司"},
		{"repair", "apply", "--record", "999", "--corrected-on", "2024-01-01", "--commitment", "C1"},
		{"catalog", "show", "--id", "999"}, {"catalog", "export", "--id", "999"},
		{"provider", "show", "11320600MB1961500U"}, {"unit", "show", "11320600MB1961500U"},
		{"unit", "token", "revoke", "999"}, {"user", "key", "remove", "999"},
		{"measure", "show", "NOPE99"},
	}
	for _, args := range notFound {
		if r := h.run(args...); r.Code != usage {
			t.Errorf("credit %s: exit %d, the guide says %d (编号不存在 is 用法错误)\n%s", strings.Join(args, " "), r.Code, usage, r.Err)
		}
	}

	// Bad usage: missing arguments and flags, values out of their set.
	badUsage := [][]string{
		{"objection", "show"}, {"objection", "file", "--record", "1"},
		{"objection", "file", "--record", "1", "--ground", "nonsense", "--applicant", "甲公司"},
		{"roster", "list", "--list", "green"}, {"subject", "show", orgA, "--scope", "nonsense"},
		{"code", "check"}, {"calendar", "add", "2025-13-01", "3"}, {"case", "list", "--month", "2025-13"},
		{"report", "sanctions", "--month", "nonsense"}, {"audit", "log", "--limit", "x"},
		{"import", filepath.Join(h.dir, "no-such.csv"), "--provider", provider, "--item", "XZCF"},
		{"import", h.dir, "--provider", provider, "--item", "XZCF"},
		{"catalog", "check", filepath.Join(h.dir, "no-such.yaml")},
		{"objection", "file", "--record", "1", "--ground", "wrong", "--applicant", "甲公司", "--today", "2099-01-01"},
		{"nosuchnoun"}, {"objection", "nosuchverb"},
	}
	for _, args := range badUsage {
		if r := h.run(args...); r.Code != usage {
			t.Errorf("credit %s: exit %d, the guide says %d (用法错误)\n%s", strings.Join(args, " "), r.Code, usage, r.Err)
		}
	}

	// Refused by a rule: a role lacking, a state that does not allow the
	// step, an invalid code.
	guest := h.as("guest")
	refused := []struct {
		h    *harness
		args []string
	}{
		{guest, []string{"objection", "file", "--record", "1", "--ground", "wrong", "--applicant", "甲公司"}},
		{guest, []string{"objection", "list"}}, {guest, []string{"roster", "list"}}, {guest, []string{"case", "list"}},
		{guest, []string{"user", "add", "eve"}}, {guest, []string{"import", filepath.Join(h.dir, "x.csv"), "--provider", provider, "--item", "XZCF"}},
		{h, []string{"code", "check", "91350100M000100Y4X"}},
	}
	for _, c := range refused {
		if r := c.h.run(c.args...); r.Code != rule {
			t.Errorf("credit %s (as %s): exit %d, the guide says %d (规则不允许)\n%s", strings.Join(c.args, " "), c.h.login, r.Code, rule, r.Err)
		}
	}
	h.ok("objection", "file", "--record", "1", "--ground", "wrong", "--applicant", "甲公司")
	for _, args := range [][]string{{"objection", "close", "1"}, {"objection", "verify", "1", "--finding", "accurate", "--note", "x"}} {
		if r := h.run(args...); r.Code != rule {
			t.Errorf("credit %s (state received): exit %d, the guide says %d (规则不允许)\n%s", strings.Join(args, " "), r.Code, rule, r.Err)
		}
	}
}
