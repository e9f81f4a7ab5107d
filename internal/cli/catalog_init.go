package cli

import (
	"fmt"

	"credit/catalogs"
	"credit/internal/catalog"
	"credit/internal/store"
)

// credit init applies the default catalog (catalogs/nantong.yaml, embedded)
// to a new store, in the init transaction, unless --empty.
func init() {
	initHooks = append(initHooks, initHook{name: "catalog", run: func(a *App, tx *store.Tx, empty bool) (string, error) {
		if empty {
			return a.T("未应用默认目录（--empty）：用 credit catalog apply FILE 应用目录", "the default catalog was not applied (--empty): use credit catalog apply FILE"), nil
		}
		name, data := catalogs.Default()
		c, err := catalog.Parse(name, data)
		if err != nil {
			return "", err
		}
		res, err := applyCatalog(tx, c, name, data)
		if err != nil {
			return "", err
		}
		v := res.Version
		return fmt.Sprintf(a.T("已应用默认目录 %s %s（版本 #%d，生效日期 %s，%d 个信息项）", "applied the default catalog %s %s (version #%d, effective %s, %d items)"),
			v.Jurisdiction, v.Version, v.ID, v.Effective, len(c.Items)), nil
	}})
}
