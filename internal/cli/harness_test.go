package cli

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
)

// harness runs the real command tree in-process against one store in a
// temporary folder, as the login user it is given.
type harness struct {
	t     *testing.T
	dir   string
	db    string
	login string
	env   map[string]string
	tty   bool
}

// result is one run's output.
type result struct {
	Out, Err string
	Code     int
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	dir := t.TempDir()
	return &harness{t: t, dir: dir, db: filepath.Join(dir, "credit.db"), login: "alice", env: map[string]string{}}
}

// initStore runs credit init (as alice, who becomes admin) with extra args.
func (h *harness) initStore(args ...string) *harness {
	h.t.Helper()
	r := h.run(append([]string{"init"}, args...)...)
	if r.Code != 0 {
		h.t.Fatalf("init failed (%d): %s %s", r.Code, r.Out, r.Err)
	}
	return h
}

// as returns a copy of the harness that runs as another login.
func (h *harness) as(login string) *harness {
	c := *h
	c.login = login
	return &c
}

func (h *harness) run(args ...string) result {
	return h.runIn("", args...)
}

func (h *harness) runIn(stdin string, args ...string) result {
	h.t.Helper()
	var out, errb bytes.Buffer
	env := map[string]string{"CREDIT_DB": h.db}
	for k, v := range h.env {
		env[k] = v
	}
	tty := h.tty
	code := Main(args, IO{
		In: strings.NewReader(stdin), Out: &out, Err: &errb,
		Getenv: func(k string) string { return env[k] },
		TTY:    &tty, Login: h.login,
	})
	return result{Out: out.String(), Err: errb.String(), Code: code}
}

// ok runs and fails the test unless the exit code is 0.
func (h *harness) ok(args ...string) result {
	h.t.Helper()
	r := h.run(args...)
	if r.Code != 0 {
		h.t.Fatalf("credit %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), r.Code, r.Out, r.Err)
	}
	return r
}

// fails runs and fails the test unless the exit code is code.
func (h *harness) fails(code int, args ...string) result {
	h.t.Helper()
	r := h.run(args...)
	if r.Code != code {
		h.t.Fatalf("credit %s: exit %d, want %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), r.Code, code, r.Out, r.Err)
	}
	return r
}
