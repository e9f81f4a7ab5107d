package cli

import (
	"context"
	"credit/internal/diskfault"
	"fmt"
	"os"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"credit/internal/apperr"
	"credit/internal/store"
	"credit/internal/tabular"
)

// nouns are the command constructors; each noun's file registers itself in
// an init function, so adding a noun touches no other file.
var nouns []noun

type noun struct {
	name  string // the command's name; "" when registered without it
	build func(*App) *cobra.Command
}

// registerNoun registers a noun with its command name: a run that names it
// builds that noun's commands alone (Main: a one-shot command's start-up,
// issue 17), every other run builds the whole tree. TestNounNames checks
// each name against the command built.
func registerNoun(name string, f func(*App) *cobra.Command) {
	nouns = append(nouns, noun{name, f})
}

// register registers a noun without its name: it is built only in the
// whole tree (a run naming it builds the whole tree).
func register(f func(*App) *cobra.Command) { nouns = append(nouns, noun{build: f}) }

// rootValueFlags are the root's persistent flags that take a value (the
// others are switches): runNoun steps over their values.
var rootValueFlags = map[string]bool{"--db": true, "--key": true, "--format": true, "--today": true, "--lang": true, "--as": true}

// runNoun is the registered noun that args run, found as cobra will find
// it: the first argument that is neither a root persistent flag nor its
// value. ok is false for anything else (no noun, help, completion, an
// unknown word or flag): that run builds the whole tree, so that cobra's
// suggestions, help and completion see every command.
func runNoun(args []string) (noun, bool) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		name, _, hasValue := strings.Cut(a, "=")
		switch {
		case rootValueFlags[name]:
			if !hasValue {
				i++
			}
			continue
		case name == "--yes" || name == "-y" || name == "--force":
			continue
		case strings.HasPrefix(a, "-"):
			return noun{}, false
		}
		for _, n := range nouns {
			if n.name != "" && n.name == a {
				return n, true
			}
		}
		return noun{}, false
	}
	return noun{}, false
}

// Main runs credit with args and returns the process exit code (SPEC §A).
func Main(args []string, io IO) int {
	if io.Getenv == nil {
		io.Getenv = func(string) string { return "" }
	}
	ctx := io.Ctx
	if ctx == nil {
		ctx = context.Background()
	}
	app := &App{IO: io, ctx: ctx, args: args}
	defer app.close()
	if io.Getenv("CREDIT_TRACE_LOCK_WAIT") != "" {
		// How long each write waited for the lock, on stderr (SPEC §6: a
		// small write never waits more than a second).
		store.LockWait = func(d time.Duration) { fmt.Fprintf(io.Err, "lock_wait_ms=%d\n", d.Milliseconds()) }
		defer func() { store.LockWait = nil }()
	}
	if path := io.Getenv("CREDIT_CPUPROFILE"); path != "" {
		// For make bench and performance work: a CPU profile of this run.
		if f, err := os.Create(path); err == nil {
			pprof.StartCPUProfile(f)
			defer func() { pprof.StopCPUProfile(); f.Close() }()
		}
	}
	if path := io.Getenv("CREDIT_MEMPROFILE"); path != "" {
		// Where this run allocated (go tool pprof -sample_index=alloc_space).
		defer func() {
			if f, err := os.Create(path); err == nil {
				pprof.Lookup("allocs").WriteTo(f, 0)
				f.Close()
			}
		}()
	}
	// CREDIT_TEST_DISK_FULL_AFTER is test-only: files written for -o and
	// backups fail as on a full disk once larger than that many bytes
	// (internal/diskfault), for this run.
	if n, _ := strconv.ParseInt(io.Getenv("CREDIT_TEST_DISK_FULL_AFTER"), 10, 64); n > 0 {
		diskfault.Set(n)
		defer diskfault.Set(0)
	}
	// CREDIT_TEST_APPLY_PAUSE_MS is test-only: the deferred apply of a
	// published batch's revisions (internal/store/pending.go) pauses that
	// long before each chunk after the first and prints apply_chunk=N on
	// stderr, so a test can kill the process in the middle of the apply.
	if ms, _ := strconv.Atoi(io.Getenv("CREDIT_TEST_APPLY_PAUSE_MS")); ms > 0 {
		store.SetApplyHook(func(batch int64, chunk int) error {
			if chunk > 0 {
				time.Sleep(time.Duration(ms) * time.Millisecond)
			}
			fmt.Fprintf(io.Err, "apply_chunk=%d\n", chunk)
			return nil
		})
		defer store.SetApplyHook(nil)
	}
	root := buildRootFor(app, args)
	foldRunFlags(root, args)
	localizeCompletions(app, root, args)
	root.SetArgs(args)
	root.SetIn(io.In)
	root.SetOut(io.Out)
	root.SetErr(io.Err)
	ran := false
	root.PersistentPreRunE = func(c *cobra.Command, args []string) error {
		// cobra checks required flags after this hook; check them here so a
		// missing one is a usage error (exit 2), not an internal one.
		if err := c.ValidateRequiredFlags(); err != nil {
			return cobraErr(c, err)
		}
		if err := c.ValidateFlagGroups(); err != nil {
			return cobraErr(c, err)
		}
		ran = true
		if err := remoteGuard(app, c, args); err != nil {
			return err
		}
		if err := app.setup(); err != nil {
			return err
		}
		return app.checkOutputs(c)
	}
	err := root.Execute()
	if err == nil {
		return 0
	}
	if !ran {
		err = usageErr(err)
	}
	lang := app.helpLang()
	code := apperr.CodeOf(err)
	if msg := apperr.MessageOf(err, lang); msg != "" {
		fmt.Fprintln(io.Err, "credit: "+msg)
	}
	if code == apperr.Usage && !ran {
		fmt.Fprintln(io.Err, map[bool]string{true: "Run 'credit --help' for usage.", false: "运行 credit --help 查看用法。"}[lang == "en"])
	}
	return int(code)
}

func (a *App) setup() error {
	if a.Lang == "" {
		a.Lang = a.Getenv("CREDIT_LANG")
	}
	switch a.Lang {
	case "", "zh", "zh-CN", "zh_CN":
		a.Lang = "zh"
	case "en":
	default:
		return apperr.Newf(apperr.Usage, "--lang %q 无效，应为 zh 或 en", "--lang %q is not valid: use zh or en", a.Lang)
	}
	switch a.Format {
	case tabular.Text, tabular.JSON, tabular.CSV, tabular.MD:
	case "":
		a.Format = tabular.Text
	default:
		return apperr.Newf(apperr.Usage, "--format %q 无效，应为 table、json、csv 或 md", "--format %q is not valid: use table, json, csv or md", a.Format)
	}
	return a.setupClock()
}

// newRoot is the whole command tree, every number and date flag folding
// full-width input (help, the CLI reference, tests). Main builds it with
// buildRoot and folds only the flags of the command it runs.
func newRoot(app *App) *cobra.Command {
	root := buildRoot(app)
	foldNumberFlags(root)
	return root
}

func buildRoot(app *App) *cobra.Command { return buildRootFor(app, nil) }

// buildRootFor is the tree a run of args needs: the root with the one noun
// args name (runNoun), or with every noun. Building all of them (about 300
// commands and their flags) was a tenth of a `credit version`.
func buildRootFor(app *App, args []string) *cobra.Command {
	root := &cobra.Command{
		Use:   "credit",
		Short: "公共信用信息工作机构的业务工具 / the public credit information office's working tool",
		Long: `credit 是公共信用信息工作机构的业务工具：维护公共信用信息目录与政策，归集信息提供单位报送的文件，
按公开范围查询信用档案，办理异议与信用修复，维护红黑名单，开展信用审查，记录联合奖惩案例并导出月报。

退出码：0 成功；1 错误；2 用法错误；3 部分行被拒；4 整个输入被拒；5 规则不允许；6 完整性校验失败。

credit keeps the public credit catalog and policy, imports provider files, looks up subject archives
within a disclosure scope, works the objection and repair queues, keeps red/black lists, runs credit
checks, records joint reward/sanction cases and exports the monthly reports.

exit codes: 0 success; 1 error; 2 usage; 3 some rows rejected; 4 input refused whole; 5 refused by a rule;
6 integrity check failed.`,
		Example: `  credit init                          # 建库（已存在则升级）/ create or upgrade the store
  credit code check 91350100M000100Y43 # 校验代码 / check a code
  credit calendar add 2024-09-27 10    # 10 个工作日后 / 10 working days later`,
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	pf := root.PersistentFlags()
	pf.StringVar(&app.DBPath, "db", "", "数据库文件（环境变量 CREDIT_DB；默认 $XDG_DATA_HOME/credit/credit.db）/ store file")
	pf.StringVar(&app.KeyPath, "key", "", "办公室密钥文件（环境变量 CREDIT_KEY；默认在数据库旁：数据库路径加 .key）/ office key file")
	pf.StringVar(&app.Format, "format", "table", "标准输出格式 table|json|csv|md / stdout format")
	pf.StringVar(&app.TodayFlag, "today", "", "以此日期为今天（YYYY-MM-DD，环境变量 CREDIT_TODAY）/ the office date to work on")
	pf.StringVar(&app.Lang, "lang", "", "界面语言 zh|en（环境变量 CREDIT_LANG）/ language")
	pf.StringVar(&app.As, "as", "", "以该操作员身份操作（仅管理员）/ act for this operator (administrators only)")
	pf.BoolVarP(&app.Yes, "yes", "y", false, "不可撤销的操作不再询问（在终端上才会询问）/ do not ask before irreversible changes")
	pf.BoolVar(&app.Force, "force", false, "-o、--rejects 的文件已存在时覆盖 / let -o and --rejects replace an existing file")
	if n, ok := runNoun(args); ok {
		root.AddCommand(n.build(app))
	} else {
		for _, n := range nouns {
			root.AddCommand(n.build(app))
		}
	}
	root.CompletionOptions.HiddenDefaultCmd = false
	installHelp(app, root)
	guardGroups(root)
	return root
}

// guardGroups makes a noun without its own action refuse an unknown verb
// (exit 2, with suggestions) instead of printing help and succeeding.
func guardGroups(c *cobra.Command) {
	for _, sub := range c.Commands() {
		guardGroups(sub)
	}
	if c.HasParent() && c.HasSubCommands() && c.RunE == nil && c.Run == nil {
		c.Args = cobra.ArbitraryArgs
		c.RunE = func(c *cobra.Command, args []string) error {
			if len(args) == 0 {
				return c.Help()
			}
			msg := fmt.Sprintf("%s 没有子命令 %q", c.CommandPath(), args[0])
			en := fmt.Sprintf("%s has no subcommand %q", c.CommandPath(), args[0])
			if s := c.SuggestionsFor(args[0]); len(s) > 0 {
				msg += "，您是否想用 " + strings.Join(s, "、") + "？"
				en += "; did you mean " + strings.Join(s, ", ") + "?"
			}
			return apperr.New(apperr.Usage, msg, en)
		}
	}
}

// example formats a command's examples: lines of "command # 中文 / English".
func example(lines ...string) string {
	for i, l := range lines {
		lines[i] = "  " + l
	}
	return strings.Join(lines, "\n")
}
