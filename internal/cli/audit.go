package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"credit/internal/apperr"
	"credit/internal/audit"
	"credit/internal/operator"
	"credit/internal/store"
	"credit/internal/tabular"
)

func init() { registerNoun("audit", newAuditCmd) }

// sealFailure is the exit-6 error for seal findings, each already listed on
// stderr (or in the JSON).
func sealFailure(rep *store.SealReport) error {
	first := rep.Problems[0]
	return &apperr.Error{Code: apperr.Integrity,
		Zh: fmt.Sprintf("封印校验失败：%d 处在 credit 之外的改动（见上），首先是：%s", len(rep.Problems), first.Zh),
		En: fmt.Sprintf("seal check failed: %d changes made outside credit (listed above), the first: %s", len(rep.Problems), first.En)}
}

// printSealProblems lists seal findings on stderr, one a line.
func printSealProblems(app *App, rep *store.SealReport) {
	for _, p := range rep.Problems {
		fmt.Fprintln(app.Err, app.T(p.Zh, p.En))
	}
}

func newAuditCmd(app *App) *cobra.Command {
	c := &cobra.Command{
		Use:   "audit",
		Short: "审计日志（只增不改、哈希链）/ the append-only, hash-chained audit log",
		Long: `每一次写操作都在同一事务中追加一条审计记录（真实时间、操作员、动作、对象、详情），
并以 SHA-256 与前一条链接；详情只含编号与内容哈希，不含个人信息（第三十六条）。

Every write appends an entry chained by SHA-256 to the one before; details hold ids and hashes only.`,
	}
	var f store.AuditFilter
	log := &cobra.Command{
		Use:   "log",
		Short: "列出审计记录（新的在前）/ list entries, newest first",
		Args:  noArgs,
		Example: example(
			"credit audit log --limit 20",
			"credit audit log --object 'user:*' --operator alice",
			"credit audit log --from 2026-11-01 --to 2026-11-30 --format json",
		),
		RunE: func(c *cobra.Command, _ []string) error {
			st, err := app.Store()
			if err != nil {
				return err
			}
			if _, err := app.Require(operator.Viewer); err != nil {
				return err
			}
			q := f
			if q.From, q.To, err = officeDayBounds("from", f.From, "to", f.To); err != nil {
				return err
			}
			entries, err := st.AuditLog(app.Ctx(), q)
			if err != nil {
				return err
			}
			if entries == nil {
				entries = []audit.Entry{}
			}
			t := &tabular.Table{
				Columns: []tabular.Column{
					{Key: "seq", Zh: "序号", En: "Seq"}, {Key: "at", Zh: "时间", En: "At"}, {Key: "operator", Zh: "操作员", En: "Operator"},
					{Key: "action", Zh: "动作", En: "Action"}, {Key: "object", Zh: "对象", En: "Object"}, {Key: "details", Zh: "详情", En: "Details"},
				},
				JSON: entries,
			}
			for _, e := range entries {
				who := e.Operator
				if e.ActingBy != "" {
					who += app.T("（由 ", " (by ") + e.ActingBy + app.T(" 代）", ")")
				}
				t.Rows = append(t.Rows, []string{fmt.Sprint(e.Seq), localTime(e.At), who, e.Action, e.Object, e.Details})
			}
			return app.Print(t)
		},
	}
	log.Flags().StringVar(&f.Object, "object", "", "对象（如 user:alice；以 * 结尾为前缀）/ object, '*' suffix for a prefix")
	log.Flags().StringVar(&f.Operator, "operator", "", "操作员 / operator")
	log.Flags().StringVar(&f.Action, "action", "", "动作前缀（如 catalog.）/ action prefix")
	log.Flags().StringVar(&f.From, "from", "", "起始日期 YYYY-MM-DD（北京时间）/ from office date")
	log.Flags().StringVar(&f.To, "to", "", "截止日期 YYYY-MM-DD（含，北京时间）/ to office date, inclusive")
	log.Flags().IntVar(&f.Limit, "limit", 0, "最多条数 / at most this many")

	var anchorText string
	verify := &cobra.Command{
		Use:   "verify",
		Short: "校验整条审计链（失败退出码 6）/ check the whole chain (exit 6 when broken)",
		Args:  noArgs,
		Long: `逐条重算审计链（封印后各条由办公室密钥 HMAC 保护），指出第一条被修改、删除或重排的记录；
再逐行核对每张封印表（记录、历史、主体、批次、异议、修复、名单、用户、查询日志等，见 docs/architecture.md）
的封印，指出在 credit 之外被修改、删除或加入的行（表名与行号）。任何一项失败时退出码为 6。
加 --anchor SEQ:HASH（此前 credit audit anchor 的输出，保存在数据库之外）还能发现被截断或整体改写的日志。

Recomputes the audit chain (keyed by the office key once the store is sealed) and checks the seal of
every row of every sealed table, naming the table and row of each change, deletion or addition made
outside credit. Exit 6 when anything fails.`,
		Example: example("credit audit verify", "credit audit verify --anchor 1234:9f2c…"),
		RunE: func(c *cobra.Command, _ []string) error {
			var anchor *audit.Anchor
			if anchorText != "" {
				a, err := audit.ParseAnchor(anchorText)
				if err != nil {
					return err
				}
				anchor = &a
			}
			st, err := app.Store()
			if err != nil {
				return err
			}
			head, n, chainErr := st.VerifyAudit(app.Ctx(), anchor)
			var rep store.SealReport
			if st.Key() != nil {
				// The seals are checked even when the chain is broken: the
				// rows changed are what the office needs to know.
				if rep, err = st.VerifySeals(app.Ctx()); err != nil {
					return err
				}
			}
			if rep.Problems == nil {
				rep.Problems = []store.SealProblem{}
			}
			if chainErr == nil && len(rep.Problems) == 0 {
				if app.JSON() {
					return app.Print(&tabular.Table{JSON: map[string]any{"ok": true, "entries": n, "head": head.String(), "sealed_tables": rep.Tables, "sealed_rows": rep.Rows, "problems": rep.Problems}})
				}
				app.Println(fmt.Sprintf(app.T("审计链完整：共 %d 条，链头 %s", "audit chain intact: %d entries, head %s"), n, head))
				if st.Key() != nil {
					app.Println(fmt.Sprintf(app.T("封印完好：%d 张表，%d 行", "seals intact: %d tables, %d rows"), rep.Tables, rep.Rows))
				}
				return nil
			}
			if app.JSON() {
				out := map[string]any{"ok": false, "entries": n, "sealed_tables": rep.Tables, "sealed_rows": rep.Rows, "problems": rep.Problems}
				if chainErr != nil {
					out["error"] = apperr.MessageOf(chainErr, app.Lang)
				}
				app.Print(&tabular.Table{JSON: out})
			} else {
				printSealProblems(app, &rep)
			}
			if chainErr != nil {
				return chainErr
			}
			return sealFailure(&rep)
		},
	}
	verify.Flags().StringVar(&anchorText, "anchor", "", "外部保存的链头 SEQ:HASH / a head kept outside the store")

	anchor := &cobra.Command{
		Use:     "anchor",
		Short:   "打印链头（序号:哈希），请保存在数据库之外 / print the chain head to keep outside the store",
		Args:    noArgs,
		Example: example("credit audit anchor >> /secure/credit-anchors.txt"),
		RunE: func(c *cobra.Command, _ []string) error {
			st, err := app.Store()
			if err != nil {
				return err
			}
			head, err := st.AuditHead(app.Ctx())
			if err != nil {
				return err
			}
			if app.JSON() {
				return app.Print(&tabular.Table{JSON: map[string]any{"seq": head.Seq, "hash": head.Hash, "anchor": head.String()}})
			}
			app.Println(head.String())
			return nil
		},
	}
	c.AddCommand(log, verify, anchor)
	return c
}
