package cli

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"credit/internal/apperr"
	"credit/internal/archive"
	"credit/internal/civil"
	"credit/internal/ident"
	"credit/internal/operator"
	"credit/internal/queue"
	"credit/internal/repair"
	"credit/internal/store"
	"credit/internal/tabular"
	"credit/internal/workday"
)

func init() {
	registerNoun("repair", newRepairCmd)
	deadlineCheckers = append(deadlineCheckers, queueDeadlineChecker(repair.Machine),
		func(ctx context.Context, st *store.Store, _, next *workday.Calendar) ([]deadlineChange, error) {
			moves, err := repair.PublicityMoves(ctx, st, next)
			out := make([]deadlineChange, 0, len(moves))
			for _, mv := range moves {
				out = append(out, deadlineChange{Object: mv.Object, What: mv.What, Due: mv.Due, Would: mv.Would})
			}
			return out, err
		})
}

func newRepairCmd(app *App) *cobra.Command {
	c := &cobra.Command{
		Use:   "repair",
		Short: "信用修复：申请、提供单位意见、公示、完成 / credit repair: apply, opinion, publicity, complete",
		Long: `信用修复队列（《办法》第三十四条–第三十五条）。失信信息有效期内，已纠正失信行为、自纠正之日起 1 年内未再发生同类
失信行为并作出信用承诺的，可以申请修复；信息提供单位在规定期限内提出书面意见（政策 repair_opinion，默认 5 个工作日），
公示 5 个工作日；公示期间有异议的暂停公示，异议不成立的按剩余工作日继续公示。修复完成后记录不再公开、不再用于审查和惩戒，
原始信息转为档案保存。各步骤按日期先后办理：办理日期不得早于上一步的办理日期和申请日期。

The repair queue (articles 34–35): eligibility at application, the provider's opinion, 5 working days of
publicity (an objection pauses it; a dismissal resumes the remaining days), then the record is repaired:
out of every scope but the office's, kept as archive. Steps go in date order: none may be dated before
the application's previous step or its application date.`,
	}
	c.AddCommand(repairApplyCmd(app), repairOpinionCmd(app), repairPublicizeCmd(app), repairObjectCmd(app), repairVerifyCmd(app),
		repairCompleteCmd(app), repairWithdrawCmd(app), repairShowCmd(app), repairListCmd(app), repairPublicityCmd(app))
	return c
}

// repairs is the repair workflow as the CLI drives it.
var repairs = queueNoun[*repair.View]{m: repair.Machine, what: "信用修复", print: printRepairResult}

func repairApplyCmd(app *App) *cobra.Command {
	var a repair.Application
	var corrected, applied string
	c := &cobra.Command{
		Use:   "apply (--record ID | --entry M3|R17) --corrected-on DATE --commitment REF",
		Short: "受理信用修复申请并审查条件（经办）/ take a repair application and check eligibility (clerk)",
		Long: `受理时只审查形式条件（第三十四条）：失信信息、在有效期内且未修复；自纠正之日起满 1 年（纠正 2024-05-10，
2025-05-11 起可以申请）且这一年内没有发生同类失信行为（同一信息项、同一 kind_field 取值；行为日期按目录 act_date_field，
未设时以决定日期代替；一年之后的不影响）；有书面信用承诺。(一) 纠正成效和 (三) 承诺的内容由信息提供单位在书面意见中判断。
本办公室规则：记录有未办结的异议或已有正在办理的修复时不予受理（服务第三十二条、第三十五条）。
纠正日期不能晚于申请日期，可以早于决定日期。名单条目用 --entry：手工录入的 M 条目、报送的 R 条目（即其记录）。
不符合的申请登记为“不予修复”并列出全部原因，退出码 5；符合的，修复意见期限 = 申请日期后第 5 个工作日（政策 repair_opinion）。

Formal conditions only (article 34): negative, valid, the clean year passed (corrected 2024-05-10 → apply from
2025-05-11) with no same-kind act in it, a written commitment; (1) and (3) are the provider's to judge. An open
objection or repair on the record is an office rule. --entry repairs a list entry (M hand-entered, R reported).
An ineligible application is stored as refused with every reason (exit 5).`,
		Example: example(
			"credit repair apply --record 1024 --corrected-on 2024-06-01 --commitment 承诺书〔2025〕18号 --evidence 整改报告",
			"credit repair apply --record 1024 --corrected-on 2024-06-01 --commitment CN-18 --applied 2025-06-03 --format json",
			"credit repair apply --entry M3 --corrected-on 2024-06-01 --commitment 承诺书〔2025〕20号",
		),
		Args: noArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			var err error
			if a.CorrectedOn, err = parseDateFlag("corrected-on", corrected, civil.Date{}); err != nil {
				return err
			}
			if a.Applied, err = parseDateFlag("applied", applied, civil.Date{}); err != nil {
				return err
			}
			env, err := app.queueEnv(repair.Machine.Role("apply"))
			if err != nil {
				return err
			}
			v, err := repair.Apply(app.Ctx(), env, a)
			if v != nil {
				if perr := printRepairResult(app, v); perr != nil {
					return perr
				}
			}
			return err
		},
	}
	fl := c.Flags()
	fl.Int64Var(&a.Record, "record", 0, "记录编号 / record id")
	fl.StringVar(&a.Entry, "entry", "", "名单条目编号（M3 手工录入，R17 报送）/ list entry id")
	fl.StringVar(&corrected, "corrected-on", "", "纠正失信行为的日期 YYYY-MM-DD / date the behaviour was corrected")
	fl.StringVar(&a.Commitment, "commitment", "", "信用承诺书编号 / commitment reference")
	fl.StringVar(&a.Evidence, "evidence", "", "证明材料 / evidence")
	fl.StringVar(&applied, "applied", "", "申请日期 YYYY-MM-DD（默认今天）/ application date (default today)")
	requiredFlags(c, "corrected-on")
	return c
}

func repairOpinionCmd(app *App) *cobra.Command {
	var d decision
	return repairs.stepCmd(app, "opinion", stepSpec{use: "opinion ID --approve|--refuse --text TEXT",
		short:    "登记信息提供单位的书面修复意见（经办）/ enter the provider's written opinion (clerk)",
		examples: []string{"credit repair opinion 7 --approve --text 同意修复（市监局意见书〔2025〕3号）"},
		text:     "text", textHelp: "意见内容 / the opinion", textRequired: true,
		flags: d.flags("approve", "同意修复 / approve", "refuse", "不同意修复 / refuse"),
		check: func() error {
			if d.yes == d.no {
				return apperr.New(apperr.Usage, "请给出 --approve 或 --refuse 之一", "give exactly one of --approve and --refuse")
			}
			return nil
		},
	}, func(ctx context.Context, env queue.Env, id int64, text string) (*repair.View, error) {
		return repair.Opinion(ctx, env, id, d.yes, text)
	})
}

func repairPublicizeCmd(app *App) *cobra.Command {
	return repairs.stepCmd(app, "publicize", stepSpec{use: "publicize ID", short: "开始公示（经办）/ start the publicity period (clerk)",
		long:     "公示期为今天之后的第 1 个至第 5 个工作日（政策 repair_publicity），期满次日起可完成修复。\nPublicity runs from the 1st to the 5th working day after today; completion is allowed from the next day.",
		examples: []string{"credit repair publicize 7"}, text: "note", textHelp: "说明（如公示网址）/ note"}, repair.Publicize)
}

func repairObjectCmd(app *App) *cobra.Command {
	return repairs.stepCmd(app, "object", stepSpec{use: "object ID --detail TEXT",
		short:    "登记公示期间的异议，暂停公示（经办）/ enter an objection raised during publicity; publicity pauses (clerk)",
		long:     "公示暂停（当天之前已满的工作日计入公示），信息提供单位核实期限 = 今天后第 5 个工作日（政策 repair_verify）。\nPublicity pauses (working days fully served before today count); verification is due in repair_verify working days.",
		examples: []string{"credit repair object 7 --detail 举报该企业仍在发布虚假广告"}, text: "detail", textHelp: "异议内容 / the objection", textRequired: true}, repair.Object)
}

func repairVerifyCmd(app *App) *cobra.Command {
	var d decision
	return repairs.stepCmd(app, "verify", stepSpec{use: "verify ID --uphold-objection|--dismiss --note TEXT",
		short: "公示异议的核实结论（审核）/ conclude on the publicity objection (reviewer)",
		long: `异议成立：不予修复；异议不成立：按剩余工作日继续公示（不重新起算）。
Upheld: the repair is refused. Dismissed: publicity resumes with the working days that remained.`,
		examples: []string{"credit repair verify 7 --dismiss --note 经核实举报不实"},
		text:     "note", textHelp: "核实意见 / note", textRequired: true,
		flags: d.flags("uphold-objection", "异议成立 / the objection is upheld", "dismiss", "异议不成立 / dismissed"),
		check: func() error {
			if d.yes == d.no {
				return apperr.New(apperr.Usage, "请给出 --uphold-objection 或 --dismiss 之一", "give exactly one of --uphold-objection and --dismiss")
			}
			return nil
		},
	}, func(ctx context.Context, env queue.Env, id int64, note string) (*repair.View, error) {
		return repair.Verify(ctx, env, id, d.yes, note)
	})
}

func repairCompleteCmd(app *App) *cobra.Command {
	return repairs.stepCmd(app, "complete", stepSpec{use: "complete ID", short: "公示期满后完成修复（审核）/ complete the repair after publicity (reviewer)",
		long: `公示期最后一天的次日起可办理。记录状态改为“已修复”：不再出现在公开、授权、共享范围和审查、惩戒中，
原始信息连同修复编号保存在记录历史中（原始失信信息转为档案保存）。
From the day after the last publicity day: the record becomes repaired and leaves every scope but the office's.`,
		examples: []string{"credit repair complete 7"}, text: "note", textHelp: "说明 / note",
		confirm: func(arg string) (string, string) {
			return "将完成信用修复 " + arg + "：记录改为“已修复”，不再公开、共享或用于惩戒。", "Repair " + arg + " will be completed: the record stops being public, shared or used for sanctions."
		},
	}, repair.Complete)
}

func repairWithdrawCmd(app *App) *cobra.Command {
	return repairs.stepCmd(app, "withdraw", stepSpec{use: "withdraw ID", short: "申请人撤回申请（经办）/ the applicant withdraws (clerk)",
		examples: []string{"credit repair withdraw 7"}, text: "note", textHelp: "说明 / note"}, repair.Withdraw)
}

func repairShowCmd(app *App) *cobra.Command {
	return repairs.showCmd(app, "信用修复详情：条件审查、期限、公示、全部经过、下一步可办理的事项 / a repair's eligibility, deadlines, publicity, timeline and next steps",
		[]string{"credit repair show 7", "credit repair show 7 --format json"},
		func(ctx context.Context, st *store.Store, cal *workday.Calendar, id int64) (*repair.View, error) {
			return repair.Get(ctx, st, cal, app.Today(), id, app.Lang)
		},
		func(ctx context.Context, st *store.Store, v *repair.View, op operator.Operator) (err error) {
			v.Next, err = repair.Next(ctx, st, v, op, app.Today())
			return err
		}, printRepair)
}

func repairListCmd(app *App) *cobra.Command {
	var f repair.Filter
	var subject string
	c := &cobra.Command{
		Use:     "list [--state S] [--due-soon] [--overdue] [--subject CODE|NAME]",
		Short:   "信用修复队列，按到期日排序 / the repair queue by due date",
		Example: example("credit repair list", "credit repair list --due-soon --format json", "credit repair list --state in_publicity"),
		Args:    noArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if f.Provider != "" {
				f.Provider = ident.NormalizeCode(f.Provider)
			}
			st, cal, err := app.queueReader()
			if err != nil {
				return err
			}
			list, err := repair.List(app.Ctx(), st, cal, app.Today(), f, app.Lang)
			if err != nil {
				return err
			}
			// Office staff only (queueReader): names are shown, so they filter too.
			sf := archive.NewSubjectFilter(subject, false)
			list = slices.DeleteFunc(list, func(e repair.Entry) bool { return !sf.Match(e.Subject, e.SubjectName, "") })
			t := &tabular.Table{JSON: list, Columns: append(queueColumns(), tabular.Column{Key: "publicity", Zh: "公示期", En: "Publicity"})}
			for _, e := range list {
				t.Rows = append(t.Rows, append(append([]string{itoa64(e.ID), itoa64(e.Record), e.Item, strings.TrimSpace(e.SubjectName + " " + e.Subject), e.StateLabel},
					standingCells(app, repair.Machine, e.Standing)...), publicityCell(app, e.Publicity)))
			}
			return app.Print(t)
		},
	}
	queueListFlags(c, &f.State, &f.DueSoon, &f.Overdue, &f.Provider, &f.Record, "只列该记录的修复 / only repairs of this record", &subject)
	return c
}

func repairPublicityCmd(app *App) *cobra.Command {
	var on, out string
	c := &cobra.Command{
		Use:   "publicity [--on DATE] [-o FILE]",
		Short: "某日处于公示期的信用修复（公示清单）/ what is under repair publicity on a day (the notice)",
		Long: `列出该日处于公示期的信用修复，供信息提供单位在部门网站公示；自然人的证件号码和姓名按公开范围遮蔽。
Lists the repairs under publicity on the day, for the provider's website; natural persons are masked.`,
		Example: example("credit repair publicity", "credit repair publicity --on 2025-10-09 -o 信用修复公示.xlsx"),
		Args:    noArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			day, err := parseDateFlag("on", on, app.Today())
			if err != nil {
				return err
			}
			// The notice is what the provider publishes (natural persons
			// masked): the viewer role reads it, unlike the queues.
			st, err := app.Store()
			if err != nil {
				return err
			}
			if _, err := app.Require(operator.Viewer); err != nil {
				return err
			}
			list, err := repair.PublicityOn(app.Ctx(), st, day)
			if err != nil {
				return err
			}
			t := &tabular.Table{JSON: list, Title: fmt.Sprintf(app.T("信用修复公示（%s）", "Credit repair publicity (%s)"), day), Columns: []tabular.Column{
				{Key: "repair", Zh: "修复编号", En: "Repair"}, {Key: "subject_name", Zh: "信息主体", En: "Subject"}, {Key: "subject", Zh: "代码", En: "Code"},
				{Key: "item", Zh: "信息项", En: "Item"}, {Key: "record", Zh: "记录", En: "Record"}, {Key: "provider", Zh: "信息提供单位", En: "Provider"},
				{Key: "first_day", Zh: "公示开始", En: "From"}, {Key: "last_day", Zh: "公示截止", En: "To"}}}
			for _, n := range list {
				t.Rows = append(t.Rows, []string{itoa64(n.Repair), n.SubjectName, n.Subject, n.Item, itoa64(n.Record), n.Provider, n.FirstDay.String(), n.LastDay.String()})
			}
			return app.PrintTo(out, t)
		},
	}
	c.Flags().StringVar(&on, "on", "", "日期 YYYY-MM-DD（默认今天）/ the day (default today)")
	c.Flags().StringVarP(&out, "output", "o", "", "写入文件（.xlsx/.csv/.md/.json/.html）/ output file")
	return c
}

func publicityCell(app *App, p *repair.Publicity) string {
	switch {
	case p == nil:
		return ""
	case p.Paused:
		return fmt.Sprintf(app.T("暂停（剩余 %d 个工作日）", "paused (%d working days left)"), *p.Remaining)
	}
	return p.FirstDay.String() + "～" + p.LastDay.String()
}

// printRepairResult prints what a command did: the repair as JSON or one line.
func printRepairResult(app *App, v *repair.View) error {
	if app.JSON() {
		return app.Print(&tabular.Table{JSON: v})
	}
	line := fmt.Sprintf(app.T("信用修复 %d（记录 %d）：%s", "repair %d (record %d): %s"), v.ID, v.Record, v.StateLabel)
	if v.ListEntry != "" {
		line = fmt.Sprintf(app.T("信用修复 %d（名单条目 %s）：%s", "repair %d (list entry %s): %s"), v.ID, v.ListEntry, v.StateLabel)
	}
	if v.Due != nil {
		info := repair.Machine.Deadline(v.Deadline)
		line += fmt.Sprintf(app.T("；%s %s（剩余 %d 个工作日）", "; %s %s (%d working days left)"), app.T(info.Zh, info.En), v.Due, *v.DaysLeft)
	}
	if p := v.Publicity; p != nil && v.State == repair.InPublicity {
		line += fmt.Sprintf(app.T("；公示 %s 至 %s，%s 起可完成修复", "; publicity %s to %s, completion from %s"), p.FirstDay, p.LastDay, p.CompleteFrom)
	}
	if len(v.ReasonText) > 0 {
		line += app.T("；不符合条件：", "; not eligible: ") + strings.Join(v.ReasonText, app.T("；", "; "))
	}
	app.Println(line)
	return nil
}

func printRepair(app *App, v *repair.View) error {
	m := repair.Machine
	kv := &tabular.Table{Columns: []tabular.Column{{Key: "key", Zh: "项目", En: "Field"}, {Key: "value", Zh: "内容", En: "Value"}}}
	add := func(k, val string) {
		if val != "" {
			kv.Rows = append(kv.Rows, []string{k, val})
		}
	}
	add(app.T("信用修复", "Repair"), itoa64(v.ID))
	if v.ListEntry != "" {
		add(app.T("名单条目", "List entry"), v.ListEntry)
	} else {
		add(app.T("记录", "Record"), fmt.Sprintf("%d（%s）", v.Record, v.Item))
	}
	add(app.T("信息主体", "Subject"), strings.TrimSpace(v.Subject+" "+v.SubjectName))
	add(app.T("信息提供单位", "Provider"), v.Provider)
	add(app.T("申请日期", "Applied"), v.AppliedOn.String())
	add(app.T("纠正日期", "Corrected"), v.CorrectedOn.String())
	add(app.T("信用承诺", "Commitment"), v.Commitment)
	add(app.T("证明材料", "Evidence"), v.Evidence)
	if v.Eligible {
		add(app.T("条件审查", "Eligibility"), app.T("符合", "eligible"))
	} else {
		add(app.T("条件审查", "Eligibility"), app.T("不符合：", "not eligible: ")+strings.Join(v.ReasonText, app.T("；", "; ")))
	}
	add(app.T("状态", "State"), m.StateLabel(v.State, app.Lang))
	cells := standingCells(app, m, v.Standing)
	if v.Due != nil {
		add(app.T("当前期限", "Due"), fmt.Sprintf("%s %s（%s %s）", cells[1], cells[0], app.T("剩余工作日", "days left"), cells[2]))
	}
	add(app.T("队列状态", "Status"), cells[3])
	add(app.T("提供单位意见", "Opinion"), v.Opinion)
	if p := v.Publicity; p != nil {
		add(app.T("公示期", "Publicity"), publicityCell(app, p))
		for i, s := range p.Stretches {
			txt := fmt.Sprintf("%s～%s（%d）", s.FirstDay, s.LastDay, s.Days)
			if s.PausedOn != nil {
				txt += fmt.Sprintf(app.T("，%s 暂停，已公示 %d 个工作日", ", paused %s after %d working days"), s.PausedOn, *s.Served)
			}
			add(fmt.Sprintf(app.T("公示第 %d 段", "Stretch %d"), i+1), txt)
		}
		if p.CompleteFrom != nil {
			add(app.T("可完成修复", "Complete from"), p.CompleteFrom.String())
		}
	}
	if err := app.Print(kv); err != nil {
		return err
	}
	printDeadlines(app, v.Deadlines)
	printTimeline(app, m, v.Timeline)
	printNext(app, m, v.Next)
	return nil
}
