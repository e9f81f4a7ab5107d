package cli

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"credit/internal/apperr"
	"credit/internal/catalog"
	"credit/internal/ident"
	"credit/internal/operator"
	"credit/internal/retention"
	"credit/internal/store"
	"credit/internal/tabular"
)

func init() { registerNoun("retention", newRetentionCmd) }

func newRetentionCmd(app *App) *cobra.Command {
	c := &cobra.Command{
		Use:   "retention",
		Short: "保存期限（第八条）：列出已过保存期限的记录，按程序清除 / retention periods: list and purge",
		Long: `第八条：目录为每个信息项公布保存期限。保存期限届满的记录由管理员按程序清除（个人信息保护法第四十七条）；
除此之外任何记录都不得删除（《办法》第三十六条、第三十七条）。

  credit retention            列出今天（--today）已过保存期限的记录，不做任何改变（同 credit retention list）
  credit retention purge      按文件编号（--ref）清除这些记录的内容（仅管理员）
  credit retention purged     列出已清除的记录（本机构内部）

保存期限的起算：有使用期限的记录（负面信息等）自使用期限届满之日起算；没有的自决定日期起算（无决定日期的自归集日期起算）；
已修复记录的原始信息为档案（第三十五条），按政策 repaired_retention 自修复完成之日起算（本办公室规则）。
保存期限为 permanent（长期）的信息项从不清除。详见 docs/retention.md。

Article 8: the catalog publishes each item's retention period. Records past it are purged by an administrator
under a document reference (PIPL art. 47); nothing is deleted otherwise (arts. 36, 37).
A period counts from the end of the record's use period, else its decision date (else the date it was collected);
repaired originals follow the policy's repaired_retention from the day the repair was completed (office rule).
Items with a permanent retention are never purged.`,
		Example: example(
			"credit retention                                  # 已过保存期限的记录 / records past retention today",
			"credit retention --format json",
			"credit retention purge --ref 通信用办〔2026〕12号  # 按文件清除（先备份）/ purge under a document",
			"credit retention purged                           # 已清除的记录 / what was purged",
		),
		Args: noArgs,
		RunE: func(c *cobra.Command, args []string) error { return retentionList(app) },
	}
	list := &cobra.Command{
		Use:   "list",
		Short: "列出已过保存期限的记录（不做改变）/ list records past their retention period (changes nothing)",
		Args:  noArgs,
		RunE:  func(c *cobra.Command, args []string) error { return retentionList(app) },
	}
	var ref string
	purge := &cobra.Command{
		Use:   "purge --ref DOC",
		Short: "按程序清除已过保存期限的记录（仅管理员）/ purge records past their retention period (administrators)",
		Long: `清除今天（--today）已过保存期限的全部记录：在一个写事务中，删去记录及其历史修订的全部字段值，
记录行以“已按保存期限清除”状态保留（编号在审计日志和查询日志中仍然有效）；每条记录写一条审计，
只含编号、信息项、内容哈希和依据文件，不含任何个人信息；查询日志保留记录编号，但已无法据此查到内容。
只剩已清除记录的自然人、个体工商户，其代码和名称一并删去。
正在办理异议或信用修复的记录不清除，办结后再清除（本办公室规则，服务第三十二条、第三十五条）。

执行前请先备份（credit backup）；在终端上会要求确认，脚本中须加 --yes，否则拒绝执行。

Purges every record past its retention period today, in one write transaction: the values of the record and
of its superseded revisions are removed, the row stays as "purged" (its id stays valid in the audit and query
logs), one audit entry per record holds its id, item, content hash and the document, never personal values.
Persons and individual businesses left with nothing are cleared too. Records held by an open objection or
repair are kept until it is finished (office rule). Back up first; on a terminal you are asked to confirm,
scripts must pass --yes.`,
		Example: example(
			"credit backup /backup/credit-before-purge.db",
			"credit retention purge --ref 通信用办〔2026〕12号",
			"credit retention purge --ref 通信用办〔2026〕12号 --yes --format json   # 脚本 / scripts",
		),
		Args: noArgs,
		RunE: func(c *cobra.Command, args []string) error { return retentionPurge(app, ref) },
	}
	purge.Flags().StringVar(&ref, "ref", "", "决定清除的文件编号（必填）/ reference of the document deciding the purge (required)")
	purge.MarkFlagRequired("ref")
	var purgedRef string
	purged := &cobra.Command{
		Use:   "purged",
		Short: "列出已按保存期限清除的记录（本机构内部）/ list purged records (office)",
		Args:  noArgs,
		RunE:  func(c *cobra.Command, args []string) error { return retentionPurged(app, purgedRef) },
	}
	purged.Flags().StringVar(&purgedRef, "ref", "", "只列该文件清除的记录 / only those purged under this document")
	wipe := &cobra.Command{
		Use:   "wipe",
		Short: "重整数据库文件，抹去空闲空间中的残留（仅管理员）/ rebuild the store file to leave no remnants (administrators)",
		Long: `清除（purge）之后会自动整理数据库文件（VACUUM）并清空预写日志；若当时有其他进程占用而未完成，
请在无人使用时运行本命令。整理期间其他人的录入需要等待。

A purge rebuilds the store file (VACUUM) and empties the write-ahead log itself; when another process kept
it from finishing, run this when nobody is using the store. Other writes wait meanwhile.`,
		Args: noArgs,
		RunE: func(c *cobra.Command, args []string) error { return retentionWipe(app) },
	}
	c.AddCommand(list, purge, purged, wipe)
	return c
}

// retentionSubject is the subject as the retention list shows it: a natural
// person's ID number masked (the list is a work list, not an archive).
func retentionSubject(code, kind string) string {
	if kind == string(catalog.NaturalPerson) {
		return ident.Mask(code)
	}
	return code
}

func retentionList(app *App) error {
	st, err := app.Store()
	if err != nil {
		return err
	}
	if _, err := app.Require(operator.Clerk); err != nil {
		return err
	}
	cat, _, err := st.CatalogInForce(app.Ctx(), app.Today())
	if err != nil {
		return err
	}
	cands, err := retention.List(app.Ctx(), st, cat, app.Today())
	if err != nil {
		return err
	}
	t := &tabular.Table{
		Columns: []tabular.Column{{Key: "record", Zh: "记录", En: "Record"}, {Key: "item", Zh: "信息项", En: "Item"},
			{Key: "subject", Zh: "信息主体", En: "Subject"}, {Key: "status", Zh: "记录状态", En: "Status"},
			{Key: "counted_from", Zh: "起算日", En: "Counted from"}, {Key: "basis", Zh: "起算依据", En: "Basis"},
			{Key: "period", Zh: "保存期限", En: "Retention"}, {Key: "kept_through", Zh: "保存至", En: "Kept through"},
			{Key: "held_by", Zh: "办理中", En: "Held by"}},
	}
	js := make([]map[string]any, 0, len(cands))
	for _, c := range cands {
		name := c.Item
		if it := cat.Item(c.Item); it != nil {
			name = it.Name
		}
		var held []string
		for _, h := range c.HeldBy {
			held = append(held, map[string]string{"objection": app.T("异议", "objection"), "repair": app.T("信用修复", "repair")}[h])
		}
		subject := retentionSubject(c.SubjectCode, c.SubjectKind)
		status := map[string][2]string{"active": {"在档", "on file"}, "withdrawn": {"已撤回", "withdrawn"}, "repaired": {"已修复（档案）", "repaired (archive)"}}[c.Status]
		t.Rows = append(t.Rows, []string{strconv.FormatInt(c.ID, 10), c.Item + " " + name, subject, app.T(status[0], status[1]),
			c.Due.From.String(), retention.BasisLabel(c.Due.Basis, app.Lang), c.Due.Period.Label(app.Lang), c.Due.KeptThrough.String(),
			strings.Join(held, "、")})
		heldBy := c.HeldBy
		if heldBy == nil {
			heldBy = []string{}
		}
		js = append(js, map[string]any{"record": c.ID, "item": c.Item, "item_name": name, "subject": subject, "subject_kind": c.SubjectKind,
			"status": c.Status, "basis": c.Due.Basis, "counted_from": c.Due.From.String(), "period": c.Due.Period.String(),
			"kept_through": c.Due.KeptThrough.String(), "past_since": c.Due.KeptThrough.AddDays(1).String(), "held_by": heldBy})
	}
	t.JSON = js
	if !app.JSON() && len(cands) == 0 {
		app.Println(fmt.Sprintf(app.T("%s 没有已过保存期限的记录（第八条）。", "No record is past its retention period on %s (art. 8)."), app.Today()))
		return nil
	}
	return app.Print(t)
}

// stdinIsTerminal reports whether a person can answer a question: stdin is
// a terminal (tests force it with IO.TTY).
func (a *App) stdinIsTerminal() bool {
	if a.TTY != nil {
		return *a.TTY
	}
	f, ok := a.In.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

func retentionPurge(app *App, ref string) error {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return apperr.New(apperr.Usage, "--ref 不能为空：写明决定清除的文件编号", "--ref may not be empty: give the reference of the document deciding the purge")
	}
	st, actor, err := app.Writer(operator.Admin)
	if err != nil {
		return err
	}
	cat, _, err := st.CatalogInForce(app.Ctx(), app.Today())
	if err != nil {
		return err
	}
	cands, err := retention.List(app.Ctx(), st, cat, app.Today())
	if err != nil {
		return err
	}
	held := 0
	for _, c := range cands {
		if len(c.HeldBy) > 0 {
			held++
		}
	}
	if len(cands)-held == 0 {
		res := &retention.Result{Ref: ref, Purged: []retention.PurgedItem{}, Held: []int64{}, Wiped: true}
		for _, c := range cands {
			res.Held = append(res.Held, c.ID)
		}
		return printPurge(app, res)
	}
	// The backup reminder comes first: a purge cannot be undone, and a
	// backup made before it holds what it removes (keep it no longer than
	// the retention periods allow).
	at, day, ok, err := st.LastAudit(app.Ctx(), "store.backup")
	if err != nil {
		return err
	}
	last := app.T("本库没有备份记录", "no backup of this store is on record")
	if ok {
		last = fmt.Sprintf(app.T("最近一次备份：%s（办公日期 %s）", "last backup: %s (office date %s)"), at, day)
	}
	app.Warn(fmt.Sprintf(app.T(
		"提醒：清除前请先备份（credit backup PATH）。%s。备份中仍含被清除的信息，应只保存到恢复所需为止，并按同样的保存期限销毁。",
		"Reminder: back up before purging (credit backup PATH). %s. A backup still holds what is purged: keep it only as long as a restore may need it, and destroy it by the same retention periods."), last))
	question := fmt.Sprintf(app.T("将依据 %s 清除 %d 条已过保存期限的记录的全部内容（第八条）。", "%[2]d record(s) past their retention period will be purged under %[1]s (art. 8)."), ref, len(cands)-held)
	switch {
	case app.Yes:
	case app.stdinIsTerminal():
		fmt.Fprint(app.Err, question+app.T("\n此操作不可撤销。确认执行吗？[y/N] ", "\nThis cannot be undone. Go ahead? [y/N] "))
		var answer string
		fmt.Fscanln(app.In, &answer)
		switch strings.ToLower(strings.TrimSpace(answer)) {
		case "y", "yes", "是", "确认":
		default:
			return apperr.New(apperr.Internal, "已取消，未做任何改变", "cancelled; nothing was changed")
		}
	default:
		return apperr.New(apperr.Usage, question+"不在终端上运行时须加 --yes 确认，未做任何改变",
			question+" Not on a terminal: pass --yes to confirm; nothing was changed")
	}
	res, err := retention.Purge(app.Ctx(), st, actor, ref)
	if err != nil {
		return err
	}
	return printPurge(app, res)
}

func printPurge(app *App, res *retention.Result) error {
	if len(res.Held) > 0 {
		ids := make([]string, len(res.Held))
		for i, id := range res.Held {
			ids[i] = strconv.FormatInt(id, 10)
		}
		app.Warn(fmt.Sprintf(app.T("记录 %s 已过保存期限，但正在办理异议或信用修复，暂不清除，办结后再清除（本办公室规则，服务第三十二条、第三十五条）。",
			"Records %s are past retention but held by an open objection or repair: purged once it is finished (office rule serving arts. 32, 35)."),
			strings.Join(ids, "、")))
	}
	if !res.Wiped {
		app.Warn(app.T("注意：记录已清除，但有其他进程在使用数据库，数据库文件未能整理，被清除的值可能仍残留在空闲空间中：请在无人使用时运行 credit retention wipe。",
			"Note: the records were purged, but another process was using the store, so the file could not be rebuilt and copies may remain in free space: run credit retention wipe when nobody is using it."))
	}
	if app.JSON() {
		return app.Print(&tabular.Table{JSON: res})
	}
	if len(res.Purged) == 0 {
		app.Println(fmt.Sprintf(app.T("%s 没有可清除的已过保存期限的记录，未做任何改变。", "Nothing past its retention period to purge on %s; nothing was changed."), app.Today()))
		return nil
	}
	t := &tabular.Table{
		Title: fmt.Sprintf(app.T("已依据 %s 清除 %d 条记录", "%[2]d record(s) purged under %[1]s"), res.Ref, len(res.Purged)),
		Columns: []tabular.Column{{Key: "record", Zh: "记录", En: "Record"}, {Key: "item", Zh: "信息项", En: "Item"},
			{Key: "kept_through", Zh: "保存至", En: "Kept through"}, {Key: "revisions", Zh: "历史修订", En: "Revisions"},
			{Key: "links", Zh: "解除的第二十九条关联", En: "Art. 29 links removed"}, {Key: "content_hash", Zh: "内容哈希", En: "Content hash"}},
	}
	for _, p := range res.Purged {
		t.Rows = append(t.Rows, []string{strconv.FormatInt(p.Record, 10), p.Item, p.KeptThrough, strconv.Itoa(p.Revisions), strconv.Itoa(p.Links), p.ContentHash})
	}
	if err := app.Print(t); err != nil {
		return err
	}
	if res.Cleared > 0 {
		app.Println(fmt.Sprintf(app.T("另删去 %d 个不再有任何记录的自然人或个体工商户的代码和名称。", "The codes and names of %d persons or individual businesses left with no record were removed too."), res.Cleared))
	}
	return nil
}

func retentionWipe(app *App) error {
	st, actor, err := app.Writer(operator.Admin)
	if err != nil {
		return err
	}
	if err := retention.Wipe(app.Ctx(), st); err != nil {
		return err
	}
	if err := st.Write(app.Ctx(), actor, func(tx *store.Tx) error { return tx.Audit("retention.wipe", "store", nil) }); err != nil {
		return err
	}
	app.Println(app.T("数据库文件已整理，空闲空间中不再留有已清除的值。", "The store file was rebuilt: no purged value is left in free space."))
	return nil
}

func retentionPurged(app *App, ref string) error {
	st, err := app.Store()
	if err != nil {
		return err
	}
	if _, err := app.Require(operator.Clerk); err != nil {
		return err
	}
	ps, err := st.PurgeLog(app.Ctx(), ref)
	if err != nil {
		return err
	}
	t := &tabular.Table{
		Columns: []tabular.Column{{Key: "record", Zh: "记录", En: "Record"}, {Key: "item", Zh: "信息项", En: "Item"},
			{Key: "state", Zh: "状态", En: "State"}, {Key: "ref", Zh: "依据文件", En: "Document"},
			{Key: "kept_through", Zh: "保存至", En: "Kept through"}, {Key: "purged_on", Zh: "清除日期", En: "Purged on"},
			{Key: "purged_by", Zh: "操作员", En: "Operator"}},
	}
	js := make([]map[string]any, 0, len(ps))
	for _, p := range ps {
		t.Rows = append(t.Rows, []string{strconv.FormatInt(p.RecordID, 10), p.Item, app.T("已按保存期限清除", "purged after its retention period"),
			p.Ref, p.KeptThrough, p.PurgedOn, p.PurgedBy})
		js = append(js, map[string]any{"record": p.RecordID, "item": p.Item, "state": "purged", "ref": p.Ref, "basis": p.Basis,
			"counted_from": p.CountedFrom, "period": p.Period, "kept_through": p.KeptThrough, "content_hash": p.ContentHash,
			"revisions": p.Revisions, "purged_on": p.PurgedOn, "purged_by": p.PurgedBy})
	}
	t.JSON = js
	if !app.JSON() && len(ps) == 0 {
		app.Println(app.T("没有按保存期限清除过的记录。", "No record has been purged."))
		return nil
	}
	return app.Print(t)
}
