package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"

	"credit/internal/apperr"
	"credit/internal/catalog"
	"credit/internal/civil"
)

// CatalogVersion is one applied catalog (the table keeps its whole YAML text).
type CatalogVersion struct {
	ID           int64      `json:"id"`
	Jurisdiction string     `json:"jurisdiction"`
	Version      string     `json:"version"`
	Effective    civil.Date `json:"effective"`
	Source       string     `json:"source"`
	ContentHash  string     `json:"content_hash"`
	AppliedAt    string     `json:"applied_at"`
	AppliedBy    string     `json:"applied_by"`
}

// ErrNoCatalog: no applied catalog is in force on the date asked.
var ErrNoCatalog = errors.New("no catalog in force")

// ContentHash is the hex SHA-256 of a catalog file's bytes.
func ContentHash(content []byte) string {
	h := sha256.Sum256(content)
	return hex.EncodeToString(h[:])
}

// Parsed catalogs by content hash: a version's text never changes, so neither
// does its parse. Shared, read-only values.
var parsedCatalogs = struct {
	sync.Mutex
	m map[string]*catalog.Catalog
}{m: map[string]*catalog.Catalog{}}

// parseStored is version v parsed: from the memo, else from its compiled
// form when the store has one in this binary's format (migration 013), else
// from its YAML text, which content gives (read only when needed: the
// compiled form is there for nearly every command, and the YAML is a second
// large row to read).
func parseStored(v CatalogVersion, content func() (string, error), compiled string) (*catalog.Catalog, error) {
	parsedCatalogs.Lock()
	c, ok := parsedCatalogs.m[v.ContentHash]
	parsedCatalogs.Unlock()
	if ok {
		return c, nil
	}
	var err error
	if compiled != "" {
		c, err = catalog.Decompile([]byte(compiled))
	}
	if c == nil || err != nil {
		text, err := content()
		if err != nil {
			return nil, err
		}
		if c, err = catalog.ParseStored(fmt.Sprintf("catalog version #%d (%s)", v.ID, v.Source), []byte(text)); err != nil {
			return nil, fmt.Errorf("stored catalog version #%d no longer parses: %w", v.ID, err)
		}
	}
	parsedCatalogs.Lock()
	parsedCatalogs.m[v.ContentHash] = c
	parsedCatalogs.Unlock()
	return c, nil
}

// textOf gives a content already read to parseStored.
func textOf(content string) func() (string, error) {
	return func() (string, error) { return content, nil }
}

type queryer interface {
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
}

const catalogVersionCols = "id, jurisdiction, version, effective, source, content_hash, applied_at, applied_by"

func scanCatalogVersion(sc interface{ Scan(...any) error }, extra ...any) (CatalogVersion, error) {
	var v CatalogVersion
	var eff string
	if err := sc.Scan(append([]any{&v.ID, &v.Jurisdiction, &v.Version, &eff, &v.Source, &v.ContentHash, &v.AppliedAt, &v.AppliedBy}, extra...)...); err != nil {
		return v, err
	}
	d, err := civil.Parse(eff)
	if err != nil {
		return v, fmt.Errorf("catalog version #%d: %w", v.ID, err)
	}
	v.Effective = d
	return v, nil
}

// catalogOn is the version in force on a date: the latest effective date on
// or before it, ties going to the later applied.
func catalogOn(ctx context.Context, q queryer, on civil.Date) (CatalogVersion, string, bool, error) {
	var content string
	row := q.QueryRowContext(ctx, "SELECT "+catalogVersionCols+", content FROM catalog_versions WHERE effective <= ? ORDER BY effective DESC, id DESC LIMIT 1", on.String())
	v, err := scanCatalogVersion(row, &content)
	if errors.Is(err, sql.ErrNoRows) {
		return CatalogVersion{}, "", false, nil
	}
	return v, content, err == nil, err
}

// compiledCol is the compiled form of the version v, ” when there is none
// in this binary's format.
const compiledCol = `coalesce((SELECT cc.data FROM catalog_compiled cc WHERE cc.content_hash = catalog_versions.content_hash AND cc.format = ?), '')`

// compileCatalog stores the compiled form of the YAML content under its
// hash, unless it is there already.
func (t *Tx) compileCatalog(hash string, content []byte) error {
	c, err := catalog.ParseStored("catalog "+hash[:12], content)
	if err != nil {
		return err
	}
	b, err := catalog.Compile(c)
	if err != nil {
		return err
	}
	_, err = t.ExecContext(t.ctx, "INSERT OR IGNORE INTO catalog_compiled(content_hash, format, data) VALUES (?,?,?)", hash, catalog.CompiledFormat, string(b))
	return err
}

// CompileCatalogs stores the compiled form of every applied version that has
// none in this binary's format (credit init: versions applied before
// migration 013, or by a binary whose Catalog had another shape), and tells
// how many it wrote. Nothing is written when none is missing.
func (s *Store) CompileCatalogs(ctx context.Context, a Actor) (int, error) {
	missing := func(q queryer) ([]string, error) {
		return textColumn(ctx, q, `SELECT DISTINCT content_hash FROM catalog_versions v WHERE NOT EXISTS
			(SELECT 1 FROM catalog_compiled cc WHERE cc.content_hash = v.content_hash AND cc.format = ?)`, catalog.CompiledFormat)
	}
	if m, err := missing(s.DB); err != nil || len(m) == 0 {
		return 0, err
	}
	n := 0
	err := s.Write(ctx, a, func(tx *Tx) error {
		m, err := missing(tx)
		if err != nil {
			return err
		}
		for _, h := range m {
			var content string
			if err := tx.QueryRowContext(ctx, "SELECT content FROM catalog_versions WHERE content_hash = ? LIMIT 1", h).Scan(&content); err != nil {
				return err
			}
			if err := tx.compileCatalog(h, []byte(content)); err != nil {
				return fmt.Errorf("catalog %s: %w", h[:12], err)
			}
		}
		n = len(m)
		return tx.Audit("catalog.compile", "catalog", map[string]any{"content_hashes": m, "format": catalog.CompiledFormat})
	})
	return n, err
}

func noCatalog(on civil.Date) error {
	return &apperr.Error{Code: apperr.Refused, Err: ErrNoCatalog,
		Zh: fmt.Sprintf("%s 没有生效的公共信用信息目录：请先用 credit catalog apply 应用目录（或查看 credit catalog list）", on),
		En: fmt.Sprintf("no catalog is in force on %s: apply one with credit catalog apply (see credit catalog list)", on)}
}

// CatalogInForce is the catalog in force on a date, parsed, and its version
// id. Records are validated against it (SPEC §5). The catalog is shared:
// callers must not change it. No version in force is an *apperr.Error (exit 4)
// wrapping ErrNoCatalog.
func (s *Store) CatalogInForce(ctx context.Context, on civil.Date) (*catalog.Catalog, int64, error) {
	return catalogInForce(ctx, s.DB, on)
}

// CatalogInForce is Store.CatalogInForce inside a transaction.
func (t *Tx) CatalogInForce(on civil.Date) (*catalog.Catalog, int64, error) {
	return catalogInForce(t.ctx, t.Tx, on)
}

func catalogInForce(ctx context.Context, q queryer, on civil.Date) (*catalog.Catalog, int64, error) {
	var compiled string
	row := q.QueryRowContext(ctx, "SELECT "+catalogVersionCols+", "+compiledCol+" FROM catalog_versions WHERE effective <= ? ORDER BY effective DESC, id DESC LIMIT 1",
		catalog.CompiledFormat, on.String())
	v, err := scanCatalogVersion(row, &compiled)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, 0, noCatalog(on)
	}
	if err != nil {
		return nil, 0, err
	}
	content := func() (string, error) {
		var text string
		err := q.QueryRowContext(ctx, "SELECT content FROM catalog_versions WHERE id = ?", v.ID).Scan(&text)
		return text, err
	}
	c, err := parseStored(v, content, compiled)
	if err != nil {
		return nil, 0, err
	}
	return c, v.ID, nil
}

// CatalogVersionOn is the version in force on a date (ok false when none).
func (s *Store) CatalogVersionOn(ctx context.Context, on civil.Date) (CatalogVersion, bool, error) {
	v, _, ok, err := catalogOn(ctx, s.DB, on)
	return v, ok, err
}

// CatalogVersions lists every applied version by effective date, then by
// the order applied.
func (s *Store) CatalogVersions(ctx context.Context) ([]CatalogVersion, error) {
	rows, err := s.DB.QueryContext(ctx, "SELECT "+catalogVersionCols+" FROM catalog_versions ORDER BY effective, id")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []CatalogVersion
	for rows.Next() {
		v, err := scanCatalogVersion(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// CatalogByID is an applied version, parsed, with its YAML text as applied.
func (s *Store) CatalogByID(ctx context.Context, id int64) (*catalog.Catalog, CatalogVersion, []byte, error) {
	var content, compiled string
	row := s.DB.QueryRowContext(ctx, "SELECT "+catalogVersionCols+", content, "+compiledCol+" FROM catalog_versions WHERE id = ?", catalog.CompiledFormat, id)
	v, err := scanCatalogVersion(row, &content, &compiled)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, v, nil, apperr.Newf(apperr.Usage, "没有目录版本 #%d（见 credit catalog list）", "no catalog version #%d (see credit catalog list)", id)
	}
	if err != nil {
		return nil, v, nil, err
	}
	c, err := parseStored(v, textOf(content), compiled)
	return c, v, []byte(content), err
}

// CatalogApplied is what ApplyCatalog did.
type CatalogApplied struct {
	Version CatalogVersion
	// Unchanged: the same text is already the latest applied version for its
	// effective date, so applying it again would change nothing; nothing was
	// written.
	Unchanged bool
	// Providers and Units the file ships that were registered or given new items.
	Providers, Units int
}

// ApplyCatalog stores a validated catalog as a new version, with its text,
// unless the same text is already in force from the same date. A different
// text under a version label already applied is refused (exit 4): versions
// are named once. Providers and units the file ships are registered (added,
// never removed). The caller writes the audit entry.
func (t *Tx) ApplyCatalog(c *catalog.Catalog, source string, content []byte) (CatalogApplied, error) {
	hash := ContentHash(content)
	var res CatalogApplied
	// The latest applied for the same effective date: same text → no-op.
	row := t.QueryRowContext(t.ctx, "SELECT "+catalogVersionCols+" FROM catalog_versions WHERE effective = ? ORDER BY id DESC LIMIT 1", c.Effective.String())
	last, err := scanCatalogVersion(row)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return res, err
	case last.ContentHash == hash:
		return CatalogApplied{Version: last, Unchanged: true}, nil
	}
	var otherID int64
	var otherHash string
	err = t.QueryRowContext(t.ctx, "SELECT id, content_hash FROM catalog_versions WHERE jurisdiction = ? AND version = ? ORDER BY id DESC LIMIT 1", c.Jurisdiction, c.Version).Scan(&otherID, &otherHash)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return res, err
	case otherHash != hash:
		return res, apperr.Newf(apperr.Refused,
			"%s 目录的版本号 %s 已被版本 #%d 使用且内容不同：请在文件中改用新的 version 后再应用",
			"the %s catalog version %s was already applied as #%d with different content: give the file a new version and apply it again",
			c.Jurisdiction, c.Version, otherID)
	}
	r, err := t.ExecContext(t.ctx, `INSERT INTO catalog_versions(jurisdiction, version, effective, source, content, content_hash, applied_at, applied_by)
		VALUES (?,?,?,?,?,?,?,?)`, c.Jurisdiction, c.Version, c.Effective.String(), source, string(content), hash, t.At, t.Actor.Operator)
	if err != nil {
		return res, err
	}
	id, err := r.LastInsertId()
	if err != nil {
		return res, err
	}
	if err := t.compileCatalog(hash, content); err != nil {
		return res, err
	}
	res.Version = CatalogVersion{ID: id, Jurisdiction: c.Jurisdiction, Version: c.Version, Effective: c.Effective,
		Source: source, ContentHash: hash, AppliedAt: t.At, AppliedBy: t.Actor.Operator}
	for _, p := range c.Providers {
		prev, added, err := t.PutProvider(p.Code, p.Name, p.Level, p.Items)
		if err != nil {
			return res, err
		}
		if prev == nil || len(added) > 0 || prev.Name != p.Name || prev.Level != p.Level {
			res.Providers++
		}
	}
	for _, u := range c.Units {
		prev, added, err := t.PutUnit(u.Code, u.Name, u.Items)
		if err != nil {
			return res, err
		}
		if prev == nil || len(added) > 0 || prev.Name != u.Name {
			res.Units++
		}
	}
	return res, nil
}

// Provider is a registered 信息提供单位 and the items it supplies.
type Provider struct {
	Code      string   `json:"code"`
	Name      string   `json:"name"`
	Level     string   `json:"level"`
	Items     []string `json:"items"`
	CreatedAt string   `json:"created_at"`
	CreatedBy string   `json:"created_by"`
}

// Unit is a registered 信息使用单位 and the shared items it may see (SPEC §C).
type Unit struct {
	Code      string   `json:"code"`
	Name      string   `json:"name"`
	Items     []string `json:"items"`
	CreatedAt string   `json:"created_at"`
	CreatedBy string   `json:"created_by"`
}

// PutProvider registers a provider or updates it: a non-empty name or level
// replaces the stored one, and items are added to those it has (never
// removed). It returns the provider as it was (nil when new) and the items
// newly added. code must already be normalised and valid.
func (t *Tx) PutProvider(code, name, level string, items []string) (*Provider, []string, error) {
	prev, ok, err := provider(t.ctx, t.Tx, code)
	if err != nil {
		return nil, nil, err
	}
	if !ok {
		if level == "" {
			level = "city"
		}
		if _, err := t.ExecContext(t.ctx, "INSERT INTO providers(code, name, level, created_at, created_by) VALUES (?,?,?,?,?)",
			code, name, level, t.At, t.Actor.Operator); err != nil {
			return nil, nil, err
		}
	} else {
		if name == "" {
			name = prev.Name
		}
		if level == "" {
			level = prev.Level
		}
		if name != prev.Name || level != prev.Level {
			if _, err := t.ExecContext(t.ctx, "UPDATE providers SET name = ?, level = ? WHERE code = ?", name, level, code); err != nil {
				return nil, nil, err
			}
		}
	}
	added, err := t.addItems("provider_items", "provider", code, items)
	if !ok {
		return nil, added, err
	}
	return &prev, added, err
}

// PutUnit registers a user unit or updates it like PutProvider.
func (t *Tx) PutUnit(code, name string, items []string) (*Unit, []string, error) {
	prev, ok, err := unit(t.ctx, t.Tx, code)
	if err != nil {
		return nil, nil, err
	}
	if !ok {
		if _, err := t.ExecContext(t.ctx, "INSERT INTO units(code, name, created_at, created_by) VALUES (?,?,?,?)",
			code, name, t.At, t.Actor.Operator); err != nil {
			return nil, nil, err
		}
	} else if name != "" && name != prev.Name {
		if _, err := t.ExecContext(t.ctx, "UPDATE units SET name = ? WHERE code = ?", name, code); err != nil {
			return nil, nil, err
		}
	}
	added, err := t.addItems("unit_items", "unit", code, items)
	if !ok {
		return nil, added, err
	}
	return &prev, added, err
}

func (t *Tx) addItems(table, col, code string, items []string) ([]string, error) {
	var added []string
	for _, it := range items {
		r, err := t.ExecContext(t.ctx, "INSERT OR IGNORE INTO "+table+"("+col+", item, added_at) VALUES (?,?,?)", code, it, t.At)
		if err != nil {
			return added, err
		}
		if n, _ := r.RowsAffected(); n > 0 {
			added = append(added, it)
		}
	}
	return added, nil
}

func itemsOf(ctx context.Context, q queryer, table, col, code string) ([]string, error) {
	rows, err := q.QueryContext(ctx, "SELECT item FROM "+table+" WHERE "+col+" = ? ORDER BY added_at, item", code)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	items := []string{}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		items = append(items, s)
	}
	return items, rows.Err()
}

func provider(ctx context.Context, q queryer, code string) (Provider, bool, error) {
	var p Provider
	err := q.QueryRowContext(ctx, "SELECT code, name, level, created_at, created_by FROM providers WHERE code = ?", code).
		Scan(&p.Code, &p.Name, &p.Level, &p.CreatedAt, &p.CreatedBy)
	if errors.Is(err, sql.ErrNoRows) {
		return p, false, nil
	}
	if err != nil {
		return p, false, err
	}
	p.Items, err = itemsOf(ctx, q, "provider_items", "provider", code)
	return p, err == nil, err
}

func unit(ctx context.Context, q queryer, code string) (Unit, bool, error) {
	var u Unit
	err := q.QueryRowContext(ctx, "SELECT code, name, created_at, created_by FROM units WHERE code = ?", code).
		Scan(&u.Code, &u.Name, &u.CreatedAt, &u.CreatedBy)
	if errors.Is(err, sql.ErrNoRows) {
		return u, false, nil
	}
	if err != nil {
		return u, false, err
	}
	u.Items, err = itemsOf(ctx, q, "unit_items", "unit", code)
	return u, err == nil, err
}

// Provider is the registered provider with code (normalised), if any.
func (s *Store) Provider(ctx context.Context, code string) (Provider, bool, error) {
	return recall(s, ctx, func(m *memo) map[string]Provider { return m.providers }, code, cloneProvider,
		func() (Provider, bool, error) { return provider(ctx, s.reader(ctx), code) })
}

// Unit is the registered user unit with code (normalised), if any.
func (s *Store) Unit(ctx context.Context, code string) (Unit, bool, error) {
	return recall(s, ctx, func(m *memo) map[string]Unit { return m.units }, code, cloneUnit,
		func() (Unit, bool, error) { return unit(ctx, s.reader(ctx), code) })
}

// Providers lists the registered providers by code, with their items.
func (s *Store) Providers(ctx context.Context) ([]Provider, error) {
	codes, err := s.codes(ctx, "SELECT code FROM providers ORDER BY code")
	if err != nil {
		return nil, err
	}
	out := []Provider{}
	for _, c := range codes {
		p, _, err := provider(ctx, s.DB, c)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// Units lists the registered user units by code, with their items.
func (s *Store) Units(ctx context.Context) ([]Unit, error) {
	codes, err := s.codes(ctx, "SELECT code FROM units ORDER BY code")
	if err != nil {
		return nil, err
	}
	out := []Unit{}
	for _, c := range codes {
		u, _, err := unit(ctx, s.DB, c)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, nil
}

func (s *Store) codes(ctx context.Context, q string) ([]string, error) {
	return textColumn(ctx, s.DB, q)
}
