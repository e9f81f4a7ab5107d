// Package seal owns the office key and the seals made with it (第三十六条,
// 第三十七条): a secret kept in a file beside the store, never inside it,
// that keys the audit chain (HMAC) and seals every row of the tables holding
// credit data, decisions and identities. Whoever can change the store file but
// does not hold the key (a copied or restored file, the sqlite3 shell) cannot
// make a seal that verifies. The package has no SQL: internal/store applies
// the seals, docs/architecture.md says how.
package seal

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"math"
	"os"
	"strings"
	"sync"

	"credit/internal/apperr"
)

// MACSize is the length of a row seal: 128 bits of HMAC-SHA256.
const MACSize = 16

// Key is the office key.
type Key struct {
	secret []byte
	// ID names the key without revealing it (the first 16 hex digits of
	// SHA-256 over a label and the key). Triggers carry it, so the SQL
	// functions find the key of the store that fires them.
	ID   string
	pool sync.Pool
}

const fileHeader = "credit-office-key v1\n"

// DefaultPath is where the key of the store at dbPath lives: beside it.
func DefaultPath(dbPath string) string { return dbPath + ".key" }

func newKey(secret []byte) *Key {
	sum := sha256.Sum256(append([]byte("credit office key id\x00"), secret...))
	k := &Key{secret: secret, ID: hex.EncodeToString(sum[:8])}
	k.pool.New = func() any { return hmac.New(sha256.New, k.secret) }
	return k
}

// FromBytes makes a key from 32 secret bytes (tests).
func FromBytes(secret []byte) *Key { return newKey(append([]byte(nil), secret...)) }

// Create writes a new random key to path with the given mode (0600 for a
// served store, 0640 for a store several local accounts share). It never
// overwrites a file.
func Create(path string, mode os.FileMode) (*Key, error) {
	secret := make([]byte, 32)
	if _, err := rand.Read(secret); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, mode)
	if err != nil {
		return nil, apperr.Wrap(err, apperr.Internal, "无法创建办公室密钥文件 "+path, "cannot create the office key file "+path)
	}
	_, err = f.WriteString(fileHeader + hex.EncodeToString(secret) + "\n")
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(path, mode) // whatever the umask
	}
	if err != nil {
		os.Remove(path)
		return nil, apperr.Wrap(err, apperr.Internal, "无法写入办公室密钥文件 "+path, "cannot write the office key file "+path)
	}
	return newKey(secret), nil
}

// ErrNoKey is returned by Load when the file does not exist.
var ErrNoKey = errors.New("no office key file")

// Load reads the key at path. A file others can read (world bits) is
// refused: anyone who reads it can forge seals.
func Load(path string) (*Key, error) {
	fi, err := os.Stat(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%w: %s", ErrNoKey, path)
	}
	if err != nil {
		return nil, apperr.Wrap(err, apperr.Internal, "无法读取办公室密钥文件 "+path, "cannot read the office key file "+path)
	}
	if fi.Mode().Perm()&0o007 != 0 {
		return nil, apperr.Newf(apperr.Internal,
			"办公室密钥文件 %s 的权限 %04o 过宽（其他用户可读写）：请执行 chmod 600（或多人共用本地库时 chmod 640）后重试",
			"the office key file %s has mode %04o, open to other users: chmod 600 it (or 640 for a store several local accounts share) and try again",
			path, fi.Mode().Perm())
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, apperr.Wrap(err, apperr.Internal,
			"无法读取办公室密钥文件 "+path+"（权限不足？本地共用库的操作员须在数据库所属的组内，见 docs/guide.md）",
			"cannot read the office key file "+path+" (permission? operators of a shared local store must be in its group; see docs/guide.md)")
	}
	body, ok := strings.CutPrefix(string(b), fileHeader)
	secret, herr := hex.DecodeString(strings.TrimSpace(body))
	if !ok || herr != nil || len(secret) != 32 {
		return nil, apperr.Newf(apperr.Internal, "%s 不是 credit 办公室密钥文件（格式不符）", "%s is not a credit office key file (wrong format)", path)
	}
	return newKey(secret), nil
}

func (k *Key) mac(build func(h hash.Hash)) []byte {
	h := k.pool.Get().(hash.Hash)
	h.Reset()
	build(h)
	out := h.Sum(nil)
	k.pool.Put(h)
	return out
}

// Sum is HMAC-SHA256 over data (the audit chain's keyed hash).
func (k *Key) Sum(data []byte) []byte {
	return k.mac(func(h hash.Hash) { h.Write(data) })
}

// Row seals one row: the table, its rowid and its column values in table
// order, each typed and length-prefixed so that no two different rows share
// an input. Values are as SQLite gives them: int64, float64, string, []byte
// or nil. The input is gathered in one buffer and hashed with one Write.
func (k *Key) Row(table string, rowid int64, vals []any) ([]byte, error) {
	bp := bufPool.Get().(*[]byte)
	b := appendStr((*bp)[:0], 'T', table)
	b = appendInt(b, 'r', rowid)
	var err error
	for _, v := range vals {
		switch x := v.(type) {
		case nil:
			b = append(b, 'n')
		case int64:
			b = appendInt(b, 'i', x)
		case float64:
			b = appendInt(b, 'f', int64(math.Float64bits(x)))
		case string:
			b = appendStr(b, 's', x)
		case []byte:
			b = appendStr(b, 'b', string(x))
		case bool: // the driver never gives one; kept total
			b = appendInt(b, 'i', map[bool]int64{true: 1}[x])
		default:
			err = fmt.Errorf("seal: unexpected value of type %T in %s row %d", v, table, rowid)
		}
	}
	out := k.mac(func(h hash.Hash) { h.Write(b) })
	*bp = b
	bufPool.Put(bp)
	return out[:MACSize], err
}

var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

func appendInt(b []byte, tag byte, v int64) []byte {
	b = append(b, tag)
	return binary.BigEndian.AppendUint64(b, uint64(v))
}

func appendStr(b []byte, tag byte, s string) []byte {
	b = append(b, tag)
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// Link seals a row's place in its table's chain: the row before it (0 for
// the first; the head row 0 names the last). A row removed with its seal
// leaves its successor's link pointing at it.
func (k *Key) Link(table string, rowid, prev int64) []byte {
	out := k.mac(func(h hash.Hash) {
		var buf [9]byte
		writeStr(h, 'L', table)
		writeInt(h, buf[:], 'r', rowid)
		writeInt(h, buf[:], 'p', prev)
	})
	return out[:MACSize]
}

func writeInt(h hash.Hash, buf []byte, tag byte, v int64) {
	buf[0] = tag
	binary.BigEndian.PutUint64(buf[1:9], uint64(v))
	h.Write(buf[:9])
}

func writeStr(h hash.Hash, tag byte, s string) {
	var p [1 + binary.MaxVarintLen64]byte
	p[0] = tag
	n := binary.PutUvarint(p[1:], uint64(len(s)))
	h.Write(p[:1+n])
	h.Write([]byte(s))
}
