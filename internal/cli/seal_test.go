package cli

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"credit/internal/seal"
)

// TestOfficeKeyMissingRefusesAndVerifyNamesRow: init makes the office key
// beside the store (mode 0600, --key-group 0640); without it every command
// is refused with a message naming where it belongs (no unsealed write);
// with it back, a row changed with the sqlite3 shell behind credit's back is
// named by table and row, exit 6.
func TestOfficeKeyMissingRefusesAndVerifyNamesRow(t *testing.T) {
	h := newHarness(t).initStore()
	keyPath := seal.DefaultPath(h.db)
	fi, err := os.Stat(keyPath)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v %v", fi, err)
	}
	h.ok("user", "add", "bob", "--role", "clerk")
	h.ok("audit", "verify")

	if err := os.Rename(keyPath, keyPath+".away"); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"user", "list"}, {"user", "add", "carol", "--role", "clerk"}, {"audit", "verify"}} {
		r := h.fails(1, args...)
		if !strings.Contains(r.Err, "找不到办公室密钥文件 "+keyPath) || !strings.Contains(r.Err, "恢复") {
			t.Fatalf("%v without the key: %s", args, r.Err)
		}
	}
	if r := h.fails(1, "--lang", "en", "user", "list"); !strings.Contains(r.Err, "no office key file "+keyPath) {
		t.Fatalf("en: %s", r.Err)
	}
	// --key points at it where it is now.
	h.ok("--key", keyPath+".away", "user", "list")
	if err := os.Rename(keyPath+".away", keyPath); err != nil {
		t.Fatal(err)
	}

	// The sqlite3 shell writes the file behind credit's back: nothing stops
	// it, and verify names the table and row, exit 6.
	bin, err := exec.LookPath("sqlite3")
	if err != nil {
		t.Fatal("sqlite3 is needed (apt-get install sqlite3; .ci/run installs it)")
	}
	var rowid string
	if out, err := exec.Command(bin, h.db, "SELECT rowid FROM users WHERE name = 'bob'").Output(); err != nil {
		t.Fatal(err)
	} else {
		rowid = strings.TrimSpace(string(out))
	}
	if out, err := exec.Command(bin, h.db, "UPDATE users SET role = 'admin' WHERE name = 'bob'").CombinedOutput(); err != nil {
		t.Fatalf("%v %s", err, out)
	}
	r := h.fails(6, "audit", "verify")
	if !strings.Contains(r.Err, "表 users 第 "+rowid+" 行在 credit 之外被修改") {
		t.Fatalf("verify: %s", r.Err)
	}
	// credit's own writes go on (and are sealed); the changed row stays named.
	h.ok("user", "add", "carol", "--role", "clerk")
	r = h.fails(6, "--lang", "en", "audit", "verify")
	if !strings.Contains(r.Err, "table users row "+rowid+" was changed outside credit") || !strings.Contains(r.Err, "failed: 1 changes") {
		t.Fatalf("verify after a later write: %s", r.Err)
	}
}

// TestInitKeyGroup: --key-group makes the key readable by the store's group.
func TestInitKeyGroup(t *testing.T) {
	h := newHarness(t).initStore("--key-group")
	fi, err := os.Stat(seal.DefaultPath(h.db))
	if err != nil || fi.Mode().Perm() != 0o640 {
		t.Fatalf("key file: %v %v", fi, err)
	}
}
