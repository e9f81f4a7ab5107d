package cli

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"credit/internal/apperr"
	"credit/internal/catalog"
	"credit/internal/ident"
	"credit/internal/operator"
	"credit/internal/store"
	"credit/internal/tabular"
)

func init() { registerNoun("provider", newProviderCmd) }

// parseDeptCode validates a department's 统一社会信用代码 (providers and units
// are registered by it); the error names what, and exits 5.
func parseDeptCode(what, s string) (string, error) {
	u, err := ident.ParseUSCC(s)
	if err != nil {
		zh, en := err.Error(), err.Error()
		var ae *apperr.Error
		if errors.As(err, &ae) {
			zh, en = ae.Zh, ae.En
		}
		return "", &apperr.Error{Code: apperr.Rule, Err: err,
			Zh: fmt.Sprintf("%s代码 %s 不是有效的统一社会信用代码：%s", what, s, zh),
			En: fmt.Sprintf("%s code %s is not a valid unified social credit code: %s", whatEn(what), s, en)}
	}
	return u.String(), nil
}

func whatEn(zh string) string {
	if zh == "信息使用单位" {
		return "user unit"
	}
	return "provider"
}

// parseItemList reads --items XZCF,XZXK (also separated by ， or 、) and checks
// every code against the catalog in force today. It returns the catalog too.
func parseItemList(app *App, st *store.Store, list string) ([]string, *catalog.Catalog, int64, error) {
	var codes []string
	for _, s := range strings.FieldsFunc(list, func(r rune) bool { return r == ',' || r == '，' || r == '、' || r == ' ' }) {
		c := strings.ToUpper(strings.TrimSpace(s))
		if c != "" && !containsStr(codes, c) {
			codes = append(codes, c)
		}
	}
	cat, id, err := st.CatalogInForce(app.Ctx(), app.Today())
	if err != nil {
		if len(codes) == 0 && errors.Is(err, store.ErrNoCatalog) {
			return nil, nil, 0, nil
		}
		return nil, nil, 0, err
	}
	var unknown []string
	for _, c := range codes {
		if cat.Item(c) == nil {
			unknown = append(unknown, c)
		}
	}
	if len(unknown) > 0 {
		known := make([]string, len(cat.Items))
		for i, it := range cat.Items {
			known[i] = it.Code
		}
		return nil, nil, 0, apperr.Newf(apperr.Rule, "今天生效的目录（版本 #%d）中没有信息项 %s（可用：%s）",
			"the catalog in force today (version #%d) has no item %s (known: %s)",
			id, strings.Join(unknown, "、"), strings.Join(known, "、"))
	}
	return codes, cat, id, nil
}

func containsStr(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func itemNames(cat *catalog.Catalog, codes []string, lang string) string {
	var parts []string
	for _, c := range codes {
		if cat != nil {
			if it := cat.Item(c); it != nil {
				parts = append(parts, c+" "+it.Name)
				continue
			}
		}
		parts = append(parts, c)
	}
	if lang == "en" {
		return strings.Join(parts, ", ")
	}
	return strings.Join(parts, "、")
}

func levelLabel(app *App, l string) string {
	switch l {
	case "city":
		return app.T("市级", "city")
	case "county":
		return app.T("县（市）区级", "county")
	}
	return l
}

func newProviderCmd(app *App) *cobra.Command {
	c := &cobra.Command{
		Use:   "provider",
		Short: "信息提供单位 / providers (departments that supply records)",
		Long: `信息提供单位（第六条、第十六条）以统一社会信用代码登记，并列出它报送的信息项。

Providers are registered by their 统一社会信用代码 with the items they supply.`,
	}
	var name, level, items string
	add := &cobra.Command{
		Use:   "add CODE --name NAME [--level city|county] [--items XZCF,XZXK]",
		Short: "登记信息提供单位，或为其增加信息项（管理员）/ register a provider or add items to it (admin)",
		Long: `CODE 是该部门的统一社会信用代码（校验码不对则拒绝，退出码 5）。信息项必须在今天生效的目录中。
对已登记的单位再次 add：增加信息项（已有的保留）；给出 --name / --level 则更新。

CODE is the department's unified social credit code (checked; exit 5 when invalid). Items must be in
the catalog in force. Adding an existing provider adds items (never removes) and updates --name/--level.`,
		Example: example(
			"credit provider add 113206000140000015 --name 南通市市场监督管理局 --items XZCF,XZXK",
			"credit provider add 113206000140000015 --items XZQZ",
		),
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if level != "" && level != "city" && level != "county" {
				return apperr.Newf(apperr.Usage, "--level %q 无效，应为 city 或 county", "--level %q is not valid: use city or county", level)
			}
			st, actor, err := app.Writer(operator.Admin)
			if err != nil {
				return err
			}
			code, err := parseDeptCode("信息提供单位", args[0])
			if err != nil {
				return err
			}
			prev, exists, err := st.Provider(app.Ctx(), code)
			if err != nil {
				return err
			}
			name = strings.TrimSpace(name)
			if !exists && name == "" {
				return apperr.Newf(apperr.Usage, "新登记的信息提供单位需要 --name", "a new provider needs --name")
			}
			codes, cat, _, err := parseItemList(app, st, items)
			if err != nil {
				return err
			}
			var added []string
			err = st.Write(app.Ctx(), actor, func(tx *store.Tx) error {
				var err error
				if _, added, err = tx.PutProvider(code, name, level, codes); err != nil {
					return err
				}
				return tx.Audit("provider.add", "provider:"+code, map[string]any{
					"new": !exists, "name": name, "level": level, "items_added": added,
				})
			})
			if err != nil {
				return err
			}
			p, _, err := st.Provider(app.Ctx(), code)
			if err != nil {
				return err
			}
			if app.JSON() {
				if added == nil {
					added = []string{}
				}
				return app.Print(&tabular.Table{JSON: map[string]any{"code": p.Code, "name": p.Name, "level": p.Level, "items": p.Items, "items_added": added, "new": !exists}})
			}
			switch {
			case !exists:
				app.Println(fmt.Sprintf(app.T("已登记信息提供单位 %s %s（%s）", "registered provider %s %s (%s)"), p.Code, p.Name, levelLabel(app, p.Level)))
			case len(added) == 0 && prev.Name == p.Name && prev.Level == p.Level:
				app.Println(fmt.Sprintf(app.T("信息提供单位 %s %s 已登记，未做改变", "provider %s %s is registered already; nothing changed"), p.Code, p.Name))
			default:
				app.Println(fmt.Sprintf(app.T("已更新信息提供单位 %s %s（%s）", "updated provider %s %s (%s)"), p.Code, p.Name, levelLabel(app, p.Level)))
			}
			if len(added) > 0 {
				app.Println(app.T("新增信息项：", "items added: ") + itemNames(cat, added, app.Lang))
			}
			return nil
		},
	}
	add.Flags().StringVar(&name, "name", "", "单位名称 / the department's name")
	add.Flags().StringVar(&level, "level", "", "级别 city|county（新登记默认 city）/ level (default city)")
	add.Flags().StringVar(&items, "items", "", "报送的信息项代码，逗号分隔 / item codes it supplies, comma-separated")

	list := &cobra.Command{
		Use:     "list",
		Short:   "列出信息提供单位 / list providers",
		Args:    noArgs,
		Example: example("credit provider list", "credit provider list --format json"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := app.Store()
			if err != nil {
				return err
			}
			if _, err := app.Require(operator.Viewer); err != nil {
				return err
			}
			ps, err := st.Providers(app.Ctx())
			if err != nil {
				return err
			}
			t := &tabular.Table{
				Columns: []tabular.Column{{Key: "code", Zh: "统一社会信用代码", En: "Code"}, {Key: "name", Zh: "名称", En: "Name"},
					{Key: "level", Zh: "级别", En: "Level"}, {Key: "items", Zh: "信息项", En: "Items"}, {Key: "created_at", Zh: "登记时间", En: "Registered"}},
				JSON: ps,
			}
			for _, p := range ps {
				t.Rows = append(t.Rows, []string{p.Code, p.Name, levelLabel(app, p.Level), strings.Join(p.Items, ","), localTime(p.CreatedAt)})
			}
			if !app.JSON() && len(ps) == 0 {
				app.Println(app.T("还没有登记信息提供单位：用 credit provider add 登记", "no providers registered: use credit provider add"))
				return nil
			}
			return app.Print(t)
		},
	}
	show := &cobra.Command{
		Use:     "show CODE",
		Short:   "显示信息提供单位及其信息项 / show a provider and its items",
		Args:    exactArgs(1),
		Example: example("credit provider show 113206000140000015", "credit provider show 113206000140000015 --format json"),
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := app.Store()
			if err != nil {
				return err
			}
			if _, err := app.Require(operator.Viewer); err != nil {
				return err
			}
			code := ident.NormalizeCode(args[0])
			p, ok, err := st.Provider(app.Ctx(), code)
			if err != nil {
				return err
			}
			if !ok {
				return apperr.Newf(apperr.Usage, "没有登记信息提供单位 %s（credit provider list 列出全部）", "no provider %s is registered (credit provider list shows them)", code)
			}
			cat, _, _ := st.CatalogInForce(app.Ctx(), app.Today())
			t := registryTable(app, cat, p.Code, p.Name, levelLabel(app, p.Level), p.Items, localTime(p.CreatedAt), p.CreatedBy,
				map[string]any{"code": p.Code, "name": p.Name, "level": p.Level, "created_at": p.CreatedAt, "created_by": p.CreatedBy})
			if err := addProviderLight(app, st, cat, p.Code, t); err != nil {
				return err
			}
			return app.Print(t)
		},
	}
	c.AddCommand(add, list, show)
	return c
}

// registryTable shows a provider or unit: one row per item, with the item's
// name and disclosure from the catalog in force (or a note that it left it).
func registryTable(app *App, cat *catalog.Catalog, code, name, level string, items []string, at, by string, obj map[string]any) *tabular.Table {
	title := code + " " + name
	if level != "" {
		title += "（" + level + "）"
	}
	t := &tabular.Table{
		Title: title,
		Columns: []tabular.Column{{Key: "item", Zh: "信息项", En: "Item"}, {Key: "name", Zh: "名称", En: "Name"},
			{Key: "category", Zh: "分类", En: "Category"}, {Key: "disclosure", Zh: "公开范围", En: "Disclosure"}},
		Footer: []string{fmt.Sprintf(app.T("登记时间 %s，登记人 %s", "registered %s by %s"), at, by)},
	}
	list := []map[string]any{}
	for _, code := range items {
		m := map[string]any{"code": code, "in_catalog": false}
		row := []string{code, app.T("（不在现行目录中）", "(not in the catalog in force)"), "", ""}
		if cat != nil {
			if it := cat.Item(code); it != nil {
				m = map[string]any{"code": code, "name": it.Name, "category": it.Category, "disclosure": it.Disclosure, "in_catalog": true}
				row = []string{code, it.Name, it.Category.Label(app.Lang), it.Disclosure.Label(app.Lang)}
			}
		}
		list = append(list, m)
		t.Rows = append(t.Rows, row)
	}
	obj["items"] = list
	t.JSON = obj
	return t
}
