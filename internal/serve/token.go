// Package serve owns credit's served office mode (issue 18): the HTTP JSON
// API that user units call (第二十条 嵌入式接口调用, 第二十四条), the SSH server
// that clerks log into, and the rules of their credentials: API tokens
// (hashed, expiring, revocable, limited to addresses) and operators' SSH
// public keys. The answers themselves come from the same services as the
// command line (internal/archive, internal/sanction).
package serve

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net/netip"
	"strings"

	"credit/internal/apperr"
	"credit/internal/civil"
	"credit/internal/store"
)

// TokenPrefix starts every API token, so a leaked one is recognisable in
// logs and secret scanners.
const TokenPrefix = "crd_"

// NewToken makes a token (shown once) and the hash that is stored.
func NewToken() (token, hash string, err error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", "", err
	}
	token = TokenPrefix + base64.RawURLEncoding.EncodeToString(b)
	return token, HashToken(token), nil
}

// HashToken is how a token is kept and looked up: hex SHA-256. A token is
// 256 random bits, so a fast hash is enough (no password stretching).
func HashToken(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// ParseAllow checks a --allow list of CIDRs (or single addresses),
// comma-separated, and returns it normalised (” = any address).
func ParseAllow(s string) (string, error) {
	var out []string
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		p, err := parsePrefix(part)
		if err != nil {
			return "", apperr.Newf(apperr.Usage, "--allow %q 无效：应为 CIDR（如 10.20.0.0/16）或单个 IP 地址，多个用逗号分隔",
				"--allow %q is not valid: use CIDRs (e.g. 10.20.0.0/16) or single IP addresses, comma-separated", part)
		}
		out = append(out, p.String())
	}
	return strings.Join(out, ","), nil
}

func parsePrefix(s string) (netip.Prefix, error) {
	if !strings.Contains(s, "/") {
		a, err := netip.ParseAddr(s)
		if err != nil {
			return netip.Prefix{}, err
		}
		return netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()), nil
	}
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return p, err
	}
	return netip.PrefixFrom(p.Addr().Unmap(), p.Bits()).Masked(), nil
}

// AllowedFrom reports whether addr may use a token with allow list allow.
func AllowedFrom(allow string, addr netip.Addr) bool {
	if allow == "" {
		return true
	}
	addr = addr.Unmap()
	for _, part := range strings.Split(allow, ",") {
		if p, err := parsePrefix(part); err == nil && p.Contains(addr) {
			return true
		}
	}
	return false
}

// TokenState is why a token may or may not be used on a day.
type TokenState string

const (
	TokenValid   TokenState = "valid"
	TokenRevoked TokenState = "revoked"
	TokenExpired TokenState = "expired"
)

// StateOf is a token's state on day: revoked, expired (the day after its
// last valid day) or valid.
func StateOf(k store.APIToken, day civil.Date) TokenState {
	switch {
	case k.RevokedAt != "":
		return TokenRevoked
	case k.Expires != "" && k.Expires < day.String():
		return TokenExpired
	}
	return TokenValid
}
