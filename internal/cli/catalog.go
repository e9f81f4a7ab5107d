package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"credit/internal/apperr"
	"credit/internal/catalog"
	"credit/internal/operator"
	"credit/internal/store"
	"credit/internal/tabular"
)

func init() { registerNoun("catalog", newCatalogCmd) }

func newCatalogCmd(app *App) *cobra.Command {
	c := &cobra.Command{
		Use:   "catalog",
		Short: "公共信用信息目录与政策 / the public credit catalog and policy",
		Long: `公共信用信息目录（第八条–第十四条）：可以归集哪些信息项、每项有哪些字段、公开范围、更新周期、
使用期限和保存期限，以及本市的期限与阈值（政策）。目录是 YAML 文件（格式见 docs/catalog.md），
按版本应用，每个版本有生效日期；某日生效的版本是生效日期不晚于该日的最新版本。

修改流程：credit catalog export -o my.yaml → 编辑 → credit catalog diff my.yaml → credit catalog apply my.yaml

The catalog is a versioned YAML file (docs/catalog.md). The version in force on a date is the applied
version with the latest effective date on or before it. Workflow: export → edit → diff → apply.`,
	}
	c.AddCommand(newCatalogApplyCmd(app), newCatalogCheckCmd(app), newCatalogDiffCmd(app),
		newCatalogListCmd(app), newCatalogShowCmd(app), newCatalogExportCmd(app))
	return c
}

// readCatalog reads and validates a catalog file. With --format json the
// problems are also printed on stdout as {"file", "ok": false, "errors": [...]}.
func readCatalog(app *App, path string) (*catalog.Catalog, []byte, error) {
	if err := checkInput(path); err != nil {
		return nil, nil, err
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, apperr.Wrap(err, apperr.Internal, "无法读取目录文件 "+path, "cannot read the catalog file "+path)
	}
	c, err := catalog.Parse(path, data)
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
	if terms := c.Policy.TermsWithoutSource(); len(terms) > 0 {
		app.Warn(fmt.Sprintf(app.T("注意：policy.prohibited_terms 中 %s 未注明法律出处（《办法》第十四条：法律、法规规定禁止归集的其他个人信息）；仍会执行，请改写为 {term: 词, source: 法律出处}",
			"note: policy.prohibited_terms %s name no law (art. 14: other personal information a law or regulation prohibits); they still apply: write them as {term: WORD, source: LAW}"),
			strings.Join(terms, app.T("、", ", "))))
	}
	return c, data, nil
}

// applyCatalog stores a validated catalog as a new version and writes its
// audit entry (ids and the content hash only), inside tx.
func applyCatalog(tx *store.Tx, c *catalog.Catalog, source string, content []byte) (store.CatalogApplied, error) {
	res, err := tx.ApplyCatalog(c, source, content)
	if err != nil || res.Unchanged {
		return res, err
	}
	return res, tx.Audit("catalog.apply", "catalog:"+strconv.FormatInt(res.Version.ID, 10), map[string]any{
		"jurisdiction": c.Jurisdiction, "version": c.Version, "effective": c.Effective.String(),
		"source": source, "content_hash": res.Version.ContentHash, "items": len(c.Items),
		"providers": res.Providers, "units": res.Units,
	})
}

func shortHash(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}

func newCatalogApplyCmd(app *App) *cobra.Command {
	return &cobra.Command{
		Use:   "apply FILE",
		Short: "校验并应用目录文件，成为新版本（管理员）/ validate and apply a catalog file as a new version (admin)",
		Long: `校验目录文件；有任何错误则整份不予接受（退出码 4），逐条列出文件、行号和键。
通过后保存为新版本（原文、版本号、生效日期、内容哈希），并写入审计日志。同一内容再次应用不做任何改变。
已设定的期限（异议、修复等）在设定时已经保存，应用新政策不会改变它们。

Validates the file (any error refuses it whole, exit 4, listing file:line: key: message) and stores it
as a new version with its text and content hash, audited. Applying the same content again changes
nothing. Deadlines already set are stored when set: a new policy never moves them.`,
		Example: example(
			"credit catalog apply catalogs/nantong.yaml",
			"credit catalog apply my.yaml --format json",
		),
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			st, actor, err := app.Writer(operator.Admin)
			if err != nil {
				return err
			}
			c, data, err := readCatalog(app, args[0])
			if err != nil {
				return err
			}
			if cur, ok, err := st.CatalogVersionOn(app.Ctx(), app.Today()); err == nil && ok && cur.Jurisdiction != c.Jurisdiction {
				app.Warn(fmt.Sprintf(app.T("注意：现行目录属于 %s，此文件属于 %s", "note: the catalog in force is for %s; this file is for %s"), cur.Jurisdiction, c.Jurisdiction))
			}
			if err := app.Confirm(fmt.Sprintf("将应用目录 %s %s（生效日期 %s）：之后的归集、公开范围和期限按它执行（可先用 credit catalog diff 查看变化）。", c.Jurisdiction, c.Version, c.Effective),
				fmt.Sprintf("Catalog %s %s (effective %s) will be applied (see credit catalog diff first).", c.Jurisdiction, c.Version, c.Effective)); err != nil {
				return err
			}
			var res store.CatalogApplied
			err = st.Write(app.Ctx(), actor, func(tx *store.Tx) error {
				var err error
				res, err = applyCatalog(tx, c, args[0], data)
				return err
			})
			if err != nil {
				return err
			}
			v := res.Version
			status := "applied"
			if res.Unchanged {
				status = "unchanged"
			}
			inForce, hasInForce, err := st.CatalogVersionOn(app.Ctx(), app.Today())
			if err != nil {
				return err
			}
			if app.JSON() {
				return app.Print(&tabular.Table{JSON: map[string]any{
					"status": status, "id": v.ID, "jurisdiction": v.Jurisdiction, "version": v.Version,
					"effective": v.Effective, "content_hash": v.ContentHash, "items": len(c.Items),
					"in_force": inForce.ID == v.ID, "providers": res.Providers, "units": res.Units,
				}})
			}
			if res.Unchanged {
				app.Println(fmt.Sprintf(app.T("目录内容与已应用的版本 #%d（%s %s，生效日期 %s）相同，未做改变",
					"the content is the same as applied version #%d (%s %s, effective %s); nothing changed"),
					v.ID, v.Jurisdiction, v.Version, v.Effective))
				return nil
			}
			app.Println(fmt.Sprintf(app.T("已应用目录 %s %s：版本 #%d，生效日期 %s，%d 个信息项，内容哈希 %s",
				"applied the %s catalog %s as version #%d, effective %s, %d items, content hash %s"),
				v.Jurisdiction, v.Version, v.ID, v.Effective, len(c.Items), shortHash(v.ContentHash)))
			switch {
			case !hasInForce:
				app.Println(fmt.Sprintf(app.T("今天（%s）还没有生效的版本；本版本自 %s 起生效", "no version is in force today (%s); this one takes effect on %s"), app.Today(), v.Effective))
			case inForce.ID != v.ID:
				app.Println(fmt.Sprintf(app.T("今天（%s）生效的仍是版本 #%d；本版本自 %s 起生效", "today (%s) version #%d stays in force; this one takes effect on %s"),
					app.Today(), inForce.ID, v.Effective))
			}
			if res.Providers+res.Units > 0 {
				app.Println(fmt.Sprintf(app.T("登记了文件所列的 %d 个信息提供单位、%d 个信息使用单位", "registered %d providers and %d user units the file lists"), res.Providers, res.Units))
			}
			return nil
		},
	}
}

func newCatalogCheckCmd(app *App) *cobra.Command {
	return &cobra.Command{
		Use:   "check FILE",
		Short: "只校验目录文件，不应用 / validate a catalog file without applying it",
		Long: `校验目录文件并列出全部错误（文件:行号: 键: 说明），不写数据库。有错误时退出码为 4。

Validates a catalog file and lists every error (file:line: key: message); writes nothing. Exit 4 on errors.`,
		Example: example("credit catalog check my.yaml", "credit catalog check my.yaml --format json"),
		Args:    exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, data, err := readCatalog(app, args[0])
			if err != nil {
				return err
			}
			if app.JSON() {
				return app.Print(&tabular.Table{JSON: map[string]any{
					"file": args[0], "ok": true, "jurisdiction": c.Jurisdiction, "version": c.Version,
					"effective": c.Effective, "items": len(c.Items), "content_hash": store.ContentHash(data), "errors": []any{},
				}})
			}
			app.Println(fmt.Sprintf(app.T("%s 校验通过：%s %s，生效日期 %s，%d 个信息项", "%s is valid: %s %s, effective %s, %d items"),
				args[0], c.Jurisdiction, c.Version, c.Effective, len(c.Items)))
			return nil
		},
	}
}

// versionFor resolves --id (0: the version in force today).
func versionFor(app *App, st *store.Store, id int64) (*catalog.Catalog, store.CatalogVersion, []byte, error) {
	if id == 0 {
		v, ok, err := st.CatalogVersionOn(app.Ctx(), app.Today())
		if err != nil {
			return nil, v, nil, err
		}
		if !ok {
			_, _, err := st.CatalogInForce(app.Ctx(), app.Today())
			return nil, v, nil, err
		}
		id = v.ID
	}
	return st.CatalogByID(app.Ctx(), id)
}

func newCatalogDiffCmd(app *App) *cobra.Command {
	var id int64
	c := &cobra.Command{
		Use:   "diff FILE",
		Short: "比较目录文件与现行版本 / what applying a file would change",
		Long: `列出文件相对于今天（--today）生效的版本的变化：信息项和字段的增加、删除，以及每个键的原值 → 新值，
还有政策与版本信息的变化。不写数据库。

Lists what the file changes against the version in force today (or --id): items and fields added or
removed, and each changed key with its old and new value. Writes nothing.`,
		Example: example(
			"credit catalog diff my.yaml",
			"credit catalog diff my.yaml --format json",
			"credit catalog diff my.yaml --id 1",
		),
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := app.Store()
			if err != nil {
				return err
			}
			nc, _, err := readCatalog(app, args[0])
			if err != nil {
				return err
			}
			old, v, _, err := versionFor(app, st, id)
			var against any
			switch {
			case errors.Is(err, store.ErrNoCatalog):
				old = nil
			case err != nil:
				return err
			default:
				against = map[string]any{"id": v.ID, "jurisdiction": v.Jurisdiction, "version": v.Version, "effective": v.Effective}
			}
			changes := catalog.Diff(old, nc)
			if changes == nil {
				changes = []catalog.Change{}
			}
			t := &tabular.Table{
				Columns: []tabular.Column{
					{Key: "scope", Zh: "范围", En: "Scope"}, {Key: "item", Zh: "信息项", En: "Item"}, {Key: "field", Zh: "字段/代码", En: "Field/code"},
					{Key: "change", Zh: "变化", En: "Change"}, {Key: "key", Zh: "键", En: "Key"}, {Key: "old", Zh: "原值", En: "Old"}, {Key: "new", Zh: "新值", En: "New"},
				},
				JSON: map[string]any{"file": args[0], "against": against, "count": len(changes), "changes": changes},
			}
			for _, ch := range changes {
				what := ch.Field
				if what == "" {
					what = ch.Code
				}
				t.Rows = append(t.Rows, []string{ch.Scope, ch.Item, what, changeLabel(app, ch.Change), ch.Key, ch.Old, ch.New})
			}
			if app.JSON() {
				return app.Print(t)
			}
			if against == nil {
				app.Println(app.T("今天没有生效的目录：文件的全部内容都是新增", "no catalog is in force today: everything in the file is new"))
			} else {
				app.Println(fmt.Sprintf(app.T("与版本 #%d（%s %s，生效日期 %s）比较：", "against version #%d (%s %s, effective %s):"), v.ID, v.Jurisdiction, v.Version, v.Effective))
			}
			if len(changes) == 0 {
				app.Println(app.T("没有变化", "no changes"))
				return nil
			}
			t.Footer = []string{fmt.Sprintf(app.T("共 %d 处变化", "%d change(s)"), len(changes))}
			return app.Print(t)
		},
	}
	c.Flags().Int64Var(&id, "id", 0, "与指定版本比较（默认今天生效的版本）/ compare with this version (default: the one in force)")
	return c
}

func changeLabel(app *App, c string) string {
	switch c {
	case "added":
		return app.T("增加", "added")
	case "removed":
		return app.T("删除", "removed")
	case "changed":
		return app.T("修改", "changed")
	}
	return c
}

func newCatalogListCmd(app *App) *cobra.Command {
	return &cobra.Command{
		Use:     "list",
		Short:   "列出已应用的目录版本 / list the applied catalog versions",
		Args:    noArgs,
		Example: example("credit catalog list", "credit catalog list --today 2019-06-30 --format json"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := app.Store()
			if err != nil {
				return err
			}
			vs, err := st.CatalogVersions(app.Ctx())
			if err != nil {
				return err
			}
			cur, hasCur, err := st.CatalogVersionOn(app.Ctx(), app.Today())
			if err != nil {
				return err
			}
			type row struct {
				store.CatalogVersion
				Status  string `json:"status"`
				InForce bool   `json:"in_force"`
			}
			rows := []row{}
			t := &tabular.Table{Columns: []tabular.Column{
				{Key: "id", Zh: "版本号", En: "ID"}, {Key: "jurisdiction", Zh: "地区", En: "Jurisdiction"}, {Key: "version", Zh: "版本", En: "Version"},
				{Key: "effective", Zh: "生效日期", En: "Effective"}, {Key: "status", Zh: "状态", En: "Status"},
				{Key: "applied_at", Zh: "应用时间", En: "Applied at"}, {Key: "applied_by", Zh: "应用人", En: "By"}, {Key: "content_hash", Zh: "内容哈希", En: "Hash"},
			}}
			for _, v := range vs {
				r := row{CatalogVersion: v, Status: "superseded"}
				switch {
				case hasCur && v.ID == cur.ID:
					r.Status, r.InForce = "in_force", true
				case v.Effective.After(app.Today()):
					r.Status = "pending"
				}
				rows = append(rows, r)
				t.Rows = append(t.Rows, []string{"#" + strconv.FormatInt(v.ID, 10), v.Jurisdiction, v.Version, v.Effective.String(),
					versionStatusLabel(app, r.Status), localTime(v.AppliedAt), v.AppliedBy, shortHash(v.ContentHash)})
			}
			t.JSON = rows
			if !app.JSON() && len(vs) == 0 {
				app.Println(app.T("还没有应用任何目录：用 credit catalog apply FILE 应用", "no catalog applied yet: use credit catalog apply FILE"))
				return nil
			}
			return app.Print(t)
		},
	}
}

func versionStatusLabel(app *App, s string) string {
	switch s {
	case "in_force":
		return app.T("现行 ✓", "in force ✓")
	case "pending":
		return app.T("待生效", "pending")
	}
	return app.T("已被取代", "superseded")
}

func newCatalogShowCmd(app *App) *cobra.Command {
	var id int64
	c := &cobra.Command{
		Use:   "show [CODE]",
		Short: "列出信息项，或显示一个信息项的字段 / list the items, or show one item's fields",
		Long: `不带 CODE：列出今天生效的目录中的信息项。带 CODE：以表格列出该信息项的字段（名称、别名、类型、长度、
必填条件、取值、是否个人信息），--format json 输出一个对象。

Without CODE, lists the items of the catalog in force; with CODE, the item's fields.`,
		Example: example(
			"credit catalog show",
			"credit catalog show XZCF",
			"credit catalog show XZCF --format json",
		),
		Args: rangeArgs(0, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := app.Store()
			if err != nil {
				return err
			}
			cat, v, _, err := versionFor(app, st, id)
			if err != nil {
				return err
			}
			if len(args) == 0 {
				return app.Print(itemsTable(app, cat, v))
			}
			code := strings.ToUpper(strings.TrimSpace(args[0]))
			it := cat.Item(code)
			if it == nil {
				return apperr.Newf(apperr.Usage, "目录版本 #%d 中没有信息项 %s（credit catalog show 列出全部信息项）",
					"catalog version #%d has no item %s (credit catalog show lists them)", v.ID, code)
			}
			return app.Print(itemTable(app, cat, v, it))
		},
	}
	c.Flags().Int64Var(&id, "id", 0, "显示指定版本（默认今天生效的版本）/ show this version (default: the one in force)")
	return c
}

func validityLabel(app *App, cat *catalog.Catalog, it *catalog.Item) string {
	if it.Category == catalog.Negative {
		g, s := cat.ValidityFor(it, catalog.General), cat.ValidityFor(it, catalog.Serious)
		src := ""
		if it.Validity == nil {
			src = app.T("（政策）", " (policy)")
		}
		return fmt.Sprintf(app.T("一般 %s / 严重 %s%s", "general %s / serious %s%s"), g.Label(app.Lang), s.Label(app.Lang), src)
	}
	return cat.ValidityFor(it, catalog.General).Label(app.Lang)
}

func itemsTable(app *App, cat *catalog.Catalog, v store.CatalogVersion) *tabular.Table {
	t := &tabular.Table{
		Title: fmt.Sprintf(app.T("%s 公共信用信息目录 %s（版本 #%d，生效日期 %s）", "%s public credit catalog %s (version #%d, effective %s)"), cat.Jurisdiction, cat.Version, v.ID, v.Effective),
		Columns: []tabular.Column{
			{Key: "code", Zh: "代码", En: "Code"}, {Key: "name", Zh: "信息项", En: "Name"}, {Key: "category", Zh: "分类", En: "Category"},
			{Key: "disclosure", Zh: "公开范围", En: "Disclosure"}, {Key: "update_cycle", Zh: "更新周期", En: "Update cycle"},
			{Key: "validity", Zh: "使用期限", En: "Validity"}, {Key: "retention", Zh: "保存期限", En: "Retention"}, {Key: "fields", Zh: "字段数", En: "Fields"},
		},
	}
	list := []map[string]any{}
	for _, it := range cat.Items {
		cat0 := it.Category.Label(app.Lang)
		if it.Roster != "" {
			cat0 += "·" + catalog.RosterLabel(it.Roster, app.Lang)
		}
		t.Rows = append(t.Rows, []string{it.Code, it.Name, cat0, it.Disclosure.Label(app.Lang), catalog.UpdateCycleLabel(it.UpdateCycle, app.Lang),
			validityLabel(app, cat, it), it.Retention.Label(app.Lang), strconv.Itoa(len(it.Fields))})
		list = append(list, map[string]any{
			"code": it.Code, "name": it.Name, "category": it.Category, "disclosure": it.Disclosure, "update_cycle": it.UpdateCycle,
			"subjects": it.Subjects, "roster": it.Roster, "validity": validityJSON(cat, it), "retention": periodJSON(it.Retention),
			"field_count": len(it.Fields),
		})
	}
	t.JSON = list
	return t
}

func periodJSON(p catalog.Period) string {
	if p.IsZero() {
		return catalog.Permanent
	}
	return p.String()
}

func validityJSON(cat *catalog.Catalog, it *catalog.Item) map[string]string {
	return map[string]string{
		"general": periodJSON(cat.ValidityFor(it, catalog.General)),
		"serious": periodJSON(cat.ValidityFor(it, catalog.Serious)),
	}
}

func requiredLabel(app *App, f *catalog.Field) string {
	switch {
	case f.Required.Always:
		return app.T("必填", "required")
	case f.Required.When != "":
		return fmt.Sprintf(app.T("当 %s = %s", "when %s = %s"), f.Required.When, strings.Join(f.Required.Values(), app.T("或", " or ")))
	}
	return ""
}

func itemTable(app *App, cat *catalog.Catalog, v store.CatalogVersion, it *catalog.Item) *tabular.Table {
	yes := func(b bool) string {
		if b {
			return app.T("是", "yes")
		}
		return ""
	}
	t := &tabular.Table{
		Title: fmt.Sprintf("%s %s · %s · %s", it.Code, it.Name, it.Category.Label(app.Lang), it.Disclosure.Label(app.Lang)),
		Columns: []tabular.Column{
			{Key: "no", Zh: "序号", En: "#"}, {Key: "name", Zh: "字段", En: "Field"}, {Key: "aliases", Zh: "别名", En: "Aliases"},
			{Key: "type", Zh: "类型", En: "Type"}, {Key: "length", Zh: "长度", En: "Length"}, {Key: "required", Zh: "必填", En: "Required"},
			{Key: "values", Zh: "取值", En: "Values"}, {Key: "personal", Zh: "个人信息", En: "Personal"}, {Key: "not_after_today", Zh: "不晚于今天", En: "Not after today"},
		},
	}
	fields := []map[string]any{}
	for i, f := range it.Fields {
		length := ""
		if f.Length > 0 {
			length = strconv.Itoa(f.Length)
		}
		typ := string(f.Type)
		if f.Multiple {
			typ += app.T("（多值）", " (multiple)")
		}
		if f.Unit == catalog.WanYuan {
			typ += app.T("（万元）", " (10k yuan)")
		}
		t.Rows = append(t.Rows, []string{strconv.Itoa(i + 1), f.Name, strings.Join(f.Aliases, ", "), typ, length, requiredLabel(app, f),
			strings.Join(f.Values, "、"), yes(f.Personal), yes(f.NotAfterToday)})
		var when any
		if f.Required.When != "" {
			when = map[string]any{"field": f.Required.When, "values": f.Required.Values()}
		}
		aliases, values := f.Aliases, f.Values
		if aliases == nil {
			aliases = []string{}
		}
		if values == nil {
			values = []string{}
		}
		unit := ""
		if f.Type == catalog.Money {
			unit = catalog.Yuan
			if f.Unit != "" {
				unit = f.Unit
			}
		}
		fields = append(fields, map[string]any{
			"name": f.Name, "aliases": aliases, "type": f.Type, "length": f.Length,
			"required": f.Required.Always, "required_when": when, "values": values, "multiple": f.Multiple,
			"personal": f.Personal, "not_after_today": f.NotAfterToday, "id_type": f.IDType, "unit": unit,
		})
	}
	var rules []map[string]any
	for _, r := range it.Severity.Rules {
		rules = append(rules, map[string]any{"field": r.Field, "contains": r.Contains, "level": r.Level})
	}
	var severity any
	if it.Severity.Default != "" {
		if rules == nil {
			rules = []map[string]any{}
		}
		severity = map[string]any{"default": it.Severity.Default, "rules": rules}
	}
	key := it.Key
	if key == nil {
		key = []string{}
	}
	t.JSON = map[string]any{
		"code": it.Code, "name": it.Name, "category": it.Category, "disclosure": it.Disclosure,
		"subjects": it.Subjects, "update_cycle": it.UpdateCycle, "roster": it.Roster,
		"validity": validityJSON(cat, it), "retention": periodJSON(it.Retention),
		"key": key, "kind_field": it.KindField, "severity": severity,
		"determined_on": determinationJSON(it), "withdrawn_on": it.WithdrawnOn, "valid_through": it.ValidThrough,
		"subject": map[string]any{
			"name": it.Subject.Name, "kind": it.Subject.Kind, "codes": it.Subject.Codes,
			"legal_rep": it.Subject.LegalRep, "legal_rep_id": it.Subject.LegalRepID, "kind_values": it.Subject.KindValues,
		},
		"note":    it.Note,
		"catalog": map[string]any{"id": v.ID, "jurisdiction": cat.Jurisdiction, "version": cat.Version, "effective": cat.Effective},
		"fields":  fields,
	}
	t.Footer = []string{
		app.T("主键：", "key: ") + strings.Join(it.Key, " + "),
		app.T("主体：", "subject: ") + it.Subject.Name + " / " + strings.Join(it.Subject.Codes, app.T("、", ", ")),
		fmt.Sprintf(app.T("更新周期：%s；使用期限：%s；保存期限：%s", "update cycle: %s; validity: %s; retention: %s"),
			catalog.UpdateCycleLabel(it.UpdateCycle, app.Lang), validityLabel(app, cat, it), it.Retention.Label(app.Lang)),
	}
	if it.KindField != "" {
		t.Footer = append(t.Footer, app.T("同类判定字段：", "kind field: ")+it.KindField)
	}
	if det := determinationLabel(app, it); det != "" {
		t.Footer = append(t.Footer, det)
	}
	if it.Severity.Default != "" {
		s := app.T("失信程度：默认", "severity: default ") + it.Severity.Default.Label(app.Lang)
		for _, r := range it.Severity.Rules {
			s += fmt.Sprintf(app.T("；%s 含 %s 时为%s", "; %s containing %s: %s"), r.Field, strings.Join(r.Contains, "、"), r.Level.Label(app.Lang))
		}
		t.Footer = append(t.Footer, s)
	}
	return t
}

func newCatalogExportCmd(app *App) *cobra.Command {
	var out string
	var id int64
	var canonical bool
	c := &cobra.Command{
		Use:   "export [-o FILE]",
		Short: "导出现行目录为 YAML（可编辑后再应用）/ export the catalog in force as YAML, to edit and apply",
		Long: `写出今天（--today）生效的目录版本（或 --id 指定的版本），格式与 apply 接受的完全相同。
默认写出应用时的原文（保留注释）；--canonical 按统一格式重新生成（不含注释）。不加 -o 则写到标准输出。

Writes the catalog version in force today (or --id) in the very format apply reads: by default the
text as applied (comments kept), with --canonical a regenerated file. Without -o, to stdout.`,
		Example: example(
			"credit catalog export -o my.yaml",
			"credit catalog export --canonical > canonical.yaml",
			"credit catalog export --id 1 -o old.yaml",
		),
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := app.Store()
			if err != nil {
				return err
			}
			cat, v, text, err := versionFor(app, st, id)
			if err != nil {
				return err
			}
			if canonical {
				text = catalog.Marshal(cat)
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
			app.Warn(fmt.Sprintf(app.T("已导出版本 #%d（%s %s）到 %s", "exported version #%d (%s %s) to %s"), v.ID, v.Jurisdiction, v.Version, out))
			return nil
		},
	}
	c.Flags().StringVarP(&out, "output", "o", "", "写入文件 / write to this file")
	c.Flags().Int64Var(&id, "id", 0, "导出指定版本（默认今天生效的版本）/ export this version (default: the one in force)")
	c.Flags().BoolVar(&canonical, "canonical", false, "按统一格式重新生成（不含注释）/ regenerate in the canonical layout (no comments)")
	return c
}

// requireYAMLName refuses -o names whose extension promises another format:
// the catalog and the measures are exported in the YAML that apply reads.
func requireYAMLName(path string) error {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".yaml", ".yml":
		return nil
	}
	return apperr.Newf(apperr.Usage, "-o %s：导出格式是 YAML（apply 读取的格式），请用 .yaml 或 .yml 文件名", "-o %s: the export is YAML (what apply reads); use a .yaml or .yml name", path)
}

// determinationJSON lists the item's 认定 date fields in order, each with
// whether it is the text's date or a fallback the office chose.
func determinationJSON(it *catalog.Item) []map[string]any {
	out := []map[string]any{}
	for i, f := range it.DeterminationFields() {
		out = append(out, map[string]any{"field": f, "office_rule": it.DeterminationFallback(i)})
	}
	return out
}

// determinationLabel says where validity counts from (第三十条), marking the
// fallbacks as office rules.
func determinationLabel(app *App, it *catalog.Item) string {
	fields := it.DeterminationFields()
	if len(fields) == 0 {
		return ""
	}
	parts := make([]string, len(fields))
	for i, f := range fields {
		parts[i] = f
		if it.DeterminationFallback(i) {
			parts[i] += app.T("（缺失时的替代，本办公室规则）", " (fallback when missing: office rule)")
		}
	}
	s := app.T("认定日期（第三十条，使用期限自此起算）：", "determination date (第三十条, validity counts from it): ") + strings.Join(parts, app.T(" → ", " → "))
	if it.WithdrawnOn != "" {
		s += app.T("；认定单位撤销日期：", "; withdrawn by the determining body on: ") + it.WithdrawnOn
	}
	if it.ValidThrough != "" {
		s += app.T("；记录自身的有效期至：", "; the record's own last valid day: ") + it.ValidThrough + app.T("（只缩短、不延长上述期限）", " (shortens the period, never lengthens it)")
	}
	return s
}
