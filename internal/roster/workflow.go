package roster

import (
	"context"
	"fmt"
	"strings"

	"credit/internal/apperr"
	"credit/internal/catalog"
	"credit/internal/civil"
	"credit/internal/operator"
	"credit/internal/queue"
	"credit/internal/store"
)

// Machine is the list entries' workflow as one table of the queue engine
// (queue.Machine): its states are an entry's statuses on a day (Status).
// add creates a pending hand-made entry; a reviewer approves or rejects it
// (an imported entry counts once its batch is published); a reviewer removes
// an approved or imported entry (移出) on a listed ground with its document
// (第三十六条), which stops it counting from the removal date on. The
// entries are not queue cases (no deadlines of the office's running): Add,
// Decide and Remove are the workflow's own functions and read the table for
// who may take which step from where.
var Machine = &queue.Machine{
	Queue: "roster", Zh: "名单条目", En: "list entry",
	States: []queue.StateInfo{
		{State: StatusPending, Zh: "待审核", En: "pending approval"},
		{State: StatusRejected, Zh: "审核未通过", En: "rejected", Finished: true},
		{State: StatusNotYet, Zh: "尚未认定", En: "not yet determined"},
		{State: StatusValid, Zh: "有效", En: "valid"},
		{State: StatusExpired, Zh: "已过有效期", En: "expired"},
		{State: StatusRemoved, Zh: "已移出", En: "removed", Finished: true},
	},
	Commands: []queue.Command{
		{Name: "add", Zh: "录入认定", En: "add", Article: "第十七条"},
		{Name: "approve", Zh: "审核通过", En: "approve", Article: "本办公室规则（服务第四条）"},
		{Name: "reject", Zh: "审核驳回", En: "reject", Article: "本办公室规则（服务第四条）"},
		{Name: "remove", Zh: "移出", En: "remove", Article: "第三十六条"},
	},
	Table: []queue.Transition{
		{Command: "add", To: StatusPending, Role: operator.Clerk},
		{Command: "approve", From: []queue.State{StatusPending}, To: StatusValid, Role: operator.Reviewer},
		{Command: "reject", From: []queue.State{StatusPending}, To: StatusRejected, Role: operator.Reviewer},
		{Command: "remove", From: []queue.State{StatusValid, StatusExpired, StatusNotYet}, To: StatusRemoved, Role: operator.Reviewer},
	},
}

// Transition is one step of a list entry's life as the roster functions
// read it: the statuses it starts from, where it leads, the role it needs.
type Transition struct {
	Verb string
	From []string // entry statuses (Status) it may start from
	To   string
	Role operator.Role
}

// Transitions are Machine's rows by verb. approve leads to the approved
// state (the entry then counts as valid, not yet in force or expired by date).
var Transitions = func() map[string]Transition {
	out := map[string]Transition{}
	for _, t := range Machine.Table {
		tr := Transition{Verb: t.Command, To: string(t.To), Role: t.Role}
		for _, f := range t.From {
			tr.From = append(tr.From, string(f))
		}
		if t.Command == "approve" {
			tr.To = Approved
		}
		out[t.Command] = tr
	}
	return out
}()

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
	// SubjectType is what the determination says the organisation is: 法人
	// or 非法人组织 ("" = not stated; with responsible persons given it is
	// taken as a 法人, as for an imported row nothing distinguishes).
	SubjectType string
	// Responsible are the persons the determination names as responsible
	// (第二十九条): a black-list entry of a 法人 is recorded against them.
	Responsible []Responsible
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
	responsible, err := checkResponsible(in, a.Today)
	if err != nil {
		return Entry{}, err
	}
	row := store.RosterManualRow{List: in.List, ListName: in.ListName, SubjectCode: in.SubjectCode, SubjectName: strings.TrimSpace(in.SubjectName),
		Unit: in.Unit, Basis: in.Basis, Reason: strings.TrimSpace(in.Reason), Determined: in.Determined.String(),
		ValidUntil: in.ValidUntil.String(), ReportedOn: in.Reported.String(), State: Pending}
	var id int64
	err = st.Write(ctx, a, func(tx *store.Tx) error {
		var err error
		if id, err = tx.InsertRosterEntry(row); err != nil {
			return err
		}
		links := make([]store.RosterLink, len(responsible))
		roles := map[string]int{}
		for i, r := range responsible {
			links[i] = store.RosterLink{EntryID: id, PersonCode: r.Code, Role: r.Role}
			roles[r.Role]++
		}
		if err := tx.InsertRosterLinks(links); err != nil {
			return err
		}
		// Ids, dates and counts only: the subject's code and name and the
		// responsible persons' ID numbers may be personal.
		return tx.Audit("roster.add", fmt.Sprintf("roster:M%d", id), map[string]any{
			"list": in.List, "unit": in.Unit, "determined": in.Determined.String(), "valid_until": in.ValidUntil.String(),
			"reported": in.Reported.String(), "state": Pending, "responsible": roles,
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

// Next lists the steps of entry e for op on on: those its status allows in
// Machine, each allowed or refused with the rule (queue.Machine.Actions),
// and the approvals refused for an entry reported in a provider file (it
// counts once its batch is published) as Decide refuses them.
func Next(e Entry, op operator.Operator, on civil.Date) []queue.Action {
	acts := Machine.Actions(queue.State(e.Status(on)), op, on, queue.Case{})
	for i, a := range acts {
		if (a.Command == "approve" || a.Command == "reject") && e.Source != SourceManual && a.Allowed {
			err := reportedNeedsNoApproval(e)
			acts[i].Allowed, acts[i].ReasonZh, acts[i].ReasonEn = false, apperr.MessageOf(err, "zh"), apperr.MessageOf(err, "en")
		}
	}
	return acts
}

func reportedNeedsNoApproval(e Entry) error {
	return apperr.Newf(apperr.Rule, "名单条目 %s 由信息提供单位报送（批次 %d），发布即生效，无需审核", "list entry %s was reported in a provider file (batch %d) and counts once published; it needs no approval", e.ID, e.BatchID)
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
		return e, reportedNeedsNoApproval(e)
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

// Grounds on which an approved entry may leave its list (第三十六条 非经法定程序
// 不得撤除、更改): each names the procedure and the document it rests on.
const (
	GroundRevoked   = "revoked"   // the 认定单位's 移出 decision or withdrawal of the determination
	GroundObjection = "objection" // an objection found the entry wrong (第三十一条、第三十二条)
	GroundRepair    = "repair"    // credit repair (第三十四条、第三十五条)
	GroundExpired   = "expired"   // the validity ran out (第三十条)
)

// Grounds lists the grounds in order, with their labels.
var Grounds = []struct{ Ground, Zh, En string }{
	{GroundRevoked, "认定单位移出决定或撤销认定", "the determining unit's removal decision or withdrawal"},
	{GroundObjection, "异议更正（第三十二条）", "objection correction (第三十二条)"},
	{GroundRepair, "信用修复（第三十五条）", "credit repair (第三十五条)"},
	{GroundExpired, "有效期届满（第三十条）", "expiry (第三十条)"},
}

// GroundLabel names a ground for people ("" for a removal without one).
func GroundLabel(g, lang string) string {
	for _, x := range Grounds {
		if x.Ground == g {
			if lang == "en" {
				return x.En
			}
			return x.Zh
		}
	}
	return g
}

// RemoveInput is a removal (移出): its date, listed ground, document
// reference and a free note.
type RemoveInput struct {
	On     civil.Date // zero: today
	Ground string
	Ref    string
	Reason string
}

func badGround(g string) error {
	return apperr.Newf(apperr.Usage,
		"名单条目只能依法定程序移出（第三十六条：非经法定程序不得撤除、更改公共信用信息）：--ground %q 无效，应为 revoked（认定单位移出决定或撤销认定）、objection（异议更正，第三十二条）、repair（信用修复，第三十五条）或 expired（有效期届满，第三十条），并用 --ref 给出文书编号",
		"a list entry leaves its list only by a legal procedure (第三十六条): --ground %q is not valid; use revoked (the determining unit's removal decision or withdrawal), objection (objection correction, 第三十二条), repair (credit repair, 第三十五条) or expired (第三十条), with --ref naming the document",
		g)
}

// Remove takes an approved entry off its list from in.On (移出), on a listed
// ground with its document (第三十六条). An imported entry is its record, so
// the record and the entry never disagree: on the revoked ground the
// record's validity ends the day before the removal (a new revision, the old
// one kept in the history) and it leaves every public view with the entry;
// on the repair ground with the provider's repair document the record
// becomes repaired; an objection or an expiry reaches an imported entry
// through its record (the objection queue, the validity) and is refused here.
func Remove(ctx context.Context, st *store.Store, a store.Actor, cat *catalog.Catalog, id string, in RemoveInput) (Entry, error) {
	in.Ground, in.Ref, in.Reason = strings.ToLower(strings.TrimSpace(in.Ground)), strings.TrimSpace(in.Ref), strings.TrimSpace(in.Reason)
	if in.Ground == "" {
		return Entry{}, badGround("")
	}
	if GroundLabel(in.Ground, "zh") == in.Ground {
		return Entry{}, badGround(in.Ground)
	}
	if in.Ref == "" {
		return Entry{}, apperr.New(apperr.Usage, "移出须用 --ref 给出所依据的文书编号（第三十六条：非经法定程序不得撤除）",
			"a removal needs --ref naming the document it rests on (第三十六条)")
	}
	on := in.On
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
	if e.State == Pending {
		return e, apperr.Newf(apperr.Rule, "名单条目 %s 尚待审核，还没有列入名单，谈不上移出；不予列入请用 credit roster reject %s（驳回不是移出）",
			"list entry %s is pending approval and not on the list yet; to turn it down use credit roster reject %s (a rejection is not a removal)", e.ID, e.ID)
	}
	if !contains(Transitions["remove"].From, e.Status(a.Today)) {
		return e, refuseState(e, "remove", a.Today)
	}
	if !e.Determined.IsZero() && on.Before(e.Determined) {
		return e, apperr.Newf(apperr.Rule, "移出日期 %s 早于认定日期 %s", "the removal date %s is before the determination date %s", on, e.Determined)
	}
	if in.Ground == GroundExpired && (e.ValidUntil.IsZero() || !e.ValidUntil.Before(on)) {
		until := e.ValidUntil.String()
		if until == "" {
			until = "无期限"
		}
		return e, apperr.Newf(apperr.Rule, "名单条目 %s 有效期至 %s，到 %s 尚未届满，不能以有效期届满（第三十条）移出；提前移出须有认定单位的移出决定（--ground revoked）",
			"list entry %s is valid until %s and has not expired by %s; an earlier removal needs the determining unit's decision (--ground revoked)", e.ID, until, on)
	}
	if e.Source == SourceImport {
		switch in.Ground {
		case GroundObjection:
			return e, apperr.Newf(apperr.Rule, "名单条目 %s 是信息提供单位报送的记录 %d：异议按第三十一条至第三十三条对该记录办理（credit objection file --record %d …），更正或撤回后条目随记录变化，不能手工移出",
				"list entry %s is the provider's record %d: an objection is worked on the record (credit objection file --record %d …) and the entry follows it; it cannot be removed by hand", e.ID, e.RecordID, e.RecordID)
		}
	}
	var details map[string]any
	err = st.Write(ctx, a, func(tx *store.Tx) error {
		if _, done, err := tx.RosterRemoval(e.ID); err != nil {
			return err
		} else if done {
			return apperr.Newf(apperr.Rule, "名单条目 %s 已经移出", "list entry %s is removed already", e.ID)
		}
		details = map[string]any{"removed_on": on.String(), "list": e.List, "record_id": e.RecordID, "ground": in.Ground, "ref": in.Ref}
		if e.Source == SourceImport {
			if err := withRecord(tx, e, on, in, details); err != nil {
				return err
			}
		} else if n, err := tx.OpenEntryRepairs(e.ID); err != nil {
			return err
		} else if n > 0 && in.Ground != GroundRepair {
			return apperr.Newf(apperr.Rule, "名单条目 %s 有正在办理的信用修复，先办结或撤回该修复再移出（本办公室规则，服务第三十五条）",
				"list entry %s has an open credit repair; finish or withdraw it first (office rule, serving 第三十五条)", e.ID)
		}
		if err := tx.RemoveRosterEntry(e.ID, on.String(), in.Ground, in.Ref, in.Reason); err != nil {
			return err
		}
		return tx.Audit("roster.remove", "roster:"+e.ID, details)
	})
	if err != nil {
		return e, err
	}
	return Get(ctx, st, cat, e.ID)
}

// withRecord makes an imported entry's record agree with its removal: revoked
// ends the record's validity the day before; repair (the provider's repair
// document, 第三十五条) makes it repaired. A record held by an open objection
// or repair is left to that procedure.
func withRecord(tx *store.Tx, e Entry, on civil.Date, in RemoveInput, details map[string]any) error {
	open, err := tx.OpenProcedures(e.RecordID)
	if err != nil {
		return err
	}
	if len(open) > 0 && in.Ground != GroundExpired {
		return apperr.Newf(apperr.Rule, "名单条目 %s 的记录 %d 正在办理（%s），先办结该程序再移出",
			"list entry %s: its record %d is held by an open %s; finish that first", e.ID, e.RecordID, strings.Join(open, "、"))
	}
	ref := fmt.Sprintf("roster:%s %s", e.ID, in.Ref)
	switch in.Ground {
	case GroundRevoked:
		last := on.AddDays(-1)
		if !e.ValidUntil.IsZero() && e.ValidUntil.Before(last) {
			return nil // already out of validity before the removal
		}
		rev, err := tx.EndRecordValidity(e.RecordID, last.String(), "removal", ref)
		if err != nil {
			return err
		}
		details["rev"], details["content_hash"], details["valid_until"] = rev, e.ContentHash, last.String()
	case GroundRepair:
		rev, err := tx.SetRecordStatus(e.RecordID, "repaired", "repair", ref)
		if err != nil {
			return err
		}
		details["rev"], details["content_hash"] = rev, e.ContentHash
	}
	return nil
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
