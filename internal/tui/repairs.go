package tui

import (
	"context"
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
	q := &queueScreen{mc: repair.Machine, name: "信用修复", extraName: "公示期"}
	q.list = func(ctx context.Context, m *Model) ([]caseRow, error) {
		es, err := repair.List(ctx, m.svc.Store, m.svc.Cal, m.svc.Today, repair.Filter{}, m.svc.Lang)
		if err != nil {
			return nil, err
		}
		rows := make([]caseRow, len(es))
		for i, e := range es {
			rows[i] = caseRow{ID: e.ID, Record: e.Record, Item: e.Item, Subject: e.Subject, Name: e.SubjectName, State: e.State, StateLabel: e.StateLabel,
				Standing: e.Standing, Extra: publicityText(e.Publicity, e.State, m.svc.Today)}
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
func publicityText(p *repair.Publicity, state queue.State, today civil.Date) string {
	switch {
	case p == nil:
		return ""
	case p.Paused:
		return fmt.Sprintf("暂停（剩余 %d 个工作日）", *p.Remaining)
	case state == repair.InPublicity && p.CompleteFrom != nil && !today.Before(*p.CompleteFrom):
		return "期满，可完成（按 a）"
	}
	return p.FirstDay.String() + "～" + p.LastDay.String()
}

func repairDetail(m *Model, v *repair.View, w int) []string {
	mc := repair.Machine
	elig := "符合"
	if !v.Eligible {
		elig = "不符合：" + strings.Join(v.ReasonText, "；")
	}
	head := [][2]string{
		{"信用修复", fmt.Sprintf("%d", v.ID)},
		{"记录", repairRecordCell(v)},
		{"信息主体", strings.TrimSpace(v.Subject + " " + v.SubjectName)},
		{"信息提供单位", v.Provider},
		{"申请日期", v.AppliedOn.String()},
		{"纠正日期", v.CorrectedOn.String()},
		{"信用承诺", v.Commitment},
		{"证明材料", v.Evidence},
		{"条件审查", elig},
		{"状态", mc.StateLabel(v.State, "zh")},
		{"当前期限", standingText(mc, v.Standing)},
		{"队列状态", statusText(v.Standing)},
		{"提供单位意见", opinionLabel(v.Opinion)},
	}
	if p := v.Publicity; p != nil {
		head = append(head, [2]string{"公示期", publicityText(p, v.State, m.svc.Today)})
		for i, s := range p.Stretches {
			t := fmt.Sprintf("%s～%s（%d 个工作日）", s.FirstDay, s.LastDay, s.Days)
			if s.PausedOn != nil {
				t += fmt.Sprintf("，%s 暂停，已公示 %d 个工作日", s.PausedOn, *s.Served)
			}
			head = append(head, [2]string{fmt.Sprintf("公示第 %d 段", i+1), t})
		}
		if p.CompleteFrom != nil {
			head = append(head, [2]string{"可完成修复", p.CompleteFrom.String() + " 起"})
		}
	}
	return caseDetail(m, mc, head, v.Deadlines, v.Timeline, w)
}

func opinionLabel(o string) string {
	switch o {
	case "approve":
		return "同意修复"
	case "refuse":
		return "不同意修复"
	}
	return o
}

// repairResult is the line the command line prints after a step.
func repairResult(v *repair.View) string {
	line := fmt.Sprintf("信用修复 %d（%s）：%s", v.ID, repairAbout(v), v.StateLabel)
	if v.Due != nil {
		line += fmt.Sprintf("；%s %s（剩余 %d 个工作日）", repair.Machine.Deadline(v.Deadline).Zh, v.Due, *v.DaysLeft)
	}
	if p := v.Publicity; p != nil && v.State == repair.InPublicity && p.CompleteFrom != nil {
		line += fmt.Sprintf("；公示 %s 至 %s，%s 起可完成修复", p.FirstDay, p.LastDay, p.CompleteFrom)
	}
	if len(v.ReasonText) > 0 {
		line += "；不符合条件：" + strings.Join(v.ReasonText, "；")
	}
	return line
}

// repairAbout names what a repair is about: a record, or a hand-entered
// list entry.
func repairAbout(v *repair.View) string {
	if v.ListEntry != "" {
		return "名单条目 " + v.ListEntry
	}
	return fmt.Sprintf("记录 %d", v.Record)
}

func repairRecordCell(v *repair.View) string {
	if v.ListEntry != "" {
		return "名单条目 " + v.ListEntry
	}
	return fmt.Sprintf("%d（%s）", v.Record, v.Item)
}

// recordOrEntry accepts a record number or a list entry id (M3, R17).
func recordOrEntry(s string) error {
	t := strings.ToUpper(strings.TrimSpace(s))
	if strings.HasPrefix(t, "M") || strings.HasPrefix(t, "R") {
		if _, _, err := roster.ParseID(t); err != nil {
			return fmt.Errorf("名单条目编号 %q 无效（如 M3、R17）", strings.TrimSpace(s))
		}
		return nil
	}
	return idField("记录")(s)
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
		return fmt.Errorf("纠正日期 %s 晚于申请日期 %s：申请时应已纠正失信行为（第三十四条(一)）", c, a)
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
	a := &action{title: "信用修复 · 受理修复申请"}
	a.input = func() *huh.Form {
		return huh.NewForm(huh.NewGroup(
			input("记录编号（名单条目填 M3、R17）", &record).Validate(recordOrEntry),
			input("纠正失信行为的日期（YYYY-MM-DD）", &corrected).Validate(both(dateField(false), func(string) error { return correctedBy(corrected, applied, m) })),
			input("信用承诺书编号", &commitment),
			input("证明材料（可空）", &evidence),
			input("申请日期", &applied).Validate(both(dateField(true), func(string) error { return correctedBy(corrected, applied, m) })),
		))
	}
	a.prepare = func(ctx context.Context) (string, error) {
		id, _ := parseID(record)
		about := fmt.Sprintf("记录 %d", id)
		entry := ""
		if t := strings.ToUpper(strings.TrimSpace(record)); strings.HasPrefix(t, "M") || strings.HasPrefix(t, "R") {
			id, entry, about = 0, t, "名单条目 "+t
		}
		app = repair.Application{Record: id, Entry: entry, CorrectedOn: dateOr(corrected, m.svc.Today), Commitment: commitment, Evidence: evidence,
			Applied: dateOr(applied, m.svc.Today)}
		ds, err := m.deadlinesSet(ctx, repair.Machine, "apply", repair.Applied, app.Applied)
		if err != nil {
			return "", err
		}
		return confirmText([]string{
			fmt.Sprintf("%s，纠正日期 %s，信用承诺 %s，申请日期 %s", about, app.CorrectedOn, orNone(app.Commitment), app.Applied),
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
		return resultOr(v, err)
	}
	return a
}

func orNone(s string) string {
	if strings.TrimSpace(s) == "" {
		return "（无）"
	}
	return s
}

// resultOr reports a step: an ineligible application is stored (v) and
// refused (err): the refusal names every reason.
func resultOr(v *repair.View, err error) (string, error) {
	if err != nil {
		return "", err
	}
	return repairResult(v), nil
}

// repairStep is `credit repair COMMAND ID …`.
func repairStep(m *Model, id int64, command string) *action {
	mc := repair.Machine
	a := &action{title: fmt.Sprintf("信用修复 %d · %s", id, mc.CommandLabel(command, "zh"))}
	var note, outcome string
	noteField := func(title string, need bool) *huh.Input {
		in := input(title, &note)
		if need {
			in = in.Validate(required(strings.TrimSuffix(title, "（可空）")))
		}
		return in
	}
	switch command {
	case "opinion":
		outcome = "approve"
		a.input = func() *huh.Form {
			return huh.NewForm(huh.NewGroup(
				huh.NewSelect[string]().Title("信息提供单位的书面意见").Options(huh.NewOption("同意修复（--approve）", "approve"), huh.NewOption("不同意修复（--refuse）", "refuse")).Value(&outcome),
				noteField("意见内容", true)))
		}
	case "object":
		a.input = func() *huh.Form {
			return huh.NewForm(huh.NewGroup(noteField("公示期间收到的异议内容", true)))
		}
	case "verify":
		outcome = "dismiss"
		a.input = func() *huh.Form {
			return huh.NewForm(huh.NewGroup(
				huh.NewSelect[string]().Title("核实结论").Options(huh.NewOption("异议不成立，继续公示（--dismiss）", "dismiss"), huh.NewOption("异议成立，不予修复（--uphold-objection）", "uphold")).Value(&outcome),
				noteField("核实意见", true)))
		}
	case "publicize":
		a.input = func() *huh.Form {
			return huh.NewForm(huh.NewGroup(noteField("说明（如公示网址，可空）", false)))
		}
	default: // complete, withdraw
		a.input = func() *huh.Form { return huh.NewForm(huh.NewGroup(noteField("说明（可空）", false))) }
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
		lines := []string{fmt.Sprintf("信用修复 %d（%s，%s）当前状态：%s", v.ID, repairAbout(v), v.Subject, v.StateLabel)}
		to := onlyOutcome(mc, command)
		// withChange puts what the step changes under the first line.
		withChange := func(lines []string) []string {
			return append(lines[:1:1], append(changeLines(mc, v.State, to), lines[1:]...)...)
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
			return confirmText(withChange(lines), []string{fmt.Sprintf("公示期：%s 至 %s（%d 个工作日），%s 起可完成修复", first, last, n, last.AddDays(1))}), nil
		case "object":
			lines = append(lines, "公示暂停：今天之前已满的工作日计入公示。")
		case "verify":
			to = repair.Refused
			if outcome == "dismiss" {
				to = repair.InPublicity
				if p := v.Publicity; p != nil && p.Remaining != nil {
					first, last, err := m.svc.Cal.Publicity(today, *p.Remaining)
					if err != nil {
						return "", err
					}
					return confirmText(withChange(append(lines, "异议不成立：按剩余工作日继续公示，不重新起算。")),
						[]string{fmt.Sprintf("继续公示：%s 至 %s（剩余 %d 个工作日）", first, last, *p.Remaining)}), nil
				}
			}
		case "complete":
			if p := v.Publicity; p != nil && p.CompleteFrom != nil {
				lines = append(lines, fmt.Sprintf("公示期 %s 至 %s，%s 起可完成修复。", p.FirstDay, p.LastDay, p.CompleteFrom))
			}
			lines = append(lines, "完成后记录状态改为“已修复”：只在工作机构内部范围可见，不再用于审查和惩戒。")
		}
		ds, err := m.deadlinesSet(ctx, mc, command, to, today)
		if err != nil {
			return "", err
		}
		return confirmText(withChange(lines), ds), nil
	}
	a.run = func(ctx context.Context) (string, error) {
		env, err := m.svc.Env(mc.Role(command))
		if err != nil {
			return "", err
		}
		switch command {
		case "opinion":
			return resultOr(repair.Opinion(ctx, env, id, outcome == "approve", note))
		case "publicize":
			return resultOr(repair.Publicize(ctx, env, id, note))
		case "object":
			return resultOr(repair.Object(ctx, env, id, note))
		case "verify":
			return resultOr(repair.Verify(ctx, env, id, outcome == "uphold", note))
		case "complete":
			return resultOr(repair.Complete(ctx, env, id, note))
		case "withdraw":
			return resultOr(repair.Withdraw(ctx, env, id, note))
		}
		return "", fmt.Errorf("unknown repair step %q", command)
	}
	return a
}
