package cli

import (
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/spf13/cobra"

	"credit/internal/apperr"
	"credit/internal/operator"
	"credit/internal/serve"
	"credit/internal/store"
	"credit/internal/tabular"
)

func init() { registerNoun("user", newUserCmd) }

func newUserCmd(app *App) *cobra.Command {
	c := &cobra.Command{
		Use:   "user",
		Short: "操作员与角色 / operators and roles",
		Long: `操作员默认是操作系统登录名。角色由高到低：admin（管理员）⊇ reviewer（审核）⊇ clerk（经办）⊇ viewer（查看），
高角色拥有低角色的全部权限。

Operators are OS login names. Roles: admin ⊇ reviewer ⊇ clerk ⊇ viewer.`,
	}
	var role string
	add := &cobra.Command{
		Use:     "add NAME --role ROLE",
		Short:   "添加操作员或修改其角色（管理员）/ add an operator or change its role (admin)",
		Args:    exactArgs(1),
		Example: example("credit user add zhangsan --role clerk", "credit user add lisi --role reviewer"),
		RunE: func(c *cobra.Command, args []string) error {
			r, err := operator.ParseRole(role)
			if err != nil {
				return err
			}
			if err := operator.ValidateName(args[0]); err != nil {
				return err
			}
			st, actor, err := app.Writer(operator.Admin)
			if err != nil {
				return err
			}
			var prev operator.Role
			err = st.Write(app.Ctx(), actor, func(tx *store.Tx) error {
				var err error
				if prev, err = tx.PutUser(args[0], r); err != nil {
					return err
				}
				// The store must keep an administrator, or nobody could
				// ever apply a catalog, add a user or load a calendar again.
				if prev == operator.Admin && r != operator.Admin {
					if n, err := tx.CountAdmins(); err != nil {
						return err
					} else if n == 0 {
						return apperr.Newf(apperr.Rule, "%s 是最后一位管理员，不能改为 %s：请先把另一位操作员设为管理员",
							"%s is the last administrator and cannot become %s: make someone else admin first", args[0], r)
					}
				}
				return tx.Audit("user.add", "user:"+args[0], map[string]any{"role": r, "previous": prev})
			})
			if err != nil {
				return err
			}
			if app.JSON() {
				return app.Print(&tabular.Table{JSON: map[string]any{"name": args[0], "role": r, "previous_role": prev}})
			}
			if prev == operator.None {
				app.Println(fmt.Sprintf(app.T("已添加操作员 %s，角色 %s（%s）", "added operator %s as %s (%s)"), args[0], r, r.Label()))
			} else {
				app.Println(fmt.Sprintf(app.T("操作员 %s 的角色由 %s 改为 %s", "operator %s: role changed from %s to %s"), args[0], prev, r))
			}
			return nil
		},
	}
	add.Flags().StringVar(&role, "role", "clerk", "角色 admin|reviewer|clerk|viewer / role")
	list := &cobra.Command{
		Use:     "list",
		Short:   "列出操作员 / list operators",
		Args:    noArgs,
		Example: example("credit user list", "credit user list --format json"),
		RunE: func(c *cobra.Command, _ []string) error {
			st, err := app.Store()
			if err != nil {
				return err
			}
			users, err := st.Users(app.Ctx())
			if err != nil {
				return err
			}
			t := &tabular.Table{
				Columns: []tabular.Column{{Key: "name", Zh: "操作员", En: "Name"}, {Key: "role", Zh: "角色", En: "Role"}, {Key: "created_at", Zh: "创建时间", En: "Created"}, {Key: "created_by", Zh: "创建人", En: "By"}},
				JSON:    users,
			}
			if users == nil {
				t.JSON = []store.User{}
			}
			for _, u := range users {
				t.Rows = append(t.Rows, []string{u.Name, app.T(string(u.Role)+"（"+u.Role.Label()+"）", string(u.Role)), localTime(u.CreatedAt), u.CreatedBy})
			}
			return app.Print(t)
		},
	}
	c.AddCommand(add, list, newUserKeyCmd(app))
	return c
}

// newUserKeyCmd manages the SSH public keys that identify operators to
// credit serve (issue 18): a key is one operator's; only administrators
// add and remove them; nothing is deleted (a removed key keeps its row).
func newUserKeyCmd(app *App) *cobra.Command {
	c := &cobra.Command{
		Use:   "key",
		Short: "操作员的 SSH 公钥（credit serve 凭它识别操作员，管理员）/ operators' SSH public keys for credit serve (admin)",
		Long: `经 SSH 登录 credit serve 的操作员由其公钥识别：ssh 登录时用的名字不起作用，密钥属于谁，就以谁的身份和角色操作。
只有管理员可以登记和移除公钥；移除的公钥保留记录（移除时间和移除人），立即不能再登录。

Operators logging into credit serve are identified by their public key alone: whoever the key
belongs to acts, with their role. Only administrators add and remove keys; removed keys stay on record.`,
	}
	add := &cobra.Command{
		Use:   "add NAME FILE|-",
		Short: "为操作员登记一把公钥（.pub 文件，或 - 从标准输入读入）/ add a public key for an operator",
		Example: example(
			"credit user key add zhangsan /tmp/zhangsan_id_ed25519.pub",
			"ssh-keygen -y -f id_ed25519 | credit user key add zhangsan -",
		),
		Args: exactArgs(2),
		RunE: func(c *cobra.Command, args []string) error {
			st, actor, err := app.Writer(operator.Admin)
			if err != nil {
				return err
			}
			var text []byte
			if args[1] == "-" {
				text, err = io.ReadAll(io.LimitReader(app.In, 64<<10))
			} else {
				text, err = os.ReadFile(args[1])
			}
			if err != nil {
				return apperr.Wrap(err, apperr.Usage, "无法读取公钥文件 "+args[1], "cannot read the key file "+args[1])
			}
			k, err := serve.ParseKey(text)
			if err != nil {
				return err
			}
			var id int64
			err = st.Write(app.Ctx(), actor, func(tx *store.Tx) error {
				if _, known, err := st.UserRole(app.Ctx(), args[0]); err != nil {
					return err
				} else if !known {
					return apperr.Newf(apperr.Rule, "没有操作员 %s：请先用 credit user add 添加", "no operator %s: add them with credit user add first", args[0])
				}
				if prev, ok, err := tx.LiveKeyByFingerprint(k.Fingerprint); err != nil {
					return err
				} else if ok {
					return apperr.Newf(apperr.Rule, "这把公钥（%s）已登记给操作员 %s（编号 %d）：一把密钥只能属于一名操作员，请先移除",
						"this key (%s) is already %s's (id %d): a key belongs to one operator; remove it first", k.Fingerprint, prev.User, prev.ID)
				}
				var err error
				if id, err = tx.AddUserKey(store.UserKey{User: args[0], Fingerprint: k.Fingerprint, PublicKey: k.Line, Comment: k.Comment}); err != nil {
					return err
				}
				return tx.Audit("user.key.add", fmt.Sprintf("user_key:%d", id), map[string]any{"user": args[0], "fingerprint": k.Fingerprint})
			})
			if err != nil {
				return err
			}
			if app.JSON() {
				return app.Print(&tabular.Table{JSON: map[string]any{"id": id, "user": args[0], "fingerprint": k.Fingerprint}})
			}
			app.Println(fmt.Sprintf(app.T("已为操作员 %s 登记公钥 %d（%s）", "operator %s: added key %d (%s)"), args[0], id, k.Fingerprint))
			return nil
		},
	}
	var all bool
	list := &cobra.Command{
		Use:     "list",
		Short:   "列出登记的公钥（管理员）/ list the keys (admin)",
		Args:    noArgs,
		Example: example("credit user key list", "credit user key list --all --format json"),
		RunE: func(c *cobra.Command, _ []string) error {
			st, err := app.Store()
			if err != nil {
				return err
			}
			if _, err := app.Require(operator.Admin); err != nil {
				return err
			}
			keys, err := st.UserKeys(app.Ctx(), all)
			if err != nil {
				return err
			}
			t := &tabular.Table{Columns: []tabular.Column{{Key: "id", Zh: "编号", En: "ID"}, {Key: "user", Zh: "操作员", En: "Operator"},
				{Key: "fingerprint", Zh: "指纹", En: "Fingerprint"}, {Key: "comment", Zh: "注释", En: "Comment"},
				{Key: "added_at", Zh: "登记时间", En: "Added"}, {Key: "added_by", Zh: "登记人", En: "By"}, {Key: "removed_at", Zh: "移除时间", En: "Removed"}},
				JSON: keys}
			for _, k := range keys {
				t.Rows = append(t.Rows, []string{fmt.Sprint(k.ID), k.User, k.Fingerprint, k.Comment, localTime(k.AddedAt), k.AddedBy, localTime(k.RemovedAt)})
			}
			return app.Print(t)
		},
	}
	list.Flags().BoolVar(&all, "all", false, "也列出已移除的 / include removed keys")
	remove := &cobra.Command{
		Use:     "remove ID",
		Short:   "移除一把公钥（立即不能再登录，记录保留）/ remove a key (no more logins; the row stays)",
		Args:    exactArgs(1),
		Example: example("credit user key remove 3"),
		RunE: func(c *cobra.Command, args []string) error {
			id, err := strconv.ParseInt(args[0], 10, 64)
			if err != nil || id <= 0 {
				return apperr.Newf(apperr.Usage, "公钥编号 %q 无效（见 credit user key list）", "key id %q is not valid (see credit user key list)", args[0])
			}
			st, actor, err := app.Writer(operator.Admin)
			if err != nil {
				return err
			}
			var k store.UserKey
			err = st.Write(app.Ctx(), actor, func(tx *store.Tx) error {
				var ok bool
				var err error
				if k, ok, err = tx.RemoveUserKey(id); err != nil {
					return err
				} else if !ok {
					return apperr.Newf(apperr.Usage, "没有编号为 %d 的在用公钥（见 credit user key list --all）", "no live key %d (see credit user key list --all)", id)
				}
				return tx.Audit("user.key.remove", fmt.Sprintf("user_key:%d", id), map[string]any{"user": k.User, "fingerprint": k.Fingerprint})
			})
			if err != nil {
				return err
			}
			if app.JSON() {
				return app.Print(&tabular.Table{JSON: map[string]any{"id": id, "user": k.User, "fingerprint": k.Fingerprint, "removed": true}})
			}
			app.Println(fmt.Sprintf(app.T("已移除操作员 %s 的公钥 %d（%s）", "operator %s: removed key %d (%s)"), k.User, id, k.Fingerprint))
			return nil
		},
	}
	c.AddCommand(add, list, remove)
	return c
}
