package tui

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"charm.land/huh/v2"

	"credit/internal/civil"
	"credit/internal/queue"
	"credit/internal/repair"
	"credit/internal/roster"
)

// The 修复 view: the credit repair queue (SPEC §E) → a repair's eligibility,
// deadlines, publicity and timeline → its steps, each through
// internal/repair exactly as `credit repair …` runs them.
func newRepairs() *queueScreen {
	q := &queueScreen{mc: repair.Machine, name: "信用修复", nameEn: "Credit repair", extraName: "公示期", extraEn: "Publicity"}
	q.list = func(ctx context.Context, m *Model) ([]caseRow, error) {
		es, err := repair.List(ctx, m.svc.Store, m.svc.Cal, m.svc.Today, repair.Filter{}, m.svc.Lang)
		if err != nil {
			return nil, err
		}
		rows := make([]caseRow, len(es))
		for i, e := range es {
			rows[i] = caseRow{ID: e.ID, Record: e.Record, Item: e.Item, Subject: e.Subject, Name: e.SubjectName, State: e.State, StateLabel: e.StateLabel,
				Standing: e.Standing, Extra: m.publicityText(e.Publicity, e.State, m.svc.Today)}
		}
		return rows, nil
	}
	// show reads a case with the steps the engine allows on it now (the
	// menu of a: allowed steps offered, the others dimmed with the rule).
	q.show = func(ctx context.Context, m *Model, id int64) (func(int) []string, queue.State, []queue.Action, error) {
		v, err := repair.Get(ctx, m.svc.Store, m.svc.Cal, m.svc.Today, id, m.svc.Lang)
		if err != nil {
			return nil, "", nil, err
		}
		acts, err := repair.Next(ctx, m.svc.Store, v, m.svc.Op, m.svc.Today)
		return func(w int) []string { return repairDetail(m, v, w) }, v.State, acts, err
	}
	q.create = func(m *Model) *action { return applyRepair(m, "") }
	q.step = repairStep
	return q
}

// publicityText is the list's publicity cell: the period, or, once it is
// over and the repair waits to be completed, 可完成 with the key to press.
func (m *Model) publicityText(p *repair.Publicity, state queue.State, today civil.Date) string {
	switch {
	case p == nil:
		return ""
	case p.Paused:
		return m.T(fmt.Sprintf("暂停（剩余 %d 个工作日）", *p.Remaining), fmt.Sprintf("paused (%d working days left)", *p.Remaining))
	case state == repair.InPublicity && p.CompleteFrom != nil && !today.Before(*p.CompleteFrom):
		return m.T("期满，可完成（按 a）", "over: can complete (press a)")
	}
	return p.FirstDay.String() + "～" + p.LastDay.String()
}

func repairDetail(m *Model, v *repair.View, w int) []string {
	mc := repair.Machine
	elig := m.T("符合", "eligible")
	if !v.Eligible {
		elig = m.T("不符合：", "not eligible: ") + m.articles(strings.Join(v.ReasonText, m.T("；", "; ")))
	}
	head := [][2]string{
		{m.T("信用修复", "Credit repair"), fmt.Sprintf("%d", v.ID)},
		{m.T("记录", "Record"), m.repairRecordCell(v)},
		{m.T("信息主体", "Subject"), strings.TrimSpace(v.Subject + " " + v.SubjectName)},
		{m.T("信息提供单位", "Provider"), v.Provider},
		{m.T("申请日期", "Applied on"), v.AppliedOn.String()},
		{m.T("纠正日期", "Corrected on"), v.CorrectedOn.String()},
		{m.T("信用承诺", "Commitment"), v.Commitment},
		{m.T("证明材料", "Evidence"), v.Evidence},
		{m.T("条件审查", "Eligibility"), elig},
		{m.T("状态", "State"), m.stateLabel(mc, v.State)},
		{m.T("当前期限", "Current deadline"), m.standingText(mc, v.Standing)},
		{m.T("队列状态", "Queue status"), m.statusText(v.Standing)},
		{m.T("提供单位意见", "Provider's opinion"), m.opinionLabel(v.Opinion)},
	}
	if p := v.Publicity; p != nil {
		head = append(head, [2]string{m.T("公示期", "Publicity"), m.publicityText(p, v.State, m.svc.Today)})
		for i, s := range p.Stretches {
			t := m.T(fmt.Sprintf("%s～%s（%d 个工作日）", s.FirstDay, s.LastDay, s.Days), fmt.Sprintf("%s to %s (%d working days)", s.FirstDay, s.LastDay, s.Days))
			if s.PausedOn != nil {
				t += m.T(fmt.Sprintf("，%s 暂停，已公示 %d 个工作日", s.PausedOn, *s.Served), fmt.Sprintf(", paused %s after %d working days", s.PausedOn, *s.Served))
			}
			head = append(head, [2]string{m.T(fmt.Sprintf("公示第 %d 段", i+1), fmt.Sprintf("Publicity part %d", i+1)), t})
		}
		if p.CompleteFrom != nil {
			head = append(head, [2]string{m.T("可完成修复", "Can complete"), m.T(p.CompleteFrom.String()+" 起", "from "+p.CompleteFrom.String())})
		}
	}
	return caseDetail(m, mc, head, v.Deadlines, v.Timeline, w)
}

func (m *Model) opinionLabel(o string) string {
	switch o {
	case "approve":
		return m.T("同意修复", "approves the repair")
	case "refuse":
		return m.T("不同意修复", "refuses the repair")
	}
	return o
}

// repairResult is the line the command line prints after a step.
func (m *Model) repairResult(v *repair.View) string {
	line := m.T(fmt.Sprintf("信用修复 %d（%s）：%s", v.ID, m.repairAbout(v), v.StateLabel),
		fmt.Sprintf("Credit repair %d (%s): %s", v.ID, m.repairAbout(v), m.stateLabel(repair.Machine, v.State)))
	if v.Due != nil {
		d := repair.Machine.Deadline(v.Deadline)
		line += m.T(fmt.Sprintf("；%s %s（剩余 %d 个工作日）", d.Zh, v.Due, *v.DaysLeft), fmt.Sprintf("; %s %s (%d working days left)", d.En, v.Due, *v.DaysLeft))
	}
	if p := v.Publicity; p != nil && v.State == repair.InPublicity && p.CompleteFrom != nil {
		line += m.T(fmt.Sprintf("；公示 %s 至 %s，%s 起可完成修复", p.FirstDay, p.LastDay, p.CompleteFrom),
			fmt.Sprintf("; publicity %s to %s, can complete from %s", p.FirstDay, p.LastDay, p.CompleteFrom))
	}
	if len(v.ReasonText) > 0 {
		line += m.T("；不符合条件：", "; not eligible: ") + m.articles(strings.Join(v.ReasonText, m.T("；", "; ")))

	}
	return line
}

// repairAbout names what a repair is about: a record, or a hand-entered
// list entry.
func (m *Model) repairAbout(v *repair.View) string {
	if v.ListEntry != "" {
		return m.T("名单条目 ", "list entry ") + v.ListEntry
	}
	return fmt.Sprintf(m.T("记录 %d", "record %d"), v.Record)
}

func (m *Model) repairRecordCell(v *repair.View) string {
	if v.ListEntry != "" {
		return m.T("名单条目 ", "list entry ") + v.ListEntry
	}
	return m.T(fmt.Sprintf("%d（%s）", v.Record, v.Item), fmt.Sprintf("%d (%s)", v.Record, v.Item))
}

// recordOrEntry accepts a record number or a list entry id (M3, R17).
func (m *Model) recordOrEntry(s string) error {
	t := strings.ToUpper(strings.TrimSpace(s))
	if strings.HasPrefix(t, "M") || strings.HasPrefix(t, "R") {
		if _, _, err := roster.ParseID(t); err != nil {
			return errors.New(m.T(fmt.Sprintf("名单条目编号 %q 无效（如 M3、R17）", strings.TrimSpace(s)),
				fmt.Sprintf("list entry %q is not valid (like M3, R17)", strings.TrimSpace(s))))
		}
		return nil
	}
	return m.idField("记录", "record")(s)
}

// correctedBy refuses, at input, a correction date after the application
// date, as repair.Apply refuses it (SPEC amendments of 2026-12, 第三十四条(一)):
// the behaviour must be corrected when the application says so.
func correctedBy(corrected, applied string, m *Model) error {
	c, err := civil.Parse(strings.TrimSpace(corrected))
	if err != nil {
		return nil // the date field says what is wrong with it
	}
	a := dateOr(applied, m.svc.Today)
	if c.After(a) {
		return errors.New(m.T(fmt.Sprintf("纠正日期 %s 晚于申请日期 %s：申请时应已纠正失信行为（第三十四条(一)）", c, a),
			fmt.Sprintf("corrected on %s is after the application date %s: the behaviour must be corrected when the application is made (article 34(1))", c, a)))
	}
	return nil
}

// both runs two checks of a field, the first failure wins.
func both(a, b func(string) error) func(string) error {
	return func(s string) error {
		if err := a(s); err != nil {
			return err
		}
		return b(s)
	}
}

// applyRepair is `credit repair apply`.
func applyRepair(m *Model, record string) *action {
	var corrected, commitment, evidence, applied string
	applied = m.svc.Today.String()
	var app repair.Application
	a := &action{title: m.T("信用修复 · 受理修复申请", "Credit repair · take an application")}
	a.input = func() *huh.Form {
		return huh.NewForm(huh.NewGroup(
			input(m.T("记录编号（名单条目填 M3、R17）", "Record number (a list entry: M3, R17)"), &record).Validate(m.recordOrEntry),
			input(m.T("纠正失信行为的日期（YYYY-MM-DD）", "Date the behaviour was corrected (YYYY-MM-DD)"), &corrected).Validate(both(m.dateField(false), func(string) error { return correctedBy(corrected, applied, m) })),
			input(m.T("信用承诺书编号", "Credit commitment number"), &commitment),
			input(m.T("证明材料（可空）", "Evidence (optional)"), &evidence),
			input(m.T("申请日期", "Applied on"), &applied).Validate(both(m.dateField(true), func(string) error { return correctedBy(corrected, applied, m) })),
		))
	}
	a.prepare = func(ctx context.Context) (string, error) {
		id, _ := parseID(record)
		about := fmt.Sprintf(m.T("记录 %d", "record %d"), id)
		entry := ""
		if t := strings.ToUpper(strings.TrimSpace(record)); strings.HasPrefix(t, "M") || strings.HasPrefix(t, "R") {
			id, entry, about = 0, t, m.T("名单条目 ", "list entry ")+t
		}
		app = repair.Application{Record: id, Entry: entry, CorrectedOn: dateOr(corrected, m.svc.Today), Commitment: commitment, Evidence: evidence,
			Applied: dateOr(applied, m.svc.Today)}
		ds, err := m.deadlinesSet(ctx, repair.Machine, "apply", repair.Applied, app.Applied)
		if err != nil {
			return "", err
		}
		if m.en() {
			return m.confirmText([]string{
				fmt.Sprintf("%s, corrected on %s, commitment %s, applied on %s", about, app.CorrectedOn, m.orNone(app.Commitment), app.Applied),
				"Taking it checks only article 34's formal conditions: a year since the correction, no adverse act of the kind since, a written commitment;",
				"the provider's written opinion judges the correction and the commitment.",
				"Not taken while an objection or repair is open (office rule, serving article 32, article 35).",
				"An application that fails is registered as “not repaired” with every reason.",
			}, ds), nil
		}
		return m.confirmText([]string{
			fmt.Sprintf("%s，纠正日期 %s，信用承诺 %s，申请日期 %s", about, app.CorrectedOn, m.orNone(app.Commitment), app.Applied),
			"受理时只审查第三十四条的形式条件：自纠正之日起满 1 年、其间无同类失信行为、有书面承诺；",
			"纠正成效和承诺内容由信息提供单位在书面意见中判断。",
			"有未办结的异议或修复时不予受理（本办公室规则，服务第三十二条、第三十五条）。",
			"不符合的申请登记为“不予修复”并列出全部原因。",
		}, ds), nil
	}
	a.run = func(ctx context.Context) (string, error) {
		env, err := m.svc.Env(repair.Machine.Role("apply"))
		if err != nil {
			return "", err
		}
		v, err := repair.Apply(ctx, env, app)
		if v != nil {
			a.created = v.ID
		}
		return m.resultOr(v, err)
	}
	return a
}

func (m *Model) orNone(s string) string {
	if strings.TrimSpace(s) == "" {
		return m.T("（无）", "(none)")
	}
	return s
}

// resultOr reports a step: an ineligible application is stored (v) and
// refused (err): the refusal names every reason.
func (m *Model) resultOr(v *repair.View, err error) (string, error) {
	if err != nil {
		return "", err
	}
	return m.repairResult(v), nil
}

// repairStep is `credit repair COMMAND ID …`.
func repairStep(m *Model, id int64, command string) *action {
	mc := repair.Machine
	a := &action{title: m.T(fmt.Sprintf("信用修复 %d · %s", id, mc.CommandLabel(command, "zh")), fmt.Sprintf("Credit repair %d · %s", id, mc.CommandLabel(command, "en")))}
	var note, outcome string
	noteField := func(zh, en string, need bool) *huh.Input {
		in := input(m.T(zh, en), &note)
		if need {
			in = in.Validate(m.required(m.T(strings.TrimSuffix(zh, "（可空）"), strings.ToLower(en[:1])+en[1:])))
		}
		return in
	}
	switch command {
	case "opinion":
		outcome = "approve"
		a.input = func() *huh.Form {
			return huh.NewForm(huh.NewGroup(
				huh.NewSelect[string]().Title(m.T("信息提供单位的书面意见", "The provider's written opinion")).Options(huh.NewOption(m.T("同意修复（--approve）", "Approves the repair (--approve)"), "approve"), huh.NewOption(m.T("不同意修复（--refuse）", "Refuses the repair (--refuse)"), "refuse")).Value(&outcome),
				noteField("意见内容", "Opinion", true)))
		}
	case "object":
		a.input = func() *huh.Form {
			return huh.NewForm(huh.NewGroup(noteField("公示期间收到的异议内容", "The objection received during publicity", true)))
		}
	case "verify":
		outcome = "dismiss"
		a.input = func() *huh.Form {
			return huh.NewForm(huh.NewGroup(
				huh.NewSelect[string]().Title(m.T("核实结论", "Conclusion")).Options(huh.NewOption(m.T("异议不成立，继续公示（--dismiss）", "Objection dismissed, publicity goes on (--dismiss)"), "dismiss"), huh.NewOption(m.T("异议成立，不予修复（--uphold-objection）", "Objection upheld, not repaired (--uphold-objection)"), "uphold")).Value(&outcome),
				noteField("核实意见", "Verification opinion", true)))
		}
	case "publicize":
		a.input = func() *huh.Form {
			return huh.NewForm(huh.NewGroup(noteField("说明（如公示网址，可空）", "Note (e.g. where it is published, optional)", false)))
		}
	default: // complete, withdraw
		a.input = func() *huh.Form {
			return huh.NewForm(huh.NewGroup(noteField("说明（可空）", "Note (optional)", false)))
		}
	}
	a.prepare = func(ctx context.Context) (string, error) {
		v, err := repair.Get(ctx, m.svc.Store, m.svc.Cal, m.svc.Today, id, m.svc.Lang)
		if err != nil {
			return "", err
		}
		if err := mc.Allow(command, id, v.State, m.svc.Op); err != nil {
			return "", err
		}
		today := m.svc.Today
		lines := []string{m.T(fmt.Sprintf("信用修复 %d（%s，%s）当前状态：%s", v.ID, m.repairAbout(v), v.Subject, v.StateLabel),
			fmt.Sprintf("Credit repair %d (%s, %s), state now: %s", v.ID, m.repairAbout(v), v.Subject, m.stateLabel(mc, v.State)))}
		to := onlyOutcome(mc, command)
		// withChange puts what the step changes under the first line.
		withChange := func(lines []string) []string {
			return append(lines[:1:1], append(m.changeLines(mc, v.State, to), lines[1:]...)...)
		}
		switch command {
		case "opinion":
			to = repair.Refused
			if outcome == "approve" {
				to = repair.Approved
			}
		case "publicize":
			// The period repair.Publicize will store: the policy in force
			// today gives the working days, the calendar the two ends.
			cat, _, err := m.svc.Store.CatalogInForce(ctx, today)
			if err != nil {
				return "", err
			}
			n := cat.Policy.Workdays.RepairPublicity
			first, last, err := m.svc.Cal.Publicity(today, n)
			if err != nil {
				return "", err
			}
			return m.confirmText(withChange(lines), []string{m.T(fmt.Sprintf("公示期：%s 至 %s（%d 个工作日），%s 起可完成修复", first, last, n, last.AddDays(1)),
				fmt.Sprintf("Publicity: %s to %s (%d working days); can complete from %s", first, last, n, last.AddDays(1)))}), nil
		case "object":
			lines = append(lines, m.T("公示暂停：今天之前已满的工作日计入公示。", "Publicity pauses: the working days served before today count."))
		case "verify":
			to = repair.Refused
			if outcome == "dismiss" {
				to = repair.InPublicity
				if p := v.Publicity; p != nil && p.Remaining != nil {
					first, last, err := m.svc.Cal.Publicity(today, *p.Remaining)
					if err != nil {
						return "", err
					}
					return m.confirmText(withChange(append(lines, m.T("异议不成立：按剩余工作日继续公示，不重新起算。", "Objection dismissed: publicity goes on for the working days left, not from the start."))),
						[]string{m.T(fmt.Sprintf("继续公示：%s 至 %s（剩余 %d 个工作日）", first, last, *p.Remaining),
							fmt.Sprintf("Publicity goes on: %s to %s (%d working days left)", first, last, *p.Remaining))}), nil
				}
			}
		case "complete":
			if p := v.Publicity; p != nil && p.CompleteFrom != nil {
				lines = append(lines, m.T(fmt.Sprintf("公示期 %s 至 %s，%s 起可完成修复。", p.FirstDay, p.LastDay, p.CompleteFrom),
					fmt.Sprintf("Publicity %s to %s; can complete from %s.", p.FirstDay, p.LastDay, p.CompleteFrom)))
			}
			lines = append(lines, m.T("完成后记录状态改为“已修复”：只在工作机构内部范围可见，不再用于审查和惩戒。",
				"Once completed the record is “repaired”: seen in the office scope only, no longer used in checks or sanctions."))
		}
		ds, err := m.deadlinesSet(ctx, mc, command, to, today)
		if err != nil {
			return "", err
		}
		return m.confirmText(withChange(lines), ds), nil
	}
	a.run = func(ctx context.Context) (string, error) {
		env, err := m.svc.Env(mc.Role(command))
		if err != nil {
			return "", err
		}
		switch command {
		case "opinion":
			return m.resultOr(repair.Opinion(ctx, env, id, outcome == "approve", note))
		case "publicize":
			return m.resultOr(repair.Publicize(ctx, env, id, note))
		case "object":
			return m.resultOr(repair.Object(ctx, env, id, note))
		case "verify":
			return m.resultOr(repair.Verify(ctx, env, id, outcome == "uphold", note))
		case "complete":
			return m.resultOr(repair.Complete(ctx, env, id, note))
		case "withdraw":
			return m.resultOr(repair.Withdraw(ctx, env, id, note))

		}
		return "", fmt.Errorf("unknown repair step %q", command)
	}
	return a
}
