package store

import (
	"context"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"credit/catalogs"
	"credit/internal/catalog"
	"credit/internal/civil"
)

func forgetParsedCatalogs() {
	parsedCatalogs.Lock()
	parsedCatalogs.m = map[string]*catalog.Catalog{}
	parsedCatalogs.Unlock()
}

// TestCompiledCatalog: applying a version stores its compiled form, which
// later reads use instead of the YAML and which reads back as the YAML
// parses; an unreadable compiled form falls back to the YAML, and init's
// CompileCatalogs fills in versions that have none.
func TestCompiledCatalog(t *testing.T) {
	ctx := context.Background()
	st, err := Open(ctx, filepath.Join(t.TempDir(), "c.db"), Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	actor := Actor{Operator: "alice", Today: civil.MustParse("2025-12-01"), Now: time.Now}
	name, data := catalogs.Default()
	parsed, err := catalog.Parse(name, data)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Write(ctx, actor, func(tx *Tx) error {
		if _, err := tx.ApplyCatalog(parsed, name, data); err != nil {
			return err
		}
		return tx.Audit("catalog.apply", "catalog", nil)
	}); err != nil {
		t.Fatal(err)
	}
	hash := ContentHash(data)
	var n int
	if err := st.DB.QueryRow("SELECT count(*) FROM catalog_compiled WHERE content_hash = ? AND format = ?", hash, catalog.CompiledFormat).Scan(&n); err != nil || n != 1 {
		t.Fatalf("compiled forms after apply: %d (%v), want 1", n, err)
	}
	want, err := catalog.ParseStored(name, data)
	if err != nil {
		t.Fatal(err)
	}
	inForce := func() *catalog.Catalog {
		t.Helper()
		forgetParsedCatalogs()
		c, _, err := st.CatalogInForce(ctx, actor.Today)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	if got := inForce(); !reflect.DeepEqual(got, want) {
		t.Fatalf("the compiled catalog does not read back as the YAML parses")
	}

	// The compiled form is what is read: a marked copy comes back marked.
	b, _ := catalog.Compile(&catalog.Catalog{Jurisdiction: want.Jurisdiction, Version: "compiled-mark", Effective: want.Effective, Policy: want.Policy, Items: want.Items})
	if _, err := st.DB.Exec("UPDATE catalog_compiled SET data = ?", string(b)); err != nil {
		t.Fatal(err)
	}
	if got := inForce(); got.Version != "compiled-mark" {
		t.Fatalf("read version %q: the compiled form was not used", got.Version)
	}
	// An unreadable compiled form: the YAML is parsed.
	if _, err := st.DB.Exec("UPDATE catalog_compiled SET data = 'not json'"); err != nil {
		t.Fatal(err)
	}
	if got := inForce(); !reflect.DeepEqual(got, want) {
		t.Fatalf("with an unreadable compiled form the YAML was not parsed")
	}

	// A version without one (applied before migration 013) is read from
	// its YAML, and gets one at init.
	if _, err := st.DB.Exec("DELETE FROM catalog_compiled"); err != nil {
		t.Fatal(err)
	}
	if got := inForce(); !reflect.DeepEqual(got, want) {
		t.Fatalf("without a compiled form the YAML was not parsed")
	}
	if n, err := st.CompileCatalogs(ctx, actor); err != nil || n != 1 {
		t.Fatalf("CompileCatalogs wrote %d (%v), want 1", n, err)
	}
	if n, err := st.CompileCatalogs(ctx, actor); err != nil || n != 0 {
		t.Fatalf("CompileCatalogs again wrote %d (%v), want 0", n, err)
	}
	var audited int
	if err := st.DB.QueryRow("SELECT count(*) FROM audit_log WHERE action = 'catalog.compile'").Scan(&audited); err != nil || audited != 1 {
		t.Fatalf("catalog.compile audit entries: %d (%v), want 1", audited, err)
	}
	if got := inForce(); !reflect.DeepEqual(got, want) {
		t.Fatalf("the catalog compiled at init does not read back as the YAML parses")
	}
}
