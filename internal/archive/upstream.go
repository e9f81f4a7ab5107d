package archive

import "credit/internal/store"

// Upstream states of a record in the exchange with the provincial system
// (docs/exchange.md §6). The exchange package reconciles them; the archive
// shows them to office staff.
const (
	UpstreamAcknowledged = "acknowledged" // 已上报: the province accepted the current revision
	UpstreamSent         = "sent"         // 已报送待回执: the current revision is in a run awaiting its receipt
	UpstreamFailed       = "failed"       // 上报失败: the province refused the current revision
	UpstreamPending      = "pending"      // 待报送: not sent yet (new, or changed since)
	UpstreamFromProvince = "province"     // 省级推送: came down from the province (or its current revision did); never sent back
)

// UpstreamStateOf is a record's upstream state.
func UpstreamStateOf(u store.UpstreamRow) string {
	switch {
	case u.Channel == "province" || u.RevChannel == "province":
		return UpstreamFromProvince
	case u.AckedRev >= u.Rev:
		return UpstreamAcknowledged
	case u.LastSeq > 0 && u.LastRev == u.Rev && u.LastResult == "failed":
		return UpstreamFailed
	case u.LastSeq > 0 && u.LastRev == u.Rev && u.LastResult == "pending":
		return UpstreamSent
	}
	return UpstreamPending
}

// Upstream is a record's state in the exchange with the province, as the
// office scope shows it (items the catalog reports upward only).
type Upstream struct {
	State        string `json:"state"`
	Sequence     int64  `json:"sequence,omitempty"`      // the last run that carried it
	AckedRev     int    `json:"acknowledged_rev"`        // last revision the province accepted (0: none)
	AckedOn      string `json:"acknowledged_on"`         // date of that receipt
	ErrorCode    string `json:"error_code,omitempty"`    // the province's refusal of the current revision
	ErrorMessage string `json:"error_message,omitempty"` // its message
}

func upstreamOf(u store.UpstreamRow) *Upstream {
	up := &Upstream{State: UpstreamStateOf(u), Sequence: u.LastSeq, AckedRev: u.AckedRev, AckedOn: u.AckedOn}
	if up.State == UpstreamFailed {
		up.ErrorCode, up.ErrorMessage = u.LastCode, u.LastMessage
	}
	return up
}

// UpstreamLabel is the state in Chinese or English.
func UpstreamLabel(state, lang string) string {
	l := map[string][2]string{
		UpstreamAcknowledged: {"已上报", "acknowledged"},
		UpstreamSent:         {"已报送待回执", "sent, awaiting receipt"},
		UpstreamFailed:       {"上报失败", "failed"},
		UpstreamPending:      {"待报送", "pending"},
		UpstreamFromProvince: {"省级推送（不上报）", "from the province (not sent back)"},
	}[state]
	if lang == "en" {
		return l[1]
	}
	return l[0]
}
