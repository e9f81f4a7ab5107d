package roster

import (
	"context"
	"fmt"
	"strings"

	"credit/internal/apperr"
	"credit/internal/catalog"
	"credit/internal/civil"
	"credit/internal/operator"
	"credit/internal/store"
)

// Transition is one step of a list entry's life: the states it starts from,
// the state it leads to and the role it needs.
type Transition struct {
	Verb string
	From []string // entry statuses (Status) it may start from
	To   string
	Role operator.Role
}

// Transitions is the whole workflow, in one table. add creates a pending
// hand-made entry; a reviewer approves or rejects it; a reviewer removes an
// approved or imported entry (移出), which stops it counting from the
// removal date on.
var Transitions = map[string]Transition{
	"add":     {Verb: "add", From: nil, To: Pending, Role: operator.Clerk},
	"approve": {Verb: "approve", From: []string{Pending}, To: Approved, Role: operator.Reviewer},
	"reject":  {Verb: "reject", From: []string{Pending}, To: Rejected, Role: operator.Reviewer},
	"remove": {Verb: "remove", From: []string{StatusValid, StatusExpired, StatusNotYet}, To: StatusRemoved,
		Role: operator.Reviewer},
}

// AddInput is a hand-made determination.
type AddInput struct {
	SubjectCode string // normalised and checked
	SubjectName string
	List        string
	ListName    string
	Unit        string // 认定单位 code, normalised and checked
	Basis       string
	Reason      string
	Determined  civil.Date
	ValidUntil  civil.Date // zero: the list item's validity from Determined
	Reported    civil.Date // zero: today
}

// Add stores a hand-made entry, pending a reviewer's approval.
func Add(ctx context.Context, st *store.Store, a store.Actor, cat *catalog.Catalog, in AddInput) (Entry, error) {
	if in.List != Red && in.List != Black {
		return Entry{}, apperr.Newf(apperr.Usage, "--list %q 无效，应为 red（红名单）或 black（黑名单）", "--list %q is not valid: use red or black", in.List)
	}
	in.ListName, in.Basis = strings.TrimSpace(in.ListName), strings.TrimSpace(in.Basis)
	if in.ListName == "" || in.Basis == "" || in.Determined.IsZero() {
		return Entry{}, apperr.New(apperr.Usage, "需要 --name（名单名称）、--basis（认定依据）和 --determined（认定日期）",
			"--name (list name), --basis (legal basis) and --determined (determination date) are required")
	}
	if in.Reported.IsZero() {
		in.Reported = a.Today
	}
	if in.Determined.After(a.Today) || in.Reported.After(a.Today) {
		return Entry{}, apperr.Newf(apperr.Rule, "认定日期 %s 或报送日期 %s 晚于今天 %s", "the determination date %s or report date %s is after today %s",
			in.Determined, in.Reported, a.Today)
	}
	if in.Reported.Before(in.Determined) {
		return Entry{}, apperr.Newf(apperr.Rule, "报送日期 %s 早于认定日期 %s", "the report date %s is before the determination date %s", in.Reported, in.Determined)
	}
	if in.ValidUntil.IsZero() {
		in.ValidUntil = DefaultValidUntil(cat, in.List, in.Determined)
	} else if in.ValidUntil.Before(in.Determined) {
		return Entry{}, apperr.Newf(apperr.Usage, "--valid-until %s 早于认定日期 %s", "--valid-until %s is before the determination date %s", in.ValidUntil, in.Determined)
	}
	row := store.RosterManualRow{List: in.List, ListName: in.ListName, SubjectCode: in.SubjectCode, SubjectName: strings.TrimSpace(in.SubjectName),
		Unit: in.Unit, Basis: in.Basis, Reason: strings.TrimSpace(in.Reason), Determined: in.Determined.String(),
		ValidUntil: in.ValidUntil.String(), ReportedOn: in.Reported.String(), State: Pending}
	var id int64
	err := st.Write(ctx, a, func(tx *store.Tx) error {
		var err error
		if id, err = tx.InsertRosterEntry(row); err != nil {
			return err
		}
		// Ids and dates only: the subject's code and name may be personal.
		return tx.Audit("roster.add", fmt.Sprintf("roster:M%d", id), map[string]any{
			"list": in.List, "unit": in.Unit, "determined": in.Determined.String(), "valid_until": in.ValidUntil.String(),
			"reported": in.Reported.String(), "state": Pending,
		})
	})
	if err != nil {
		return Entry{}, err
	}
	return Get(ctx, st, cat, fmt.Sprintf("M%d", id))
}

func refuseState(e Entry, verb string, on civil.Date) error {
	s := e.Status(on)
	zh := map[string]string{"approve": "审核通过", "reject": "审核驳回", "remove": "移出"}[verb]
	en := map[string]string{"approve": "approved", "reject": "rejected", "remove": "removed"}[verb]
	return &apperr.Error{Code: apperr.Rule,
		Zh: fmt.Sprintf("名单条目 %s 当前状态为“%s”，不能%s", e.ID, StatusLabel(s, "zh"), zh),
		En: fmt.Sprintf("list entry %s is %s; it cannot be %s", e.ID, StatusLabel(s, "en"), en)}
}

// Decide approves (approve) or rejects (reject) a pending hand-made entry.
func Decide(ctx context.Context, st *store.Store, a store.Actor, cat *catalog.Catalog, id, verb, note string) (Entry, error) {
	tr, ok := Transitions[verb]
	if !ok || (verb != "approve" && verb != "reject") {
		return Entry{}, fmt.Errorf("roster: unknown decision %q", verb)
	}
	e, err := Get(ctx, st, cat, id)
	if err != nil {
		return e, err
	}
	if e.Source != SourceManual {
		return e, apperr.Newf(apperr.Rule, "名单条目 %s 由信息提供单位报送（批次 %d），发布即生效，无需审核", "list entry %s was reported in a provider file (batch %d) and counts once published; it needs no approval", e.ID, e.BatchID)
	}
	if !contains(tr.From, e.Status(a.Today)) {
		return e, refuseState(e, verb, a.Today)
	}
	manual, _, _ := ParseID(e.ID)
	err = st.Write(ctx, a, func(tx *store.Tx) error {
		done, err := tx.DecideRosterEntry(manual, Pending, tr.To)
		if err != nil {
			return err
		}
		if !done {
			return apperr.Newf(apperr.Rule, "名单条目 %s 已被他人处理", "list entry %s was decided by someone else meanwhile", e.ID)
		}
		return tx.Audit("roster."+verb, "roster:"+e.ID, map[string]any{"from": Pending, "to": tr.To, "note_len": len(note)})
	})
	if err != nil {
		return e, err
	}
	return Get(ctx, st, cat, e.ID)
}

// Remove takes an entry off its list from date on (移出), with a reason.
func Remove(ctx context.Context, st *store.Store, a store.Actor, cat *catalog.Catalog, id string, on civil.Date, reason string) (Entry, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return Entry{}, apperr.New(apperr.Usage, "移出需要 --reason（移出原因）", "a removal needs --reason")
	}
	if on.IsZero() {
		on = a.Today
	}
	if on.After(a.Today) {
		return Entry{}, apperr.Newf(apperr.Rule, "移出日期 %s 晚于今天 %s", "the removal date %s is after today %s", on, a.Today)
	}
	e, err := Get(ctx, st, cat, id)
	if err != nil {
		return e, err
	}
	if !contains(Transitions["remove"].From, e.Status(a.Today)) {
		return e, refuseState(e, "remove", a.Today)
	}
	if !e.Determined.IsZero() && on.Before(e.Determined) {
		return e, apperr.Newf(apperr.Rule, "移出日期 %s 早于认定日期 %s", "the removal date %s is before the determination date %s", on, e.Determined)
	}
	err = st.Write(ctx, a, func(tx *store.Tx) error {
		if _, done, err := tx.RosterRemoval(e.ID); err != nil {
			return err
		} else if done {
			return apperr.Newf(apperr.Rule, "名单条目 %s 已经移出", "list entry %s is removed already", e.ID)
		}
		if err := tx.RemoveRosterEntry(e.ID, on.String(), reason); err != nil {
			return err
		}
		return tx.Audit("roster.remove", "roster:"+e.ID, map[string]any{"removed_on": on.String(), "list": e.List, "record_id": e.RecordID})
	})
	if err != nil {
		return e, err
	}
	return Get(ctx, st, cat, e.ID)
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
