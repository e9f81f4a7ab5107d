package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// BatchStart describes a batch about to be staged.
type BatchStart struct {
	Provider, Item, Channel string
	FileName, FileHash      string
	Format, Encoding        string
	CatalogVersion          int64
	Header                  []string
	Lease                   string
}

// PublishedBatchByHash finds a published batch of the same file content sent
// by the same provider for the same item (the same bytes under another item
// or provider are a different submission, checked on their own).
func (s *Store) PublishedBatchByHash(ctx context.Context, hash, provider, item string) (int64, bool, error) {
	var id int64
	err := s.DB.QueryRowContext(ctx, "SELECT id FROM batches WHERE file_hash = ? AND provider = ? AND item = ? AND state = 'published' ORDER BY id LIMIT 1",
		hash, provider, item).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	return id, err == nil, err
}

// SameFile is a batch of the same file content met by BeginBatch.
type SameFile struct {
	Batch int64
	State string // published | staging
	Lease string
}

// BatchesOfFile lists the published or staging batches of a file's content
// from provider for item.
func (t *Tx) BatchesOfFile(hash, provider, item string) ([]SameFile, error) {
	rows, err := t.QueryContext(t.ctx, "SELECT id, state, lease FROM batches WHERE file_hash = ? AND provider = ? AND item = ? AND state IN ('published','staging') ORDER BY id",
		hash, provider, item)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []SameFile
	for rows.Next() {
		var f SameFile
		if err := rows.Scan(&f.Batch, &f.State, &f.Lease); err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// BeginBatch inserts a staging batch and returns its id.
func (t *Tx) BeginBatch(b BatchStart) (int64, error) {
	h, _ := json.Marshal(b.Header)
	res, err := t.ExecContext(t.ctx, `INSERT INTO batches(provider, item, channel, file_name, file_hash, file_format, encoding,
		catalog_version, state, header, today, operator, started_at, lease) VALUES (?,?,?,?,?,?,?,?,'staging',?,?,?,?,?)`,
		b.Provider, b.Item, b.Channel, b.FileName, b.FileHash, b.Format, b.Encoding, b.CatalogVersion, string(h),
		t.Actor.Today.String(), t.Actor.Operator, t.At, b.Lease)
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}

// LayoutID returns the id of the layout with these field names, creating it.
func (t *Tx) LayoutID(item string, names []string) (int64, error) {
	b, _ := json.Marshal(names)
	var id int64
	err := t.QueryRowContext(t.ctx, "SELECT id FROM layouts WHERE names = ?", string(b)).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		res, err := t.ExecContext(t.ctx, "INSERT INTO layouts(item, names) VALUES (?,?)", item, string(b))
		if err != nil {
			return 0, err
		}
		return res.LastInsertId()
	}
	return id, err
}

// Layout returns the field names of a layout.
func (s *Store) Layout(ctx context.Context, id int64) ([]string, error) {
	var b string
	if err := s.DB.QueryRowContext(ctx, "SELECT names FROM layouts WHERE id = ?", id).Scan(&b); err != nil {
		return nil, err
	}
	var names []string
	return names, json.Unmarshal([]byte(b), &names)
}

// SubjectIn is a subject a row names.
type SubjectIn struct {
	Code, Kind, Name, NameKey string
}

// SubjectRef is a stored subject.
type SubjectRef struct {
	ID      int64
	NameKey string
	Name    string
	Kind    string // as stored: organisation | individual_business | natural_person | unincorporated
}

// SubjectSet collects the distinct subjects some rows name, in row order,
// under one rule: the first row that gives a name gives the one a new subject
// takes (a person met first only by ID, as a 主要负责人, takes the name a
// later row gives).
type SubjectSet struct {
	List  []SubjectIn
	index map[string]int
}

// Add puts s in the set and returns its position in List.
func (set *SubjectSet) Add(s SubjectIn) int {
	if i, ok := set.index[s.Code]; ok {
		if d := &set.List[i]; d.NameKey == "" && s.NameKey != "" {
			d.Name, d.NameKey = s.Name, s.NameKey
		}
		return i
	}
	if set.index == nil {
		set.index = map[string]int{}
	}
	set.index[s.Code] = len(set.List)
	set.List = append(set.List, s)
	return len(set.List) - 1
}

// ResolveSubjects returns the stored subject for each distinct code, creating
// the missing ones under batch. A stored subject whose name is unknown gets
// the row's name; which row's name, SubjectSet decides.
func (t *Tx) ResolveSubjects(batch int64, in []SubjectIn) (map[string]SubjectRef, error) {
	var set SubjectSet
	for _, s := range in {
		set.Add(s)
	}
	refs := make([]SubjectRef, len(set.List))
	if err := t.ResolveSubjectList(batch, set.List, refs); err != nil {
		return nil, err
	}
	out := make(map[string]SubjectRef, len(refs))
	for i, s := range set.List {
		out[s.Code] = refs[i]
	}
	return out, nil
}

// ResolveSubjectList is ResolveSubjects for distinct codes, writing the
// stored subject of in[i] into out[i]: an import works out the distinct
// subjects of each chunk beside the writer, which then needs no map.
//
// New subjects are inserted first (the common case in a big first import)
// under ids taken from the table's sequence — the transaction holds the
// write lock, so no one else takes them — and only when some codes turned
// out to be stored already are those read back. INSERT OR IGNORE rather than
// ON CONFLICT DO NOTHING: a statement that can never abort needs no
// statement journal. A row it skipped for any other reason than a stored
// code is caught when the codes are read back.
func (t *Tx) ResolveSubjectList(batch int64, in []SubjectIn, out []SubjectRef) error {
	next, err := t.nextID("subjects")
	if err != nil {
		return err
	}
	mineFrom := next // ids from here on were given by this call
	var known []int  // indexes into in of codes that may be stored already
	// One row per statement. A multi-row INSERT is a "multi-write"
	// statement that SQLite guards with a statement journal: with codes
	// spread over the whole index, each statement copied most of the index
	// pages it touched into that journal, in 1 KiB chunks allocated and freed
	// one by one (half the import's CPU on a real-shaped file, issue 17). A
	// single-row INSERT OR IGNORE needs none.
	//
	// In id order (the input's), not code order: the table's B-tree then
	// only appends. Visiting the codes in order, with ids following the
	// input, split the table's pages at random and left them about 90 %
	// full: a 200,000-row import stored 1,854 pages of subjects and 11,054
	// of records, now 1,682 and 9,913 (the store 284 → 262 MB); the unique
	// indexes came out the same size (docs/performance.md, round six).
	ins, err := t.sessionStmt("INSERT OR IGNORE INTO subjects(id, code, kind, name, name_key, first_batch, created_at) VALUES (?,?,?,?,?," + sqlInt(batch) + ",?)")
	if err != nil {
		return err
	}
	// Ids still follow the input (first row first): in[k] is offered
	// next+k, and an id offered to a code stored already stays unused.
	for k := range in {
		s := in[k]
		id := next + int64(k)
		res, err := ins.ExecContext(t.ctx, id, s.Code, s.Kind, s.Name, s.NameKey, t.At)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 1 {
			out[k] = SubjectRef{ID: id, Name: s.Name, NameKey: s.NameKey, Kind: s.Kind}
		} else {
			known = append(known, k) // stored already: read back below
		}
	}
	if len(known) < len(in) {
		// The new subjects' names into the trigram index (migration 014),
		// in one statement: FTS5 gathers their terms and writes them as one
		// segment at commit. The ids offered to stored codes stay unused,
		// so the range holds exactly the rows inserted above.
		idx, err := t.sessionStmt("INSERT INTO subject_names(rowid, name_key) SELECT id, name_key FROM subjects WHERE id >= ? AND id < ?")
		if err != nil {
			return err
		}
		if _, err := idx.ExecContext(t.ctx, next, next+int64(len(in))); err != nil {
			return err
		}
	}
	if len(known) == 0 {
		return nil
	}
	index := make(map[string]int, len(known))
	for _, k := range known {
		index[in[k].Code] = k
	}
	const step = 400
	for i := 0; i < len(known); i += step {
		part := known[i:min(i+step, len(known))]
		codes := make([]any, len(part))
		for j, k := range part {
			codes[j] = in[k].Code
		}
		rows, err := t.query("SELECT id, code, name, name_key, kind FROM subjects WHERE code IN ("+placeholders(len(part))+")", codes...)
		if err != nil {
			return err
		}
		found := 0
		for rows.Next() {
			var r SubjectRef
			var code string
			if err := rows.Scan(&r.ID, &code, &r.Name, &r.NameKey, &r.Kind); err != nil {
				rows.Close()
				return err
			}
			found++
			k := index[code]
			out[k] = r
			if s := in[k]; r.ID < mineFrom && s.Kind == "unincorporated" && r.Kind == "organisation" {
				// A row (registration data, or a provider's 非法人组织) says
				// this organisation is no 法人: it becomes one when the batch
				// publishes, and from then 第二十九条 links none of its
				// records to persons (ApplyStagedNames).
				if _, err := t.exec("INSERT OR IGNORE INTO staged_kinds(batch_id, subject_id, kind) VALUES (?,?,?)", batch, r.ID, s.Kind); err != nil {
					rows.Close()
					return err
				}
			}
			if s := in[k]; r.ID < mineFrom && r.NameKey == "" && s.NameKey != "" {
				// A person known so far only by ID gets the row's name when the
				// batch publishes, not before (staging must change nothing seen).
				// (One created by an insert above has the row's name already.)
				if _, err := t.exec("INSERT OR IGNORE INTO staged_names(batch_id, subject_id, name, name_key) VALUES (?,?,?,?)", batch, r.ID, s.Name, s.NameKey); err != nil {
					rows.Close()
					return err
				}
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if found != len(part) {
			// INSERT OR IGNORE skipped a row that is not stored either: never
			// go on with a record pointing at no subject.
			return fmt.Errorf("subjects: %d of %d codes neither inserted nor stored", len(part)-found, len(part))
		}
	}
	return nil
}

// nextID is the first id a new row of table (one with AUTOINCREMENT) may
// take: above every id it ever gave, so none is reused. Inserting a larger
// id moves the sequence on.
func (t *Tx) nextID(table string) (int64, error) {
	var seq int64
	err := t.QueryRowContext(t.ctx, "SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = ?), 0)", table).Scan(&seq)
	return seq + 1, err
}

// NewRecord is a record to insert under a staging batch.
type NewRecord struct {
	Item, Key, Provider, Channel string
	SubjectID                    int64
	Category, Severity           string
	DecidedOn, ValidUntil        string
	Layout                       int64
	Vals                         string
	ContentHash                  string
}

// InsertRecords inserts records under batch; a record whose natural key is
// already stored is not inserted. The records share item, provider, channel
// and layout. It returns the new ids by input index, 0
// for a record not inserted.
func (t *Tx) InsertRecords(batch int64, recs []NewRecord) ([]int64, error) {
	ids := make([]int64, len(recs))
	return ids, t.InsertRecordsInto(batch, recs, ids)
}

// InsertRecordsInto is InsertRecords writing the ids into ids (len(recs)).
// As for subjects, ids come from the sequence; a row INSERT OR IGNORE
// skipped gets 0 (a row skipped for another reason than its key fails later,
// in the caller's look-up of the stored record).
func (t *Tx) InsertRecordsInto(batch int64, recs []NewRecord, ids []int64) error {
	next, err := t.nextID("records")
	if err != nil {
		return err
	}
	if len(recs) == 0 {
		return nil
	}
	// The values every row of an import shares are written into the
	// statement instead of being bound row by row.
	r0 := recs[0]
	if !sameBatchValues(recs) {
		return fmt.Errorf("InsertRecords: the records of one call must share item, provider, channel and layout")
	}
	// One row per statement (no statement journal), in id order: the
	// table's B-tree only appends (see ResolveSubjectList). When two rows of
	// one call share a key, the first of them is inserted.
	ins, err := t.sessionStmt(`INSERT OR IGNORE INTO records(id, item, natural_key, subject_id, provider, first_batch, channel, rev_batch,
			category, severity, decided_on, valid_until, layout, vals, content_hash, updated_at) VALUES (?,` + sqlText(r0.Item) + ",?,?," +
		sqlText(r0.Provider) + "," + sqlInt(batch) + "," + sqlText(r0.Channel) + "," + sqlInt(batch) + ",?,?,?,?," + sqlInt(r0.Layout) + ",?,?,?)")
	if err != nil {
		return err
	}
	// Ids follow the file's order: recs[k] is offered next+k (as above).
	for k := range recs {
		r := &recs[k]
		id := next + int64(k)
		res, err := ins.ExecContext(t.ctx, id, r.Key, r.SubjectID, r.Category, r.Severity, r.DecidedOn, r.ValidUntil, r.Vals, r.ContentHash, t.At)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		if n == 1 {
			ids[k] = id
		} else {
			ids[k] = 0 // the key is stored already (SPEC §F: the caller decides)
		}
	}
	return nil
}

// groupSizes are the rows per bulk statement: a batch of rows goes in as
// large groups and a remainder made of smaller fixed sizes, so that only a
// handful of statement texts exist and a session prepares each once (SQLite
// parses a statement of 500 rows in about a millisecond, and a statement
// journal copies each page it changes once per statement).
var groupSizes = []int{500, 100, 20, 5, 1}

// groups splits n rows into group sizes.
func groups(n int) []int {
	var out []int
	for _, g := range groupSizes {
		for ; n >= g; n -= g {
			out = append(out, g)
		}
	}
	return out
}

// bulkExec runs a bulk statement and returns the rows it changed. On a
// session the statement is prepared once for the whole session (see
// sessionStmt); otherwise once per transaction.
func (t *Tx) bulkExec(q string, args []any) (int64, error) {
	st, err := t.sessionStmt(q)
	if err != nil {
		return 0, err
	}
	res, err := st.ExecContext(t.ctx, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// Existing is a stored record met again by an import.
type Existing struct {
	ID          int64
	FirstBatch  int64
	BatchState  string
	Status      string
	Layout      int64
	Vals        string
	ContentHash string
	SubjectKind string   // the record's subject's kind as stored
	Locks       []string // open procedures holding the record (objection, repair)
}

// ExistingRecord loads the record with item and key.
func (t *Tx) ExistingRecord(item, key string) (Existing, error) {
	var e Existing
	// Prepared once per session: a revision batch asks this once per row
	// (parsing the statement each time was a fifth of its CPU).
	st, err := t.sessionStmt(`SELECT r.id, r.first_batch, b.state, r.status, r.layout, r.vals, r.content_hash, s.kind
		FROM current_records r JOIN batches b ON b.id = r.first_batch JOIN subjects s ON s.id = r.subject_id WHERE r.item = ? AND r.natural_key = ?`)
	if err != nil {
		return e, err
	}
	err = st.QueryRowContext(t.ctx, item, key).
		Scan(&e.ID, &e.FirstBatch, &e.BatchState, &e.Status, &e.Layout, &e.Vals, &e.ContentHash, &e.SubjectKind)
	if err != nil {
		return e, err
	}
	e.Locks, err = t.recordLocks(e.ID)
	return e, err
}

// ExistingRecords loads the stored records of item with the given natural
// keys, by key; a key with no stored record is absent from the map. An import
// asks once per chunk for every row whose key was stored already (issue 17:
// one look-up per row of a revision batch was a tenth of its CPU), a few
// hundred keys per statement, which SQLite probes in key order.
func (t *Tx) ExistingRecords(item string, keys []string) (map[string]Existing, error) {
	out := make(map[string]Existing, len(keys))
	i := 0
	for _, size := range groups(len(keys)) {
		args := make([]any, 0, size+1)
		args = append(args, item)
		for _, k := range keys[i : i+size] {
			args = append(args, k)
		}
		i += size
		st, err := t.sessionStmt(`SELECT r.natural_key, r.id, r.first_batch, b.state, r.status, r.layout, r.vals, r.content_hash, s.kind
			FROM current_records r JOIN batches b ON b.id = r.first_batch JOIN subjects s ON s.id = r.subject_id
			WHERE r.item = ? AND r.natural_key IN (` + placeholders(size) + ")")
		if err != nil {
			return nil, err
		}
		rows, err := st.QueryContext(t.ctx, args...)
		if err != nil {
			return nil, err
		}
		var found []string
		for rows.Next() {
			var key string
			var e Existing
			if err := rows.Scan(&key, &e.ID, &e.FirstBatch, &e.BatchState, &e.Status, &e.Layout, &e.Vals, &e.ContentHash, &e.SubjectKind); err != nil {
				rows.Close()
				return nil, err
			}
			out[key] = e
			found = append(found, key)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		// The open procedures, once the statement above is done with.
		for _, key := range found {
			e := out[key]
			if e.Locks, err = t.recordLocks(e.ID); err != nil {
				return nil, err
			}
			out[key] = e
		}
	}
	return out, nil
}

// PublishedRecord is ExistingRecord for a dry run: read-only, and only a
// record others can see (its batch published). ok is false when there is none.
func (s *Store) PublishedRecord(ctx context.Context, item, key string) (Existing, bool, error) {
	var e Existing
	err := s.reader(ctx).QueryRowContext(ctx, `SELECT r.id, r.first_batch, b.state, r.status, r.layout, r.vals, r.content_hash, s.kind
		FROM current_records r JOIN batches b ON b.id = r.first_batch AND b.state = 'published' JOIN subjects s ON s.id = r.subject_id
		WHERE r.item = ? AND r.natural_key = ?`, item, key).
		Scan(&e.ID, &e.FirstBatch, &e.BatchState, &e.Status, &e.Layout, &e.Vals, &e.ContentHash, &e.SubjectKind)
	if errors.Is(err, sql.ErrNoRows) {
		return e, false, nil
	}
	if err != nil {
		return e, false, err
	}
	for name, q := range lockQueries {
		var n int
		if err := s.reader(ctx).QueryRowContext(ctx, q, e.ID).Scan(&n); err != nil {
			return e, false, err
		}
		if n > 0 {
			e.Locks = append(e.Locks, name)
		}
	}
	return e, true, nil
}

// recordLocks lists the open procedures on a record. Workflow tables added
// by later migrations register their queries in lockQueries.
func (t *Tx) recordLocks(id int64) ([]string, error) {
	var locks []string
	for name, q := range lockQueries {
		var n int
		st, err := t.sessionStmt(q)
		if err != nil {
			return nil, err
		}
		if err := st.QueryRowContext(t.ctx, id).Scan(&n); err != nil {
			return nil, err
		}
		if n > 0 {
			locks = append(locks, name)
		}
	}
	return locks, nil
}

// lockQueries: procedure name → a query counting its open cases on record ?.
var lockQueries = map[string]string{}

// StagedRevision is a change to a stored record, applied when its batch publishes.
type StagedRevision struct {
	RecordID              int64
	Line                  int
	BaseHash              string // the stored content it was merged onto
	Noop                  bool   // the row repeated the stored content
	Cells                 string // JSON array of the file's cells
	Category, Severity    string
	DecidedOn, ValidUntil string
	Layout                int64
	Vals, ContentHash     string
	Links                 string // JSON array of {subject_id, role}
}

// StageRevision stores a revision for publish time. It reports false when
// this batch already staged a revision of the record (a repeated key).
func (t *Tx) StageRevision(batch int64, r StagedRevision) (bool, error) {
	noop := 0
	if r.Noop {
		noop = 1
	}
	if r.Cells == "" {
		r.Cells = "[]"
	}
	if r.Links == "" {
		r.Links = "[]"
	}
	ins, err := t.sessionStmt(`INSERT INTO staged_revisions(batch_id, record_id, line, base_hash, noop, cells, category, severity,
		decided_on, valid_until, layout, vals, content_hash, links) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING`)
	if err != nil {
		return false, err
	}
	res, err := ins.ExecContext(t.ctx, batch, r.RecordID, r.Line, r.BaseHash, noop, r.Cells, r.Category, r.Severity, r.DecidedOn, r.ValidUntil, r.Layout, r.Vals,
		r.ContentHash, r.Links)
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// LinkIn ties a record to a natural person (第二十九条).
type LinkIn struct {
	RecordID  int64
	SubjectID int64
	Role      string
}

// AddLinks stores record links (idempotent).
func (t *Tx) AddLinks(links []LinkIn) error {
	i := 0
	for _, size := range groups(len(links)) {
		args := t.scratch.args[:0]
		for _, l := range links[i : i+size] {
			args = append(args, l.RecordID, l.SubjectID, l.Role)
		}
		t.scratch.args = args
		if _, err := t.bulkExec("INSERT OR IGNORE INTO record_links(record_id, subject_id, role) VALUES "+tuples(size, 3), args); err != nil {
			return err
		}
		i += size
	}
	return nil
}

// Reject is a rejected row.
type Reject struct {
	Line                     int
	Cells                    []string
	Fields, Reasons, Message string
}

// AddRejects stores rejected rows of batch.
func (t *Tx) AddRejects(batch int64, rs []Reject) error {
	for i := 0; i < len(rs); i += 200 {
		part := rs[i:min(i+200, len(rs))]
		args := make([]any, 0, len(part)*6)
		for _, r := range part {
			c, _ := json.Marshal(r.Cells)
			args = append(args, batch, r.Line, string(c), r.Fields, r.Reasons, r.Message)
		}
		if _, err := t.exec("INSERT OR REPLACE INTO rejects(batch_id, line, cells, fields, reasons, message) VALUES "+tuples(len(part), 6), args...); err != nil {
			return err
		}
	}
	return nil
}

// BatchCounts are a batch's final figures.
type BatchCounts struct {
	Rows, Accepted, Revised, Duplicates, Rejected int
	Reasons                                       map[string]int
}

// PublishBatch makes the batch visible, in this one short transaction
// (SPEC §6), however many revisions it carries: its staged revisions stay
// where they are and become published pending revisions, which every reader
// sees through the current_* views as if applied (migration 016). The
// deferred apply (ApplyPending, Drain) then moves them into the base tables
// in short chunks without changing what anyone sees.
//
// Everything the revisions need (merged values, content hashes, the full
// link sets) was computed and stored while staging, where readers cannot see
// it; the staleness check (StaleRevisions) has already dropped what no
// longer fits. A record keeps at most one published pending revision: one
// this batch revises again while an earlier batch's revision of it is still
// pending has that older revision applied here first (normally none).
func (t *Tx) PublishBatch(batch int64, c BatchCounts) error {
	pending, err := t.anyPending()
	if err != nil || !pending {
		return t.flipBatch(batch, c, err)
	}
	rows, err := t.QueryContext(t.ctx, `SELECT s.record_id FROM staged_revisions s WHERE s.batch_id = ? AND s.noop = 0
		AND EXISTS (SELECT 1 FROM pending_revisions p WHERE p.record_id = s.record_id) ORDER BY s.record_id`, batch)
	if err != nil {
		return err
	}
	var older []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		older = append(older, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, id := range older {
		if err := t.settle(id); err != nil {
			return err
		}
	}
	return t.flipBatch(batch, c, nil)
}

// anyPending reports whether any published batch still has revisions
// waiting for the apply: one probe per published batch, so that the
// publish (and the stale check) need not look at each staged row when, as
// usual, none are.
func (t *Tx) anyPending() (bool, error) {
	var n int
	err := t.QueryRowContext(t.ctx, `SELECT EXISTS (SELECT 1 FROM batches pb CROSS JOIN staged_revisions p
		WHERE pb.state = 'published' AND p.batch_id = pb.id AND p.noop = 0)`).Scan(&n)
	return n == 1, err
}

// flipBatch: the rest of PublishBatch (names, kinds, the batch's state).
func (t *Tx) flipBatch(batch int64, c BatchCounts, err error) error {
	if err != nil {
		return err
	}
	if err := t.ApplyStagedNames(batch); err != nil {
		return err
	}
	reasons, _ := json.Marshal(c.Reasons)
	res, err := t.ExecContext(t.ctx, `UPDATE batches SET state = 'published', rows_read = ?, accepted = ?, revised = ?, duplicates = ?,
		rejected = ?, reasons = ?, finished_at = ?, lease = '' WHERE id = ? AND state = 'staging'`,
		c.Rows, c.Accepted, c.Revised, c.Duplicates, c.Rejected, string(reasons), t.At, batch)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("batch %d is no longer staging (discarded by another process?)", batch)
	}
	return nil
}

// ApplyStagedNames gives the persons a batch named, and who still have no
// name, that name, and clears the batch's staged names. Publishing a batch
// does it; so does a correction, whose change is published at once. It also
// applies the batch's staged kinds (an organisation found to be a 非法人组织)
// and removes the 第二十九条 links of such a subject's records, which the
// rule never allows for a 非法人组织; each record whose links go is audited.
func (t *Tx) ApplyStagedNames(batch int64) error {
	if err := t.applyStagedKinds(batch); err != nil {
		return err
	}
	if _, err := t.ExecContext(t.ctx, `UPDATE subjects SET name = (SELECT n.name FROM staged_names n WHERE n.batch_id = ? AND n.subject_id = subjects.id),
		name_key = (SELECT n.name_key FROM staged_names n WHERE n.batch_id = ? AND n.subject_id = subjects.id)
		WHERE name_key = '' AND id IN (SELECT subject_id FROM staged_names WHERE batch_id = ?)`, batch, batch, batch); err != nil {
		return err
	}
	_, err := t.ExecContext(t.ctx, "DELETE FROM staged_names WHERE batch_id = ?", batch)
	return err
}

// StaleRevision is a staged revision that can no longer be applied: since it
// was staged the record changed (an objection correction, another batch),
// left the active state, or came under an open procedure.
type StaleRevision struct {
	RecordID int64
	Line     int
	Cells    []string
	Why      string // changed | withdrawn | repaired | the lock's name
}

// StaleRevisions finds the batch's staged revisions that publishing must
// refuse (SPEC §F record_locked), and drops them from the staging area.
//
// It runs in the publishing transaction, so SQLite picks the few stale
// revisions out in one statement (each registered lock query becomes a
// correlated subquery on the staged record); only those few are read into Go.
func (t *Tx) StaleRevisions(batch int64) ([]StaleRevision, error) {
	cond := "r.status <> 'active' OR s.base_hash <> r.content_hash"
	names := make([]string, 0, len(lockQueries))
	for name := range lockQueries {
		names = append(names, name)
	}
	sortStrings(names)
	for _, name := range names {
		cond += " OR (" + strings.Replace(lockQueries[name], "?", "s.record_id", 1) + ") > 0"
	}
	// The content as everyone sees it: through the view when a revision is
	// pending anywhere, else the base table (the same, without the probes).
	view := "records"
	if pending, err := t.anyPending(); err != nil {
		return nil, err
	} else if pending {
		view = "current_records"
	}
	rows, err := t.QueryContext(t.ctx, `SELECT s.record_id, s.line, s.cells, s.base_hash, r.content_hash, r.status
		FROM staged_revisions s JOIN `+view+` r ON r.id = s.record_id WHERE s.batch_id = ? AND s.noop = 0 AND (`+cond+`) ORDER BY s.line`, batch)
	if err != nil {
		return nil, err
	}
	type cand struct {
		StaleRevision
		base, cur, status string
	}
	var all []cand
	for rows.Next() {
		var c cand
		var cells string
		if err := rows.Scan(&c.RecordID, &c.Line, &cells, &c.base, &c.cur, &c.status); err != nil {
			rows.Close()
			return nil, err
		}
		json.Unmarshal([]byte(cells), &c.Cells)
		all = append(all, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var out []StaleRevision
	for _, c := range all {
		locks, err := t.recordLocks(c.RecordID)
		if err != nil {
			return nil, err
		}
		switch {
		case c.status != "active":
			c.Why = c.status
		case len(locks) > 0:
			c.Why = locks[0]
		case c.base != c.cur:
			c.Why = "changed"
		default:
			continue
		}
		if _, err := t.ExecContext(t.ctx, "DELETE FROM staged_revisions WHERE batch_id = ? AND record_id = ?", batch, c.RecordID); err != nil {
			return nil, err
		}
		out = append(out, c.StaleRevision)
	}
	return out, nil
}

// supersede copies a record's current revision into record_history.
func (t *Tx) supersede(recordID int64, by, ref string) error {
	if err := t.settle(recordID); err != nil {
		return err
	}
	_, err := t.ExecContext(t.ctx, `INSERT INTO record_history(record_id, rev, rev_batch, procedure, category, severity, decided_on,
		valid_until, status, layout, vals, content_hash, valid_from, superseded_at, superseded_by, ref, operator)
		SELECT id, rev, rev_batch, procedure, category, severity, decided_on, valid_until, status, layout, vals, content_hash,
		updated_at, ?, ?, ?, ? FROM records WHERE id = ?`, t.At, by, ref, t.Actor.Operator, recordID)
	return err
}

// StagingBatch is an unpublished batch and the lease its importer holds.
type StagingBatch struct {
	ID    int64
	Lease string
}

// StagingBatches lists batches still staging.
func (s *Store) StagingBatches(ctx context.Context) ([]StagingBatch, error) {
	rows, err := s.DB.QueryContext(ctx, "SELECT id, lease FROM batches WHERE state = 'staging' ORDER BY id")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []StagingBatch
	for rows.Next() {
		var b StagingBatch
		if err := rows.Scan(&b.ID, &b.Lease); err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// DiscardBatch removes what an unpublished batch staged (never visible to
// anyone) and marks it discarded. Rejects are kept for the record. It
// returns -1 when the batch was no longer staging (someone else discarded or
// published it), so the caller audits only what it did.
func (t *Tx) DiscardBatch(batch int64) (int64, error) {
	var state string
	if err := t.QueryRowContext(t.ctx, "SELECT state FROM batches WHERE id = ?", batch).Scan(&state); err != nil {
		return 0, err
	}
	if state != "staging" {
		return -1, nil
	}
	var n int64
	for _, q := range []string{
		"DELETE FROM staged_revisions WHERE batch_id = ?",
		"DELETE FROM staged_names WHERE batch_id = ?",
		"DELETE FROM staged_kinds WHERE batch_id = ?",
		"DELETE FROM record_links WHERE record_id IN (SELECT id FROM records WHERE first_batch = ?)",
		"DELETE FROM records WHERE first_batch = ?",
		// A subject this batch created stays when anything else points at
		// it: another batch's records or links, or what another batch still
		// staging will write at publish (a name for it, revised links).
		`DELETE FROM subjects WHERE first_batch = ? AND NOT EXISTS (SELECT 1 FROM records r WHERE r.subject_id = subjects.id)
			AND NOT EXISTS (SELECT 1 FROM record_links l WHERE l.subject_id = subjects.id)
			AND id NOT IN (SELECT subject_id FROM staged_names)
			AND id NOT IN (SELECT json_extract(j.value, '$.SubjectID') FROM staged_revisions s, json_each(s.links) j)`,
	} {
		res, err := t.ExecContext(t.ctx, q, batch)
		if err != nil {
			return n, err
		}
		k, _ := res.RowsAffected()
		n += k
	}
	_, err := t.ExecContext(t.ctx, "UPDATE batches SET state = 'discarded', finished_at = ?, lease = '' WHERE id = ?", t.At, batch)
	return n, err
}

// DropBatch removes every trace of an unpublished batch: what DiscardBatch
// removes, its rejects and the batch row itself. An import refused because
// the disk filled up uses it (issue 16: the store is then as it was before
// the attempt, with no batch, no staged rows and no audit entry — nothing of
// it was ever visible, so nothing of it is a record). It returns -1 when the
// batch was no longer staging.
func (t *Tx) DropBatch(batch int64) (int64, error) {
	n, err := t.DiscardBatch(batch)
	if err != nil || n < 0 {
		return n, err
	}
	for _, q := range []string{"DELETE FROM rejects WHERE batch_id = ?", "DELETE FROM batches WHERE id = ? AND state = 'discarded'"} {
		if _, err := t.ExecContext(t.ctx, q, batch); err != nil {
			return n, err
		}
	}
	return n, nil
}

// sameBatchValues reports whether the records share item, provider,
// channel and layout (every row of one import does; InsertRecords needs it).
func sameBatchValues(recs []NewRecord) bool {
	for _, r := range recs[1:] {
		if r.Item != recs[0].Item || r.Provider != recs[0].Provider || r.Channel != recs[0].Channel || r.Layout != recs[0].Layout {
			return false
		}
	}
	return true
}

// sqlText is v as an SQL string literal.
func sqlText(v string) string { return "'" + strings.ReplaceAll(v, "'", "''") + "'" }

func sqlInt(v int64) string { return strconv.FormatInt(v, 10) }

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}

func tuples(n, width int) string {
	one := "(" + placeholders(width) + ")"
	var b strings.Builder
	b.Grow(n * (len(one) + 1))
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(one)
	}
	return b.String()
}

// ProviderRegistered reports whether the provider exists and is registered
// for the item.
func (s *Store) ProviderRegistered(ctx context.Context, provider, item string) (exists, registered bool, err error) {
	var n int
	if err = s.DB.QueryRowContext(ctx, "SELECT count(*) FROM providers WHERE code = ?", provider).Scan(&n); err != nil || n == 0 {
		return false, false, err
	}
	err = s.DB.QueryRowContext(ctx, "SELECT count(*) FROM provider_items WHERE provider = ? AND item = ?", provider, item).Scan(&n)
	return true, n > 0, err
}

// BatchInfo is a batch as listed.
type BatchInfo struct {
	ID          int64          `json:"batch"`
	Provider    string         `json:"provider"`
	Item        string         `json:"item"`
	Channel     string         `json:"channel"`
	FileName    string         `json:"file"`
	FileHash    string         `json:"file_hash"`
	Format      string         `json:"format"`
	Encoding    string         `json:"encoding"`
	State       string         `json:"state"`
	Rows        int            `json:"rows"`
	Accepted    int            `json:"accepted"`
	Revised     int            `json:"revised"`
	Duplicates  int            `json:"duplicates"`
	Rejected    int            `json:"rejected"`
	Reasons     map[string]int `json:"reasons"`
	Today       string         `json:"today"`
	Operator    string         `json:"operator"`
	StartedAt   string         `json:"started_at"`
	FinishedAt  string         `json:"finished_at"`
	Header      []string       `json:"-"`
	CatalogVers int64          `json:"catalog_version"`
}

// BatchFilter selects batches.
type BatchFilter struct {
	Provider, Item, State string
	Limit                 int
}

const batchCols = `id, provider, item, channel, file_name, file_hash, file_format, encoding, state, rows_read, accepted, revised,
	duplicates, rejected, reasons, today, operator, started_at, coalesce(finished_at, ''), header, catalog_version`

func scanBatch(sc interface{ Scan(...any) error }) (BatchInfo, error) {
	var b BatchInfo
	var reasons, header string
	err := sc.Scan(&b.ID, &b.Provider, &b.Item, &b.Channel, &b.FileName, &b.FileHash, &b.Format, &b.Encoding, &b.State, &b.Rows,
		&b.Accepted, &b.Revised, &b.Duplicates, &b.Rejected, &reasons, &b.Today, &b.Operator, &b.StartedAt, &b.FinishedAt, &header, &b.CatalogVers)
	if err != nil {
		return b, err
	}
	json.Unmarshal([]byte(reasons), &b.Reasons)
	json.Unmarshal([]byte(header), &b.Header)
	if b.Reasons == nil {
		b.Reasons = map[string]int{}
	}
	return b, nil
}

// Batches lists batches, newest first.
func (s *Store) Batches(ctx context.Context, f BatchFilter) ([]BatchInfo, error) {
	var where []string
	var args []any
	if f.Provider != "" {
		where, args = append(where, "provider = ?"), append(args, f.Provider)
	}
	if f.Item != "" {
		where, args = append(where, "item = ?"), append(args, f.Item)
	}
	if f.State != "" {
		where, args = append(where, "state = ?"), append(args, f.State)
	}
	q := "SELECT " + batchCols + " FROM batches"
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY id DESC"
	if f.Limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", f.Limit)
	}
	rows, err := s.DB.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []BatchInfo
	for rows.Next() {
		b, err := scanBatch(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// Batch returns one batch; ok is false when there is none.
func (s *Store) Batch(ctx context.Context, id int64) (BatchInfo, bool, error) {
	b, err := scanBatch(s.DB.QueryRowContext(ctx, "SELECT "+batchCols+" FROM batches WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return b, false, nil
	}
	return b, err == nil, err
}

// Rejects lists a batch's rejected rows in file order.
func (s *Store) Rejects(ctx context.Context, batch int64) ([]Reject, error) {
	rows, err := s.DB.QueryContext(ctx, "SELECT line, cells, fields, reasons, message FROM rejects WHERE batch_id = ? ORDER BY line", batch)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Reject
	for rows.Next() {
		var r Reject
		var cells string
		if err := rows.Scan(&r.Line, &cells, &r.Fields, &r.Reasons, &r.Message); err != nil {
			return nil, err
		}
		json.Unmarshal([]byte(cells), &r.Cells)
		out = append(out, r)
	}
	return out, rows.Err()
}

// ReplaceLinks makes links the record's 第二十九条 links: the links follow
// the record's current content, so a correction or revision that removes a
// responsible person removes the link (the old content, naming them, stays
// in record_history).
func (t *Tx) ReplaceLinks(recordID int64, links []LinkIn) error {
	if err := t.settle(recordID); err != nil {
		return err
	}
	if _, err := t.ExecContext(t.ctx, "DELETE FROM record_links WHERE record_id = ?", recordID); err != nil {
		return err
	}
	for i := range links {
		links[i].RecordID = recordID
	}
	return t.AddLinks(links)
}

// applyStagedKinds: see ApplyStagedNames.
func (t *Tx) applyStagedKinds(batch int64) error {
	// The links removed are those the records carry as everyone sees them:
	// a published pending revision of such a record is applied first, and
	// so is this batch's own revision of it (in the publishing transaction).
	pend, err := t.QueryContext(t.ctx, `SELECT r.id, EXISTS (SELECT 1 FROM staged_revisions s WHERE s.batch_id = ?1 AND s.record_id = r.id AND s.noop = 0)
		FROM records r WHERE r.subject_id IN (SELECT subject_id FROM staged_kinds WHERE batch_id = ?1)
		AND EXISTS (SELECT 1 FROM staged_revisions s WHERE s.record_id = r.id AND s.noop = 0) ORDER BY r.id`, batch)
	if err != nil {
		return err
	}
	type pendRec struct {
		id  int64
		own bool
	}
	var pending []pendRec
	for pend.Next() {
		var p pendRec
		if err := pend.Scan(&p.id, &p.own); err != nil {
			pend.Close()
			return err
		}
		pending = append(pending, p)
	}
	pend.Close()
	if err := pend.Err(); err != nil {
		return err
	}
	for _, p := range pending {
		if err := t.settle(p.id); err != nil {
			return err
		}
		if p.own {
			if err := t.applyRevisions(batch, p.id, p.id, t.At, t.Actor.Operator); err != nil {
				return err
			}
		}
	}
	rows, err := t.QueryContext(t.ctx, `SELECT l.record_id, l.subject_id, l.role FROM record_links l JOIN records r ON r.id = l.record_id
		WHERE r.subject_id IN (SELECT subject_id FROM staged_kinds WHERE batch_id = ?) ORDER BY l.record_id, l.role, l.subject_id`, batch)
	if err != nil {
		return err
	}
	removed := map[int64][]map[string]any{}
	var order []int64
	for rows.Next() {
		var rec, subj int64
		var role string
		if err := rows.Scan(&rec, &subj, &role); err != nil {
			rows.Close()
			return err
		}
		if _, ok := removed[rec]; !ok {
			order = append(order, rec)
		}
		removed[rec] = append(removed[rec], map[string]any{"subject_id": subj, "role": role})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, rec := range order {
		if _, err := t.ExecContext(t.ctx, "DELETE FROM record_links WHERE record_id = ?", rec); err != nil {
			return err
		}
		if err := t.Audit("record.unlink", fmt.Sprintf("record:%d", rec), map[string]any{"article": "第二十九条",
			"reason": "unincorporated", "batch": batch, "removed": removed[rec]}); err != nil {
			return err
		}
	}
	if _, err := t.ExecContext(t.ctx, `UPDATE subjects SET kind = 'unincorporated' WHERE kind = 'organisation'
		AND id IN (SELECT subject_id FROM staged_kinds WHERE batch_id = ?)`, batch); err != nil {
		return err
	}
	_, err = t.ExecContext(t.ctx, "DELETE FROM staged_kinds WHERE batch_id = ?", batch)
	return err
}

// SubjectKind is the stored kind of a subject.
func (t *Tx) SubjectKind(id int64) (string, error) {
	var k string
	err := t.QueryRowContext(t.ctx, "SELECT kind FROM subjects WHERE id = ?", id).Scan(&k)
	return k, err
}
