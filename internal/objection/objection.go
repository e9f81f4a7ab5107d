// Package objection owns the objection queue (第三十一条–第三十三条, SPEC §D):
// its state machine as one table, each transition as a function (role, state,
// deadline from the policy in force, audit entry, one transaction), and the
// record effects — the under_objection flag while it is worked, a correction
// as a new revision re-sent to every unit that received the old one, a
// withdrawal that takes the record out of every scope.
//
// Where is the 10-working-day review deadline computed? In Machine below
// (the "file" row) counted by queue.Machine.Run from the receipt date.
package objection

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
	"credit/internal/workday"
)

// States (SPEC §D).
const (
	Received      queue.State = "received"
	Forwarded     queue.State = "forwarded"
	Verified      queue.State = "verified"
	Upheld        queue.State = "upheld"
	Rejected      queue.State = "rejected"
	Corrected     queue.State = "corrected"
	Withdrawn     queue.State = "withdrawn"
	Closed        queue.State = "closed"
	Appealed      queue.State = "appealed"
	AppealDecided queue.State = "appeal_decided"
)

// Deadlines.
const (
	DeadlineReview  = "review"  // 第三十二条: 10 working days from receipt
	DeadlineVerify  = "verify"  // 第三十二条: the provider verifies in 5
	DeadlineCorrect = "correct" // 第三十二条: corrected in 3 once upheld
)

// Machine is the objection workflow: SPEC §D as one table. While an
// objection holds its record (received … upheld) the record carries the
// under_objection flag, stays public, and imports may not revise it.
var Machine = &queue.Machine{
	Queue: "objection", Zh: "异议", En: "objection", OpenedZh: "收到日期", OpenedEn: "receipt date",
	States: []queue.StateInfo{
		{State: Received, Zh: "已受理", En: "received", Holds: true},
		{State: Forwarded, Zh: "已转交核实", En: "forwarded", Holds: true},
		{State: Verified, Zh: "已核实", En: "verified", Holds: true},
		{State: Upheld, Zh: "异议成立待更正", En: "upheld", Holds: true},
		{State: Rejected, Zh: "已驳回", En: "rejected", Finished: true},
		{State: Corrected, Zh: "已更正", En: "corrected", Finished: true},
		{State: Withdrawn, Zh: "信息已撤除", En: "withdrawn", Finished: true},
		{State: Closed, Zh: "已办结", En: "closed", Finished: true},
		{State: Appealed, Zh: "申诉中", En: "appealed"},
		{State: AppealDecided, Zh: "申诉已决定", En: "appeal decided", Finished: true},
	},
	Commands: []queue.Command{
		{Name: "file", Zh: "受理异议", En: "file", Article: "第三十一条"},
		{Name: "forward", Zh: "转交核实", En: "forward", Article: "第三十二条"},
		{Name: "verify", Zh: "登记核实结果", En: "verify", Article: "第三十二条"},
		{Name: "decide", Zh: "审核决定", En: "decide", Article: "第三十二条"},
		{Name: "correct", Zh: "更正", En: "correct", Article: "第三十二条", Guards: []queue.Guard{recordGone}},
		{Name: "withdraw", Zh: "撤除信息", En: "withdraw", Article: "第三十一条、第三十二条", Guards: []queue.Guard{groundWrong, recordGone}},
		{Name: "close", Zh: "办结", En: "close", Article: "第三十二条", Guards: []queue.Guard{upheldOpen}},
		{Name: "appeal", Zh: "登记申诉", En: "appeal", Article: "第三十三条"},
		{Name: "appeal-decide", Zh: "登记申诉结果", En: "appeal-decide", Article: "第三十三条"},
	},
	Facts: factsTx,
	// Tie order for equal due dates: verify_due, then review_due, then correct_due.
	Deadlines: []queue.DeadlineInfo{
		{Name: DeadlineVerify, JSON: "verify_due", Zh: "核实期限", En: "verification due"},
		{Name: DeadlineReview, JSON: "review_due", Zh: "审核期限", En: "review due"},
		{Name: DeadlineCorrect, JSON: "correct_due", Zh: "更正期限", En: "correction due"},
	},
	Table: []queue.Transition{
		{Command: "file", To: Received, Role: operator.Clerk, Sets: []queue.Rule{{Deadline: DeadlineReview, Days: review}}},
		{Command: "forward", From: []queue.State{Received}, To: Forwarded, Role: operator.Clerk, Sets: []queue.Rule{{Deadline: DeadlineVerify, Days: verification}}},
		{Command: "verify", From: []queue.State{Forwarded}, To: Verified, Role: operator.Clerk, Meets: []string{DeadlineVerify}},
		{Command: "decide", From: []queue.State{Received, Verified}, To: Upheld, Role: operator.Reviewer, Meets: []string{DeadlineReview}, Sets: []queue.Rule{{Deadline: DeadlineCorrect, Days: correction}}},
		{Command: "decide", From: []queue.State{Received, Verified}, To: Rejected, Role: operator.Reviewer, Meets: []string{DeadlineReview}},
		{Command: "correct", From: []queue.State{Upheld}, To: Corrected, Role: operator.Clerk, Meets: []string{DeadlineCorrect}},
		{Command: "withdraw", From: []queue.State{Upheld}, To: Withdrawn, Role: operator.Clerk, Meets: []string{DeadlineCorrect}},
		// close from upheld only when the record has been withdrawn meanwhile
		// (by another objection): nothing is left to correct or withdraw. See Close.
		{Command: "close", From: []queue.State{Rejected, Corrected, Withdrawn, AppealDecided, Upheld}, To: Closed, Role: operator.Clerk},
		{Command: "appeal", From: []queue.State{Rejected, Corrected, Withdrawn, Closed}, To: Appealed, Role: operator.Clerk},
		{Command: "appeal-decide", From: []queue.State{Appealed}, To: Upheld, Role: operator.Reviewer, Sets: []queue.Rule{{Deadline: DeadlineCorrect, Days: correction}}},
		{Command: "appeal-decide", From: []queue.State{Appealed}, To: AppealDecided, Role: operator.Reviewer},
	},
}

// Facts are what the objection's guards read beyond its state.
type Facts struct {
	Ground          string
	Record          int64
	RecordWithdrawn bool // the record has been withdrawn (by this objection or another)
}

func factsOf(o store.Objection, rec store.CaseRecord, ok bool) Facts {
	return Facts{Ground: o.Ground, Record: o.RecordID, RecordWithdrawn: ok && rec.Status == "withdrawn"}
}

// factsTx reads the facts inside a transition's transaction.
func factsTx(tx *store.Tx, id int64) (any, error) {
	o, _, err := tx.Objection(id)
	if err != nil {
		return nil, err
	}
	rec, ok, err := tx.CaseRecord(o.RecordID)
	if err != nil {
		return nil, err
	}
	return factsOf(o, rec, ok), nil
}

// The guards: conditions beyond the state, which the runner refuses with
// and the screens show beside the steps they forbid.
var (
	// withdraw is for 第十四条 or 超期限 information (第三十一条(二)(三)); a
	// wrong record is corrected.
	groundWrong = queue.Guard{Article: "第三十一条", ArticleEn: "article 31", Refuse: func(id int64, f any, _ civil.Date) error {
		if f.(Facts).Ground != "wrong" {
			return nil
		}
		return apperr.New(apperr.Rule,
			fmt.Sprintf("异议 %d 的理由是“%s”，应办理“更正”；撤除只用于第十四条禁止归集或超期限使用的信息", id, GroundLabel("wrong")),
			fmt.Sprintf("objection %d is on ground wrong: correct the record; withdrawal is for prohibited or expired information only", id))
	}}
	// a withdrawn record is in no scope: nothing is left to correct or withdraw.
	recordGone = queue.Guard{Article: "第三十二条", ArticleEn: "article 32", Refuse: func(_ int64, f any, _ civil.Date) error {
		if fs := f.(Facts); fs.RecordWithdrawn {
			return apperr.Newf(apperr.Rule, "记录 %d 已经撤除，不在任何查询范围内，不能再更正或撤除；本异议可直接办结（close）",
				"record %d has already been withdrawn and is in no scope: it cannot be corrected or withdrawn; close the objection", fs.Record)
		}
		return nil
	}}
	// an upheld objection is closed only once its record is withdrawn (see Close).
	upheldOpen = queue.Guard{From: []queue.State{Upheld}, Article: "第三十二条", ArticleEn: "article 32", Refuse: func(id int64, f any, _ civil.Date) error {
		if f.(Facts).RecordWithdrawn {
			return nil
		}
		return apperr.New(apperr.Rule,
			fmt.Sprintf("异议 %d 已成立，记录尚未更正或撤除，不能办结：请办理“更正”（correct）或“撤除信息”（withdraw）", id),
			fmt.Sprintf("objection %d is upheld and its record is neither corrected nor withdrawn: correct or withdraw it first", id))
	}}
)

// Next lists the steps of objection v for op on today: those its state
// allows, each allowed or refused with the rule (queue.Machine.Actions).
func Next(ctx context.Context, st *store.Store, v *View, op operator.Operator, today civil.Date) ([]queue.Action, error) {
	o, _, err := st.Objection(ctx, v.ID)
	if err != nil {
		return nil, err
	}
	rec, ok, err := st.CaseRecord(ctx, o.RecordID)
	if err != nil {
		return nil, err
	}
	dates, err := st.QueueDates(ctx, Machine.Queue, v.ID)
	if err != nil {
		return nil, err
	}
	return Machine.Actions(v.State, op, today, queue.Case{ID: v.ID, Dates: dates, Facts: factsOf(o, rec, ok)}), nil
}

func review(w catalog.Workdays) int       { return w.ObjectionReview }
func verification(w catalog.Workdays) int { return w.ProviderVerification }
func correction(w catalog.Workdays) int   { return w.Correction }

// Grounds (第三十一条).
var Grounds = []struct{ Code, Zh string }{
	{"wrong", "与事实不符、存在记载错误或遗漏"},
	{"prohibited", "归集了第十四条禁止归集的信息"},
	{"expired", "失信信息超期限使用"},
}

// GroundLabel is a ground's Chinese name.
func GroundLabel(code string) string {
	for _, g := range Grounds {
		if g.Code == code {
			return g.Zh
		}
	}
	return code
}

func checkGround(g string) error {
	for _, x := range Grounds {
		if x.Code == g {
			return nil
		}
	}
	return apperr.Newf(apperr.Usage, "--ground %q 无效，应为 wrong（与事实不符）、prohibited（禁止归集）或 expired（超期限使用）",
		"--ground %q is not valid: use wrong, prohibited or expired", g)
}

// Filing is a new objection as the office receives it.
type Filing struct {
	Record    int64
	Ground    string // wrong | prohibited | expired
	Applicant string
	Contact   string
	Evidence  string
	Detail    string
	Via       string     // office | provider; "" = office
	Received  civil.Date // zero = today
}

// File receives an objection: review_due = add(received, objection_review);
// the record is flagged under_objection at once and stays public.
func File(ctx context.Context, env queue.Env, f Filing) (*View, error) {
	if err := checkGround(f.Ground); err != nil {
		return nil, err
	}
	if f.Via == "" {
		f.Via = "office"
	}
	if f.Via != "office" && f.Via != "provider" {
		return nil, apperr.Newf(apperr.Usage, "--via %q 无效，应为 office（本机构）或 provider（信息提供单位）", "--via %q is not valid: use office or provider", f.Via)
	}
	if strings.TrimSpace(f.Applicant) == "" {
		return nil, apperr.New(apperr.Usage, "请用 --applicant 填写异议申请人", "give the applicant with --applicant")
	}
	if f.Received.IsZero() {
		f.Received = env.Today()
	}
	if f.Received.After(env.Today()) {
		return nil, apperr.Newf(apperr.Usage, "收到日期 %s 晚于今天 %s", "the receipt date %s is after today %s", f.Received, env.Today())
	}
	c, err := Machine.Create(ctx, env, "file", func(c *queue.Change) error {
		rec, ok, err := c.Tx.CaseRecord(f.Record)
		if err != nil {
			return err
		}
		if !ok {
			return noRecord(f.Record)
		}
		if rec.Status == "withdrawn" {
			return apperr.Newf(apperr.Rule, "记录 %d 已经撤除，不在任何公开范围内，无需再提出异议", "record %d has been withdrawn and is in no scope; there is nothing to object to", rec.ID)
		}
		if rec.Status == store.StatusPurged {
			return apperr.Newf(apperr.Rule, "记录 %d 已按保存期限清除（第八条），内容已不存在，不在任何查询范围内，无需再提出异议",
				"record %d was purged after its retention period (art. 8): its content no longer exists and it is in no scope; there is nothing to object to", rec.ID)
		}
		if err := sameGroundOpen(c.Tx, rec.ID, f.Ground); err != nil {
			return err
		}
		id, err := c.Tx.InsertObjection(store.Objection{RecordID: rec.ID, Rev: rec.Rev, ContentHash: rec.ContentHash, Ground: f.Ground,
			Via: f.Via, Applicant: strings.TrimSpace(f.Applicant), Contact: f.Contact, Evidence: f.Evidence, Detail: f.Detail,
			ReceivedOn: f.Received, State: string(Received), Holds: true})
		if err != nil {
			return err
		}
		c.ID, c.Start = id, f.Received
		c.Details = map[string]any{"record": rec.ID, "rev": rec.Rev, "content_hash": rec.ContentHash, "ground": f.Ground,
			"via": f.Via, "received_on": f.Received.String()}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return Get(ctx, env.Store, env.Cal, env.Today(), c.ID, env.Lang)
}

// sameGroundOpen refuses a second objection on record on the same ground
// while one is open (not finished): several objections may be open on one
// record, each on its own ground (SPEC amendments of 2026-12, §D). An office
// rule serving 第三十一条 and 第三十二条: one ground, one review and one
// decision at a time.
func sameGroundOpen(tx *store.Tx, record int64, ground string) error {
	os, err := tx.ObjectionsOnRecord(record)
	if err != nil {
		return err
	}
	return refuseSameGround(os, record, ground)
}

// SameGroundOpen is sameGroundOpen outside a transaction, for a form that
// refuses at input what File would refuse (the TUI's filing form).
func SameGroundOpen(ctx context.Context, st *store.Store, record int64, ground string) error {
	os, err := st.Objections(ctx, store.ObjectionFilter{Record: record})
	if err != nil {
		return err
	}
	return refuseSameGround(os, record, ground)
}

func refuseSameGround(os []store.Objection, record int64, ground string) error {
	for _, o := range os {
		if si, ok := Machine.State(queue.State(o.State)); ok && !si.Finished && o.Ground == ground {
			return apperr.New(apperr.Rule,
				fmt.Sprintf("本办公室规则（服务第三十一条、第三十二条）：记录 %d 已有以“%s”为理由、尚未办结的异议 %d（%s，收到日期 %s），同一理由不另立异议；请在异议 %d 中补充材料，或以其他理由另提异议",
					record, GroundLabel(ground), o.ID, si.Zh, o.ReceivedOn, o.ID),
				fmt.Sprintf("office rule (serving 第三十一条 and 第三十二条): record %d already has open objection %d on ground %s (%s, received %s); add the new material to objection %d, or file on another ground",
					record, o.ID, ground, si.En, o.ReceivedOn, o.ID))
		}
	}
	return nil
}

func noRecord(id int64) error {
	return apperr.Newf(apperr.Usage, "没有记录 %d（或其批次尚未发布）", "no record %d (or its batch is not published)", id)
}

// Forward sends the objection to the provider: verify_due = add(today,
// provider_verification); the review deadline does not change or pause.
func Forward(ctx context.Context, env queue.Env, id int64, note string) (*View, error) {
	return simple(ctx, env, id, "forward", note, nil)
}

// Findings of the provider's verification.
const (
	Accurate   = "accurate"
	Inaccurate = "inaccurate"
)

// VerifyFinding enters the provider's answer (a clerk enters it).
func VerifyFinding(ctx context.Context, env queue.Env, id int64, finding, note string) (*View, error) {
	if finding != Accurate && finding != Inaccurate {
		return nil, apperr.Newf(apperr.Usage, "--finding %q 无效，应为 accurate（信息无误）或 inaccurate（信息有误）",
			"--finding %q is not valid: use accurate or inaccurate", finding)
	}
	return simple(ctx, env, id, "verify", note, func(c *queue.Change) error {
		c.Details["finding"] = finding
		return c.Tx.SetObjectionOutcome(id, "finding", finding)
	})
}

// Decide is the reviewer's decision: upheld sets correct_due = add(today,
// correction); rejected clears the flag and leaves the record as it is.
func Decide(ctx context.Context, env queue.Env, id int64, uphold bool, reason string) (*View, error) {
	return simple(ctx, env, id, "decide", reason, func(c *queue.Change) error {
		c.To, c.Details["decision"] = Rejected, "rejected"
		if uphold {
			c.To, c.Details["decision"] = Upheld, "upheld"
		}
		return c.Tx.SetObjectionOutcome(id, "decision", c.Details["decision"].(string))
	})
}

// Close files a finished objection away. An upheld objection may be closed
// only when its record has been withdrawn meanwhile (by another objection on
// the same record): correct and withdraw both refuse a withdrawn record, and
// the record is already in no scope — more than any correction could do.
// The correction deadline is met on the day it is closed.
func Close(ctx context.Context, env queue.Env, id int64, note string) (*View, error) {
	return simple(ctx, env, id, "close", note, func(c *queue.Change) error {
		if c.From == Upheld { // the upheldOpen guard let it through: the record is withdrawn
			c.Details["record_withdrawn"] = true
		}
		return nil
	})
}

// recordWithdrawn reports whether the change's objection's record has been
// withdrawn (c.Details["record"] names it: see simple).
func recordWithdrawn(c *queue.Change) (bool, error) {
	id, _ := c.Details["record"].(int64)
	rec, ok, err := c.Tx.CaseRecord(id)
	if err != nil {
		return false, err
	}
	return ok && rec.Status == "withdrawn", nil
}

// Appeal records that the subject appealed to the 信用主管部门 (第三十三条).
func Appeal(ctx context.Context, env queue.Env, id int64, reason string) (*View, error) {
	return simple(ctx, env, id, "appeal", reason, func(c *queue.Change) error {
		return c.Tx.SetObjectionOutcome(id, "appeal", "appealed")
	})
}

// AppealDecide records the department's outcome: upheld sends the objection
// back to be corrected (correct_due = add(today, correction)) — unless the
// record has been withdrawn (by this objection or another): then there is
// nothing left to correct or withdraw, the record is already in no scope, and
// the objection goes to appeal_decided with the appeal upheld and the
// timeline saying why (record_withdrawn), owing nothing and holding nothing.
func AppealDecide(ctx context.Context, env queue.Env, id int64, uphold bool, note string) (*View, error) {
	return simple(ctx, env, id, "appeal-decide", note, func(c *queue.Change) error {
		c.To, c.Details["appeal"] = AppealDecided, "rejected"
		if uphold {
			c.To, c.Details["appeal"] = Upheld, "upheld"
			withdrawn, err := recordWithdrawn(c)
			if err != nil {
				return err
			}
			if withdrawn {
				c.To, c.Details["record_withdrawn"] = AppealDecided, true
			}
		}
		return c.Tx.SetObjectionOutcome(id, "appeal", c.Details["appeal"].(string))
	})
}

// simple runs a transition whose own work is small.
func simple(ctx context.Context, env queue.Env, id int64, command, note string, step func(*queue.Change) error) (*View, error) {
	_, err := Machine.Run(ctx, env, id, command, func(c *queue.Change) error {
		o, _, err := c.Tx.Objection(id)
		if err != nil {
			return err
		}
		c.Note = note
		c.Details["record"] = o.RecordID
		if step != nil {
			return step(c)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return Get(ctx, env.Store, env.Cal, env.Today(), id, env.Lang)
}

// ---- reading ----------------------------------------------------------------

// Entry is an objection as the queue lists it.
type Entry struct {
	ID       int64  `json:"id"`
	Record   int64  `json:"record"`
	Item     string `json:"item"`
	Provider string `json:"provider"`
	Subject  string `json:"subject"`
	// SubjectName is the subject's name on file, shown beside its code in
	// every list (the queues are office staff's: not masked).
	SubjectName string      `json:"subject_name"`
	State       queue.State `json:"state"`
	StateLabel  string      `json:"state_label"`
	Ground      string      `json:"ground"`
	ReceivedOn  civil.Date  `json:"received_on"`
	queue.Standing
}

// View is one objection with its deadlines and timeline.
type View struct {
	Entry
	Rev         int                  `json:"rev"`          // the record's revision objected to
	ContentHash string               `json:"content_hash"` // and its content hash
	Via         string               `json:"via"`
	Applicant   string               `json:"applicant"`
	Contact     string               `json:"contact,omitempty"`
	Evidence    string               `json:"evidence,omitempty"`
	Detail      string               `json:"detail,omitempty"`
	Flagged     bool                 `json:"under_objection"` // the objection holds its record
	ReviewDue   *civil.Date          `json:"review_due"`
	VerifyDue   *civil.Date          `json:"verify_due"`
	CorrectDue  *civil.Date          `json:"correct_due"`
	Finding     string               `json:"finding,omitempty"`
	Decision    string               `json:"decision,omitempty"`
	Appeal      string               `json:"appeal,omitempty"`
	FiledOn     civil.Date           `json:"filed_on"`
	FiledBy     string               `json:"filed_by"`
	Deadlines   []queue.DeadlineView `json:"deadlines"`
	Timeline    []queue.EventView    `json:"timeline"`
	Corrections []Change             `json:"record_changes"`
	Correction  *Change              `json:"correction,omitempty"` // the change this command made (correct, withdraw)
	// Next are the steps the state allows, as `show` lists them for its
	// operator (filled by Next's caller; absent in a step's result).
	Next []queue.Action `json:"next,omitempty"`
	// Notice explains an outcome the state alone does not: an appeal upheld,
	// or an upheld objection closed, when the record was already withdrawn.
	Notice string `json:"notice,omitempty"`
}

// Change is a change the objection made to its record, with the units to
// re-send it to (第三十二条: 在原发布和提供范围内予以公示).
type Change struct {
	On             civil.Date       `json:"on"`
	Command        string           `json:"command"` // correct | withdraw
	Record         int64            `json:"record"`
	Rev            int              `json:"rev"`
	OldContentHash string           `json:"old_content_hash"`
	ContentHash    string           `json:"content_hash"`
	Fields         []string         `json:"fields,omitempty"`
	Receivers      []store.Receiver `json:"receivers"`
}

func entry(o store.Objection, st queue.Standing, lang string) Entry {
	return Entry{ID: o.ID, Record: o.RecordID, Item: o.Item, Provider: o.Provider, Subject: o.SubjectCode, SubjectName: o.SubjectName, State: queue.State(o.State),
		StateLabel: Machine.StateLabel(queue.State(o.State), lang), Ground: o.Ground, ReceivedOn: o.ReceivedOn, Standing: st}
}

// Get reads objection id as it stands on today.
func Get(ctx context.Context, st *store.Store, cal *workday.Calendar, today civil.Date, id int64, lang string) (*View, error) {
	o, ok, err := st.Objection(ctx, id)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, Machine.NotFound(id)
	}
	warning, err := queue.Warning(ctx, st, today)
	if err != nil {
		return nil, err
	}
	dm, err := st.QueueDeadlines(ctx, Machine.Queue, []int64{id})
	if err != nil {
		return nil, err
	}
	ds := dm[id]
	standing, err := Machine.Stand(cal, today, queue.State(o.State), ds, warning)
	if err != nil {
		return nil, err
	}
	v := &View{Entry: entry(o, standing, lang), Rev: o.Rev, ContentHash: o.ContentHash, Via: o.Via, Applicant: o.Applicant, Contact: o.Contact,
		Evidence: o.Evidence, Detail: o.Detail, Flagged: o.Holds, ReviewDue: queue.LatestDue(ds, DeadlineReview), VerifyDue: queue.LatestDue(ds, DeadlineVerify),
		CorrectDue: queue.LatestDue(ds, DeadlineCorrect), Finding: o.Finding, Decision: o.Decision, Appeal: o.Appeal, FiledOn: o.FiledOn, FiledBy: o.FiledBy,
		Corrections: []Change{}}
	if v.Deadlines, err = Machine.DeadlineViews(cal, today, ds, warning, lang); err != nil {
		return nil, err
	}
	events, err := st.QueueEvents(ctx, Machine.Queue, id)
	if err != nil {
		return nil, err
	}
	v.Timeline = Machine.Timeline(events, lang)
	for _, e := range v.Timeline {
		if w, _ := e.Details["record_withdrawn"].(bool); w {
			v.Notice = withdrawnNotice(e, o.RecordID, lang)
		}
		if e.Command != "correct" && e.Command != "withdraw" {
			continue
		}
		ch := Change{On: e.On, Command: e.Command, Record: o.RecordID}
		ch.Rev = intOf(e.Details["rev"])
		ch.OldContentHash, _ = e.Details["old_content_hash"].(string)
		ch.ContentHash, _ = e.Details["content_hash"].(string)
		if fs, ok := e.Details["fields"].([]any); ok {
			for _, f := range fs {
				ch.Fields = append(ch.Fields, fmt.Sprint(f))
			}
		}
		// A correction goes to every unit that received the old revision; a
		// withdrawal to every unit that received the record at all.
		hash := ch.OldContentHash
		if e.Command == "withdraw" {
			hash = ""
		}
		if ch.Receivers, err = st.UnitsThatReceived(ctx, o.RecordID, hash); err != nil {
			return nil, err
		}
		if ch.Receivers == nil {
			ch.Receivers = []store.Receiver{}
		}
		v.Corrections = append(v.Corrections, ch)
	}
	return v, nil
}

// withdrawnNotice explains a step that found the record already withdrawn.
func withdrawnNotice(e queue.EventView, record int64, lang string) string {
	if e.Command == "appeal-decide" {
		if lang == "en" {
			return fmt.Sprintf("%s: the appeal was upheld, but record %d had already been withdrawn and is in no scope: nothing is left to correct, so the objection is decided", e.On, record)
		}
		return fmt.Sprintf("%s 申诉成立，但记录 %d 已经撤除、不在任何查询范围内，无需再更正，异议按申诉已决定办结", e.On, record)
	}
	if lang == "en" {
		return fmt.Sprintf("%s: closed without a correction: record %d had already been withdrawn and is in no scope", e.On, record)
	}
	return fmt.Sprintf("%s 记录 %d 已经撤除、不在任何查询范围内，异议无需更正即办结", e.On, record)
}

func intOf(v any) int {
	if f, ok := v.(float64); ok {
		return int(f)
	}
	return 0
}

// Filter selects objections for the list.
type Filter struct {
	State    string
	Provider string
	Record   int64
	Records  []int64 // any of these records (an archive's); non-nil and empty selects none
	DueSoon  bool
	Overdue  bool
}

// List is the objection queue on today, sorted by due date (SPEC §B).
func List(ctx context.Context, st *store.Store, cal *workday.Calendar, today civil.Date, f Filter, lang string) ([]Entry, error) {
	if f.State != "" {
		if _, err := Machine.ParseState(f.State); err != nil {
			return nil, err
		}
	}
	obs, err := st.Objections(ctx, store.ObjectionFilter{State: f.State, Provider: f.Provider, Record: f.Record, Records: f.Records})
	if err != nil {
		return nil, err
	}
	warning, err := queue.Warning(ctx, st, today)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(obs))
	for i, o := range obs {
		ids[i] = o.ID
	}
	dm, err := st.QueueDeadlines(ctx, Machine.Queue, ids)
	if err != nil {
		return nil, err
	}
	out := []Entry{}
	for _, o := range obs {
		s, err := Machine.Stand(cal, today, queue.State(o.State), dm[o.ID], warning)
		if err != nil {
			return nil, err
		}
		if !s.Matches(f.DueSoon, f.Overdue) {
			continue
		}
		out = append(out, entry(o, s, lang))
	}
	queue.Sort(out, func(e Entry) queue.Standing { return e.Standing }, func(e Entry) int64 { return e.ID })
	return out, nil
}
