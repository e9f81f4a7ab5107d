package ingest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"credit/internal/catalog"
	"credit/internal/civil"
	"credit/internal/store"
)

// Options of one import.
type Options struct {
	Provider      string
	Item          string
	Channel       string // local | province
	Encoding      string
	Sheet         string
	HeaderRow     int // --header-row: the header's physical row; 0 = found (frame.go)
	IgnoreUnknown bool
	DryRun        bool
	Actor         store.Actor
	// Progress, when set, is called now and then with the rows read so far.
	Progress func(rows int)
}

// Result is what one file's import did (SPEC §A: one JSON object per file).
type Result struct {
	File              string         `json:"file"`
	Batch             int64          `json:"batch"`
	AlreadyImportedAs int64          `json:"already_imported_as,omitempty"`
	Item              string         `json:"item"`
	Provider          string         `json:"provider"`
	Channel           string         `json:"channel"`
	Encoding          string         `json:"encoding,omitempty"`
	Rows              int            `json:"rows"`
	Accepted          int            `json:"accepted"`
	Revised           int            `json:"revised"`
	Duplicates        int            `json:"duplicates"`
	Rejected          int            `json:"rejected"`
	Reasons           map[string]int `json:"reasons"`
	DryRun            bool           `json:"dry_run,omitempty"`
	Refused           string         `json:"refused,omitempty"` // whole-file reason (SPEC §H)
	Message           string         `json:"message,omitempty"`
	Rejects           []RejectRow    `json:"rejects,omitempty"`
	Warned            int            `json:"warned,omitempty"`   // rows accepted with a warning (capacity.go)
	Warnings          []WarningRow   `json:"warnings,omitempty"` // the first MaxRejectsInResult of them
	Header            []string       `json:"-"`

	// Where the file's header, titles and notes were (issue 22, frame.go):
	// physical rows as Excel shows them.
	Sheet string `json:"sheet,omitempty"`
	// Layout names the older layout the file was read in (catalog
	// layouts); empty: today's.
	Layout     string       `json:"layout,omitempty"`
	HeaderRow  int          `json:"header_row,omitempty"`
	HeaderRows int          `json:"header_rows,omitempty"` // 2 for a two-row header
	Titles     []SkippedRow `json:"title_rows,omitempty"`  // skipped above the header
	Notes      []SkippedRow `json:"notes,omitempty"`       // skipped under the data
}

func (r *Result) frame(f Framing) {
	r.Sheet, r.HeaderRow, r.HeaderRows, r.Titles, r.Notes = f.Sheet, f.HeaderRow, f.HeaderRows, f.Titles, f.Notes
}

// RejectRow is one rejected row of the report.
type RejectRow struct {
	Line    int      `json:"row"`
	Fields  string   `json:"fields"`
	Reasons string   `json:"reasons"`
	Message string   `json:"message"`
	Cells   []string `json:"-"`
}

// MaxRejectsInResult caps the rejects carried in a Result (and its JSON);
// the batch keeps all of them (credit batch rejects N).
const MaxRejectsInResult = 1000

func (r *Result) reject(c *Checked) {
	r.Rejected++
	var fields, reasons, msgs []string
	seen := map[string]bool{}
	for _, p := range c.Problems {
		if !seen[p.Reason] {
			r.Reasons[p.Reason]++
			seen[p.Reason] = true
		}
		fields = append(fields, p.Field)
		reasons = append(reasons, p.Reason)
		msgs = append(msgs, p.Msg)
	}
	if len(r.Rejects) < MaxRejectsInResult {
		r.Rejects = append(r.Rejects, RejectRow{Line: c.Line, Fields: strings.Join(fields, "；"), Reasons: strings.Join(reasons, "；"),
			Message: strings.Join(msgs, "；"), Cells: c.Cells})
	}
}

// Importer imports provider files into one store.
type Importer struct {
	Store   *store.Store
	Catalog *catalog.Catalog
	Version int64 // the catalog version's id
	Today   civil.Date
}

// chunkRows is the rows written per staging transaction. 2,000 rows hold the
// write lock about 30 ms and keep the import's memory near 150 MB; 4,000 were
// no faster and 8,000 slower (1,000,000-row runs).
const chunkRows = 2000

type chunk struct {
	seq      int
	rows     []*Checked
	subjects []store.SubjectIn // the distinct subjects its valid rows name, first row first
	done     chan struct{}     // closed when the workers have checked rows
}

// distinctSubjects lists the subjects and linked persons the chunk's valid
// rows name, each once (store.SubjectSet), and points each row and link at
// its entry. The checking workers do it, so the one writer needs no map.
func (ch *chunk) distinctSubjects() {
	var set store.SubjectSet
	for _, c := range ch.rows {
		if !c.OK() {
			continue
		}
		c.subject = set.Add(store.SubjectIn{Code: c.SubjectCode, Kind: string(c.SubjectKind), Name: c.SubjectName, NameKey: c.NameKey})
		for i := range c.Links {
			l := &c.Links[i]
			l.subject = set.Add(store.SubjectIn{Code: l.Code, Kind: string(catalog.NaturalPerson), Name: l.Name, NameKey: l.NameKey})
		}
	}
	ch.subjects = set.List
}

// Import reads, checks and stores one file. A whole-file refusal comes back
// as a *FileError with nothing stored; rows that fail are counted and kept as
// rejects. Nothing is visible to readers until the batch is published.
func (im *Importer) Import(ctx context.Context, path string, opt Options) (*Result, error) {
	res := &Result{File: path, Item: opt.Item, Provider: opt.Provider, Channel: opt.Channel, Reasons: map[string]int{}, DryRun: opt.DryRun}
	item := im.Catalog.Item(opt.Item)
	if item == nil {
		return res, &FileError{Reason: "unknown_item", Zh: fmt.Sprintf("%s：目录中没有信息项 %s", path, opt.Item), En: fmt.Sprintf("%s: the catalog has no item %s", path, opt.Item)}
	}
	// The file's hash (is it already imported?) is worked out while the first
	// chunks are read and checked: on a big file that is a third of a second
	// the writer no longer waits.
	type hashed struct {
		hash string
		err  error
	}
	hashCh := make(chan hashed, 1)
	go func() {
		h, err := FileHash(path)
		hashCh <- hashed{h, err}
	}()
	// publishedAs finds the published batch of the same file, if any.
	publishedAs := func() (hashed, bool, error) {
		h := <-hashCh
		hashCh <- h // for a second look
		if h.err != nil || opt.DryRun {
			return h, false, h.err
		}
		id, ok, err := im.Store.PublishedBatchByHash(ctx, h.hash, opt.Provider, item.Code)
		if ok {
			res.AlreadyImportedAs, res.Batch = id, id
		}
		return h, ok, err
	}
	src, err := Open(path, ReadOptions{Encoding: opt.Encoding, Sheet: opt.Sheet, Limits: readLimits(im.Catalog.Policy.ImportLimits),
		Header: HeaderSpec{Row: opt.HeaderRow, Fits: HeaderFits(item)}})
	var plan *Plan
	var view *layoutView
	if err == nil {
		defer src.Close()
		res.Encoding = src.Encoding()
		res.Header = slices.Clone(src.Header())
		fr := FramingOf(src)
		res.frame(fr)
		planItem := item
		if l := chooseLayout(item, res.Header); l != nil {
			// An older layout (catalog layouts): its rows are read as rows
			// of today's fields, which the report then names.
			var prov ProviderInfo
			if p, ok, perr := im.Store.Provider(ctx, opt.Provider); perr != nil {
				err = perr
			} else if ok {
				prov = ProviderInfo{Code: p.Code, Name: p.Name}
			} else {
				prov = ProviderInfo{Code: opt.Provider}
			}
			if err == nil {
				view, err = newLayoutView(im.Catalog, item, l, res.Header, opt.IgnoreUnknown, filepath.Base(path), prov)
			}
			if err == nil {
				res.Layout, res.Header, planItem = l.Name, view.header, view.planItem(item)
			}
		}
		if err == nil {
			plan, err = NewPlan(im.Catalog, planItem, res.Header, im.Today, src.SerialDates(), opt.IgnoreUnknown, filepath.Base(path))
		}
		var fe *FileError
		if errors.As(err, &fe) {
			fe.Line = fr.HeaderRow
			if fr.Found {
				fe.Zh += fmt.Sprintf("（表头为第 %s 行）", fr)
				fe.En += fmt.Sprintf(" (the header is row %s)", fr)
			} else {
				fe.Zh += fmt.Sprintf("（前 %d 行中没有同时含%s和%s的表头行，按第 %d 行为表头；表头在更下面时用 --header-row 指定）",
					HeaderScanRows, item.Subject.Name, strings.Join(item.Subject.Codes, "或"), fr.HeaderRow)
				fe.En += fmt.Sprintf(" (none of the first %d rows names both %s and %s, so row %d was taken for the header; if it lies lower, give it with --header-row)",
					HeaderScanRows, item.Subject.Name, strings.Join(item.Subject.Codes, " or "), fr.HeaderRow)
			}
		}
	}
	if err != nil {
		// A file already imported is reported as such even if it no longer
		// fits the catalog.
		if _, done, herr := publishedAs(); herr != nil || done {
			return res, herr
		}
		return res, err
	}

	// Read and check in parallel, store in file order.
	readCtx, stopReading := context.WithCancel(ctx)
	defer stopReading()
	chunks := make(chan *chunk, 2)
	work := make(chan *chunk, 2)
	var readErr error
	go func() {
		defer close(chunks)
		defer close(work)
		seq := 0
		cur := &chunk{seq: seq, done: make(chan struct{})}
		rowsRead := 0
		for {
			row, err := src.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				readErr = err
				break
			}
			cur.rows = append(cur.rows, &Checked{Line: row.Line, Cells: slices.Clone(row.Cells), read: row.Problem})
			rowsRead++
			if len(cur.rows) == chunkRows {
				select {
				case work <- cur:
				case <-readCtx.Done():
					return
				}
				chunks <- cur
				seq++
				cur = &chunk{seq: seq, done: make(chan struct{})}
				if opt.Progress != nil {
					opt.Progress(rowsRead)
				}
			}
		}
		if len(cur.rows) > 0 {
			work <- cur
			chunks <- cur
		}
	}()
	var wg sync.WaitGroup
	// One core is the writer's; the others check rows.
	for i := 0; i < max(1, runtime.GOMAXPROCS(0)-1); i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ch := range work {
				for k, c := range ch.rows {
					if p := c.read; p != nil {
						// Bytes that are not text, control characters or
						// cells beyond the header: the row is not checked
						// further (its fields would be misread).
						c.Problems = []Problem{{Field: p.Field, Reason: p.Reason, Msg: p.Zh}}
						if view != nil {
							c.Cells, _ = view.row(c.Cells) // the report names today's columns
						}
						continue
					}
					cells := c.Cells
					if view != nil {
						var p *Problem
						if cells, p = view.row(cells); p != nil {
							c.Cells, c.Problems = cells, []Problem{*p}
							continue
						}
					}
					ch.rows[k] = plan.Check(c.Line, cells)
					prepareRow(plan, ch.rows[k])
				}
				ch.distinctSubjects()
				close(ch.done)
			}
		}()
	}
	// stop ends the reading and checking when nothing will be stored.
	stop := func() {
		stopReading()
		for range chunks {
		}
		wg.Wait()
	}

	h, done, err := publishedAs()
	if err != nil || done {
		stop()
		return res, err
	}
	var w *writer
	if !opt.DryRun {
		if err := im.discardCrashed(ctx, opt.Actor); err != nil {
			stop()
			return res, err
		}
		for {
			w, err = im.begin(ctx, plan, path, h.hash, src, opt)
			var busy *sameFileInProgress
			if errors.As(err, &busy) {
				// Another process is importing this very file: wait for it,
				// then report what it stored.
				select {
				case <-ctx.Done():
					stop()
					return res, ctx.Err()
				case <-time.After(200 * time.Millisecond):
				}
				continue
			}
			var done *alreadyImported
			if errors.As(err, &done) {
				res.AlreadyImportedAs, res.Batch = done.batch, done.batch
				stop()
				return res, nil
			}
			if err != nil {
				stop()
				return res, err
			}
			break
		}
		defer w.close()
	} else {
		w = &writer{im: im, plan: plan, opt: opt, ctx: ctx, dry: true, seen: map[string]int{}, names: map[string]string{}}
	}

	var storeErr error
	for ch := range chunks {
		<-ch.done
		if storeErr != nil {
			continue // drain
		}
		storeErr = w.store(ch, res)
		res.Rows += len(ch.rows)
		if storeErr == nil {
			storeErr = tooManyRejects(path, res, im.Catalog.Policy.ImportLimits.Rejects)
		}
	}
	wg.Wait()
	// The reader has finished (chunks is closed): the notes under the data
	// are known.
	res.Notes = FramingOf(src).Notes
	if storeErr == nil {
		storeErr = readErr
	}
	if storeErr == nil {
		storeErr = ctx.Err()
	}
	if storeErr != nil {
		if !opt.DryRun {
			w.discard(storeErr)
		}
		return res, storeErr
	}
	if res.Rows == 0 {
		// A header and no row is an empty file (SPEC §H): nothing is stored.
		if !opt.DryRun {
			w.discard(nil)
		}
		return res, &FileError{Reason: ReasonEmptyFile, Zh: fmt.Sprintf("%s：只有表头，没有数据行", filepath.Base(path)),
			En: fmt.Sprintf("%s: a header and no data rows", filepath.Base(path))}
	}
	if opt.DryRun {
		return res, nil
	}
	if err := w.publish(res); err != nil {
		w.discard(err)
		return res, err
	}
	res.Batch = w.batch
	// The lease guards a staging batch only: it goes now, so a process
	// killed during the apply below leaves no lock file behind.
	w.lease.release()
	w.lease = nil
	// The batch is published (visible whole, through the views). Its
	// revisions now move into the base tables in short transactions that
	// change nothing anyone sees. Should that fail (a full disk, a kill),
	// the rest stays pending and shown as applied, and the next import,
	// credit init or credit serve finishes it: the import itself succeeded.
	_ = w.sess.ApplyPending(ctx, opt.Actor, w.batch)
	return res, nil
}

// readLimits are the policy's limits as the readers take them.
func readLimits(l catalog.ImportLimits) Limits {
	return Limits{FileSize: l.FileSize, CellSize: l.CellSize, Columns: l.Columns, Rows: l.Rows,
		XLSXUnzippedSize: l.XLSXUnzippedSize, XLSXRatio: l.XLSXRatio, Sheets: l.Sheets}
}

// tooManyRejects refuses the file once more rows are rejected than the
// policy keeps (import_limits.rejects): a file that bad is to be fixed and
// sent again, not stored in part.
func tooManyRejects(path string, res *Result, limit int) error {
	if res.Rejected <= limit {
		return nil
	}
	return fileErr(ReasonTooManyRejects, path, 0, nil,
		"错误过多：请修正文件后重新报送。文件 %s 被拒收的行超过上限 %d 行（import_limits.rejects），整个文件不予接收，未存储任何内容",
		"too many errors: fix the file and submit it again. File %s has more rejected rows than the limit of %d (import_limits.rejects); the whole file is refused and nothing was stored",
		path, limit)
}

// discardCrashed removes batches left staging by importers that died (their
// lease is free), so a crash leaves at most an unpublished staging area.
func (im *Importer) discardCrashed(ctx context.Context, actor store.Actor) error {
	staging, err := im.Store.StagingBatches(ctx)
	if err != nil {
		return err
	}
	for _, b := range staging {
		if leaseHeld(b.Lease) {
			continue
		}
		err := im.Store.Write(ctx, actor, func(tx *store.Tx) error {
			n, err := tx.DiscardBatch(b.ID)
			if err != nil || n < 0 {
				return err
			}
			return tx.Audit("batch.discard", fmt.Sprintf("batch:%d", b.ID), map[string]any{"reason": "importer died before publishing", "rows_removed": n})
		})
		if err != nil {
			return err
		}
		removeLeaseFile(b.Lease)
	}
	// A process killed while applying a published batch's revisions left
	// the rest pending (readers see them as applied): finish the apply.
	// Housekeeping only: what anyone sees is the same either way, so a
	// failure here (a full disk) does not stop the import; the publish
	// keeps a record's pending revisions in order regardless.
	_ = im.Store.Drain(ctx, actor)
	return nil
}

type alreadyImported struct{ batch int64 }

func (e *alreadyImported) Error() string { return fmt.Sprintf("already imported as batch %d", e.batch) }

type sameFileInProgress struct{ batch int64 }

func (e *sameFileInProgress) Error() string {
	return fmt.Sprintf("the same file is being imported as batch %d", e.batch)
}

// writer stores checked rows of one batch.
type writer struct {
	im     *Importer
	plan   *Plan
	opt    Options
	ctx    context.Context
	batch  int64
	layout int64
	merged *Plan // checks merged revisions (layoutPlan)
	lease  *lease
	sess   *store.Session
	dry    bool
	seen   map[string]int // dry run: keys met in the file
	// dry run: each subject code's name key, as stored or as the file's
	// first row names it ("" when neither names it), for subject_mismatch
	names map[string]string
	// real import: the first line of each key in the file, by the key's
	// hash (12 bytes a row, where the keys themselves would be ~100), so a
	// duplicate_in_file names that line as the dry run does (issue 19)
	lines map[uint64]int32
	seed  maphash.Seed
	// layouts read by merge, by id
	layouts map[int64][]string
	buf     writeBuffers
}

// writeBuffers are reused from one chunk to the next.
type writeBuffers struct {
	refs    []store.SubjectRef
	recs    []store.NewRecord
	recRows []*Checked
	ids     []int64
	links   []store.LinkIn
}

func (im *Importer) begin(ctx context.Context, plan *Plan, path, hash string, src Source, opt Options) (*writer, error) {
	w := &writer{im: im, plan: plan, opt: opt, ctx: ctx}
	var rnd [8]byte
	rand.Read(rnd[:])
	leasePath := im.Store.Path + ".import-" + hex.EncodeToString(rnd[:]) + ".lock"
	l, err := takeLease(leasePath)
	if err != nil {
		return nil, fmt.Errorf("import lease %s: %w", leasePath, err)
	}
	w.lease = l
	if w.sess, err = im.Store.Session(ctx); err != nil {
		l.release()
		return nil, err
	}
	err = w.sess.Write(ctx, opt.Actor, func(tx *store.Tx) error {
		// Checked again inside the transaction: two processes given the same
		// file at once must not both store it.
		same, err := tx.BatchesOfFile(hash, opt.Provider, plan.Item.Code)
		if err != nil {
			return err
		}
		for _, f := range same {
			if f.State == "published" {
				return &alreadyImported{f.Batch}
			}
			if leaseHeld(f.Lease) {
				return &sameFileInProgress{f.Batch}
			}
		}
		if w.layout, err = tx.LayoutID(plan.Item.Code, plan.Layout); err != nil {
			return err
		}
		w.batch, err = tx.BeginBatch(store.BatchStart{Provider: opt.Provider, Item: plan.Item.Code, Channel: opt.Channel,
			FileName: filepath.Base(path), FileHash: hash, Format: string(src.Format()), Encoding: src.Encoding(),
			CatalogVersion: im.Version, Header: plan.Header, Lease: leasePath})
		return err
	})
	if err != nil {
		w.close()
		return nil, err
	}
	return w, nil
}

func (w *writer) close() {
	if w.sess != nil {
		w.sess.Close()
	}
	w.lease.release()
}

// discard removes what the failed import staged. When it failed because
// the disk filled up, the batch goes without a trace (no batch row, no
// rejects, no audit entry: issue 16, the store is as before the attempt);
// if even that cannot be written, the batch stays staging under a free
// lease and the next import discards it as a crashed one.
func (w *writer) discard(cause error) {
	if cause != nil && store.IsDiskFull(cause) {
		w.im.Store.Write(context.Background(), w.opt.Actor, func(tx *store.Tx) error {
			_, err := tx.DropBatch(w.batch)
			return err
		})
		return
	}
	// Use a fresh context: the import's may be cancelled.
	w.im.Store.Write(context.Background(), w.opt.Actor, func(tx *store.Tx) error {
		n, err := tx.DiscardBatch(w.batch)
		if err != nil || n < 0 {
			return err
		}
		return tx.Audit("batch.discard", fmt.Sprintf("batch:%d", w.batch), map[string]any{"reason": "import failed"})
	})
}

func (w *writer) store(ch *chunk, res *Result) error {
	rows := ch.rows
	if w.dry {
		return w.dryRun(rows, res)
	}
	var rejects []store.Reject
	rejectRow := func(c *Checked) {
		res.reject(c)
		rejects = append(rejects, toStoreReject(c))
	}
	err := w.sess.Write(w.ctx, w.opt.Actor, func(tx *store.Tx) error {
		refs := slices.Grow(w.buf.refs[:0], len(ch.subjects))[:len(ch.subjects)]
		w.buf.refs = refs
		if err := tx.ResolveSubjectList(w.batch, ch.subjects, refs); err != nil {
			return err
		}
		recs, recRows := w.buf.recs[:0], w.buf.recRows[:0]
		for _, c := range rows {
			if !c.OK() {
				continue
			}
			ref := refs[c.subject]
			if k := c.NameKey; k != "" && ref.NameKey != "" && k != ref.NameKey {
				failMismatch(w.plan, c)
				continue
			}
			w.firstLine(c)
			recs = append(recs, store.NewRecord{Item: w.plan.Item.Code, Key: c.Key, Provider: w.opt.Provider, Channel: w.opt.Channel,
				SubjectID: ref.ID, Category: string(c.Category), Severity: string(c.Severity), DecidedOn: c.DecidedOn.String(),
				ValidUntil: c.ValidUntil.String(), Layout: w.layout, Vals: c.ValsJSON, ContentHash: c.Hash})
			recRows = append(recRows, c)
		}
		w.buf.recs, w.buf.recRows = recs, recRows
		ids := slices.Grow(w.buf.ids[:0], len(recs))[:len(recs)]
		w.buf.ids = ids
		if err := tx.InsertRecordsInto(w.batch, recs, ids); err != nil {
			return err
		}
		// The stored records of the rows whose key was stored already
		// (revisions, duplicates), read in one go.
		var keys []string
		for i := range recRows {
			if ids[i] == 0 {
				keys = append(keys, recs[i].Key)
			}
		}
		var existing map[string]store.Existing
		if len(keys) > 0 {
			var err error
			if existing, err = tx.ExistingRecords(w.plan.Item.Code, keys); err != nil {
				return err
			}
		}
		links := w.buf.links[:0]
		for i, c := range recRows {
			if ids[i] == 0 {
				ex, ok := existing[recs[i].Key]
				if !ok {
					// INSERT OR IGNORE skipped the row, yet no record holds
					// its key: never go on as if it were stored.
					return fmt.Errorf("line %d: record %s neither inserted nor stored", c.Line, recs[i].Key)
				}
				if err := w.conflict(tx, c, ex, res); err != nil {
					return err
				}
				continue
			}
			res.Accepted++
			if refs[c.subject].Kind != string(catalog.Organisation) {
				// Stored as a 非法人组织 or 个体工商户 (registration data
				// may say so when the row does not): no 第二十九条 links.
				continue
			}
			for _, l := range c.Links {
				links = append(links, store.LinkIn{RecordID: ids[i], SubjectID: refs[l.subject].ID, Role: l.Role})
			}
		}
		w.buf.links = links
		if err := tx.AddLinks(links); err != nil {
			return err
		}
		for _, c := range rows {
			if !c.OK() {
				rejectRow(c)
			} else {
				res.warn(c)
			}
		}
		return tx.AddRejects(w.batch, rejects)
	})
	if err == nil {
		// The buffers keep nothing of this chunk alive until the next.
		clear(w.buf.recs)
		clear(w.buf.recRows)
		clear(w.buf.refs)
	}
	return err
}

func toStoreReject(c *Checked) store.Reject {
	var fields, reasons, msgs []string
	for _, p := range c.Problems {
		fields, reasons, msgs = append(fields, p.Field), append(reasons, p.Reason), append(msgs, p.Msg)
	}
	return store.Reject{Line: c.Line, Cells: c.Cells, Fields: strings.Join(fields, "；"), Reasons: strings.Join(reasons, "；"), Message: strings.Join(msgs, "；")}
}

// conflict decides what a row whose natural key is already stored is
// (SPEC §F): a repeat within this file, a duplicate, a revision, or a
// revision of a locked record. A revision's links are staged with it.
func (w *writer) conflict(tx *store.Tx, c *Checked, ex store.Existing, res *Result) error {
	switch {
	case ex.FirstBatch == w.batch:
		w.failDuplicate(c)
		return nil
	case ex.BatchState != "published":
		c.fail(keyField(w.plan), "record_locked", "另一批次（%d）正在导入同一记录，请稍后重新报送", ex.FirstBatch)
		return nil
	case ex.Status != "active" || len(ex.Locks) > 0:
		c.fail(keyField(w.plan), "record_locked", "该记录%s，不能被报送修改", lockLabel(ex))
		return nil
	}
	merged, changed, err := w.merge(ex, c)
	if err != nil {
		return err
	}
	cells := mustJSON(c.Cells)
	if !changed {
		// Staged as a no-op so that a later row with the same key in this
		// file is still a duplicate_in_file, whatever it holds.
		ok, err := tx.StageRevision(w.batch, store.StagedRevision{RecordID: ex.ID, Line: c.Line, BaseHash: ex.ContentHash, Noop: true,
			Cells: cells, Layout: w.layout, Vals: "[]"})
		if err != nil {
			return err
		}
		if !ok {
			w.failDuplicate(c)
			return nil
		}
		res.Duplicates++
		return nil
	}
	// Category, severity, validity and 第二十九条 links follow the merged
	// record, not the file's row alone: a file without 失信程度 must not turn
	// a serious record general.
	m := w.layoutPlan().Check(c.Line, merged)
	if !m.OK() {
		for _, p := range m.Problems {
			c.fail(p.Field, p.Reason, "与已存记录合并后：%s", p.Msg)
		}
		return nil
	}
	var mergedLinks []store.LinkIn
	if len(m.Links) > 0 && ex.SubjectKind == string(catalog.Organisation) {
		var in []store.SubjectIn
		for _, l := range m.Links {
			in = append(in, store.SubjectIn{Code: l.Code, Kind: string(catalog.NaturalPerson), Name: l.Name, NameKey: nameKey(l.Name)})
		}
		refs, err := tx.ResolveSubjects(w.batch, in)
		if err != nil {
			return err
		}
		for _, l := range m.Links {
			mergedLinks = append(mergedLinks, store.LinkIn{SubjectID: refs[l.Code].ID, Role: l.Role})
		}
	}
	vals, _ := json.Marshal(m.Values)
	ok, err := tx.StageRevision(w.batch, store.StagedRevision{RecordID: ex.ID, Line: c.Line, BaseHash: ex.ContentHash, Cells: cells,
		Category: string(m.Category), Severity: string(m.Severity), DecidedOn: m.DecidedOn.String(), ValidUntil: m.ValidUntil.String(),
		Layout: w.layout, Vals: string(vals), ContentHash: ContentHash(w.plan.Layout, m.Values), Links: mustJSON(mergedLinks)})
	if err != nil {
		return err
	}
	if !ok {
		w.failDuplicate(c)
		return nil
	}
	res.Revised++
	return nil
}

// layoutPlan checks a merged record: the item's layout as the header.
func (w *writer) layoutPlan() *Plan {
	if w.merged == nil {
		p, err := NewPlan(w.plan.Catalog, w.plan.Item, w.plan.Layout, w.plan.Today, false, true, "merged")
		if err != nil {
			panic(err) // the layout is the item's own field list: it always matches
		}
		w.merged = p
	}
	return w.merged
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	if string(b) == "null" {
		return "[]"
	}
	return string(b)
}

func keyField(p *Plan) string {
	if len(p.Item.Key) > 0 {
		return strings.Join(p.Item.Key, "+")
	}
	return "业务主键"
}

func lockLabel(ex store.Existing) string {
	switch {
	case ex.Status == "withdrawn":
		return "已因异议撤回"
	case ex.Status == "repaired":
		return "已完成信用修复"
	case len(ex.Locks) > 0:
		names := make([]string, len(ex.Locks))
		for i, l := range ex.Locks {
			names[i] = map[string]string{"objection": "异议", "repair": "信用修复"}[l]
			if names[i] == "" {
				names[i] = l
			}
		}
		// An office rule: the content under review must not move under the
		// reviewer (serves 第三十二条 and 第三十五条).
		return "正在办理" + strings.Join(names, "、") + "（本办公室规则：办理期间不接受报送修改，服务于第三十二条、第三十五条）"
	}
	return "已锁定"
}

// merge overlays the file's columns on the stored values (SPEC §F: columns
// absent from the file keep their old values; an empty cell in a present
// column clears it) and reports whether anything changed.
func (w *writer) merge(ex store.Existing, c *Checked) ([]string, bool, error) {
	// A layout never changes once stored: each is read once per import.
	oldNames, ok := w.layouts[ex.Layout]
	if !ok {
		var err error
		if oldNames, err = w.im.Store.Layout(w.ctx, ex.Layout); err != nil {
			return nil, false, err
		}
		if w.layouts == nil {
			w.layouts = map[int64][]string{}
		}
		w.layouts[ex.Layout] = oldNames
	}
	var oldVals []string
	if err := json.Unmarshal([]byte(ex.Vals), &oldVals); err != nil {
		return nil, false, err
	}
	old := map[string]string{}
	for i, n := range oldNames {
		if i < len(oldVals) {
			old[n] = oldVals[i]
		}
	}
	merged := make([]string, len(w.plan.Layout))
	for i, n := range w.plan.Layout {
		if c.Present[i] {
			merged[i] = c.Values[i]
		} else {
			merged[i] = old[n]
		}
	}
	return merged, ContentHash(w.plan.Layout, merged) != ex.ContentHash, nil
}

func (w *writer) publish(res *Result) error {
	if err := w.sess.Durable(w.ctx); err != nil {
		return err
	}
	return w.sess.Write(w.ctx, w.opt.Actor, func(tx *store.Tx) error {
		// A revision staged minutes ago may no longer fit: the record was
		// corrected, withdrawn, repaired or put under objection meanwhile.
		// It is refused now rather than written over that change.
		stale, err := tx.StaleRevisions(w.batch)
		if err != nil {
			return err
		}
		var rejects []store.Reject
		for _, st := range stale {
			why := map[string]string{"changed": "在本文件导入期间已被更正或另一批次修订", "withdrawn": "已因异议撤回", "repaired": "已完成信用修复",
				"purged": "已按保存期限清除（第八条）", "objection": "正在办理异议", "repair": "正在办理信用修复"}[st.Why]
			if why == "" {
				why = "已锁定"
			}
			c := &Checked{Line: st.Line, Cells: st.Cells}
			c.fail(keyField(w.plan), "record_locked", "该记录%s，本行未入库，请核对后重新报送", why)
			res.Revised--
			res.reject(c)
			rejects = append(rejects, toStoreReject(c))
		}
		if err := tx.AddRejects(w.batch, rejects); err != nil {
			return err
		}
		if err := tx.PublishBatch(w.batch, store.BatchCounts{Rows: res.Rows, Accepted: res.Accepted, Revised: res.Revised,
			Duplicates: res.Duplicates, Rejected: res.Rejected, Reasons: res.Reasons}); err != nil {
			return err
		}
		return tx.Audit("batch.publish", fmt.Sprintf("batch:%d", w.batch), map[string]any{
			"provider": w.opt.Provider, "item": w.plan.Item.Code, "channel": w.opt.Channel, "catalog_version": w.im.Version,
			"rows": res.Rows, "accepted": res.Accepted, "revised": res.Revised, "duplicates": res.Duplicates, "rejected": res.Rejected,
			"warned": res.Warned, // 第二条: rows of 16–17-year-olds taken under 民法典 第十八条第二款
		})
	})
}

// dryRun classifies rows as the import would, without writing anything:
// new, revision, duplicate or rejected (a revision that would not fit the
// merged record, or a locked record, is rejected as it would be).
func (w *writer) dryRun(rows []*Checked, res *Result) error {
	for _, c := range rows {
		if c.OK() {
			// As the import does: the subject's name first (a row naming
			// a code otherwise is refused whatever its key), then the key.
			if err := w.dryMismatch(c); err != nil {
				return err
			}
		}
		if c.OK() {
			if line, dup := w.seen[c.Key]; dup {
				c.fail(keyField(w.plan), "duplicate_in_file", duplicateMsg, line)
			} else {
				w.seen[c.Key] = c.Line
				if err := w.dryClassify(c, res); err != nil {
					return err
				}
			}
		}
		if !c.OK() {
			res.reject(c)
		} else {
			res.warn(c)
		}
	}
	return nil
}

// duplicateMsg is the one message of a duplicate_in_file row, in the dry
// run and the import alike.
const duplicateMsg = "与本文件第 %d 行重复（同一业务主键）"

// failMismatch rejects a row whose name disagrees with its code's subject.
// The stored name is not told back: a provider must not learn who an ID
// number belongs to from a reject report.
func failMismatch(p *Plan, c *Checked) {
	c.fail(p.Item.Subject.Name, "subject_mismatch", "名称“%s”与该代码已建档主体的名称不一致，请核对名称和代码", Excerpt(c.SubjectName))
}

// firstLine notes the line of a key's first row (the import).
func (w *writer) firstLine(c *Checked) {
	if w.lines == nil {
		w.lines, w.seed = map[uint64]int32{}, maphash.MakeSeed()
	}
	h := maphash.String(w.seed, c.Key)
	if _, ok := w.lines[h]; !ok {
		w.lines[h] = int32(c.Line)
	}
}

// failDuplicate rejects a later row of a key met before in the file.
func (w *writer) failDuplicate(c *Checked) {
	line := w.lines[maphash.String(w.seed, c.Key)]
	if line == 0 || int(line) == c.Line {
		c.fail(keyField(w.plan), "duplicate_in_file", "与本文件前面的行重复（同一业务主键）")
		return
	}
	c.fail(keyField(w.plan), "duplicate_in_file", duplicateMsg, line)
}

// dryMismatch is the import's subject_mismatch in the dry run: the name
// a row gives its code must be the stored subject's, or, for a code not on
// file, the name the file's first row gave it.
func (w *writer) dryMismatch(c *Checked) error {
	known, ok := w.names[c.SubjectCode]
	if !ok {
		sub, found, err := w.im.Store.SubjectByCode(w.ctx, c.SubjectCode)
		if err != nil {
			return err
		}
		if found && sub.Name != "" {
			known = nameKey(sub.Name)
		}
		w.names[c.SubjectCode] = known
	}
	switch {
	case known == "":
		w.names[c.SubjectCode] = c.NameKey
	case c.NameKey != "" && c.NameKey != known:
		failMismatch(w.plan, c)
	}
	return nil
}

func (w *writer) dryClassify(c *Checked, res *Result) error {
	ex, ok, err := w.im.Store.PublishedRecord(w.ctx, w.plan.Item.Code, c.Key)
	if err != nil || !ok {
		if err == nil {
			res.Accepted++
		}
		return err
	}
	if ex.Status != "active" || len(ex.Locks) > 0 {
		c.fail(keyField(w.plan), "record_locked", "该记录%s，不能被报送修改", lockLabel(ex))
		return nil
	}
	merged, changed, err := w.merge(ex, c)
	if err != nil {
		return err
	}
	if !changed {
		res.Duplicates++
		return nil
	}
	if m := w.layoutPlan().Check(c.Line, merged); !m.OK() {
		for _, p := range m.Problems {
			c.fail(p.Field, p.Reason, "与已存记录合并后：%s", p.Msg)
		}
		return nil
	}
	res.Revised++
	return nil
}
