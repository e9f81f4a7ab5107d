package cli

import (
	"context"

	"github.com/spf13/cobra"

	"credit/internal/operator"
	"credit/internal/queue"
	"credit/internal/store"
	"credit/internal/tabular"
	"credit/internal/workday"
)

// What the objection and repair nouns share: both are tables of the queue
// engine (queue.Machine), so a step command, show and the next-steps table
// are written once here and each noun only names its own service calls.

// queueNoun is one workflow as the CLI drives it.
type queueNoun[V any] struct {
	m     *queue.Machine
	what  string // the case's name in a bad-id message: 异议, 信用修复
	print func(*App, V) error
}

// step runs command on the case named by arg and prints the result.
func (n queueNoun[V]) step(app *App, command, arg string, run func(env queue.Env, id int64) (V, error)) error {
	id, err := caseArg(n.what, arg)
	if err != nil {
		return err
	}
	env, err := app.queueEnv(n.m.Role(command))
	if err != nil {
		return err
	}
	v, err := run(env, id)
	if err != nil {
		return err
	}
	return n.print(app, v)
}

// stepSpec is a step command's help and its free-text flag.
type stepSpec struct {
	use, short, long string
	examples         []string
	text, textHelp   string // the flag that carries the step's note (note, reason, detail…)
	textRequired     bool
	extra            []string // more required flags (set up by flags)
	// flags adds the command's own flags; check reads them before the step
	// runs (usage errors); confirm asks before a step that changes a record.
	flags   func(c *cobra.Command)
	check   func() error
	confirm func(arg string) (zh, en string)
}

// stepCmd builds a step command: ID argument, the note flag, own flags, an
// optional confirmation, then run.
func (n queueNoun[V]) stepCmd(app *App, command string, s stepSpec, run func(ctx context.Context, env queue.Env, id int64, text string) (V, error)) *cobra.Command {
	var text string
	c := &cobra.Command{
		Use:     s.use,
		Short:   s.short,
		Long:    s.long,
		Example: example(s.examples...),
		Args:    exactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			if s.check != nil {
				if err := s.check(); err != nil {
					return err
				}
			}
			if s.confirm != nil {
				zh, en := s.confirm(args[0])
				if err := app.Confirm(zh, en); err != nil {
					return err
				}
			}
			return n.step(app, command, args[0], func(env queue.Env, id int64) (V, error) {
				return run(app.Ctx(), env, id, text)
			})
		},
	}
	if s.flags != nil {
		s.flags(c)
	}
	if s.text != "" {
		c.Flags().StringVar(&text, s.text, "", s.textHelp)
	}
	var req []string
	if s.textRequired {
		req = append(req, s.text)
	}
	if req = append(req, s.extra...); len(req) > 0 {
		requiredFlags(c, req...)
	}
	return c
}

// showCmd builds `show ID`: the case, its deadlines, timeline and next steps.
func (n queueNoun[V]) showCmd(app *App, short string, examples []string,
	get func(ctx context.Context, st *store.Store, cal *workday.Calendar, id int64) (V, error),
	next func(ctx context.Context, st *store.Store, v V, op operator.Operator) error,
	print func(*App, V) error) *cobra.Command {
	return &cobra.Command{
		Use:     "show ID",
		Short:   short,
		Example: example(examples...),
		Args:    exactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			id, err := caseArg(n.what, args[0])
			if err != nil {
				return err
			}
			st, cal, err := app.queueReader()
			if err != nil {
				return err
			}
			v, err := get(app.Ctx(), st, cal, id)
			if err != nil {
				return err
			}
			op, err := app.Operator()
			if err != nil {
				return err
			}
			if err := next(app.Ctx(), st, v, op); err != nil {
				return err
			}
			if app.JSON() {
				return app.Print(&tabular.Table{JSON: v})
			}
			return print(app, v)
		},
	}
}

// printNext prints a case's next steps: each step its state allows, whether
// the operator may take it today, and if not the rule that forbids it.
func printNext(app *App, m *queue.Machine, as []queue.Action) {
	t := &tabular.Table{Title: app.T("下一步", "Next steps"), Columns: []tabular.Column{
		{Key: "command", Zh: "命令", En: "Command"}, {Key: "label", Zh: "办理", En: "Step"}, {Key: "to", Zh: "结果状态", En: "Leads to"},
		{Key: "role", Zh: "角色", En: "Role"}, {Key: "allowed", Zh: "现在可办理", En: "Allowed now"}, {Key: "reason", Zh: "不能办理的原因", En: "Why not"},
		{Key: "article", Zh: "依据", En: "Rule"}}}
	if len(as) == 0 {
		app.Println(app.T("下一步：当前状态下没有可办理的事项。", "Next steps: none from this state."))
		return
	}
	for _, a := range as {
		var to string
		for i, s := range a.To {
			if i > 0 {
				to += app.T("、", ", ")
			}
			to += m.StateLabel(s, app.Lang)
		}
		ok := app.T("可以", "yes")
		if !a.Allowed {
			ok = app.T("不可", "no")
		}
		t.Rows = append(t.Rows, []string{a.Command, app.T(a.Label, a.LabelEn), to, app.T(a.Role.Label(), string(a.Role)), ok, a.Reason(app.Lang), a.Article})
	}
	app.Print(t)
}

// queueListFlags are the filters every queue listing takes.
func queueListFlags(c *cobra.Command, state *string, dueSoon, overdue *bool, provider *string, record *int64, recordHelp string) {
	c.Flags().StringVar(state, "state", "", "只列此状态 / only this state")
	c.Flags().BoolVar(dueSoon, "due-soon", false, "只列即将到期 / only due soon")
	c.Flags().BoolVar(overdue, "overdue", false, "只列已超期 / only overdue")
	c.Flags().StringVar(provider, "provider", "", "只列该信息提供单位的记录 / only records of this provider")
	c.Flags().Int64Var(record, "record", 0, recordHelp)
}

// queueColumns are the columns every queue listing starts with.
func queueColumns() []tabular.Column {
	return []tabular.Column{
		{Key: "id", Zh: "编号", En: "ID"}, {Key: "record", Zh: "记录", En: "Record"}, {Key: "item", Zh: "信息项", En: "Item"},
		{Key: "subject", Zh: "信息主体", En: "Subject"}, {Key: "state", Zh: "状态", En: "State"}, {Key: "due", Zh: "到期日", En: "Due"},
		{Key: "deadline", Zh: "期限", En: "Deadline"}, {Key: "days_left", Zh: "剩余工作日", En: "Days left"}, {Key: "status", Zh: "队列状态", En: "Status"},
	}
}
