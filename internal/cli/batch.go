package cli

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"credit/internal/apperr"
	"credit/internal/ingest"
	"credit/internal/operator"
	"credit/internal/store"
	"credit/internal/tabular"
)

func init() { registerNoun("batch", newBatchCmd) }

var batchStateLabel = map[string]string{"staging": "暂存中", "published": "已发布", "discarded": "已丢弃"}

func batchArg(s string) (int64, error) {
	n, err := strconv.ParseInt(strings.TrimPrefix(s, "#"), 10, 64)
	if err != nil || n <= 0 {
		return 0, apperr.Newf(apperr.Usage, "批次号 %q 无效", "batch %q is not a number", s)
	}
	return n, nil
}

func newBatchCmd(app *App) *cobra.Command {
	c := &cobra.Command{Use: "batch", Short: "归集批次与拒收行 / import batches and their rejected rows"}
	var f store.BatchFilter
	list := &cobra.Command{
		Use:     "list",
		Short:   "列出批次（新的在前）/ list batches, newest first",
		Args:    noArgs,
		Example: example("credit batch list", "credit batch list --item XZCF --limit 20 --format json"),
		RunE: func(c *cobra.Command, _ []string) error {
			st, err := app.Store()
			if err != nil {
				return err
			}
			if _, err := app.Require(operator.Viewer); err != nil {
				return err
			}
			bs, err := st.Batches(app.Ctx(), f)
			if err != nil {
				return err
			}
			if bs == nil {
				bs = []store.BatchInfo{}
			}
			t := &tabular.Table{Columns: batchColumns(), JSON: bs}
			for _, b := range bs {
				t.Rows = append(t.Rows, batchRow(app, b))
			}
			return app.Print(t)
		},
	}
	list.Flags().StringVar(&f.Provider, "provider", "", "提供单位 / provider")
	list.Flags().StringVar(&f.Item, "item", "", "信息项 / item")
	list.Flags().StringVar(&f.State, "state", "", "状态 staging|published|discarded / state")
	list.Flags().IntVar(&f.Limit, "limit", 50, "最多条数（0 不限）/ at most this many")

	show := &cobra.Command{
		Use:     "show N",
		Short:   "批次详情与拒收原因统计 / a batch and its reject counts",
		Args:    exactArgs(1),
		Example: example("credit batch show 12", "credit batch show 12 --format json"),
		RunE: func(c *cobra.Command, args []string) error {
			b, err := loadBatch(app, args[0])
			if err != nil {
				return err
			}
			if app.JSON() {
				return app.Print(&tabular.Table{JSON: b})
			}
			kv := &tabular.Table{Columns: []tabular.Column{{Key: "key", Zh: "项目", En: "Field"}, {Key: "value", Zh: "内容", En: "Value"}}}
			add := func(k, v string) { kv.Rows = append(kv.Rows, []string{k, v}) }
			add(app.T("批次", "Batch"), fmt.Sprint(b.ID))
			add(app.T("文件", "File"), b.FileName+"（"+b.Format+" "+b.Encoding+"）")
			add(app.T("提供单位", "Provider"), b.Provider)
			add(app.T("信息项", "Item"), b.Item)
			add(app.T("渠道", "Channel"), b.Channel)
			add(app.T("状态", "State"), app.T(batchStateLabel[b.State], b.State))
			add(app.T("读取/新增/修订/重复/拒收", "Rows/new/revised/duplicate/rejected"), fmt.Sprintf("%d / %d / %d / %d / %d", b.Rows, b.Accepted, b.Revised, b.Duplicates, b.Rejected))
			add(app.T("操作员", "Operator"), b.Operator)
			add(app.T("业务日期", "Office date"), b.Today)
			add(app.T("开始/完成", "Started/finished"), localTime(b.StartedAt)+" / "+localTime(b.FinishedAt))
			add(app.T("文件哈希", "File hash"), b.FileHash)
			var reasons []string
			for r := range b.Reasons {
				reasons = append(reasons, r)
			}
			sort.Strings(reasons)
			for _, r := range reasons {
				add(app.T("拒收：", "rejected: ")+r, fmt.Sprintf("%d（%s）", b.Reasons[r], ingest.ReasonLabel(r)))
			}
			return app.Print(kv)
		},
	}
	var out string
	rejects := &cobra.Command{
		Use:   "rejects N [-o FILE]",
		Short: "批次的拒收行（经办及以上）；-o 写出可改正后重报的 CSV / a batch's rejected rows (clerk); -o writes the resubmittable CSV",
		Long: `列出批次被拒收的行：行号、错误字段、原因代码和错误原因；-o 写出原列加错误字段、错误原因的 CSV，供信息提供单位改正后重报。
拒收行含提供单位原样填写的内容（自然人的姓名、身份证号码等），只对经办（clerk）及以上角色开放。
A batch's rejected rows; they hold the provider's cells as typed (persons' names and ID numbers): clerk role or above.`,
		Args: exactArgs(1),
		Example: example(
			"credit batch rejects 12",
			"credit batch rejects 12 -o 拒收_12.csv   # 原列 + 错误字段 + 错误原因，UTF-8 带 BOM / the columns plus the error field and reason, UTF-8 with BOM",
		),
		RunE: func(c *cobra.Command, args []string) error {
			b, err := loadBatch(app, args[0])
			if err != nil {
				return err
			}
			// Rejected rows are the provider's cells as typed — names and ID
			// numbers of natural persons: office staff only (SPEC §C).
			if _, err := app.Require(operator.Clerk); err != nil {
				return err
			}
			st, _ := app.Store()
			rs, err := st.Rejects(app.Ctx(), b.ID)
			if err != nil {
				return err
			}
			if strings.HasSuffix(strings.ToLower(out), ".csv") {
				if err := ingest.WriteRejectsCSV(out, b.Header, rs); err != nil {
					return app.outputFailed(out, err, "", "")
				}
				fmt.Fprintln(app.Err, app.T("已写入 ", "written: ")+out)
				return nil
			}
			type jr struct {
				Row     int      `json:"row"`
				Fields  string   `json:"fields"`
				Reasons string   `json:"reasons"`
				Message string   `json:"message"`
				Cells   []string `json:"cells"`
			}
			js := []jr{}
			t := &tabular.Table{Columns: []tabular.Column{{Key: "row", Zh: "行号", En: "Row"}, {Key: "fields", Zh: "错误字段", En: "Fields"}, {Key: "reasons", Zh: "原因代码", En: "Reasons"}, {Key: "message", Zh: "错误原因", En: "Message"}}}
			for _, r := range rs {
				js = append(js, jr{r.Line, r.Fields, r.Reasons, r.Message, r.Cells})
				t.Rows = append(t.Rows, []string{fmt.Sprint(r.Line), r.Fields, r.Reasons, r.Message})
			}
			t.JSON = js
			return app.PrintTo(out, t)
		},
	}
	rejects.Flags().StringVarP(&out, "output", "o", "", "写入文件（.csv 为可重报格式；.xlsx/.md/.json 为报告）/ output file")
	c.AddCommand(list, show, rejects)
	return c
}

func loadBatch(app *App, arg string) (store.BatchInfo, error) {
	id, err := batchArg(arg)
	if err != nil {
		return store.BatchInfo{}, err
	}
	st, err := app.Store()
	if err != nil {
		return store.BatchInfo{}, err
	}
	if _, err := app.Require(operator.Viewer); err != nil {
		return store.BatchInfo{}, err
	}
	b, ok, err := st.Batch(app.Ctx(), id)
	if err != nil {
		return b, err
	}
	if !ok {
		return b, apperr.Newf(apperr.Usage, "没有批次 %d", "no batch %d", id)
	}
	return b, nil
}

func batchColumns() []tabular.Column {
	return []tabular.Column{
		{Key: "batch", Zh: "批次", En: "Batch"}, {Key: "file", Zh: "文件", En: "File"}, {Key: "provider", Zh: "提供单位", En: "Provider"},
		{Key: "item", Zh: "信息项", En: "Item"}, {Key: "state", Zh: "状态", En: "State"}, {Key: "rows", Zh: "读取", En: "Rows"},
		{Key: "accepted", Zh: "新增", En: "New"}, {Key: "revised", Zh: "修订", En: "Revised"}, {Key: "duplicates", Zh: "重复", En: "Dup"},
		{Key: "rejected", Zh: "拒收", En: "Rejected"}, {Key: "started_at", Zh: "开始时间", En: "Started"},
	}
}

func batchRow(app *App, b store.BatchInfo) []string {
	return []string{fmt.Sprint(b.ID), b.FileName, b.Provider, b.Item, app.T(batchStateLabel[b.State], b.State), fmt.Sprint(b.Rows), fmt.Sprint(b.Accepted),
		fmt.Sprint(b.Revised), fmt.Sprint(b.Duplicates), fmt.Sprint(b.Rejected), localTime(b.StartedAt)}
}
