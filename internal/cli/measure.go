package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"credit/internal/apperr"
	"credit/internal/sanction"
	"credit/internal/tabular"
)

func init() { register(newMeasureCmd) }

// measureJSON is a measure as scripts read it: the file's fields plus its
// kind and whether it is confirmed.
type measureJSON struct {
	*sanction.Measure
	Kind        sanction.Kind `json:"kind"`
	Confirmed   bool          `json:"confirmed"`
	Unconfirmed []string      `json:"unconfirmed,omitempty"`
}

func toMeasureJSON(m *sanction.Measure, lang string) measureJSON {
	return measureJSON{Measure: m, Kind: m.Kind(), Confirmed: m.Confirmed(), Unconfirmed: m.Unconfirmed(lang)}
}

func listsLabel(m *sanction.Measure, lang string) string {
	var parts []string
	for _, l := range m.Lists {
		parts = append(parts, sanction.ListLabel(l, lang))
	}
	for _, r := range m.Records {
		if r == sanction.RecordSerious {
			parts = append(parts, lang2(lang, "严重失信记录", "serious records"))
		}
	}
	return strings.Join(parts, lang2(lang, "、", ", "))
}

func lang2(lang, zh, en string) string {
	if lang == "en" {
		return en
	}
	return zh
}

func draftNotice(app *App, l *sanction.MeasureList) string {
	return fmt.Sprintf(app.T("注意：措施清单是工作草稿，须对照 %s 逐条核对后使用（%s）",
		"note: the measures list is a working draft; check each entry against %s before relying on it (%s)"), l.CheckAgainst, "catalogs/measures.yaml")
}

func newMeasureCmd(app *App) *cobra.Command {
	c := &cobra.Command{
		Use:   "measure",
		Short: "联合奖惩措施清单 / joint reward and sanction measures",
		Long: `联合奖惩措施清单（catalogs/measures.yaml，第二十八条）：每项措施的代码、名称、类别、针对的名单和失信记录、
适用事项和依据。清单是工作草稿，须对照发改财金规〔2024〕203号《全国失信惩戒措施基础清单》核对；
未核实的条目（可信度 medium/low，或依据标 [MEM]）在 measure show 中会明确提示。

The measures list: each measure's code, name, class, the lists and records it answers, the matters
it applies to and its basis. It is a working draft; unconfirmed entries are marked.`,
	}
	var matter, kind string
	list := &cobra.Command{
		Use:   "list [--matter MATTER] [--kind reward|sanction]",
		Short: "列出措施 / list measures",
		Args:  noArgs,
		Example: example(
			"credit measure list",
			"credit measure list --matter 政府采购 --format json",
		),
		RunE: func(cmd *cobra.Command, _ []string) error {
			l, err := sanction.DefaultMeasures()
			if err != nil {
				return err
			}
			if matter != "" {
				if matter, err = sanction.ParseMatter(matter); err != nil {
					return err
				}
			}
			if kind != "" && kind != string(sanction.KindReward) && kind != string(sanction.KindSanction) {
				return apperr.Newf(apperr.Usage, "--kind %q 无效，应为 reward 或 sanction", "--kind %q is not valid: use reward or sanction", kind)
			}
			t := &tabular.Table{Columns: []tabular.Column{
				{Key: "code", Zh: "代码", En: "Code"}, {Key: "kind", Zh: "奖惩", En: "Kind"}, {Key: "category", Zh: "类别", En: "Category"},
				{Key: "name", Zh: "名称", En: "Name"}, {Key: "answers", Zh: "针对", En: "Answers"}, {Key: "matters", Zh: "适用事项", En: "Matters"},
				{Key: "confidence", Zh: "核实情况", En: "Confirmed"},
			}}
			out := []measureJSON{}
			for _, m := range l.Measures {
				if (matter != "" && !m.AppliesTo(matter)) || (kind != "" && string(m.Kind()) != kind) {
					continue
				}
				out = append(out, toMeasureJSON(m, app.Lang))
				conf := app.T("未核实（"+m.Confidence+"）", "unconfirmed ("+m.Confidence+")")
				if m.Confirmed() {
					conf = app.T("可信度 high（草稿）", "high (draft)")
				}
				t.Rows = append(t.Rows, []string{m.Code, m.Kind().Label(app.Lang), m.Category.Label(app.Lang), m.Name, listsLabel(m, app.Lang),
					strings.Join(m.Matters, app.T("、", ", ")), conf})
			}
			t.JSON = out
			if !app.JSON() {
				app.Warn(draftNotice(app, l))
			}
			return app.Print(t)
		},
	}
	list.Flags().StringVar(&matter, "matter", "", "只列适用于该事项的措施："+strings.Join(sanction.Matters, "、")+" / only measures for this matter")
	list.Flags().StringVar(&kind, "kind", "", "reward（激励）或 sanction（惩戒）/ reward or sanction")

	show := &cobra.Command{
		Use:     "show CODE",
		Short:   "显示一项措施及其核实情况 / show a measure and whether it is confirmed",
		Args:    exactArgs(1),
		Example: example("credit measure show CJ01", "credit measure show JL01 --format json"),
		RunE: func(cmd *cobra.Command, args []string) error {
			l, err := sanction.DefaultMeasures()
			if err != nil {
				return err
			}
			m := l.Measure(args[0])
			if m == nil {
				return apperr.Newf(apperr.Usage, "没有措施 %q（可用：%s）", "no measure %q (known: %s)", args[0], strings.Join(l.Codes(), ", "))
			}
			unconf := m.Unconfirmed(app.Lang)
			status := app.T("可信度 high，依据有来源；但整份清单仍是草稿，须对照 "+l.CheckAgainst+" 核对",
				"confidence high with sourced basis; the whole list is still a draft to check against "+l.CheckAgainst)
			if len(unconf) > 0 {
				status = app.T("未核实：", "NOT CONFIRMED: ") + strings.Join(unconf, app.T("；", "; "))
			}
			t := &tabular.Table{
				Title:   m.Code + " " + m.Name,
				Columns: []tabular.Column{{Key: "field", Zh: "项目", En: "Field"}, {Key: "value", Zh: "内容", En: "Value"}},
				Rows: [][]string{
					{app.T("代码", "Code"), m.Code},
					{app.T("名称", "Name"), m.Name},
					{app.T("奖惩", "Kind"), m.Kind().Label(app.Lang)},
					{app.T("类别", "Category"), m.Category.Label(app.Lang) + " (" + string(m.Category) + ")"},
					{app.T("针对", "Answers"), listsLabel(m, app.Lang)},
					{app.T("适用事项", "Matters"), strings.Join(m.Matters, app.T("、", ", "))},
					{app.T("惩戒/激励对象（草稿）", "Targets (draft)"), m.Targets},
					{app.T("依据", "Basis"), m.Basis},
					{app.T("实施部门", "Departments"), m.Departments},
					{app.T("可信度", "Confidence"), m.Confidence},
					{app.T("来源", "Source"), m.Source},
					{app.T("核实情况", "Status"), status},
					{app.T("清单", "List"), draftNotice(app, l)},
				},
				JSON: toMeasureJSON(m, app.Lang),
			}
			if m.Note != "" {
				t.Rows = append(t.Rows, []string{app.T("说明", "Note"), m.Note})
			}
			if len(unconf) > 0 && !app.JSON() {
				app.Warn(app.T("注意：措施 ", "note: measure ") + m.Code + app.T(" 未核实，使用前请对照国家清单原文。", " is not confirmed; check it against the official list before use."))
			}
			return app.Print(t)
		},
	}
	c.AddCommand(list, show)
	return c
}
