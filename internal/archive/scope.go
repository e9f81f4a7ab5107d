package archive

import (
	"context"
	"strings"
	"unicode"
	"unicode/utf8"

	"credit/internal/apperr"
	"credit/internal/catalog"
	"credit/internal/civil"
	"credit/internal/clock"
	"credit/internal/ident"
	"credit/internal/operator"
	"credit/internal/store"
)

// Scope is how far an asker may see (SPEC §C, 第十九条–第二十二条).
type Scope string

// Scopes, from the narrowest.
const (
	Public     Scope = "public"     // anyone: public items, valid records, personal fields masked
	Authorized Scope = "authorized" // the subject or whom it authorized (第二十二条)
	Shared     Scope = "shared"     // a registered user unit (第二十条)
	Office     Scope = "office"     // office staff: everything, unmasked
)

// Scopes lists the scopes in order.
var Scopes = []Scope{Public, Authorized, Shared, Office}

// ParseScope reads --scope; empty is public.
func ParseScope(s string) (Scope, error) {
	switch Scope(strings.ToLower(strings.TrimSpace(s))) {
	case "", Public:
		return Public, nil
	case Authorized:
		return Authorized, nil
	case Shared:
		return Shared, nil
	case Office:
		return Office, nil
	}
	return "", apperr.Newf(apperr.Usage, "--scope %q 无效，应为 public（社会公开）、authorized（授权查询）、shared（政府共享）或 office（工作机构）",
		"--scope %q is not valid: use public, authorized, shared or office", s)
}

// Label is the scope's name for people.
func (s Scope) Label(lang string) string {
	zh, en := map[Scope]string{Public: "社会公开", Authorized: "授权查询", Shared: "政府共享", Office: "工作机构内部"}[s], string(s)
	if lang == "en" {
		return en
	}
	if zh == "" {
		return string(s)
	}
	return zh
}

// Request is what an asker asks with: the scope, the user unit asking, the
// subject's authorization, the purpose, and the date validity is judged on.
type Request struct {
	Scope         Scope
	Unit          string // a user unit's code (required for shared)
	Authorization string // the subject's authorization reference (required for authorized)
	Purpose       string
	AsOf          civil.Date
	// RealToday is the real date in the office (clock.RealToday, which
	// --today does not move); zero: read from the real clock. Outside the
	// office scope validity judged on an earlier date is an office function
	// (第三十条: an expired record is never public), refused without the clerk
	// role.
	RealToday civil.Date
}

// Access is a request that has been allowed: what it may see.
type Access struct {
	Request
	UnitName string
	Catalog  *catalog.Catalog
	items    map[string]bool // visible item codes; nil in the office scope (every item)
}

// Authorize checks that op may ask in req's scope (SPEC §C) and works out
// the items it sees under cat. A refusal is an *apperr.Error with exit 5
// naming what is missing.
func Authorize(ctx context.Context, st *store.Store, cat *catalog.Catalog, op operator.Operator, req Request) (*Access, error) {
	req.Unit = ident.NormalizeCode(req.Unit)
	req.Authorization = strings.TrimSpace(req.Authorization)
	req.Purpose = strings.TrimSpace(req.Purpose)
	if err := checkNote("--purpose", req.Purpose); err != nil {
		return nil, err
	}
	if err := checkNote("--authorization", req.Authorization); err != nil {
		return nil, err
	}
	if req.RealToday.IsZero() {
		req.RealToday = clock.Real().RealToday()
	}
	acc := &Access{Request: req, Catalog: cat}
	if req.Scope != Office && req.AsOf.Before(req.RealToday) && !op.Role.Includes(operator.Clerk) {
		// A past date would show as valid what has expired since: for the
		// office's what-if questions only.
		return nil, apperr.Newf(apperr.Rule,
			"按过去的日期（%s，早于今天 %s）判断有效期只供本机构工作人员使用：操作员 %s（%s）需要经办（clerk）或以上角色；"+
				"社会公开、授权查询和政府共享范围只按今天判断有效期（第三十条：已过期的信息不再公开、共享）",
			"judging validity on a past date (%s, before today %s) is for office staff: operator %s (%s) needs the clerk role or above; "+
				"the public, authorized and shared scopes judge validity on today only (expired records are never disclosed)",
			req.AsOf, req.RealToday, op.Name, op.Role.Label())
	}
	var unitItems []string
	if req.Unit != "" {
		u, ok, err := st.Unit(ctx, req.Unit)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, apperr.Newf(apperr.Rule,
				"%s 不是已登记的信息使用单位，不能以它的名义查询（第二十条）：请管理员先用 credit unit add 登记",
				"%s is not a registered user unit and may not query in its name: an administrator registers it with credit unit add", req.Unit)
		}
		acc.UnitName, unitItems = u.Name, u.Items
	}
	switch req.Scope {
	case Public:
	case Authorized:
		if req.Authorization == "" {
			return nil, apperr.New(apperr.Rule,
				"授权查询需要信息主体的授权：请用 --authorization 写明授权书编号（第二十二条）",
				"the authorized scope needs the subject's authorization: give its reference with --authorization")
		}
	case Shared:
		if req.Unit == "" {
			return nil, apperr.New(apperr.Rule,
				"政府共享查询只对已登记的信息使用单位开放：请用 --unit 写明查询单位的统一社会信用代码（第二十条）",
				"the shared scope is for registered user units: give the asking unit's code with --unit")
		}
	case Office:
		if !op.Role.Includes(operator.Clerk) {
			return nil, apperr.Newf(apperr.Rule,
				"工作机构内部范围（含已过期、已修复的信息和修订历史）只对本机构工作人员开放：操作员 %s（%s）需要经办（clerk）或以上角色",
				"the office scope (expired and repaired records, revisions) is for office staff: operator %s (%s) needs the clerk role or above",
				op.Name, op.Role.Label())
		}
		return acc, nil
	default:
		return nil, apperr.Newf(apperr.Usage, "未知的查询范围 %q", "unknown scope %q", req.Scope)
	}
	acc.items = map[string]bool{}
	registered := map[string]bool{}
	for _, it := range unitItems {
		registered[it] = true
	}
	for _, it := range cat.Items {
		switch it.Disclosure {
		case catalog.Public:
			acc.items[it.Code] = true
		case catalog.Authorized:
			if req.Scope == Authorized || (req.Scope == Shared && req.Authorization != "") {
				acc.items[it.Code] = true
			}
		case catalog.Shared:
			if req.Scope == Shared && registered[it.Code] {
				acc.items[it.Code] = true
			}
		}
	}
	return acc, nil
}

// Sees reports whether the access may see records of item at all.
func (a *Access) Sees(item string) bool {
	if a.items == nil {
		return true
	}
	return a.items[item]
}

// VisibleItems lists the items the access sees, in catalog order (nil in the
// office scope: every item, and items no longer in the catalog).
func (a *Access) VisibleItems() []string {
	if a.items == nil {
		return nil
	}
	var out []string
	for _, it := range a.Catalog.Items {
		if a.items[it.Code] {
			out = append(out, it.Code)
		}
	}
	return out
}

// masks reports whether personal fields are masked in this scope.
func (a *Access) masks() bool { return a.Scope == Public || a.Scope == Authorized }

// NoteMaxRunes is the longest purpose or authorization reference a lookup
// takes (issue 16): they are written to the query log and shown in its
// listings and reports.
const NoteMaxRunes = 200

// checkNote refuses (usage error, exit 2) a purpose or authorization text
// longer than NoteMaxRunes or holding control characters (a line break, an
// escape sequence that would rewrite a clerk's terminal). What is kept is
// shown escaped in every Markdown and HTML output (tabular).
func checkNote(flag, s string) error {
	if n := utf8.RuneCountInString(s); n > NoteMaxRunes {
		return apperr.Newf(apperr.Usage, "%s 太长（%d 个字符）：最多 %d 个字符，请写简短的用途或授权书编号",
			"%s is too long (%d characters): at most %d; give a short purpose or reference", flag, n, NoteMaxRunes)
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return apperr.Newf(apperr.Usage, "%s 含有控制字符（如换行）：请写成一行文字", "%s holds a control character (such as a line break): write one line of text", flag)
		}
	}
	return nil
}

// Only narrows the access to one item, which it must already see: a user
// unit asking for an item it is not registered for is refused (第二十条).
func (a *Access) Only(item string) error {
	if !a.Sees(item) {
		return apperr.Newf(apperr.Rule, "信息项 %s 不在本单位可查看的范围内（社会公开信息项和本单位登记的共享信息项，第二十条）",
			"item %s is outside what this unit may see (the public items and the shared items it is registered for)", item)
	}
	a.items = map[string]bool{item: true}
	return nil
}
