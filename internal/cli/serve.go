package cli

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"credit/internal/apperr"
	"credit/internal/clock"
	"credit/internal/serve"
	"credit/internal/store"
	"credit/internal/tui"
)

func init() { register(newServeCmd) }

func newServeCmd(app *App) *cobra.Command {
	var cfgPath string
	var check bool
	var fl serve.Config
	var rate float64
	var burst int
	c := &cobra.Command{
		Use:   "serve [--config FILE] [--http ADDR] [--ssh ADDR] [--check]",
		Short: "办公室服务模式：柜员经 SSH、信息使用单位经 HTTP 接口使用同一个数据库 / serve clerks over SSH and units over an HTTP API",
		Long: `一个 credit serve 进程独占数据库，同时提供：
  SSH（--ssh）：经办人员用自己的密钥登录（管理员用 credit user key add 登记），ssh -p 2222 办公室主机 打开终端界面，
    ssh -p 2222 办公室主机 subject show CODE --format json 运行一条命令，输出和退出码与本地相同；操作员即密钥所属的操作员，
    每一步都以“via ssh from 地址”记入审计日志和查询记录。--db、--as、-o 等会离开本人身份或触及服务器文件的参数不能经 SSH 使用。
  HTTP 接口（--http，第二十条 嵌入式接口调用）：信息使用单位持令牌（credit unit token add）查询政府共享范围的档案、查找、
    批量信用审查；每个应答都记入查询记录。接口说明见 GET /api/v1/openapi.json 和 docs/serve.md。
没有 --tls-cert/--tls-key 时为明文 HTTP（放在反向代理之后）。收到 SIGTERM/SIGINT 时停止接收新请求，等进行中的请求完成，
通知各 SSH 会话，最后把 WAL 并入数据库文件。--check 只检查配置和数据库，然后退出。

One process owns the store and serves clerks over SSH (public keys only; the key's operator acts,
audited "via ssh from ADDR") and user units over an HTTP JSON API (Bearer tokens, shared scope,
every answer logged). Flags win over the config file. SIGTERM/SIGINT shut down gracefully.`,
		Example: example(
			"credit serve --http :8080 --ssh :2222",
			"credit serve --config /etc/credit/serve.yaml --check   # 只检查配置 / validate and exit",
			"credit serve --config /etc/credit/serve.yaml --tls-cert cert.pem --tls-key key.pem",
		),
		Args: noArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if app.Via != "" {
				return apperr.New(apperr.Usage, "不能经 SSH 启动 credit serve", "credit serve cannot be started over SSH")
			}
			if app.Clock().IsFixed() {
				// Units see what is valid today (第三十条): a server answers
				// on the real date only.
				return apperr.New(apperr.Usage, "credit serve 只按真实的今天应答，不接受 --today / CREDIT_TODAY",
					"credit serve answers on the real date only; --today / CREDIT_TODAY is not accepted")
			}
			cfg := serve.Config{}
			if cfgPath != "" {
				var err error
				if cfg, err = serve.LoadConfig(cfgPath); err != nil {
					return err
				}
			}
			overlay(c.Flags(), &cfg, fl, rate, burst)
			if cfg.DB != "" && app.DBPath == "" {
				app.DBPath = cfg.DB
			}
			cfg.Defaults(app.DefaultDBPath())
			if err := cfg.Check(); err != nil {
				return err
			}
			app.mmap = serveMMap
			st, err := app.Store()
			if err != nil {
				return err
			}
			if check {
				app.Println(app.T("配置有效：", "configuration valid: ") + describeServe(app, cfg, st.Path))
				return nil
			}
			return runServe(app, cfg)
		},
	}
	f := c.Flags()
	f.StringVar(&cfgPath, "config", "", "配置文件（YAML，键见 docs/serve.md）/ config file")
	f.BoolVar(&check, "check", false, "只检查配置和数据库，然后退出 / validate the configuration and exit")
	f.StringVar(&fl.HTTP, "http", "", "HTTP 接口监听地址，如 :8080 / API listen address")
	f.StringVar(&fl.SSH, "ssh", "", "SSH 监听地址，如 :2222 / SSH listen address")
	f.StringVar(&fl.TLSCert, "tls-cert", "", "TLS 证书（PEM）；不给则为明文 HTTP / TLS certificate")
	f.StringVar(&fl.TLSKey, "tls-key", "", "TLS 私钥（PEM）/ TLS private key")
	f.StringVar(&fl.HostKey, "host-key", "", "SSH 主机密钥文件，首次启动时生成（默认 数据库路径.ssh_host_ed25519）/ SSH host key, created on first start")
	f.Float64Var(&rate, "rate", 0, "每个令牌每秒请求数（默认 10）/ requests a second per token")
	f.IntVar(&burst, "burst", 0, "每个令牌可连续请求数（默认 50）/ burst per token")
	f.Int64Var(&fl.BodyLimit, "body-limit", 0, "请求体上限（字节，默认 1048576）/ request body limit in bytes")
	f.StringVar(&fl.TrustedProxies, "trusted-proxies", "", "可信反向代理（CIDR，逗号分隔），只采信它们的 X-Forwarded-For / reverse proxies whose X-Forwarded-For is believed")
	return c
}

// overlay puts the flags given on the command line over the config file.
func overlay(fs *pflag.FlagSet, cfg *serve.Config, fl serve.Config, rate float64, burst int) {
	set := func(name string, dst *string, v string) {
		if fs.Changed(name) {
			*dst = v
		}
	}
	set("http", &cfg.HTTP, fl.HTTP)
	set("ssh", &cfg.SSH, fl.SSH)
	set("tls-cert", &cfg.TLSCert, fl.TLSCert)
	set("tls-key", &cfg.TLSKey, fl.TLSKey)
	set("host-key", &cfg.HostKey, fl.HostKey)
	set("trusted-proxies", &cfg.TrustedProxies, fl.TrustedProxies)
	if fs.Changed("rate") {
		cfg.Rate = rate
	}
	if fs.Changed("burst") {
		cfg.Burst = burst
	}
	if fs.Changed("body-limit") {
		cfg.BodyLimit = fl.BodyLimit
	}
}

func describeServe(app *App, cfg serve.Config, db string) string {
	var parts []string
	parts = append(parts, app.T("数据库 ", "store ")+db)
	if cfg.HTTP != "" {
		scheme := "http"
		if cfg.TLSCert != "" {
			scheme = "https"
		}
		parts = append(parts, scheme+" "+cfg.HTTP)
	}
	if cfg.SSH != "" {
		parts = append(parts, "ssh "+cfg.SSH+app.T("（主机密钥 ", " (host key ")+cfg.HostKey+app.T("）", ")"))
	}
	parts = append(parts, fmt.Sprintf(app.T("每令牌 %g 次/秒、连续 %d 次", "%g req/s per token, burst %d"), cfg.Rate, cfg.Burst))
	return strings.Join(parts, app.T("；", "; "))
}

// serveClock is the server's clock: the real one (--today is refused). A
// variable only so that tests can pin the date their fixtures were written for.
var serveClock = func(app *App) clock.Clock { return app.Clock() }

// serveMMap is the served store's memory map (1 GiB): with many readers and
// a commit per group of answers, mapped pages spare each reader re-reading
// what another commit invalidated (docs/serve.md, 性能).
const serveMMap = 1 << 30

// runServe starts the listeners and serves until the context ends or a
// SIGTERM/SIGINT arrives.
func runServe(app *App, cfg serve.Config) error {
	st := app.store
	// A process killed while applying a published batch's revisions left
	// the rest pending: finish the apply before serving (it changes nothing
	// readers see; see internal/store/pending.go).
	if err := st.Drain(app.Ctx(), store.Actor{Operator: "serve", Today: app.Today(), Now: app.Clock().Now}); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(app.Ctx(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var logMu sync.Mutex
	logf := func(format string, args ...any) {
		logMu.Lock()
		defer logMu.Unlock()
		fmt.Fprintf(app.Err, time.Now().UTC().Format(time.RFC3339)+" "+format+"\n", args...)
	}
	// A served store is read by many requests at once: keep its readers'
	// connections (and their page caches) open instead of reopening one per
	// request, and commit the query-log entries of simultaneous answers
	// together, most groups in the journal beside the store so that the
	// store's readers are not made to start cold by every group's commit
	// (store.JournalQueryLog: each entry still durable before its answer).
	st.DB.SetMaxOpenConns(serveConns)
	st.DB.SetMaxIdleConns(serveConns)
	// Compile each statement of the lookup path once per connection, not on
	// every request (store.HoldStatements; docs/performance.md).
	st.HoldStatements()
	// A served process's heap is small and churns with every answer (rows,
	// JSON): at Go's default GOGC=100 the collector runs every few hundred
	// lookups and hands pages back that are then faulted in again. 400
	// trades a few times a small heap (tens of MB) for about a sixth less
	// CPU per lookup (docs/performance.md). GOGC in the environment wins.
	if os.Getenv("GOGC") == "" {
		defer debug.SetGCPercent(debug.SetGCPercent(serveGCPercent))
	}
	stopGroup, err := st.JournalQueryLog(ctx, func(err error) {
		logf("%s", apperr.MessageOf(err, app.Lang))
	})
	if err != nil {
		return err
	}
	defer stopGroup()
	errc := make(chan error, 2)
	var httpSrv *http.Server
	if cfg.HTTP != "" {
		api := &serve.API{Store: st, Clock: serveClock(app), Rate: cfg.Rate, Burst: cfg.Burst, BodyLimit: cfg.BodyLimit,
			Timeout: time.Duration(cfg.RequestTimeout), TrustedProxies: cfg.TrustedProxies, Log: &lineWriter{logf: logf}}
		// A client that sends its request slowly (slowloris) holds only its
		// own connection, and only for header_timeout; the body must arrive
		// within ReadTimeout.
		httpSrv = &http.Server{Handler: api.Handler(), ReadHeaderTimeout: time.Duration(cfg.HeaderTimeout), ReadTimeout: 30 * time.Second, ConnState: serveConnState,
			WriteTimeout: time.Duration(cfg.RequestTimeout) + 10*time.Second, IdleTimeout: 120 * time.Second, MaxHeaderBytes: 64 << 10,
			BaseContext: func(net.Listener) context.Context { return context.WithoutCancel(ctx) }}
		ln, err := net.Listen("tcp", cfg.HTTP)
		if err != nil {
			return apperr.Wrap(err, apperr.Internal, "无法监听 HTTP 地址 "+cfg.HTTP, "cannot listen on the HTTP address "+cfg.HTTP)
		}
		scheme := "http"
		if cfg.TLSCert != "" {
			cert, err := tls.LoadX509KeyPair(cfg.TLSCert, cfg.TLSKey)
			if err != nil {
				ln.Close()
				return apperr.Wrap(err, apperr.Usage, "无法读取 TLS 证书或私钥", "cannot load the TLS certificate or key")
			}
			httpSrv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
			ln = tls.NewListener(ln, httpSrv.TLSConfig)
			scheme = "https"
		}
		logf("%s %s %s", scheme, app.T("正在监听", "listening on"), ln.Addr())
		go func() {
			if err := httpSrv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				errc <- err
			}
		}()
	}
	var sshSrv *serve.SSH
	if cfg.SSH != "" {
		sshSrv = &serve.SSH{Store: st, HostKey: cfg.HostKey, Log: logf,
			RunCLI: func(ctx context.Context, c serve.Clerk, args, env []string, pty bool, in io.Reader, out, errw io.Writer) int {
				return Main(args, servedIO(app, c, env, pty, ctx, in, out, errw))
			},
			TUI: func(ctx context.Context, c serve.Clerk, env []string) (tea.Model, func(), error) {
				io := servedIO(app, c, env, true, ctx, nil, io.Discard, io.Discard)
				sub := &App{IO: io, ctx: ctx}
				if err := sub.setup(); err != nil {
					return nil, nil, err
				}
				svc, err := tuiServices(sub)
				if err != nil {
					sub.close()
					return nil, nil, errors.New(apperr.MessageOf(err, sub.Lang))
				}
				return tui.New(svc, tui.Options{Color: envOf(env, "NO_COLOR") == "", Animate: true}), sub.close, nil
			},
		}
		srv, err := sshSrv.Server()
		if err != nil {
			return apperr.Wrap(err, apperr.Internal, "无法启动 SSH 服务（主机密钥 "+cfg.HostKey+"）", "cannot start the SSH server (host key "+cfg.HostKey+")")
		}
		ln, err := net.Listen("tcp", cfg.SSH)
		if err != nil {
			return apperr.Wrap(err, apperr.Internal, "无法监听 SSH 地址 "+cfg.SSH, "cannot listen on the SSH address "+cfg.SSH)
		}
		logf("ssh %s %s", app.T("正在监听", "listening on"), ln.Addr())
		go func() {
			if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) && ctx.Err() == nil {
				errc <- err
			}
		}()
	}
	var runErr error
	select {
	case <-ctx.Done():
	case runErr = <-errc:
	}
	logf("%s", app.T("正在关闭：等待进行中的请求和命令完成", "shutting down: waiting for running requests and commands"))
	sctx, cancel := context.WithTimeout(context.Background(), time.Duration(cfg.ShutdownTimeout))
	defer cancel()
	var wg sync.WaitGroup
	if httpSrv != nil {
		wg.Go(func() {
			if err := httpSrv.Shutdown(sctx); err != nil {
				httpSrv.Close()
			}
		})
	}
	if sshSrv != nil {
		wg.Go(func() { sshSrv.Shutdown(sctx) })
	}
	wg.Wait()
	stopGroup()
	if complete, err := st.TruncateWAL(context.Background()); err != nil {
		logf("checkpoint: %v", err)
	} else if complete {
		logf("%s", app.T("已把预写日志（WAL）并入数据库文件", "checkpointed: the write-ahead log is in the store file"))
	} else {
		logf("%s", app.T("预写日志（WAL）未能全部并入：另有进程正在读数据库，它会在以后并入", "checkpoint incomplete: another process is reading the store; the log will be merged later"))
	}
	logf("%s", app.T("已关闭", "stopped"))
	if runErr != nil {
		return apperr.Wrap(runErr, apperr.Internal, "服务异常停止："+runErr.Error(), "the server stopped: "+runErr.Error())
	}
	return nil
}

// serveConnState, when set (tests), is told each HTTP connection's state
// changes, so a test can send a signal while a request is in flight.
var serveConnState func(net.Conn, http.ConnState)

// serveGCPercent is credit serve's GOGC unless the environment sets one.
const serveGCPercent = 400

// serveConns is how many connections credit serve keeps to its store: in
// WAL mode readers do not wait for one another or for the writer, so a few
// per core keep both cores busy while a request waits for its group commit.
const serveConns = 16

// lineWriter turns the API's log lines into the server's log.
type lineWriter struct{ logf func(string, ...any) }

func (w *lineWriter) Write(b []byte) (int, error) {
	// The API already stamps its lines; strip its time and newline.
	s := strings.TrimRight(string(b), "\n")
	if _, rest, ok := strings.Cut(s, " "); ok {
		s = rest
	}
	w.logf("api %s", s)
	return len(b), nil
}

func envOf(env []string, key string) string {
	for _, kv := range env {
		if k, v, ok := strings.Cut(kv, "="); ok && k == key {
			return v
		}
	}
	return ""
}

// servedIO is a served run's IO: the server's store, the clerk as the
// login, only the language and colour taken from the client's environment.
func servedIO(app *App, c serve.Clerk, env []string, pty bool, ctx context.Context, in io.Reader, out, errw io.Writer) IO {
	vars := map[string]string{"CREDIT_DB": app.store.Path}
	// The session's language: CREDIT_LANG sent by the client (ssh -o
	// SetEnv=CREDIT_LANG=en), else the server's own (--lang, CREDIT_LANG).
	if l := envOf(env, "CREDIT_LANG"); l != "" {
		vars["CREDIT_LANG"] = l
	} else if app.Lang != "" {
		vars["CREDIT_LANG"] = app.Lang
	}

	if envOf(env, "NO_COLOR") != "" {
		vars["NO_COLOR"] = "1"
	}
	tty := pty
	return IO{In: in, Out: out, Err: errw, Getenv: func(k string) string { return vars[k] }, TTY: &tty, Login: c.User, Ctx: ctx, Via: c.Via}
}

// remoteCommands are what a clerk may run over SSH: everything that works on
// the store as its operator, nothing that names a file on the server
// (import, backup, catalog apply…), starts or changes the store (init,
// serve) or is meant for the console (retention purge/wipe).
var remoteCommands = []string{
	"audit anchor", "audit log", "audit verify",
	"batch list", "batch show", "batch rejects",
	"calendar add", "calendar between", "calendar show", "calendar years",
	"case list", "case record",
	"catalog list", "catalog show", "catalog export",
	"check", "code check",
	"measure list", "measure show", "measure export",
	"objection appeal", "objection appeal-decide", "objection close", "objection correct", "objection decide", "objection file",
	"objection forward", "objection list", "objection show", "objection verify", "objection withdraw",
	"provider add", "provider list", "provider show",
	"repair apply", "repair complete", "repair list", "repair object", "repair opinion", "repair publicity", "repair publicize",
	"repair show", "repair verify", "repair withdraw",
	"report collection", "report sanctions",
	"retention list", "retention purged",
	"roster add", "roster approve", "roster list", "roster publish", "roster reject", "roster remove", "roster show",
	"subject history", "subject queries", "subject report", "subject search", "subject show",
	"unit add", "unit list", "unit show", "unit token add", "unit token list", "unit token revoke",
	"user add", "user list", "user key add", "user key list", "user key remove",
	"version",
}

// remoteGuard refuses, in a served run, what would let a clerk act as
// someone else, open another store or reach the server's files (本办公室规则,
// serving 第三十六条–第三十七条: every action is the key owner's own).
func remoteGuard(app *App, c *cobra.Command, args []string) error {
	if app.Via == "" {
		return nil
	}
	path := strings.TrimPrefix(c.CommandPath(), c.Root().Name()+" ")
	if c == c.Root() || !slices.Contains(remoteCommands, path) {
		return apperr.Newf(apperr.Usage, "经 SSH 不能运行 credit %s（它会使用服务器上的文件或改变数据库本身）：请在服务器上由管理员运行",
			"credit %s cannot be run over SSH (it uses files on the server or changes the store itself): an administrator runs it on the server", path)
	}
	for _, name := range []string{"db", "as", "output", "rejects"} {
		if f := c.Flags().Lookup(name); f != nil && f.Changed {
			return apperr.Newf(apperr.Usage, "经 SSH 不能使用 --%s：操作员就是密钥所属的 %s，数据库就是服务器的数据库，文件不能写在服务器上",
				"--%s cannot be used over SSH: the operator is the key's owner %s, the store is the server's, and no file is written on the server", name, app.Login)
		}
	}
	if path == "user key add" && len(args) == 2 && args[1] != "-" {
		return apperr.New(apperr.Usage, "经 SSH 登记公钥时请用 - 从标准输入读入：ssh 主机 user key add NAME - < NAME.pub",
			"over SSH, give the key on standard input: ssh HOST user key add NAME - < NAME.pub")
	}
	for _, a := range args {
		if a != "-" && (looksLikeFile(a) || strings.ContainsAny(a, `/\`)) {
			return apperr.Newf(apperr.Usage, "经 SSH 不能引用服务器上的文件 %q：请用 - 从标准输入读入", "files on the server (%q) cannot be named over SSH: use - to read standard input", a)
		}
	}
	return nil
}
