package cli

import (
	"fmt"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"credit/internal/apperr"
	"credit/internal/archive"
	"credit/internal/civil"
	"credit/internal/ident"
	"credit/internal/operator"
	"credit/internal/report"
	"credit/internal/sanction"
	"credit/internal/store"
	"credit/internal/tabular"
)

func init() { registerNoun("case", newCaseCmd) }

// caseJSON is a case as scripts read it.
type caseJSON struct {
	store.MeasureCaseRow
	Grounds []sanction.Ground `json:"grounds"`
}

func toCaseJSON(c store.MeasureCaseRow) caseJSON {
	g := sanction.DecodeGrounds(c.Grounds)
	if g == nil {
		g = []sanction.Ground{}
	}
	return caseJSON{MeasureCaseRow: c, Grounds: g}
}

func newCaseCmd(app *App) *cobra.Command {
	c := &cobra.Command{
		Use:   "case",
		Short: "联合奖惩案例 / joint reward and sanction cases",
		Long: `联合奖惩案例（第二十八条）：信息使用单位在某事项中对某主体实施了某项措施。案例按月汇总上报
（credit report sanctions）。记录时核对依据：措施必须适用于该事项，并且针对该主体在实施日期有效的
红黑名单条目或严重失信记录，否则拒绝（退出码 5）并说明缺少什么。

A case: a unit applied a measure to a subject in a matter on a date. It is refused (exit 5) unless
the measure applies to the matter and answers the subject's valid list entries or serious records
on that date.`,
	}
	var subject, measure, unit, matter, date, result string
	record := &cobra.Command{
		Use:   "record --subject CODE --measure M --unit U --matter MATTER --date D [--result TEXT]",
		Short: "记录案例 / record a case",
		Example: example(
			"credit case record --subject 91350100M000100Y43 --measure CJ01 --unit 113206000140000015 --matter 政府采购 --date 2025-12-01 --result 取消投标资格",
		),
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := requireFlags(app, map[string]string{"subject": subject, "measure": measure, "unit": unit, "matter": matter, "date": date}); err != nil {
				return err
			}
			if _, err := sanction.ParseMatter(matter); err != nil {
				return err
			}
			d, err := parseDateFlag("date", date, civil.Date{})
			if err != nil {
				return err
			}
			st, actor, err := app.Writer(operator.Clerk)
			if err != nil {
				return err
			}
			cat, _, err := st.CatalogInForce(app.Ctx(), app.Today())
			if err != nil {
				return err
			}
			l, _, err := sanction.MeasuresInForce(app.Ctx(), st)
			if err != nil {
				return err
			}
			row, err := sanction.RecordCase(app.Ctx(), st, actor, cat, l, sanction.CaseInput{Subject: subject, Measure: measure, Unit: unit,
				Matter: matter, Date: d, Result: result})
			if err != nil {
				return err
			}
			if app.JSON() {
				return app.Print(&tabular.Table{JSON: toCaseJSON(row)})
			}
			app.Println(fmt.Sprintf(app.T("已记录案例 %d：%s 对 %s 实施 %s %s（%s，%s）", "recorded case %d: %s applied %s %s to %s (%s, %s)"),
				row.ID, strings.TrimSpace(row.UnitName+" "+row.Unit), caseSubject(row), row.Measure, row.MeasureName, row.Matter, row.AppliedOn))
			if app.Lang == "en" {
				return nil
			}
			app.Println("依据：" + sanction.GroundsLabel(row.Grounds, app.Lang))
			return nil
		},
	}
	f := record.Flags()
	f.StringVar(&subject, "subject", "", "信息主体代码 / subject code")
	f.StringVar(&measure, "measure", "", "措施代码（credit measure list）/ measure code")
	f.StringVar(&unit, "unit", "", "实施单位（已登记的信息使用单位）/ the unit that applied it")
	f.StringVar(&matter, "matter", "", "事项："+strings.Join(sanction.Matters, "、")+" / matter")
	f.StringVar(&date, "date", "", "实施日期 YYYY-MM-DD / date applied")
	f.StringVar(&result, "result", "", "成效/结果 / result")

	var month, listUnit, listSubject string
	list := &cobra.Command{
		Use:   "list [--month YYYY-MM] [--unit U] [--subject CODE|NAME]",
		Short: "列出案例 / list cases",
		Args:  noArgs,
		Example: example(
			"credit case list --month 2025-12",
			"credit case list --unit 113206000140000015 --format json",
		),
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := app.Store()
			if err != nil {
				return err
			}
			if _, err := app.Require(operator.Clerk); err != nil {
				return err
			}
			f := store.CaseFilter{Unit: ident.NormalizeCode(listUnit)}
			if month != "" {
				m, err := report.ParseMonth(month)
				if err != nil {
					return err
				}
				f.From, f.To = m.First().String(), m.Last().String()
			}
			t := &tabular.Table{Columns: []tabular.Column{
				{Key: "id", Zh: "案例编号", En: "Case"}, {Key: "date", Zh: "实施日期", En: "Date"}, {Key: "unit", Zh: "实施单位", En: "Unit"},
				{Key: "subject", Zh: "主体", En: "Subject"}, {Key: "kind", Zh: "奖惩", En: "Kind"}, {Key: "measure", Zh: "措施", En: "Measure"},
				{Key: "matter", Zh: "事项", En: "Matter"}, {Key: "result", Zh: "成效/结果", En: "Result"},
			}}
			out := []caseJSON{}
			// Clerks only: names are shown, so they filter too.
			sf := archive.NewSubjectFilter(listSubject, false)
			err = st.MeasureCases(app.Ctx(), f, func(c *store.MeasureCaseRow) error {
				if !sf.Match(c.SubjectCode, c.SubjectName, c.SubjectKind) {
					return nil
				}
				out = append(out, toCaseJSON(*c))
				t.Rows = append(t.Rows, []string{fmt.Sprint(c.ID), c.AppliedOn, strings.TrimSpace(c.UnitName + " " + c.Unit), caseSubject(*c),
					sanction.Kind(c.Kind).Label(app.Lang), c.Measure + " " + c.MeasureName, c.Matter, c.Result})
				return nil
			})
			if err != nil {
				return err
			}
			t.JSON = out
			if !app.JSON() && len(out) == 0 {
				app.Println(app.T("没有符合条件的案例", "no cases match"))
				return nil
			}
			return app.Print(t)
		},
	}
	list.Flags().StringVar(&month, "month", "", "实施月份 YYYY-MM / month applied")
	list.Flags().StringVar(&listUnit, "unit", "", "实施单位 / unit")
	list.Flags().StringVar(&listSubject, "subject", "", "只列该主体的（代码或代码开头，或名称中的一段）/ only this subject's (a code or its beginning, or part of the name)")

	c.AddCommand(record, list)
	return c
}

// requireFlags refuses missing flags as a usage error (exit 2), naming them.
func requireFlags(app *App, flags map[string]string) error {
	var missing []string
	for name, v := range flags {
		if strings.TrimSpace(v) == "" {
			missing = append(missing, "--"+name)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	sort.Strings(missing)
	return apperr.Newf(apperr.Usage, "缺少 %s", "missing %s", strings.Join(missing, ", "))
}

func caseSubject(c store.MeasureCaseRow) string {
	return strings.TrimSpace(c.SubjectCode + " " + c.SubjectName)
}
