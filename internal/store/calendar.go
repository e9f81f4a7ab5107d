package store

import (
	"context"
	"database/sql"
	"errors"
)

// LoadedYear is one calendar year an administrator loaded with
// `credit calendar load`: its data in the single-year JSON form that
// workday.ParseYears reads, and who loaded it when.
type LoadedYear struct {
	Year        int    `json:"year"`
	Provisional bool   `json:"provisional"`
	Data        string `json:"data"`
	LoadedAt    string `json:"loaded_at"`
	LoadedBy    string `json:"loaded_by"`
}

const loadedYearColumns = "year, provisional, data, loaded_at, loaded_by"

func scanLoadedYear(sc interface{ Scan(...any) error }) (LoadedYear, error) {
	var y LoadedYear
	var prov int
	err := sc.Scan(&y.Year, &prov, &y.Data, &y.LoadedAt, &y.LoadedBy)
	y.Provisional = prov != 0
	return y, err
}

// LoadedYears lists the current (not superseded) loaded years, ascending.
func (s *Store) LoadedYears(ctx context.Context) ([]LoadedYear, error) {
	rows, err := s.DB.QueryContext(ctx, "SELECT "+loadedYearColumns+
		" FROM calendar_years WHERE superseded_at IS NULL ORDER BY year, id")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []LoadedYear
	for rows.Next() {
		y, err := scanLoadedYear(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, y)
	}
	return out, rows.Err()
}

// LoadedYear is the current loaded row for year; ok is false when none.
func (t *Tx) LoadedYear(year int) (LoadedYear, bool, error) {
	row := t.QueryRowContext(t.ctx, "SELECT "+loadedYearColumns+
		" FROM calendar_years WHERE year = ? AND superseded_at IS NULL ORDER BY id DESC LIMIT 1", year)
	y, err := scanLoadedYear(row)
	if errors.Is(err, sql.ErrNoRows) {
		return LoadedYear{}, false, nil
	}
	return y, err == nil, err
}

// PutCalendarYear makes data the current calendar of year: the previous
// current row, if any, is kept but marked superseded at this write's time.
func (t *Tx) PutCalendarYear(year int, provisional bool, data string) error {
	if _, err := t.ExecContext(t.ctx,
		"UPDATE calendar_years SET superseded_at = ? WHERE year = ? AND superseded_at IS NULL", t.At, year); err != nil {
		return err
	}
	prov := 0
	if provisional {
		prov = 1
	}
	_, err := t.ExecContext(t.ctx,
		"INSERT INTO calendar_years(year, provisional, data, loaded_at, loaded_by) VALUES (?, ?, ?, ?, ?)",
		year, prov, data, t.At, t.Actor.Operator)
	return err
}
