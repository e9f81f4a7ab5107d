package cli

import (
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"credit/internal/apperr"
	"credit/internal/archive"
	"credit/internal/civil"
	"credit/internal/ident"
	"credit/internal/roster"
	"credit/internal/tabular"
)

func init() { registerNoun("roster", newRosterCmd) }

func rosterColumns() []tabular.Column {
	return []tabular.Column{
		{Key: "id", Zh: "编号", En: "ID"}, {Key: "list", Zh: "名单", En: "List"}, {Key: "list_name", Zh: "名单名称", En: "List name"},
		{Key: "subject_code", Zh: "主体代码", En: "Subject"}, {Key: "subject_name", Zh: "主体名称", En: "Name"},
		{Key: "unit", Zh: "认定单位", En: "Determined by"}, {Key: "determined", Zh: "认定日期", En: "Determined"},
		{Key: "valid_until", Zh: "有效期至", En: "Valid until"}, {Key: "reported", Zh: "报送日期", En: "Reported"},
		{Key: "late", Zh: "迟报（第十七条）", En: "Late"}, {Key: "status", Zh: "状态", En: "Status"},
	}
}

// rosterJSON is an entry with its status on the date asked.
type rosterJSON struct {
	roster.Entry
	Status string `json:"status"`
	Counts bool   `json:"counts"`
}

// rosterWithdrawn is what stands for the values of an entry whose record
// was withdrawn (roster.Entry.Redacted).
const rosterWithdrawn = "【已撤回】"

func rosterRow(app *App, e roster.Entry) []string {
	if e.Redacted {
		return []string{e.ID, roster.ListLabel(e.List, app.Lang), rosterWithdrawn, e.SubjectCode, "", "", "", "", e.Reported.String(), "",
			roster.StatusLabel(e.Status(app.Today()), app.Lang)}
	}
	late := ""
	if e.Late {
		late = fmt.Sprintf(app.T("迟报 %d 天（应于 %s 前）", "%d days late (due %s)"), e.DaysLate, e.ReportDue)
	}
	unit := e.Unit
	if e.UnitName != "" {
		unit = e.UnitName + " " + e.Unit
	}
	return []string{e.ID, roster.ListLabel(e.List, app.Lang), e.ListName, e.SubjectCode, e.SubjectName, unit, e.Determined.String(),
		e.ValidUntil.String(), e.Reported.String(), late, roster.StatusLabel(e.Status(app.Today()), app.Lang)}
}

func newRosterCmd(app *App) *cobra.Command {
	c := &cobra.Command{
		Use:   "roster",
		Short: "红黑名单 / red and black lists",
		Long: `红名单（守信激励对象名单）和黑名单（严重失信主体名单，第十七条）。
名单条目有两个来源：信息提供单位用目录中的名单信息项（HMD 红名单、HEIMD 黑名单）报送、经 credit import 导入的
（编号 R+记录号，发布即生效）；以及按纸质认定文书手工录入的（编号 M+序号，roster add 后为待审核，
审核人 roster approve 后才生效）。只有已生效、在有效期内、未移出的条目才作为信用审查命中、案例依据和统计。
认定后次月底之后才报送的条目标为迟报（第十七条），计入报送单位的考核。

Red and black list entries: imported through the catalog's list items (ids R<record>), or typed in
by hand (ids M<n>) and approved by a reviewer. Only approved, valid, unremoved entries count.`,
	}

	var subject, subjectName, list, name, unit, basis, reason, determined, validUntil, reported string
	var subjectType, legalRep, principal, direct string
	add := &cobra.Command{
		Use:   "add --subject CODE --list red|black --name LIST --unit CODE --basis TEXT --determined D [--valid-until D]",
		Short: "手工录入名单条目（待审核）/ enter a list entry by hand (pending approval)",
		Long: `按认定单位的书面认定录入一条名单。录入后为“待审核”，不计入任何审查和统计，直到审核人 roster approve。
未给 --valid-until 时，按目录中该名单信息项的有效期（黑名单 3 年）从认定日期起算。--reported 默认今天，
晚于认定后次月底即为迟报（第十七条）。
第二十九条：法人的黑名单条目记入认定文书认定为负有责任的人员的失信记录：--principal（主要负责人）、
--direct（直接责任人）各可给一个或多个身份证号码（以 ; 分隔），--legal-rep 给负有责任的法定代表人；
只是被列为法定代表人的人不记入。个体工商户（92 开头）、非法人组织（--subject-type 非法人组织）和自然人不记入任何人员；
未说明主体类型而给出负有责任人员的组织按法人处理。

Article 29: a black-list entry of a 法人 is recorded against the persons the determination finds responsible
(--principal, --direct, --legal-rep; several 身份证号码 separated by ;), never for a 个体工商户, a 非法人组织 or a person.`,
		Example: example(
			"credit roster add --subject 91350100M000100Y43 --list black --name 重大税收违法失信主体名单 --unit 11100000000013127D --basis 《重大税收违法失信主体信息公布管理办法》 --determined 2025-11-03",
			"credit roster add --subject 91110000802100433B --list red --name A级纳税人名单 --unit 11100000000013127D --basis 纳税信用评价 --determined 2025-04-01 --valid-until 2026-03-31",
		),
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := requireFlags(app, map[string]string{"subject": subject, "list": list, "name": name, "unit": unit, "basis": basis, "determined": determined}); err != nil {
				return err
			}
			st, actor, err := app.Writer(roster.Transitions["add"].Role)
			if err != nil {
				return err
			}
			chk := ident.CheckOn(subject, app.Today())
			if !chk.Valid {
				return &apperr.Error{Code: apperr.Rule, Zh: "--subject " + chk.Code + " 无效：" + chk.Reason, En: "--subject " + chk.Code + " is not valid: " + chk.ReasonEn}
			}
			u, err := parseDeptCode("认定单位", unit)
			if err != nil {
				return err
			}
			det, err := parseDateFlag("determined", determined, civil.Date{})
			if err != nil {
				return err
			}
			vu, err := parseDateFlag("valid-until", validUntil, civil.Date{})
			if err != nil {
				return err
			}
			rep, err := parseDateFlag("reported", reported, civil.Date{})
			if err != nil {
				return err
			}
			cat, _, err := st.CatalogInForce(app.Ctx(), app.Today())
			if err != nil {
				return err
			}
			var resp []roster.Responsible
			resp = append(resp, roster.ParseResponsible(roster.RoleLegalRep, legalRep)...)
			resp = append(resp, roster.ParseResponsible(roster.RolePrincipal, principal)...)
			resp = append(resp, roster.ParseResponsible(roster.RoleDirect, direct)...)
			e, err := roster.Add(app.Ctx(), st, actor, cat, roster.AddInput{SubjectCode: chk.Code, SubjectName: subjectName, List: strings.ToLower(strings.TrimSpace(list)),
				ListName: name, Unit: u, Basis: basis, Reason: reason, Determined: det, ValidUntil: vu, Reported: rep,
				SubjectType: strings.TrimSpace(subjectType), Responsible: resp})
			if err != nil {
				return err
			}
			return printRosterEntry(app, e, fmt.Sprintf(app.T("已录入名单条目 %s，待审核人 credit roster approve %s 后生效", "entered list entry %s; it counts once a reviewer runs credit roster approve %s"), e.ID, e.ID))
		},
	}
	f := add.Flags()
	f.StringVar(&subject, "subject", "", "信息主体的统一社会信用代码或身份证号码 / subject code")
	f.StringVar(&subjectName, "subject-name", "", "主体名称（档案中没有该主体时）/ subject name")
	f.StringVar(&list, "list", "", "red（红名单）或 black（黑名单）/ red or black")
	f.StringVar(&name, "name", "", "名单名称 / list name")
	f.StringVar(&unit, "unit", "", "认定单位统一社会信用代码 / determining unit's code")
	f.StringVar(&basis, "basis", "", "认定依据 / legal basis")
	f.StringVar(&reason, "reason", "", "列入事由 / reason for listing")
	f.StringVar(&determined, "determined", "", "认定日期 YYYY-MM-DD / determination date")
	f.StringVar(&validUntil, "valid-until", "", "有效期至（含当日）/ last valid day")
	f.StringVar(&reported, "reported", "", "报送日期（默认今天）/ date reported to the office (default today)")
	f.StringVar(&subjectType, "subject-type", "", "组织类型：法人 或 非法人组织 / organisation type: 法人 or 非法人组织")
	f.StringVar(&legalRep, "legal-rep", "", "负有责任的法定代表人身份证号码（第二十九条）/ the responsible legal representative's ID number")
	f.StringVar(&principal, "principal", "", "负有责任的主要负责人身份证号码，多个以 ; 分隔 / responsible principals' ID numbers")
	f.StringVar(&direct, "direct", "", "其他直接责任人身份证号码，多个以 ; 分隔 / directly responsible persons' ID numbers")

	decide := func(verb, zh, en string) *cobra.Command {
		var note string
		cmd := &cobra.Command{
			Use:   verb + " ID",
			Short: zh + " / " + en,
			Args:  exactArgs(1),
			Example: example(
				"credit roster " + verb + " M3",
			),
			RunE: func(cmd *cobra.Command, args []string) error {
				st, actor, err := app.Writer(roster.Transitions[verb].Role)
				if err != nil {
					return err
				}
				cat, _, err := st.CatalogInForce(app.Ctx(), app.Today())
				if err != nil {
					return err
				}
				e, err := roster.Decide(app.Ctx(), st, actor, cat, args[0], verb, note)
				if err != nil {
					return err
				}
				msg := fmt.Sprintf(app.T("名单条目 %s 已审核通过，自 %s 起计入审查和统计", "list entry %s approved; it counts from %s"), e.ID, e.Determined)
				if verb == "reject" {
					msg = fmt.Sprintf(app.T("名单条目 %s 已驳回，不计入任何审查和统计", "list entry %s rejected; it counts nowhere"), e.ID)
				}
				return printRosterEntry(app, e, msg)
			},
		}
		cmd.Flags().StringVar(&note, "note", "", "审核意见 / note")
		return cmd
	}
	approve := decide("approve", "审核通过手工录入的名单条目（审核人）", "approve a hand-made entry (reviewer)")
	reject := decide("reject", "驳回手工录入的名单条目（审核人）", "reject a hand-made entry (reviewer)")

	var removeOn, removeReason, removeGround, removeRef string
	remove := &cobra.Command{
		Use:   "remove ID --ground revoked|objection|repair|expired --ref DOC [--reason TEXT] [--date D]",
		Short: "依法定程序移出名单（审核人）/ remove an entry from its list on a listed ground (reviewer)",
		Long: `第三十六条：非经法定程序不得撤除、更改公共信用信息。已生效的条目只能依下列理由之一、凭文书移出：
  revoked    认定单位的移出决定或撤销认定（--ref 文书号）
  objection  异议核实有误予以更正（第三十二条；只适用于手工录入的条目，导入条目随其记录的异议办理）
  repair     信用修复（第三十五条；信息提供单位的修复文书；本系统的修复流程完成时自动移出）
  expired    有效期届满（第三十条；只在有效期已过时）
导入的条目（R）就是记录本身：以 revoked 移出时，记录的有效期同时截止到移出日前一天（原版本保留在历史中），
公开档案与名单一致；以 repair 移出时记录改为“已修复”。从 --date（默认今天）起条目不再计入审查和统计；
条目本身、移出理由和文书保留。待审核的条目不能移出，用 roster reject 驳回。

Article 36: an approved entry leaves its list only on a listed ground with a document (--ground, --ref).
An imported entry is its record: revoked ends the record's validity the day before, so the archive agrees.`,
		Args: exactArgs(1),
		Example: example("credit roster remove M3 --ground revoked --ref 苏税稽移〔2025〕12号",
			"credit roster remove R17 --ground revoked --ref 通市监信移〔2025〕3号 --date 2025-12-01"),
		RunE: func(cmd *cobra.Command, args []string) error {
			st, actor, err := app.Writer(roster.Transitions["remove"].Role)
			if err != nil {
				return err
			}
			on, err := parseDateFlag("date", removeOn, app.Today())
			if err != nil {
				return err
			}
			cat, _, err := st.CatalogInForce(app.Ctx(), app.Today())
			if err != nil {
				return err
			}
			in := roster.RemoveInput{On: on, Ground: removeGround, Ref: removeRef, Reason: removeReason}
			if err := app.Confirm("将把名单条目 "+args[0]+" 移出名单。", "List entry "+args[0]+" will be removed from its list."); err != nil {
				return err
			}
			e, err := roster.Remove(app.Ctx(), st, actor, cat, args[0], in)
			if err != nil {
				return err
			}
			return printRosterEntry(app, e, fmt.Sprintf(app.T("名单条目 %s 自 %s 起移出（%s，%s）", "list entry %s removed from %s on (%s, %s)"),
				e.ID, e.RemovedOn, roster.GroundLabel(e.RemovalGround, app.Lang), e.RemovalRef))
		},
	}
	remove.Flags().StringVar(&removeGround, "ground", "", "移出理由 revoked|objection|repair|expired（第三十六条）/ listed ground")
	remove.Flags().StringVar(&removeRef, "ref", "", "所依据的文书编号 / document reference")
	remove.Flags().StringVar(&removeReason, "reason", "", "说明 / note")
	remove.Flags().StringVar(&removeOn, "date", "", "移出日期（默认今天）/ removal date (default today)")

	var lsList, lsSubject, lsStatus string
	ls := &cobra.Command{
		Use:   "list [--list red|black] [--subject CODE|NAME] [--status valid|pending|...]",
		Short: "列出名单条目 / list entries",
		Args:  noArgs,
		Example: example(
			"credit roster list --list black",
			"credit roster list --status pending --format json",
		),
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := app.Store()
			if err != nil {
				return err
			}
			if _, err := app.Require(roster.Transitions["add"].Role); err != nil {
				return err
			}
			if lsList != "" && lsList != roster.Red && lsList != roster.Black {
				return apperr.Newf(apperr.Usage, "--list %q 无效，应为 red 或 black", "--list %q is not valid: use red or black", lsList)
			}
			cat, _, err := st.CatalogInForce(app.Ctx(), app.Today())
			if err != nil {
				return err
			}
			es, err := roster.Entries(app.Ctx(), st, cat, roster.Filter{List: lsList})
			if err != nil {
				return err
			}
			// Office staff only: names are shown, so they filter too.
			sf := archive.NewSubjectFilter(lsSubject, false)
			es = slices.DeleteFunc(es, func(e roster.Entry) bool { return !sf.Match(e.SubjectCode, e.SubjectName, "") })
			t := &tabular.Table{Columns: rosterColumns()}
			out := []rosterJSON{}
			for _, e := range es {
				s := e.Status(app.Today())
				if lsStatus != "" && s != lsStatus {
					continue
				}
				out = append(out, rosterJSON{Entry: e, Status: s, Counts: s == roster.StatusValid})
				t.Rows = append(t.Rows, rosterRow(app, e))
			}
			t.JSON = out
			if !app.JSON() && len(out) == 0 {
				app.Println(app.T("没有符合条件的名单条目", "no list entries match"))
				return nil
			}
			return app.Print(t)
		},
	}
	ls.Flags().StringVar(&lsList, "list", "", "red 或 black / red or black")
	ls.Flags().StringVar(&lsSubject, "subject", "", "主体代码或代码开头，或名称中的一段 / a subject code or its beginning, or part of the name")
	ls.Flags().StringVar(&lsStatus, "status", "", "valid|pending|rejected|removed|expired|withdrawn|repaired")

	show := &cobra.Command{
		Use:     "show ID",
		Short:   "显示名单条目 / show an entry",
		Args:    exactArgs(1),
		Example: example("credit roster show M3", "credit roster show R17 --format json"),
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := app.Store()
			if err != nil {
				return err
			}
			if _, err := app.Require(roster.Transitions["add"].Role); err != nil {
				return err
			}
			cat, _, err := st.CatalogInForce(app.Ctx(), app.Today())
			if err != nil {
				return err
			}
			e, err := roster.Get(app.Ctx(), st, cat, args[0])
			if err != nil {
				return err
			}
			return printRosterEntry(app, e, "")
		},
	}
	c.AddCommand(add, approve, reject, remove, ls, show)
	c.AddCommand(newRosterPublishCmd(app)) // roster_publish.go
	return c
}

// printRosterEntry shows one entry as field/value rows (JSON: the entry with
// its status today).
func printRosterEntry(app *App, e roster.Entry, msg string) error {
	s := e.Status(app.Today())
	if app.JSON() {
		return app.Print(&tabular.Table{JSON: rosterJSON{Entry: e, Status: s, Counts: s == roster.StatusValid}})
	}
	if msg != "" {
		app.Println(msg)
	}
	src := app.T("手工录入", "entered by hand")
	if e.Source == roster.SourceImport {
		src = fmt.Sprintf(app.T("导入（%s 记录 #%d，批次 %d，报送单位 %s）", "imported (%s record #%d, batch %d, provider %s)"), e.Item, e.RecordID, e.BatchID, e.Provider)
	}
	if e.Redacted {
		// The record was withdrawn: say so, with the ids, and nothing it held.
		return app.Print(&tabular.Table{Columns: []tabular.Column{{Key: "field", Zh: "项目", En: "Field"}, {Key: "value", Zh: "内容", En: "Value"}},
			Rows: [][]string{
				{app.T("编号", "ID"), e.ID},
				{app.T("来源", "Source"), src},
				{app.T("名单", "List"), roster.ListLabel(e.List, app.Lang)},
				{app.T("主体", "Subject"), e.SubjectCode},
				{app.T("报送日期", "Reported"), e.Reported.String()},
				{app.T("状态", "Status"), roster.StatusLabel(s, app.Lang)},
				{app.T("内容", "Content"), app.T(rosterWithdrawn+" 记录已依异议撤回（第三十一条、第三十二条），名单内容不予显示",
					rosterWithdrawn+" the record was withdrawn after an objection; the entry's content is not shown")},
			}})
	}
	late := app.T("否", "no")
	if e.Late {
		late = fmt.Sprintf(app.T("是：应于 %s 前报送，迟 %d 天（第十七条）", "yes: due by %s, %d days late (第十七条)"), e.ReportDue, e.DaysLate)
	}
	rows := [][]string{
		{app.T("编号", "ID"), e.ID},
		{app.T("来源", "Source"), src},
		{app.T("名单", "List"), roster.ListLabel(e.List, app.Lang) + " " + e.ListName},
		{app.T("主体", "Subject"), strings.TrimSpace(e.SubjectCode + " " + e.SubjectName)},
		{app.T("认定单位", "Determined by"), strings.TrimSpace(e.Unit + " " + e.UnitName)},
		{app.T("认定依据", "Basis"), e.Basis},
		{app.T("认定日期", "Determined"), e.Determined.String()},
		{app.T("有效期至", "Valid until"), e.ValidUntil.String()},
		{app.T("报送日期", "Reported"), e.Reported.String()},
		{app.T("迟报", "Late"), late},
		{app.T("状态", "Status"), roster.StatusLabel(s, app.Lang)},
	}
	if e.Reason != "" {
		rows = append(rows, []string{app.T("列入事由", "Reason"), e.Reason})
	}
	if e.Source == roster.SourceManual {
		rows = append(rows, []string{app.T("录入人", "Entered by"), e.AddedBy})
		if e.DecidedBy != "" {
			rows = append(rows, []string{app.T("审核人", "Decided by"), e.DecidedBy + " " + e.DecidedOn.String()})
		}
	}
	for _, r := range e.Responsible {
		rows = append(rows, []string{app.T("负有责任的人员（第二十九条）", "Responsible (第二十九条)"), r.Code + " " + roster.RoleLabel(r.Role, app.Lang)})
	}
	if !e.RemovedOn.IsZero() {
		rows = append(rows, []string{app.T("移出", "Removed"), strings.TrimSpace(e.RemovedOn.String() + " " + roster.GroundLabel(e.RemovalGround, app.Lang) + " " +
			e.RemovalRef + " " + e.RemovalNote + " (" + e.RemovedBy + ")")})
	}
	return app.Print(&tabular.Table{Columns: []tabular.Column{{Key: "field", Zh: "项目", En: "Field"}, {Key: "value", Zh: "内容", En: "Value"}}, Rows: rows})
}
