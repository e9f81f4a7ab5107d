package operator

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A uid that /etc/passwd lacks is asked of getent (NSS: directory accounts,
// which the static binary's os/user cannot see); its answer must be that uid's.
func TestSystemLookupFallsBackToGetent(t *testing.T) {
	const uid = "4294967200" // no account in any passwd file of a test machine
	if _, err := lookupWith(nil, uid); err == nil {
		t.Fatalf("uid %s found without getent: pick another test uid", uid)
	}
	dir := t.TempDir()
	fake := func(name, line string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte("#!/bin/sh\n[ \"$1\" = passwd ] && [ \"$2\" = "+uid+" ] || exit 2\necho '"+line+"'\n"), 0o755); err != nil {
			t.Fatal(err)
		}
		return p
	}
	ldap := fake("getent-ldap", "zhang.wei:*:"+uid+":100:张伟:/home/zhang.wei:/bin/bash")
	if name, err := lookupWith([]string{filepath.Join(dir, "absent"), ldap}, uid); err != nil || name != "zhang.wei" {
		t.Fatalf("lookup through getent = %q, %v; want zhang.wei", name, err)
	}
	other := fake("getent-other", "root:x:0:0:root:/root:/bin/bash")
	if name, err := lookupWith([]string{other}, uid); err == nil {
		t.Fatalf("another uid's line was taken as %q", name)
	}
	if name, err := lookupWith([]string{filepath.Join(dir, "absent")}, uid); err == nil || !strings.Contains(err.Error(), uid) {
		t.Fatalf("no getent: %q, %v; want os/user's unknown-uid error", name, err)
	}
	// uid 0 is root in every passwd file (os/user reads it without getent).
	if name, err := SystemLookup("0"); err != nil || name != "root" {
		t.Fatalf("SystemLookup(0) = %q, %v", name, err)
	}
}
