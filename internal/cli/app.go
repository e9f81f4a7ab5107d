// Package cli is credit's command tree (cobra): one file per noun, each
// turning flags into a service call and the result into a table. No SQL and
// no rules live here.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"credit/internal/apperr"
	"credit/internal/civil"
	"credit/internal/clock"
	"credit/internal/operator"
	"credit/internal/seal"
	"credit/internal/store"
	"credit/internal/tabular"
)

// IO is where a run reads and writes, and how it sees its environment; tests
// pass their own.
type IO struct {
	In     io.Reader
	Out    io.Writer
	Err    io.Writer
	Getenv func(string) string
	// TTY forces terminal behaviour on or off; nil means detect from Out.
	TTY *bool
	// Login overrides the OS login name (tests; credit serve sets the
	// operator whose SSH key opened the session).
	Login string
	// LookupUID replaces the account lookup of the uid (tests); nil is the
	// system's (operator.SystemLookup).
	LookupUID operator.LookupUID
	// Ctx, when set, is the run's context (credit serve cancels it when it
	// shuts down).
	Ctx context.Context
	// Via says how a served run came ("ssh from ADDR"): it goes into every
	// audit and query-log entry, and the run refuses what would let a
	// remote clerk leave their identity or reach the server's files.
	Via string
}

// Stdio is the process's real IO.
func Stdio() IO { return IO{In: os.Stdin, Out: os.Stdout, Err: os.Stderr, Getenv: os.Getenv} }

// App holds one run's global flags and lazily opened store.
type App struct {
	IO
	ctx  context.Context
	args []string // the command line, for --lang before cobra parses it

	// global flags
	DBPath    string
	KeyPath   string // --key: the office key file
	Format    string
	TodayFlag string
	Lang      string
	As        string
	Yes       bool
	Force     bool // --force: an -o or --rejects file may replace an existing one

	clock    clock.Clock
	clockSet bool
	store    *store.Store
	mmap     int64 // store.Options.MMapSize: set by credit serve before opening the store
	op       *operator.Operator
}

// Ctx is the run's context.
func (a *App) Ctx() context.Context { return a.ctx }

// T picks the message for the run's language.
func (a *App) T(zh, en string) string {
	if a.Lang == "en" {
		return en
	}
	return zh
}

// IsTTY reports whether stdout is a terminal.
func (a *App) IsTTY() bool {
	if a.TTY != nil {
		return *a.TTY
	}
	if f, ok := a.Out.(*os.File); ok {
		return term.IsTerminal(int(f.Fd()))
	}
	return false
}

// StderrTTY reports whether stderr is a terminal (progress bars go there).
func (a *App) StderrTTY() bool {
	if a.TTY != nil {
		return *a.TTY
	}
	if f, ok := a.Err.(*os.File); ok {
		return term.IsTerminal(int(f.Fd()))
	}
	return false
}

// Clock is the run's one clock: --today / CREDIT_TODAY or the office date.
func (a *App) Clock() clock.Clock {
	if !a.clockSet {
		a.clock = clock.Real()
		a.clockSet = true
	}
	return a.clock
}

func (a *App) setupClock() error {
	s := a.TodayFlag
	if s == "" {
		s = a.Getenv("CREDIT_TODAY")
	}
	a.clockSet = true
	if s == "" {
		a.clock = clock.Real()
		return nil
	}
	d, err := civil.Parse(s)
	if err != nil {
		return apperr.Newf(apperr.Usage, "--today %q 无效：应为 YYYY-MM-DD 的真实日期", "--today %q is not valid: use a real YYYY-MM-DD date", s)
	}
	a.clock = clock.Fixed(d)
	return nil
}

// Today is the office date the run works on.
func (a *App) Today() civil.Date { return a.Clock().Today() }

// ForChange refuses a change to records or workflows when --today lies after
// the real date (SPEC §A): what-if dates are for reading only.
func (a *App) ForChange() error {
	if a.Clock().InFuture() {
		return apperr.Newf(apperr.Usage,
			"--today %s 晚于今天 %s：未来日期只能用于查询，不能用于修改记录或办理业务",
			"--today %s is after the real date %s: future dates are for queries only, not for changes",
			a.Today(), a.Clock().RealToday())
	}
	return nil
}

// DefaultDBPath resolves --db, CREDIT_DB, then $XDG_DATA_HOME/credit/credit.db.
func (a *App) DefaultDBPath() string {
	if a.DBPath != "" {
		return a.DBPath
	}
	if p := a.Getenv("CREDIT_DB"); p != "" {
		return p
	}
	base := a.Getenv("XDG_DATA_HOME")
	if base == "" {
		home := a.Getenv("HOME")
		if home == "" {
			home, _ = os.UserHomeDir()
		}
		base = filepath.Join(home, ".local", "share")
	}
	return filepath.Join(base, "credit", "credit.db")
}

// Store opens the store (once per run) and checks it is initialised.
func (a *App) Store() (*store.Store, error) {
	if a.store != nil {
		return a.store, nil
	}
	// CREDIT_TEST_MAX_PAGES is test-only: it caps the store's size so tests
	// can simulate a full disk (SQLITE_FULL) without root.
	maxPages, _ := strconv.ParseInt(a.Getenv("CREDIT_TEST_MAX_PAGES"), 10, 64)
	st, err := store.Open(a.ctx, a.DefaultDBPath(), store.Options{MaxPages: maxPages, MMapSize: a.mmap})
	if err != nil {
		return nil, err
	}
	if err := st.RequireCurrent(a.ctx); err != nil {
		st.Close()
		return nil, err
	}
	if err := a.loadKey(st, false); err != nil {
		st.Close()
		return nil, err
	}
	a.adoptStore(st)
	return st, nil
}

// OfficeKeyPath resolves --key, CREDIT_KEY, then the file beside the store.
func (a *App) OfficeKeyPath() string {
	if a.KeyPath != "" {
		return a.KeyPath
	}
	if p := a.Getenv("CREDIT_KEY"); p != "" {
		return p
	}
	p := a.DefaultDBPath()
	if abs, err := filepath.Abs(p); err == nil {
		p = abs
	}
	return seal.DefaultPath(p)
}

// loadKey gives st its office key. A sealed store without its key is
// refused whole: no write could be sealed (credit never writes unsealed) and
// nothing read could be checked. optional: a missing key is no error (init
// before sealing, backup --verify of an old backup).
func (a *App) loadKey(st *store.Store, optional bool) error {
	path := a.OfficeKeyPath()
	k, err := seal.Load(path)
	if errors.Is(err, seal.ErrNoKey) {
		id, err := st.SealKeyID(a.ctx)
		if err != nil {
			return err
		}
		if id == "" || optional {
			return nil
		}
		return apperr.Newf(apperr.Internal,
			"找不到办公室密钥文件 %s：数据库 %s 已用它封印，没有它 credit 不写入任何内容（写入无法封印），也无法校验。请从办公室的密钥备份中恢复该文件（权限 600，或多人共用时 640），或用 --key / CREDIT_KEY 指向它；切勿新建密钥代替（见 docs/guide.md「办公室密钥」）",
			"no office key file %s: the store %s is sealed with it, and without it credit writes nothing (no write could be sealed) and cannot verify. Restore the file from the office's key backup (mode 600, or 640 for a shared local store) or point --key / CREDIT_KEY at it; never make a new key instead (docs/guide.md, the office key)",
			path, st.Path)
	}
	if err != nil {
		return err
	}
	return st.UseKey(a.ctx, k)
}

func (a *App) adoptStore(st *store.Store) {
	a.store = st
	for _, w := range st.Warnings {
		fmt.Fprintln(a.Err, w)
	}
}

// login is the one function that says who runs this process: the OS
// account of the uid (or the name tests give). Served mode will put the
// key's operator here.
func (a *App) login() (string, error) {
	if a.Login != "" {
		return a.Login, operator.ValidateName(a.Login)
	}
	lookup := a.LookupUID
	if lookup == nil {
		lookup = operator.SystemLookup
	}
	return operator.OSLogin(lookup)
}

// Operator is who the run acts as: the OS login (with its role in the
// store), or with --as the named user, which only an administrator may use.
func (a *App) Operator() (operator.Operator, error) {
	if a.op != nil {
		return *a.op, nil
	}
	st, err := a.Store()
	if err != nil {
		return operator.Operator{}, err
	}
	me, err := a.login()
	if err != nil {
		return operator.Operator{}, err
	}
	role, _, err := st.UserRole(a.ctx, me)
	if err != nil {
		return operator.Operator{}, err
	}
	op := operator.Operator{Name: me, Role: role}
	if a.As != "" && a.As != me {
		if role != operator.Admin {
			return operator.Operator{}, apperr.Newf(apperr.Rule, "只有管理员可以使用 --as（%s 的角色是 %s）", "only an administrator may use --as (%s is %s)", me, role.Label())
		}
		asRole, ok, err := st.UserRole(a.ctx, a.As)
		if err != nil {
			return operator.Operator{}, err
		}
		if !ok {
			return operator.Operator{}, apperr.Newf(apperr.Rule, "--as %s：没有这个操作员（先 credit user add）", "--as %s: no such operator (credit user add first)", a.As)
		}
		op = operator.Operator{Name: a.As, Role: asRole, ActingBy: me}
	}
	a.op = &op
	return op, nil
}

// Require returns the operator when it has the rights of role.
func (a *App) Require(role operator.Role) (operator.Operator, error) {
	op, err := a.Operator()
	if err != nil {
		return op, err
	}
	return op, op.Require(role)
}

// Actor is the audit identity of a change made by op today.
func (a *App) Actor(op operator.Operator) store.Actor {
	return store.Actor{Operator: op.Name, ActingBy: op.ActingBy, Today: a.Today(), Now: a.Clock().Now, Via: a.Via}
}

// Writer opens the store for a change: the date must not be in the future and
// the operator must hold role. It returns the store and the actor to write as.
func (a *App) Writer(role operator.Role) (*store.Store, store.Actor, error) {
	if err := a.ForChange(); err != nil {
		return nil, store.Actor{}, err
	}
	st, err := a.Store()
	if err != nil {
		return nil, store.Actor{}, err
	}
	op, err := a.Require(role)
	if err != nil {
		return nil, store.Actor{}, err
	}
	return st, a.Actor(op), nil
}

// Print renders t on stdout in the run's --format.
func (a *App) Print(t *tabular.Table) error {
	tty := a.IsTTY()
	o := tabular.Options{Format: a.Format, Lang: a.Lang, TTY: tty}
	if tty {
		o.Width = a.termWidth()
	}
	return t.Write(a.Out, o)
}

// termWidth is the terminal's width for tables: COLUMNS when it is set (as
// shells export it, and as a user may fix it), else the size of the
// terminal on stdout; 0 when neither is known (no fitting).
func (a *App) termWidth() int {
	if c := strings.TrimSpace(a.Getenv("COLUMNS")); c != "" {
		if n, err := strconv.Atoi(c); err == nil && n > 0 {
			return n
		}
	}
	if f, ok := a.Out.(*os.File); ok {
		if w, _, err := term.GetSize(int(f.Fd())); err == nil && w > 0 {
			return w
		}
	}
	return 0
}

// PrintTo writes t to the file named by -o (format from its extension) or,
// when out is empty, prints it.
func (a *App) PrintTo(out string, t *tabular.Table) error {
	if out == "" {
		return a.Print(t)
	}
	if !tabular.SupportedExt(out) {
		return apperr.Newf(apperr.Usage, "-o %s：不支持的文件类型，请用 .xlsx、.csv、.md、.json 或 .html", "-o %s: unsupported file type; use .xlsx, .csv, .md, .json or .html", out)
	}
	if err := t.WriteFile(out, a.Lang); err != nil {
		return a.outputFailed(out, err, "", "")
	}
	fmt.Fprintln(a.Err, a.T("已写入 ", "written: ")+out)
	return nil
}

// Println writes one line for people on stdout.
func (a *App) Println(s string) { fmt.Fprintln(a.Out, s) }

// Warn writes one line on stderr.
func (a *App) Warn(s string) { fmt.Fprintln(a.Err, s) }

// JSON reports whether scripts asked for JSON.
func (a *App) JSON() bool { return a.Format == tabular.JSON }

// close releases the store.
func (a *App) close() {
	if a.store != nil {
		a.store.Close()
		a.store = nil
	}
}

// usageErr marks cobra's own argument and flag errors as usage errors (exit 2).
func usageErr(err error) error {
	if err == nil {
		return nil
	}
	var e *apperr.Error
	if errors.As(err, &e) {
		return err
	}
	return cobraErr(nil, err)
}

// Args wrappers that turn cobra's argument errors into usage errors.
func exactArgs(n int) cobra.PositionalArgs {
	return func(c *cobra.Command, args []string) error { return cobraErr(c, cobra.ExactArgs(n)(c, args)) }
}

func minArgs(n int) cobra.PositionalArgs {
	return func(c *cobra.Command, args []string) error { return cobraErr(c, cobra.MinimumNArgs(n)(c, args)) }
}

func rangeArgs(lo, hi int) cobra.PositionalArgs {
	return func(c *cobra.Command, args []string) error { return cobraErr(c, cobra.RangeArgs(lo, hi)(c, args)) }
}

func noArgs(c *cobra.Command, args []string) error { return cobraErr(c, cobra.NoArgs(c, args)) }

// parseDateFlag reads a YYYY-MM-DD flag value; empty gives def.
func parseDateFlag(name, v string, def civil.Date) (civil.Date, error) {
	if strings.TrimSpace(v) == "" {
		return def, nil
	}
	d, err := civil.Parse(strings.TrimSpace(v))
	if err != nil {
		return civil.Date{}, apperr.Newf(apperr.Usage, "--%s %q 无效：应为 YYYY-MM-DD 的真实日期", "--%s %q is not valid: use a real YYYY-MM-DD date", name, v)
	}
	return d, nil
}

// Confirm asks before something that cannot be undone, when a person is at
// the keyboard: stdin and stderr are terminals and --yes was not given.
// Scripts (no terminal) and --yes go ahead without a question.
func (a *App) Confirm(zh, en string) error {
	if a.Yes {
		return nil
	}
	f, ok := a.In.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) || !a.StderrTTY() {
		return nil
	}
	fmt.Fprint(a.Err, a.T(zh+"\n此操作不可撤销。确认执行吗？[y/N] ", en+"\nThis cannot be undone. Go ahead? [y/N] "))
	var answer string
	fmt.Fscanln(a.In, &answer)
	switch strings.ToLower(strings.TrimSpace(answer)) {
	case "y", "yes", "是", "确认":
		return nil
	}
	return apperr.New(apperr.Internal, "已取消，未做任何改变", "cancelled; nothing was changed")
}
