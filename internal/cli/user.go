package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"credit/internal/apperr"
	"credit/internal/operator"
	"credit/internal/store"
	"credit/internal/tabular"
)

func init() { register(newUserCmd) }

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
	c.AddCommand(add, list)
	return c
}
