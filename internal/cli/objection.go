package cli

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"credit/internal/apperr"
	"credit/internal/archive"
	"credit/internal/civil"
	"credit/internal/ident"
	"credit/internal/objection"
	"credit/internal/operator"
	"credit/internal/queue"
	"credit/internal/store"
	"credit/internal/tabular"
	"credit/internal/workday"
)

func init() {
	registerNoun("objection", newObjectionCmd)
	deadlineCheckers = append(deadlineCheckers, queueDeadlineChecker(objection.Machine))
}

// queueDeadlineChecker reports a queue's open deadlines that a calendar being
// loaded would move (they stay as set: SPEC §B).
func queueDeadlineChecker(m *queue.Machine) func(context.Context, *store.Store, *workday.Calendar, *workday.Calendar) ([]deadlineChange, error) {
	return func(ctx context.Context, st *store.Store, _, next *workday.Calendar) ([]deadlineChange, error) {
		moves, err := m.Moved(ctx, st, next)
		if err != nil {
			return nil, err
		}
		out := make([]deadlineChange, 0, len(moves))
		for _, mv := range moves {
			out = append(out, deadlineChange{Object: mv.Object, What: mv.What, Due: mv.Due, Would: mv.Would})
		}
		return out, nil
	}
}

// queueEnv opens the store for a queue command that needs role: the date may
// not lie in the future and the operator must hold the role.
func (a *App) queueEnv(role operator.Role) (queue.Env, error) {
	st, actor, err := a.Writer(role)
	if err != nil {
		return queue.Env{}, err
	}
	cal, err := a.Calendar()
	if err != nil {
		return queue.Env{}, err
	}
	op, err := a.Operator()
	if err != nil {
		return queue.Env{}, err
	}
	return queue.Env{Store: st, Cal: cal, Op: op, Actor: actor, Lang: a.Lang}, nil
}

// queueReader opens the store and calendar for reading a queue. The queues
// name applicants and subjects — natural persons' names and ID numbers — so
// only office staff (clerk and above, SPEC §C) read them.
func (a *App) queueReader() (*store.Store, *workday.Calendar, error) {
	st, err := a.Store()
	if err != nil {
		return nil, nil, err
	}
	if _, err := a.Require(operator.Clerk); err != nil {
		return nil, nil, err
	}
	cal, err := a.Calendar()
	if err != nil {
		return nil, nil, err
	}
	return st, cal, nil
}

// caseArg reads a case id ("12" or "#12", full-width ＃１２ too).
func caseArg(what, s string) (int64, error) {
	n, err := strconv.ParseInt(strings.TrimPrefix(strings.TrimSpace(civil.Fold(s)), "#"), 10, 64)
	if err != nil || n <= 0 {
		return 0, apperr.Newf(apperr.Usage, "%s编号 %q 无效", "%s id %q is not a number", what, s)
	}
	return n, nil
}

// requiredFlags marks flags required and makes a missing one a usage error
// (exit 2): cobra checks required flags after the root's setup has run, so
// its own error would reach the user as an internal error (exit 1).
func requiredFlags(c *cobra.Command, names ...string) {
	for _, n := range names {
		c.MarkFlagRequired(n)
	}
	c.PreRunE = func(c *cobra.Command, _ []string) error { return usageErr(c.ValidateRequiredFlags()) }
}

// upholdOrReject reads the --uphold / --reject pair: exactly one.
func upholdOrReject(uphold, reject bool) (bool, error) {
	if uphold == reject {
		return false, apperr.New(apperr.Usage, "请给出 --uphold 或 --reject 之一", "give exactly one of --uphold and --reject")
	}
	return uphold, nil
}

func newObjectionCmd(app *App) *cobra.Command {
	c := &cobra.Command{
		Use:   "objection",
		Short: "异议：受理、转交核实、审核、更正、申诉 / objections: file, forward, verify, decide, correct, appeal",
		Long: `异议队列（《办法》第三十一条–第三十三条）。收到异议后 10 个工作日内完成审核；转交信息提供单位核实的，
5 个工作日内核实；异议成立的 3 个工作日内更正，并向原提供范围内的单位重新发送。异议处理期间记录带“异议中”标识，
照常公开。期限按国务院办公厅公布的工作日计算，按受理当日生效的政策设定，之后政策调整不改变已设定的期限。
各步骤按日期先后办理：办理日期不得早于上一步的办理日期和收到日期。

The objection queue (articles 31–33). Reviewed within 10 working days of receipt; the provider verifies
within 5; an upheld objection is corrected within 3 and re-sent to every unit that received the record.
While open the record is flagged and stays public. Deadlines are set from the policy in force and never move.
Steps go in date order: none may be dated before the objection's previous step or its receipt.`,
	}
	c.AddCommand(objectionFileCmd(app), objectionForwardCmd(app), objectionVerifyCmd(app), objectionDecideCmd(app),
		objectionCorrectCmd(app), objectionWithdrawCmd(app), objectionCloseCmd(app), objectionAppealCmd(app),
		objectionAppealDecideCmd(app), objectionShowCmd(app), objectionListCmd(app))
	return c
}

// objections is the objection workflow as the CLI drives it.
var objections = queueNoun[*objection.View]{m: objection.Machine, what: "异议", print: printObjectionResult}

func objectionFileCmd(app *App) *cobra.Command {
	var f objection.Filing
	var received string
	c := &cobra.Command{
		Use:   "file --record ID --ground wrong|prohibited|expired --applicant NAME",
		Short: "受理异议申请（经办）/ file an objection (clerk)",
		Long: `登记信息主体的异议申请（第三十一条）：记录立即带“异议中”标识并照常公开；审核期限 = 收到日期后第 10 个工作日。
--ground：wrong 与事实不符、记载错误或遗漏；prohibited 归集了第十四条禁止归集的信息；expired 失信信息超期限使用。
--received 可早于今天（纸质申请上周收到、今天录入），期限从收到日期起算。

Files an objection: the record is flagged at once and stays public; review is due on the 10th working
day after receipt (--received, default today, may lie in the past).`,
		Example: example(
			"credit objection file --record 1024 --ground wrong --applicant 甲公司 --evidence 判决书 --detail 罚款金额有误",
			"credit objection file --record 1024 --ground expired --applicant 张三 --via provider --received 2025-09-22 --format json",
		),
		Args: noArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			var err error
			if f.Received, err = parseDateFlag("received", received, civil.Date{}); err != nil {
				return err
			}
			env, err := app.queueEnv(objection.Machine.Role("file"))
			if err != nil {
				return err
			}
			v, err := objection.File(app.Ctx(), env, f)
			if err != nil {
				return err
			}
			return printObjectionResult(app, v)
		},
	}
	fl := c.Flags()
	fl.Int64Var(&f.Record, "record", 0, "记录编号 / record id")
	fl.StringVar(&f.Ground, "ground", "", "理由 wrong|prohibited|expired / ground")
	fl.StringVar(&f.Applicant, "applicant", "", "申请人 / applicant")
	fl.StringVar(&f.Contact, "contact", "", "联系方式 / contact")
	fl.StringVar(&f.Evidence, "evidence", "", "证明材料 / evidence")
	fl.StringVar(&f.Detail, "detail", "", "异议内容 / what is objected to")
	fl.StringVar(&f.Via, "via", "office", "受理渠道 office（本机构）|provider（信息提供单位）/ where it was filed")
	fl.StringVar(&received, "received", "", "收到日期 YYYY-MM-DD（默认今天）/ date received (default today)")
	requiredFlags(c, "record", "ground", "applicant")
	return c
}

func objectionForwardCmd(app *App) *cobra.Command {
	return objections.stepCmd(app, "forward", stepSpec{use: "forward ID",
		short:    "转交信息提供单位核实（经办）/ forward to the provider for verification (clerk)",
		long:     "转交信息提供单位核实：核实期限 = 今天后第 5 个工作日；审核期限不变、不中止。\nForwards to the provider: verification is due on the 5th working day; the review deadline does not move.",
		examples: []string{"credit objection forward 3"}, text: "note", textHelp: "说明（如转交文号）/ note"}, objection.Forward)
}

func objectionVerifyCmd(app *App) *cobra.Command {
	var finding string
	return objections.stepCmd(app, "verify", stepSpec{use: "verify ID --finding accurate|inaccurate --note TEXT",
		short:    "登记信息提供单位的核实结果（经办）/ enter the provider's verification (clerk)",
		examples: []string{"credit objection verify 3 --finding inaccurate --note 市监局复函：罚款金额应为 1 万元"},
		text:     "note", textHelp: "核实意见 / the provider's answer", textRequired: true, extra: []string{"finding"},
		flags: func(c *cobra.Command) {
			c.Flags().StringVar(&finding, "finding", "", "核实结果 accurate（无误）|inaccurate（有误）/ finding")
		}}, func(ctx context.Context, env queue.Env, id int64, note string) (*objection.View, error) {
		return objection.VerifyFinding(ctx, env, id, finding, note)
	})
}

// decision is an --uphold/--reject pair (or its likes) read before a step.
type decision struct{ yes, no, up bool }

func (d *decision) flags(yes, yesHelp, no, noHelp string) func(*cobra.Command) {
	return func(c *cobra.Command) {
		c.Flags().BoolVar(&d.yes, yes, false, yesHelp)
		c.Flags().BoolVar(&d.no, no, false, noHelp)
	}
}

func (d *decision) check() (err error) { d.up, err = upholdOrReject(d.yes, d.no); return err }

func objectionDecideCmd(app *App) *cobra.Command {
	var d decision
	return objections.stepCmd(app, "decide", stepSpec{use: "decide ID --uphold|--reject --reason TEXT",
		short: "审核决定：异议成立或驳回（审核）/ decide: uphold or reject (reviewer)",
		long: `异议成立：更正期限 = 今天后第 3 个工作日；驳回：去除“异议中”标识，维持原信息。
Upheld: correction is due on the 3rd working day. Rejected: the flag is cleared and the record stays as it is.`,
		examples: []string{"credit objection decide 3 --uphold --reason 经核实罚款金额记载错误", "credit objection decide 4 --reject --reason 经核实信息无误"},
		text:     "reason", textHelp: "理由 / reason", textRequired: true,
		flags: d.flags("uphold", "异议成立 / uphold", "reject", "驳回 / reject"), check: d.check,
	}, func(ctx context.Context, env queue.Env, id int64, reason string) (*objection.View, error) {
		return objection.Decide(ctx, env, id, d.up, reason)
	})
}

func objectionCorrectCmd(app *App) *cobra.Command {
	var sets []string
	var parsed []objection.Set
	return objections.stepCmd(app, "correct", stepSpec{use: "correct ID --set FIELD=VALUE...",
		short: "按异议更正记录并列出需重新发送的单位（经办）/ correct the record and list the units to re-send to (clerk)",
		long: `按成立的异议更正记录：更正内容按归集时的同一规则校验（同样的原因代码，不合格退出码 5）；
原版本保存在记录历史中，记录生成新版本，去除“异议中”标识；列出查询、共享或导出过原记录的信息使用单位，以便重新发送。
业务主键和主体代码字段不能更正。

Corrects the record with exactly the import's rules (same reason codes; exit 5 when a value fails), keeps
the old revision, clears the flag and lists every user unit that received the old record.`,
		examples: []string{
			"credit objection correct 3 --set 罚款金额（万元）=1 --set 处罚内容=罚款10000元",
			"credit objection correct 3 --set 备注= --format json   # 清空字段 / empty a field",
		},
		extra: []string{"set"},
		flags: func(c *cobra.Command) {
			c.Flags().StringArrayVar(&sets, "set", nil, "字段=值（可重复）/ FIELD=VALUE (repeatable)")
		},
		check: func() error {
			parsed = nil
			for _, s := range sets {
				p, err := objection.ParseSet(s)
				if err != nil {
					return err
				}
				parsed = append(parsed, p)
			}
			return nil
		},
		confirm: func(arg string) (string, string) {
			return "将按异议 " + arg + " 更正记录（原版本保存在历史中）。", "The record will be corrected under objection " + arg + " (the old revision is kept)."
		},
	}, func(ctx context.Context, env queue.Env, id int64, _ string) (*objection.View, error) {
		return objection.Correct(ctx, env, id, parsed)
	})
}

func objectionWithdrawCmd(app *App) *cobra.Command {
	return objections.stepCmd(app, "withdraw", stepSpec{use: "withdraw ID",
		short: "撤除禁止归集或超期限使用的信息（经办）/ withdraw prohibited or expired information (clerk)",
		long: `理由为 prohibited 或 expired 的异议成立后，撤除该记录：原版本保存在历史中，记录不再出现在任何查询范围和报告中。
For an upheld objection on ground prohibited or expired: the record leaves every scope; its revision is kept.`,
		examples: []string{"credit objection withdraw 5 --note 含第十四条禁止归集的信息"}, text: "note", textHelp: "说明 / note",
		confirm: func(arg string) (string, string) {
			return "将按异议 " + arg + " 撤除该记录：它将不再出现在任何查询范围和报告中。", "The record of objection " + arg + " will be withdrawn from every scope and report."
		},
	}, objection.Withdraw)
}

func objectionCloseCmd(app *App) *cobra.Command {
	return objections.stepCmd(app, "close", stepSpec{use: "close ID", short: "办结（经办）/ close (clerk)",
		long: `办结已驳回、已更正、信息已撤除或申诉已决定的异议。异议成立待更正、但记录已被（另一件异议）撤除的，也可以办结：
记录已不在任何查询范围内，无可更正；更正期限记为当天完成。
Closes a rejected, corrected, withdrawn or appeal-decided objection; also an upheld one whose record has
been withdrawn meanwhile (nothing is left to correct).`,
		examples: []string{"credit objection close 3"}, text: "note", textHelp: "说明 / note"}, objection.Close)
}

func objectionAppealCmd(app *App) *cobra.Command {
	return objections.stepCmd(app, "appeal", stepSpec{use: "appeal ID --reason TEXT",
		short:    "登记信息主体向信用主管部门的申诉（经办）/ record an appeal to the credit authority (clerk)",
		long:     "信息主体对异议处理结果不服，向本级信用主管部门申诉（第三十三条）；本工具记录申诉及其结果。\nThe subject appeals to the credit authority (article 33); credit records it and its outcome.",
		examples: []string{"credit objection appeal 4 --reason 主体不服驳回决定"}, text: "reason", textHelp: "申诉理由 / reason", textRequired: true}, objection.Appeal)
}

func objectionAppealDecideCmd(app *App) *cobra.Command {
	var d decision
	return objections.stepCmd(app, "appeal-decide", stepSpec{use: "appeal-decide ID --uphold|--reject --note TEXT",
		short: "登记信用主管部门的申诉结果（审核）/ enter the authority's outcome of the appeal (reviewer)",
		long: `申诉成立：异议回到“异议成立待更正”，更正期限 = 今天后第 3 个工作日；申诉不成立：申诉已决定。
申诉成立但记录已经撤除（不在任何查询范围内，无可更正）时，异议直接到“申诉已决定”，申诉结果记为成立，并注明记录已撤除。
Upheld: back to upheld with correction due on the 3rd working day; rejected: appeal decided. Upheld when the
record has already been withdrawn (nothing is left to correct): appeal decided, the appeal recorded as upheld.`,
		examples: []string{"credit objection appeal-decide 4 --uphold --note 市发改委复函"},
		text:     "note", textHelp: "部门意见 / the authority's outcome", textRequired: true,
		flags: d.flags("uphold", "申诉成立 / upheld", "reject", "申诉不成立 / rejected"), check: d.check,
	}, func(ctx context.Context, env queue.Env, id int64, note string) (*objection.View, error) {
		return objection.AppealDecide(ctx, env, id, d.up, note)
	})
}

func objectionShowCmd(app *App) *cobra.Command {
	return objections.showCmd(app, "异议详情：全部经过、各期限、下一步可办理的事项 / an objection's timeline, deadlines and next steps",
		[]string{"credit objection show 3", "credit objection show 3 --format json"},
		func(ctx context.Context, st *store.Store, cal *workday.Calendar, id int64) (*objection.View, error) {
			return objection.Get(ctx, st, cal, app.Today(), id, app.Lang)
		},
		func(ctx context.Context, st *store.Store, v *objection.View, op operator.Operator) (err error) {
			v.Next, err = objection.Next(ctx, st, v, op, app.Today())
			return err
		}, printObjection)
}

func objectionListCmd(app *App) *cobra.Command {
	var f objection.Filter
	var subject string
	c := &cobra.Command{
		Use:   "list [--state S] [--due-soon] [--overdue] [--provider CODE] [--subject CODE|NAME]",
		Short: "异议队列，按到期日排序 / the objection queue by due date",
		Long: `按最早未完成的期限（due）排序；剩余工作日（days_left，到期当日为 0）和队列状态：ok 正常、due_soon 即将到期
（剩余不超过政策的提示天数，默认 2）、overdue 已超期、done 已办结。

Sorted by the earliest unmet deadline, with days_left and status (ok, due_soon, overdue, done).`,
		Example: example("credit objection list", "credit objection list --overdue --format json", "credit objection list --state forwarded --provider 11320600MB12345674"),
		Args:    noArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if f.Provider != "" {
				f.Provider = ident.NormalizeCode(f.Provider)
			}
			st, cal, err := app.queueReader()
			if err != nil {
				return err
			}
			list, err := objection.List(app.Ctx(), st, cal, app.Today(), f, app.Lang)
			if err != nil {
				return err
			}
			// Office staff only (queueReader): names are shown, so they filter too.
			sf := archive.NewSubjectFilter(subject, false)
			list = slices.DeleteFunc(list, func(e objection.Entry) bool { return !sf.Match(e.Subject, e.SubjectName, "") })
			t := &tabular.Table{JSON: list, Columns: queueColumns()}
			for _, e := range list {
				t.Rows = append(t.Rows, append([]string{itoa64(e.ID), itoa64(e.Record), e.Item, strings.TrimSpace(e.SubjectName + " " + e.Subject), e.StateLabel},
					standingCells(app, objection.Machine, e.Standing)...))
			}
			return app.Print(t)
		},
	}
	queueListFlags(c, &f.State, &f.DueSoon, &f.Overdue, &f.Provider, &f.Record, "只列该记录的异议 / only objections on this record", &subject)
	return c
}

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }

// standingCells are the due, deadline, days-left and status cells of a queue row.
func standingCells(app *App, m *queue.Machine, s queue.Standing) []string {
	due, what, left := "", "", ""
	if s.Due != nil {
		due = s.Due.String()
		info := m.Deadline(s.Deadline)
		what = app.T(info.Zh, info.En)
	}
	if s.DaysLeft != nil {
		left = itoa(*s.DaysLeft)
	}
	status := app.T(s.Status.Label(), string(s.Status))
	if s.Status == workday.StatusDone && s.OnTime != nil && !*s.OnTime {
		status += app.T("（有超期）", " (late)")
	}
	return []string{due, what, left, status}
}

// printObjectionResult prints what a command did: the objection as JSON, or
// one line (and the units to re-send to after a correction).
func printObjectionResult(app *App, v *objection.View) error {
	if app.JSON() {
		return app.Print(&tabular.Table{JSON: v})
	}
	line := fmt.Sprintf(app.T("异议 %d（记录 %d）：%s", "objection %d (record %d): %s"), v.ID, v.Record, v.StateLabel)
	if v.Due != nil {
		info := objection.Machine.Deadline(v.Deadline)
		line += fmt.Sprintf(app.T("；%s %s（剩余 %d 个工作日）", "; %s %s (%d working days left)"), app.T(info.Zh, info.En), v.Due, *v.DaysLeft)
	}
	app.Println(line)
	if v.Notice != "" {
		app.Println(v.Notice)
	}
	if v.Correction != nil {
		printReceivers(app, v.Correction)
	}
	return nil
}

func printReceivers(app *App, ch *objection.Change) {
	if len(ch.Receivers) == 0 {
		app.Println(app.T("没有信息使用单位取得过原记录，无需重新发送。", "No user unit received the old record; nothing to re-send."))
		return
	}
	// One line per unit (第三十二条: the correction goes to each unit once).
	app.Println(fmt.Sprintf(app.T("以下 %d 个单位取得过原记录，请重新发送：", "%d units received the old record; re-send it to:"), len(ch.Receivers)))
	t := &tabular.Table{Columns: []tabular.Column{{Key: "unit", Zh: "信息使用单位", En: "Unit"}, {Key: "how", Zh: "取得方式与次数（业务日期）", En: "How and how often (office dates)"},
		{Key: "last_at", Zh: "最近一次（实际时间）", En: "Last (real time)"}}}
	for _, r := range ch.Receivers {
		t.Rows = append(t.Rows, []string{objection.ReceiverLabel(r), objection.ReceivedHow(r, app.Lang), localTime(r.LastAt)})
	}
	app.Print(t)
}

// printObjection prints show's text form: the objection, its deadlines, its
// timeline and the changes it made to the record.
func printObjection(app *App, v *objection.View) error {
	m := objection.Machine
	kv := &tabular.Table{Columns: []tabular.Column{{Key: "key", Zh: "项目", En: "Field"}, {Key: "value", Zh: "内容", En: "Value"}}}
	add := func(k, val string) {
		if val != "" {
			kv.Rows = append(kv.Rows, []string{k, val})
		}
	}
	add(app.T("异议", "Objection"), itoa64(v.ID))
	add(app.T("记录", "Record"), fmt.Sprintf("%d（%s）", v.Record, v.Item))
	add(app.T("信息主体", "Subject"), strings.TrimSpace(v.Subject+" "+v.SubjectName))
	add(app.T("信息提供单位", "Provider"), v.Provider)
	add(app.T("理由", "Ground"), app.T(objection.GroundLabel(v.Ground), v.Ground))
	add(app.T("受理渠道", "Filed via"), v.Via)
	add(app.T("申请人", "Applicant"), v.Applicant)
	add(app.T("联系方式", "Contact"), v.Contact)
	add(app.T("证明材料", "Evidence"), v.Evidence)
	add(app.T("异议内容", "Detail"), v.Detail)
	add(app.T("收到日期", "Received"), v.ReceivedOn.String())
	add(app.T("状态", "State"), m.StateLabel(v.State, app.Lang))
	cells := standingCells(app, m, v.Standing)
	if v.Due != nil {
		add(app.T("当前期限", "Due"), fmt.Sprintf("%s %s（%s %s）", cells[1], cells[0], app.T("剩余工作日", "days left"), cells[2]))
	}
	add(app.T("队列状态", "Status"), cells[3])
	add(app.T("核实结果", "Finding"), objection.OutcomeLabel(v.Finding, app.Lang))
	add(app.T("审核决定", "Decision"), objection.OutcomeLabel(v.Decision, app.Lang))
	add(app.T("申诉", "Appeal"), objection.OutcomeLabel(v.Appeal, app.Lang))
	add(app.T("说明", "Notice"), v.Notice)
	if err := app.Print(kv); err != nil {
		return err
	}
	printDeadlines(app, v.Deadlines)
	printTimeline(app, m, v.Timeline)
	printNext(app, m, v.Next)
	for i := range v.Corrections {
		ch := &v.Corrections[i]
		app.Println(fmt.Sprintf(app.T("%s %s：记录 %d 第 %d 版（原内容 %s → %s）", "%s %s: record %d revision %d (%s → %s)"),
			ch.On, m.CommandLabel(ch.Command, app.Lang), ch.Record, ch.Rev, ch.OldContentHash, ch.ContentHash))
		printReceivers(app, ch)
	}
	return nil
}

func printDeadlines(app *App, ds []queue.DeadlineView) {
	if len(ds) == 0 {
		return
	}
	t := &tabular.Table{Title: app.T("期限", "Deadlines"), Columns: []tabular.Column{
		{Key: "label", Zh: "期限", En: "Deadline"}, {Key: "start", Zh: "起算日", En: "From"}, {Key: "days", Zh: "工作日", En: "Working days"},
		{Key: "due", Zh: "到期日", En: "Due"}, {Key: "met_on", Zh: "完成日", En: "Met on"}, {Key: "result", Zh: "情况", En: "Result"}}}
	for _, d := range ds {
		met, result := "", ""
		switch {
		case d.Met && *d.OnTime:
			met, result = d.MetOn.String(), app.T("按期完成", "met on time")
		case d.Met:
			met, result = d.MetOn.String(), app.T("超期完成", "met late")
		default:
			result = fmt.Sprintf("%s（%s %d）", app.T(d.Status.Label(), string(d.Status)), app.T("剩余工作日", "days left"), *d.DaysLeft)
		}
		if d.Provisional {
			result += app.T("（临时日历）", " (provisional calendar)")
		}
		t.Rows = append(t.Rows, []string{d.Label, d.Start.String(), itoa(d.Days), d.Due.String(), met, result})
	}
	app.Print(t)
}

func printTimeline(app *App, m *queue.Machine, es []queue.EventView) {
	t := &tabular.Table{Title: app.T("经过", "Timeline"), Columns: []tabular.Column{
		{Key: "on", Zh: "日期", En: "Date"}, {Key: "label", Zh: "办理", En: "Step"}, {Key: "to", Zh: "状态", En: "State"},
		{Key: "operator", Zh: "操作员", En: "Operator"}, {Key: "note", Zh: "说明", En: "Note"}, {Key: "at", Zh: "录入时间", En: "Entered"}}}
	for _, e := range es {
		op := e.Operator
		if e.ActingBy != "" {
			op += "（" + e.ActingBy + "）"
		}
		t.Rows = append(t.Rows, []string{e.On.String(), e.Label, m.StateLabel(e.To, app.Lang), op, e.Note, localTime(e.At)})
	}
	app.Print(t)
}
