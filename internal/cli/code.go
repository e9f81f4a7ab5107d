package cli

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"credit/internal/apperr"
	"credit/internal/ident"
	"credit/internal/tabular"
)

func init() { registerNoun("code", newCodeCmd) }

func newCodeCmd(app *App) *cobra.Command {
	c := &cobra.Command{
		Use:   "code",
		Short: "统一社会信用代码与身份证号码 / unified social credit codes and ID numbers",
		Long: `统一社会信用代码（GB 32100-2015）与居民身份证号码（GB 11643-1999）的校验。

Checks unified social credit codes (GB 32100-2015) and resident ID numbers (GB 11643-1999).`,
	}
	c.AddCommand(newCodeCheckCmd(app))
	return c
}

// codeCheckRow is one line of `code check --format json` (SPEC §A).
type codeCheckRow struct {
	Code   string `json:"code"`
	Valid  bool   `json:"valid"`
	Kind   string `json:"kind"`   // ident.Kind enum value, "" when invalid
	Reason string `json:"reason"` // in the run's language, "" when valid
	Type   string `json:"type"`   // uscc | id_number | unknown
}

func newCodeCheckCmd(app *App) *cobra.Command {
	return &cobra.Command{
		Use:   "check {CODE...|-}",
		Short: "校验统一社会信用代码或身份证号码 / check unified social credit codes or ID numbers",
		Long: `按形状判断每个代码是统一社会信用代码还是身份证号码并校验：长度、字符、登记管理部门与机构类别、
出生日期、校验码。输入先去掉首尾空白、全角转半角、转大写；15 位旧身份证号码升为 18 位后输出。
只给一个参数 - 时从标准输入逐行读取代码（空行跳过）。全部有效时退出码为 0，有无效代码时为 5。
出生日期晚于今天（--today）的身份证号码无效。

Each code is read as a unified social credit code or an ID number by its shape and checked: length,
characters, registration authority and organisation type, birth date, check character. Input is
trimmed, folded to half-width and upper-cased; 15-digit ID numbers are printed upgraded to 18.
With the single argument - the codes are read from standard input, one per line (blank lines skipped).
Exit code 0 when every code is valid, 5 when any is not.`,
		Args: minArgs(1),
		Example: example(
			"credit code check 91350100M000100Y43                  # 校验统一社会信用代码 / check a USCC",
			"credit code check 11010519491231002X 110105491231002  # 身份证号码，15 位旧号码升为 18 位 / ID numbers, the 15-digit one upgraded",
			"credit code check --format json 91350100M000100Y4X    # 脚本用 JSON / JSON for scripts",
			"cut -f1 subjects.tsv | credit code check -            # 从标准输入逐行读取 / one code per line from stdin",
			"credit code check --lang en 91350100M000100Y4X        # 英文原因 / reasons in English",
		),
		RunE: func(c *cobra.Command, args []string) error {
			codes := args
			if len(args) == 1 && args[0] == "-" {
				var err error
				if codes, err = readCodeLines(app.In); err != nil {
					return err
				}
			}
			return runCodeCheck(app, codes)
		},
	}
}

// readCodeLines reads one code per line, skipping blank lines.
func readCodeLines(in io.Reader) ([]string, error) {
	if in == nil {
		in = strings.NewReader("")
	}
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	var codes []string
	for sc.Scan() {
		if line := ident.NormalizeCode(sc.Text()); line != "" {
			codes = append(codes, line)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, apperr.Wrap(err, apperr.Refused, "无法读取标准输入："+err.Error(), "cannot read standard input: "+err.Error())
	}
	if len(codes) == 0 {
		return nil, apperr.New(apperr.Usage, "标准输入中没有代码", "no codes on standard input")
	}
	return codes, nil
}

func runCodeCheck(app *App, codes []string) error {
	today := app.Today()
	rows := make([][]string, 0, len(codes))
	list := make([]codeCheckRow, 0, len(codes))
	invalid := 0
	for _, s := range codes {
		r := ident.CheckOn(s, today)
		reason := app.T(r.Reason, r.ReasonEn)
		valid := app.T("是", "yes")
		if !r.Valid {
			invalid++
			valid = app.T("否", "no")
		}
		rows = append(rows, []string{r.Code, valid, r.Kind.Label(app.Lang), reason})
		list = append(list, codeCheckRow{Code: r.Code, Valid: r.Valid, Kind: string(r.Kind), Reason: reason, Type: string(r.Type)})
	}
	t := &tabular.Table{
		Columns: []tabular.Column{
			{Key: "code", Zh: "代码", En: "Code"},
			{Key: "valid", Zh: "有效", En: "Valid"},
			{Key: "kind", Zh: "类型", En: "Kind"},
			{Key: "reason", Zh: "原因", En: "Reason"},
		},
		Rows:   rows,
		JSON:   list,
		Footer: []string{fmt.Sprintf(app.T("共 %d 个代码，无效 %d 个", "%d code(s), %d invalid"), len(codes), invalid)},
	}
	if err := app.Print(t); err != nil {
		return err
	}
	if invalid > 0 {
		return apperr.Newf(apperr.Rule, "有 %d 个代码无效", "%d code(s) invalid", invalid)
	}
	return nil
}
