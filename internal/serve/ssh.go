package serve

import (
	"context"
	"fmt"
	"io"
	"net"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/ssh"
	"charm.land/wish/v2"
	bm "charm.land/wish/v2/bubbletea"

	"credit/internal/store"
)

// Clerk is who an SSH session acts as: the operator whose public key it is,
// and how the session came, for the audit and query logs.
type Clerk struct {
	User string
	Via  string // "ssh from ADDR"
}

// CLIRunner runs one credit command for a clerk with the session's streams
// and returns its exit code (cli.Main, in the same process).
type CLIRunner func(ctx context.Context, c Clerk, args []string, env []string, pty bool, in io.Reader, out, errw io.Writer) int

// TUIMaker builds the clerk's terminal UI; done releases what it opened.
type TUIMaker func(ctx context.Context, c Clerk, env []string) (m tea.Model, done func(), err error)

// SSH is the clerks' SSH server: public keys only, each key one operator.
type SSH struct {
	Store   *store.Store
	HostKey string // path; an ed25519 key is made there on first start
	RunCLI  CLIRunner
	TUI     TUIMaker
	Log     func(format string, args ...any)

	mu       sync.Mutex
	sessions map[ssh.Session]context.CancelFunc
	closing  bool
	srv      *ssh.Server
}

// clerkOf is the live operator of a key, or ok false.
func (s *SSH) clerkOf(ctx context.Context, key ssh.PublicKey) (string, bool) {
	if key == nil {
		return "", false
	}
	k, ok, err := s.Store.LiveKeyByFingerprint(ctx, fingerprint(key))
	if err != nil || !ok {
		return "", false
	}
	if _, known, err := s.Store.UserRole(ctx, k.User); err != nil || !known {
		return "", false
	}
	return k.User, true
}

// Server builds the wish server. Only public-key authentication is
// offered: no password or keyboard-interactive handler is set, so those
// methods are refused.
func (s *SSH) Server() (*ssh.Server, error) {
	s.sessions = map[ssh.Session]context.CancelFunc{}
	srv, err := wish.NewServer(
		wish.WithHostKeyPath(s.HostKey),
		wish.WithPublicKeyAuth(func(ctx ssh.Context, key ssh.PublicKey) bool {
			_, ok := s.clerkOf(ctx, key)
			if !ok && s.Log != nil {
				s.Log("ssh: refused key %s from %s", fingerprint(key), hostOf(ctx.RemoteAddr()))
			}
			return ok
		}),
		wish.WithMiddleware(s.handle),
	)
	if err != nil {
		return nil, err
	}
	s.srv = srv
	return srv, nil
}

func hostOf(a net.Addr) string {
	if a == nil {
		return "?"
	}
	if h, _, err := net.SplitHostPort(a.String()); err == nil {
		return h
	}
	return a.String()
}

// handle is the session: a command runs as the CLI; no command with a
// terminal opens the TUI.
func (s *SSH) handle(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		defer next(sess)
		// The key is looked up again for the session: one removed since the
		// handshake no longer opens anything.
		user, ok := s.clerkOf(sess.Context(), sess.PublicKey())
		if !ok {
			fmt.Fprintln(sess.Stderr(), "credit: 这把密钥已不能登录（已被移除）/ this key may no longer log in")
			sess.Exit(5)
			return
		}
		ctx, cancel := context.WithCancel(sess.Context())
		defer cancel()
		if !s.track(sess, cancel) {
			fmt.Fprintln(sess.Stderr(), "credit: 服务器正在关闭，请稍后再连接 / the server is shutting down; connect again later")
			sess.Exit(1)
			return
		}
		defer s.untrack(sess)
		c := Clerk{User: user, Via: "ssh from " + hostOf(sess.RemoteAddr())}
		pty, winCh, isPty := sess.Pty()
		if s.Log != nil {
			s.Log("ssh: %s %s command=%t pty=%t", c.User, c.Via, len(sess.Command()) > 0, isPty)
		}
		if len(sess.Command()) > 0 {
			code := s.RunCLI(ctx, c, sess.Command(), sess.Environ(), isPty, sess, sess, sess.Stderr())
			sess.Exit(code)
			return
		}
		if !isPty {
			fmt.Fprintln(sess.Stderr(), "credit: 终端界面需要终端（ssh -t），或在 ssh 命令后给出 credit 命令，如 subject show CODE / the TUI needs a terminal (ssh -t), or give a credit command")
			sess.Exit(2)
			return
		}
		m, done, err := s.TUI(ctx, c, append(sess.Environ(), "TERM="+pty.Term))
		if err != nil {
			fmt.Fprintln(sess.Stderr(), "credit: "+err.Error())
			sess.Exit(1)
			return
		}
		defer done()
		opts := append(bm.MakeOptions(sess), tea.WithContext(ctx))
		p := tea.NewProgram(m, opts...)
		go func() {
			for {
				select {
				case <-ctx.Done():
					return
				case w, ok := <-winCh:
					if !ok {
						return
					}
					p.Send(tea.WindowSizeMsg{Width: w.Width, Height: w.Height})
				}
			}
		}()
		_, err = p.Run()
		p.Kill()
		code := 0
		if err != nil && ctx.Err() == nil {
			code = 1
		}
		sess.Exit(code)
	}
}

func (s *SSH) track(sess ssh.Session, cancel context.CancelFunc) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing {
		return false
	}
	s.sessions[sess] = cancel
	return true
}

func (s *SSH) untrack(sess ssh.Session) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.sessions, sess)
}

// Shutdown stops taking connections, tells every open session, ends the
// terminal UIs (their changes are each committed as they are confirmed) and
// waits for running commands until ctx ends; then it closes what is left.
// A connection whose sessions have all ended is closed then too: a client
// that keeps its connection open after its session (a program using an SSH
// library, not the ssh binary) must not hold the shutdown until ctx ends.
func (s *SSH) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	s.closing = true
	for sess, cancel := range s.sessions {
		fmt.Fprintln(sess.Stderr(), "\r\ncredit: 服务器正在关闭，本次连接即将结束 / the server is shutting down; this session will end\r")
		if len(sess.Command()) == 0 {
			cancel() // a TUI: it has nothing half-done (each change is one transaction)
		}
	}
	s.mu.Unlock()
	done := make(chan error, 1)
	go func() { done <- s.srv.Shutdown(ctx) }()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case err := <-done:
			if err != nil {
				s.srv.Close()
			}
			return err
		case <-tick.C:
			s.mu.Lock()
			open := len(s.sessions)
			s.mu.Unlock()
			if open == 0 {
				// Every session has ended (its exit status sent): what is
				// left are idle connections.
				s.srv.Close()
				return <-done
			}
		}
	}
}
