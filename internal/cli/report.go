package cli

import (
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"credit/internal/apperr"
	"credit/internal/operator"
	"credit/internal/report"
	"credit/internal/store"
)

func init() { registerNoun("report", newReportCmd) }

// writeReport writes doc to -o (format by extension) or prints it in --format.
func writeReport(app *App, doc *report.Doc, out string) error {
	if out == "" {
		return doc.Write(app.Out, app.Format, app.Lang, app.IsTTY())
	}
	if err := doc.WriteFile(out, app.Lang); err != nil {
		return app.outputFailed(out, err, "", "")
	}
	app.Warn(app.T("已写入 ", "written: ") + out)
	if app.JSON() {
		return doc.Write(app.Out, app.Format, app.Lang, app.IsTTY())
	}
	return nil
}

func checkReportOut(out string) error {
	if out != "" && !report.SupportedExt(out) {
		return apperr.Newf(apperr.Usage, "-o %s：不支持的文件类型，请用 .xlsx、.csv、.md 或 .json", "-o %s: unsupported file type; use .xlsx, .csv, .md or .json", out)
	}
	return nil
}

func newReportCmd(app *App) *cobra.Command {
	c := &cobra.Command{
		Use:   "report",
		Short: "月度报告：联合奖惩案例、归集和应用情况 / monthly reports",
		Long: `月度报告：
  sanctions   联合奖惩案例月报（第二十八条）：按实施单位、奖惩类型和措施汇总，并列出每个案例
  collection  公共信用信息归集和应用情况报告（第五条、第十七条、第四十条）：各信息提供单位各信息项的
              批次、行数、拒收率、及时性、迟报红黑名单、异议成立数和红/黄/绿灯；各信息使用单位的查询、审查和案例

-o FILE 按扩展名写 .xlsx（每部分一个工作表）、.csv、.md 或 .json；不给 -o 时按 --format 打印。

Monthly reports:
  sanctions   the joint reward and sanction cases of the month (article 28): totals by unit, kind and measure, then each case
  collection  the collection and use report (articles 5, 17 and 40): per provider and item the batches, rows, reject rate,
              timeliness, late list entries, upheld objections and the red/yellow/green light; per user unit the queries,
              checks and cases

-o FILE writes by extension: .xlsx (a sheet per part), .csv, .md or .json; without -o, prints per --format.`,
	}
	var month, out string
	sanctions := &cobra.Command{
		Use:   "sanctions --month YYYY-MM [-o FILE.xlsx|.csv|.md|.json]",
		Short: "联合奖惩案例月报 / the monthly joint reward and sanction case report",
		Long: `实施日期在该月的全部案例：“汇总”按实施单位、奖惩类型和措施计数，“明细”逐条列出（中文表头）。
当月没有案例时，两部分照常输出并写明没有案例。

Every case whose date falls in the month: the totals (汇总) by unit, kind and measure, then the cases one by one (明细),
with Chinese headers. A month without cases still gives both parts, saying there are none.`,
		Example: example(
			"credit report sanctions --month 2025-12 -o 联合奖惩案例_202512.xlsx",
			"credit report sanctions --month 2025-12 --format json",
		),
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			m, err := report.ParseMonth(month)
			if err != nil {
				return err
			}
			if err := checkReportOut(out); err != nil {
				return err
			}
			st, err := app.Store()
			if err != nil {
				return err
			}
			// Subjects' codes and names in full: office staff only.
			op, err := app.Require(operator.Clerk)
			if err != nil {
				return err
			}
			withJSON := app.JSON() || strings.EqualFold(filepath.Ext(out), ".json")
			doc, err := report.Sanctions(app.Ctx(), st, m, app.Lang, withJSON)
			if err != nil {
				return err
			}
			if _, err := st.LogQuery(app.Ctx(), app.Actor(op), store.QueryEntry{Action: "report", Scope: "office", Purpose: "联合奖惩案例月报", Query: "sanctions " + m.String()}); err != nil {
				return err
			}
			return writeReport(app, doc, out)
		},
	}
	sanctions.Flags().StringVar(&month, "month", "", "月份 YYYY-MM / month")
	sanctions.Flags().StringVarP(&out, "output", "o", "", "写入文件 / write to a file")

	var cMonth, cOut string
	collection := &cobra.Command{
		Use:   "collection --month YYYY-MM [-o FILE]",
		Short: "归集和应用情况报告（含红黄绿灯）/ the collection and use report with lights",
		Long: `截至该月最后一天（或今天，取较早者）：
- 信息提供单位 × 信息项：本月发布的批次数、行数、新增/修订/重复/拒收行数、拒收率；及时性：按信息项的更新周期，
  上一批次之后下一批次的应报日期（每日：次日；每周：7 天后；每月：次月底；每季：下季末；每年：次年底；
  变更时报送的不计），截至日超过应报日期的天数即逾期天数（从未报送的从登记该信息项之日起算）；
  本月报送的迟报红黑名单（第十七条：认定后次月底之后报送）；本月成立的异议；
  考核灯：拒收率或天数（逾期天数与迟报名单天数取大者）达到政策 lights 的红灯阈值为红灯，达到黄灯阈值为黄灯，否则绿灯。
- 信息使用单位：查询次数（查询日志）、信用审查次数、批量导出次数、联合奖惩案例数。

As of the month's last day (or today, if earlier):
- per provider and item: the batches published in the month, rows, new/revised/duplicate/rejected rows and the reject rate;
  timeliness: the date the next batch was due after the last one, by the item's update cycle (daily: next day; weekly:
  7 days later; monthly: end of next month; quarterly: end of next quarter; yearly: end of next year; on-change items
  are not counted), and the days past it (an item never supplied counts from the day it was registered); the list
  entries supplied late this month (article 17: after the end of the month following the determination); the
  objections upheld this month; the light: red when the reject rate or the days late (the larger of overdue and late
  list days) reach the policy's lights red threshold, yellow at its yellow threshold, else green.
- per user unit: queries (the query log), credit checks, bulk exports and joint reward/sanction cases.`,
		Example: example(
			"credit report collection --month 2025-12 -o 归集和应用情况_202512.xlsx",
			"credit report collection --month 2025-12 --format json",
		),
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			m, err := report.ParseMonth(cMonth)
			if err != nil {
				return err
			}
			if err := checkReportOut(cOut); err != nil {
				return err
			}
			st, err := app.Store()
			if err != nil {
				return err
			}
			if _, err := app.Require(operator.Viewer); err != nil {
				return err
			}
			cat, _, err := st.CatalogInForce(app.Ctx(), app.Today())
			if err != nil {
				return err
			}
			doc, err := report.Collection(app.Ctx(), st, cat, m, app.Today(), app.Lang)
			if err != nil {
				return err
			}
			return writeReport(app, doc, cOut)
		},
	}
	collection.Flags().StringVar(&cMonth, "month", "", "月份 YYYY-MM / month")
	collection.Flags().StringVarP(&cOut, "output", "o", "", "写入文件 / write to a file")

	c.AddCommand(sanctions, collection)
	return c
}
