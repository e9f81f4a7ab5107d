package cli

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"credit/internal/apperr"
	"credit/internal/audit"
	"credit/internal/operator"
	"credit/internal/seal"
	"credit/internal/store"
	"credit/internal/tabular"
)

func init() { registerNoun("backup", newBackupCmd) }

func newBackupCmd(app *App) *cobra.Command {
	var verify bool
	var anchorText string
	c := &cobra.Command{
		Use:   "backup PATH",
		Short: "在线备份数据库，或校验备份 / online backup of the store, or check a backup",
		Long: `备份：写出数据库的一致副本，备份期间其他人可以照常查询和录入；不会覆盖已有文件。
校验（--verify）：检查备份文件的 SQLite 完整性与审计链，损坏时退出码为 6。

Writes a consistent copy while others keep working (never overwrites a file).
With --verify, checks a backup's integrity and audit chain (exit 6 when broken).`,
		Example: example(
			"credit backup /backup/credit-$(date +%F).db",
			"credit backup --verify /backup/credit-2026-11-27.db",
		),
		Args: exactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			if verify {
				var anchor *audit.Anchor
				if anchorText != "" {
					a, err := audit.ParseAnchor(anchorText)
					if err != nil {
						return err
					}
					anchor = &a
				}
				// The office key of the live store (--key, CREDIT_KEY, or beside
				// --db); a backup made before sealing needs none.
				var key *seal.Key
				if k, err := seal.Load(app.OfficeKeyPath()); err == nil {
					key = k
				} else if !errors.Is(err, seal.ErrNoKey) {
					return err
				}
				head, n, rep, err := store.VerifyFile(app.Ctx(), args[0], anchor, key)
				if err == nil && rep != nil && len(rep.Problems) > 0 {
					if !app.JSON() {
						printSealProblems(app, rep)
					}
					err = sealFailure(rep)
				}
				if err != nil {
					if app.JSON() {
						app.Print(&tabular.Table{JSON: map[string]any{"path": args[0], "ok": false, "entries": n, "error": apperr.MessageOf(err, app.Lang)}})
					}
					return err
				}
				if app.JSON() {
					out := map[string]any{"path": args[0], "ok": true, "entries": n, "head": head.String()}
					if rep != nil {
						out["sealed_tables"], out["sealed_rows"] = rep.Tables, rep.Rows
					}
					return app.Print(&tabular.Table{JSON: out})
				}
				app.Println(fmt.Sprintf(app.T("备份 %s 完好：完整性检查通过，审计链 %d 条，链头 %s", "backup %s is sound: integrity ok, audit chain of %d entries, head %s"), args[0], n, head))
				if rep != nil {
					app.Println(fmt.Sprintf(app.T("封印完好：%d 张表，%d 行", "seals intact: %d tables, %d rows"), rep.Tables, rep.Rows))
				}
				return nil
			}
			st, err := app.Store()
			if err != nil {
				return err
			}
			op, err := app.Require(operator.Admin)
			if err != nil {
				return err
			}
			head, err := st.AuditHead(app.Ctx())
			if err != nil {
				return err
			}
			if err := st.Backup(app.Ctx(), args[0]); err != nil {
				if app.JSON() && apperr.CodeOf(err) == apperr.Internal {
					app.Print(&tabular.Table{JSON: map[string]any{"path": args[0], "ok": false, "error": apperr.MessageOf(err, app.Lang)}})
				}
				return err
			}
			// Recorded after the copy, so the backup's own chain ends at head.
			if err := st.Write(app.Ctx(), app.Actor(op), func(tx *store.Tx) error {
				return tx.Audit("store.backup", "store", map[string]any{"path": args[0], "head": head.String()})
			}); err != nil {
				return err
			}
			if app.JSON() {
				return app.Print(&tabular.Table{JSON: map[string]any{"path": args[0], "head": head.String()}})
			}
			app.Println(fmt.Sprintf(app.T("已备份到 %s（审计链头 %s）", "backed up to %s (audit head %s)"), args[0], head))
			return nil
		},
	}
	c.Flags().BoolVar(&verify, "verify", false, "校验备份文件 / check a backup file")
	c.Flags().StringVar(&anchorText, "anchor", "", "与 --verify 同用：外部保存的链头 SEQ:HASH / with --verify: the chain head SEQ:HASH kept outside")
	return c
}
