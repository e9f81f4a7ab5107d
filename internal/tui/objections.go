package tui

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"charm.land/huh/v2"

	"credit/internal/apperr"
	"credit/internal/catalog"
	"credit/internal/objection"
	"credit/internal/queue"
	"credit/internal/store"
)

// The 异议 view: the objection queue (SPEC §D) sorted by deadline → an
// objection's deadlines and timeline → its steps, each through
// internal/objection exactly as `credit objection …` runs them.
func newObjections() *queueScreen {
	q := &queueScreen{mc: objection.Machine, name: "异议", nameEn: "Objection"}
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
		flag = m.T("异议中（记录带“异议中”标识，照常公开）", "under objection (the record is flagged and stays public)")
	}
	head := [][2]string{
		{m.T("异议", "Objection"), fmt.Sprintf("%d", v.ID)},
		{m.T("记录", "Record"), m.T(fmt.Sprintf("%d（%s）", v.Record, v.Item), fmt.Sprintf("%d (%s)", v.Record, v.Item))},
		{m.T("信息主体", "Subject"), strings.TrimSpace(v.Subject + " " + v.SubjectName)},
		{m.T("信息提供单位", "Provider"), v.Provider},
		{m.T("理由", "Ground"), m.groundLabel(v.Ground)},
		{m.T("受理渠道", "Filed via"), m.viaLabel(v.Via)},
		{m.T("申请人", "Applicant"), v.Applicant},
		{m.T("联系方式", "Contact"), v.Contact},
		{m.T("证明材料", "Evidence"), v.Evidence},
		{m.T("异议内容", "Details"), v.Detail},
		{m.T("收到日期", "Received on"), v.ReceivedOn.String()},
		{m.T("状态", "State"), m.stateLabel(mc, v.State)},
		{m.T("当前期限", "Current deadline"), m.standingText(mc, v.Standing)},
		{m.T("队列状态", "Queue status"), m.statusText(v.Standing)},
		{m.T("记录标识", "Record flag"), flag},
		{m.T("核实结果", "Finding"), m.findingLabel(v.Finding)},
		{m.T("审核决定", "Decision"), v.Decision},
		{m.T("申诉", "Appeal"), v.Appeal},
	}
	out := caseDetail(m, mc, head, v.Deadlines, v.Timeline, w)
	for _, ch := range v.Corrections {
		out = append(out, "", m.st.Title.Render(m.T(fmt.Sprintf("  %s %s：记录 %d 第 %d 版", ch.On, mc.CommandLabel(ch.Command, "zh"), ch.Record, ch.Rev),
			fmt.Sprintf("  %s %s: record %d revision %d", ch.On, mc.CommandLabel(ch.Command, "en"), ch.Record, ch.Rev))))
		out = append(out, receiverLines(m, ch.Receivers, w)...)
	}
	return out
}

func receiverLines(m *Model, rs []store.Receiver, w int) []string {
	if len(rs) == 0 {
		return []string{m.T("  没有信息使用单位取得过原记录，无需重新发送。", "  No user unit received the former record: nothing to send again.")}
	}
	var rows [][]string
	for _, r := range rs {
		rows = append(rows, []string{objection.ReceiverLabel(r), objection.ReceivedHow(r, m.svc.Lang), localTime(r.LastAt)})
	}
	// One line per unit (第三十二条: the correction goes to each unit once).
	return append([]string{m.T(fmt.Sprintf("  以下 %d 个单位取得过原记录，请重新发送：", len(rs)),
		fmt.Sprintf("  These %d units received the former record: send it to them again:", len(rs)))},
		grid(m.st, []string{m.T("信息使用单位", "User unit"), m.T("取得方式与次数（业务日期）", "How and how often (office date)"), m.T("最近一次", "Last")}, rows, w)...)
}

func (m *Model) viaLabel(v string) string {
	switch v {
	case "office":
		return m.T("本机构", "this office")
	case "provider":
		return m.T("信息提供单位", "the provider")
	}
	return v
}

func (m *Model) findingLabel(f string) string {
	switch f {
	case objection.Accurate:
		return m.T("信息无误（accurate）", "the record is accurate (accurate)")
	case objection.Inaccurate:
		return m.T("信息有误（inaccurate）", "the record is wrong (inaccurate)")
	}
	return f
}

// groundEn are the objection grounds of 第三十一条 in English.
var groundEn = map[string]string{
	"wrong":      "inconsistent with the facts, a wrong or missing entry",
	"prohibited": "information article 14 forbids collecting",
	"expired":    "adverse information used past its term",
}

// groundLabel is an objection ground in the clerk's language.
func (m *Model) groundLabel(code string) string {
	if m.en() {
		if l, ok := groundEn[code]; ok {
			return l
		}
		return code
	}
	return objection.GroundLabel(code)
}

// objectionResult is the line the command line prints after a step.
func (m *Model) objectionResult(v *objection.View) string {
	line := m.T(fmt.Sprintf("异议 %d（记录 %d）：%s", v.ID, v.Record, v.StateLabel),
		fmt.Sprintf("Objection %d (record %d): %s", v.ID, v.Record, m.stateLabel(objection.Machine, v.State)))
	if v.Due != nil {
		d := objection.Machine.Deadline(v.Deadline)
		line += m.T(fmt.Sprintf("；%s %s（剩余 %d 个工作日）", d.Zh, v.Due, *v.DaysLeft),
			fmt.Sprintf("; %s %s (%d working days left)", d.En, v.Due, *v.DaysLeft))
	}
	if ch := v.Correction; ch != nil {
		if len(ch.Receivers) == 0 {
			line += m.T("；没有单位取得过原记录，无需重新发送", "; no unit received the former record: nothing to send again")
		} else {
			var us []string
			for _, r := range ch.Receivers {
				us = append(us, r.Unit)
			}
			line += m.T(fmt.Sprintf("；请向 %d 个单位重新发送：%s", len(us), strings.Join(us, "、")),
				fmt.Sprintf("; send it again to %d units: %s", len(us), strings.Join(us, ", ")))
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
	a := &action{title: m.T("异议 · 受理异议", "Objection · file an objection")}
	a.input = func() *huh.Form {
		grounds := make([]huh.Option[string], len(objection.Grounds))
		for i, g := range objection.Grounds {
			grounds[i] = huh.NewOption(m.T(g.Zh+"（"+g.Code+"）", groundEn[g.Code]+" ("+g.Code+")"), g.Code)
		}
		return huh.NewForm(huh.NewGroup(
			input(m.T("记录编号", "Record number"), &record).Validate(m.idField("记录", "record")),
			huh.NewSelect[string]().Title(m.T("异议理由", "Ground")).Options(grounds...).Value(&ground),
			input(m.T("申请人", "Applicant"), &applicant).Validate(m.required(m.T("申请人", "the applicant"))),
			input(m.T("联系方式（可空）", "Contact (optional)"), &contact),
			input(m.T("证明材料（可空）", "Evidence (optional)"), &evidence),
			input(m.T("异议内容（可空）", "Details (optional)"), &detail),
			huh.NewSelect[string]().Title(m.T("受理渠道", "Filed via")).Options(huh.NewOption(m.viaLabel("office"), "office"), huh.NewOption(m.viaLabel("provider"), "provider")).Value(&via),
			input(m.T("收到日期", "Received on"), &received).Validate(m.dateField(true)),
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
		if m.en() {
			return m.confirmText([]string{
				fmt.Sprintf("Record %d, ground: %s", f.Record, m.groundLabel(f.Ground)),
				fmt.Sprintf("Applicant %s, filed with %s, received on %s", f.Applicant, m.viaLabel(f.Via), f.Received),
				"Once filed, the record is flagged “under objection” at once and stays public.",
			}, ds), nil
		}
		return m.confirmText([]string{
			fmt.Sprintf("记录 %d，理由：%s", f.Record, objection.GroundLabel(f.Ground)),
			fmt.Sprintf("申请人 %s，%s受理，收到日期 %s", f.Applicant, m.viaLabel(f.Via), f.Received),
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
		return m.objectionResult(v), nil
	}
	return a
}

// objectionStep is `credit objection COMMAND ID …`.
func objectionStep(m *Model, id int64, command string) *action {
	mc := objection.Machine
	a := &action{title: m.T(fmt.Sprintf("异议 %d · %s", id, mc.CommandLabel(command, "zh")), fmt.Sprintf("Objection %d · %s", id, mc.CommandLabel(command, "en")))}
	var note, outcome, finding, sets string
	outcome, finding = "uphold", objection.Inaccurate
	// noteField is the step's note; zh and en are its title, need makes it
	// required.
	noteField := func(zh, en string, need bool) *huh.Input {
		in := input(m.T(zh, en), &note)
		if need {
			in = in.Validate(m.required(m.T(strings.TrimSuffix(zh, "（可空）"), strings.ToLower(en[:1])+en[1:])))
		}
		return in
	}
	upholdOrReject := func(yes, no string) *huh.Select[string] {
		return huh.NewSelect[string]().Title(m.T("决定", "Decision")).Options(huh.NewOption(yes+m.T("（--uphold）", " (--uphold)"), "uphold"), huh.NewOption(no+m.T("（--reject）", " (--reject)"), "reject")).Value(&outcome)
	}
	switch command {
	case "forward":
		a.input = func() *huh.Form {
			return huh.NewForm(huh.NewGroup(noteField("说明（如转交文号，可空）", "Note (e.g. the referral's number, optional)", false)))
		}
	case "verify":
		a.input = func() *huh.Form {
			return huh.NewForm(huh.NewGroup(
				huh.NewSelect[string]().Title(m.T("信息提供单位的核实结果", "The provider's finding")).Options(huh.NewOption(m.findingLabel(objection.Inaccurate), objection.Inaccurate), huh.NewOption(m.findingLabel(objection.Accurate), objection.Accurate)).Value(&finding),
				noteField("核实意见", "Verification opinion", true)))
		}
	case "decide":
		a.input = func() *huh.Form {
			return huh.NewForm(huh.NewGroup(upholdOrReject(m.T("异议成立", "Uphold the objection"), m.T("驳回", "Reject it")), noteField("理由", "Reasons", true)))
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
					fixed = append(fixed, fd.Name+m.T("：", ": ")+fd.Current)
					continue
				}
				check := func(string) error {
					if msg, bad := form.Check(typed())[fd.Name]; bad {
						return errors.New(m.checkMessage(msg))
					}

					return nil
				}
				if fd.Type == catalog.Enum && len(fd.Choices) > 0 {
					opts := []huh.Option[string]{huh.NewOption(m.T("（空）", "(empty)"), "")}
					for _, c := range fd.Choices {
						opts = append(opts, huh.NewOption(c, c))
					}
					fields = append(fields, huh.NewSelect[string]().Title(fd.Name).Options(opts...).Value(&vals[i]).Validate(check))
					continue
				}
				fields = append(fields, huh.NewInput().Title(fd.Name+m.T("（"+fieldTypeLabel(fd.Type, "zh")+"）", " ("+fieldTypeLabel(fd.Type, "en")+")")).Value(&vals[i]).Validate(check))
			}
			head := huh.NewNote().Title(m.T("更正记录内容", "Correct the record")).Description(m.T("在原值上修改；不改的字段保持原样。不能更正（业务主键、主体代码）：", "Edit the values in place; fields left alone stay as they are. Not correctable (business key, subject code): ") + strings.Join(fixed, m.T("；", "; ")))
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
		a.input = func() *huh.Form {
			return huh.NewForm(huh.NewGroup(noteField("申诉理由", "Grounds of appeal", true)))
		}
	case "appeal-decide":
		a.input = func() *huh.Form {
			return huh.NewForm(huh.NewGroup(upholdOrReject(m.T("申诉成立", "Appeal upheld"), m.T("申诉不成立", "Appeal dismissed")), noteField("部门意见", "The department's opinion", true)))
		}
	default: // withdraw, close
		a.input = func() *huh.Form {
			return huh.NewForm(huh.NewGroup(noteField("说明（可空）", "Note (optional)", false)))
		}
	}
	a.prepare = func(ctx context.Context) (string, error) {
		v, err := objection.Get(ctx, m.svc.Store, m.svc.Cal, m.svc.Today, id, m.svc.Lang)
		if err != nil {
			return "", err
		}
		if err := mc.Allow(command, id, v.State, m.svc.Op); err != nil {
			return "", err
		}
		lines := []string{m.T(fmt.Sprintf("异议 %d（记录 %d，%s）当前状态：%s", v.ID, v.Record, v.Subject, v.StateLabel),
			fmt.Sprintf("Objection %d (record %d, %s), state now: %s", v.ID, v.Record, v.Subject, m.stateLabel(mc, v.State)))}
		to := onlyOutcome(mc, command)
		switch command {
		case "forward":
			if v.ReviewDue != nil {
				lines = append(lines, m.T(fmt.Sprintf("审核期限 %s 不变、不中止。", v.ReviewDue), fmt.Sprintf("The review deadline %s stays as it is and does not stop.", v.ReviewDue)))
			}
		case "verify":
			lines = append(lines, m.T("核实结果：", "Finding: ")+m.findingLabel(finding), m.T("核实期限随之完成。", "The verification deadline is met with it."))
		case "decide", "appeal-decide":
			to = objection.Rejected
			if command == "appeal-decide" {
				to = objection.AppealDecided
			}
			if outcome == "uphold" {
				to = objection.Upheld
			}
			if command == "decide" && outcome == "reject" {
				lines = append(lines, m.T("记录维持原样。", "The record stays as it is."))
			}
		case "correct":
			ps, err := parseSets(sets)
			if err != nil {
				return "", err
			}
			for _, p := range ps {
				lines = append(lines, m.T(fmt.Sprintf("更正 %s = %s", p.Field, p.Value), fmt.Sprintf("Correct %s = %s", p.Field, p.Value)))
			}
			lines = append(lines, m.T("原版本保存在记录历史中；之后列出取得过原记录、需要重新发送的单位。",
				"The former revision stays in the record's history; the units that received it, and must be sent the correction, are listed afterwards."))
		case "withdraw":
			lines = append(lines, m.T("记录将不再出现在任何查询范围和报告中（原版本保存在历史中）。",
				"The record will no longer appear in any scope or report (the former revision stays in its history)."))
		}
		ds, err := m.deadlinesSet(ctx, mc, command, to, m.svc.Today)
		if err != nil {
			return "", err
		}
		lines = append(lines[:1:1], append(m.changeLines(mc, v.State, to), lines[1:]...)...)
		return m.confirmText(lines, ds), nil
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
		return m.objectionResult(v), nil
	}
	return a
}

// fieldTypeLabel names a catalog field type for the form.
func fieldTypeLabel(t catalog.FieldType, lang string) string {
	switch t {
	case catalog.Date:
		return tr(lang, "日期 YYYY-MM-DD", "date YYYY-MM-DD")
	case catalog.Money:
		return tr(lang, "金额", "amount")
	case catalog.Number:
		return tr(lang, "数字", "number")
	case catalog.USCC:
		return tr(lang, "统一社会信用代码", "USCC, 统一社会信用代码")
	case catalog.IDNumber:
		return tr(lang, "身份证号码", "ID number, 身份证号码")
	case catalog.PartyCode:
		return tr(lang, "代码", "code")
	}
	return tr(lang, "文字", "text")
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
		return nil, apperr.New(apperr.Usage, "请至少写一项 字段=值", "write at least one field=value")

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

// checkMessage is the import rules' message on a corrected field in the
// clerk's language: the rules write it in Chinese with the reason code in
// brackets (日期无效（date_invalid）); in English the code is said.
func (m *Model) checkMessage(msg string) string {
	if !m.en() {
		return msg
	}
	if i := strings.LastIndex(msg, "（"); i >= 0 && strings.HasSuffix(msg, "）") {
		return "not valid under the catalog's rules for this field (" + strings.TrimSuffix(msg[i+len("（"):], "）") + ")"
	}
	return "not valid under the catalog's rules for this field"
}
