package tui

import (
	"context"
	"fmt"
	"strings"

	"charm.land/huh/v2"

	"credit/internal/catalog"
	"credit/internal/objection"
	"credit/internal/queue"
	"credit/internal/store"
)

// The 异议 view: the objection queue (SPEC §D) sorted by deadline → an
// objection's deadlines and timeline → its steps, each through
// internal/objection exactly as `credit objection …` runs them.
func newObjections() *queueScreen {
	q := &queueScreen{mc: objection.Machine, name: "异议"}
	q.list = func(ctx context.Context, m *Model) ([]caseRow, error) {
		es, err := objection.List(ctx, m.svc.Store, m.svc.Cal, m.svc.Today, objection.Filter{}, m.svc.Lang)
		if err != nil {
			return nil, err
		}
		rows := make([]caseRow, len(es))
		for i, e := range es {
			rows[i] = caseRow{ID: e.ID, Record: e.Record, Item: e.Item, Subject: e.Subject, Name: e.SubjectName, State: e.State, StateLabel: e.StateLabel, Standing: e.Standing}
		}
		return rows, nil
	}
	// show reads a case with the steps the engine allows on it now (the
	// menu of a: allowed steps offered, the others dimmed with the rule).
	q.show = func(ctx context.Context, m *Model, id int64) (func(int) []string, queue.State, []queue.Action, error) {
		v, err := objection.Get(ctx, m.svc.Store, m.svc.Cal, m.svc.Today, id, m.svc.Lang)
		if err != nil {
			return nil, "", nil, err
		}
		acts, err := objection.Next(ctx, m.svc.Store, v, m.svc.Op, m.svc.Today)
		return func(w int) []string { return objectionDetail(m, v, w) }, v.State, acts, err
	}
	q.create = func(m *Model) *action { return fileObjection(m, "") }
	q.step = objectionStep
	return q
}

func objectionDetail(m *Model, v *objection.View, w int) []string {
	mc := objection.Machine
	flag := ""
	if v.Flagged {
		flag = "异议中（记录带“异议中”标识，照常公开）"
	}
	head := [][2]string{
		{"异议", fmt.Sprintf("%d", v.ID)},
		{"记录", fmt.Sprintf("%d（%s）", v.Record, v.Item)},
		{"信息主体", strings.TrimSpace(v.Subject + " " + v.SubjectName)},
		{"信息提供单位", v.Provider},
		{"理由", objection.GroundLabel(v.Ground)},
		{"受理渠道", viaLabel(v.Via)},
		{"申请人", v.Applicant},
		{"联系方式", v.Contact},
		{"证明材料", v.Evidence},
		{"异议内容", v.Detail},
		{"收到日期", v.ReceivedOn.String()},
		{"状态", mc.StateLabel(v.State, "zh")},
		{"当前期限", standingText(mc, v.Standing)},
		{"队列状态", statusText(v.Standing)},
		{"记录标识", flag},
		{"核实结果", findingLabel(v.Finding)},
		{"审核决定", v.Decision},
		{"申诉", v.Appeal},
	}
	out := caseDetail(m, mc, head, v.Deadlines, v.Timeline, w)
	for _, ch := range v.Corrections {
		out = append(out, "", m.st.Title.Render(fmt.Sprintf("  %s %s：记录 %d 第 %d 版", ch.On, mc.CommandLabel(ch.Command, "zh"), ch.Record, ch.Rev)))
		out = append(out, receiverLines(m, ch.Receivers, w)...)
	}
	return out
}

func receiverLines(m *Model, rs []store.Receiver, w int) []string {
	if len(rs) == 0 {
		return []string{"  没有信息使用单位取得过原记录，无需重新发送。"}
	}
	var rows [][]string
	for _, r := range rs {
		rows = append(rows, []string{objection.ReceiverLabel(r), objection.ReceivedHow(r, "zh"), localTime(r.LastAt)})
	}
	// One line per unit (第三十二条: the correction goes to each unit once).
	return append([]string{fmt.Sprintf("  以下 %d 个单位取得过原记录，请重新发送：", len(rs))},
		grid(m.st, []string{"信息使用单位", "取得方式与次数（业务日期）", "最近一次"}, rows, w)...)
}

func viaLabel(v string) string {
	switch v {
	case "office":
		return "本机构"
	case "provider":
		return "信息提供单位"
	}
	return v
}

func findingLabel(f string) string {
	switch f {
	case objection.Accurate:
		return "信息无误（accurate）"
	case objection.Inaccurate:
		return "信息有误（inaccurate）"
	}
	return f
}

// objectionResult is the line the command line prints after a step.
func objectionResult(v *objection.View) string {
	line := fmt.Sprintf("异议 %d（记录 %d）：%s", v.ID, v.Record, v.StateLabel)
	if v.Due != nil {
		line += fmt.Sprintf("；%s %s（剩余 %d 个工作日）", objection.Machine.Deadline(v.Deadline).Zh, v.Due, *v.DaysLeft)
	}
	if ch := v.Correction; ch != nil {
		if len(ch.Receivers) == 0 {
			line += "；没有单位取得过原记录，无需重新发送"
		} else {
			var us []string
			for _, r := range ch.Receivers {
				us = append(us, r.Unit)
			}
			line += fmt.Sprintf("；请向 %d 个单位重新发送：%s", len(us), strings.Join(us, "、"))
		}
	}
	return line
}

// fileObjection is `credit objection file`.
func fileObjection(m *Model, record string) *action {
	var applicant, contact, evidence, detail, received string
	ground, via := "wrong", "office"
	received = m.svc.Today.String()
	var f objection.Filing
	a := &action{title: "异议 · 受理异议"}
	a.input = func() *huh.Form {
		grounds := make([]huh.Option[string], len(objection.Grounds))
		for i, g := range objection.Grounds {
			grounds[i] = huh.NewOption(g.Zh+"（"+g.Code+"）", g.Code)
		}
		return huh.NewForm(huh.NewGroup(
			input("记录编号", &record).Validate(idField("记录")),
			huh.NewSelect[string]().Title("异议理由").Options(grounds...).Value(&ground),
			input("申请人", &applicant).Validate(required("申请人")),
			input("联系方式（可空）", &contact),
			input("证明材料（可空）", &evidence),
			input("异议内容（可空）", &detail),
			huh.NewSelect[string]().Title("受理渠道").Options(huh.NewOption("本机构（office）", "office"), huh.NewOption("信息提供单位（provider）", "provider")).Value(&via),
			input("收到日期", &received).Validate(dateField(true)),
		))
	}
	a.prepare = func(ctx context.Context) (string, error) {
		id, _ := parseID(record)
		f = objection.Filing{Record: id, Ground: ground, Applicant: applicant, Contact: contact, Evidence: evidence, Detail: detail, Via: via,
			Received: dateOr(received, m.svc.Today)}
		// Refused here, with the form kept, rather than after the confirmation.
		if err := objection.SameGroundOpen(ctx, m.svc.Store, f.Record, f.Ground); err != nil {
			return "", err
		}
		ds, err := m.deadlinesSet(ctx, objection.Machine, "file", objection.Received, f.Received)
		if err != nil {
			return "", err
		}
		return confirmText([]string{
			fmt.Sprintf("记录 %d，理由：%s", f.Record, objection.GroundLabel(f.Ground)),
			fmt.Sprintf("申请人 %s，%s受理，收到日期 %s", f.Applicant, viaLabel(f.Via), f.Received),
			"受理后记录立即带“异议中”标识，照常公开。",
		}, ds), nil
	}
	a.run = func(ctx context.Context) (string, error) {
		env, err := m.svc.Env(objection.Machine.Role("file"))
		if err != nil {
			return "", err
		}
		v, err := objection.File(ctx, env, f)
		if err != nil {
			return "", err
		}
		a.created = v.ID
		return objectionResult(v), nil
	}
	return a
}

// objectionStep is `credit objection COMMAND ID …`.
func objectionStep(m *Model, id int64, command string) *action {
	mc := objection.Machine
	a := &action{title: fmt.Sprintf("异议 %d · %s", id, mc.CommandLabel(command, "zh"))}
	var note, outcome, finding, sets string
	outcome, finding = "uphold", objection.Inaccurate
	noteField := func(title string, need bool) *huh.Input {
		in := input(title, &note)
		if need {
			in = in.Validate(required(strings.TrimSuffix(title, "（可空）")))
		}
		return in
	}
	upholdOrReject := func(yes, no string) *huh.Select[string] {
		return huh.NewSelect[string]().Title("决定").Options(huh.NewOption(yes+"（--uphold）", "uphold"), huh.NewOption(no+"（--reject）", "reject")).Value(&outcome)
	}
	switch command {
	case "forward":
		a.input = func() *huh.Form {
			return huh.NewForm(huh.NewGroup(noteField("说明（如转交文号，可空）", false)))
		}
	case "verify":
		a.input = func() *huh.Form {
			return huh.NewForm(huh.NewGroup(
				huh.NewSelect[string]().Title("信息提供单位的核实结果").Options(huh.NewOption("信息有误（inaccurate）", objection.Inaccurate), huh.NewOption("信息无误（accurate）", objection.Accurate)).Value(&finding),
				noteField("核实意见", true)))
		}
	case "decide":
		a.input = func() *huh.Form {
			return huh.NewForm(huh.NewGroup(upholdOrReject("异议成立", "驳回"), noteField("理由", true)))
		}
	case "correct":
		// The record's fields with their current values, edited in place;
		// each checked on leaving it by the import's rules for the item
		// (objection.Form: the check Correct makes), the error under the
		// field and what was typed kept.
		var form *objection.CorrectionForm
		var vals []string
		a.load = func(ctx context.Context) error {
			f, err := objection.Form(ctx, m.svc.Store, id, m.svc.Today)
			if err != nil {
				return err
			}
			form, vals = f, make([]string, len(f.Fields))
			for i, fd := range f.Fields {
				vals[i] = fd.Current
			}
			return nil
		}
		a.tall = true
		a.input = func() *huh.Form {
			var fields []huh.Field
			var fixed []string
			typed := func() map[string]string {
				out := map[string]string{}
				for i, fd := range form.Fields {
					out[fd.Name] = vals[i]
				}
				return out
			}
			for i, fd := range form.Fields {
				if !fd.Editable {
					fixed = append(fixed, fd.Name+"："+fd.Current)
					continue
				}
				check := func(string) error {
					if msg, bad := form.Check(typed())[fd.Name]; bad {
						return fmt.Errorf("%s", msg)
					}
					return nil
				}
				if fd.Type == catalog.Enum && len(fd.Choices) > 0 {
					opts := []huh.Option[string]{huh.NewOption("（空）", "")}
					for _, c := range fd.Choices {
						opts = append(opts, huh.NewOption(c, c))
					}
					fields = append(fields, huh.NewSelect[string]().Title(fd.Name).Options(opts...).Value(&vals[i]).Validate(check))
					continue
				}
				fields = append(fields, huh.NewInput().Title(fd.Name+"（"+fieldTypeLabel(fd.Type)+"）").Value(&vals[i]).Validate(check))
			}
			head := huh.NewNote().Title("更正记录内容").Description("在原值上修改；不改的字段保持原样。不能更正（业务主键、主体代码）：" + strings.Join(fixed, "；"))
			return huh.NewForm(huh.NewGroup(append([]huh.Field{head}, fields...)...))
		}
		changedSets := func() string {
			var lines []string
			for i, fd := range form.Fields {
				if fd.Editable && vals[i] != fd.Current {
					lines = append(lines, fd.Name+"="+vals[i])
				}
			}
			return strings.Join(lines, "\n")
		}
		// a.prepare is set below, for every step: wrap it, once set, so that
		// it reads the changed fields as the --set lines.
		defer func() {
			prepare := a.prepare
			a.prepare = func(ctx context.Context) (string, error) {
				sets = changedSets()
				return prepare(ctx)
			}
		}()
	case "appeal":
		a.input = func() *huh.Form { return huh.NewForm(huh.NewGroup(noteField("申诉理由", true))) }
	case "appeal-decide":
		a.input = func() *huh.Form {
			return huh.NewForm(huh.NewGroup(upholdOrReject("申诉成立", "申诉不成立"), noteField("部门意见", true)))
		}
	default: // withdraw, close
		a.input = func() *huh.Form { return huh.NewForm(huh.NewGroup(noteField("说明（可空）", false))) }
	}
	a.prepare = func(ctx context.Context) (string, error) {
		v, err := objection.Get(ctx, m.svc.Store, m.svc.Cal, m.svc.Today, id, m.svc.Lang)
		if err != nil {
			return "", err
		}
		if err := mc.Allow(command, id, v.State, m.svc.Op); err != nil {
			return "", err
		}
		lines := []string{fmt.Sprintf("异议 %d（记录 %d，%s）当前状态：%s", v.ID, v.Record, v.Subject, v.StateLabel)}
		to := onlyOutcome(mc, command)
		switch command {
		case "forward":
			if v.ReviewDue != nil {
				lines = append(lines, fmt.Sprintf("审核期限 %s 不变、不中止。", v.ReviewDue))
			}
		case "verify":
			lines = append(lines, "核实结果："+findingLabel(finding), "核实期限随之完成。")
		case "decide", "appeal-decide":
			to = objection.Rejected
			if command == "appeal-decide" {
				to = objection.AppealDecided
			}
			if outcome == "uphold" {
				to = objection.Upheld
			}
			if command == "decide" && outcome == "reject" {
				lines = append(lines, "记录维持原样。")
			}
		case "correct":
			ps, err := parseSets(sets)
			if err != nil {
				return "", err
			}
			for _, p := range ps {
				lines = append(lines, fmt.Sprintf("更正 %s = %s", p.Field, p.Value))
			}
			lines = append(lines, "原版本保存在记录历史中；之后列出取得过原记录、需要重新发送的单位。")
		case "withdraw":
			lines = append(lines, "记录将不再出现在任何查询范围和报告中（原版本保存在历史中）。")
		}
		ds, err := m.deadlinesSet(ctx, mc, command, to, m.svc.Today)
		if err != nil {
			return "", err
		}
		lines = append(lines[:1:1], append(changeLines(mc, v.State, to), lines[1:]...)...)
		return confirmText(lines, ds), nil
	}
	a.run = func(ctx context.Context) (string, error) {
		env, err := m.svc.Env(mc.Role(command))
		if err != nil {
			return "", err
		}
		var v *objection.View
		switch command {
		case "forward":
			v, err = objection.Forward(ctx, env, id, note)
		case "verify":
			v, err = objection.VerifyFinding(ctx, env, id, finding, note)
		case "decide":
			v, err = objection.Decide(ctx, env, id, outcome == "uphold", note)
		case "correct":
			var ps []objection.Set
			if ps, err = parseSets(sets); err == nil {
				v, err = objection.Correct(ctx, env, id, ps)
			}
		case "withdraw":
			v, err = objection.Withdraw(ctx, env, id, note)
		case "close":
			v, err = objection.Close(ctx, env, id, note)
		case "appeal":
			v, err = objection.Appeal(ctx, env, id, note)
		case "appeal-decide":
			v, err = objection.AppealDecide(ctx, env, id, outcome == "uphold", note)
		default:
			return "", fmt.Errorf("unknown objection step %q", command)
		}
		if err != nil {
			return "", err
		}
		return objectionResult(v), nil
	}
	return a
}

// fieldTypeLabel names a catalog field type for the form.
func fieldTypeLabel(t catalog.FieldType) string {
	switch t {
	case catalog.Date:
		return "日期 YYYY-MM-DD"
	case catalog.Money:
		return "金额"
	case catalog.Number:
		return "数字"
	case catalog.USCC:
		return "统一社会信用代码"
	case catalog.IDNumber:
		return "身份证号码"
	case catalog.PartyCode:
		return "代码"
	}
	return "文字"
}

// parseSets reads the correction lines as repeated --set flags.
func parseSets(s string) ([]objection.Set, error) {
	var out []objection.Set
	for _, line := range strings.Split(s, "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		p, err := objection.ParseSet(strings.TrimSpace(line))
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("请至少写一项 字段=值")
	}
	return out, nil
}

// onlyOutcome is the state command leads to when it has one outcome.
func onlyOutcome(mc *queue.Machine, command string) queue.State {
	if rows := mc.Rows(command); len(rows) == 1 {
		return rows[0].To
	}
	return ""
}
