package cli

// The help and the usage errors in the run's language (issue 19, "Chinese
// everywhere"). The command tree keeps its texts bilingual ("中文 / English"
// in one line; Chinese paragraphs, then English ones, in a Long), which
// docs/cli.md prints whole; the help screen shows one language only. Cobra's
// and pflag's own words (headings, "help for", the help and completion
// commands, their errors) are replaced here, in one place.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"unicode"

	"github.com/jedib0t/go-pretty/v6/text"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"credit/internal/apperr"
)

// helpLang is the language of the help and of cobra's errors: --lang (even
// when cobra has not parsed the flags, as after an unknown command), else
// CREDIT_LANG; anything but "en" is Chinese.
func (a *App) helpLang() string {
	l := a.Lang
	if l == "" {
		l = langFromArgs(a.args)
	}
	if l == "" && a.Getenv != nil {
		l = a.Getenv("CREDIT_LANG")
	}
	if l == "en" {
		return "en"
	}
	return "zh"
}

// langFromArgs finds --lang in args cobra has not parsed.
func langFromArgs(args []string) string {
	for i, a := range args {
		if a == "--" {
			break
		}
		if v, ok := strings.CutPrefix(a, "--lang="); ok {
			return v
		}
		if a == "--lang" && i+1 < len(args) {
			return args[i+1]
		}
	}
	return ""
}

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

// pickLine picks one language from a one-line bilingual text "中文 / English":
// the separator is the first "/ " with Chinese before it and an ASCII letter
// or digit after it (the English may quote a Chinese term: "法人 or 非法人组织"
// is not a separator's right side, "organisation type: 法人 …" is).
// A text in one language only is returned as it is.
func pickLine(s, lang string) string {
	for i := 0; i+2 < len(s); i++ {
		if s[i] != '/' || s[i+1] != ' ' {
			continue
		}
		zh, en := strings.TrimRight(s[:i], " "), strings.TrimSpace(s[i+1:])
		if en == "" || en[0] >= unicode.MaxASCII || !(unicode.IsLetter(rune(en[0])) || unicode.IsDigit(rune(en[0]))) {
			continue
		}
		if hasHan(zh) {
			if lang == "en" {
				return en
			}
			return zh
		}
	}
	return s
}

// pickLong picks one language from a Long text: its Chinese lines come
// first, then its English ones. The English part starts at the first English
// line (one that starts with a letter and is not Chinese by chinesePara) after
// a Chinese one; a line that starts otherwise (an indented command, JSON)
// belongs to the part it is in. Lines "中文 / English" are picked one by one.
func pickLong(s, lang string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	split, seenZh := -1, false
	for i, l := range lines {
		switch {
		case chinesePara(l):
			seenZh = true
		case seenZh && englishLine(l):
			split = i
		}
		if split >= 0 {
			break
		}
	}
	if split >= 0 {
		if lang == "en" {
			lines = lines[split:]
		} else {
			lines = lines[:split]
		}
	}
	for i, l := range lines {
		lines[i] = pickLine(l, lang)
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}

func englishLine(l string) bool {
	if l == "" {
		return false
	}
	r := rune(l[0])
	return r < unicode.MaxASCII && unicode.IsLetter(r)
}

// chinesePara tells a Chinese paragraph from an English one that quotes a
// Chinese term ("(调休)", "第二十九条"): it has Chinese punctuation, or at
// least one Chinese character for every two ASCII letters.
func chinesePara(p string) bool {
	if strings.ContainsAny(p, "，。；：、（）“”") {
		return true
	}
	han, letters := 0, 0
	for _, r := range p {
		switch {
		case unicode.Is(unicode.Han, r):
			han++
		case r < unicode.MaxASCII && unicode.IsLetter(r):
			letters++
		}
	}
	return han > 0 && han*2 >= letters
}

// pickExample keeps each example's command line and picks the language of
// its comment ("credit … # 中文 / English").
func pickExample(s, lang string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if at := strings.Index(l, "# "); at >= 0 {
			lines[i] = l[:at] + "# " + pickLine(l[at+2:], lang)
		}
	}
	return strings.Join(lines, "\n")
}

// helpWords are the help screen's own words.
var helpWords = map[string][2]string{
	"usage":    {"用法：", "Usage:"},
	"aliases":  {"别名：", "Aliases:"},
	"examples": {"示例：", "Examples:"},
	"commands": {"可用命令：", "Available Commands:"},
	"flags":    {"参数：", "Flags:"},
	"global":   {"全局参数：", "Global Flags:"},
	"topics":   {"其他帮助主题：", "Additional help topics:"},
	"more":     {"运行 \"%s [命令] --help\" 查看各命令的说明。", "Use \"%s [command] --help\" for more information about a command."},
	"[flags]":  {"[参数]", "[flags]"},
	"[cmd]":    {"[命令]", "[command]"},
	"helpfor":  {"显示 %s 的帮助", "help for %s"},
	"default":  {"（默认 %s）", " (default %s)"},
}

func word(key, lang string) string {
	if lang == "en" {
		return helpWords[key][1]
	}
	return helpWords[key][0]
}

// localizeCompletions picks the language of every command's Short and flag
// usage when the shell asks for completions (cobra's hidden __complete
// commands print them as the descriptions), before cobra reads them.
func localizeCompletions(app *App, root *cobra.Command, args []string) {
	if len(args) == 0 || !strings.HasPrefix(args[0], "__complete") {
		return
	}
	lang := app.helpLang()
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		c.Short = pickLine(c.Short, lang)
		c.InitDefaultHelpFlag() // cobra adds it later with "help for NAME"
		if f := c.Flags().Lookup("help"); f != nil {
			f.Usage = fmt.Sprintf(word("helpfor", lang), c.Name())
		}
		pick := func(f *pflag.Flag) { f.Usage = pickLine(f.Usage, lang) }
		c.LocalFlags().VisitAll(pick)
		c.PersistentFlags().VisitAll(pick)
		for _, s := range c.Commands() {
			walk(s)
		}
	}
	walk(root)
}

// installHelp makes the tree's help, usage, help command, completion
// command and flag errors speak the run's language.
func installHelp(app *App, root *cobra.Command) {
	root.SetHelpFunc(func(c *cobra.Command, _ []string) {
		writeHelp(c.OutOrStdout(), c, app.helpLang())
	})
	root.SetUsageFunc(func(c *cobra.Command) error {
		writeUsage(c.OutOrStderr(), c, app.helpLang())
		return nil
	})
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return cobraErr(c, err) })
	// Defined before cobra looks for the command, so that "credit --help
	// --lang en" reads --help as a switch, not as taking "--lang" for value.
	root.InitDefaultHelpFlag()
	root.SetHelpCommand(newHelpCmd())
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	localizeCompletion(root)
}

func newHelpCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "help [command]",
		Short: "任何命令的帮助 / help about any command",
		Long: `credit help 命令 [子命令] 显示该命令的帮助，与 credit 命令 [子命令] --help 相同。

credit help COMMAND [SUBCOMMAND] shows that command's help, as credit COMMAND [SUBCOMMAND] --help does.`,
		RunE: func(c *cobra.Command, args []string) error {
			cmd, rest, err := c.Root().Find(args)
			if err != nil || cmd == nil || len(rest) > 0 {
				topic := strings.Join(args, " ")
				return apperr.Newf(apperr.Usage, "没有命令 %q 的帮助；运行 credit --help 查看全部命令", "there is no help topic %q; run credit --help for the commands", topic)
			}
			cmd.InitDefaultHelpFlag()
			return cmd.Help()
		},
	}
}

// completionTexts are the completion command's and its subcommands' help.
var completionTexts = map[string][2]string{
	"completion": {"生成命令行补全脚本 / generate the shell completion script",
		`为所选的命令行环境（bash、zsh、fish、PowerShell）生成 credit 的补全脚本；各子命令的帮助说明如何加载。

Generates credit's completion script for the chosen shell; each subcommand's help says how to load it.`},
	"bash": {"生成 bash 补全脚本 / generate the bash completion script",
		`生成 bash 补全脚本（需要 bash-completion 包）。
当前会话加载：source <(credit completion bash)
长期使用：credit completion bash > /etc/bash_completion.d/credit（Linux），然后重新打开终端。

Generates the bash completion script (needs the bash-completion package).
This session: source <(credit completion bash)
Every session: credit completion bash > /etc/bash_completion.d/credit (Linux), then open a new shell.`},
	"zsh": {"生成 zsh 补全脚本 / generate the zsh completion script",
		`生成 zsh 补全脚本。若尚未启用补全，先在 ~/.zshrc 中加入 autoload -U compinit; compinit。
当前会话加载：source <(credit completion zsh)
长期使用：credit completion zsh > "${fpath[1]}/_credit"，然后重新打开终端。

Generates the zsh completion script. If completion is not on yet, add autoload -U compinit; compinit to ~/.zshrc.
This session: source <(credit completion zsh)
Every session: credit completion zsh > "${fpath[1]}/_credit", then open a new shell.`},
	"fish": {"生成 fish 补全脚本 / generate the fish completion script",
		`生成 fish 补全脚本。
当前会话加载：credit completion fish | source
长期使用：credit completion fish > ~/.config/fish/completions/credit.fish，然后重新打开终端。

Generates the fish completion script.
This session: credit completion fish | source
Every session: credit completion fish > ~/.config/fish/completions/credit.fish, then open a new shell.`},
	"powershell": {"生成 PowerShell 补全脚本 / generate the PowerShell completion script",
		`生成 PowerShell 补全脚本。
当前会话加载：credit completion powershell | Out-String | Invoke-Expression
长期使用：把上面这行命令加入 PowerShell 配置文件（$PROFILE）。

Generates the PowerShell completion script.
This session: credit completion powershell | Out-String | Invoke-Expression
Every session: add the line above to your PowerShell profile ($PROFILE).`},
}

// localizeCompletion gives cobra's completion command bilingual help.
func localizeCompletion(root *cobra.Command) {
	for _, c := range root.Commands() {
		if c.Name() != "completion" {
			continue
		}
		t := completionTexts["completion"]
		c.Short, c.Long = t[0], t[1]
		for _, s := range c.Commands() {
			if t, ok := completionTexts[s.Name()]; ok {
				s.Short, s.Long = t[0], t[1]
			}
			if f := s.Flags().Lookup("no-descriptions"); f != nil {
				f.Usage = "补全时不显示说明 / leave the descriptions out of the completions"
			}
		}
	}
}

// writeHelp is cobra's help in one language: the description, then usage.
func writeHelp(w io.Writer, c *cobra.Command, lang string) {
	desc := c.Long
	if desc == "" {
		desc = c.Short
	}
	if desc != "" {
		fmt.Fprint(w, strings.TrimRight(pickLong(desc, lang), " \n")+"\n\n")
	}
	if c.Runnable() || c.HasSubCommands() {
		writeUsage(w, c, lang)
	}
}

// writeUsage is cobra's usage block in one language.
func writeUsage(w io.Writer, c *cobra.Command, lang string) {
	var b strings.Builder
	b.WriteString(word("usage", lang))
	if c.Runnable() {
		use := c.UseLine()
		if rest, ok := strings.CutSuffix(use, " [flags]"); ok {
			use = rest + " " + word("[flags]", lang)
		}
		b.WriteString("\n  " + use)
	}
	if c.HasAvailableSubCommands() {
		b.WriteString("\n  " + c.CommandPath() + " " + word("[cmd]", lang))
	}
	if len(c.Aliases) > 0 {
		b.WriteString("\n\n" + word("aliases", lang) + "\n  " + c.NameAndAliases())
	}
	if c.HasExample() {
		b.WriteString("\n\n" + word("examples", lang) + "\n" + pickExample(c.Example, lang))
	}
	if c.HasAvailableSubCommands() {
		b.WriteString("\n\n" + word("commands", lang))
		pad := 0
		for _, s := range c.Commands() {
			if s.IsAvailableCommand() || s.Name() == "help" {
				pad = max(pad, len(s.Name()))
			}
		}
		for _, s := range c.Commands() {
			if s.IsAvailableCommand() || s.Name() == "help" {
				fmt.Fprintf(&b, "\n  %-*s %s", pad, s.Name(), pickLine(s.Short, lang))
			}
		}
	}
	if c.HasAvailableLocalFlags() {
		b.WriteString("\n\n" + word("flags", lang) + "\n" + flagUsages(c, c.LocalFlags(), lang))
	}
	if c.HasAvailableInheritedFlags() {
		b.WriteString("\n\n" + word("global", lang) + "\n" + flagUsages(c, c.InheritedFlags(), lang))
	}
	if c.HasAvailableSubCommands() {
		b.WriteString("\n\n" + fmt.Sprintf(word("more", lang), c.CommandPath()))
	}
	fmt.Fprintln(w, b.String())
}

// typeNames are a flag value's placeholder in the Chinese help (pflag shows
// its Go type name: string, int, …).
var typeNames = map[string][2]string{
	"string": {"文本", "string"}, "int": {"整数", "int"}, "int64": {"整数", "int"}, "int32": {"整数", "int"},
	"uint": {"整数", "uint"}, "uint64": {"整数", "uint"}, "float64": {"数", "float"}, "float32": {"数", "float"},
	"duration": {"时长", "duration"}, "stringSlice": {"文本,…", "strings"}, "stringArray": {"文本", "stringArray"},
	"intSlice": {"整数,…", "ints"}, "count": {"", ""}, "bool": {"", ""},
}

// zeroDefaults are the defaults pflag does not print.
var zeroDefaults = map[string]bool{"": true, "0": true, "false": true, "[]": true, "0s": true, "<nil>": true}

// flagUsages lists flags as pflag does, in one language, aligned by display
// width (Chinese characters take two columns).
func flagUsages(c *cobra.Command, fs *pflag.FlagSet, lang string) string {
	type line struct{ left, usage string }
	var lines []line
	width := 0
	fs.VisitAll(func(f *pflag.Flag) {
		if f.Hidden {
			return
		}
		left := "      --" + f.Name
		if f.Shorthand != "" && f.ShorthandDeprecated == "" {
			left = "  -" + f.Shorthand + ", --" + f.Name
		}
		varname, usage := pflag.UnquoteUsage(f)
		if t, ok := typeNames[f.Value.Type()]; ok && varname != "" && !strings.Contains(f.Usage, "`") {
			varname = t[0]
			if lang == "en" {
				varname = t[1]
			}
		}
		if varname != "" {
			left += " " + varname
		}
		if f.NoOptDefVal != "" && f.Value.Type() != "bool" {
			left += "[=" + f.NoOptDefVal + "]"
		}
		if f.Name == "help" {
			usage = fmt.Sprintf(word("helpfor", lang), c.Name())
		} else {
			usage = pickLine(usage, lang)
		}
		if !zeroDefaults[f.DefValue] {
			d := f.DefValue
			if f.Value.Type() == "string" {
				d = strconv.Quote(d)
			}
			usage += fmt.Sprintf(word("default", lang), d)
		}
		lines = append(lines, line{left, usage})
		width = max(width, text.StringWidthWithoutEscSequences(left))
	})
	var b strings.Builder
	for i, l := range lines {
		if i > 0 {
			b.WriteByte('\n')
		}
		pad := strings.Repeat(" ", width-text.StringWidthWithoutEscSequences(l.left)+3)
		u := strings.ReplaceAll(l.usage, "\n", "\n"+strings.Repeat(" ", width+3))
		b.WriteString(l.left + pad + u)
	}
	return b.String()
}

// valueKinds say what a flag of each type expects.
var valueKinds = map[string][2]string{
	"int": {"整数", "a whole number"}, "int64": {"整数", "a whole number"}, "int32": {"整数", "a whole number"},
	"uint": {"非负整数", "a whole number of 0 or more"}, "uint64": {"非负整数", "a whole number of 0 or more"},
	"float64": {"数字", "a number"}, "float32": {"数字", "a number"}, "bool": {" true 或 false", "true or false"},
	"duration": {"时长（如 30s、5m、1h）", "a duration (30s, 5m, 1h)"}, "intSlice": {"以逗号分隔的整数", "whole numbers separated by commas"},
}

// The usage-error patterns are compiled on first use: most runs never
// translate an error, and compiling them cost every command's start-up.
var (
	unknownCmdRe   = lazyRegexp(`^unknown command "(.*)" for "(.*?)"(?:\s*Did you mean this\?\s*((?:\s*\S+)+))?\s*$`)
	invalidArgRe   = lazyRegexp(`^invalid argument "(.*)" for "(.*?)"`)
	exactArgsRe    = lazyRegexp(`^accepts (\d+) arg\(s\), received (\d+)$`)
	atMostArgsRe   = lazyRegexp(`^accepts at most (\d+) arg\(s\), received (\d+)$`)
	atLeastArgsRe  = lazyRegexp(`^requires at least (\d+) arg\(s\), only received (\d+)$`)
	betweenArgsRe  = lazyRegexp(`^accepts between (\d+) and (\d+) arg\(s\), received (\d+)$`)
	requiredRe     = lazyRegexp(`^required flag\(s\) (.*) not set$`)
	groupAllRe     = lazyRegexp(`^if any flags in the group \[(.*)\] are set they must all be set; missing \[(.*)\]$`)
	groupOneRe     = lazyRegexp(`^at least one of the flags in the group \[(.*)\] is required$`)
	groupExclRe    = lazyRegexp(`^if any flags in the group \[(.*)\] are set none of the others can be; \[(.*)\] were all set$`)
	quotedFlagName = lazyRegexp(`"([^"]+)"`)
)

// lazyRegexp compiles expr the first time it is asked for.
func lazyRegexp(expr string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })
}

// dashed writes flag names as they are typed: "a b" → "--a、--b".
func dashed(names []string, sep string) string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = "--" + n
	}
	return strings.Join(out, sep)
}

// cobraErr turns cobra's and pflag's errors (plain errors, or pflag's typed
// ones) into usage errors (exit 2) with a Chinese and an English message that
// name the command and the flag and say what is expected. c may be nil.
func cobraErr(c *cobra.Command, err error) error {
	if err == nil {
		return nil
	}
	var e *apperr.Error
	if errors.As(err, &e) {
		return err
	}
	path := "credit"
	if c != nil {
		path = c.CommandPath()
	}
	// u formats zh with the first half of args and en with the second.
	u := func(zh, en string, args ...any) error {
		n := len(args) / 2
		return &apperr.Error{Code: apperr.Usage, Zh: fmt.Sprintf(zh, args[:n]...), En: fmt.Sprintf(en, args[n:]...), Err: err}
	}
	var notExist *pflag.NotExistError
	var needs *pflag.ValueRequiredError
	var invalid *pflag.InvalidValueError
	var syntax *pflag.InvalidSyntaxError
	switch {
	case errors.As(err, &invalid):
		f := invalid.GetFlag()
		k, ok := valueKinds[f.Value.Type()]
		if !ok {
			k = [2]string{"有效的值", "a valid value"}
		}
		return u("参数 --%s 的值 %q 无效：应为%s", "--%s %q is not valid: use %s", f.Name, invalid.GetValue(), k[0], f.Name, invalid.GetValue(), k[1])
	case errors.As(err, &needs):
		name := "--" + needs.GetSpecifiedName()
		if needs.GetSpecifiedShortnames() != "" {
			if f := needs.GetFlag(); f != nil {
				name = "-" + f.Shorthand + "（--" + f.Name + "）"
			}
		}
		return u("参数 %s 需要一个值（如 %s 值）", "%s needs a value (%s VALUE)", name, strings.SplitN(name, "（", 2)[0], name, strings.SplitN(name, "（", 2)[0])
	case errors.As(err, &notExist):
		name := "--" + notExist.GetSpecifiedName()
		if notExist.GetSpecifiedShortnames() != "" {
			name = "-" + notExist.GetSpecifiedName()[:1]
		}
		return u("%s 没有参数 %s；运行 %s --help 查看可用的参数", "%s has no flag %s; run %s --help for its flags", path, name, path, path, name, path)
	case errors.As(err, &syntax):
		return u("参数写法有误：%s（参数写作 --名称 值 或 --名称=值）", "bad flag syntax: %s (write --name VALUE or --name=VALUE)", syntax.GetSpecifiedFlag(), syntax.GetSpecifiedFlag())
	}
	msg := err.Error()
	if m := unknownCmdRe().FindStringSubmatch(msg); m != nil {
		zh, en := fmt.Sprintf("%s 没有命令 %q", m[2], m[1]), fmt.Sprintf("%s has no command %q", m[2], m[1])
		if s := strings.Fields(m[3]); len(s) > 0 {
			zh += "，您是否想用 " + strings.Join(s, "、") + "？"
			en += "; did you mean " + strings.Join(s, ", ") + "?"
		}
		return &apperr.Error{Code: apperr.Usage, Zh: zh, En: en, Err: err}
	}
	if m := invalidArgRe().FindStringSubmatch(msg); m != nil {
		return u("%s 不接受参数 %q", "%s does not take the argument %q", m[2], m[1], m[2], m[1])
	}
	if m := exactArgsRe().FindStringSubmatch(msg); m != nil {
		if m[1] == "0" {
			return u("%s 不接受位置参数（收到 %s 个）", "%s takes no arguments (got %s)", path, m[2], path, m[2])
		}
		return u("%s 需要 %s 个位置参数，收到 %s 个；运行 %s --help 查看用法", "%s needs %s argument(s), got %s; run %s --help for its usage", path, m[1], m[2], path, path, m[1], m[2], path)
	}
	if m := atMostArgsRe().FindStringSubmatch(msg); m != nil {
		return u("%s 最多接受 %s 个位置参数，收到 %s 个", "%s takes at most %s argument(s), got %s", path, m[1], m[2], path, m[1], m[2])
	}
	if m := atLeastArgsRe().FindStringSubmatch(msg); m != nil {
		return u("%s 至少需要 %s 个位置参数，收到 %s 个；运行 %s --help 查看用法", "%s needs at least %s argument(s), got %s; run %s --help for its usage", path, m[1], m[2], path, path, m[1], m[2], path)
	}
	if m := betweenArgsRe().FindStringSubmatch(msg); m != nil {
		return u("%s 需要 %s 至 %s 个位置参数，收到 %s 个", "%s needs %s to %s arguments, got %s", path, m[1], m[2], m[3], path, m[1], m[2], m[3])
	}
	if m := requiredRe().FindStringSubmatch(msg); m != nil {
		var names []string
		for _, q := range quotedFlagName().FindAllStringSubmatch(m[1], -1) {
			names = append(names, q[1])
		}
		return u("%s 缺少必需的参数 %s", "%s needs the flag(s) %s", path, dashed(names, "、"), path, dashed(names, ", "))
	}
	if m := groupAllRe().FindStringSubmatch(msg); m != nil {
		all, miss := strings.Fields(m[1]), strings.Fields(m[2])
		return u("参数 %s 须一起使用：缺少 %s", "the flags %s go together: %s is missing", dashed(all, "、"), dashed(miss, "、"), dashed(all, ", "), dashed(miss, ", "))
	}
	if m := groupOneRe().FindStringSubmatch(msg); m != nil {
		all := strings.Fields(m[1])
		return u("%s 需要参数 %s 之一", "%s needs one of the flags %s", path, dashed(all, "、"), path, dashed(all, ", "))
	}
	if m := groupExclRe().FindStringSubmatch(msg); m != nil {
		set := strings.Fields(m[2])
		return u("参数 %s 不能同时使用", "the flags %s cannot be used together", dashed(set, "、"), dashed(set, ", "))
	}
	return &apperr.Error{Code: apperr.Usage, Zh: "用法错误：" + msg, En: "usage: " + msg, Err: err}
}

// CommandNames are the names of every command in the tree: words a Chinese
// screen may show as the clerk types them (the TUI's language test).
func CommandNames() map[string]bool {
	app := &App{IO: IO{Getenv: func(string) string { return "" }}, ctx: context.Background()}
	names := map[string]bool{}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		names[c.Name()] = true
		for _, s := range c.Commands() {
			walk(s)
		}
	}
	walk(newRoot(app))
	return names
}
