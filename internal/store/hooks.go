package store

import (
	"context"
	"strconv"
	"strings"
)

// Workflow packages (objections, repairs) register here what they add to a
// record, so that the import, the archive and the checks learn of them
// without importing each other.

// RegisterRecordLock adds a procedure that, while open, stops an import from
// revising a record (SPEC §F record_locked). query counts the open cases on
// record ? and must return one integer.
func RegisterRecordLock(name, query string) { lockQueries[name] = query }

// recordFlagQueries: flag → a query with one %s for a list of placeholders,
// returning the ids (of those given) that carry the flag.
var recordFlagQueries = map[string]string{}

// RegisterRecordFlag adds a flag shown on records, e.g. under_objection:
// query is "SELECT record_id FROM … WHERE … AND record_id IN (%s)". A query
// may hold "@on" where the flag depends on the day asked about (the
// publicity flag ends with the publicity's last day).
func RegisterRecordFlag(flag, query string) { recordFlagQueries[flag] = query }

// RecordFlags returns the flags carried by each of ids on day on
// (YYYY-MM-DD), flags in name order.
func (s *Store) RecordFlags(ctx context.Context, ids []int64, on string) (map[int64][]string, error) {
	out := map[int64][]string{}
	if len(ids) == 0 || len(recordFlagQueries) == 0 {
		return out, nil
	}
	flags := make([]string, 0, len(recordFlagQueries))
	for f := range recordFlagQueries {
		flags = append(flags, f)
	}
	sortStrings(flags)
	for _, f := range flags {
		for i := 0; i < len(ids); i += 500 {
			part := ids[i:min(i+500, len(ids))]
			args := make([]any, len(part), len(part)+1)
			for k, id := range part {
				args[k] = id
			}
			q := recordFlagQueries[f]
			if strings.Contains(q, "@on") {
				// The day is a parameter, not text in the query, so that the
				// statement is the same every day (held in credit serve,
				// stmtcache.go). Numbered (?1…?n, ?n+1): the day may come
				// before the ids in the text.
				q = strings.Replace(q, "%s", numberedPlaceholders(len(part)), 1)
				q = strings.ReplaceAll(q, "@on", "?"+strconv.Itoa(len(part)+1))
				args = append(args, civilText(on))
			} else {
				q = strings.Replace(q, "%s", placeholders(len(part)), 1)
			}
			rq := s.reader(ctx)
			rows, err := rq.QueryContext(ctx, q, args...)
			if err != nil {
				return nil, err
			}
			for rows.Next() {
				var id int64
				if err := rows.Scan(&id); err != nil {
					rows.Close()
					return nil, err
				}
				out[id] = append(out[id], f)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

// civilText keeps only a YYYY-MM-DD date's characters, so that the day a
// flag query is asked about is spliced in as a literal safely.
// numberedPlaceholders is "?1,?2,…,?n".
func numberedPlaceholders(n int) string {
	var b strings.Builder
	for i := 1; i <= n; i++ {
		if i > 1 {
			b.WriteByte(',')
		}
		b.WriteByte('?')
		b.WriteString(strconv.Itoa(i))
	}
	return b.String()
}

func civilText(on string) string {
	b := make([]byte, 0, 10)
	for i := 0; i < len(on) && len(b) < 10; i++ {
		if c := on[i]; (c >= '0' && c <= '9') || c == '-' {
			b = append(b, c)
		}
	}
	return string(b)
}
