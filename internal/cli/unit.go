package cli

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"credit/internal/apperr"
	"credit/internal/catalog"
	"credit/internal/civil"
	"credit/internal/ident"
	"credit/internal/operator"
	"credit/internal/serve"
	"credit/internal/store"
	"credit/internal/tabular"
)

func init() { registerNoun("unit", newUnitCmd) }

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
	c.AddCommand(add, list, show, newUnitTokenCmd(app))
	return c
}

// newUnitTokenCmd manages user units' API tokens for credit serve's HTTP
// API (第二十条 嵌入式接口调用): shown once, stored hashed, expiring,
// revocable, optionally limited to addresses.
func newUnitTokenCmd(app *App) *cobra.Command {
	c := &cobra.Command{
		Use:   "token",
		Short: "信息使用单位的 API 令牌（管理员）/ user units' API tokens (admin)",
		Long: `信息使用单位经 credit serve 的 HTTP 接口查询时，用 Authorization: Bearer 令牌 识别。令牌只在生成时显示一次
（标准输出只有令牌本身，说明在标准错误），数据库只保存它的 SHA-256 哈希；可设到期日（--expires，当天仍有效）和
允许的地址（--allow CIDR）；吊销立即生效，记录保留。list 列出每个令牌的最近使用时间和次数（来自查询记录）。

Tokens for the HTTP API: printed once on stdout (alone), stored hashed; --expires (last valid day),
--allow CIDRs; revocation is immediate and kept on record; list shows last use from the query log.`,
	}
	var expires, allow string
	add := &cobra.Command{
		Use:   "add UNIT [--expires DATE] [--allow CIDR,...]",
		Short: "为信息使用单位生成令牌（只显示一次）/ make a token for a unit (shown once)",
		Example: example(
			"credit unit token add 113206000140000015 --expires 2027-12-31 --allow 10.20.0.0/16 > token.txt",
		),
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			st, actor, err := app.Writer(operator.Admin)
			if err != nil {
				return err
			}
			code := ident.NormalizeCode(args[0])
			u, ok, err := st.Unit(app.Ctx(), code)
			if err != nil {
				return err
			}
			if !ok {
				return apperr.Newf(apperr.Rule, "%s 不是已登记的信息使用单位：请先用 credit unit add 登记（第二十条）", "%s is not a registered user unit: register it with credit unit add first", code)
			}
			exp, err := parseDateFlag("expires", expires, civil.Date{})
			if err != nil {
				return err
			}
			if !exp.IsZero() && exp.Before(app.Today()) {
				return apperr.Newf(apperr.Usage, "--expires %s 早于今天：令牌生成即已到期", "--expires %s is before today: the token would be expired at once", exp)
			}
			allowNorm, err := serve.ParseAllow(allow)
			if err != nil {
				return err
			}
			tok, hash, err := serve.NewToken()
			if err != nil {
				return err
			}
			k := store.APIToken{Unit: u.Code, Hash: hash, Allow: allowNorm}
			if !exp.IsZero() {
				k.Expires = exp.String()
			}
			var id int64
			err = st.Write(app.Ctx(), actor, func(tx *store.Tx) error {
				var err error
				if id, err = tx.AddAPIToken(k); err != nil {
					return err
				}
				return tx.Audit("unit.token.add", fmt.Sprintf("api_token:%d", id), map[string]any{"unit": u.Code, "expires": k.Expires, "allow": k.Allow})
			})
			if err != nil {
				return err
			}
			fmt.Fprintln(app.Out, tok)
			app.Warn(fmt.Sprintf(app.T("已为 %s %s 生成令牌 %d（到期：%s；允许地址：%s）。令牌只显示这一次，请妥善交给该单位。",
				"token %d made for %s %s (expires: %s; addresses: %s). It is shown this once only; hand it to the unit safely."),
				tokenArgs(app, u.Code, u.Name, id, k.Expires, k.Allow)...))
			return nil
		},
	}
	add.Flags().StringVar(&expires, "expires", "", "最后有效日（YYYY-MM-DD），不给则不到期 / last valid day")
	add.Flags().StringVar(&allow, "allow", "", "允许使用的地址（CIDR，逗号分隔），不给则不限 / allowed addresses (CIDRs)")
	var unit string
	list := &cobra.Command{
		Use:     "list [--unit UNIT]",
		Short:   "列出令牌及其最近使用（管理员）/ list tokens with their last use (admin)",
		Args:    noArgs,
		Example: example("credit unit token list", "credit unit token list --unit 113206000140000015 --format json"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := app.Store()
			if err != nil {
				return err
			}
			if _, err := app.Require(operator.Admin); err != nil {
				return err
			}
			ks, err := st.APITokens(app.Ctx(), ident.NormalizeCode(unit))
			if err != nil {
				return err
			}
			type row struct {
				store.APIToken
				State serve.TokenState `json:"state"`
			}
			out := []row{}
			t := &tabular.Table{Columns: []tabular.Column{{Key: "id", Zh: "编号", En: "ID"}, {Key: "unit", Zh: "单位", En: "Unit"},
				{Key: "state", Zh: "状态", En: "State"}, {Key: "expires", Zh: "最后有效日", En: "Expires"}, {Key: "allow", Zh: "允许地址", En: "Allowed"},
				{Key: "created_at", Zh: "生成时间", En: "Created"}, {Key: "last_used", Zh: "最近使用", En: "Last used"}, {Key: "uses", Zh: "使用次数", En: "Uses"}}}
			for _, k := range ks {
				state := serve.StateOf(k, app.Today())
				out = append(out, row{k, state})
				label := map[serve.TokenState]string{serve.TokenValid: app.T("有效", "valid"), serve.TokenRevoked: app.T("已吊销", "revoked"), serve.TokenExpired: app.T("已到期", "expired")}[state]
				t.Rows = append(t.Rows, []string{fmt.Sprint(k.ID), k.Unit, label, k.Expires, k.Allow, localTime(k.CreatedAt), localTime(k.LastUsed), fmt.Sprint(k.Uses)})
			}
			t.JSON = out
			return app.Print(t)
		},
	}
	list.Flags().StringVar(&unit, "unit", "", "只列这个单位的 / one unit's only")
	revoke := &cobra.Command{
		Use:     "revoke ID",
		Short:   "吊销令牌（立即生效，记录保留）/ revoke a token (immediately; kept on record)",
		Args:    exactArgs(1),
		Example: example("credit unit token revoke 3"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := strconv.ParseInt(args[0], 10, 64)
			if err != nil || id <= 0 {
				return apperr.Newf(apperr.Usage, "令牌编号 %q 无效（见 credit unit token list）", "token id %q is not valid (see credit unit token list)", args[0])
			}
			st, actor, err := app.Writer(operator.Admin)
			if err != nil {
				return err
			}
			var k store.APIToken
			already := false
			err = st.Write(app.Ctx(), actor, func(tx *store.Tx) error {
				var ok bool
				var err error
				if k, ok, err = tx.RevokeAPIToken(id); err != nil {
					return err
				} else if !ok {
					return apperr.Newf(apperr.Usage, "没有编号为 %d 的令牌（见 credit unit token list）", "no token %d (see credit unit token list)", id)
				}
				if already = k.RevokedAt != tx.At; already {
					return nil
				}
				return tx.Audit("unit.token.revoke", fmt.Sprintf("api_token:%d", id), map[string]any{"unit": k.Unit})
			})
			if err != nil {
				return err
			}
			if already {
				app.Println(fmt.Sprintf(app.T("令牌 %d 已于 %s 吊销，未做改变", "token %d was revoked at %s already; nothing changed"), id, localTime(k.RevokedAt)))
				return nil
			}
			app.Println(fmt.Sprintf(app.T("已吊销 %s 的令牌 %d", "revoked token %[2]d of %[1]s"), k.Unit, id))
			return nil
		},
	}
	c.AddCommand(add, list, revoke)
	return c
}

func tokenArgs(app *App, code, name string, id int64, expires, allow string) []any {
	if expires == "" {
		expires = app.T("不到期", "never")
	}
	if allow == "" {
		allow = app.T("不限", "any")
	}
	if app.Lang == "en" {
		return []any{id, code, name, expires, allow}
	}
	return []any{code, name, id, expires, allow}
}
