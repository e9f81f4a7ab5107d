package ingest

import (
	"encoding/csv"
	"os"
	"strings"

	"credit/internal/store"
	"credit/internal/tabular"
)

// Columns the reject report adds to the provider's own; an importer ignores
// them, so a department can fix the report and send it back as it is.
const (
	ColErrorFields  = "错误字段"
	ColErrorReasons = "错误原因"
)

func reportColumn(name string) bool {
	return name == ColErrorFields || name == ColErrorReasons
}

// RejectReason joins one row's reason codes and messages for 错误原因:
// "check_digit：行政相对人代码_1（统一社会信用代码）：校验码应为…".
func rejectReasonText(r store.Reject) string {
	codes := strings.Split(r.Reasons, "；")
	msgs := strings.Split(r.Message, "；")
	out := make([]string, len(codes))
	for i, c := range codes {
		out[i] = c
		if i < len(msgs) {
			out[i] += "：" + msgs[i]
		}
	}
	return strings.Join(out, "；")
}

// WriteRejectsCSV writes the reject report a department can fix and
// resubmit: its original columns plus 错误字段 and 错误原因, one line per
// rejected row, UTF-8 with a BOM so that Excel opens it correctly.
func WriteRejectsCSV(path string, header []string, rejects []store.Reject) error {
	return tabular.WriteFileAtomic(path, func(tmp string) error {
		f, err := os.Create(tmp)
		if err != nil {
			return err
		}
		defer f.Close()
		if _, err := f.Write([]byte{0xEF, 0xBB, 0xBF}); err != nil {
			return err
		}
		w := csv.NewWriter(f)
		w.UseCRLF = true
		var keep []int
		var hdr []string
		for i, h := range header {
			if !reportColumn(strings.TrimSpace(h)) {
				keep = append(keep, i)
				hdr = append(hdr, h)
			}
		}
		if err := w.Write(append(hdr, ColErrorFields, ColErrorReasons)); err != nil {
			return err
		}
		for _, r := range rejects {
			row := make([]string, 0, len(keep)+2)
			for _, i := range keep {
				if i < len(r.Cells) {
					row = append(row, r.Cells[i])
				} else {
					row = append(row, "")
				}
			}
			// Guarded against formula injection (tabular.GuardFormula);
			// the importer takes the guard off again (UnguardFormula).
			if err := w.Write(tabular.GuardRow(append(row, r.Fields, rejectReasonText(r)))); err != nil {
				return err
			}
		}
		w.Flush()
		if err := w.Error(); err != nil {
			return err
		}
		return f.Close()
	})
}
