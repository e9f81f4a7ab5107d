package serve

import (
	"crypto/tls"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"time"

	"github.com/goccy/go-yaml"

	"credit/internal/apperr"
)

// Config is credit serve's configuration: a YAML file (--config) whose keys
// docs/serve.md documents one by one; flags given on the command line win.
type Config struct {
	DB              string   `yaml:"db"`               // the store (as --db / CREDIT_DB)
	HTTP            string   `yaml:"http"`             // API listen address, e.g. :8080; '' = no API
	SSH             string   `yaml:"ssh"`              // SSH listen address, e.g. :2222; '' = no SSH
	TLSCert         string   `yaml:"tls_cert"`         // PEM certificate (chain); with tls_key: HTTPS
	TLSKey          string   `yaml:"tls_key"`          // PEM private key
	HostKey         string   `yaml:"host_key"`         // SSH host key; made on first start
	Rate            float64  `yaml:"rate"`             // per-token requests a second (10)
	Burst           int      `yaml:"burst"`            // per-token burst (50)
	BodyLimit       int64    `yaml:"body_limit"`       // request body limit in bytes (1048576)
	RequestTimeout  Duration `yaml:"request_timeout"`  // one API request's work (30s)
	ShutdownTimeout Duration `yaml:"shutdown_timeout"` // how long shutdown waits for running work (30s)
	TrustedProxies  string   `yaml:"trusted_proxies"`  // reverse proxies whose X-Forwarded-For is believed (CIDRs)
}

// Duration is a time.Duration written as "30s", "2m".
type Duration time.Duration

// UnmarshalYAML reads "30s".
func (d *Duration) UnmarshalYAML(b []byte) error {
	var s string
	if err := yaml.Unmarshal(b, &s); err != nil {
		return err
	}
	v, err := time.ParseDuration(s)
	if err != nil || v <= 0 {
		return fmt.Errorf("%q is not a duration such as 30s or 2m", s)
	}
	*d = Duration(v)
	return nil
}

// LoadConfig reads a config file; an unknown key or a wrong type is an
// error naming the file and the line.
func LoadConfig(path string) (Config, error) {
	var c Config
	b, err := os.ReadFile(path)
	if err != nil {
		return c, apperr.Wrap(err, apperr.Usage, "无法读取配置文件 "+path, "cannot read the config file "+path)
	}
	if err := yaml.UnmarshalWithOptions(b, &c, yaml.Strict()); err != nil {
		return c, apperr.Newf(apperr.Usage, "配置文件 %s 有误：%s（可用的键见 docs/serve.md）", "config file %s: %s (docs/serve.md lists the keys)",
			path, yaml.FormatError(err, false, true))
	}
	return c, nil
}

// Defaults fills what was left out.
func (c *Config) Defaults(dbPath string) {
	if c.Rate == 0 {
		c.Rate = 10
	}
	if c.Burst == 0 {
		c.Burst = 50
	}
	if c.BodyLimit == 0 {
		c.BodyLimit = 1 << 20
	}
	if c.RequestTimeout == 0 {
		c.RequestTimeout = Duration(30 * time.Second)
	}
	if c.ShutdownTimeout == 0 {
		c.ShutdownTimeout = Duration(30 * time.Second)
	}
	if c.HostKey == "" && dbPath != "" {
		c.HostKey = dbPath + ".ssh_host_ed25519"
	}
}

// Check validates the configuration without starting anything: listen
// addresses, TLS files, the host key's place, limits.
func (c *Config) Check() error {
	if c.HTTP == "" && c.SSH == "" {
		return apperr.New(apperr.Usage, "没有要监听的地址：请给出 --http 或 --ssh（或配置文件中的 http、ssh）", "nothing to listen on: give --http or --ssh (http, ssh in the config file)")
	}
	for name, addr := range map[string]string{"http": c.HTTP, "ssh": c.SSH} {
		if addr == "" {
			continue
		}
		if _, _, err := net.SplitHostPort(addr); err != nil {
			return apperr.Newf(apperr.Usage, "%s 地址 %q 无效：应为 主机:端口 或 :端口（如 :8080）", "%s address %q is not valid: use host:port or :port (e.g. :8080)", name, addr)
		}
	}
	if (c.TLSCert == "") != (c.TLSKey == "") {
		return apperr.New(apperr.Usage, "tls_cert 和 tls_key 要同时给出（都不给则为 HTTP，见 docs/serve.md 的反向代理一节）",
			"give tls_cert and tls_key together (neither: plain HTTP, see the reverse proxy section of docs/serve.md)")
	}
	if c.TLSCert != "" {
		if _, err := tls.LoadX509KeyPair(c.TLSCert, c.TLSKey); err != nil {
			return apperr.Newf(apperr.Usage, "无法读取 TLS 证书或私钥（%s、%s）：%v", "cannot load the TLS certificate or key (%s, %s): %v", c.TLSCert, c.TLSKey, err)
		}
	}
	if c.SSH != "" {
		if _, err := os.Stat(c.HostKey); err != nil {
			dir := filepath.Dir(c.HostKey)
			if st, derr := os.Stat(dir); derr != nil || !st.IsDir() {
				return apperr.Newf(apperr.Usage, "SSH 主机密钥 %s 不存在，目录 %s 也不存在：无法在首次启动时创建", "the SSH host key %s does not exist and neither does its folder %s", c.HostKey, dir)
			}
		}
	}
	if c.Rate <= 0 || c.Burst <= 0 || c.BodyLimit <= 0 {
		return apperr.New(apperr.Usage, "rate、burst、body_limit 必须大于 0", "rate, burst and body_limit must be greater than 0")
	}
	if c.TrustedProxies != "" {
		if _, err := ParseAllow(c.TrustedProxies); err != nil {
			return apperr.Newf(apperr.Usage, "trusted_proxies %q 无效：应为逗号分隔的 CIDR", "trusted_proxies %q is not valid: use comma-separated CIDRs", c.TrustedProxies)
		}
	}
	return nil
}
