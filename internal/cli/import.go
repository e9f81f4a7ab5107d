package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"credit/internal/apperr"
	"credit/internal/ident"
	"credit/internal/ingest"
	"credit/internal/operator"
	"credit/internal/store"
	"credit/internal/tabular"
)

func init() { registerNoun("import", newImportCmd) }

type importOpts struct {
	provider, item, channel, encoding, sheet, rejects string
	ignoreUnknown, dryRun                             bool
	headerRow                                         int
}

func newImportCmd(app *App) *cobra.Command {
	var o importOpts
	c := &cobra.Command{
		Use:   "import FILE... --provider CODE --item ITEM",
		Short: "归集信息提供单位报送的文件 / import provider files",
		Long: `逐行校验并归集信息提供单位报送的文件（CSV：UTF-8/GBK/GB18030 自动识别；XLSX；旧版 Excel .xls；JSON Lines），
合格的行归入信息主体的信用档案，不合格的行写入拒收报告（--rejects），供提供单位改正后重新报送。
整个文件先写入暂存区，全部处理完才一次发布；中途失败或被中断，不会留下半个批次。
同一文件（内容相同）再次导入不会重复存储。
表头可在前 20 行中的任一行；目录中写有旧格式（如旧版双公示 处罚类别1、CF_XDR_SFZ）的信息项，按表头全文识别旧格式，
按现行字段校验和存储（docs/import.md）。

退出码：0 全部入库；3 部分行被拒收（含全部被拒）；4 整个文件被拒、未存储任何内容（编码、列、第十四条禁止字段、
提供单位或信息项不符、超过目录政策 import_limits 的上限）；2 文件不存在、是文件夹或 FIFO；1 文件无法读取。

Validates every row against the catalog in force and stores the good ones; rejected rows go to a
report the department can fix and resubmit. Nothing is visible until the whole file is published.`,
		Example: example(
			"credit import 行政处罚_202611.csv --provider 11320600MB12345674 --item XZCF",
			"credit import a.xlsx b.csv --provider 11320600MB12345674 --item XZXK --rejects 拒收.csv",
			"credit import data.jsonl --provider 11320600MB12345674 --item XZCF --channel province --format json",
			"credit import old.csv --provider 11320600MB12345674 --item XZCF --encoding gbk --dry-run",
		),
		Args: minArgs(1),
		RunE: func(c *cobra.Command, files []string) error { return runImport(app, o, files) },
	}
	f := c.Flags()
	f.StringVar(&o.provider, "provider", "", "信息提供单位统一社会信用代码（须已登记该信息项）/ provider code")
	f.StringVar(&o.item, "item", "", "信息项代码，如 XZCF / item code")
	f.StringVar(&o.channel, "channel", "local", "报送渠道 local（同级推送）|province（省统一推送）/ channel")
	f.StringVar(&o.encoding, "encoding", "auto", "CSV 编码 auto|utf-8|gbk|gb18030 / CSV encoding")
	f.StringVar(&o.sheet, "sheet", "", "XLSX/XLS 工作表名（默认为表头符合该信息项的工作表）/ workbook sheet (default: the one whose header fits the item)")
	f.IntVar(&o.headerRow, "header-row", 0, "表头所在行（Excel 中的行号；默认在前 20 行中自动查找）/ the header's row as Excel numbers it (default: found in the first 20 rows)")
	f.StringVar(&o.rejects, "rejects", "", "拒收报告 CSV 文件（UTF-8 带 BOM）/ write the reject report here")
	f.BoolVar(&o.ignoreUnknown, "ignore-unknown", false, "忽略目录中没有的列 / ignore columns the catalog does not name")
	f.BoolVar(&o.dryRun, "dry-run", false, "只校验，不入库 / check only, store nothing")
	c.MarkFlagRequired("provider")
	c.MarkFlagRequired("item")
	return c
}

func runImport(app *App, o importOpts, files []string) error {
	if o.channel != "local" && o.channel != "province" {
		return apperr.Newf(apperr.Usage, "--channel %q 无效，应为 local 或 province", "--channel %q: use local or province", o.channel)
	}
	if o.headerRow < 0 {
		return apperr.Newf(apperr.Usage, "--header-row %d 无效：应为表头在 Excel 中的行号（1 起）", "--header-row %d: give the header's row number as Excel shows it (from 1)", o.headerRow)
	}
	switch strings.ToLower(o.encoding) {
	case "auto", "utf-8", "utf8", "gbk", "gb18030":
	default:
		return apperr.Newf(apperr.Usage, "--encoding %q 无效，应为 auto、utf-8、gbk 或 gb18030", "--encoding %q: use auto, utf-8, gbk or gb18030", o.encoding)
	}
	if o.rejects != "" {
		// Checked before any work: a report that cannot be written must not
		// be found out after the file is stored (issue 16).
		if fi, err := os.Stat(filepath.Dir(o.rejects)); err != nil || !fi.IsDir() {
			return apperr.Newf(apperr.Usage, "--rejects %s：文件夹 %s 不存在，请先建立或换一个路径", "--rejects %s: the folder %s does not exist; create it or choose another path",
				o.rejects, filepath.Dir(o.rejects))
		}
	}
	o.item = strings.ToUpper(strings.TrimSpace(o.item))
	o.provider = ident.NormalizeCode(o.provider)
	if err := app.ForChange(); err != nil {
		return err
	}
	st, err := app.Store()
	if err != nil {
		return err
	}
	op, err := app.Require(operator.Clerk)
	if err != nil {
		return err
	}
	cat, version, err := st.CatalogInForce(app.Ctx(), app.Today())
	if err != nil {
		return err
	}
	refuse := func(reason, zh, en string) error {
		if app.JSON() {
			for _, f := range files {
				printJSONLine(app, map[string]any{"file": f, "refused": reason, "message": app.T(zh, en), "rows": 0, "accepted": 0, "revised": 0, "duplicates": 0, "rejected": 0, "reasons": map[string]int{}})
			}
		}
		return apperr.New(apperr.Refused, zh, en)
	}
	if cat.Item(o.item) == nil {
		return refuse("unknown_item", fmt.Sprintf("目录（%s 版）中没有信息项 %s：请用 credit catalog show 查看可归集的信息项", cat.Version, o.item),
			fmt.Sprintf("the catalog (version %s) has no item %s: see credit catalog show", cat.Version, o.item))
	}
	exists, registered, err := st.ProviderRegistered(app.Ctx(), o.provider, o.item)
	if err != nil {
		return err
	}
	if !registered {
		zh := fmt.Sprintf("信息提供单位 %s 未登记信息项 %s：请管理员运行 credit provider add %s --name 名称 --items %s", o.provider, o.item, o.provider, o.item)
		if !exists {
			zh = fmt.Sprintf("信息提供单位 %s 未登记：请管理员运行 credit provider add %s --name 名称 --items %s", o.provider, o.provider, o.item)
		}
		return refuse("provider_not_registered", zh, fmt.Sprintf("provider %s is not registered for item %s: credit provider add %s --items %s", o.provider, o.item, o.provider, o.item))
	}
	// A soft ceiling keeps a big import's memory flat (SPEC §7: under 300 MB
	// at any file size); the GC works harder instead of growing the heap.
	// Below it, collecting at 400% growth rather than 100% cuts the
	// collections that compete with the one writing goroutine (the live
	// heap is a few 2,000-row chunks, about 30 MB; peak near 200 MB).
	if app.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(128 << 20)
	}
	if app.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	im := &ingest.Importer{Store: st, Catalog: cat, Version: version, Today: app.Today()}
	worst := apperr.OK
	var errs []error
	for _, f := range files {
		code, err := importOne(app, im, op, o, f, len(files) > 1)
		worst = apperr.Max(worst, code)
		if err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		// Every file's refusal is told, not only the first; the exit code is
		// the highest of all files (SPEC §A).
		for _, err := range errs[:len(errs)-1] {
			fmt.Fprintln(app.Err, "credit: "+apperr.MessageOf(err, app.Lang))
		}
		last := errs[len(errs)-1]
		var ae *apperr.Error
		if errors.As(last, &ae) && ae.Code < worst {
			ae.Code = worst
		}
		return last
	}
	switch worst {
	case apperr.Partial:
		if o.rejects != "" {
			return apperr.New(apperr.Partial, "部分行被拒收，详见拒收报告", "some rows were rejected; see the reject report")
		}
		return apperr.New(apperr.Partial, "部分行被拒收：加 --rejects 文件.csv 写出拒收报告，或用 credit batch rejects 批次号 -o 文件.csv",
			"some rows were rejected: add --rejects FILE.csv for the report, or use credit batch rejects N -o FILE.csv")
	case apperr.OK:
		return nil
	}
	return apperr.New(worst, "导入未全部完成", "the import did not complete")
}

func printJSONLine(app *App, v any) {
	b, _ := json.Marshal(v)
	fmt.Fprintln(app.Out, string(b))
}

func importOne(app *App, im *ingest.Importer, op operator.Operator, o importOpts, file string, several bool) (apperr.Code, error) {
	opt := ingest.Options{Provider: o.provider, Item: o.item, Channel: o.channel, Encoding: strings.ToLower(o.encoding), Sheet: o.sheet, HeaderRow: o.headerRow,
		IgnoreUnknown: o.ignoreUnknown, DryRun: o.dryRun, Actor: app.Actor(op)}
	if o.dryRun {
		// A dry run looks up the subject and the published record of every
		// row: compile those statements once, not per row (store.HoldStatements).
		im.Store.HoldStatements()
	}
	if err := checkInput(file); err != nil {
		// docs/guide.md: missing, a folder or a FIFO is a usage error (2),
		// unreadable is 1; the JSON line says which.
		if app.JSON() {
			reason := "file_unreadable"
			if apperr.CodeOf(err) == apperr.Usage {
				reason = "file_not_found"
			}
			printJSONLine(app, map[string]any{"file": file, "refused": reason, "message": apperr.MessageOf(err, app.Lang),
				"rows": 0, "accepted": 0, "revised": 0, "duplicates": 0, "rejected": 0, "reasons": map[string]int{}})
		}
		return apperr.CodeOf(err), err
	}
	if fi, err := os.Stat(file); err == nil && app.StderrTTY() && fi.Size() > 4<<20 {
		start := time.Now()
		last := time.Time{}
		opt.Progress = func(rows int) {
			if time.Since(last) > 200*time.Millisecond {
				last = time.Now()
				fmt.Fprintf(app.Err, "\r%s：已读 %d 行（%.0f 行/秒）", filepath.Base(file), rows, float64(rows)/time.Since(start).Seconds())
			}
		}
		defer fmt.Fprint(app.Err, "\r\033[K")
	}
	res, err := im.Import(app.Ctx(), file, opt)
	var fe *ingest.FileError
	if errors.As(err, &fe) {
		res.Refused, res.Message = fe.Reason, app.T(fe.Zh, fe.En)
		// Refused whole: nothing was stored, whatever had been staged
		// (SPEC amendment of 2026-12 on exit 4).
		res.Batch, res.Accepted, res.Revised, res.Duplicates = 0, 0, 0, 0
		if app.JSON() {
			printJSONLine(app, res)
		}
		if fe.Reason == ingest.ReasonSheetChoice {
			// Several sheets fit: which one is the clerk's choice (--sheet).
			return apperr.Usage, apperr.New(apperr.Usage, fe.Zh, fe.En)
		}
		return apperr.Refused, apperr.New(apperr.Refused, fe.Zh, fe.En)
	}
	if err != nil {
		return apperr.Internal, err
	}
	code := apperr.OK
	if res.Rejected > 0 {
		code = apperr.Partial
	}
	if o.rejects != "" && res.Rejected > 0 {
		out := o.rejects
		if several {
			ext := filepath.Ext(out)
			out = strings.TrimSuffix(out, ext) + "-" + strings.TrimSuffix(filepath.Base(file), filepath.Ext(file)) + ext
		}
		rejects, err := rejectsFor(app, res)
		if err != nil {
			return apperr.Internal, err
		}
		at := ""
		if res.HeaderRow > 0 {
			at = fmt.Sprint(res.HeaderRow)
			if res.HeaderRows == 2 {
				at = fmt.Sprintf("%d–%d", res.HeaderRow, res.HeaderRow+1)
			}
		}
		if err := ingest.WriteRejectsReport(out, res.Header, rejects, at); err != nil {
			if store.IsDiskFull(err) {
				return apperr.Internal, outputDiskFull(out, err)
			}
			return apperr.Internal, apperr.Wrap(err, apperr.Internal, "无法写入拒收报告 "+out, "cannot write the reject report "+out)
		}
		fmt.Fprintln(app.Err, app.T("拒收报告：", "reject report: ")+out)
	}
	if app.JSON() {
		printJSONLine(app, res)
		return code, nil
	}
	printImportResult(app, res)
	return code, nil
}

// rejectsFor is the complete reject list: from the batch when stored, else
// (dry run) what the result carries.
func rejectsFor(app *App, res *ingest.Result) ([]store.Reject, error) {
	if res.Batch > 0 && !res.DryRun {
		st, err := app.Store()
		if err != nil {
			return nil, err
		}
		return st.Rejects(app.Ctx(), res.Batch)
	}
	out := make([]store.Reject, len(res.Rejects))
	for i, r := range res.Rejects {
		out[i] = store.Reject{Line: r.Line, Cells: r.Cells, Fields: r.Fields, Reasons: r.Reasons, Message: r.Message}
	}
	return out, nil
}

func printImportResult(app *App, res *ingest.Result) {
	switch {
	case res.AlreadyImportedAs > 0:
		app.Println(fmt.Sprintf(app.T("%s：此文件已于批次 %d 导入，本次未存储任何内容", "%s: already imported as batch %d; nothing stored"), res.File, res.AlreadyImportedAs))
		return
	case res.DryRun:
		app.Println(fmt.Sprintf(app.T("%s（试运行，未入库）：读取 %d 行，可入库 %d，拒收 %d", "%s (dry run, nothing stored): %d rows, %d would be stored, %d rejected"),
			res.File, res.Rows, res.Accepted, res.Rejected))
	default:
		app.Println(fmt.Sprintf(app.T("%s → 批次 %d：读取 %d 行，新增 %d，修订 %d，重复 %d，拒收 %d", "%s → batch %d: %d rows, %d new, %d revised, %d duplicates, %d rejected"),
			res.File, res.Batch, res.Rows, res.Accepted, res.Revised, res.Duplicates, res.Rejected))
	}
	printImportFrame(app, res)
	printImportWarnings(app, res)
	if res.Rejected == 0 {
		return
	}
	var reasons []string
	for r := range res.Reasons {
		reasons = append(reasons, r)
	}
	sort.Slice(reasons, func(i, j int) bool { return res.Reasons[reasons[i]] > res.Reasons[reasons[j]] })
	t := &tabular.Table{Columns: []tabular.Column{{Key: "reason", Zh: "原因", En: "Reason"}, {Key: "label", Zh: "说明", En: "Meaning"}, {Key: "rows", Zh: "行数", En: "Rows"}}}
	for _, r := range reasons {
		t.Rows = append(t.Rows, []string{r, ingest.ReasonLabel(r), fmt.Sprint(res.Reasons[r])})
	}
	app.Print(t)
	shown := res.Rejects
	if len(shown) > 20 {
		shown = shown[:20]
	}
	rt := &tabular.Table{Columns: []tabular.Column{{Key: "row", Zh: "行号", En: "Row"}, {Key: "fields", Zh: "错误字段", En: "Fields"}, {Key: "message", Zh: "错误原因", En: "Reason"}}}
	for _, r := range shown {
		rt.Rows = append(rt.Rows, []string{fmt.Sprint(r.Line), r.Fields, r.Message})
	}
	app.Print(rt)
	if res.Rejected > len(shown) && res.Batch > 0 {
		app.Println(fmt.Sprintf(app.T("……仅列出前 %d 行，全部 %d 行见 credit batch rejects %d -o 拒收.csv", "… first %d shown; all %d with credit batch rejects %d -o rejects.csv"), len(shown), res.Rejected, res.Batch))
	}
}

// printImportFrame says where the header was and which rows above it
// (titles) and under the data (notes) were skipped (issue 22).
func printImportFrame(app *App, res *ingest.Result) {
	if res.Layout != "" {
		app.Println(fmt.Sprintf(app.T("格式：%s（目录中的旧格式，按现行字段校验；拒收报告用现行列名）", "layout: %s (an older layout in the catalog, checked as today's fields; the reject report uses today's column names)"), res.Layout))
	}
	if res.HeaderRow == 0 || (res.HeaderRow == 1 && res.HeaderRows <= 1 && len(res.Titles) == 0 && len(res.Notes) == 0 && res.Sheet == "") {
		return
	}
	at := fmt.Sprint(res.HeaderRow)
	if res.HeaderRows == 2 {
		at = fmt.Sprintf("%d–%d", res.HeaderRow, res.HeaderRow+1)
	}
	line := fmt.Sprintf(app.T("表头：第 %s 行", "header: row %s"), at)
	if res.Sheet != "" {
		line = fmt.Sprintf(app.T("工作表 %s，", "sheet %s, "), res.Sheet) + line
	}
	app.Println(line)
	if len(res.Titles)+len(res.Notes) == 0 {
		return
	}
	t := &tabular.Table{Columns: []tabular.Column{{Key: "row", Zh: "行号", En: "Row"}, {Key: "kind", Zh: "跳过", En: "Skipped as"}, {Key: "text", Zh: "内容", En: "Text"}}}
	for _, r := range res.Titles {
		t.Rows = append(t.Rows, []string{fmt.Sprint(r.Line), app.T("表头上方的标题行", "title above the header"), r.Text})
	}
	for _, r := range res.Notes {
		t.Rows = append(t.Rows, []string{fmt.Sprint(r.Line), app.T("数据下方的说明行", "note under the data"), r.Text})
	}
	app.Print(t)
}

// printImportWarnings lists the rows stored with a warning (a 16–17-year-old
// taken under 民法典 第十八条第二款, 第二条).
func printImportWarnings(app *App, res *ingest.Result) {
	if res.Warned == 0 {
		return
	}
	if res.DryRun {
		app.Println(fmt.Sprintf(app.T("%d 行可入库但有提示，请核对：", "%d rows would be stored with a warning; check them:"), res.Warned))
	} else {
		app.Println(fmt.Sprintf(app.T("%d 行已入库但有提示，请核对：", "%d rows were stored with a warning; check them:"), res.Warned))
	}
	shown := res.Warnings
	if len(shown) > 20 {
		shown = shown[:20]
	}
	t := &tabular.Table{Columns: []tabular.Column{{Key: "row", Zh: "行号", En: "Row"}, {Key: "fields", Zh: "字段", En: "Fields"}, {Key: "message", Zh: "提示", En: "Warning"}}}
	for _, w := range shown {
		t.Rows = append(t.Rows, []string{fmt.Sprint(w.Line), w.Fields, app.T(w.Message, w.MessageEn)})
	}
	app.Print(t)
}
