package cli

import (
	"bufio"
	"credit/internal/diskfault"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"credit/internal/apperr"
	"credit/internal/archive"
	"credit/internal/civil"
	"credit/internal/operator"
	"credit/internal/tabular"
)

func init() { registerNoun("export", newExportCmd) }

// xlsxMaxRows is the most data rows a worksheet holds (Excel: 1,048,576 rows
// including the header).
const xlsxMaxRows = 1<<20 - 1

// writeXLSXAtomic writes t as a workbook that appears whole or not at all.
// The temporary file keeps the .xlsx extension (excelize, which wrote
// workbooks before internal/xlsx, refused any other).
func writeXLSXAtomic(path, lang string, t *tabular.Table) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.xlsx")
	if err != nil {
		return err
	}
	tmp := f.Name()
	f.Close()
	defer os.Remove(tmp)
	if err := tabular.WriteXLSX(tmp, lang, tabular.Sheet{Name: t.Title, Table: t}); err != nil {
		return err
	}
	if err := diskfault.Check(tmp); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

func newExportCmd(app *App) *cobra.Command {
	var o scopeOpts
	var item, since, out string
	c := &cobra.Command{
		Use:   "export --unit UNIT --item ITEM [--since DATE] -o FILE.csv|FILE.xlsx",
		Short: "向信息使用单位批量交换信用信息 / batch export of records to a user unit",
		Long: `按第二十四条向信息使用单位批量提供信用信息：只含该单位在政府共享范围内可以查看的信息项
（社会公开信息项，或该单位登记的共享信息项）中有效期内的信息，不含已过期、已修复、已撤回的信息。
列为信息项的全部字段，另加 记录编号、决定日期、有效期至；--since 只导出决定日期不早于该日的信息。
导出写入查询记录，逐条记下每条信息及其版本，以后更正时可据此向收到旧信息的单位重新推送（第三十二条）。
CSV 为 UTF-8 带 BOM；记录很多时请用 CSV（XLSX 每表最多 1048575 行）。需要经办（clerk）或以上角色。

Exports the valid records of one item that a user unit may see in the shared scope, one row per
record; the export is logged record by record so corrections can be re-sent. Clerk role or above.`,
		Example: example(
			"credit export --unit 113206000140000015 --item XZCF -o 行政处罚_发改委.csv",
			"credit export --unit 113206000140000015 --item XYCN --since 2025-01-01 -o 信用承诺.xlsx --purpose 月度交换",
		),
		Args: noArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			// Checked here, not with cobra's required flags, so that a missing
			// flag is a usage error (exit 2).
			if strings.TrimSpace(o.unit) == "" || strings.TrimSpace(item) == "" {
				return apperr.New(apperr.Usage, "请用 --unit 给出信息使用单位、--item 给出信息项", "give the user unit with --unit and the item with --item")
			}
			ext := strings.ToLower(filepath.Ext(out))
			if out == "" || (ext != ".csv" && ext != ".xlsx") {
				return apperr.New(apperr.Usage, "请用 -o 给出导出文件，扩展名为 .csv 或 .xlsx", "give the export file with -o, ending in .csv or .xlsx")
			}
			sinceD, err := parseDateFlag("since", since, civil.Date{})
			if err != nil {
				return err
			}
			if _, err := app.Store(); err != nil {
				return err
			}
			if _, err := app.Require(operator.Clerk); err != nil {
				return err
			}
			st, acc, actor, err := o.access(app, archive.Shared)
			if err != nil {
				return err
			}
			item = strings.ToUpper(strings.TrimSpace(item))
			var res *archive.ExportResult
			if ext == ".csv" {
				err = tabular.WriteFileAtomic(out, func(tmp string) error {
					f, err := os.Create(tmp)
					if err != nil {
						return err
					}
					defer f.Close()
					bw := bufio.NewWriterSize(f, 1<<20)
					bw.Write([]byte{0xEF, 0xBB, 0xBF}) // Excel opens UTF-8 CSV by its BOM
					w := csv.NewWriter(bw)
					wroteHeader := false
					res, err = archive.Export(app.Ctx(), st, acc, actor, item, sinceD, func(row []string) error {
						if !wroteHeader {
							wroteHeader = true
							if err := w.Write(archive.ExportColumns(acc.Catalog.Item(item))); err != nil {
								return err
							}
						}
						return w.Write(tabular.GuardRow(row))
					})
					if err != nil {
						return err
					}
					if !wroteHeader {
						w.Write(res.Columns)
					}
					w.Flush()
					if err := w.Error(); err != nil {
						return err
					}
					if err := bw.Flush(); err != nil {
						return err
					}
					return f.Close()
				})
			} else {
				t := &tabular.Table{Title: item}
				res, err = archive.Export(app.Ctx(), st, acc, actor, item, sinceD, func(row []string) error {
					if len(t.Rows) >= xlsxMaxRows {
						return apperr.New(apperr.Rule, "记录超过 XLSX 一张工作表的行数上限（1048575 行）：请改用 .csv 或用 --since 分批导出",
							"more records than an XLSX sheet holds (1,048,575 rows): use .csv, or split with --since")
					}
					t.Rows = append(t.Rows, row)
					return nil
				})
				if err == nil {
					kinds := archive.ExportColumnKinds(acc.Catalog.Item(item))
					for i, col := range res.Columns {
						c := tabular.Column{Key: col, Zh: col, En: col}
						if len(kinds) == len(res.Columns) {
							c.Kind = kinds[i]
						}
						t.Columns = append(t.Columns, c)
					}
					err = writeXLSXAtomic(out, app.Lang, t)
				}
			}
			if err != nil {
				return app.outputFailed(out, err, "导出失败，未写入 "+out, "the export failed; "+out+" was not written")
			}
			app.Warn(app.T("已写入 ", "written: ") + out)
			summary := map[string]any{"file": out, "unit": acc.Unit, "item": item, "records": res.Records, "query_id": res.QueryID, "as_of": acc.AsOf}
			if !sinceD.IsZero() {
				summary["since"] = sinceD
			}
			if app.JSON() {
				return app.Print(&tabular.Table{JSON: summary})
			}
			app.Println(app.T("已向 ", "exported ") + acc.UnitName + " " + acc.Unit + app.T(" 导出 ", ": ") + item + " " +
				itoa(res.Records) + app.T(" 条有效信息（查询记录 Q", " valid record(s) (query log Q") + itoa(int(res.QueryID)) + app.T("）", ")"))
			return nil
		},
	}
	o.register(c, false)
	f := c.Flags()
	f.StringVar(&item, "item", "", "信息项代码，如 XZCF / item code")
	f.StringVar(&since, "since", "", "只导出决定日期不早于该日的信息（YYYY-MM-DD）/ records decided on or after this date")
	f.StringVarP(&out, "output", "o", "", "导出文件（.csv 或 .xlsx）/ output file")
	return c
}
