package cli

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"credit/catalogs"
	"credit/internal/apperr"
	"credit/internal/catalog"
	"credit/internal/operator"
	"credit/internal/sanction"
	"credit/internal/store"
	"credit/internal/tabular"
)

func init() { registerNoun("measure", newMeasureCmd) }

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

// measures is the measures list every command uses (sanction.MeasuresInForce):
// the version applied last, else the built-in list. measure list/show work
// without a store: with no store file they show the built-in list.
func (a *App) measures() (*sanction.MeasureList, store.MeasureVersion, error) {
	var st *store.Store
	if _, err := os.Stat(a.DefaultDBPath()); a.store != nil || !errors.Is(err, os.ErrNotExist) {
		if st, err = a.Store(); err != nil {
			return nil, store.MeasureVersion{}, err
		}
	}
	return sanction.MeasuresInForce(a.Ctx(), st)
}

// measuresSource names where the list in use comes from.
func measuresSource(app *App, v store.MeasureVersion) string {
	if v.ID == 0 {
		return app.T("内置清单 ", "the built-in list ") + catalogs.MeasuresName
	}
	return fmt.Sprintf(app.T("措施清单版本 #%d（%s 于 %s 应用）", "measures version #%d (applied by %s at %s)"), v.ID, v.AppliedBy, localTime(v.AppliedAt))
}

func draftNotice(app *App, l *sanction.MeasureList, v store.MeasureVersion) string {
	if !l.IsDraft() {
		return fmt.Sprintf(app.T("措施清单：%s，状态 %s", "measures list: %s, status %s"), measuresSource(app, v), l.Status)
	}
	return fmt.Sprintf(app.T("注意：措施清单是工作草稿，须对照 %s 逐条核对后使用（%s）",
		"note: the measures list is a working draft; check each entry against %s before relying on it (%s)"), l.CheckAgainst, measuresSource(app, v))
}

func newMeasureCmd(app *App) *cobra.Command {
	c := &cobra.Command{
		Use:   "measure",
		Short: "联合奖惩措施清单 / joint reward and sanction measures",
		Long: `联合奖惩措施清单（第二十八条）：每项措施的代码、名称、类别、针对的名单和失信记录、适用事项和依据。
现用的清单是管理员最近一次 measure apply 的版本，没有应用过时为程序内置的 catalogs/measures.yaml；
修改流程：credit measure export -o m.yaml → 编辑 → credit measure apply m.yaml（无需重新构建）。
内置清单是工作草稿，须对照发改财金规〔2024〕203号《全国失信惩戒措施基础清单》核对；
未核实的条目（可信度 medium/low，或依据标 [MEM]）在 measure show 中会明确提示。

The measures list: each measure's code, name, class, the lists and records it answers, the matters
it applies to and its basis. The list in use is the one an administrator applied last (export → edit
→ apply, no rebuild), else the built-in draft; unconfirmed entries are marked.`,
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
			l, v, err := app.measures()
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
				conf := app.T("未核实（可信度"+confidenceLabel(m.Confidence, "zh")+"）", "unconfirmed ("+m.Confidence+")")
				if m.Confirmed() {
					conf = app.T("可信度高（草稿）", "high (draft)")
				}
				t.Rows = append(t.Rows, []string{m.Code, m.Kind().Label(app.Lang), m.Category.Label(app.Lang), m.Name, listsLabel(m, app.Lang),
					strings.Join(m.Matters, app.T("、", ", ")), conf})
			}
			t.JSON = out
			if !app.JSON() {
				app.Warn(draftNotice(app, l, v))
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
			l, v, err := app.measures()
			if err != nil {
				return err
			}
			m := l.Measure(args[0])
			if m == nil {
				return apperr.Newf(apperr.Usage, "没有措施 %q（可用：%s）", "no measure %q (known: %s)", args[0], strings.Join(l.Codes(), ", "))
			}
			unconf := m.Unconfirmed(app.Lang)
			status := app.T("可信度高，依据有来源；但整份清单仍是草稿，须对照 "+l.CheckAgainst+" 核对",
				"confidence high with sourced basis; the whole list is still a draft to check against "+l.CheckAgainst)
			if !l.IsDraft() {
				status = app.T("可信度高，依据有来源", "confidence high with sourced basis")
			}
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
					{app.T("类别", "Category"), app.T(m.Category.Label(app.Lang), m.Category.Label(app.Lang)+" ("+string(m.Category)+")")},
					{app.T("针对", "Answers"), listsLabel(m, app.Lang)},
					{app.T("适用事项", "Matters"), strings.Join(m.Matters, app.T("、", ", "))},
					{app.T("惩戒/激励对象（草稿）", "Targets (draft)"), m.Targets},
					{app.T("依据", "Basis"), m.Basis},
					{app.T("实施部门", "Departments"), m.Departments},
					{app.T("可信度", "Confidence"), confidenceLabel(m.Confidence, app.Lang)},
					{app.T("来源", "Source"), m.Source},
					{app.T("核实情况", "Status"), status},
					{app.T("清单", "List"), draftNotice(app, l, v)},
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
	c.AddCommand(list, show, newMeasureApplyCmd(app), newMeasureExportCmd(app))
	return c
}

// readMeasures reads and validates a measures file. With --format json the
// problems are also printed on stdout as {"file", "ok": false, "errors": [...]}.
func readMeasures(app *App, path string) (*sanction.MeasureList, []byte, error) {
	if err := checkInput(path); err != nil {
		return nil, nil, err
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, apperr.Wrap(err, apperr.Internal, "无法读取措施清单文件 "+path, "cannot read the measures file "+path)
	}
	l, err := sanction.ParseMeasures(path, data)
	if err != nil {
		if ps, ok := catalog.ProblemsOf(err); ok && app.JSON() {
			list := make([]map[string]any, len(ps))
			for i, p := range ps {
				list[i] = map[string]any{"file": p.File, "line": p.Line, "key": p.Key, "message": p.Message(app.Lang)}
			}
			if perr := app.Print(&tabular.Table{JSON: map[string]any{"file": path, "ok": false, "errors": list}}); perr != nil {
				return nil, nil, perr
			}
		}
		return nil, nil, err
	}
	return l, data, nil
}

func newMeasureApplyCmd(app *App) *cobra.Command {
	return &cobra.Command{
		Use:   "apply FILE",
		Short: "校验并应用措施清单文件（管理员）/ validate and apply a measures file (admin)",
		Long: `校验措施清单文件（格式与 catalogs/measures.yaml 相同，见 docs/rosters.md）；有任何错误则整份不予接受（退出码 4），
逐条列出文件、行号和键。通过后保存为新版本（原文和内容哈希），写入审计日志，此后 measure list/show、check、case
都使用它，无需重新构建程序。同一内容再次应用不做任何改变。已记录的案例保存了当时的措施名称，不受影响。

Validates the file (any error refuses it whole, exit 4, listing file:line: key: message) and stores it
as the new version with its text and content hash, audited; from then on measure list/show, check and
case use it, with no rebuild. Applying the same content again changes nothing. Recorded cases keep the
measure names they were recorded with.`,
		Example: example(
			"credit measure export -o measures.yaml   # 编辑后 / then edit",
			"credit measure apply measures.yaml",
			"credit measure apply measures.yaml --format json",
		),
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			st, actor, err := app.Writer(operator.Admin)
			if err != nil {
				return err
			}
			l, data, err := readMeasures(app, args[0])
			if err != nil {
				return err
			}
			// What the file changes against the list in use (which may be the
			// built-in one); a stored list that no longer parses is replaced.
			added, removed, changed := l.Codes(), []string{}, []string{}
			old, oldV, err := sanction.MeasuresInForce(app.Ctx(), st)
			if err == nil {
				added, removed, changed = old.Compare(l)
			}
			v, unchanged := oldV, store.ContentHash(data) == oldV.ContentHash
			if !unchanged {
				if err := app.Confirm(fmt.Sprintf("将应用奖惩措施清单 %s：新增 %d、删除 %d、修改 %d 项。", args[0], len(added), len(removed), len(changed)),
					fmt.Sprintf("The measures list %s will be applied: %d added, %d removed, %d changed.", args[0], len(added), len(removed), len(changed))); err != nil {
					return err
				}
			}
			err = st.Write(app.Ctx(), actor, func(tx *store.Tx) error {
				if unchanged { // the list in use, applied or built in
					return nil
				}
				var err error
				if v, unchanged, err = tx.ApplyMeasures(data); err != nil || unchanged {
					return err
				}
				return tx.Audit("measure.apply", "measures:"+strconv.FormatInt(v.ID, 10), map[string]any{
					"source": args[0], "content_hash": v.ContentHash, "measures": len(l.Measures), "previous": oldV.ID,
					"added": nonNilStrings(added), "removed": nonNilStrings(removed), "changed": nonNilStrings(changed),
				})
			})
			if err != nil {
				return err
			}
			status := "applied"
			if unchanged {
				status = "unchanged"
			}
			if app.JSON() {
				return app.Print(&tabular.Table{JSON: map[string]any{
					"status": status, "id": v.ID, "content_hash": v.ContentHash, "measures": len(l.Measures), "draft": l.IsDraft(),
					"added": nonNilStrings(added), "removed": nonNilStrings(removed), "changed": nonNilStrings(changed),
				}})
			}
			if unchanged {
				app.Println(fmt.Sprintf(app.T("文件内容与现用的%s相同，未做改变", "the content is the same as %s in use; nothing changed"), measuresSource(app, v)))
				return nil
			}
			app.Println(fmt.Sprintf(app.T("已应用措施清单：版本 #%d，%d 项措施，内容哈希 %s", "applied the measures list as version #%d: %d measures, content hash %s"),
				v.ID, len(l.Measures), shortHash(v.ContentHash)))
			for _, x := range []struct {
				zh, en string
				codes  []string
			}{{"新增", "added", added}, {"删除", "removed", removed}, {"修改", "changed", changed}} {
				if len(x.codes) > 0 {
					app.Println(app.T(x.zh, x.en) + app.T("：", ": ") + strings.Join(x.codes, ", "))
				}
			}
			if l.IsDraft() {
				app.Warn(draftNotice(app, l, v))
			}
			return nil
		},
	}
}

func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func newMeasureExportCmd(app *App) *cobra.Command {
	var out string
	c := &cobra.Command{
		Use:   "export [-o FILE]",
		Short: "导出现用的措施清单（可编辑后再应用）/ export the measures list in use, to edit and apply",
		Long: `写出现用的措施清单：最近一次 apply 的版本的原文（保留注释），没有应用过时为内置的 catalogs/measures.yaml。
格式与 apply 接受的完全相同：export → 编辑 → apply。不加 -o 则写到标准输出。

Writes the measures list in use, as applied (comments kept), or the built-in list when none was
applied: the very format apply reads. Without -o, to stdout.`,
		Example: example("credit measure export -o measures.yaml", "credit measure export > measures.yaml"),
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var st *store.Store
			if _, err := os.Stat(app.DefaultDBPath()); !errors.Is(err, os.ErrNotExist) {
				if st, err = app.Store(); err != nil {
					return err
				}
			}
			_, text, v, err := sanction.MeasuresFile(app.Ctx(), st)
			if err != nil {
				return err
			}
			if out == "" {
				_, err := app.Out.Write(text)
				return err
			}
			if err := requireYAMLName(out); err != nil {
				return err
			}
			if err := writeNewFile(out, text, app.Force); err != nil {
				return err
			}
			app.Warn(fmt.Sprintf(app.T("已导出%s 到 %s", "exported %s to %s"), measuresSource(app, v), out))
			return nil
		},
	}
	c.Flags().StringVarP(&out, "output", "o", "", "写入文件 / write to this file")
	return c
}

// writeNewFile writes data to path whole or not at all (a temporary file
// in the same folder, renamed into place), refusing an existing file unless
// force (checkOutputs already refused it before any work; this catches a
// file that appeared meanwhile).
func writeNewFile(path string, data []byte, force bool) error {
	if err := checkOutputPath("-o", path, force); err != nil {
		return err
	}
	if err := tabular.WriteFileAtomic(path, func(tmp string) error { return os.WriteFile(tmp, data, 0o644) }); err != nil {
		return apperr.Wrap(err, apperr.Internal, "无法写入 "+path, "cannot write "+path)
	}
	return nil
}

// confidenceLabel names a measure's confidence (high, medium, low in the
// measures file and JSON) for people.
func confidenceLabel(c, lang string) string {
	zh := map[string]string{"high": "高", "medium": "中", "low": "低"}[c]
	if lang == "en" || zh == "" {
		return c
	}
	return zh
}
