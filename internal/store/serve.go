package store

import (
	"context"
	"database/sql"
	"errors"

	"credit/internal/civil"
)

// UserKey is an SSH public key that identifies an operator to credit serve.
type UserKey struct {
	ID          int64  `json:"id"`
	User        string `json:"user"`
	Fingerprint string `json:"fingerprint"`
	PublicKey   string `json:"public_key"`
	Comment     string `json:"comment"`
	AddedAt     string `json:"added_at"`
	AddedBy     string `json:"added_by"`
	RemovedAt   string `json:"removed_at,omitempty"`
	RemovedBy   string `json:"removed_by,omitempty"`
}

// AddUserKey stores a key for user; the caller has checked the user exists
// and that no live key has this fingerprint.
func (t *Tx) AddUserKey(k UserKey) (int64, error) {
	res, err := t.ExecContext(t.ctx, `INSERT INTO user_keys(user, fingerprint, public_key, comment, added_at, added_by)
		VALUES (?,?,?,?,?,?)`, k.User, k.Fingerprint, k.PublicKey, k.Comment, t.At, t.Actor.Operator)
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}

// RemoveUserKey marks a live key removed (the row stays); ok is false when
// no live key has that id.
func (t *Tx) RemoveUserKey(id int64) (UserKey, bool, error) {
	k, ok, err := userKey(t.ctx, t.Tx, "id = ? AND removed_at = ''", id)
	if err != nil || !ok {
		return k, ok, err
	}
	_, err = t.ExecContext(t.ctx, "UPDATE user_keys SET removed_at = ?, removed_by = ? WHERE id = ?", t.At, t.Actor.Operator, id)
	return k, true, err
}

// LiveKeyByFingerprint is the live key with this fingerprint, if any.
func (s *Store) LiveKeyByFingerprint(ctx context.Context, fp string) (UserKey, bool, error) {
	return userKey(ctx, s.DB, "fingerprint = ? AND removed_at = ''", fp)
}

// LiveKeyByFingerprint inside a transaction.
func (t *Tx) LiveKeyByFingerprint(fp string) (UserKey, bool, error) {
	return userKey(t.ctx, t.Tx, "fingerprint = ? AND removed_at = ''", fp)
}

// UserKeys lists keys (removed ones too when all), by user then id.
func (s *Store) UserKeys(ctx context.Context, all bool) ([]UserKey, error) {
	q := "SELECT " + userKeyCols + " FROM user_keys"
	if !all {
		q += " WHERE removed_at = ''"
	}
	rows, err := s.reader(ctx).QueryContext(ctx, q+" ORDER BY user, id")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []UserKey{}
	for rows.Next() {
		var k UserKey
		if err := rows.Scan(&k.ID, &k.User, &k.Fingerprint, &k.PublicKey, &k.Comment, &k.AddedAt, &k.AddedBy, &k.RemovedAt, &k.RemovedBy); err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

const userKeyCols = "id, user, fingerprint, public_key, comment, added_at, added_by, removed_at, removed_by"

func userKey(ctx context.Context, q queryer, where string, args ...any) (UserKey, bool, error) {
	var k UserKey
	err := q.QueryRowContext(ctx, "SELECT "+userKeyCols+" FROM user_keys WHERE "+where, args...).
		Scan(&k.ID, &k.User, &k.Fingerprint, &k.PublicKey, &k.Comment, &k.AddedAt, &k.AddedBy, &k.RemovedAt, &k.RemovedBy)
	if errors.Is(err, sql.ErrNoRows) {
		return k, false, nil
	}
	return k, err == nil, err
}

// APIToken is a user unit's API token, as stored: its hash, never the token.
type APIToken struct {
	ID        int64  `json:"id"`
	Unit      string `json:"unit"`
	Hash      string `json:"-"`
	Expires   string `json:"expires"` // last valid day, '' = none
	Allow     string `json:"allow"`   // CIDRs, comma-separated, '' = any
	CreatedAt string `json:"created_at"`
	CreatedBy string `json:"created_by"`
	RevokedAt string `json:"revoked_at,omitempty"`
	RevokedBy string `json:"revoked_by,omitempty"`
	LastUsed  string `json:"last_used,omitempty"` // real time of the last logged answer
	LastVia   string `json:"last_via,omitempty"`
	Uses      int    `json:"uses"` // query-log entries made with it
}

// AddAPIToken stores a token's hash for unit.
func (t *Tx) AddAPIToken(k APIToken) (int64, error) {
	res, err := t.ExecContext(t.ctx, `INSERT INTO api_tokens(unit, hash, expires, allow, created_at, created_by) VALUES (?,?,?,?,?,?)`,
		k.Unit, k.Hash, k.Expires, k.Allow, t.At, t.Actor.Operator)
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}

// RevokeAPIToken marks a token revoked; ok is false when no token has that
// id. A token already revoked is returned unchanged.
func (t *Tx) RevokeAPIToken(id int64) (APIToken, bool, error) {
	k, ok, err := apiToken(t.ctx, t.Tx, "id = ?", id)
	if err != nil || !ok || k.RevokedAt != "" {
		return k, ok, err
	}
	_, err = t.ExecContext(t.ctx, "UPDATE api_tokens SET revoked_at = ?, revoked_by = ? WHERE id = ?", t.At, t.Actor.Operator, id)
	k.RevokedAt, k.RevokedBy = t.At, t.Actor.Operator
	return k, true, err
}

// APITokenByHash is the token with this hash, revoked or not.
func (s *Store) APITokenByHash(ctx context.Context, hash string) (APIToken, bool, error) {
	return recall(s, ctx, func(m *memo) map[string]APIToken { return m.tokens }, hash, same[APIToken],
		func() (APIToken, bool, error) { return apiToken(ctx, s.reader(ctx), "hash = ?", hash) })
}

// APITokens lists the tokens (of one unit, or all when unit is ”), with
// their last use from the query log.
func (s *Store) APITokens(ctx context.Context, unit string) ([]APIToken, error) {
	if err := s.SettleQueryLog(ctx); err != nil {
		return nil, err
	}
	rows, err := s.reader(ctx).QueryContext(ctx, `SELECT `+apiTokenCols+`,
		COALESCE((SELECT max(at) FROM query_log q WHERE q.token_id = k.id), ''),
		COALESCE((SELECT via FROM query_log q WHERE q.token_id = k.id ORDER BY q.id DESC LIMIT 1), ''),
		(SELECT count(*) FROM query_log q WHERE q.token_id = k.id)
		FROM api_tokens k WHERE ? = '' OR unit = ? ORDER BY unit, id`, unit, unit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []APIToken{}
	for rows.Next() {
		var k APIToken
		if err := rows.Scan(&k.ID, &k.Unit, &k.Hash, &k.Expires, &k.Allow, &k.CreatedAt, &k.CreatedBy, &k.RevokedAt, &k.RevokedBy,
			&k.LastUsed, &k.LastVia, &k.Uses); err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

const apiTokenCols = "id, unit, hash, expires, allow, created_at, created_by, revoked_at, revoked_by"

func apiToken(ctx context.Context, q queryer, where string, args ...any) (APIToken, bool, error) {
	var k APIToken
	err := q.QueryRowContext(ctx, "SELECT "+apiTokenCols+" FROM api_tokens WHERE "+where, args...).
		Scan(&k.ID, &k.Unit, &k.Hash, &k.Expires, &k.Allow, &k.CreatedAt, &k.CreatedBy, &k.RevokedAt, &k.RevokedBy)
	if errors.Is(err, sql.ErrNoRows) {
		return k, false, nil
	}
	return k, err == nil, err
}

// QueriesOfToken lists the query-log entries made with an API token, newest
// first.
func (s *Store) QueriesOfToken(ctx context.Context, tokenID int64) ([]QueryLogRow, error) {
	return s.queryLogRows(ctx, "token_id = ?", tokenID)
}

// CatalogIDOn is the id of the catalog version in force on day (as
// CatalogInForce chooses it) without reading its content: credit serve
// checks it on every request and re-reads the catalog only when it changed.
func (s *Store) CatalogIDOn(ctx context.Context, on civil.Date) (int64, bool, error) {
	return recall(s, ctx, func(m *memo) map[string]int64 { return m.catalogs }, on.String(), same[int64],
		func() (int64, bool, error) { return s.catalogIDOn(ctx, on) })
}

func (s *Store) catalogIDOn(ctx context.Context, on civil.Date) (int64, bool, error) {
	var id int64
	err := s.reader(ctx).QueryRowContext(ctx, "SELECT id FROM catalog_versions WHERE effective <= ? ORDER BY effective DESC, id DESC LIMIT 1", on.String()).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	return id, err == nil, err
}
