package cli

import (
	"fmt"
	"strings"

	"credit/internal/catalog"
	"credit/internal/report"
	"credit/internal/store"
	"credit/internal/tabular"
)

// addProviderLight adds to a provider's table the 红/黄/绿 light of the
// current month (第五条), computed as credit report collection does: a
// footer line per item and "light" in the JSON.
func addProviderLight(app *App, st *store.Store, cat *catalog.Catalog, code string, t *tabular.Table) error {
	m := report.MonthOf(app.Today())
	js, err := report.CollectionData(app.Ctx(), st, cat, m, app.Today(), code)
	if err != nil {
		return err
	}
	items := make([]map[string]any, 0, len(js.Providers))
	var parts []string
	for _, r := range js.Providers {
		items = append(items, map[string]any{"item": r.Item, "light": r.Light, "reject_rate": r.RejectRate, "days_late": r.DaysLate,
			"late_list_reports": r.LateListReports, "objections_upheld": r.ObjectionsUpheld})
		parts = append(parts, fmt.Sprintf(app.T("%s %s（拒收率 %s，逾期 %d 天，迟报名单 %d，异议成立 %d）", "%s %s (reject rate %s, %d days overdue, %d late list reports, %d objections upheld)"),
			r.Item, report.LightLabel(r.Light, app.Lang), report.Percent(r.RejectRate), r.DaysLate, r.LateListReports, r.ObjectionsUpheld))
	}
	// Each item row gets its light, so a pipe (no footer) shows it too.
	byItem := map[string]string{}
	for _, r := range js.Providers {
		byItem[r.Item] = report.LightLabel(r.Light, app.Lang)
	}
	t.Columns = append(t.Columns, tabular.Column{Key: "light", Zh: m.String() + " 考核灯", En: m.String() + " light"})
	for i, row := range t.Rows {
		if len(row) > 0 {
			t.Rows[i] = append(row, byItem[row[0]])
		}
	}
	if obj, ok := t.JSON.(map[string]any); ok {
		obj["light"] = map[string]any{"month": m.String(), "as_of": js.AsOf, "light": js.Light, "items": items}
	}
	t.Footer = append(t.Footer, fmt.Sprintf(app.T("%s 考核灯（截至 %s）：%s", "%s light (as of %s): %s"), m, js.AsOf, report.LightLabel(js.Light, app.Lang)))
	if len(parts) > 0 {
		t.Footer = append(t.Footer, "  "+strings.Join(parts, app.T("；", "; ")))
	}
	return nil
}
