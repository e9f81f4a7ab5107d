package objection

import (
	"fmt"
	"strings"

	"credit/internal/store"
)

// receivedHow names the query-log actions by which a unit can have received
// a record.
var receivedHow = map[string][2]string{
	"show":   {"查询", "lookup"},
	"check":  {"信用审查", "credit check"},
	"export": {"批量导出", "export"},
	"report": {"信用报告", "credit report"},
	"verify": {"核验", "verification"},
}

// ReceivedHow says how and how often a unit received the record it must be
// re-sent (第三十二条), e.g. "查询、批量导出，共 4 次（2025-09-10 至 2025-09-22）".
func ReceivedHow(r store.Receiver, lang string) string {
	ways := make([]string, len(r.Actions))
	for i, a := range r.Actions {
		ways[i] = a
		if l, ok := receivedHow[a]; ok {
			ways[i] = l[0]
			if lang == "en" {
				ways[i] = l[1]
			}
		}
	}
	if lang == "en" {
		when := r.FirstOn
		if r.LastOn != r.FirstOn {
			when += " to " + r.LastOn
		}
		return fmt.Sprintf("%s, %d time(s) (%s)", strings.Join(ways, ", "), r.Times, when)
	}
	when := r.FirstOn
	if r.LastOn != r.FirstOn {
		when += " 至 " + r.LastOn
	}
	return fmt.Sprintf("%s，共 %d 次（%s）", strings.Join(ways, "、"), r.Times, when)
}

// ReceiverLabel names the unit of a receiver: its name and code.
func ReceiverLabel(r store.Receiver) string {
	return strings.TrimSpace(r.UnitName + " " + r.Unit)
}
