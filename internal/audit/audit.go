// Package audit owns the append-only, hash-chained audit log (第三十六条):
// what an entry holds, how its hash is computed, and how a chain is checked.
// The store writes entries in the same transaction as the change they record;
// details hold ids and content hashes, never personal field values.
package audit

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"

	"credit/internal/apperr"
)

// Entry is one line of the audit log.
type Entry struct {
	Seq      int64  `json:"seq"`
	At       string `json:"at"`        // real time, RFC 3339 with nanoseconds, UTC
	Today    string `json:"today"`     // the office date asked for (--today), YYYY-MM-DD
	Operator string `json:"operator"`  // on whose behalf
	ActingBy string `json:"acting_by"` // the administrator who used --as, or ""
	Action   string `json:"action"`    // e.g. user.add, catalog.apply
	Object   string `json:"object"`    // e.g. user:alice, catalog:3
	Details  string `json:"details"`   // canonical JSON: ids, hashes, counts
	Prev     string `json:"prev"`      // hash of the entry before, "" for the first
	Hash     string `json:"hash"`
}

// Genesis is the Prev of the first entry.
const Genesis = ""

// ComputeHash is SHA-256 over the entry's fields and the previous hash, each
// length-prefixed so that no two different entries share an input. Entries
// before a store was sealed are hashed so.
func (e Entry) ComputeHash() string {
	sum := sha256.Sum256(e.input())
	return hex.EncodeToString(sum[:])
}

// Keyed is the office key as the audit chain uses it (internal/seal.Key).
type Keyed interface {
	Sum(data []byte) []byte
}

// ComputeMAC is HMAC-SHA256 under the office key over the same input as
// ComputeHash: entries from the first keyed one on (KeyedAction) are made
// so, and no one without the key can rewrite them.
func (e Entry) ComputeMAC(k Keyed) string {
	return hex.EncodeToString(k.Sum(e.input()))
}

func (e Entry) input() []byte {
	var b []byte
	for _, f := range []string{e.Prev, strconv.FormatInt(e.Seq, 10), e.At, e.Today, e.Operator, e.ActingBy, e.Action, e.Object, e.Details} {
		b = strconv.AppendInt(b, int64(len(f)), 10)
		b = append(b, ':')
		b = append(b, f...)
		b = append(b, ';')
	}
	return b
}

// KeyedAction is the action of the first keyed entry: it closes the unkeyed
// chain (its Prev and its details' closed_chain are the last unkeyed hash).
const KeyedAction = "audit.key"

// Anchor is a chain head kept outside the store: SEQ:HASH.
type Anchor struct {
	Seq  int64
	Hash string
}

func (a Anchor) String() string { return fmt.Sprintf("%d:%s", a.Seq, a.Hash) }

// ParseAnchor reads SEQ:HASH.
func ParseAnchor(s string) (Anchor, error) {
	seq, hash, ok := strings.Cut(strings.TrimSpace(s), ":")
	n, err := strconv.ParseInt(seq, 10, 64)
	if !ok || err != nil || n < 0 || len(hash) != 64 {
		return Anchor{}, apperr.Newf(apperr.Usage, "锚点 %q 格式错误，应为 序号:哈希（credit audit anchor 的输出）", "anchor %q is malformed: expected SEQ:HASH as printed by credit audit anchor", s)
	}
	return Anchor{n, strings.ToLower(hash)}, nil
}

// Verifier checks a chain fed to it entry by entry in sequence order.
type Verifier struct {
	prev    string
	next    int64
	count   int64
	anchor  *Anchor
	matched bool
	Head    Anchor

	key       Keyed // the office key, nil when none is known
	mustKey   bool  // the store is sealed: the chain must have its keyed part
	keyedFrom int64 // seq of the first keyed entry, 0 before it
}

// NewVerifier starts a check; anchor may be nil.
func NewVerifier(anchor *Anchor) *Verifier {
	return &Verifier{prev: Genesis, next: 1, anchor: anchor}
}

// WithKey makes the verifier check keyed entries under key. mustKey says the
// store was sealed, so a chain without a keyed part was cut and rewritten.
func (v *Verifier) WithKey(key Keyed, mustKey bool) *Verifier {
	v.key, v.mustKey = key, mustKey
	return v
}

// KeyedFrom is the sequence of the first keyed entry (0 when none).
func (v *Verifier) KeyedFrom() int64 { return v.keyedFrom }

func broken(seq int64, zh, en string) error {
	return apperr.Newf(apperr.Integrity, "审计日志校验失败：第 %d 条"+zh, "audit log check failed: entry %d "+en, seq)
}

// Add checks the next entry.
func (v *Verifier) Add(e Entry) error {
	switch {
	case e.Seq > v.next:
		return broken(v.next, "缺失（已被删除）", "is missing (removed)")
	case e.Seq < v.next:
		return broken(e.Seq, "重复或顺序被打乱", "is duplicated or out of order")
	case e.Prev != v.prev:
		return broken(e.Seq, "与前一条不衔接（被删除、插入或重排）", "does not link to the entry before it (removed, inserted or reordered)")
	}
	if v.keyedFrom == 0 && e.Action == KeyedAction {
		if v.key == nil {
			return apperr.Newf(apperr.Internal,
				"审计日志从第 %d 条起由办公室密钥保护：请用 --key 或 CREDIT_KEY 指向本库的密钥文件后再校验",
				"the audit log is keyed from entry %d on: point --key or CREDIT_KEY at this store's key file to verify it", e.Seq)
		}
		if !strings.Contains(e.Details, fmt.Sprintf("\"closed_chain\":\"%d:%s\"", v.Head.Seq, v.prev)) {
			return broken(e.Seq, "（启用密钥的第一条）没有记下此前链头", "(the first keyed one) does not record the head of the chain before it")
		}
		v.keyedFrom = e.Seq
	}
	switch {
	case v.keyedFrom > 0 && e.ComputeMAC(v.key) != e.Hash:
		return broken(e.Seq, "内容被修改（密钥校验不符：不持有办公室密钥者改写了它）", "was changed (its keyed hash does not match: rewritten without the office key)")
	case v.keyedFrom == 0 && e.ComputeHash() != e.Hash:
		return broken(e.Seq, "内容被修改", "was changed")
	}
	if v.anchor != nil && e.Seq == v.anchor.Seq {
		if e.Hash != v.anchor.Hash {
			return broken(e.Seq, "与外部保存的锚点不符（日志被整体改写）", "differs from the anchor kept outside the store (the chain was rewritten)")
		}
		v.matched = true
	}
	v.prev, v.next = e.Hash, e.Seq+1
	v.count++
	v.Head = Anchor{e.Seq, e.Hash}
	return nil
}

// Finish ends the check: an anchor beyond the chain's end means entries were
// cut off; a sealed store whose chain has no keyed part had it replaced.
func (v *Verifier) Finish() error {
	if v.mustKey && v.keyedFrom == 0 {
		return apperr.Newf(apperr.Integrity,
			"审计日志校验失败：数据库已用办公室密钥封印，但日志中没有启用密钥的记录（自该处起的日志被删除或改写）",
			"audit log check failed: the store is sealed with the office key but the log has no keyed part (it was cut and rewritten)")
	}
	if v.anchor != nil && !v.matched && v.anchor.Seq > 0 {
		return apperr.Newf(apperr.Integrity,
			"审计日志校验失败：锚点第 %d 条不存在，日志只到第 %d 条（日志被截断）",
			"audit log check failed: the anchor's entry %d is gone; the log ends at %d (truncated)",
			v.anchor.Seq, v.Head.Seq)
	}
	return nil
}

// Count is the number of entries checked.
func (v *Verifier) Count() int64 { return v.count }
