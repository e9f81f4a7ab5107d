package exchange

import (
	"context"

	"credit/internal/archive"
	"time"

	"credit/internal/catalog"
	"credit/internal/civil"
	"credit/internal/store"
	"credit/internal/workday"
)

// Upstream states of a record (docs/exchange.md §6), as the archive names them.
const (
	Acknowledged = archive.UpstreamAcknowledged
	Sent         = archive.UpstreamSent
	Failed       = archive.UpstreamFailed
	Pending      = archive.UpstreamPending
	FromProvince = archive.UpstreamFromProvince
)

// StateOf is a record's upstream state.
func StateOf(u store.UpstreamRow) string { return archive.UpstreamStateOf(u) }

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
