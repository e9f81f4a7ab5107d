package repair

import (
	"context"
	"strconv"

	"credit/internal/civil"
	"credit/internal/ident"
	"credit/internal/queue"
	"credit/internal/store"
	"credit/internal/workday"
)

// Entry is a repair as the queue lists it (the same keys as an objection's).
type Entry struct {
	ID          int64       `json:"id"`
	Record      int64       `json:"record"`          // 0 for a hand-entered list entry
	ListEntry   string      `json:"entry,omitempty"` // M<n>: a hand-entered list entry
	Item        string      `json:"item"`
	Provider    string      `json:"provider"`
	Subject     string      `json:"subject"`
	SubjectName string      `json:"subject_name"` // beside the code in every list (office staff's queue: not masked)
	State       queue.State `json:"state"`
	StateLabel  string      `json:"state_label"`
	AppliedOn   civil.Date  `json:"applied_on"`
	CorrectedOn civil.Date  `json:"corrected_on"`
	queue.Standing
	Publicity *Publicity `json:"publicity"`
}

// Publicity is a repair's publicity period.
type Publicity struct {
	Days         int         `json:"days"`      // the whole period in working days
	FirstDay     civil.Date  `json:"first_day"` // of the first stretch
	LastDay      civil.Date  `json:"last_day"`  // of the latest stretch (moves when a pause resumes)
	Paused       bool        `json:"paused"`
	Remaining    *int        `json:"remaining_days"` // while paused: working days still to serve
	CompleteFrom *civil.Date `json:"complete_from"`  // the day after the last day, while running
	Provisional  bool        `json:"provisional,omitempty"`
	Stretches    []Stretch   `json:"stretches"`
}

// Stretch is one run of the publicity between pauses.
type Stretch struct {
	StartedOn civil.Date  `json:"started_on"`
	Days      int         `json:"days"`
	FirstDay  civil.Date  `json:"first_day"`
	LastDay   civil.Date  `json:"last_day"`
	PausedOn  *civil.Date `json:"paused_on"`
	Served    *int        `json:"served"` // working days served before the pause
}

func publicity(ps []store.PublicityStretch, state queue.State) *Publicity {
	if len(ps) == 0 {
		return nil
	}
	last := ps[len(ps)-1]
	p := &Publicity{Days: ps[0].Total, FirstDay: ps[0].First, LastDay: last.Last}
	for _, s := range ps {
		st := Stretch{StartedOn: s.StartedOn, Days: s.Days, FirstDay: s.First, LastDay: s.Last}
		if !s.PausedOn.IsZero() {
			on, served := s.PausedOn, s.Served
			st.PausedOn, st.Served = &on, &served
		}
		p.Provisional = p.Provisional || s.Provisional
		p.Stretches = append(p.Stretches, st)
	}
	if !last.PausedOn.IsZero() {
		r := last.Days - last.Served
		p.Paused, p.Remaining = true, &r
	} else if state == InPublicity {
		from := last.Last.AddDays(1)
		p.CompleteFrom = &from
	}
	return p
}

// View is one repair with its eligibility, deadlines, publicity and timeline.
type View struct {
	Entry
	Rev         int                  `json:"rev"`
	ContentHash string               `json:"content_hash"`
	Eligible    bool                 `json:"eligible"`
	Reasons     []string             `json:"reasons"`
	ReasonText  []string             `json:"reason_text"`
	Commitment  string               `json:"commitment"`
	Evidence    string               `json:"evidence,omitempty"`
	UnderRepair bool                 `json:"under_repair"` // the repair holds its record
	OpinionDue  *civil.Date          `json:"opinion_due"`
	VerifyDue   *civil.Date          `json:"verify_due"`
	Opinion     string               `json:"opinion,omitempty"`
	FiledOn     civil.Date           `json:"filed_on"`
	FiledBy     string               `json:"filed_by"`
	Deadlines   []queue.DeadlineView `json:"deadlines"`
	Timeline    []queue.EventView    `json:"timeline"`
	// Next are the steps the state allows, as `show` lists them for its
	// operator (filled by Next's caller; absent in a step's result).
	Next []queue.Action `json:"next,omitempty"`
}

func entry(r store.Repair, s queue.Standing, ps []store.PublicityStretch, lang string) Entry {
	return Entry{ID: r.ID, Record: r.RecordID, ListEntry: r.Entry, Item: r.Item, Provider: r.Provider, Subject: r.SubjectCode, SubjectName: r.SubjectName, State: queue.State(r.State),
		StateLabel: Machine.StateLabel(queue.State(r.State), lang), AppliedOn: r.AppliedOn, CorrectedOn: r.CorrectedOn, Standing: s,
		Publicity: publicity(ps, queue.State(r.State))}
}

// Get reads repair id as it stands on today.
func Get(ctx context.Context, st *store.Store, cal *workday.Calendar, today civil.Date, id int64, lang string) (*View, error) {
	r, ok, err := st.Repair(ctx, id)
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
	pm, err := st.Publicity(ctx, []int64{id})
	if err != nil {
		return nil, err
	}
	ds := dm[id]
	s, err := Machine.Stand(cal, today, queue.State(r.State), ds, warning)
	if err != nil {
		return nil, err
	}
	v := &View{Entry: entry(r, s, pm[id], lang), Rev: r.Rev, ContentHash: r.ContentHash, Eligible: r.Eligible,
		Reasons: r.Reasons, ReasonText: []string{}, Commitment: r.Commitment, Evidence: r.Evidence, UnderRepair: r.Holds,
		OpinionDue: queue.LatestDue(ds, DeadlineOpinion), VerifyDue: queue.LatestDue(ds, DeadlineVerify), Opinion: r.Opinion,
		FiledOn: r.FiledOn, FiledBy: r.FiledBy}
	if v.Reasons == nil {
		v.Reasons = []string{}
	}
	for _, code := range v.Reasons {
		v.ReasonText = append(v.ReasonText, ReasonText(code, lang))
	}
	if v.Deadlines, err = Machine.DeadlineViews(cal, today, ds, warning, lang); err != nil {
		return nil, err
	}
	events, err := st.QueueEvents(ctx, Machine.Queue, id)
	if err != nil {
		return nil, err
	}
	v.Timeline = Machine.Timeline(events, lang)
	return v, nil
}

// Filter selects repairs for the list.
type Filter struct {
	State    string
	Provider string
	Record   int64
	Records  []int64 // any of these records (an archive's); non-nil and empty selects none
	DueSoon  bool
	Overdue  bool
}

// List is the repair queue on today, sorted by due date (SPEC §B).
func List(ctx context.Context, st *store.Store, cal *workday.Calendar, today civil.Date, f Filter, lang string) ([]Entry, error) {
	if f.State != "" {
		if _, err := Machine.ParseState(f.State); err != nil {
			return nil, err
		}
	}
	rs, err := st.Repairs(ctx, store.RepairFilter{State: f.State, Provider: f.Provider, Record: f.Record, Records: f.Records})
	if err != nil {
		return nil, err
	}
	return entries(ctx, st, cal, today, rs, f, lang)
}

func entries(ctx context.Context, st *store.Store, cal *workday.Calendar, today civil.Date, rs []store.Repair, f Filter, lang string) ([]Entry, error) {
	warning, err := queue.Warning(ctx, st, today)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(rs))
	for i, r := range rs {
		ids[i] = r.ID
	}
	dm, err := st.QueueDeadlines(ctx, Machine.Queue, ids)
	if err != nil {
		return nil, err
	}
	pm, err := st.Publicity(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := []Entry{}
	for _, r := range rs {
		s, err := Machine.Stand(cal, today, queue.State(r.State), dm[r.ID], warning)
		if err != nil {
			return nil, err
		}
		if !s.Matches(f.DueSoon, f.Overdue) {
			continue
		}
		out = append(out, entry(r, s, pm[r.ID], lang))
	}
	queue.Sort(out, func(e Entry) queue.Standing { return e.Standing }, func(e Entry) int64 { return e.ID })
	return out, nil
}

// Notice is one line of the publicity notice for the provider's website:
// what is under repair publicity on a day. A natural person's code and name
// are masked, as in the public scope.
type Notice struct {
	Repair      int64      `json:"repair"`
	Record      int64      `json:"record"`
	ListEntry   string     `json:"entry,omitempty"`
	Item        string     `json:"item"`
	Provider    string     `json:"provider"`
	Subject     string     `json:"subject"`
	SubjectName string     `json:"subject_name"`
	FirstDay    civil.Date `json:"first_day"`
	LastDay     civil.Date `json:"last_day"`
}

// PublicityOn lists the repairs under publicity on date on (a day inside a
// stretch and before its pause), by repair.
func PublicityOn(ctx context.Context, st *store.Store, on civil.Date) ([]Notice, error) {
	ps, err := st.PublicityOn(ctx, on)
	if err != nil {
		return nil, err
	}
	out := []Notice{}
	if len(ps) == 0 {
		return out, nil
	}
	ids := make([]int64, 0, len(ps))
	for _, p := range ps {
		ids = append(ids, p.RepairID)
	}
	rs, err := st.Repairs(ctx, store.RepairFilter{IDs: ids})
	if err != nil {
		return nil, err
	}
	all, err := st.Publicity(ctx, ids)
	if err != nil {
		return nil, err
	}
	byID := map[int64]store.Repair{}
	for _, r := range rs {
		byID[r.ID] = r
	}
	for _, p := range ps {
		r := byID[p.RepairID]
		code, name := r.SubjectCode, r.SubjectName
		if r.SubjectKind == "natural_person" || r.SubjectKind == "" && ident.Check(code).Kind == ident.NaturalPerson {
			code, name = ident.Mask(code), ident.MaskName(name)
		}
		stretches := all[r.ID]
		out = append(out, Notice{Repair: r.ID, Record: r.RecordID, ListEntry: r.Entry, Item: r.Item, Provider: r.Provider, Subject: code, SubjectName: name,
			FirstDay: stretches[0].First, LastDay: stretches[len(stretches)-1].Last})
	}
	return out, nil
}

// PublicityMoves lists the running publicity periods whose last day another
// calendar would put elsewhere (they stay as set: SPEC §B).
func PublicityMoves(ctx context.Context, st *store.Store, next *workday.Calendar) ([]queue.Move, error) {
	ps, err := st.RunningPublicity(ctx)
	if err != nil {
		return nil, err
	}
	var out []queue.Move
	for _, p := range ps {
		would, err := next.Add(p.StartedOn, p.Days)
		if err != nil || would == p.Last {
			continue
		}
		out = append(out, queue.Move{Object: "repair:" + strconv.FormatInt(p.RepairID, 10), What: "公示期末日（publicity last day）", Due: p.Last, Would: would})
	}
	return out, nil
}
