package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"credit/internal/apperr"
	"credit/internal/catalog"
	"credit/internal/ingest"
	"credit/internal/operator"
	"credit/internal/report"
	"credit/internal/sanction"
	"credit/internal/tabular"
)

func init() { registerNoun("check", newCheckCmd) }

// Header names of the code and name columns in a file of subjects, after
// removing spaces and folding full-width brackets.
var (
	codeHeaders = []string{"统一社会信用代码/身份证号码", "统一社会信用代码", "身份证号码", "证件号码", "主体代码", "信用代码", "代码",
		"行政相对人代码_1(统一社会信用代码)", "code"}
	nameHeaders = []string{"名称", "主体名称", "企业名称", "单位名称", "姓名", "行政相对人名称", "name"}
)

func foldHeader(s string) string {
	s = strings.NewReplacer("（", "(", "）", ")", " ", "", "\u3000", "").Replace(strings.TrimSpace(s))
	return strings.ToLower(s)
}

func findColumn(header []string, names []string) int {
	for _, n := range names {
		for i, h := range header {
			if foldHeader(h) == foldHeader(n) {
				return i
			}
		}
	}
	return -1
}

// subjectFile is a CSV/XLSX/JSON Lines file with a column of subject codes
// (and perhaps names), read with the import's readers.
type subjectRow struct {
	Line       int
	Code, Name string
}

func readSubjectFile(path string, needName bool) ([]subjectRow, error) {
	if err := checkInput(path); err != nil {
		return nil, err
	}
	src, err := ingest.Open(path, ingest.ReadOptions{Limits: subjectFileLimits})
	if err != nil {
		return nil, fileError(path, err)
	}
	defer src.Close()
	h := src.Header()
	ci := findColumn(h, codeHeaders)
	if ci < 0 {
		for i, x := range h {
			if f := foldHeader(x); strings.Contains(f, "代码") || strings.Contains(f, "证件号码") || strings.Contains(f, "身份证") {
				ci = i
				break
			}
		}
	}
	if ci < 0 && len(h) == 1 && !needName {
		ci = 0
	}
	ni := findColumn(h, nameHeaders)
	if ci < 0 || (needName && ni < 0) {
		want := "统一社会信用代码 / 身份证号码"
		if needName {
			want = "名称 和 统一社会信用代码 / 身份证号码"
		}
		return nil, apperr.Newf(apperr.Refused, "文件 %s 缺少列：需要 %s（现有列：%s）", "file %s lacks columns: it needs %s (it has: %s)",
			path, want, strings.Join(h, "、"))
	}
	var out []subjectRow
	for {
		r, err := src.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fileError(path, err)
		}
		row := subjectRow{Line: r.Line}
		if ci < len(r.Cells) {
			row.Code = strings.TrimSpace(r.Cells[ci])
		}
		if ni >= 0 && ni < len(r.Cells) {
			row.Name = strings.TrimSpace(r.Cells[ni])
		}
		out = append(out, row)
	}
	return out, nil
}

func fileError(path string, err error) error {
	var fe *ingest.FileError
	if errors.As(err, &fe) {
		return &apperr.Error{Code: apperr.Refused, Zh: fe.Message("zh"), En: fe.Message("en"), Err: err}
	}
	return apperr.Wrap(err, apperr.Internal, "无法读取 "+path, "cannot read "+path)
}

// subjectFileLimits bound a check or verify file as the default policy bounds
// an import (issue 16): no file makes the reader hold more than a row.
var subjectFileLimits = func() ingest.Limits {
	l := catalog.DefaultImportLimits()
	return ingest.Limits{FileSize: l.FileSize, CellSize: l.CellSize, Columns: l.Columns, Rows: l.Rows,
		XLSXUnzippedSize: l.XLSXUnzippedSize, XLSXRatio: l.XLSXRatio, Sheets: l.Sheets}
}()

// looksLikeFile tells a FILE argument from a CODE one: an existing path or
// a name with a file extension the readers know.
func looksLikeFile(arg string) bool {
	if _, err := os.Stat(arg); err == nil {
		return true
	}
	ext := strings.ToLower(filepath.Ext(arg))
	return slices.Contains([]string{".csv", ".txt", ".xlsx", ".jsonl", ".ndjson", ".json", ".xls"}, ext)
}

func newCheckCmd(app *App) *cobra.Command {
	var matter, unit, out string
	var recordCases bool
	c := &cobra.Command{
		Use:   "check (FILE | CODE...) --matter MATTER --unit UNIT [--record-cases] [-o FILE.xlsx]",
		Short: "信用审查：名单、严重失信记录和适用的奖惩措施 / credit check: lists, serious records and applicable measures",
		Long: `信用审查（第二十五条）：对每个信息主体，列出在今天有效的红黑名单条目、有效的严重失信记录
（含第二十九条记入法定代表人、主要负责人和直接责任人的记录，注明来源），以及对该事项适用的联合奖惩措施。
已过有效期、已撤销或已信用修复的记录不会命中。每个主体作为该信息使用单位的一次查询记入查询日志。
有无命中都以 0 退出。--record-cases 为每个适用的措施记录一条案例（一个事务内完成，计入审计日志）。

FILE 是 CSV/XLSX/JSON Lines 文件，含一列统一社会信用代码或身份证号码（列名如“统一社会信用代码”“身份证号码”
“证件号码”，可另有“名称”列）；也可以直接给出若干代码。
事项（--matter）：` + strings.Join(sanction.Matters, "、") + `

For each subject: its valid list entries, its valid serious records (with where they come from,
including article 29) and the measures that apply for the matter. Logged as queries of the unit.
Exit 0 with or without hits.`,
		Example: example(
			"credit check 91350100M000100Y43 --matter 政府采购 --unit 113206000140000015",
			"credit check 投标人.xlsx --matter 招标投标 --unit 113206000140000015 -o 审查结果.xlsx",
			"credit check 名单.csv --matter 评优评级 --unit 113206000140000015 --record-cases --format json",
		),
		Args: minArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if out != "" && !report.SupportedExt(out) {
				return apperr.Newf(apperr.Usage, "-o %s：不支持的文件类型，请用 .xlsx、.csv、.md 或 .json", "-o %s: unsupported file type; use .xlsx, .csv, .md or .json", out)
			}
			if _, err := sanction.ParseMatter(matter); err != nil {
				return err
			}
			st, err := app.Store()
			if err != nil {
				return err
			}
			op, err := app.Require(operator.Viewer)
			if err != nil {
				return err
			}
			actor := app.Actor(op)
			// A check on a past date sees records expired today (第三十条):
			// like a past validity date in the archive, an office function.
			if app.Today().Before(app.Clock().RealToday()) {
				if err := op.Require(operator.Clerk); err != nil {
					return apperr.Newf(apperr.Rule, "按过去的日期（%s）审查只供本机构工作人员使用：%s", "a check on a past date (%s) is for office staff only: %s",
						app.Today(), apperr.MessageOf(err, app.Lang))
				}
			}
			if recordCases {
				if st, actor, err = app.Writer(operator.Clerk); err != nil {
					return err
				}
			}
			var inputs []sanction.Input
			for _, a := range args {
				if !looksLikeFile(a) {
					inputs = append(inputs, sanction.Input{Code: a})
					continue
				}
				rows, err := readSubjectFile(a, false)
				if err != nil {
					return err
				}
				for _, r := range rows {
					inputs = append(inputs, sanction.Input{Line: r.Line, Code: r.Code, Name: r.Name})
				}
			}
			cat, _, err := st.CatalogInForce(app.Ctx(), app.Today())
			if err != nil {
				return err
			}
			l, lv, err := sanction.MeasuresInForce(app.Ctx(), st)
			if err != nil {
				return err
			}
			res, err := sanction.Check(app.Ctx(), st, actor, cat, l, sanction.CheckRequest{Unit: unit, Matter: matter, On: app.Today(),
				RecordCases: recordCases, Inputs: inputs})
			if err != nil {
				return err
			}
			doc := checkDoc(app, res)
			if out != "" {
				if err := doc.WriteFile(out, app.Lang); err != nil {
					return app.outputFailed(out, err, "", "")
				}
				app.Warn(app.T("已写入 ", "written: ") + out)
			}
			if app.JSON() || out == "" {
				if app.JSON() {
					return doc.Write(app.Out, app.Format, app.Lang, app.IsTTY())
				}
				if err := app.Print(doc.Sections[0].Table); err != nil {
					return err
				}
			}
			if !app.JSON() {
				app.Warn(fmt.Sprintf(app.T("审查 %d 个主体（%s，%s），命中 %d 个，代码无效 %d 个；已记录案例 %d 条。",
					"checked %d subjects (%s, %s): %d hits, %d invalid codes; %d cases recorded."),
					res.Subjects, res.Matter, res.UnitName, res.Hits, res.Invalid, res.CasesRecorded))
				if res.Draft {
					app.Warn(draftNotice(app, l, lv))
				}
			}
			return nil
		},
	}
	c.Flags().StringVar(&matter, "matter", "", "事项："+strings.Join(sanction.Matters, "、")+" / matter")
	c.Flags().StringVar(&unit, "unit", "", "信息使用单位统一社会信用代码（须已登记）/ the user unit's code (registered)")
	c.Flags().BoolVar(&recordCases, "record-cases", false, "为每个适用的措施记录案例 / record a case per applicable measure")
	c.Flags().StringVarP(&out, "output", "o", "", "写入文件（.xlsx/.csv/.md/.json）/ write to a file")
	return c
}

func checkStatusLabel(app *App, s string, inArchive bool) string {
	switch s {
	case sanction.Hit:
		return app.T("命中", "hit")
	case sanction.InvalidCode:
		return app.T("代码无效", "invalid code")
	}
	if !inArchive {
		return app.T("未命中（无档案）", "clear (no archive)")
	}
	return app.T("未命中", "clear")
}

// checkDoc lays a check out: one row per subject, one row per hit with its
// provenance, one row per applicable measure.
func checkDoc(app *App, res *sanction.CheckResult) *report.Doc {
	sep := app.T("；", "; ")
	summary := &tabular.Table{Columns: []tabular.Column{
		{Key: "line", Zh: "行号", En: "Row"}, {Key: "code", Zh: "统一社会信用代码/身份证号码", En: "Code"}, {Key: "name", Zh: "名称", En: "Name"},
		{Key: "status", Zh: "审查结果", En: "Result"}, {Key: "lists", Zh: "有效名单", En: "Lists"},
		{Key: "records", Zh: "严重失信记录", En: "Serious records"}, {Key: "measures", Zh: "适用措施（" + res.Matter + "）", En: "Measures (" + res.Matter + ")"},
		{Key: "cases", Zh: "已记录案例", En: "Cases"},
	}}
	hits := &tabular.Table{Columns: []tabular.Column{
		{Key: "code", Zh: "统一社会信用代码/身份证号码", En: "Code"}, {Key: "type", Zh: "类型", En: "Type"}, {Key: "id", Zh: "编号", En: "ID"},
		{Key: "what", Zh: "名单/信息项", En: "List/item"}, {Key: "by", Zh: "认定单位/信息提供单位", En: "Determined by/provider"},
		{Key: "date", Zh: "认定/决定日期", En: "Date"}, {Key: "valid_until", Zh: "有效期至", En: "Valid until"},
		{Key: "source", Zh: "来源", En: "Provenance"},
	}}
	measures := &tabular.Table{Columns: []tabular.Column{
		{Key: "code", Zh: "统一社会信用代码/身份证号码", En: "Code"}, {Key: "measure", Zh: "措施代码", En: "Measure"},
		{Key: "name", Zh: "措施名称", En: "Measure name"}, {Key: "kind", Zh: "奖惩", En: "Kind"},
		{Key: "grounds", Zh: "依据", En: "Grounds"}, {Key: "confirmed", Zh: "核实情况", En: "Confirmed"},
	}}
	for _, r := range res.Results {
		var lists, recs, ms, cases []string
		for _, e := range r.ListEntries {
			lists = append(lists, sanction.ListLabel(e.List, app.Lang)+" "+e.ID+" "+e.ListName)
			src := app.T("手工录入并经审核", "entered by hand, approved")
			if e.Source == "import" {
				src = fmt.Sprintf(app.T("%s 记录 #%d，批次 %d", "%s record #%d, batch %d"), e.Item, e.RecordID, e.Batch)
			}
			hits.Rows = append(hits.Rows, []string{r.Code, sanction.ListLabel(e.List, app.Lang), e.ID, e.ListName,
				strings.TrimSpace(e.UnitName + " " + e.Unit), e.Determined.String(), e.ValidUntil.String(), src})
		}
		for _, x := range r.SeriousRecords {
			id := fmt.Sprintf("#%d", x.RecordID)
			src := fmt.Sprintf(app.T("批次 %d", "batch %d"), x.Batch)
			if x.Entry != "" {
				id, src = x.Entry, app.T("手工录入的黑名单条目", "hand-entered black-list entry")
			}
			recs = append(recs, id+" "+x.Item)
			if x.Article != "" {
				base := src
				src = fmt.Sprintf(app.T("%s：作为 %s 的%s记入（%s）", "%s: as %s of %s (%s)"), x.Article, x.OwnerCode+" "+x.OwnerName,
					sanction.RoleLabel(x.Role, app.Lang), src)
				if app.Lang == "en" {
					src = fmt.Sprintf("%s: %s of %s (%s)", x.Article, sanction.RoleLabel(x.Role, "en"), x.OwnerCode+" "+x.OwnerName, base)
				}
			}
			hits.Rows = append(hits.Rows, []string{r.Code, app.T("严重失信记录", "serious record"), id,
				x.Item + " " + x.ItemName, x.Provider, x.DecidedOn, x.ValidUntil, src})
		}
		for _, m := range r.Measures {
			ms = append(ms, m.Code)
			var g []string
			for _, x := range m.Grounds {
				g = append(g, x.Label(app.Lang))
			}
			conf := app.T("未核实", "unconfirmed")
			if m.Confirmed {
				conf = app.T("可信度 high（草稿）", "high (draft)")
			}
			measures.Rows = append(measures.Rows, []string{r.Code, m.Code, m.Name, m.Kind.Label(app.Lang), strings.Join(g, sep), conf})
		}
		for _, id := range r.Cases {
			cases = append(cases, fmt.Sprint(id))
		}
		status := checkStatusLabel(app, r.Status, r.InArchive)
		if r.Reason != "" {
			status += app.T("：", ": ") + r.Reason
		}
		line := ""
		if r.Line > 0 {
			line = fmt.Sprint(r.Line)
		}
		summary.Rows = append(summary.Rows, []string{line, r.Code, r.Name, status, strings.Join(lists, sep), strings.Join(recs, sep),
			strings.Join(ms, app.T("、", ", ")), strings.Join(cases, ",")})
	}
	return &report.Doc{
		Title: fmt.Sprintf(app.T("信用审查 %s %s %s", "credit check %s %s %s"), res.Date, res.Matter, res.UnitName),
		Sections: []tabular.Sheet{
			{Name: app.T("审查结果", "Results"), Table: summary},
			{Name: app.T("命中明细", "Hits"), Table: hits},
			{Name: app.T("适用措施", "Measures"), Table: measures},
		},
		JSON: res,
	}
}
