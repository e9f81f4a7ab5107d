package store

import (
	"context"
	"database/sql"
	"errors"
)

// MeasureVersion is one applied measures list (the table keeps its whole
// YAML text). ID 0 stands for the list built into the binary.
type MeasureVersion struct {
	ID          int64  `json:"id"`
	ContentHash string `json:"content_hash"`
	AppliedAt   string `json:"applied_at,omitempty"`
	AppliedBy   string `json:"applied_by,omitempty"`
}

const measureVersionCols = "id, content_hash, applied_at, applied_by"

func latestMeasures(ctx context.Context, q queryer) (MeasureVersion, []byte, bool, error) {
	var v MeasureVersion
	var content string
	err := q.QueryRowContext(ctx, "SELECT "+measureVersionCols+", content FROM measure_versions ORDER BY id DESC LIMIT 1").
		Scan(&v.ID, &v.ContentHash, &v.AppliedAt, &v.AppliedBy, &content)
	if errors.Is(err, sql.ErrNoRows) {
		return MeasureVersion{}, nil, false, nil
	}
	if err != nil {
		return MeasureVersion{}, nil, false, err
	}
	return v, []byte(content), true, nil
}

// LatestMeasures is the measures list applied last, with its text as
// applied (ok false when none was applied: the built-in list is in use).
func (s *Store) LatestMeasures(ctx context.Context) (MeasureVersion, []byte, bool, error) {
	return latestMeasures(ctx, s.DB)
}

// MeasureVersions lists every applied measures list, oldest first.
func (s *Store) MeasureVersions(ctx context.Context) ([]MeasureVersion, error) {
	rows, err := s.DB.QueryContext(ctx, "SELECT "+measureVersionCols+" FROM measure_versions ORDER BY id")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []MeasureVersion{}
	for rows.Next() {
		var v MeasureVersion
		if err := rows.Scan(&v.ID, &v.ContentHash, &v.AppliedAt, &v.AppliedBy); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// ApplyMeasures stores a validated measures list as the new version, with
// its text, unless the same text is already the latest (unchanged: nothing
// written). The caller validates the text and writes the audit entry.
func (t *Tx) ApplyMeasures(content []byte) (v MeasureVersion, unchanged bool, err error) {
	hash := ContentHash(content)
	last, _, ok, err := latestMeasures(t.ctx, t.Tx)
	if err != nil {
		return v, false, err
	}
	if ok && last.ContentHash == hash {
		return last, true, nil
	}
	r, err := t.ExecContext(t.ctx, "INSERT INTO measure_versions(content, content_hash, applied_at, applied_by) VALUES (?,?,?,?)",
		string(content), hash, t.At, t.Actor.Operator)
	if err != nil {
		return v, false, err
	}
	id, err := r.LastInsertId()
	if err != nil {
		return v, false, err
	}
	return MeasureVersion{ID: id, ContentHash: hash, AppliedAt: t.At, AppliedBy: t.Actor.Operator}, false, nil
}
