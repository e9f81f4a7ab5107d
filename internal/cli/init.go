package cli

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"credit/catalogs"
	"credit/internal/catalog"
	"credit/internal/operator"
	"credit/internal/seal"
	"credit/internal/store"
	"credit/internal/tabular"
)

func init() { registerNoun("init", newInitCmd) }

// initHook runs inside the transaction that first initialises a store (for
// example to apply the default catalog). empty is true with --empty.
type initHook struct {
	name string
	run  func(a *App, tx *store.Tx, empty bool) (string, error)
}

var initHooks []initHook

// protectedQueriesSchema is the first schema whose binary keeps typed texts
// in the query log only in the protected form (internal/querylog).
const protectedQueriesSchema = 7

func newInitCmd(app *App) *cobra.Command {
	var empty, keyGroup bool
	c := &cobra.Command{
		Use:   "init",
		Short: "创建或升级数据库 / create or upgrade the store",
		Long: `创建数据库（或把已有数据库升级到本程序的架构版本）。新数据库的创建者成为管理员，
并应用默认目录（--empty 则不应用）。重复运行不做任何改变。

Creates the store (or upgrades it to this binary's schema). On a new store the invoking
user becomes administrator and the default catalog is applied (unless --empty).
Running it again changes nothing.`,
		Example: example(
			"credit init                       # 默认位置 $XDG_DATA_HOME/credit/credit.db / the default place",
			"credit --db /srv/credit/credit.db init",
			"CREDIT_DB=./demo.db credit init --empty   # 不带默认目录 / without the default catalog",
		),
		Args: noArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if err := app.ForChange(); err != nil {
				return err
			}
			st, err := store.Open(app.Ctx(), app.DefaultDBPath(), store.Options{Create: true})
			if err != nil {
				return err
			}
			app.adoptStore(st)
			// A sealed store's key comes first: migrations write sealed tables.
			if err := app.loadKey(st, false); err != nil {
				return err
			}
			from, to, err := st.Migrate(app.Ctx())
			if err != nil {
				return err
			}
			me, err := app.login()
			if err != nil {
				return err
			}
			actor := store.Actor{Operator: me, Today: app.Today(), Now: app.Clock().Now}
			var notes []string
			keyNote, err := sealStep(app, st, actor, keyGroup)
			if err != nil {
				return err
			}
			if keyNote != "" {
				notes = append(notes, keyNote)
			}
			created := false
			err = st.Write(app.Ctx(), actor, func(tx *store.Tx) error {
				n, err := tx.CountUsers()
				if err != nil || n > 0 {
					return err
				}
				// A new store: its creator administers it.
				created = true
				if _, err := tx.PutUser(me, operator.Admin); err != nil {
					return err
				}
				if err := tx.Audit("store.init", "store", map[string]any{"schema": to, "admin": me}); err != nil {
					return err
				}
				for _, h := range initHooks {
					note, err := h.run(app, tx, empty)
					if err != nil {
						return fmt.Errorf("%s: %w", h.name, err)
					}
					if note != "" {
						notes = append(notes, note)
					}
				}
				return nil
			})
			if err != nil {
				return err
			}
			if from != to && from > 0 {
				if err := st.Write(app.Ctx(), actor, func(tx *store.Tx) error {
					details := map[string]any{"from": from, "to": to}
					if from < protectedQueriesSchema {
						// Earlier versions kept search texts as typed (SPEC §3
						// 第三十六条: the query log holds no personal values).
						n, err := tx.ProtectQueryTexts()
						if err != nil {
							return err
						}
						details["query_texts_protected"] = n
					}
					return tx.Audit("store.upgrade", "store", details)
				}); err != nil {
					return err
				}
			}
			// A process killed while applying a published batch's
			// revisions left the rest pending (shown by the views as
			// applied): finish the apply before anything rewrites records.
			if err := st.Drain(app.Ctx(), actor); err != nil {
				return err
			}
			stepNotes, err := runUpgradeSteps(app, st, actor)
			if err != nil {
				return err
			}
			notes = append(notes, stepNotes...)
			// Versions applied before migration 013 (or by a binary whose
			// catalog had another shape) get their compiled form, so later
			// commands need not parse the YAML (issue 17).
			if _, err := st.CompileCatalogs(app.Ctx(), actor); err != nil {
				return err
			}
			status := "unchanged"
			switch {
			case created:
				status = "created"
			case from != to:
				status = "upgraded"
			}
			if app.JSON() {
				return app.Print(&tabular.Table{JSON: map[string]any{"path": st.Path, "status": status, "schema": to, "from": from, "admin": map[bool]string{true: me}[created], "notes": notes}})
			}
			switch status {
			case "created":
				app.Println(fmt.Sprintf(app.T("已创建数据库 %s（架构版本 %d），管理员：%s", "created the store %s (schema %d); administrator: %s"), st.Path, to, me))
			case "upgraded":
				app.Println(fmt.Sprintf(app.T("已把数据库 %s 从架构版本 %d 升级到 %d", "upgraded the store %s from schema %d to %d"), st.Path, from, to))
			default:
				app.Println(fmt.Sprintf(app.T("数据库 %s 已是最新（架构版本 %d），未做改变", "the store %s is up to date (schema %d); nothing changed"), st.Path, to))
			}
			for _, n := range notes {
				app.Println(n)
			}
			return nil
		},
	}
	c.Flags().BoolVar(&empty, "empty", false, "不应用默认目录 / do not apply the default catalog")
	c.Flags().BoolVar(&keyGroup, "key-group", false, "新建的办公室密钥文件对数据库所属的组可读（640，多人共用本地库时用；默认 600）/ make a new office key group-readable (0640) for a store several local accounts share")
	return c
}

// sealStep runs the upgrade step 'seal' when a migration left it pending:
// it takes the office key (creating it beside the store, never inside it,
// when there is none), closes the unkeyed audit chain and seals the tables
// (store.SealStore). It returns a note for the user.
func sealStep(app *App, st *store.Store, actor store.Actor, group bool) (string, error) {
	pending, err := st.SealPending(app.Ctx())
	if err != nil || !pending {
		return "", err
	}
	k := st.Key()
	path := app.OfficeKeyPath()
	made := false
	if k == nil {
		mode := os.FileMode(0o600)
		if group {
			mode = 0o640
		}
		if k, err = seal.Create(path, mode); err != nil {
			return "", err
		}
		made = true
	}
	res, err := st.SealStore(app.Ctx(), actor, k)
	if err != nil {
		return "", err
	}
	rows := 0
	for _, n := range res.TablesSealed {
		rows += n
	}
	note := fmt.Sprintf("已用办公室密钥 %s 封印 %d 张表（%d 行）", path, len(res.TablesSealed), rows)
	if app.Lang == "en" {
		note = fmt.Sprintf("sealed %d tables (%d rows) with the office key %s", len(res.TablesSealed), rows, path)
	}
	if made {
		note += app.T("（新建；请把它备份到数据库备份以外的地方，丢失后无法再写入或校验，见 docs/guide.md）",
			" (new: back it up apart from the store's backups; without it nothing can be written or verified, see docs/guide.md)")
	}
	if res.ClosedChain != "" {
		note += fmt.Sprintf(app.T("；此前的审计链止于 %s，此后各条由密钥保护", "; the audit chain before ends at %s, entries after it are keyed"), res.ClosedChain)
	}
	return note, nil
}

// runUpgradeSteps runs the upgrade steps migrations left pending (see
// internal/store/upgrade.go), each in its own write transaction.
func runUpgradeSteps(app *App, st *store.Store, actor store.Actor) ([]string, error) {
	pending, err := st.PendingUpgrades(app.Ctx())
	if err != nil || len(pending) == 0 {
		return nil, err
	}
	var notes []string
	for _, step := range pending {
		if step == "seal" {
			continue // sealStep ran before
		}
		if step != "008" {
			return notes, fmt.Errorf("unknown upgrade step %s: this binary is older than the store", step)
		}
		// The built-in catalog gained determined_on (第三十条) and 非法人组织:
		// a store whose catalog in force is an earlier built-in one gets the
		// current one as a new version, so records and later imports follow
		// the corrected rules. A catalog the office wrote itself is its own;
		// it keeps the old rule until the office names determined_on.
		name, data := catalogs.Default()
		v, ok, err := st.CatalogVersionOn(app.Ctx(), actor.Today)
		if err != nil {
			return notes, err
		}
		var res store.UpgradeResult
		err = st.Write(app.Ctx(), actor, func(tx *store.Tx) error {
			if ok && v.Source == name && v.ContentHash != store.ContentHash(data) {
				c, err := catalog.Parse(name, data)
				if err != nil {
					return err
				}
				applied, err := applyCatalog(tx, c, name, data)
				if err != nil {
					return err
				}
				notes = append(notes, fmt.Sprintf(app.T("已把默认目录更新为 %s（版本 #%d）：失信信息项写明了认定日期字段（第三十条）", "updated the default catalog to %s (version #%d): negative items name their determination date field (第三十条)"),
					c.Version, applied.Version.ID))
			}
			cat, _, err := tx.CatalogInForce(actor.Today)
			if errors.Is(err, store.ErrNoCatalog) {
				cat, err = &catalog.Catalog{Policy: catalog.DefaultPolicy()}, nil
			}
			if err != nil {
				return err
			}
			res, err = tx.RunUpgrade008(cat)
			return err
		})
		if err != nil {
			return notes, err
		}
		if res.ValidityChanged > 0 || res.LinkRecords > 0 {
			notes = append(notes, fmt.Sprintf(app.T("按第三十条重算了 %d 条记录的认定日期或有效期；按第二十九条移除了 %d 条记录上的 %d 个关联（均已审计）",
				"recomputed the determination date or validity of %d records (第三十条); removed %d links from %d records (第二十九条); each audited"),
				res.ValidityChanged, res.LinksRemoved, res.LinkRecords))
		}
		if len(res.LegacyDetermining) > 0 {
			notes = append(notes, fmt.Sprintf(app.T("注意：在用目录的失信信息项 %s 没有 determined_on，仍按旧规则（第一个不晚于今天的日期字段）计算有效期；请在目录中写明认定日期字段后重新应用（docs/catalog.md）",
				"note: the negative items %s of the catalog in force name no determined_on and keep the old rule (the first not-after-today date field); name the determination date field and apply the catalog again (docs/catalog.md)"),
				strings.Join(res.LegacyDetermining, "、")))
		}
	}
	return notes, nil
}
