package archive

import (
	"context"
	"strings"
	"unicode/utf8"

	"credit/internal/apperr"
	"credit/internal/catalog"
	"credit/internal/ident"
	"credit/internal/querylog"
	"credit/internal/store"
)

// Hit is a subject found by a search, as the scope may see it.
type Hit struct {
	Code    string `json:"code"`
	Name    string `json:"name"`
	Kind    string `json:"kind"`
	Match   string `json:"match"`   // exact | prefix | substring | code (MatchCode)
	Records int    `json:"records"` // records the scope sees in the archive
}

// MatchCode is the match of a natural person in the masking scopes: found by
// the whole ID number, the only way a person is found there. It is never
// "exact", so that no answer tells how a masked name reads in full.
const MatchCode = "code"

// SearchResult is one page of a search.
type SearchResult struct {
	Hits    []Hit
	Total   int   // subjects found in all
	More    bool  // the count stopped at the cap: Total is a lower bound
	Offset  int   // hits skipped before this page
	Limit   int   // hits asked for
	ByCode  bool  // the text was taken as a code prefix
	QueryID int64 // the query-log entry
}

var matchNames = []string{"exact", "prefix", "substring"}

// SearchCountCap is how many subjects a search counts at most outside the
// office (each must be checked for a visible record); beyond it the total
// is shown as "1000+".
const SearchCountCap = 1000

// codeLike reports whether a normalised search text is a code (prefix):
// letters and digits only, with at least one digit (the query log classes
// texts by the same rule).
func codeLike(s string) bool { return querylog.CodeLike(s) }

// MaxSearchText is the longest search text, in characters: far above any
// registered name (企业名称 are at most 50 or so characters) and far below
// SQLite's 50,000-byte LIKE pattern limit.
const MaxSearchText = 200

// Search finds subjects by name (a substring of the normalised name, so a
// two-character name such as 王伟 is found) or by code prefix, ranked exact >
// prefix > substring and then by name, within acc's scope: only subjects on
// file (never one that only an unpublished batch names), outside the office
// only those with at least one record the scope sees. In the masking scopes
// (public, authorized) a natural person is found by the whole ID number only
// — never by name, which would tell whether a person of that full name is on
// file, nor by an ID prefix, which would let anyone enumerate people — and
// shown masked, with the match "code". The search is logged with its text in
// the protected form (querylog.Protect: a name or ID number is never kept as
// typed).
//
// offset and limit choose the page (limit 1–200); countCap is how far the
// total is counted (at least SearchCountCap and the page's end).
func Search(ctx context.Context, st *store.Store, acc *Access, actor store.Actor, text string, offset, limit, countCap int) (*SearchResult, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return nil, apperr.New(apperr.Usage, "请给出要查找的名称或代码", "give a name or a code to search for")
	}
	if n := utf8.RuneCountInString(text); n > MaxSearchText {
		// Refused before SQLite sees it (its LIKE patterns stop at 50,000
		// bytes with "LIKE or GLOB pattern too complex"); no name is this long.
		return nil, apperr.Newf(apperr.Usage, "查找的文字有 %d 个字符，超过上限 %d 个：请给出名称中的一段或代码",
			"the search text has %d characters, over the limit of %d: give part of the name, or the code", n, MaxSearchText)
	}
	offset, limit = max(offset, 0), min(max(limit, 1), 200)
	q := store.SubjectQuery{Limit: limit, Offset: offset}
	res := &SearchResult{Offset: offset, Limit: limit}
	if code := ident.NormalizeCode(text); codeLike(code) {
		if r := ident.Check(code); r.Valid {
			code = r.Code // a 15-digit ID number is stored as its 18-digit form
		}
		q.CodePrefix, res.ByCode = code, true
		if acc.masks() {
			q.CodeExactKinds = []string{string(catalog.NaturalPerson)}
		}
	} else {
		q.NameKey = catalog.NormalizeName(text)
		if q.NameKey == "" {
			return nil, apperr.New(apperr.Usage, "请给出要查找的名称或代码", "give a name or a code to search for")
		}
		if acc.masks() {
			q.NameExcludeKinds = []string{string(catalog.NaturalPerson)}
		}
	}
	if acc.Scope != Office {
		q.Visible = &store.VisibleFilter{Items: acc.VisibleItems(), ValidOn: acc.AsOf.String()}
	}
	q.CountCap = max(SearchCountCap, countCap, offset+limit)
	found, err := st.SearchSubjects(ctx, q)
	if err != nil {
		return nil, err
	}
	res.Total, res.More = found.Total, found.More
	res.Hits = make([]Hit, 0, len(found.Hits))
	for _, h := range found.Hits {
		stored, err := st.SubjectRecords(ctx, h.ID)
		if err != nil {
			return nil, err
		}
		hit := Hit{Code: h.Code, Name: h.Name, Kind: h.Kind, Match: matchNames[min(h.Rank, 2)], Records: len(acc.keep(stored))}
		if acc.masks() && h.Kind == string(catalog.NaturalPerson) {
			hit.Code, hit.Name, hit.Match = ident.Mask(hit.Code), ident.MaskName(hit.Name), MatchCode
		}
		if acc.masks() {
			hit.Name = MaskText(hit.Name)
		}
		res.Hits = append(res.Hits, hit)
	}
	e := acc.entry(ActionSearch, 0, "", nil)
	e.Text = text
	res.QueryID, err = st.LogQuery(ctx, actor, e)
	if err != nil {
		return nil, err
	}
	return res, nil
}
