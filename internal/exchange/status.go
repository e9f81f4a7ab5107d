package exchange

import (
	"context"
	"time"

	"credit/internal/catalog"
	"credit/internal/civil"
	"credit/internal/store"
	"credit/internal/workday"
)

// Upstream states of a record (docs/exchange.md §6).
const (
	Acknowledged = "acknowledged" // 已上报: the province accepted the current revision
	Sent         = "sent"         // 已报送待回执: the current revision is in a run awaiting its receipt
	Failed       = "failed"       // 上报失败: the province refused the current revision
	Pending      = "pending"      // 待报送: not sent yet (new, changed, or the last run's answer was for an older revision)
	FromProvince = "province"     // 省级推送: came down from the province (or its current revision did); never sent back
)

// StateOf is a record's upstream state.
func StateOf(u store.UpstreamRow) string {
	switch {
	case u.Channel == "province" || u.RevChannel == "province":
		return FromProvince
	case u.AckedRev >= u.Rev:
		return Acknowledged
	case u.LastSeq > 0 && u.LastRev == u.Rev && u.LastResult == "failed":
		return Failed
	case u.LastSeq > 0 && u.LastRev == u.Rev && u.LastResult == "pending":
		return Sent
	}
	return Pending
}

// StateLabel is the state in Chinese or English.
func StateLabel(state, lang string) string {
	l := map[string][2]string{
		Acknowledged: {"已上报", "acknowledged"},
		Sent:         {"已报送待回执", "sent, awaiting receipt"},
		Failed:       {"上报失败", "failed"},
		Pending:      {"待报送", "pending"},
		FromProvince: {"省级推送（不上报）", "from the province (not sent back)"},
	}[state]
	if lang == "en" {
		return l[1]
	}
	return l[0]
}

// ChangedOn is the office date of a record's current revision: the date of
// the import that made it, else the real time of the workflow change in the
// policy's time zone.
func ChangedOn(u store.UpstreamRow, tz string) civil.Date {
	if d, err := civil.Parse(u.RevToday); err == nil {
		return d
	}
	t, err := time.Parse(time.RFC3339Nano, u.UpdatedAt)
	if err != nil {
		return civil.Date{}
	}
	if loc, err := time.LoadLocation(tz); err == nil {
		t = t.In(loc)
	}
	return civil.Of(t)
}

// ItemStatus is one line of credit exchange status.
type ItemStatus struct {
	Item           string `json:"item"`
	Name           string `json:"item_name"`
	Local          int    `json:"local"`         // records collected locally (not purged)
	FromProvince   int    `json:"from_province"` // came down from the province: never sent back
	Sent           int    `json:"sent"`          // sent at least once
	Acknowledged   int    `json:"acknowledged"`  // current revision accepted
	Failed         int    `json:"failed"`        // current revision refused by the province
	Pending        int    `json:"pending"`       // not yet accepted nor failed: to send, or awaiting the receipt
	AwaitingReply  int    `json:"awaiting_receipt"`
	OldestSince    string `json:"oldest_pending_since"` // change date of the oldest pending record
	OldestWorkdays int    `json:"oldest_pending_workdays"`
	Overdue        int    `json:"overdue"` // pending longer than the policy's upward_receipt
}

// Status reconciles every upward item on today: what is local, what was
// sent, accepted, refused and still waits, and how long (working days from
// the change, against policy.workdays.upward_receipt, an office rule).
func Status(ctx context.Context, st *store.Store, cat *catalog.Catalog, cal *workday.Calendar, today civil.Date) ([]ItemStatus, error) {
	items, err := UpwardItems(cat, "")
	if err != nil {
		return nil, err
	}
	codes := make([]string, len(items))
	out := make([]ItemStatus, len(items))
	idx := map[string]int{}
	for i, it := range items {
		codes[i] = it.Code
		out[i] = ItemStatus{Item: it.Code, Name: it.Name}
		idx[it.Code] = i
	}
	limit := cat.Policy.Workdays.UpwardReceipt
	err = st.UpstreamRows(ctx, codes, func(u store.UpstreamRow) error {
		s := &out[idx[u.Item]]
		state := StateOf(u)
		if state == FromProvince && u.Channel == "province" {
			s.FromProvince++
			return nil
		}
		s.Local++
		if u.LastSeq > 0 {
			s.Sent++
		}
		switch state {
		case Acknowledged, FromProvince:
			s.Acknowledged += map[bool]int{true: 1}[state == Acknowledged]
			return nil
		case Failed:
			s.Failed++
			return nil
		case Sent:
			s.AwaitingReply++
		}
		s.Pending++
		on := ChangedOn(u, cat.Policy.Timezone)
		if on.IsZero() || on.After(today) {
			return nil
		}
		if s.OldestSince == "" || on.String() < s.OldestSince {
			n, err := cal.Between(on, today)
			if err != nil {
				return err
			}
			s.OldestSince, s.OldestWorkdays = on.String(), n
		}
		n, err := cal.Between(on, today)
		if err != nil {
			return err
		}
		if n > limit {
			s.Overdue++
		}
		return nil
	})
	return out, err
}
