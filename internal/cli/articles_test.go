package cli

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// articleNumerals are the Chinese numerals of 第一条 … 第四十三条.
func articleName(n int) string {
	digits := []string{"", "一", "二", "三", "四", "五", "六", "七", "八", "九"}
	switch {
	case n < 10:
		return "第" + digits[n] + "条"
	case n == 10:
		return "第十条"
	case n < 20:
		return "第十" + digits[n-10] + "条"
	default:
		return "第" + digits[n/10] + "十" + digits[n%10] + "条"
	}
}

// docs/articles.md maps every article of the measures to its status and the
// tests that prove it: all 43 articles in order, a known status each, and
// every test it names existing in the repository.
func TestArticlesTableIsComplete(t *testing.T) {
	b, err := os.ReadFile("../../docs/articles.md")
	if err != nil {
		t.Fatal(err)
	}
	tests := map[string]bool{}
	testFunc := regexp.MustCompile(`(?m)^func ((?:Test|Fuzz|Benchmark)\w+)\(`)
	err = filepath.WalkDir("../..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "demo" || d.Name() == "bench") {
			return filepath.SkipDir
		}
		if strings.HasSuffix(path, "_test.go") {
			src, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			for _, m := range testFunc.FindAllStringSubmatch(string(src), -1) {
				tests[m[1]] = true
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !tests["TestArticlesTableIsComplete"] {
		t.Fatal("the walk found no tests")
	}
	var rows [][]string
	for _, line := range strings.Split(string(b), "\n") {
		if !strings.HasPrefix(line, "| 第") {
			continue
		}
		cells := strings.Split(strings.Trim(line, "|"), "|")
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		if len(cells) != 5 {
			t.Fatalf("row with %d cells, want 5: %s", len(cells), line)
		}
		rows = append(rows, cells)
	}
	if len(rows) != 43 {
		t.Fatalf("%d article rows, want 43", len(rows))
	}
	for i, r := range rows {
		want := articleName(i + 1)
		if r[0] != want {
			t.Errorf("row %d is %s, want %s", i+1, r[0], want)
		}
		status := r[2]
		kind := ""
		for _, k := range []string{"implemented", "office rule", "not operative", "planned"} {
			if strings.HasPrefix(status, k) {
				kind = k
			}
		}
		if kind == "" {
			t.Errorf("%s: status %q is none of implemented, office rule, not operative, planned", r[0], status)
		}
		if kind != "implemented" && !strings.Contains(status, "：") {
			t.Errorf("%s: a %s status must say why", r[0], kind)
		}
		var named []string
		for _, n := range strings.Split(r[4], ",") {
			if n = strings.TrimSpace(n); n != "" && n != "—" {
				named = append(named, n)
			}
		}
		if kind == "implemented" && len(named) == 0 {
			t.Errorf("%s is implemented but names no test", r[0])
		}
		for _, n := range named {
			if !tests[n] {
				t.Errorf("%s names %s, which is no test in the repository", r[0], n)
			}
		}
	}
}
