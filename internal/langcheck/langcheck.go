// Package langcheck finds text in the wrong script for the UI language
// (issue 19, "Chinese everywhere"): English words on a Chinese screen,
// Chinese on an English one. What may stay is listed here, each class with
// its reason; the CLI's help test and the TUI's screen test both use it.
package langcheck

import (
	"regexp"
	"strings"
)

// Hit is one word in the wrong script.
type Hit struct {
	Line int    // 1-based
	Word string // the word
	Text string // the whole line
}

// ZhWords are the lower-case ASCII words a Chinese screen may show, by class.
// Classes that need no list (handled in Check): command lines as typed
// (an indented "credit …" up to a "# " comment), flag names (-o, --format), choices
// (a|b|c), paths and file names (with / or an extension), URLs, HTTP header
// names (X-Forwarded-For), machine codes with an underscore (due_soon,
// check_digit), hashes in hex, single letters (keys, metavariables), texts in
// quotes (literals: a default value, the audit's stored "via ssh from"), and
// words in capitals (metavariables FILE/ID/N, codes XZCF, abbreviations CSV,
// SSH, HTTP, UTF-8, environment variables CREDIT_DB).
var ZhWords = words(
	// output and file formats (--format values, extensions named in prose)
	"table json csv md xlsx html xml jsonl tsv yaml Markdown Lines",
	// machine values typed on the command line or read in JSON, shown beside
	// their Chinese meaning (SPEC §A: enum values are English contracts)
	"office shared public authorized admin reviewer clerk viewer wrong prohibited expired red black",
	"local province accurate inaccurate reward sanction city county revoked permanent purged auto",
	"match name_differs unknown_code ok due_soon overdue done true false",
	// JSON keys and catalog/policy keys named in the help (contracts)
	"provisional date name holidays workdays year notice records roster_entries open_cases scope as_of",
	"due days_left repair_opinion repair_verify repair_publicity repaired_retention import_limits",
	"kind_field act_date_field lights upward sha256",
	// shells and tools whose commands the help quotes
	"bash zsh fish powershell PowerShell source autoload compinit Out String Invoke Expression cut cron ssh keygen pub SQLite",
	// the spreadsheet programs departments write their files with (import help
	// says rows as Excel numbers them, and which programs write .xls)
	"Excel WPS",
	// the program's name (the TUI's title) and the terminal UI's key names
	// (single letters are keys too: "n 新建", "a 办理")
	"credit tab ctrl shift enter esc pgup pgdn home end space",
	// HTTP header words
	"Authorization Bearer",
	// reject reason codes and field types shown beside their Chinese reason
	// (the 原因代码 column of the reject report is a contract, docs/import.md);
	// codes with an underscore (check_digit, date_invalid) need no list
	"enum amount date code text required duplicate",
	// encodings named with a file (csv utf-8, gbk)
	"utf gbk gb18030",
	// example logins and key files (data)
	"alice bob zhangsan id_ed25519",
)

// EnTerms are the Chinese terms an English screen may show: names of the
// standards and the measures (统一社会信用代码, 法人 …, the law's categories,
// kept in Chinese as the English help glosses them), the calendar's own marks
// (休, 班), the report's sheet names (汇总, 明细).
var EnTerms = words(
	"统一社会信用代码 身份证号码 法人 非法人组织 个体工商户 自然人 调休 国务院办公厅 政府共享 休 班 汇总 明细",
)

func words(lists ...string) map[string]bool {
	m := map[string]bool{}
	for _, l := range lists {
		for _, w := range strings.Fields(l) {
			m[w] = true
		}
	}
	return m
}

var (
	flagRe    = regexp.MustCompile(`(^|[^\w])--?[A-Za-z][\w-]*(=\S*)?`)
	choiceRe  = regexp.MustCompile(`[\w.-]+(\|[\w.-]+)+`)
	pathRe    = regexp.MustCompile(`\S*/\S*|[\w*-]*\.[A-Za-z]\w*`)
	headerRe  = regexp.MustCompile(`\bX-[\w-]+`)
	quotedRe  = regexp.MustCompile(`"[^"]*"|“[^”]*”|'[^']*'`)
	capsRe    = regexp.MustCompile(`^[A-Z][A-Z0-9_]*$`)
	asciiWord = regexp.MustCompile(`[A-Za-z][A-Za-z0-9_]*`)
	hanRun    = regexp.MustCompile(`\p{Han}+`)
	hexRe     = regexp.MustCompile(`\b[0-9a-f]{16,}\b`)
	machineID = regexp.MustCompile(`\b[a-z][a-z_]*:\d+\b`)
)

// commandPart is the part of a line that is a command as typed: an indented
// line (an example, a usage line) that starts with "credit " or "$ ", up to
// a "# " comment.
func commandPart(l string) (cmd, rest string) {
	s := strings.TrimLeft(l, " ")
	if len(s) < len(l) && (strings.HasPrefix(s, "credit ") || strings.HasPrefix(s, "$ ") || s == "credit") {
		if i := strings.Index(l, "# "); i >= 0 {
			return l[:i], l[i+2:]
		}
		return l, ""
	}
	return "", l
}

// Check returns the words of text in the wrong script for lang ("zh" or
// "en"); allow adds words or terms (the command names of the tree, the data
// on a screen). A word a narrow screen wrapped ("use" at a line's end, "r" at
// the next one's start) is checked whole ("user").
func Check(text, lang string, allow map[string]bool) []Hit {
	var hits []Hit
	lines := strings.Split(text, "\n")
	if lang == "en" {
		for n, line := range lines {
			_, l := commandPart(line)
			for _, w := range hanRun.FindAllString(l, -1) {
				if !EnTerms[w] && !allow[w] {
					hits = append(hits, Hit{n + 1, w, line})
				}
			}
		}
		return hits
	}
	ok := func(w string) bool {
		return capsRe.MatchString(w) || len(w) == 1 || strings.Contains(strings.Trim(w, "_"), "_") || ZhWords[w] || allow[w]
	}
	words := make([][]string, len(lines))
	for n, line := range lines {
		_, l := commandPart(line)
		// An id in its machine form (batch:4) is English however its word is
		// allowed: people read 批次 4.
		for _, at := range machineID.FindAllStringIndex(l, -1) {
			if at[1] < len(l) && l[at[1]] == ':' {
				continue // a stored format named in the help: name:2:sha256:…
			}
			hits = append(hits, Hit{n + 1, l[at[0]:at[1]], line})
		}
		l = quotedRe.ReplaceAllString(l, " ")
		l = hexRe.ReplaceAllString(l, " ")
		l = flagRe.ReplaceAllString(l, "$1 ")
		l = choiceRe.ReplaceAllString(l, " ")
		l = pathRe.ReplaceAllString(l, " ")
		l = headerRe.ReplaceAllString(l, " ")
		words[n] = asciiWord.FindAllString(l, -1)
	}
	for n, ws := range words {
		for i, w := range ws {
			if ok(w) {
				continue
			}
			trimmed := strings.TrimRight(lines[n], " │┃|")
			if i == len(ws)-1 && n+1 < len(words) && len(words[n+1]) > 0 && strings.HasSuffix(trimmed, w) && ok(w+words[n+1][0]) {
				continue
			}
			if i == 0 && n > 0 && len(words[n-1]) > 0 && ok(words[n-1][len(words[n-1])-1]+w) {
				continue
			}
			hits = append(hits, Hit{n + 1, w, lines[n]})
		}
	}
	return hits
}
