package store

import (
	"context"
	"database/sql"
	"errors"

	"credit/internal/operator"
)

// User is an operator known to the store.
type User struct {
	Name      string        `json:"name"`
	Role      operator.Role `json:"role"`
	CreatedAt string        `json:"created_at"`
	CreatedBy string        `json:"created_by"`
	UpdatedAt string        `json:"updated_at"`
}

// UserRole is name's role; ok is false for an unknown user.
func (s *Store) UserRole(ctx context.Context, name string) (operator.Role, bool, error) {
	var r string
	err := s.DB.QueryRowContext(ctx, "SELECT role FROM users WHERE name = ?", name).Scan(&r)
	if errors.Is(err, sql.ErrNoRows) {
		return operator.None, false, nil
	}
	return operator.Role(r), err == nil, err
}

// Users lists the operators by name.
func (s *Store) Users(ctx context.Context) ([]User, error) {
	rows, err := s.DB.QueryContext(ctx, "SELECT name, role, created_at, created_by, updated_at FROM users ORDER BY name")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []User
	for rows.Next() {
		var u User
		if err := rows.Scan(&u.Name, &u.Role, &u.CreatedAt, &u.CreatedBy, &u.UpdatedAt); err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// CountUsers is the number of operators.
func (t *Tx) CountUsers() (int, error) {
	var n int
	err := t.QueryRowContext(t.ctx, "SELECT count(*) FROM users").Scan(&n)
	return n, err
}

// PutUser adds name with role, or changes an existing user's role. It returns
// the previous role (None when new).
func (t *Tx) PutUser(name string, role operator.Role) (operator.Role, error) {
	var prev string
	err := t.QueryRowContext(t.ctx, "SELECT role FROM users WHERE name = ?", name).Scan(&prev)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		_, err = t.ExecContext(t.ctx, "INSERT INTO users(name, role, created_at, created_by, updated_at) VALUES (?,?,?,?,?)",
			name, string(role), t.At, t.Actor.Operator, t.At)
		return operator.None, err
	case err != nil:
		return operator.None, err
	}
	_, err = t.ExecContext(t.ctx, "UPDATE users SET role = ?, updated_at = ? WHERE name = ?", string(role), t.At, name)
	return operator.Role(prev), err
}

// CountAdmins is the number of administrators.
func (t *Tx) CountAdmins() (int, error) {
	var n int
	err := t.QueryRowContext(t.ctx, "SELECT count(*) FROM users WHERE role = 'admin'").Scan(&n)
	return n, err
}
