// Package operator owns who is acting and what each role may do: roles
// admin ⊇ reviewer ⊇ clerk ⊇ viewer (SPEC §6), each with the rights of the
// roles after it.
package operator

import (
	"os"
	"os/user"
	"strings"

	"credit/internal/apperr"
)

// Role is an operator's role.
type Role string

const (
	None     Role = ""
	Viewer   Role = "viewer"
	Clerk    Role = "clerk"
	Reviewer Role = "reviewer"
	Admin    Role = "admin"
)

// Roles lists the valid roles from the least to the most rights.
var Roles = []Role{Viewer, Clerk, Reviewer, Admin}

func (r Role) rank() int {
	for i, x := range Roles {
		if x == r {
			return i + 1
		}
	}
	return 0
}

// ParseRole checks a role name.
func ParseRole(s string) (Role, error) {
	r := Role(strings.ToLower(strings.TrimSpace(s)))
	if r.rank() == 0 {
		return None, apperr.Newf(apperr.Usage, "角色 %q 无效，应为 admin、reviewer、clerk 或 viewer", "role %q is not valid: use admin, reviewer, clerk or viewer", s)
	}
	return r, nil
}

// Includes reports whether r has the rights of need.
func (r Role) Includes(need Role) bool { return r.rank() >= need.rank() && r.rank() > 0 }

// Label is the role's Chinese name.
func (r Role) Label() string {
	switch r {
	case Admin:
		return "管理员"
	case Reviewer:
		return "审核"
	case Clerk:
		return "经办"
	case Viewer:
		return "查看"
	}
	return "无角色"
}

// Operator is the person on whose behalf a command runs. ActingBy is the
// administrator who used --as, if any; both go into the audit log.
type Operator struct {
	Name     string
	Role     Role
	ActingBy string
}

// Require refuses (exit 5) when o lacks the rights of need.
func (o Operator) Require(need Role) error {
	if o.Role.Includes(need) {
		return nil
	}
	return apperr.Newf(apperr.Rule,
		"操作员 %s（%s）无权执行此操作：需要 %s（%s）角色；请管理员用 credit user add %s --role %s 授权",
		"operator %s (%s) may not do this: it needs the %s role (%s); ask an administrator to run credit user add %s --role %s",
		o.Name, o.Role.Label(), need, need.Label(), o.Name, need)
}

// LoginName is the OS login name of the invoking user.
func LoginName() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	for _, k := range []string{"USER", "LOGNAME", "USERNAME"} {
		if v := os.Getenv(k); v != "" {
			return v
		}
	}
	return "unknown"
}
