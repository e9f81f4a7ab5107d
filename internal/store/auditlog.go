package store

import (
	"context"
	"credit/internal/diskfault"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"credit/internal/apperr"
	"credit/internal/audit"
	"credit/internal/seal"
)

// AuditFilter selects audit entries; empty fields select everything.
type AuditFilter struct {
	Object   string // exact, or a prefix ending in ':' / '*'
	Operator string
	Action   string // prefix
	From, To string // bounds on the real time: RFC 3339 UTC prefixes, From inclusive, To exclusive
	Limit    int
}

// AuditLog lists entries, newest first.
func (s *Store) AuditLog(ctx context.Context, f AuditFilter) ([]audit.Entry, error) {
	var where []string
	var args []any
	if f.Object != "" {
		if p, ok := strings.CutSuffix(f.Object, "*"); ok {
			where, args = append(where, "object LIKE ? ESCAPE '\\'"), append(args, likePrefix(p))
		} else {
			where, args = append(where, "object = ?"), append(args, f.Object)
		}
	}
	if f.Operator != "" {
		where, args = append(where, "(operator = ? OR acting_by = ?)"), append(args, f.Operator, f.Operator)
	}
	if f.Action != "" {
		where, args = append(where, "action LIKE ? ESCAPE '\\'"), append(args, likePrefix(f.Action))
	}
	if f.From != "" {
		where, args = append(where, "at >= ?"), append(args, f.From)
	}
	if f.To != "" {
		where, args = append(where, "at < ?"), append(args, f.To)
	}
	q := "SELECT seq, at, today, operator, acting_by, action, object, details, prev, hash FROM audit_log"
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY seq DESC"
	if f.Limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", f.Limit)
	}
	rows, err := s.DB.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []audit.Entry
	for rows.Next() {
		var e audit.Entry
		if err := rows.Scan(&e.Seq, &e.At, &e.Today, &e.Operator, &e.ActingBy, &e.Action, &e.Object, &e.Details, &e.Prev, &e.Hash); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

func likePrefix(p string) string {
	return strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(p) + "%"
}

// VerifyAudit checks the whole chain (and the anchor, when given) and returns
// the head.
func (s *Store) VerifyAudit(ctx context.Context, anchor *audit.Anchor) (audit.Anchor, int64, error) {
	rows, err := s.DB.QueryContext(ctx, "SELECT seq, at, today, operator, acting_by, action, object, details, prev, hash FROM audit_log ORDER BY seq")
	if err != nil {
		return audit.Anchor{}, 0, err
	}
	defer rows.Close()
	v := audit.NewVerifier(anchor)
	sealedWith, err := s.SealKeyID(ctx)
	if err != nil {
		return audit.Anchor{}, 0, err
	}
	if s.key != nil {
		// With the office key, a chain without its keyed part is a chain cut
		// and rewritten, whatever meta says now.
		v.WithKey(s.key, true)
	} else if sealedWith != "" {
		v.WithKey(nil, true)
	}
	for rows.Next() {
		var e audit.Entry
		if err := rows.Scan(&e.Seq, &e.At, &e.Today, &e.Operator, &e.ActingBy, &e.Action, &e.Object, &e.Details, &e.Prev, &e.Hash); err != nil {
			return v.Head, v.Count(), err
		}
		if err := v.Add(e); err != nil {
			return v.Head, v.Count(), err
		}
	}
	if err := rows.Err(); err != nil {
		return v.Head, v.Count(), err
	}
	return v.Head, v.Count(), v.Finish()
}

// AuditHead is the last entry's sequence and hash.
func (s *Store) AuditHead(ctx context.Context) (audit.Anchor, error) {
	var a audit.Anchor
	err := s.DB.QueryRowContext(ctx, "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").Scan(&a.Seq, &a.Hash)
	if err != nil && !strings.Contains(err.Error(), "no rows") {
		return a, err
	}
	return a, nil
}

// IntegrityCheck runs SQLite's integrity check; a damaged file is exit 6.
func (s *Store) IntegrityCheck(ctx context.Context) error {
	rows, err := s.DB.QueryContext(ctx, "PRAGMA integrity_check")
	if err != nil {
		return apperr.Wrap(err, apperr.Integrity, "完整性检查无法运行（文件损坏？）", "the integrity check could not run (damaged file?)")
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return err
		}
		if line != "ok" {
			problems = append(problems, line)
		}
	}
	if len(problems) > 0 {
		if len(problems) > 5 {
			problems = problems[:5]
		}
		return apperr.Newf(apperr.Integrity, "数据库文件损坏：%s", "the store file is damaged: %s", strings.Join(problems, "; "))
	}
	return rows.Err()
}

// Backup writes a consistent copy of the live store to path with VACUUM
// INTO, which reads one snapshot while other processes keep reading and
// writing. The copy appears whole or not at all (temporary file + rename).
func (s *Store) Backup(ctx context.Context, path string) error {
	abs, err := filepath.Abs(path)
	if err != nil {
		return err
	}
	if abs == s.Path {
		return apperr.New(apperr.Usage, "备份文件不能是数据库本身", "the backup cannot be the store itself")
	}
	if _, err := os.Stat(abs); err == nil {
		return apperr.Newf(apperr.Usage, "%s 已存在：备份不会覆盖已有文件，请换一个文件名", "%s exists: a backup never overwrites a file; choose another name", abs)
	}
	tmp := abs + ".partial"
	// A backup holds every query-log entry answered until now.
	if err := s.SettleQueryLog(ctx); err != nil {
		return err
	}
	os.Remove(tmp)
	_, err = s.DB.ExecContext(ctx, "VACUUM INTO ?", tmp)
	if err == nil {
		err = diskfault.Check(tmp)
	}
	if err != nil {
		os.Remove(tmp)
		if IsDiskFull(err) {
			return apperr.Wrap(err, apperr.Internal, "磁盘空间不足：备份未写出 "+abs+"（未留下部分文件）；数据库未改变，腾出空间后重试",
				"disk full: the backup "+abs+" was not written (no partial file left); the store is unchanged, free some space and try again")
		}
		return apperr.Wrap(err, apperr.Internal, "备份失败："+abs, "backup failed: "+abs)
	}
	os.Chmod(tmp, 0o660)
	if err := os.Rename(tmp, abs); err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}

// VerifyFile checks a store file (a backup) without changing it: SQLite
// integrity, schema, the audit chain and, for a sealed store, its seals
// (key is the office key; a backup made before the store was sealed needs
// none). The report lists the seal findings.
func VerifyFile(ctx context.Context, path string, anchor *audit.Anchor, key *seal.Key) (audit.Anchor, int64, *SealReport, error) {
	if _, err := os.Stat(path); err != nil {
		return audit.Anchor{}, 0, nil, apperr.Newf(apperr.Usage, "找不到文件 %s", "no file %s", path)
	}
	s, err := Open(ctx, path, Options{ReadOnly: true})
	if err != nil {
		var ae *apperr.Error
		if errors.As(err, &ae) {
			ae.Code = apperr.Integrity
		}
		return audit.Anchor{}, 0, nil, err
	}
	defer s.Close()
	if err := s.IntegrityCheck(ctx); err != nil {
		return audit.Anchor{}, 0, nil, err
	}
	if v, err := s.Version(ctx); err != nil || v == 0 {
		return audit.Anchor{}, 0, nil, apperr.Newf(apperr.Integrity, "%s 不是 credit 数据库", "%s is not a credit store", path)
	}
	sealedWith, err := s.SealKeyID(ctx)
	if err != nil {
		return audit.Anchor{}, 0, nil, err
	}
	if sealedWith != "" {
		if key == nil {
			return audit.Anchor{}, 0, nil, errNoKeyForVerify(path)
		}
		if err := s.UseKey(ctx, key); err != nil {
			return audit.Anchor{}, 0, nil, err
		}
	}
	head, n, err := s.VerifyAudit(ctx, anchor)
	if err != nil || sealedWith == "" {
		return head, n, nil, err
	}
	rep, err := s.VerifySeals(ctx)
	return head, n, &rep, err
}
