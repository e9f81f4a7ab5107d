package tui_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"credit/internal/cli"
	"credit/internal/langcheck"
)

// chineseOnly fails on an English word on the screen (issue 19): beyond
// langcheck's allow-lists, only the command names may show. It reads the
// view itself, not the golden form (whose time mask is English).
func chineseOnly(t *testing.T, d *driver, allow map[string]bool, name string) {
	t.Helper()
	view := ansiRe.ReplaceAllString(d.m.View().Content, "")
	for _, h := range langcheck.Check(view, "zh", allow) {
		t.Errorf("%s: %q is English on a Chinese screen, line %d: %s", name, h.Word, h.Line, h.Text)
	}
}

// Every view, detail, help, menu and form of the terminal UI, walked as a
// clerk would, is in Chinese.
func TestScreensInChinese(t *testing.T) {
	allow := cli.CommandNames()
	d := newDriver(t, fixture(t), 100, 30)
	prev := ""
	at := func(name string, ks ...string) {
		t.Helper()
		d.keys(ks...)
		// Each step shows a new screen, so the walk does not check one
		// screen many times while believing it walks.
		if s := d.screen(); s == prev {
			t.Errorf("%s: the keys %q did not change the screen:\n%s", name, ks, s)
		} else {
			prev = s
		}
		chineseOnly(t, d, allow, name)
	}
	at("overview")
	at("overview help", "?")
	at("objections", "?", "3")
	at("objection detail", "j", "enter")
	at("objection actions", "a")
	at("objections help", "esc", "q", "?")
	at("objection form", "esc", "n")
	at("objection form invalid", "enter")
	at("repairs", "esc", "4")
	at("repair detail", "G", "enter")
	at("repair actions", "a")
	at("archive", "esc", "esc", "2")
	at("archive results", "/", "有限", "enter")
	at("archive subject", "enter")
	at("archive record", "enter")
	at("archive history", "G")
	at("archive person", "q", "q", "/", personID, "enter")
	at("archive new", "n")
	at("batches", "esc", "q", "5")
	at("batch rejects", "enter")
	at("batch rejects help", "?")
	at("batch reject row", "esc", "enter")
	at("rosters", "q", "q", "6")
	at("rosters help", "G", "?")
	at("roster entry", "esc", "g", "enter")
	at("roster review", "esc", "G", "a")
	at("check form", "esc", "g", "j", "c")
	at("check result", "enter", "j", "enter", "enter")
	at("case form", "n")
	at("cases", "esc", "esc", "v")
	at("case detail", "enter")
	at("reports", "esc", "v", "tab")
	at("reports october", "left")
}

// Every golden screen (the views the golden tests compare the TUI with, 120
// and more) is in Chinese; "hh", "mm" are the harness's mask of real times.
func TestGoldenScreensInChinese(t *testing.T) {
	allow := cli.CommandNames()
	allow["hh"], allow["mm"] = true, true
	files, err := filepath.Glob(filepath.Join(testdata, "*.golden"))
	if err != nil || len(files) < 100 {
		t.Fatalf("%d golden files (%v)", len(files), err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range langcheck.Check(string(b), "zh", allow) {
			t.Errorf("%s: %q is English on a Chinese screen, line %d: %s", filepath.Base(f), h.Word, h.Line, strings.TrimSpace(h.Text))
		}
	}
}
