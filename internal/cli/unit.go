package cli

import (
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

func init() { register(newUnitCmd) }

func newUnitCmd(app *App) *cobra.Command {
	c := &cobra.Command{
		Use:   "unit",
		Short: "信息使用单位 / user units (bodies that query records and apply measures)",
		Long: `信息使用单位（第六条、第二十条）以统一社会信用代码登记；--items 列出它可以查看的政府共享信息项
（SPEC §C：共享范围 = 社会公开信息项 + 登记的共享信息项）。

User units are registered by their 统一社会信用代码; --items lists the shared (政府共享) items
they may see in the shared scope, besides the public ones.`,
	}
	var name, items string
	add := &cobra.Command{
		Use:   "add CODE --name NAME [--items ...]",
		Short: "登记信息使用单位，或为其增加可查看的信息项（管理员）/ register a user unit or add items to it (admin)",
		Example: example(
			"credit unit add 113206000140000015 --name 南通市发展和改革委员会 --items XZQZ,XYCN",
		),
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			st, actor, err := app.Writer(operator.Admin)
			if err != nil {
				return err
			}
			code, err := parseDeptCode("信息使用单位", args[0])
			if err != nil {
				return err
			}
			prev, exists, err := st.Unit(app.Ctx(), code)
			if err != nil {
				return err
			}
			name = strings.TrimSpace(name)
			if !exists && name == "" {
				return apperr.Newf(apperr.Usage, "新登记的信息使用单位需要 --name", "a new user unit needs --name")
			}
			codes, cat, _, err := parseItemList(app, st, items)
			if err != nil {
				return err
			}
			// Only shared items widen what a unit sees; say so for the others.
			for _, c := range codes {
				switch it := cat.Item(c); it.Disclosure {
				case catalog.Public:
					app.Warn(fmt.Sprintf(app.T("注意：%s %s 是社会公开信息，任何单位都能查看", "note: %s %s is public; every unit sees it anyway"), c, it.Name))
				case catalog.Authorized:
					app.Warn(fmt.Sprintf(app.T("注意：%s %s 是授权查询信息，查看时仍需信息主体授权（--authorization）", "note: %s %s is authorized-only; a lookup still needs the subject's authorization (--authorization)"), c, it.Name))
				}
			}
			var added []string
			err = st.Write(app.Ctx(), actor, func(tx *store.Tx) error {
				var err error
				if _, added, err = tx.PutUnit(code, name, codes); err != nil {
					return err
				}
				return tx.Audit("unit.add", "unit:"+code, map[string]any{"new": !exists, "name": name, "items_added": added})
			})
			if err != nil {
				return err
			}
			u, _, err := st.Unit(app.Ctx(), code)
			if err != nil {
				return err
			}
			if app.JSON() {
				if added == nil {
					added = []string{}
				}
				return app.Print(&tabular.Table{JSON: map[string]any{"code": u.Code, "name": u.Name, "items": u.Items, "items_added": added, "new": !exists}})
			}
			switch {
			case !exists:
				app.Println(fmt.Sprintf(app.T("已登记信息使用单位 %s %s", "registered user unit %s %s"), u.Code, u.Name))
			case len(added) == 0 && prev.Name == u.Name:
				app.Println(fmt.Sprintf(app.T("信息使用单位 %s %s 已登记，未做改变", "user unit %s %s is registered already; nothing changed"), u.Code, u.Name))
			default:
				app.Println(fmt.Sprintf(app.T("已更新信息使用单位 %s %s", "updated user unit %s %s"), u.Code, u.Name))
			}
			if len(added) > 0 {
				app.Println(app.T("新增可查看的信息项：", "items added: ") + itemNames(cat, added, app.Lang))
			}
			return nil
		},
	}
	add.Flags().StringVar(&name, "name", "", "单位名称 / the unit's name")
	add.Flags().StringVar(&items, "items", "", "可查看的共享信息项代码，逗号分隔 / shared item codes it may see, comma-separated")

	list := &cobra.Command{
		Use:     "list",
		Short:   "列出信息使用单位 / list user units",
		Args:    noArgs,
		Example: example("credit unit list", "credit unit list --format json"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := app.Store()
			if err != nil {
				return err
			}
			if _, err := app.Require(operator.Viewer); err != nil {
				return err
			}
			us, err := st.Units(app.Ctx())
			if err != nil {
				return err
			}
			t := &tabular.Table{
				Columns: []tabular.Column{{Key: "code", Zh: "统一社会信用代码", En: "Code"}, {Key: "name", Zh: "名称", En: "Name"},
					{Key: "items", Zh: "可查看的信息项", En: "Items"}, {Key: "created_at", Zh: "登记时间", En: "Registered"}},
				JSON: us,
			}
			for _, u := range us {
				t.Rows = append(t.Rows, []string{u.Code, u.Name, strings.Join(u.Items, ","), localTime(u.CreatedAt)})
			}
			if !app.JSON() && len(us) == 0 {
				app.Println(app.T("还没有登记信息使用单位：用 credit unit add 登记", "no user units registered: use credit unit add"))
				return nil
			}
			return app.Print(t)
		},
	}
	show := &cobra.Command{
		Use:     "show CODE",
		Short:   "显示信息使用单位及其可查看的信息项 / show a user unit and its items",
		Args:    exactArgs(1),
		Example: example("credit unit show 113206000140000015 --format json"),
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := app.Store()
			if err != nil {
				return err
			}
			if _, err := app.Require(operator.Viewer); err != nil {
				return err
			}
			code := ident.NormalizeCode(args[0])
			u, ok, err := st.Unit(app.Ctx(), code)
			if err != nil {
				return err
			}
			if !ok {
				return apperr.Newf(apperr.Usage, "没有登记信息使用单位 %s（credit unit list 列出全部）", "no user unit %s is registered (credit unit list shows them)", code)
			}
			cat, _, _ := st.CatalogInForce(app.Ctx(), app.Today())
			return app.Print(registryTable(app, cat, u.Code, u.Name, "", u.Items, localTime(u.CreatedAt), u.CreatedBy,
				map[string]any{"code": u.Code, "name": u.Name, "created_at": u.CreatedAt, "created_by": u.CreatedBy}))
		},
	}
	c.AddCommand(add, list, show)
	return c
}
