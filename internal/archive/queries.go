package archive

import (
	"context"
	"strings"

	"credit/internal/apperr"
	"credit/internal/operator"
	"credit/internal/store"
)

// Queries lists who looked at the subject with code, newest first. Who
// looked at whom is itself personal information (the log is an office rule serving 第二十二条 and 第三十七条), so only office
// staff (clerk or above) may list it; the listing holds no field values.
func Queries(ctx context.Context, st *store.Store, op operator.Operator, code string) (Subject, []store.QueryLogRow, error) {
	if err := queryLogReader(op); err != nil {
		return Subject{}, nil, err
	}
	code, kind, err := ParseCode(code)
	if err != nil {
		return Subject{}, nil, err
	}
	sub, found, err := st.SubjectByCode(ctx, code)
	if err != nil {
		return Subject{}, nil, err
	}
	s := Subject{Code: code, Kind: kindOf(kind)}
	if !found {
		return s, []store.QueryLogRow{}, nil
	}
	s = Subject{Code: sub.Code, Kind: sub.Kind, Name: sub.Name, id: sub.ID}
	rows, err := st.QueriesOfSubject(ctx, sub.ID)
	if rows == nil {
		rows = []store.QueryLogRow{}
	}
	return s, rows, err
}

func queryLogReader(op operator.Operator) error {
	if !op.Role.Includes(operator.Clerk) {
		return apperr.Newf(apperr.Rule,
			"查询记录（谁在何时查询了谁）本身也是敏感信息，只对本机构工作人员开放：操作员 %s（%s）需要经办（clerk）或以上角色",
			"the query log (who looked at whom) is itself sensitive and is for office staff only: operator %s (%s) needs the clerk role or above",
			op.Name, op.Role.Label())
	}
	return nil
}

// QueriesByText lists, newest first, the searches — and the lookups, checks
// and verifications of subjects not on file — whose typed text was text: a
// name, an ID number, a code ("did anyone search for 王伟?", 第三十七条 accountability). The
// log keeps such texts only in the protected form (querylog.Protect), so the
// text is protected under the store's key and compared in that form, which
// is returned too. Office staff only, as Queries.
func QueriesByText(ctx context.Context, st *store.Store, op operator.Operator, text string) (string, []store.QueryLogRow, error) {
	if err := queryLogReader(op); err != nil {
		return "", nil, err
	}
	if strings.TrimSpace(text) == "" {
		return "", nil, apperr.New(apperr.Usage, "请给出要查的查找内容（名称、身份证号码或代码）", "give the text to look for (a name, an ID number or a code)")
	}
	rows, form, err := st.QueriesByText(ctx, text)
	if rows == nil {
		rows = []store.QueryLogRow{}
	}
	return form, rows, err
}
