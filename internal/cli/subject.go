package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"

	"credit/internal/apperr"
	"credit/internal/archive"
	"credit/internal/catalog"
	"credit/internal/civil"
	"credit/internal/roster"
	"credit/internal/store"
	"credit/internal/tabular"
)

func init() { registerNoun("subject", newSubjectCmd) }

// scopeOpts are the flags that say who asks and how far they may see (SPEC §C).
type scopeOpts struct {
	scope, unit, authorization, purpose, asOf string
}

func (o *scopeOpts) register(c *cobra.Command, withScope bool) {
	f := c.Flags()
	if withScope {
		f.StringVar(&o.scope, "scope", "public", "查询范围 public（社会公开）|authorized（授权查询）|shared（政府共享）|office（工作机构）/ disclosure scope")
		f.StringVar(&o.authorization, "authorization", "", "信息主体的授权书编号（authorized 范围必填；shared 范围加上它可看授权查询信息）/ the subject's authorization reference")
	}
	f.StringVar(&o.unit, "unit", "", "查询单位（信息使用单位）的统一社会信用代码（shared 范围必填）/ the asking user unit")
	f.StringVar(&o.purpose, "purpose", "", "查询用途，记入查询记录 / purpose, written to the query log")
	f.StringVar(&o.asOf, "as-of", "", "按此日期判断有效期（YYYY-MM-DD，默认今天；office 以外早于今天的日期需要经办及以上角色）/ judge validity on this date (default today; a past date outside the office scope needs the clerk role)")
}

// realToday is the real date in the office, which --today does not move:
// outside the office scope validity may not be judged on an earlier date
// without the clerk role (archive.Request.RealToday). A variable only so that
// tests can pin the real date their fixtures were written for.
var realToday = func(app *App) civil.Date { return app.Clock().RealToday() }

// access opens the store and checks that the run's operator may ask in the
// scope the flags name.
func (o scopeOpts) access(app *App, scope archive.Scope) (*store.Store, *archive.Access, store.Actor, error) {
	asOf, err := parseDateFlag("as-of", o.asOf, app.Today())
	if err != nil {
		return nil, nil, store.Actor{}, err
	}
	st, err := app.Store()
	if err != nil {
		return nil, nil, store.Actor{}, err
	}
	op, err := app.Operator()
	if err != nil {
		return nil, nil, store.Actor{}, err
	}
	// Disclosure follows the catalog in force on the date asked about (the
	// one in force today when none was yet).
	cat, _, err := st.CatalogInForce(app.Ctx(), asOf)
	if errors.Is(err, store.ErrNoCatalog) && asOf != app.Today() {
		cat, _, err = st.CatalogInForce(app.Ctx(), app.Today())
	}
	if err != nil {
		return nil, nil, store.Actor{}, err
	}
	acc, err := archive.Authorize(app.Ctx(), st, cat, op, archive.Request{Scope: scope, Unit: o.unit, Authorization: o.authorization,
		Purpose: o.purpose, AsOf: asOf, RealToday: realToday(app)})
	if err != nil {
		return nil, nil, store.Actor{}, err
	}
	return st, acc, app.Actor(op), nil
}

func (o scopeOpts) parsedScope() (archive.Scope, error) { return archive.ParseScope(o.scope) }

// lookupGC turns the collector off for a lookup, a short process that
// allocates a few megabytes: collecting while the catalog is parsed costs
// more than the whole lookup (SPEC §7: p95 under 50 ms as a whole process).
// A memory ceiling brings it back should a large archive need it.
func lookupGC(app *App) {
	if app.Via != "" || app.Getenv("GOGC") != "" || app.Getenv("GOMEMLIMIT") != "" {
		// A served run shares its process with the server: never there.
		return
	}
	debug.SetGCPercent(-1)
	debug.SetMemoryLimit(256 << 20)
}

// lookupMMap maps the store for a lookup of one subject (show, history,
// report), as credit serve does for all its reads: the pages it reads come
// from the file cache in place instead of each into a fresh 16 KiB buffer of
// SQLite's page cache through a read(2) — about 3 ms of CPU and 130 page
// faults fewer in a `subject show` (docs/performance.md, 第六轮). Resident
// memory grows only by the pages read. A search, which may read much of the
// name index, keeps the page cache and its bound.
func lookupMMap(app *App) {
	if app.Via == "" && app.mmap == 0 {
		app.mmap = 1 << 30
	}
}

const scopeHelp = `查询范围（SPEC §C，第十九条–第二十二条）：
  public      社会公开（默认）：任何人可查；只含社会公开信息项的有效信息；自然人的姓名、身份证号码等个人信息遮蔽
  authorized  授权查询：需 --authorization；另含授权查询信息项；除信息主体本人的信息外，个人信息遮蔽
  shared      政府共享：需 --unit（已登记的信息使用单位）；另含该单位登记的共享信息项；个人信息不遮蔽
  office      工作机构内部：需经办（clerk）或以上角色；含已过期、已修复的信息
按过去的日期判断有效期（--as-of 或 --today 早于真实的今天）是工作机构的功能：office 以外的范围需要经办（clerk）
或以上角色，否则退出码 5。任何范围都看不到决定日期晚于该日期的信息（当时尚未作出；office 中标为“当日尚未作出”）。
每次查询都写入查询记录（操作员、单位、范围、用途、授权、主体、返回的记录及其版本）。

Scopes: public (default, masked), authorized (--authorization), shared (--unit of a registered user
unit), office (clerk role or above: expired and repaired records too). Judging validity on a past
date (--as-of or --today before the real date) outside the office scope needs the clerk role.
Records decided after that date are not shown (office: marked not_yet). Every lookup is logged.`

func newSubjectCmd(app *App) *cobra.Command {
	c := &cobra.Command{
		Use:   "subject",
		Short: "信息主体的信用档案：查询、查找、查询记录、修订历史、信用报告 / subject archives",
		Long: `信用档案（第十八条）：按统一社会信用代码或身份证号码查询信息主体的全部公共信用信息，
按查询范围决定能看到哪些信息项、哪些记录、哪些字段，并记录每一次查询（本办公室规则，服务于第二十二条的授权查询和第三十七条的责任追究）。

Subject archives: everything on file about one subject, within the asker's scope; every look is logged.`,
	}
	c.AddCommand(newSubjectShowCmd(app), newSubjectSearchCmd(app), newSubjectQueriesCmd(app), newSubjectHistoryCmd(app), newSubjectReportCmd(app))
	return c
}

func newSubjectShowCmd(app *App) *cobra.Command {
	var o scopeOpts
	var full bool
	c := &cobra.Command{
		Use:   "show CODE",
		Short: "查询信息主体的信用档案 / show a subject's archive",
		Long: `显示信息主体（名称、类别、代码、法定代表人）及其信用信息，按基本、正面、负面、其他信息分组，
每条信息列出信息项、提供单位、决定日期、失信程度、有效期至和状态（有效、已过期、已更正、已修复）
以及异议中、修复中等标记；自然人的档案还包括依第二十九条因法定代表人等身份记入的严重失信信息。
另列该主体当日有效的红黑名单条目（按名单信息项的公开属性），office 范围还列出记录上办理中的异议和信用修复
（编号、记录、状态、期限、队列状态）。
--format json 输出 {"subject":{…},"records":[…],"roster_entries":[…],"open_cases":[…](office),"scope":…,"as_of":…}。

` + scopeHelp,
		Example: example(
			"credit subject show 91350100M000100Y43",
			"credit subject show 91350100M000100Y43 --format json",
			"credit subject show 11010519491231002X --scope authorized --authorization 授权书2025-001",
			"credit subject show 91350100M000100Y43 --scope shared --unit 113206000140000015 --purpose 招标资格审查",
			"credit subject show 91350100M000100Y43 --scope office --as-of 2027-01-01 --full",
		),
		Args: exactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			lookupGC(app)
			lookupMMap(app)
			scope, err := o.parsedScope()
			if err != nil {
				return err
			}
			st, acc, actor, err := o.access(app, scope)
			if err != nil {
				return err
			}
			a, err := archive.Show(app.Ctx(), st, acc, actor, args[0], archive.ActionShow)
			if err != nil {
				return err
			}
			if err := addOpenCases(app, st, a); err != nil {
				return err
			}
			if app.JSON() {
				return app.Print(&tabular.Table{JSON: a})
			}
			return printArchive(app, acc.Catalog, a, full)
		},
	}
	o.register(c, true)
	c.Flags().BoolVar(&full, "full", false, "逐条列出全部字段 / list every field of every record")
	return c
}

// addOpenCases adds the open objections and repairs on the archive's
// records, as the queues stand today (office scope only).
func addOpenCases(app *App, st *store.Store, a *archive.Archive) error {
	if a.Scope != archive.Office {
		return nil
	}
	cal, err := app.Calendar()
	if err != nil {
		return err
	}
	a.OpenCases, err = archive.OpenCases(app.Ctx(), st, cal, app.Today(), a, app.Lang)
	return err
}

func codeLabel(app *App, kind string) string {
	if kind == string(catalog.NaturalPerson) {
		return app.T("身份证号码", "ID number")
	}
	return app.T("统一社会信用代码", "Unified social credit code")
}

func kvTable(app *App) *tabular.Table {
	return &tabular.Table{Columns: []tabular.Column{{Key: "key", Zh: "项目", En: "Field"}, {Key: "value", Zh: "内容", En: "Value"}}}
}

func printArchive(app *App, cat *catalog.Catalog, a *archive.Archive, full bool) error {
	kv := kvTable(app)
	add := func(k, v string) { kv.Rows = append(kv.Rows, []string{k, v}) }
	name := a.Subject.Name
	if name == "" {
		name = app.T("（未知）", "(unknown)")
	}
	add(app.T("信息主体", "Subject"), name)
	add(codeLabel(app, a.Subject.Kind), a.Subject.Code)
	add(app.T("主体类别", "Kind"), archive.KindLabel(a.Subject.Kind, app.Lang))
	if a.Subject.LegalRep != "" {
		add(app.T("法定代表人", "Legal representative"), a.Subject.LegalRep)
	}
	scope := a.Scope.Label(app.Lang)
	if a.Unit != "" {
		scope += "（" + strings.TrimSpace(a.UnitName+" "+a.Unit) + "）"
	}
	add(app.T("查询范围", "Scope"), scope)
	add(app.T("有效性判断日期", "Validity judged on"), a.AsOf.String())
	add(app.T("查询记录", "Query log entry"), fmt.Sprintf("Q%d", a.QueryID))
	if err := app.Print(kv); err != nil {
		return err
	}
	if err := printRosterEntries(app, a); err != nil {
		return err
	}
	if err := printOpenCases(app, a); err != nil {
		return err
	}
	if len(a.Records) == 0 {
		app.Println(app.T("没有本查询范围可以查看的信用信息。", "No records visible in this scope."))
		return nil
	}
	groups := map[string][]archive.Record{}
	for _, r := range a.Records {
		groups[r.Category] = append(groups[r.Category], r)
	}
	for _, cat0 := range []catalog.Category{catalog.Basic, catalog.Positive, catalog.Negative, catalog.Other} {
		recs := groups[string(cat0)]
		if len(recs) == 0 {
			continue
		}
		t := &tabular.Table{
			Title: fmt.Sprintf("%s（%d）", cat0.Label(app.Lang), len(recs)),
			Columns: []tabular.Column{{Key: "id", Zh: "编号", En: "ID"}, {Key: "item", Zh: "信息项", En: "Item"}, {Key: "summary", Zh: "摘要", En: "Summary"},
				{Key: "provider", Zh: "提供单位", En: "Provider"}, {Key: "decided_on", Zh: "决定日期", En: "Decided"},
				{Key: "severity", Zh: "失信程度", En: "Severity"}, {Key: "valid_until", Zh: "有效期至", En: "Valid until"},
				{Key: "state", Zh: "状态", En: "State"}, {Key: "marks", Zh: "标记", En: "Marks"}},
		}
		for _, r := range recs {
			var marks []string
			for _, f := range r.Flags {
				marks = append(marks, archive.FlagLabel(f, app.Lang))
			}
			if r.LinkedAs != "" {
				marks = append(marks, archive.LinkLabel(r.LinkedAs, app.Lang))
			}
			provider := r.ProviderName
			if provider == "" {
				provider = r.Provider
			}
			t.Rows = append(t.Rows, []string{fmt.Sprint(r.ID), r.ItemName, archive.Summary(r, cat), provider, r.DecidedOn,
				archive.SeverityLabel(r.Severity, app.Lang), r.ValidUntil, archive.StateLabel(r.State, app.Lang), strings.Join(marks, "、")})
		}
		if err := app.Print(t); err != nil {
			return err
		}
	}
	if !full {
		if app.IsTTY() {
			app.Println(app.T("加 --full 逐条列出全部字段，或用 --format json。", "Add --full for every field, or use --format json."))
		}
		return nil
	}
	for _, r := range a.Records {
		t := kvTable(app)
		t.Title = fmt.Sprintf("%s %d · %s", app.T("记录", "Record"), r.ID, r.ItemName)
		for _, f := range r.Fields {
			t.Rows = append(t.Rows, []string{f.Name, f.Value})
		}
		if err := app.Print(t); err != nil {
			return err
		}
	}
	return nil
}

// printRosterEntries prints the subject's list entries that count.
func printRosterEntries(app *App, a *archive.Archive) error {
	if len(a.RosterEntries) == 0 {
		app.Println(app.T("红黑名单：无有效的名单条目。", "Red and black lists: no valid entry."))
		return nil
	}
	t := &tabular.Table{
		Title: fmt.Sprintf(app.T("红黑名单（%d）", "Red and black lists (%d)"), len(a.RosterEntries)),
		Columns: []tabular.Column{{Key: "id", Zh: "编号", En: "ID"}, {Key: "list", Zh: "名单", En: "List"}, {Key: "list_name", Zh: "名单名称", En: "List name"},
			{Key: "unit", Zh: "认定单位", En: "Determined by"}, {Key: "basis", Zh: "认定依据", En: "Basis"},
			{Key: "determined", Zh: "认定日期", En: "Determined"}, {Key: "valid_until", Zh: "有效期至", En: "Valid until"}},
	}
	for _, e := range a.RosterEntries {
		unit := e.UnitName
		if unit == "" {
			unit = e.Unit
		}
		t.Rows = append(t.Rows, []string{e.ID, roster.ListLabel(e.List, app.Lang), e.ListName, unit, e.Basis, e.Determined.String(), e.ValidUntil.String()})
	}
	return app.Print(t)
}

// printOpenCases prints the open objections and repairs (office scope).
func printOpenCases(app *App, a *archive.Archive) error {
	if a.Scope != archive.Office {
		return nil
	}
	if len(a.OpenCases) == 0 {
		app.Println(app.T("办理中的异议和信用修复：无。", "Open objections and repairs: none."))
		return nil
	}
	t := &tabular.Table{
		Title: fmt.Sprintf(app.T("办理中的异议和信用修复（%d）", "Open objections and repairs (%d)"), len(a.OpenCases)),
		Columns: []tabular.Column{{Key: "kind", Zh: "类别", En: "Kind"}, {Key: "id", Zh: "编号", En: "ID"}, {Key: "record", Zh: "记录", En: "Record"},
			{Key: "state", Zh: "状态", En: "State"}, {Key: "due", Zh: "期限", En: "Due"}, {Key: "days_left", Zh: "剩余工作日", En: "Days left"},
			{Key: "status", Zh: "队列状态", En: "Status"}},
	}
	for _, c := range a.OpenCases {
		due, left := "", ""
		if c.Due != nil {
			due = strings.TrimSpace(archive.CaseDeadlineLabel(c, app.Lang) + " " + c.Due.String())
		}
		if c.DaysLeft != nil {
			left = fmt.Sprint(*c.DaysLeft)
		}
		t.Rows = append(t.Rows, []string{archive.CaseKindLabel(c.Kind, app.Lang), fmt.Sprint(c.ID), fmt.Sprintf("%d %s", c.Record, c.Item),
			c.StateLabel, due, left, archive.CaseStatusLabel(c.Status, app.Lang)})
	}
	return app.Print(t)
}

func newSubjectSearchCmd(app *App) *cobra.Command {
	var o scopeOpts
	var page, perPage, lim, off int
	var count bool
	c := &cobra.Command{
		Use:   "search TEXT",
		Short: "按名称或代码前缀查找信息主体 / find subjects by name or code prefix",
		Long: `按名称（中文子串，两个字的姓名如“王伟”也可以）或代码前缀查找信息主体，按完全相同、开头相同、
包含的顺序排列，再按名称排序，分页显示（--limit/--offset，或 --page/--per-page）。终端上表格下方显示
“共 N 条，显示 A–B”，不会不声不响地截断；--count 只输出总数，供脚本使用；--format json 输出一页结果的数组。只在查询范围内查找：社会公开范围只找得到有可公开信息的主体。
社会公开和授权查询范围中自然人的姓名和身份证号码遮蔽，且只能用完整的身份证号码查找自然人（匹配显示为“完整证件号码”）：
不按姓名查找自然人（否则可据此确认某个全名的人是否在档），也不按号码前缀查找（防止枚举个人）。
查找本身写入查询记录；查找内容只以类别、长度和摘要保存（如 name:2:sha256:…），不保存原文，
工作人员可用 credit subject queries --search-text 文字 找到它。

` + scopeHelp,
		Example: example(
			"credit subject search 王伟",
			"credit subject search 甲公司 --format json",
			"credit subject search 913206 --scope office --page 2",
			"credit subject search 南通 --scope office --limit 50 --offset 50",
			"credit subject search 南通 --scope office --count",
		),
		Args: exactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			lookupGC(app)
			scope, err := o.parsedScope()
			if err != nil {
				return err
			}
			if page < 1 || perPage < 1 || perPage > 200 {
				return apperr.New(apperr.Usage, "--page 应不小于 1，--per-page 应在 1–200 之间", "--page must be 1 or more and --per-page 1–200")
			}
			offset, limit := (page-1)*perPage, perPage
			if c.Flags().Changed("limit") || c.Flags().Changed("offset") {
				if c.Flags().Changed("page") || c.Flags().Changed("per-page") {
					return apperr.New(apperr.Usage, "--limit/--offset 与 --page/--per-page 只能用一组", "use either --limit/--offset or --page/--per-page")
				}
				if lim < 1 || lim > 200 || off < 0 {
					return apperr.New(apperr.Usage, "--limit 应在 1–200 之间，--offset 应不小于 0", "--limit must be 1–200 and --offset 0 or more")
				}
				offset, limit = off, lim
			}
			st, acc, actor, err := o.access(app, scope)
			if err != nil {
				return err
			}
			countCap := 0
			if count {
				countCap = searchCountAll
			}
			res, err := archive.Search(app.Ctx(), st, acc, actor, args[0], offset, limit, countCap)
			if err != nil {
				return err
			}
			if count {
				// The total alone, for scripts (a number; "N+" only past the cap).
				total := fmt.Sprint(res.Total)
				if res.More {
					total += "+"
				}
				app.Println(total)
				return nil
			}
			t := &tabular.Table{
				Columns: []tabular.Column{{Key: "code", Zh: "代码", En: "Code"}, {Key: "name", Zh: "名称", En: "Name"},
					{Key: "kind", Zh: "主体类别", En: "Kind"}, {Key: "match", Zh: "匹配", En: "Match"}, {Key: "records", Zh: "可查看记录", En: "Records"}},
				JSON: res.Hits,
			}
			matchLabel := map[string]string{"exact": app.T("完全相同", "exact"), "prefix": app.T("开头相同", "prefix"), "substring": app.T("包含", "contains"),
				archive.MatchCode: app.T("完整证件号码", "whole ID number")}
			for _, h := range res.Hits {
				t.Rows = append(t.Rows, []string{h.Code, h.Name, archive.KindLabel(h.Kind, app.Lang), matchLabel[h.Match], fmt.Sprint(h.Records)})
			}
			t.Footer = []string{searchFooter(app, res, acc.Scope.Label(app.Lang))}
			return app.Print(t)
		},
	}
	o.register(c, true)
	c.Flags().IntVar(&page, "page", 1, "第几页 / page")
	c.Flags().IntVar(&perPage, "per-page", 20, "每页条数（1–200）/ subjects per page")
	c.Flags().IntVar(&lim, "limit", 20, "最多显示几个（1–200），与 --offset 一起翻页 / subjects to show (1–200)")
	c.Flags().IntVar(&off, "offset", 0, "跳过前几个 / subjects to skip")
	c.Flags().BoolVar(&count, "count", false, "只输出找到的总数（供脚本使用）/ print the total alone, for scripts")
	return c
}

// searchCountAll is how far --count counts (the footer counts to
// archive.SearchCountCap): beyond it the total prints as "100000+".
const searchCountAll = 100000

// searchFooter is the line under a search on a terminal: the total and the
// rows shown, "共 12,345 条，显示 1–50", so that nothing is cut off unsaid.
func searchFooter(app *App, res *archive.SearchResult, scope string) string {
	total := thousands(res.Total)
	if res.More {
		total += "+"
	}
	if len(res.Hits) == 0 {
		return fmt.Sprintf(app.T("共 %s 条，本页没有（%s范围）", "%s in all, none on this page (%s scope)"), total, scope)
	}
	first, last := res.Offset+1, res.Offset+len(res.Hits)
	line := fmt.Sprintf(app.T("共 %s 条，显示 %s–%s（%s范围）", "%s in all, showing %s–%s (%s scope)"), total, thousands(first), thousands(last), scope)
	if last < res.Total || res.More {
		line += fmt.Sprintf(app.T("；下一页：--offset %d", "; next: --offset %d"), last)
	}
	return line
}

// thousands writes n with thousands separators: 12345 → 12,345.
func thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func newSubjectQueriesCmd(app *App) *cobra.Command {
	var text string
	c := &cobra.Command{
		Use:   "queries (CODE | --search-text TEXT)",
		Short: "谁在何时查询过该信息主体，或查找过某段文字（仅工作人员）/ who looked at a subject, or searched for a text (office staff only)",
		Long: `列出查询记录中关于该信息主体的每一次查询、查找、报告和导出：时间、业务日期、操作员、单位、范围、
用途、授权和返回的记录数（本办公室规则，服务于第二十二条、第三十七条）。谁查询了谁本身也是敏感信息，只对经办（clerk）及以上角色开放。

--search-text TEXT：列出查找内容为 TEXT 的查找，以及对档案中没有的代码的查询、审查和核验（如“那天有没有人查找过王伟？”）。
查询记录不保存查找内容的原文，只保存其类别、长度和以本库密钥计算的摘要（如 name:2:sha256:…，第三十六条），
因此按同一密钥计算 TEXT 的摘要来比对；名称按查找时的规则规范化（忽略空格、全角/半角），只找完全相同的内容。

Lists every logged look at the subject. With --search-text, the searches for TEXT (and lookups of
codes not on file): the log keeps typed texts only as a keyed digest, so TEXT is digested with the
store's key and compared. Who looked at whom is itself sensitive: clerk role or above.`,
		Example: example("credit subject queries 91350100M000100Y43", "credit subject queries 91350100M000100Y43 --format json",
			"credit subject queries --search-text 王伟", "credit subject queries --search-text 11010519491231002X --format json"),
		Args: rangeArgs(0, 1),
		RunE: func(c *cobra.Command, args []string) error {
			if (len(args) == 1) == (text != "") {
				return apperr.New(apperr.Usage, "请给出信息主体代码 CODE 或 --search-text TEXT 之一", "give either a subject CODE or --search-text TEXT")
			}
			st, err := app.Store()
			if err != nil {
				return err
			}
			op, err := app.Operator()
			if err != nil {
				return err
			}
			var sub archive.Subject
			var rows []store.QueryLogRow
			form := ""
			if text != "" {
				form, rows, err = archive.QueriesByText(app.Ctx(), st, op, text)
			} else {
				sub, rows, err = archive.Queries(app.Ctx(), st, op, args[0])
			}
			if err != nil {
				return err
			}
			actions := map[string]string{"show": app.T("查询", "show"), "search": app.T("查找", "search"), "report": app.T("信用报告", "report"),
				"export": app.T("批量导出", "export"), "history": app.T("修订历史", "history"), "check": app.T("信用审查", "check"), "verify": app.T("核验", "verify")}
			t := &tabular.Table{
				Columns: []tabular.Column{{Key: "id", Zh: "编号", En: "ID"}, {Key: "at", Zh: "时间", En: "At"}, {Key: "today", Zh: "业务日期", En: "Office date"},
					{Key: "operator", Zh: "操作员", En: "Operator"}, {Key: "action", Zh: "动作", En: "Action"}, {Key: "scope", Zh: "范围", En: "Scope"},
					{Key: "unit", Zh: "单位", En: "Unit"}, {Key: "purpose", Zh: "用途", En: "Purpose"}, {Key: "authorization", Zh: "授权", En: "Authorization"},
					{Key: "records", Zh: "记录数", En: "Records"}},
				JSON: rows,
			}
			for _, q := range rows {
				who := q.Operator
				if q.ActingBy != "" {
					who += "（" + q.ActingBy + app.T(" 代", " for") + "）"
				}
				action := actions[q.Action]
				if action == "" {
					action = q.Action
				}
				t.Rows = append(t.Rows, []string{fmt.Sprint(q.ID), localTime(q.At), q.Today, who, action, archive.Scope(q.Scope).Label(app.Lang), q.Unit, q.Purpose, q.Authorization, fmt.Sprint(q.Records)})
			}
			if text != "" {
				t.Footer = []string{fmt.Sprintf(app.T("查找内容“%s”（记录形式 %s）：共 %d 次。查询记录本身是敏感信息，请勿外传。", "the text %q (logged as %s): %d time(s). The query log is itself sensitive."),
					text, form, len(rows))}
			} else {
				t.Footer = []string{fmt.Sprintf(app.T("%s %s：共 %d 次查询。查询记录本身是敏感信息，请勿外传。", "%s %s: %d look(s). The query log is itself sensitive."),
					sub.Name, sub.Code, len(rows))}
			}
			if !app.JSON() && len(rows) == 0 {
				if text != "" {
					app.Println(app.T("查询记录中没有查找过这段内容的记录。", "Nobody has searched for this text."))
				} else {
					app.Println(app.T("没有查询过该信息主体的记录。", "Nobody has looked at this subject."))
				}
				return nil
			}
			return app.Print(t)
		},
	}
	c.Flags().StringVar(&text, "search-text", "", "查找内容（名称、身份证号码或代码），按查询记录中的摘要比对 / a searched text, compared by its logged digest")
	return c
}

func newSubjectHistoryCmd(app *App) *cobra.Command {
	var o scopeOpts
	c := &cobra.Command{
		Use:   "history CODE",
		Short: "信息主体每条信息的全部修订：改了什么、谁、何时、依何程序（仅工作人员）/ every revision of every record (office)",
		Long: `列出信息主体档案中每条信息的每一次修订（第三十六条：不删除任何信息；唯一的例外是第八条保存期限届满后的清除程序，见 credit retention）：首次归集、报送修订、异议更正、
异议撤回、信用修复，每次列出改动的字段及其原值和新值、操作员、时间和依据（批次、异议或修复编号）。
已撤回的信息只显示改动了哪些字段，不显示内容。需要经办（clerk）或以上角色；查看本身写入查询记录。

Every revision of every record in the archive: each changed field's old and new value, who, when,
under which procedure and reference. Office staff only; the look is logged.`,
		Example: example("credit subject history 91350100M000100Y43", "credit subject history 91350100M000100Y43 --format json"),
		Args:    exactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			lookupGC(app)
			lookupMMap(app)
			st, acc, actor, err := o.access(app, archive.Office)
			if err != nil {
				return err
			}
			h, err := archive.ReadHistory(app.Ctx(), st, acc, actor, args[0])
			if err != nil {
				return err
			}
			if app.JSON() {
				return app.Print(&tabular.Table{JSON: h})
			}
			t := &tabular.Table{
				Title: fmt.Sprintf("%s %s", h.Subject.Name, h.Subject.Code),
				Columns: []tabular.Column{{Key: "record", Zh: "记录", En: "Record"}, {Key: "rev", Zh: "版本", En: "Rev"},
					{Key: "procedure", Zh: "程序", En: "Procedure"}, {Key: "at", Zh: "时间", En: "At"}, {Key: "operator", Zh: "操作员", En: "Operator"},
					{Key: "ref", Zh: "依据", En: "Ref"}, {Key: "field", Zh: "字段", En: "Field"}, {Key: "old", Zh: "原值", En: "Old"}, {Key: "new", Zh: "新值", En: "New"}},
			}
			for _, r := range h.Records {
				rec := fmt.Sprintf("%d %s", r.ID, r.ItemName)
				if r.LinkedAs != "" {
					rec += "（" + archive.LinkLabel(r.LinkedAs, app.Lang) + "）"
				}
				for _, v := range r.Revisions {
					head := []string{rec, fmt.Sprint(v.Rev), archive.ProcedureLabel(v.Procedure, app.Lang), localTime(v.At), v.Operator, archive.RefLabel(v.Ref, app.Lang)}
					if v.Rev == 1 || len(v.Changes) == 0 {
						note := app.T("（内容未变）", "(no change in content)")
						if v.Rev == 1 {
							note = fmt.Sprintf(app.T("（归集 %d 个字段）", "(%d fields stored)"), len(v.Changes))
						}
						t.Rows = append(t.Rows, append(head, note, "", ""))
						continue
					}
					for _, ch := range v.Changes {
						t.Rows = append(t.Rows, append(append([]string{}, head...), ch.Field, ch.Old, ch.New))
					}
				}
			}
			if len(h.Records) == 0 {
				app.Println(app.T("该信息主体没有信用信息。", "The subject has no records."))
				return nil
			}
			return app.Print(t)
		},
	}
	c.Flags().StringVar(&o.purpose, "purpose", "", "查看用途，记入查询记录 / purpose, written to the query log")
	return c
}

func newSubjectReportCmd(app *App) *cobra.Command {
	var o scopeOpts
	var out string
	c := &cobra.Command{
		Use:   "report CODE -o FILE.md|FILE.html",
		Short: "出具信用报告（Markdown 或可打印的 HTML）/ write a printable credit report",
		Long: `按查询范围出具信息主体的信用报告：报告日期、查询范围、主体信息，按基本、正面、负面、其他信息分组列出
每条信息的全部字段；异议中、修复中的信息醒目标注；工作机构内部范围中已过期、已修复的信息加删除线并标明。
出具报告写入查询记录（动作 report），报告编号即查询记录编号。

` + scopeHelp,
		Example: example(
			"credit subject report 91350100M000100Y43 -o 信用报告.html",
			"credit subject report 91350100M000100Y43 --scope office -o 档案.md",
		),
		Args: exactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			ext := strings.ToLower(filepath.Ext(out))
			if out == "" || (ext != ".md" && ext != ".html" && ext != ".htm") {
				return apperr.New(apperr.Usage, "请用 -o 给出报告文件，扩展名为 .md 或 .html", "give the report file with -o, ending in .md or .html")
			}
			lookupGC(app)
			lookupMMap(app)
			scope, err := o.parsedScope()
			if err != nil {
				return err
			}
			st, acc, actor, err := o.access(app, scope)
			if err != nil {
				return err
			}
			a, err := archive.Show(app.Ctx(), st, acc, actor, args[0], archive.ActionReport)
			if err != nil {
				return err
			}
			if err := addOpenCases(app, st, a); err != nil {
				return err
			}
			rp := &archive.Report{Archive: a, Catalog: acc.Catalog, Date: app.Today(), Operator: actor.Operator, Lang: app.Lang,
				Jurisdiction: acc.Catalog.Jurisdiction}
			body := rp.Markdown()
			if ext != ".md" {
				body = rp.HTML()
			}
			if err := tabular.WriteFileAtomic(out, func(tmp string) error { return os.WriteFile(tmp, body, 0o640) }); err != nil {
				return app.outputFailed(out, err, "", "")
			}
			app.Warn(app.T("已写入 ", "written: ") + out)
			if app.JSON() {
				return app.Print(&tabular.Table{JSON: map[string]any{"file": out, "query_id": a.QueryID, "records": len(a.Records),
					"scope": a.Scope, "as_of": a.AsOf, "report_date": app.Today()}})
			}
			return nil
		},
	}
	o.register(c, true)
	c.Flags().StringVarP(&out, "output", "o", "", "报告文件（.md 或 .html）/ report file")
	return c
}
