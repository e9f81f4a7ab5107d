// Package operator owns who is acting and what each role may do: roles
// admin ⊇ reviewer ⊇ clerk ⊇ viewer (SPEC §6), each with the rights of the
// roles after it.
package operator

import (
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

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

// LookupUID gives the account name of a numeric uid: os/user.LookupId in
// the program, replaced in tests.
type LookupUID func(uid string) (string, error)

// SystemLookup reads the account database. credit is built without cgo
// (static binary, docs/performance.md 第六轮), so os/user reads /etc/passwd
// only; an account that only a directory service knows (LDAP, sssd: NSS) is
// then asked of getent(1), which goes through NSS as the C library would.
func SystemLookup(uid string) (string, error) {
	return lookupWith(getentPaths, uid)
}

// getentPaths are where getent is run from: fixed paths, never a PATH
// search, so that whoever sets PATH cannot choose the operator's name.
var getentPaths = []string{"/usr/bin/getent", "/bin/getent"}

func lookupWith(getent []string, uid string) (string, error) {
	u, err := user.LookupId(uid)
	if err == nil {
		return u.Username, nil
	}
	for _, p := range getent {
		if _, serr := os.Stat(p); serr != nil {
			continue
		}
		out, gerr := exec.Command(p, "passwd", uid).Output()
		if gerr != nil {
			return "", fmt.Errorf("%w; getent passwd %s: %v", err, uid, gerr)
		}
		return passwdName(out, uid)
	}
	return "", err
}

// passwdName is the account name of getent's passwd line for uid (name:pw:uid:…),
// refused when the line is another uid's.
func passwdName(out []byte, uid string) (string, error) {
	line, _, _ := strings.Cut(string(out), "\n")
	f := strings.Split(line, ":")
	if len(f) < 3 || f[0] == "" || f[2] != uid {
		return "", fmt.Errorf("getent passwd %s: unexpected answer %q", uid, line)
	}
	return f[0], nil
}

// OSLogin is the operator a local run acts as: the OS account of the
// process's uid, never $USER or $LOGNAME (which anyone can set). A uid with
// no account is refused with what the administrator must do. (In served
// mode the key's operator takes the place of this one function.)
func OSLogin(lookup LookupUID) (string, error) {
	uid := strconv.Itoa(os.Getuid())
	name, err := lookup(uid)
	if err != nil || name == "" {
		return "", apperr.Newf(apperr.Rule,
			"无法确定操作员：本进程的用户号 %s 在系统账户中没有登录名。请系统管理员为该用户号建立账户（如 useradd），或在容器中用 --user 指定一个已有账户运行；不会用环境变量 USER 代替",
			"cannot tell who the operator is: this process's uid %s has no account name. Ask the system administrator to create an account for that uid (e.g. useradd), or run the container with --user set to an existing account; $USER is never used instead",
			uid)
	}
	if err := ValidateName(name); err != nil {
		return "", err
	}
	return name, nil
}

// MaxNameLen is the longest operator name, in characters.
const MaxNameLen = 64

// ValidateName checks an operator name: not empty, at most 64 characters,
// printable and without white space (it is shown in the audit log and in
// every listing, so it must not be able to forge a line or a column).
func ValidateName(name string) error {
	switch {
	case name == "":
		return apperr.New(apperr.Usage, "操作员名称不能为空", "an operator name cannot be empty")
	case !utf8.ValidString(name):
		return apperr.New(apperr.Usage, "操作员名称不是有效的文字（UTF-8）", "an operator name must be valid text (UTF-8)")
	case utf8.RuneCountInString(name) > MaxNameLen:
		return apperr.Newf(apperr.Usage, "操作员名称超过 %d 个字符", "an operator name is longer than %d characters", MaxNameLen)
	}
	for _, r := range name {
		if !unicode.IsPrint(r) || unicode.IsSpace(r) {
			return apperr.Newf(apperr.Usage, "操作员名称 %q 含有空白或不可见字符（U+%04X）：只能用可见字符", "the operator name %q holds white space or an invisible character (U+%04X): use visible characters only", name, r)
		}
	}
	return nil
}
