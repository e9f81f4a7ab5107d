package cli

import (
	"context"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"credit/internal/langcheck"
)

// commandTree walks the real command tree: every command's path (help and
// completion included, hidden ones left out), found from cobra, not from a
// list, and the set of command names (words a Chinese help may show, as the
// clerk types them).
func commandTree() (paths [][]string, names map[string]bool) {
	app := &App{IO: IO{Getenv: func(string) string { return "" }}, ctx: context.Background()}
	root := newRoot(app)
	names = map[string]bool{}
	var walk func(c *cobra.Command, path []string)
	walk = func(c *cobra.Command, path []string) {
		paths = append(paths, path)
		names[c.Name()] = true
		for _, s := range c.Commands() {
			if s.Hidden {
				continue
			}
			walk(s, append(append([]string{}, path...), s.Name()))
		}
	}
	walk(root, nil)
	return paths, names
}

func reportHits(t *testing.T, what, lang, text string, allow map[string]bool) {
	t.Helper()
	hits := langcheck.Check(text, lang, allow)
	for i, h := range hits {
		if i == 5 {
			t.Errorf("%s (%s): %d more", what, lang, len(hits)-i)
			break
		}
		t.Errorf("%s (%s): %q in the wrong script, line %d: %s", what, lang, h.Word, h.Line, h.Text)
	}
}

// Every command's help, in Chinese and in English (--lang en, and
// CREDIT_LANG=en for the root), shows no word in the other script beyond
// the allow-lists of internal/langcheck and the command names; cobra's own
// headings are in the run's language.
func TestHelpInOneLanguage(t *testing.T) {
	h := newHarness(t)
	paths, names := commandTree()
	if len(paths) < 100 {
		t.Fatalf("the walk found %d commands; the tree has more than 100", len(paths))
	}
	for _, p := range paths {
		what := "credit " + strings.Join(p, " ") + " --help"
		zh := h.ok(append(p, "--help")...)
		if !strings.Contains(zh.Out, "用法：") || strings.Contains(zh.Out, "Usage:") {
			t.Errorf("%s: no Chinese usage heading:\n%s", what, zh.Out)
		}
		reportHits(t, what, "zh", zh.Out, names)
		en := h.ok(append(p, "--help", "--lang", "en")...)
		if !strings.Contains(en.Out, "Usage:") || strings.Contains(en.Out, "用法：") {
			t.Errorf("%s --lang en: no English usage heading:\n%s", what, en.Out)
		}
		reportHits(t, what+" --lang en", "en", en.Out, names)
	}
	// The help command and the environment variable give the same.
	zh := h.ok("help", "objection", "file")
	if want := h.ok("objection", "file", "--help").Out; zh.Out != want {
		t.Errorf("credit help objection file differs from credit objection file --help:\n%s\n---\n%s", zh.Out, want)
	}
	h.env["CREDIT_LANG"] = "en"
	en := h.ok("--help")
	if !strings.Contains(en.Out, "Available Commands:") || !strings.Contains(en.Out, "help for credit") {
		t.Errorf("CREDIT_LANG=en credit --help is not in English:\n%s", en.Out)
	}
}

// Bad invocations fail with exit 2 and one clear message in the run's
// language that names the command, the flag and what is expected.
func TestUsageErrorsInOneLanguage(t *testing.T) {
	h := newHarness(t)
	_, names := commandTree()
	cases := []struct {
		args   []string
		typed  string // words the user typed, which the message may quote
		zh, en string // a part of the message, worked out by hand
	}{
		{[]string{"foo"}, "foo", `credit 没有命令 "foo"`, `credit has no command "foo"`},
		{[]string{"objectio"}, "objectio", `credit 没有命令 "objectio"，您是否想用 objection？`, `did you mean objection?`},
		{[]string{"objection", "fil"}, "fil", `credit objection 没有子命令 "fil"`, `credit objection has no subcommand "fil"`},
		{[]string{"objection", "list", "--bogus"}, "bogus", "credit objection list 没有参数 --bogus；运行 credit objection list --help 查看可用的参数", "credit objection list has no flag --bogus"},
		{[]string{"objection", "list", "-Z"}, "Z", "credit objection list 没有参数 -Z", "credit objection list has no flag -Z"},
		{[]string{"objection", "list", "--state"}, "", "参数 --state 需要一个值", "--state needs a value"},
		{[]string{"objection", "file", "--record", "x"}, "x", `参数 --record 的值 "x" 无效：应为整数`, `--record "x" is not valid: use a whole number`},
		{[]string{"objection", "list", "--yes=maybe"}, "maybe", `参数 --yes 的值 "maybe" 无效：应为 true 或 false`, `--yes "maybe" is not valid: use true or false`},
		{[]string{"objection", "file", "--ground", "wrong"}, "", "credit objection file 缺少必需的参数 --applicant、--record", "credit objection file needs the flag(s) --applicant, --record"},
		{[]string{"objection", "show"}, "", "credit objection show 需要 1 个位置参数，收到 0 个", "credit objection show needs 1 argument(s), got 0"},
		{[]string{"objection", "show", "1", "2"}, "", "credit objection show 需要 1 个位置参数，收到 2 个", "credit objection show needs 1 argument(s), got 2"},
		{[]string{"objection", "list", "--format", "yaml"}, "yaml", `--format "yaml" 无效`, `--format "yaml" is not valid`},
		{[]string{"help", "zzz"}, "zzz", `没有命令 "zzz" 的帮助`, `there is no help topic "zzz"`},
	}
	for _, c := range cases {
		allow := map[string]bool{}
		for n := range names {
			allow[n] = true
		}
		if c.typed != "" {
			allow[c.typed] = true
		}
		what := "credit " + strings.Join(c.args, " ")
		zh := h.fails(2, c.args...)
		if !strings.Contains(zh.Err, c.zh) {
			t.Errorf("%s: stderr lacks %q:\n%s", what, c.zh, zh.Err)
		}
		reportHits(t, what, "zh", zh.Err, allow)
		// --lang en first, as a user would type it before the noun.
		en := h.fails(2, append([]string{"--lang", "en"}, c.args...)...)
		if !strings.Contains(en.Err, c.en) {
			t.Errorf("%s --lang en: stderr lacks %q:\n%s", what, c.en, en.Err)
		}
		reportHits(t, what+" --lang en", "en", en.Err, allow)
	}
}

// The shell's completions describe commands and flags in the run's language.
func TestCompletionInOneLanguage(t *testing.T) {
	h := newHarness(t)
	_, names := commandTree()
	zh := h.ok("__complete", "objection", "")
	if !strings.Contains(zh.Out, "file\t受理异议申请（经办）\n") {
		t.Errorf("zh completions:\n%s", zh.Out)
	}
	reportHits(t, "__complete objection", "zh", zh.Out, names)
	zh = h.ok("__complete", "objection", "list", "--")
	if !strings.Contains(zh.Out, "--overdue\t只列已超期\n") {
		t.Errorf("zh flag completions:\n%s", zh.Out)
	}
	reportHits(t, "__complete objection list --", "zh", zh.Out, names)
	h.env["CREDIT_LANG"] = "en"
	en := h.ok("__complete", "objection", "")
	if !strings.Contains(en.Out, "file\tfile an objection (clerk)\n") {
		t.Errorf("en completions:\n%s", en.Out)
	}
	reportHits(t, "__complete objection", "en", en.Out, names)
}
