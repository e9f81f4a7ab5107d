package store

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"credit/internal/civil"
)

// TestSearchPrefixIndexKeepsRanking is migration 017 (issue 17): a name
// search reads its exact and prefix matches from the name index and its
// other matches from the trigram index (or a scan), as two parts one after
// the other. Every page, offset and count cap must give exactly what the
// ranking rule says, worked out here without SQL: a subject on file whose
// normalised name contains the text (ASCII letters in any case, as LIKE),
// ranked exact (0) > starts with the text, same case (1) > elsewhere (2),
// then by name (bytewise) and id. The names probe the range's edges: the
// text itself, longer names, a name in other ASCII case, names sorting just
// before and just after the range, a name holding the text twice, and a
// subject with no published record (never found).
func TestSearchPrefixIndexKeepsRanking(t *testing.T) {
	ctx := context.Background()
	st, err := Open(ctx, filepath.Join(t.TempDir(), "p.db"), Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	actor := Actor{Operator: "alice", Today: civil.MustParse("2025-12-01"), Now: time.Now}
	names := []string{
		"通州隆宝", "通州隆宝物流有限公司", "通州隆宝科技", "通州隆宝", // the text twice over: two subjects, same name
		"通州隆宝物流有限公司", "通州隆宝A", "通州隆宝a", "通州隆", "通州隆宜", "通州隆宣", // 宜 < 宝 < 宣: just before and after the range
		"海安通州隆宝商贸", "崇川通州隆宝通州隆宝", "启东通州隆", "ABC通州", "abc通州隆宝", "ABC",
		"Abc科技", "aBc", "通州隆宝\U0010FFFF", "大通州隆宝",
	}
	var noRecord = map[string]bool{"通州隆宝科技": true} // named by an unpublished batch only
	type subj struct {
		id         int64
		name       string
		onFile     bool
		code, kind string
	}
	var all []subj
	if err := st.Write(ctx, actor, func(tx *Tx) error {
		b, err := tx.BeginBatch(BatchStart{Provider: "11100000000013127D", Item: "XZCF", Channel: "local", FileName: "p.csv", FileHash: "p"})
		if err != nil {
			return err
		}
		layout, err := tx.LayoutID("XZCF", []string{"名称"})
		if err != nil {
			return err
		}
		var in []SubjectIn
		for i, n := range names {
			in = append(in, SubjectIn{Code: fmt.Sprintf("9132060000000%04dX", i), Kind: "organisation", Name: n, NameKey: n})
		}
		refs, err := tx.ResolveSubjects(b, in)
		if err != nil {
			return err
		}
		for i, n := range names {
			s := subj{id: refs[in[i].Code].ID, name: n, code: in[i].Code, kind: "organisation", onFile: !noRecord[n]}
			all = append(all, s)
			if !s.onFile {
				continue
			}
			if _, err := tx.InsertRecords(b, []NewRecord{{Item: "XZCF", Key: in[i].Code, Provider: "11100000000013127D", Channel: "local", SubjectID: s.id,
				Category: "negative", Severity: "general", DecidedOn: "2025-06-10", ValidUntil: "2028-06-10", Layout: layout, Vals: `["x"]`, ContentHash: "h-" + in[i].Code}}); err != nil {
				return err
			}
		}
		return tx.PublishBatch(b, BatchCounts{})
	}); err != nil {
		t.Fatal(err)
	}
	// A subject of a batch never published: on file for nobody.
	if err := st.Write(ctx, actor, func(tx *Tx) error {
		b, err := tx.BeginBatch(BatchStart{Provider: "11100000000013127D", Item: "XZCF", Channel: "local", FileName: "q.csv", FileHash: "q"})
		if err != nil {
			return err
		}
		_, err = tx.ResolveSubjects(b, []SubjectIn{{Code: "91320600000009999X", Kind: "organisation", Name: "通州隆宝暂存", NameKey: "通州隆宝暂存"}})
		return err
	}); err != nil {
		t.Fatal(err)
	}

	asciiLower := func(s string) string {
		return strings.Map(func(r rune) rune {
			if r >= 'A' && r <= 'Z' {
				return r + 'a' - 'A'
			}
			return r
		}, s)
	}
	type hit struct {
		name string
		rank int
		id   int64
	}
	expect := func(text string) []hit {
		var out []hit
		for _, s := range all {
			if !s.onFile || !strings.Contains(asciiLower(s.name), asciiLower(text)) {
				continue
			}
			rank := 2
			if s.name == text {
				rank = 0
			} else if strings.HasPrefix(s.name, text) {
				rank = 1
			}
			out = append(out, hit{s.name, rank, s.id})
		}
		slices.SortFunc(out, func(a, b hit) int {
			if a.rank != b.rank {
				return a.rank - b.rank
			}
			if c := strings.Compare(a.name, b.name); c != 0 {
				return c
			}
			return int(a.id - b.id)
		})
		return out
	}
	for _, text := range []string{"通州隆宝", "通州隆", "通州", "ABC", "abc", "通州隆宝物流有限公司", "隆宝", "宝", "通州隆宝\U0010FFFF", "无此名称"} {
		want := expect(text)
		for _, limit := range []int{1, 3, len(want) + 1} {
			for offset := 0; offset <= len(want); offset++ {
				caps := []int{0, offset + limit}
				if offset == 0 && limit == 1 {
					caps = append(caps, 3) // a count stopped inside the matches
				}
				for _, capN := range caps {
					p, err := st.SearchSubjects(ctx, SubjectQuery{NameKey: text, Limit: limit, Offset: offset, CountCap: capN})
					if err != nil {
						t.Fatal(err)
					}
					wantTotal, wantMore := len(want), false
					if capN > 0 && wantTotal > capN {
						wantTotal, wantMore = capN, true
					}
					var got []hit
					for _, h := range p.Hits {
						got = append(got, hit{h.Name, h.Rank, h.ID})
					}
					end := min(offset+limit, len(want))
					var wantPage []hit
					if offset < end {
						wantPage = want[offset:end]
					}
					if p.Total != wantTotal || p.More != wantMore || fmt.Sprint(got) != fmt.Sprint(wantPage) {
						t.Fatalf("%q limit %d offset %d cap %d: total %d more %v hits %v\nwant total %d more %v hits %v",
							text, limit, offset, capN, p.Total, p.More, got, wantTotal, wantMore, wantPage)
					}
				}
			}
		}
	}
}
