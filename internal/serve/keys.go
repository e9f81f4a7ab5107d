package serve

import (
	"strings"

	gossh "golang.org/x/crypto/ssh"

	"credit/internal/apperr"
)

// ParsedKey is an operator's SSH public key as credit keeps it.
type ParsedKey struct {
	Key         gossh.PublicKey
	Line        string // "TYPE BASE64", without the comment or options
	Comment     string
	Fingerprint string // SHA256:… as ssh-keygen -l shows it
}

// ParseKey reads one public key in authorized_keys form (the .pub file).
// Certificates and keys with options are refused: a key names exactly one
// operator and nothing else.
func ParseKey(text []byte) (ParsedKey, error) {
	lines := 0
	var first []byte
	for _, l := range strings.Split(string(text), "\n") {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		lines++
		if first == nil {
			first = []byte(l)
		}
	}
	if lines != 1 {
		return ParsedKey{}, apperr.Newf(apperr.Usage, "公钥文件应当只含一把 OpenSSH 公钥（id_ed25519.pub 那样的一行），这里有 %d 行",
			"the key file must hold exactly one OpenSSH public key (one line, like id_ed25519.pub); it has %d", lines)
	}
	key, comment, options, _, err := gossh.ParseAuthorizedKey(first)
	if err != nil {
		return ParsedKey{}, apperr.New(apperr.Usage, "无法读取公钥：应为 OpenSSH 格式（ssh-ed25519 AAAA… 注释），即 ssh-keygen 生成的 .pub 文件",
			"cannot read the public key: use OpenSSH form (ssh-ed25519 AAAA… comment), the .pub file ssh-keygen makes")
	}
	if len(options) > 0 {
		return ParsedKey{}, apperr.New(apperr.Usage, "公钥不能带 authorized_keys 选项（如 command=）：只给出公钥本身",
			"the key may not carry authorized_keys options (such as command=): give the bare key")
	}
	if _, ok := key.(*gossh.Certificate); ok {
		return ParsedKey{}, apperr.New(apperr.Usage, "不接受 SSH 证书：请给出操作员自己的公钥", "SSH certificates are not accepted: give the operator's own public key")
	}
	line := strings.TrimSpace(string(gossh.MarshalAuthorizedKey(key)))
	return ParsedKey{Key: key, Line: line, Comment: strings.TrimSpace(comment), Fingerprint: gossh.FingerprintSHA256(key)}, nil
}

func fingerprint(k gossh.PublicKey) string { return gossh.FingerprintSHA256(k) }
