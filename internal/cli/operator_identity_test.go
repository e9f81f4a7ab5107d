package cli

import (
	"bytes"
	"errors"
	"os"
	"strconv"
	"strings"
	"testing"

	"credit/internal/operator"
)

// runWithLookup runs credit with no test login, so the operator comes from
// the uid through lookup, and with $USER set to someone else.
func runWithLookup(h *harness, lookup operator.LookupUID, args ...string) result {
	var out, errb bytes.Buffer
	env := map[string]string{"CREDIT_DB": h.db, "USER": "mallory", "LOGNAME": "mallory"}
	tty := false
	code := Main(args, IO{In: strings.NewReader(""), Out: &out, Err: &errb, Getenv: func(k string) string { return env[k] },
		TTY: &tty, LookupUID: lookup})
	return result{Out: out.String(), Err: errb.String(), Code: code}
}

// TestOperatorFromUID: the operator is the account of the process's uid,
// never $USER; a uid without an account is refused with what the
// administrator must do; names are validated (issue 16).
func TestOperatorFromUID(t *testing.T) {
	h := newHarness(t)
	uid := strconv.Itoa(os.Getuid())
	var asked string
	wang := func(u string) (string, error) { asked = u; return "wangwu", nil }
	if r := runWithLookup(h, wang, "init"); r.Code != 0 {
		t.Fatalf("init: %d %s", r.Code, r.Err)
	}
	if asked != uid {
		t.Errorf("looked up uid %q, want %q", asked, uid)
	}
	r := runWithLookup(h, wang, "user", "list", "--format", "json")
	if r.Code != 0 || !strings.Contains(r.Out, `"wangwu"`) || strings.Contains(r.Out, "mallory") {
		t.Errorf("the creator is the uid's account, not $USER: %d %s %s", r.Code, r.Out, r.Err)
	}
	// No account for the uid: refused, never $USER.
	none := func(u string) (string, error) { return "", errors.New("user: unknown userid " + u) }
	r = runWithLookup(h, none, "user", "add", "zhaoliu", "--role", "clerk")
	if r.Code != 5 || !strings.Contains(r.Err, "用户号 "+uid) || !strings.Contains(r.Err, "useradd") || strings.Contains(r.Err, "mallory") {
		t.Errorf("no account: %d %q", r.Code, r.Err)
	}
	// An account name that could forge a line of the audit log.
	forged := func(string) (string, error) { return "bob\nadmin", nil }
	if r := runWithLookup(h, forged, "user", "add", "zhaoliu", "--role", "clerk"); r.Code != 2 || !strings.Contains(r.Err, "不可见字符") {
		t.Errorf("forged name: %d %q", r.Code, r.Err)
	}
	// user add validates the name it is given.
	for _, bad := range []string{"", "a b", "tab\there", strings.Repeat("长", 65), "nul\x00"} {
		if r := runWithLookup(h, wang, "user", "add", bad, "--role", "clerk"); r.Code != 2 {
			t.Errorf("user add %q: exit %d %s", bad, r.Code, r.Err)
		}
	}
	if r := runWithLookup(h, wang, "user", "add", strings.Repeat("长", 64), "--role", "clerk"); r.Code != 0 {
		t.Errorf("64 characters: %d %s", r.Code, r.Err)
	}
}

func TestValidateOperatorName(t *testing.T) {
	for name, ok := range map[string]bool{"zhangsan": true, "张三": true, "svc-import_01@office": true, "": false, " x": false,
		"a\u200bb": false, "a\x7fb": false, strings.Repeat("x", 64): true, strings.Repeat("x", 65): false, "\xff": false} {
		if err := operator.ValidateName(name); (err == nil) != ok {
			t.Errorf("ValidateName(%q) = %v, want ok %v", name, err, ok)
		}
	}
}
