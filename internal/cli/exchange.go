package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"credit/internal/apperr"
	"credit/internal/civil"
	"credit/internal/exchange"
	"credit/internal/operator"
	"credit/internal/store"
	"credit/internal/tabular"
)

func init() { registerNoun("exchange", newExchangeCmd) }

// defaultDepartment is 南通市's 行政区划代码, the 部门代码 in file names.
const defaultDepartment = "320600"

func newExchangeCmd(app *App) *cobra.Command {
	c := &cobra.Command{
		Use:   "exchange",
		Short: "向省级系统报送与交换（第六条、第十六条、第二十三条）/ reporting to and exchange with the provincial system",
		Long: `向省级公共信用信息系统报送本级归集的信息（第六条“向上级系统及时准确完整报送”、第二十三条），
读入省级平台的回执并逐条对账。目录中标了 upward 的信息项报送：新增、修订、更正、撤回、修复、名单移出都作为变更报送，
省级推送下来的记录不再报回（第十六条“避免重复归集报送”）。文件格式、回执格式、操作代码和对账规则见 docs/exchange.md。

  credit exchange export --to province -o DIR   写出尚未被省级确认接收的全部变更（一项一文件，加 manifest.json）
  credit exchange receipt FILE                  读入省级回执：逐条标记已上报或上报失败
  credit exchange status [--check]              各信息项的对账情况；--check 有失败或逾期时退出码 5

Reports what this office collected to the provincial system (arts. 6, 23) and reconciles the province's
receipts record by record. Items the catalog marks upward are reported; records pushed down by the province
never go back up (art. 16). Layouts, receipt format, operation codes and rules: docs/exchange.md.`,
		Example: example(
			"credit exchange export --to province -o 报送/2026-12-08",
			"credit exchange receipt 回执_0001.json",
			"credit exchange status --check   # cron：失败或逾期时退出码 5 / exit 5 on failures or overdue",
		),
		Args: noArgs,
	}
	var to, item, out, format, dept string
	export := &cobra.Command{
		Use:   "export --to province -o DIR",
		Short: "写出尚未被省级确认接收的变更 / write every change the province has not acknowledged",
		Long: `写出尚未被省级确认接收的全部变更：一次导出占用一个序号，每个信息项一个文件
<部门代码><表号>_<YYYYMMDD>_<序号>.xml（--format jsonl 时为 .jsonl），外加 manifest.json（序号，各文件的 SHA-256 与各操作代码的记录数）。
完整报送（第六条）：不论公开范围，已过使用期限的记录也报送（带有效期，由省级决定是否展示）。

上一次导出的回执未到时，再次导出写出的是同一序号的同一批文件，逐字节相同；回执到后，只有未被接收的记录以新的序号再报送。
文件先写入 DIR 中的临时目录并落盘，再改名就位（manifest.json 最后），最后才在库中登记序号：
任何时候被中断都不会出现登记了序号却没有文件、或记录标为已报送却没有清单的情况（docs/exchange.md 第 5 节）。

--format 在本命令中选择文件格式 xml（默认）或 jsonl；写 table、json、csv、md 时仍是标准输出格式。

Writes every change the province has not acknowledged: one sequence number per export, one file per item plus
manifest.json. Everything collected for a marked item goes, whatever its scope, expired records included (they
carry their validity). Before the receipt arrives an export writes the same run again, byte for byte; after it,
only what was not accepted goes again under a new sequence. Files are written to a temporary folder, fsynced and
renamed into place (manifest last) before the sequence is recorded. Here --format chooses the file format (xml,
jsonl); table, json, csv or md still choose stdout.`,
		Example: example(
			"credit exchange export --to province -o 报送/2026-12-08",
			"credit exchange export --to province --item XZCF --format jsonl -o 报送/xzcf",
		),
		Args: noArgs,
		RunE: func(c *cobra.Command, args []string) error {
			return exchangeExport(app, to, item, out, format, dept)
		},
	}
	export.Flags().StringVar(&to, "to", "", "交换对象：province（省级系统）/ partner: province")
	export.Flags().StringVar(&item, "item", "", "只报送该信息项 / only this item")
	export.Flags().StringVarP(&out, "output", "o", "", "输出目录（必填）/ output folder (required)")
	export.Flags().StringVar(&format, "format", exchange.XML, "文件格式 xml|jsonl（table|json|csv|md 为标准输出格式）/ file format xml|jsonl (table|json|csv|md: stdout)")
	export.Flags().StringVar(&dept, "department", defaultDepartment, "文件名中的部门代码 / department code in file names")
	export.MarkFlagRequired("to")
	export.MarkFlagRequired("output")
	export.Annotations = map[string]string{outputIsFolder: "output"}

	receipt := &cobra.Command{
		Use:   "receipt FILE",
		Short: "读入省级回执，逐条对账 / record the province's receipt, record by record",
		Long: `读入省级平台对一个序号的回执（JSON，格式见 docs/exchange.md 第 4 节）：被接收的记录标为“已上报”（带接收日期），
有错误的标为“上报失败”并记下错误代码和说明，下次 export 时重新报送。
回执须列出该序号的全部文件及其 SHA-256，并答复每一条记录；序号不存在、文件哈希不符（文件在传输中被改动）、
答复缺漏或重复时整份拒收（退出码 4），什么也不记录。同一份回执再读一次不做任何改变。

Records the province's receipt for one sequence: accepted records become acknowledged (with the date), errors
are kept with their code and message and go again at the next export. A receipt for an unknown sequence, with a
file hash that differs from what was sent, or that misses or repeats a record is refused whole (exit 4).`,
		Example: example("credit exchange receipt 回执_0001.json"),
		Args:    exactArgs(1),
		RunE:    func(c *cobra.Command, args []string) error { return exchangeReceipt(app, args[0]) },
	}
	var check bool
	status := &cobra.Command{
		Use:   "status [--check]",
		Short: "各信息项的报送对账情况 / reconciliation per item",
		Long: `每个报送的信息项：本级记录数、省级推送数、已报送、已上报（接收）、上报失败、待报送（含待回执）、最早待报送的变更日期及已过工作日数、逾期数。
逾期：变更后超过政策 workdays.upward_receipt 个工作日（默认 7，本办公室规则，参照双公示 7 个工作日报送时限）仍未被接收。
--check：有上报失败或逾期时退出码 5，供定时任务使用。

Per item: local records, pushed down by the province, sent, acknowledged, failed, pending (awaiting export or
receipt), the oldest pending change and its age in working days, overdue. Overdue: not acknowledged more than
policy workdays.upward_receipt working days (default 7, an office rule) after the change. --check exits 5 when
something failed or is overdue, for cron.`,
		Example: example("credit exchange status", "credit exchange status --check --format json"),
		Args:    noArgs,
		RunE:    func(c *cobra.Command, args []string) error { return exchangeStatus(app, check) },
	}
	status.Flags().BoolVar(&check, "check", false, "有失败或逾期时退出码 5 / exit 5 when something failed or is overdue")
	c.AddCommand(export, receipt, status)
	return c
}

// exchangePause lets the crash test stop an export at a stage and kill it
// there (CREDIT_EXCHANGE_PAUSE=written|renamed); it does nothing otherwise.
func exchangePause(app *App) func(string) {
	want := app.Getenv("CREDIT_EXCHANGE_PAUSE")
	if want == "" {
		return nil
	}
	return func(stage string) {
		if stage == want {
			fmt.Fprintf(app.Err, "credit: exchange paused at %s\n", stage)
			time.Sleep(time.Minute)
		}
	}
}

func exchangeExport(app *App, to, item, dir, format, dept string) error {
	switch format {
	case exchange.XML, exchange.JSONL:
	case tabular.Text, tabular.JSON, tabular.CSV, tabular.MD:
		app.Format, format = format, exchange.XML
	default:
		return apperr.Newf(apperr.Usage, "--format %q 无效：文件格式为 xml 或 jsonl", "--format %q is not valid: the file format is xml or jsonl", format)
	}
	if to != exchange.Target {
		return apperr.Newf(apperr.Usage, "--to %q 无效：目前只能向 province（省级系统）报送", "--to %q is not valid: only province can be reported to", to)
	}
	if strings.TrimSpace(dir) == "" {
		return apperr.New(apperr.Usage, "-o 不能为空：给出输出目录", "-o may not be empty: give the output folder")
	}
	if fi, err := os.Stat(dir); err == nil && !fi.IsDir() {
		return apperr.Newf(apperr.Usage, "-o %s 不是目录", "-o %s is not a folder", dir)
	}
	if dept == "" || strings.ContainsAny(dept, `/\_. `) {
		return apperr.Newf(apperr.Usage, "--department %q 无效", "--department %q is not valid", dept)
	}
	st, actor, err := app.Writer(operator.Clerk)
	if err != nil {
		return err
	}
	ctx := app.Ctx()
	cat, _, err := st.CatalogInForce(ctx, app.Today())
	if err != nil {
		return err
	}
	open, isOpen, err := st.ExchangeOpenRun(ctx)
	if err != nil {
		return err
	}
	if isOpen {
		return exchangeRewrite(app, st, actor, open, dir)
	}
	items, err := exchange.UpwardItems(cat, item)
	switch {
	case exchange.IsNotUpward(err):
		return apperr.Newf(apperr.Rule, "信息项 %s 在目录中没有标为向省级报送（upward）", "item %s is not marked for upward reporting (upward) in the catalog", item)
	case err != nil:
		return apperr.Newf(apperr.Usage, "目录中没有信息项 %s", "the catalog has no item %s", item)
	}
	codes := make([]string, len(items))
	personal := map[string]string{}
	for i, it := range items {
		codes[i] = it.Code
		personal[it.Code] = it.Upward
	}
	rows, err := st.ExchangeCandidates(ctx, codes)
	if err != nil {
		return err
	}
	if len(rows) == 0 {
		if app.JSON() {
			return app.Print(&tabular.Table{JSON: map[string]any{"sequence": 0, "records": 0, "files": []any{}}})
		}
		app.Println(app.T("没有需要报送的变更：未占用序号，未写文件。", "Nothing to send: no sequence used, no file written."))
		return nil
	}
	seq, err := st.ExchangeNextSeq(ctx)
	if err != nil {
		return err
	}
	run, err := exchangeBuild(app, st, rows, personal, seq, dept, app.Today(), format)
	if err != nil {
		return err
	}
	if err := exchange.Write(dir, run, exchangePause(app)); err != nil {
		return app.outputFailed(dir, err, "无法写入 "+dir+"："+err.Error(), "cannot write "+dir+": "+err.Error())
	}
	var files []store.ExchangeFile
	var sent []store.ExchangeSent
	audit := []map[string]any{}
	for _, f := range run.Files {
		files = append(files, store.ExchangeFile{Name: f.Name, Item: f.Item, SHA256: f.SHA256, Records: len(f.Records), Personal: f.Personal})
		audit = append(audit, map[string]any{"name": f.Name, "sha256": f.SHA256, "records": len(f.Records)})
		for _, r := range f.Records {
			sent = append(sent, store.ExchangeSent{RecordID: r.ID, Rev: r.Rev, Op: r.Op, File: f.Name})
		}
	}
	manifestHash := exchange.HashOf(run.Manifest)
	err = st.Write(ctx, actor, func(tx *store.Tx) error {
		if err := tx.InsertExchangeRun(store.ExchangeRun{Seq: seq, Target: exchange.Target, Department: dept, Today: app.Today().String(),
			Format: format, ManifestSHA256: manifestHash, Records: run.Records()}, files, sent); err != nil {
			return err
		}
		return tx.Audit("exchange.export", fmt.Sprintf("exchange:%d", seq), map[string]any{"sequence": seq, "target": exchange.Target,
			"records": run.Records(), "files": audit, "manifest_sha256": manifestHash})
	})
	if errors.Is(err, store.ErrExchangeRace) {
		return apperr.New(apperr.Internal, "导出期间有其他导出或记录变更：本次未登记序号，请重新运行", "another export or a record change came in meanwhile: nothing was recorded; run the export again")
	}
	if err != nil {
		return err
	}
	return exchangePrintRun(app, run, dir, false)
}

// exchangeBuild reads the layouts of rows and builds the run.
func exchangeBuild(app *App, st *store.Store, rows []store.ExchangeRow, personal map[string]string, seq int64, dept string, date civil.Date, format string) (*exchange.Run, error) {
	ids := make([]int64, 0, len(rows))
	for _, r := range rows {
		ids = append(ids, r.Layout)
	}
	layouts, err := st.LayoutNames(app.Ctx(), ids)
	if err != nil {
		return nil, err
	}
	cat, _, err := st.CatalogInForce(app.Ctx(), date)
	if err != nil {
		return nil, err
	}
	return exchange.Build(cat, rows, layouts, personal, seq, dept, date, format)
}

// exchangeRewrite writes an open run again, exactly as it was first written.
func exchangeRewrite(app *App, st *store.Store, actor store.Actor, open store.ExchangeRun, dir string) error {
	ctx := app.Ctx()
	rows, err := st.ExchangeRunRows(ctx, open.Seq)
	if err != nil {
		return err
	}
	stored, err := st.ExchangeFiles(ctx, open.Seq)
	if err != nil {
		return err
	}
	personal := map[string]string{}
	for _, f := range stored {
		personal[f.Item] = f.Personal
	}
	date, err := civil.Parse(open.Today)
	if err != nil {
		return err
	}
	run, err := exchangeBuild(app, st, rows, personal, open.Seq, open.Department, date, open.Format)
	if err != nil {
		return err
	}
	same := exchange.HashOf(run.Manifest) == open.ManifestSHA256 && len(run.Files) == len(stored)
	for i := 0; same && i < len(stored); i++ {
		same = run.Files[i].Name == stored[i].Name && run.Files[i].SHA256 == stored[i].SHA256
	}
	if !same {
		return apperr.Newf(apperr.Internal, "序号 %d 的文件无法按原样重写（其中的记录在此期间被清除？）：请用原来写出的文件，或联系管理员",
			"the files of sequence %d cannot be written again as they were (a record purged meanwhile?): use the files written then, or ask an administrator", open.Seq)
	}
	fmt.Fprintf(app.Err, app.T("序号 %d 尚未收到回执：重新写出同一批文件（逐字节相同）。回执到后再导出新的变更。\n",
		"sequence %d awaits its receipt: writing the same files again (byte for byte); new changes go after the receipt.\n"), open.Seq)
	if err := exchange.Write(dir, run, exchangePause(app)); err != nil {
		return app.outputFailed(dir, err, "无法写入 "+dir+"："+err.Error(), "cannot write "+dir+": "+err.Error())
	}
	err = st.Write(ctx, actor, func(tx *store.Tx) error {
		return tx.Audit("exchange.rewrite", fmt.Sprintf("exchange:%d", open.Seq), map[string]any{"sequence": open.Seq, "records": run.Records(),
			"manifest_sha256": open.ManifestSHA256})
	})
	if err != nil {
		return err
	}
	return exchangePrintRun(app, run, dir, true)
}

func opsText(ops map[string]int) string {
	var parts []string
	for _, op := range []string{exchange.OpInsert, exchange.OpUpdate, exchange.OpWithdraw, exchange.OpRepair} {
		if n := ops[op]; n > 0 {
			parts = append(parts, op+"="+strconv.Itoa(n))
		}
	}
	return strings.Join(parts, " ")
}

func exchangePrintRun(app *App, run *exchange.Run, dir string, rewritten bool) error {
	t := &tabular.Table{Columns: []tabular.Column{{Key: "file", Zh: "文件", En: "File"}, {Key: "item", Zh: "信息项", En: "Item"},
		{Key: "records", Zh: "记录数", En: "Records"}, {Key: "operations", Zh: "操作", En: "Operations"}, {Key: "sha256", Zh: "SHA-256", En: "SHA-256"}}}
	files := []map[string]any{}
	for _, f := range run.Files {
		t.Rows = append(t.Rows, []string{f.Name, f.Item, strconv.Itoa(len(f.Records)), opsText(f.Ops), f.SHA256})
		files = append(files, map[string]any{"name": f.Name, "item": f.Item, "records": len(f.Records), "operations": f.Ops, "sha256": f.SHA256})
	}
	t.JSON = map[string]any{"sequence": run.Seq, "records": run.Records(), "rewritten": rewritten, "dir": dir,
		"manifest": filepath.Join(dir, exchange.ManifestName), "manifest_sha256": exchange.HashOf(run.Manifest), "files": files}
	t.Footer = []string{fmt.Sprintf(app.T("序号 %d：%d 条记录，%d 个文件，清单 %s", "sequence %d: %d records, %d files, manifest %s"),
		run.Seq, run.Records(), len(run.Files), filepath.Join(dir, exchange.ManifestName))}
	return app.Print(t)
}

func exchangeReceipt(app *App, path string) error {
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return apperr.Newf(apperr.Usage, "回执文件 %s 不存在", "receipt file %s does not exist", path)
	case err == nil && !fi.Mode().IsRegular():
		return apperr.Newf(apperr.Usage, "%s 不是普通文件", "%s is not a regular file", path)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return apperr.Wrap(err, apperr.Internal, "无法读取 "+path, "cannot read "+path)
	}
	st, actor, err := app.Writer(operator.Clerk)
	if err != nil {
		return err
	}
	ctx := app.Ctx()
	name := filepath.Base(path)
	r, err := exchange.ParseReceipt(name, data)
	if err != nil {
		return err
	}
	run, ok, err := st.ExchangeRunBySeq(ctx, r.Sequence)
	if err != nil {
		return err
	}
	if !ok {
		return exchange.UnknownSequence(name, r.Sequence)
	}
	hash := exchange.HashOf(data)
	if run.ReceiptedAt != "" {
		prev, _, err := st.ExchangeReceiptHash(ctx, r.Sequence)
		if err != nil {
			return err
		}
		if prev != hash {
			return exchange.AlreadyAnswered(name, r.Sequence)
		}
		app.Println(fmt.Sprintf(app.T("序号 %d 的这份回执已经登记过，未做任何改变。", "This receipt for sequence %d was already recorded; nothing changed."), r.Sequence))
		return nil
	}
	files, err := st.ExchangeFiles(ctx, r.Sequence)
	if err != nil {
		return err
	}
	sent, err := st.ExchangeSentRows(ctx, r.Sequence)
	if err != nil {
		return err
	}
	answers, err := exchange.Check(name, r, run, files, sent)
	if err != nil {
		return err
	}
	var accepted, failed int
	err = st.Write(ctx, actor, func(tx *store.Tx) error {
		var err error
		accepted, failed, err = tx.RecordExchangeReceipt(r.Sequence, hash, r.ReceivedOn, answers)
		if err != nil {
			return err
		}
		return tx.Audit("exchange.receipt", fmt.Sprintf("exchange:%d", r.Sequence), map[string]any{"sequence": r.Sequence,
			"receipt_sha256": hash, "accepted": accepted, "failed": failed})
	})
	if errors.Is(err, store.ErrExchangeRace) {
		return exchange.AlreadyAnswered(name, r.Sequence)
	}
	if err != nil {
		return err
	}
	t := &tabular.Table{Columns: []tabular.Column{{Key: "record", Zh: "记录", En: "Record"}, {Key: "file", Zh: "文件", En: "File"},
		{Key: "code", Zh: "错误代码", En: "Code"}, {Key: "message", Zh: "说明", En: "Message"}}}
	failures := []map[string]any{}
	for _, a := range answers {
		if a.Accepted {
			continue
		}
		t.Rows = append(t.Rows, []string{strconv.FormatInt(a.RecordID, 10), sent[a.RecordID].File, a.Code, a.Message})
		failures = append(failures, map[string]any{"record": a.RecordID, "file": sent[a.RecordID].File, "code": a.Code, "message": a.Message})
	}
	t.JSON = map[string]any{"sequence": r.Sequence, "accepted": accepted, "failed": failed, "received_on": r.ReceivedOn, "failures": failures}
	summary := fmt.Sprintf(app.T("序号 %d：%d 条已上报，%d 条上报失败。", "sequence %d: %d acknowledged, %d failed."), r.Sequence, accepted, failed)
	if failed > 0 {
		summary += app.T("失败的记录在下次 export 时重新报送。", " The failed records go again at the next export.")
	}
	if failed == 0 && !app.JSON() {
		app.Println(summary)
		return nil
	}
	if err := app.Print(t); err != nil {
		return err
	}
	if !app.JSON() {
		app.Warn(summary)
	}
	return nil
}

func exchangeStatus(app *App, check bool) error {
	st, err := app.Store()
	if err != nil {
		return err
	}
	if _, err := app.Require(operator.Viewer); err != nil {
		return err
	}
	ctx := app.Ctx()
	cat, _, err := st.CatalogInForce(ctx, app.Today())
	if err != nil {
		return err
	}
	cal, err := app.Calendar()
	if err != nil {
		return err
	}
	items, err := exchange.Status(ctx, st, cat, cal, app.Today())
	if err != nil {
		return err
	}
	open, isOpen, err := st.ExchangeOpenRun(ctx)
	if err != nil {
		return err
	}
	limit := cat.Policy.Workdays.UpwardReceipt
	t := &tabular.Table{Columns: []tabular.Column{{Key: "item", Zh: "信息项", En: "Item"}, {Key: "local", Zh: "本级记录", En: "Local"},
		{Key: "from_province", Zh: "省级推送", En: "From province"}, {Key: "sent", Zh: "已报送", En: "Sent"},
		{Key: "acknowledged", Zh: "已上报", En: "Acknowledged"}, {Key: "failed", Zh: "上报失败", En: "Failed"},
		{Key: "pending", Zh: "待报送", En: "Pending"}, {Key: "oldest", Zh: "最早待报送", En: "Oldest pending"},
		{Key: "overdue", Zh: "逾期", En: "Overdue"}}}
	var failed, overdue int
	for _, s := range items {
		oldest := ""
		if s.OldestSince != "" {
			oldest = fmt.Sprintf(app.T("%s（%d 个工作日）", "%s (%d working days)"), s.OldestSince, s.OldestWorkdays)
		}
		t.Rows = append(t.Rows, []string{s.Item + " " + s.Name, strconv.Itoa(s.Local), strconv.Itoa(s.FromProvince), strconv.Itoa(s.Sent),
			strconv.Itoa(s.Acknowledged), strconv.Itoa(s.Failed), strconv.Itoa(s.Pending), oldest, strconv.Itoa(s.Overdue)})
		failed += s.Failed
		overdue += s.Overdue
	}
	var openSeq int64
	if isOpen {
		openSeq = open.Seq
	}
	ok := failed == 0 && overdue == 0
	if items == nil {
		items = []exchange.ItemStatus{}
	}
	t.JSON = map[string]any{"as_of": app.Today().String(), "limit_workdays": limit, "awaiting_receipt_sequence": openSeq,
		"failed": failed, "overdue": overdue, "ok": ok, "items": items}
	t.Footer = []string{fmt.Sprintf(app.T("逾期：变更后超过 %d 个工作日仍未被省级接收（本办公室规则，服务第六条）。", "Overdue: not acknowledged %d working days after the change (office rule serving art. 6)."), limit)}
	if isOpen {
		t.Footer = append(t.Footer, fmt.Sprintf(app.T("序号 %d 尚待回执。", "Sequence %d awaits its receipt."), openSeq))
	}
	if err := app.Print(t); err != nil {
		return err
	}
	if check && !ok {
		return apperr.Newf(apperr.Rule, "报送对账未通过：%d 条上报失败，%d 条逾期（超过 %d 个工作日未被接收，本办公室规则，服务第六条）",
			"exchange check failed: %d records failed, %d overdue (not acknowledged within %d working days; office rule serving art. 6)", failed, overdue, limit)
	}
	return nil
}
