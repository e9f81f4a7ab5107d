package catalog

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"credit/internal/apperr"
)

// Problem is one error in a catalog file: where (file, line, key path such as
// items[1].fields[3].type, counted from 0) and what, in Chinese and English.
type Problem struct {
	File string
	Line int
	Key  string
	Zh   string
	En   string
}

// Message is the problem's text in lang (en, else Chinese).
func (p Problem) Message(lang string) string {
	if lang == "en" {
		return p.En
	}
	return p.Zh
}

// Text is the one line shown to people: file:line: key: message.
func (p Problem) Text(lang string) string {
	loc := fmt.Sprintf("%s:%d: ", p.File, p.Line)
	if p.Key != "" {
		loc += p.Key + ": "
	}
	return loc + p.Message(lang)
}

// Problems are all the errors found in one catalog file, in line order.
type Problems []Problem

func (ps Problems) Error() string { return ps.text("zh") }

func (ps Problems) text(lang string) string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.Text(lang)
	}
	return strings.Join(lines, "\n")
}

// ProblemsOf returns the problems behind a Parse error, if that is what it is.
func ProblemsOf(err error) (Problems, bool) {
	var ps Problems
	if errors.As(err, &ps) {
		return ps, true
	}
	return nil, false
}

// refuse wraps the problems as the error Parse returns: exit 4, the whole
// catalog refused (SPEC §A), every problem on its own line.
func refuse(file string, ps Problems) error {
	sort.SliceStable(ps, func(i, j int) bool { return ps[i].Line < ps[j].Line })
	return &apperr.Error{
		Code: apperr.Refused,
		Zh:   fmt.Sprintf("目录文件 %s 有 %d 处错误，整份目录不予接受：\n%s", file, len(ps), ps.text("zh")),
		En:   fmt.Sprintf("the catalog file %s has %d error(s) and is refused whole:\n%s", file, len(ps), ps.text("en")),
		Err:  ps,
	}
}
