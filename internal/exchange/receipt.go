package exchange

import (
	"bytes"
	"encoding/json"
	"sort"
	"strings"

	"credit/internal/apperr"
	"credit/internal/civil"
	"credit/internal/store"
)

// Receipt is the province's answer to one run (docs/exchange.md §4).
type Receipt struct {
	Sequence   int64           `json:"sequence"`
	Department string          `json:"department"`
	ReceivedOn string          `json:"received_on"`
	Files      []ReceiptFile   `json:"files"`
	Results    []ReceiptResult `json:"results"`
}

// ReceiptFile is a file the province received, with the hash it computed.
type ReceiptFile struct {
	Name   string `json:"name"`
	SHA256 string `json:"sha256"`
}

// ReceiptResult answers one record.
type ReceiptResult struct {
	File    string `json:"file"`
	ID      int64  `json:"id"`
	Rev     int    `json:"rev"`
	Result  string `json:"result"` // accepted | error
	Code    string `json:"code,omitempty"`
	Message string `json:"message,omitempty"`
}

// refused: the zh and en texts take the same arguments in the same order.
func refused(name, zh, en string, args ...any) error {
	return apperr.Newf(apperr.Refused, "回执 %s 被整体拒收："+zh, "receipt %s refused whole: "+en, append([]any{name}, args...)...)
}

// ParseReceipt reads a receipt file; unknown keys and malformed JSON refuse it.
func ParseReceipt(name string, data []byte) (*Receipt, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var r Receipt
	if err := dec.Decode(&r); err != nil {
		return nil, refused(name, "不是有效的回执 JSON（%v），格式见 docs/exchange.md 第 4 节", "not a valid receipt JSON (%v); see docs/exchange.md §4", err)
	}
	if r.Sequence <= 0 {
		return nil, refused(name, "缺少序号 sequence", "sequence is missing")
	}
	if _, err := civil.Parse(r.ReceivedOn); err != nil {
		return nil, refused(name, "接收日期 received_on %q 无效（应为 YYYY-MM-DD）", "received_on %q is not a date (YYYY-MM-DD)", r.ReceivedOn)
	}
	return &r, nil
}

// Check matches a receipt with the run it answers: the same department,
// exactly the run's files with the hashes they were sent with (a hash that
// differs means a file was altered on the way), and one answer for every
// record sent, with the revision sent. Anything else refuses the receipt
// whole; nothing is recorded.
func Check(name string, r *Receipt, run store.ExchangeRun, files []store.ExchangeFile, sent map[int64]store.ExchangeSent) ([]store.ExchangeAnswer, error) {
	if r.Department != run.Department {
		return nil, refused(name, "部门代码 %s 与序号 %d 报送时的 %s 不符", "department %s differs from what sequence %d was sent under, %s",
			r.Department, r.Sequence, run.Department)
	}
	want := map[string]string{}
	for _, f := range files {
		want[f.Name] = f.SHA256
	}
	seen := map[string]bool{}
	for _, f := range r.Files {
		h, ok := want[f.Name]
		switch {
		case !ok:
			return nil, refused(name, "序号 %d 没有报送文件 %s", "sequence %d sent no file %s", r.Sequence, f.Name)
		case seen[f.Name]:
			return nil, refused(name, "文件 %s 出现两次", "file %s is listed twice", f.Name)
		case !strings.EqualFold(f.SHA256, h):
			return nil, refused(name, "文件 %s 的 SHA-256 %s 与报送时的 %s 不符（文件在传输中被改动），请向省级平台核实后重新报送",
				"file %s has SHA-256 %s, not %s as sent (the file was altered on the way); check with the provincial platform and send again",
				f.Name, f.SHA256, h)
		}
		seen[f.Name] = true
	}
	var missing []string
	for n := range want {
		if !seen[n] {
			missing = append(missing, n)
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return nil, refused(name, "未列出报送的文件 %s", "the files %s that were sent are not listed", strings.Join(missing, ", "))
	}
	answered := map[int64]bool{}
	var out []store.ExchangeAnswer
	for i, res := range r.Results {
		s, ok := sent[res.ID]
		switch {
		case !ok:
			return nil, refused(name, "results[%d]：记录 %d 不在序号 %d 中", "results[%d]: record %d was not in sequence %d", i, res.ID, r.Sequence)
		case answered[res.ID]:
			return nil, refused(name, "results[%d]：记录 %d 答复了两次", "results[%d]: record %d is answered twice", i, res.ID)
		case res.Rev != s.Rev || res.File != s.File:
			return nil, refused(name, "results[%d]：记录 %d 报送的是 %s 中的第 %d 版，回执写的是 %s 中的第 %d 版",
				"results[%d]: record %d was sent in %s as revision %d, the receipt says %s revision %d",
				i, res.ID, s.File, s.Rev, res.File, res.Rev)
		}
		a := store.ExchangeAnswer{RecordID: res.ID}
		switch res.Result {
		case "accepted":
			a.Accepted = true
		case "error":
			if strings.TrimSpace(res.Code) == "" {
				return nil, refused(name, "results[%d]：记录 %d 上报失败但没有错误代码", "results[%d]: record %d failed without an error code", i, res.ID)
			}
			a.Code, a.Message = strings.TrimSpace(res.Code), strings.TrimSpace(res.Message)
		default:
			return nil, refused(name, "results[%d]：结果 %q 无效（应为 accepted 或 error）", "results[%d]: result %q is not accepted or error", i, res.Result)
		}
		answered[res.ID] = true
		out = append(out, a)
	}
	if len(answered) != len(sent) {
		return nil, refused(name, "序号 %d 报送了 %d 条记录，回执只答复了 %d 条：每条记录都须答复",
			"sequence %d sent %d records, the receipt answers %d: every record must be answered", r.Sequence, len(sent), len(answered))
	}
	return out, nil
}

// UnknownSequence is the refusal of a receipt for a sequence never sent.
func UnknownSequence(name string, seq int64) error {
	return refused(name, "序号 %d 从未报送", "sequence %d was never sent", seq)
}

// AlreadyAnswered is the refusal of a second, different receipt for a run.
func AlreadyAnswered(name string, seq int64) error {
	return refused(name, "序号 %d 已有另一份回执", "sequence %d already has another receipt", seq)
}
