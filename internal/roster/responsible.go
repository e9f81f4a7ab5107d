package roster

import (
	"context"
	"fmt"
	"strings"

	"credit/internal/apperr"
	"credit/internal/catalog"
	"credit/internal/civil"
	"credit/internal/ident"
	"credit/internal/store"
)

// 第二十九条 for hand-entered black-list entries: 「应将严重失信法人的失信信息
// 记入负有责任的法定代表人、主要负责人和其他直接责任人的失信记录」. The
// determination names who is responsible; being the legal representative is
// not enough by itself. Only a 法人 is linked: never a 个体工商户 (USCC 92…),
// a 非法人组织 or a natural person.

// Roles of a responsible person (the same values as record_links).
const (
	RoleLegalRep  = "legal_rep" // 法定代表人（负有责任）
	RolePrincipal = "principal" // 主要负责人
	RoleDirect    = "direct"    // 其他直接责任人
)

var roleLabels = map[string][2]string{
	RoleLegalRep:  {"法定代表人（负有责任）", "legal representative (responsible)"},
	RolePrincipal: {"主要负责人", "principal"},
	RoleDirect:    {"直接责任人", "directly responsible person"},
}

// RoleLabel names a role for people.
func RoleLabel(role, lang string) string {
	l, ok := roleLabels[role]
	if !ok {
		return role
	}
	if lang == "en" {
		return l[1]
	}
	return l[0]
}

// Responsible is a person a hand-entered entry is recorded against.
type Responsible struct {
	Code string `json:"code"` // 身份证号码, normalised
	Role string `json:"role"` // legal_rep | principal | direct
}

// Subject types the clerk may state for a hand-entered organisation.
const (
	LegalPerson  = "法人"
	Unincorp     = "非法人组织"
	subjectTypes = LegalPerson + "、" + Unincorp
)

// checkResponsible validates the responsible persons of a hand-entered
// entry: a black-list entry of a 法人, each person a valid 身份证号码 on the
// date given. It returns them normalised.
func checkResponsible(in AddInput, today civil.Date) ([]Responsible, error) {
	if in.SubjectType != "" && in.SubjectType != LegalPerson && in.SubjectType != Unincorp {
		return nil, apperr.Newf(apperr.Usage, "--subject-type %q 无效，应为 "+subjectTypes, "--subject-type %q is not valid: use 法人 or 非法人组织", in.SubjectType)
	}
	if len(in.Responsible) == 0 {
		return nil, nil
	}
	if in.List != Black {
		return nil, apperr.New(apperr.Rule,
			"只有黑名单条目记入负有责任者的失信记录（第二十九条：严重失信法人的失信信息），红名单条目不能给出负有责任的人员",
			"only a black-list entry is recorded against responsible persons (第二十九条: a seriously untrustworthy 法人's information); a red-list entry takes none")
	}
	chk := ident.Check(in.SubjectCode)
	switch {
	case chk.Kind == ident.NaturalPerson:
		return nil, apperr.New(apperr.Rule, "信息主体是自然人，第二十九条只把法人的失信信息记入负有责任的人员；不要给出负有责任的人员",
			"the subject is a natural person; 第二十九条 links only a 法人's information to responsible persons")
	case chk.Kind == ident.IndividualBusiness:
		return nil, apperr.Newf(apperr.Rule, "信息主体 %s 是个体工商户（统一社会信用代码 92 开头），不是法人；第二十九条不记入任何人员的失信记录",
			"the subject %s is a 个体工商户 (USCC 92…), not a 法人; 第二十九条 links no person", in.SubjectCode)
	case in.SubjectType == Unincorp:
		return nil, apperr.Newf(apperr.Rule, "信息主体 %s 为非法人组织（个人独资企业、合伙企业等），第二十九条只及于法人，不记入任何人员的失信记录",
			"the subject %s is a 非法人组织 (sole proprietorship, partnership…); 第二十九条 applies to 法人 only", in.SubjectCode)
	}
	seen := map[string]bool{}
	var out []Responsible
	for _, r := range in.Responsible {
		if _, ok := roleLabels[r.Role]; !ok {
			return nil, fmt.Errorf("roster: unknown role %q", r.Role)
		}
		c := ident.CheckOn(r.Code, today)
		if !c.Valid || c.Kind != ident.NaturalPerson {
			reason, reasonEn := c.Reason, c.ReasonEn
			if c.Valid {
				reason, reasonEn = "不是居民身份证号码", "not a 居民身份证号码"
			}
			return nil, &apperr.Error{Code: apperr.Usage,
				Zh: fmt.Sprintf("%s的证件号码 %s 无效：%s", RoleLabel(r.Role, "zh"), c.Code, reason),
				En: fmt.Sprintf("the %s's ID number %s is not valid: %s", RoleLabel(r.Role, "en"), c.Code, reasonEn)}
		}
		if seen[r.Role+c.Code] {
			continue
		}
		seen[r.Role+c.Code] = true
		out = append(out, Responsible{Code: c.Code, Role: r.Role})
	}
	return out, nil
}

// ParseResponsible reads a flag's value: one or more 身份证号码 separated by
// `;` (or `；`, `,`), all of role.
func ParseResponsible(role, value string) []Responsible {
	var out []Responsible
	for _, part := range strings.FieldsFunc(value, func(r rune) bool { return r == ';' || r == '；' || r == ',' || r == '，' }) {
		if p := strings.TrimSpace(part); p != "" {
			out = append(out, Responsible{Code: p, Role: role})
		}
	}
	return out
}

func attachResponsible(ctx context.Context, st *store.Store, es []Entry, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	links, err := st.RosterLinks(ctx, ids, "")
	if err != nil {
		return err
	}
	by := map[string][]Responsible{}
	for _, l := range links {
		id := fmt.Sprintf("M%d", l.EntryID)
		by[id] = append(by[id], Responsible{Code: l.PersonCode, Role: l.Role})
	}
	for i := range es {
		es[i].Responsible = by[es[i].ID]
	}
	return nil
}

// Linked is a hand-entered black-list entry of a 法人 recorded against a
// person (第二十九条), with the person's role.
type Linked struct {
	Entry
	Role string
}

// LinkedTo lists the hand-entered entries recorded against person (a
// normalised 身份证号码) that count on date on: the person's share of the
// organisation's entry lasts as long as the entry counts.
func LinkedTo(ctx context.Context, st *store.Store, cat *catalog.Catalog, person string, on civil.Date) ([]Linked, error) {
	links, err := st.RosterLinks(ctx, nil, person)
	if err != nil {
		return nil, err
	}
	var out []Linked
	for _, l := range links {
		e, err := Get(ctx, st, cat, fmt.Sprintf("M%d", l.EntryID))
		if err != nil {
			return nil, err
		}
		if e.Counts(on) {
			out = append(out, Linked{Entry: e, Role: l.Role})
		}
	}
	return out, nil
}
