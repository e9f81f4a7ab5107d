package store

import (
	"context"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"credit/internal/civil"
)

func TestCalendarYears(t *testing.T) {
	ctx := context.Background()
	st, err := Open(ctx, filepath.Join(t.TempDir(), "c.db"), Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 20, 2, 0, 0, 0, time.UTC)
	actor := func(name string) Actor {
		return Actor{Operator: name, Today: civil.MustParse("2026-11-20"), Now: func() time.Time { at = at.Add(time.Minute); return at }}
	}

	if ys, err := st.LoadedYears(ctx); err != nil || len(ys) != 0 {
		t.Fatalf("new store: LoadedYears = %v, %v", ys, err)
	}
	put := func(who string, year int, prov bool, data string) {
		t.Helper()
		err := st.Write(ctx, actor(who), func(tx *Tx) error {
			if err := tx.PutCalendarYear(year, prov, data); err != nil {
				return err
			}
			return tx.Audit("calendar.load", "calendar:"+strconv.Itoa(year), map[string]any{"year": year})
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	put("alice", 2028, true, `{"year":2028,"v":1}`)
	put("alice", 2027, false, `{"year":2027}`)
	put("bob", 2028, false, `{"year":2028,"v":2}`)

	ys, err := st.LoadedYears(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(ys) != 2 || ys[0].Year != 2027 || ys[1].Year != 2028 {
		t.Fatalf("LoadedYears = %+v, want 2027 and the current 2028", ys)
	}
	y := ys[1]
	if y.Provisional || y.Data != `{"year":2028,"v":2}` || y.LoadedBy != "bob" || y.LoadedAt != "2026-11-20T02:03:00Z" {
		t.Errorf("current 2028 = %+v", y)
	}
	// The replaced row is kept, superseded at the time of the write that replaced it.
	var n int
	var superseded string
	if err := st.DB.QueryRowContext(ctx, "SELECT count(*), max(superseded_at) FROM calendar_years WHERE year = 2028 AND superseded_at IS NOT NULL").Scan(&n, &superseded); err != nil {
		t.Fatal(err)
	}
	if n != 1 || superseded != y.LoadedAt {
		t.Errorf("superseded 2028 rows = %d at %s, want 1 at %s", n, superseded, y.LoadedAt)
	}
	err = st.Write(ctx, actor("alice"), func(tx *Tx) error {
		got, ok, err := tx.LoadedYear(2028)
		if err != nil || !ok || got != y {
			t.Errorf("Tx.LoadedYear(2028) = %+v, %v, %v", got, ok, err)
		}
		if _, ok, err := tx.LoadedYear(2030); ok || err != nil {
			t.Errorf("Tx.LoadedYear(2030) = %v, %v", ok, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
