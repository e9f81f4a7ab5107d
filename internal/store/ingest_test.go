package store

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"credit/internal/civil"
)

// The bulk statements of an import give ids from the tables' sequences
// themselves and read back only groups where some row was already stored.
// These tests mix stored and new rows inside one statement group.

func newIngestStore(t *testing.T) (*Store, Actor, int64, int64) {
	t.Helper()
	ctx := context.Background()
	st, err := Open(ctx, filepath.Join(t.TempDir(), "i.db"), Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	actor := Actor{Operator: "alice", Today: civil.MustParse("2025-12-01"), Now: time.Now}
	var batch, layout int64
	err = st.Write(ctx, actor, func(tx *Tx) error {
		if batch, err = tx.BeginBatch(BatchStart{Provider: "p", Item: "XZCF", Channel: "local", FileName: "f", FileHash: "h"}); err != nil {
			return err
		}
		layout, err = tx.LayoutID("XZCF", []string{"名称"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return st, actor, batch, layout
}

func TestResolveSubjectsMixesStoredAndNew(t *testing.T) {
	st, actor, batch, _ := newIngestStore(t)
	ctx := context.Background()
	code := func(i int) string { return fmt.Sprintf("C%05d", i) }
	// Stored first: every third code; the person C00003 known only by ID.
	stored := map[string]int64{}
	err := st.Write(ctx, actor, func(tx *Tx) error {
		var in []SubjectIn
		for i := 0; i < 500; i += 3 {
			name := "甲" + code(i)
			if i == 3 {
				name = ""
			}
			in = append(in, SubjectIn{Code: code(i), Kind: "organisation", Name: name, NameKey: name})
		}
		refs, err := tx.ResolveSubjects(batch, in)
		for c, r := range refs {
			stored[c] = r.ID
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]SubjectRef
	err = st.Write(ctx, actor, func(tx *Tx) error {
		var in []SubjectIn
		for i := 0; i < 500; i++ {
			in = append(in, SubjectIn{Code: code(i), Kind: "organisation", Name: "乙" + code(i), NameKey: "乙" + code(i)})
		}
		in = append(in, in[7]) // a code met twice keeps its first row's name
		in[len(in)-1].Name, in[len(in)-1].NameKey = "丙", "丙"
		var err error
		got, err = tx.ResolveSubjects(batch, in)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 500 {
		t.Fatalf("resolved %d codes, want 500", len(got))
	}
	ids := map[int64]string{}
	for i := 0; i < 500; i++ {
		c := code(i)
		r := got[c]
		var dbID int64
		var dbName string
		if err := st.DB.QueryRow("SELECT id, name FROM subjects WHERE code = ?", c).Scan(&dbID, &dbName); err != nil {
			t.Fatalf("%s not stored: %v", c, err)
		}
		if r.ID != dbID {
			t.Fatalf("%s: resolved id %d, stored id %d", c, r.ID, dbID)
		}
		if prev, dup := ids[r.ID]; dup {
			t.Fatalf("id %d given to %s and %s", r.ID, prev, c)
		}
		ids[r.ID] = c
		switch {
		case i%3 == 0 && stored[c] != r.ID:
			t.Fatalf("%s was stored as %d, resolved to %d", c, stored[c], r.ID)
		case i == 3 && (dbName != "" || r.NameKey != ""):
			t.Fatalf("a person known by ID only got a name before publish: %q/%q", dbName, r.NameKey)
		case i%3 == 0 && i != 3 && dbName != "甲"+c:
			t.Fatalf("%s: a stored name changed to %q", c, dbName)
		case i%3 != 0 && dbName != "乙"+c:
			t.Fatalf("%s: new subject named %q", c, dbName)
		}
	}
	var staged string
	if err := st.DB.QueryRow("SELECT n.name FROM staged_names n JOIN subjects s ON s.id = n.subject_id WHERE s.code = ?", code(3)).Scan(&staged); err != nil || staged != "乙"+code(3) {
		t.Fatalf("staged name for the unnamed person = %q (%v)", staged, err)
	}
}

func TestInsertRecordsMixesStoredAndNewKeys(t *testing.T) {
	st, actor, batch, layout := newIngestStore(t)
	ctx := context.Background()
	var subj int64
	rec := func(key string) NewRecord {
		return NewRecord{Item: "XZCF", Key: key, Provider: "p", Channel: "local", SubjectID: subj, Category: "negative",
			Layout: layout, Vals: `["` + key + `"]`, ContentHash: "h" + key}
	}
	key := func(i int) string { return fmt.Sprintf("K%04d", i) }
	err := st.Write(ctx, actor, func(tx *Tx) error {
		refs, err := tx.ResolveSubjects(batch, []SubjectIn{{Code: "S1", Kind: "organisation", Name: "甲", NameKey: "甲"}})
		subj = refs["S1"].ID
		if err != nil {
			return err
		}
		var recs []NewRecord
		for i := 0; i < 400; i += 5 {
			recs = append(recs, rec(key(i)))
		}
		_, err = tx.InsertRecords(batch, recs)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	var recs []NewRecord
	for i := 0; i < 400; i++ {
		recs = append(recs, rec(key(i)))
	}
	recs = append(recs, rec(key(1))) // repeated in the same call
	err = st.Write(ctx, actor, func(tx *Tx) error {
		var err error
		ids, err = tx.InsertRecords(batch, recs)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[int64]bool{}
	for i, r := range recs {
		var dbID int64
		if err := st.DB.QueryRow("SELECT id FROM records WHERE natural_key = ?", r.Key).Scan(&dbID); err != nil {
			t.Fatal(err)
		}
		switch {
		case i%5 == 0 && i < 400 || i == 400:
			if ids[i] != 0 {
				t.Fatalf("row %d (%s) was stored already but got id %d", i, r.Key, ids[i])
			}
		case ids[i] != dbID:
			t.Fatalf("row %d (%s): id %d, stored as %d", i, r.Key, ids[i], dbID)
		case seen[ids[i]]:
			t.Fatalf("id %d returned twice", ids[i])
		}
		seen[ids[i]] = true
	}
}

// An id once given is never given again, even after a crashed import's
// staged rows are discarded (the query log and audit log name ids).
func TestIDsNotReusedAfterDiscard(t *testing.T) {
	st, actor, batch, layout := newIngestStore(t)
	ctx := context.Background()
	var subj, rec int64
	insert := func(b int64, code, key string) {
		t.Helper()
		err := st.Write(ctx, actor, func(tx *Tx) error {
			refs, err := tx.ResolveSubjects(b, []SubjectIn{{Code: code, Kind: "organisation", Name: code, NameKey: code}})
			if err != nil {
				return err
			}
			subj = refs[code].ID
			ids, err := tx.InsertRecords(b, []NewRecord{{Item: "XZCF", Key: key, Provider: "p", Channel: "local", SubjectID: subj,
				Category: "negative", Layout: layout, Vals: "[]", ContentHash: key}})
			rec = ids[0]
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	insert(batch, "S1", "K1")
	s1, r1 := subj, rec
	if err := st.Write(ctx, actor, func(tx *Tx) error { _, err := tx.DiscardBatch(batch); return err }); err != nil {
		t.Fatal(err)
	}
	var b2 int64
	if err := st.Write(ctx, actor, func(tx *Tx) error {
		var err error
		b2, err = tx.BeginBatch(BatchStart{Provider: "p", Item: "XZCF", Channel: "local", FileName: "g", FileHash: "g"})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	insert(b2, "S2", "K2")
	if subj <= s1 || rec <= r1 {
		t.Fatalf("after a discard: subject id %d (was %d), record id %d (was %d): ids reused", subj, s1, rec, r1)
	}
}

// A Session's staging writes skip foreign-key enforcement and the per-commit
// fsync; its publishing commit enforces them again, and its connection never
// goes back to the pool for other writes to inherit those settings.
func TestSessionSettingsDoNotLeak(t *testing.T) {
	st, actor, batch, layout := newIngestStore(t)
	ctx := context.Background()
	se, err := st.Session(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := se.Durable(ctx); err != nil {
		t.Fatal(err)
	}
	err = se.Write(ctx, actor, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, "INSERT INTO rejects(batch_id, line, cells, fields, reasons, message) VALUES (?,1,'[]','','','')", batch+1000)
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "FOREIGN KEY") {
		t.Fatalf("after Durable, a reject of a batch that does not exist: %v, want a foreign key error", err)
	}
	se.Close()
	// A second session stages a link (its statement prepared with foreign
	// keys off); after Durable the same statement enforces them.
	if se, err = st.Session(ctx); err != nil {
		t.Fatal(err)
	}
	var rec, subj int64
	err = se.Write(ctx, actor, func(tx *Tx) error {
		refs, err := tx.ResolveSubjects(batch, []SubjectIn{{Code: "P1", Kind: "natural_person", Name: "张三", NameKey: "张三"}})
		if err != nil {
			return err
		}
		subj = refs["P1"].ID
		ids, err := tx.InsertRecords(batch, []NewRecord{{Item: "XZCF", Key: "K1", Provider: "p", Channel: "local", SubjectID: subj,
			Category: "negative", Layout: layout, Vals: "[]", ContentHash: "h"}})
		rec = ids[0]
		if err != nil {
			return err
		}
		return tx.AddLinks([]LinkIn{{RecordID: rec, SubjectID: subj, Role: "legal_rep"}})
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := se.Durable(ctx); err != nil {
		t.Fatal(err)
	}
	err = se.Write(ctx, actor, func(tx *Tx) error {
		return tx.AddLinks([]LinkIn{{RecordID: rec, SubjectID: subj + 1000, Role: "principal"}})
	})
	if err == nil || !strings.Contains(err.Error(), "FOREIGN KEY") {
		t.Fatalf("after Durable, a link to a subject that does not exist: %v, want a foreign key error", err)
	}
	se.Close()
	// A session closed while staging (an import that failed).
	if se, err = st.Session(ctx); err != nil {
		t.Fatal(err)
	}
	se.Close()
	var conns []*sql.Conn
	for i := 0; i < 4; i++ {
		c, err := st.DB.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
		var fk, sync, ckpt int
		for q, v := range map[string]*int{"PRAGMA foreign_keys": &fk, "PRAGMA synchronous": &sync, "PRAGMA wal_autocheckpoint": &ckpt} {
			if err := c.QueryRowContext(ctx, q).Scan(v); err != nil {
				t.Fatal(err)
			}
		}
		if fk != 1 || sync != 2 || ckpt != 1000 {
			t.Fatalf("pool connection %d after a session: foreign_keys=%d synchronous=%d wal_autocheckpoint=%d, want 1, 2 (FULL), 1000", i, fk, sync, ckpt)
		}
	}
	for _, c := range conns {
		c.Close()
	}
}

// A long job's WAL restarts once it has grown past walRestartBytes, instead
// of growing to the size of everything the job wrote.
func TestSessionWALStaysBounded(t *testing.T) {
	st, actor, batch, _ := newIngestStore(t)
	ctx := context.Background()
	defer func(n int) { walRestartBytes = n }(walRestartBytes)
	walRestartBytes = 1 << 20
	se, err := st.Session(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer se.Close()
	cell := strings.Repeat("信用", 2000) // 12 KB
	var largest int64
	for i := 0; i < 600; i++ { // about 29 MB in all
		err := se.Write(ctx, actor, func(tx *Tx) error {
			rs := make([]Reject, 4)
			for j := range rs {
				rs[j] = Reject{Line: i*4 + j + 2, Cells: []string{cell}}
			}
			return tx.AddRejects(batch, rs)
		})
		if err != nil {
			t.Fatal(err)
		}
		if fi, err := os.Stat(st.Path + "-wal"); err == nil && fi.Size() > largest {
			largest = fi.Size()
		}
	}
	// The WAL may pass the limit by what is written while one checkpoint
	// runs; without the restart it grows to the whole job.
	if largest == 0 || largest > 10<<20 {
		t.Fatalf("largest WAL during the job: %d bytes, want above 0 and at most 10 MiB (the job wrote about 29 MB)", largest)
	}
}

// A new store has 16 KiB pages in WAL mode; opening it again keeps both.
func TestNewStorePageSize(t *testing.T) {
	st, _, _, _ := newIngestStore(t)
	path := st.Path
	st.Close()
	again, err := Open(context.Background(), path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	var size int
	var mode string
	if err := again.DB.QueryRow("PRAGMA page_size").Scan(&size); err != nil {
		t.Fatal(err)
	}
	if err := again.DB.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil {
		t.Fatal(err)
	}
	if size != 16384 || mode != "wal" {
		t.Fatalf("page_size %d, journal_mode %s; want 16384 and wal", size, mode)
	}
}

// Discarding a dead importer's batch keeps the subjects it created that
// another batch still staging will point at when it publishes: a name to
// give (staged_names) or revised links. (Review finding: the discard failed
// on a foreign key, or left the other batch a dangling subject id.)
func TestDiscardKeepsSubjectsOtherBatchesStage(t *testing.T) {
	st, actor, a, layout := newIngestStore(t)
	ctx := context.Background()
	ids := map[string]int64{}
	resolve := func(tx *Tx, b int64, in ...SubjectIn) error {
		refs, err := tx.ResolveSubjects(b, in)
		for c, r := range refs {
			ids[c] = r.ID
		}
		return err
	}
	// Batch a (its importer died) created persons P and Q, known by ID only,
	// and an organisation O no one else uses.
	err := st.Write(ctx, actor, func(tx *Tx) error {
		return resolve(tx, a, SubjectIn{Code: "P", Kind: "natural_person"}, SubjectIn{Code: "Q", Kind: "natural_person"},
			SubjectIn{Code: "O", Kind: "organisation", Name: "丁公司", NameKey: "丁公司"})
	})
	if err != nil {
		t.Fatal(err)
	}
	// Batch b, still staging, names P and stages a revision linking Q.
	err = st.Write(ctx, actor, func(tx *Tx) error {
		b, err := tx.BeginBatch(BatchStart{Provider: "p", Item: "XZCF", Channel: "local", FileName: "b", FileHash: "b"})
		if err != nil {
			return err
		}
		if err := resolve(tx, b, SubjectIn{Code: "P", Kind: "natural_person", Name: "赵六", NameKey: "赵六"},
			SubjectIn{Code: "S", Kind: "organisation", Name: "戊公司", NameKey: "戊公司"}); err != nil {
			return err
		}
		recs, err := tx.InsertRecords(b, []NewRecord{{Item: "XZCF", Key: "K", Provider: "p", Channel: "local", SubjectID: ids["S"],
			Category: "negative", Layout: layout, Vals: "[]", ContentHash: "h"}})
		if err != nil {
			return err
		}
		_, err = tx.StageRevision(b, StagedRevision{RecordID: recs[0], Line: 2, BaseHash: "h", Category: "negative", Layout: layout,
			Vals: "[]", ContentHash: "h2", Links: fmt.Sprintf(`[{"RecordID":%d,"SubjectID":%d,"Role":"principal"}]`, recs[0], ids["Q"])})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Write(ctx, actor, func(tx *Tx) error { _, err := tx.DiscardBatch(a); return err }); err != nil {
		t.Fatalf("discarding the dead importer's batch: %v", err)
	}
	for code, want := range map[string]int{"P": 1, "Q": 1, "O": 0} {
		var n int
		st.DB.QueryRow("SELECT count(*) FROM subjects WHERE code = ?", code).Scan(&n)
		if n != want {
			t.Errorf("after the discard, subject %s: %d rows, want %d", code, n, want)
		}
	}
}
