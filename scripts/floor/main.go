// Command floor is the floor of the stack credit is built on for the
// "subject show" target of issue 17: a Go program with modernc.org/sqlite and
// database/sql, nothing else, doing exactly what scripts/bench.sh asks of the
// sqlite3 shell: the subject's active published records in one select and one
// query-log row in a FULL-synchronous write transaction, printed as JSON.
// Whatever credit does beyond this (seals, scope, catalog, audit, start-up
// of the whole binary) is credit's own cost; this program's ratio to the
// sqlite3 shell is what Go and modernc cost before credit does anything.
//
//	go build -o /tmp/floor ./scripts/floor
//	/tmp/floor                 (no arguments: start-up only, modernc linked)
//	/tmp/floor STORE CODE      (the lookup; a COPY of a store: its query-log
//	                            row is written without a seal, which
//	                            credit audit verify then reports)
package main

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"os"

	_ "modernc.org/sqlite"
)

func main() {
	if len(os.Args) < 3 {
		fmt.Println("hello")
		return
	}
	db, err := sql.Open("sqlite", "file:"+os.Args[1]+"?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=foreign_keys(ON)")
	if err != nil {
		panic(err)
	}
	defer db.Close()
	tx, err := db.Begin()
	if err != nil {
		panic(err)
	}
	rows, err := tx.Query(`SELECT s.id, s.code, s.kind, s.name, r.id, r.item, r.category, r.severity, r.decided_on, r.valid_until, r.vals, r.content_hash
      FROM subjects s JOIN records r ON r.subject_id = s.id JOIN batches b ON b.id = r.first_batch AND b.state = 'published'
      WHERE s.code = ? AND r.status = 'active'`, os.Args[2])
	if err != nil {
		panic(err)
	}
	var out []map[string]any
	cols, _ := rows.Columns()
	for rows.Next() {
		v := make([]any, len(cols))
		p := make([]any, len(cols))
		for i := range v {
			p[i] = &v[i]
		}
		rows.Scan(p...)
		m := map[string]any{}
		for i, c := range cols {
			m[c] = v[i]
		}
		out = append(out, m)
	}
	rows.Close()
	if _, err := tx.Exec(`INSERT INTO query_log(at, today, operator, action, scope, subject_id, records) SELECT '2026-11-01T00:00:00Z', '2026-11-01', 'bench', 'show', 'public', id, 1 FROM subjects WHERE code = ?`, os.Args[2]); err != nil {
		panic(err)
	}
	if err := tx.Commit(); err != nil {
		panic(err)
	}
	json.NewEncoder(os.Stdout).Encode(out)
}
