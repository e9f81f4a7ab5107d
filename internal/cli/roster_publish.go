package cli

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"credit/internal/apperr"
	"credit/internal/archive"
	"credit/internal/operator"
	"credit/internal/roster"
	"credit/internal/tabular"
)

// hashForm says, in the file, how the entries' SHA-256 is computed
// (archive.CanonicalEntries; docs/rosters.md).
const (
	hashFormZh = "列名一行、每个条目一行（按本文件顺序），每行为字符串的 JSON 数组，按 RFC 8785（JCS）书写：无空白，只转义 \" \\ 和控制字符，其余按 UTF-8 原样，行末一个换行符（0x0A）；对这些字节取 SHA-256，小写十六进制"
	hashFormEn = "one line of the column names, then one line per entry in this file's order; each line a JSON array of strings written as RFC 8785 (JCS) does (no whitespace; only \" \\ and control characters escaped; everything else as UTF-8), ended by one line feed (0x0A); SHA-256 of those bytes, lower-case hex"
)

// publicationJSON is what a .json publication holds.
type publicationJSON struct {
	Title    string     `json:"title"`
	List     string     `json:"list"`
	Item     string     `json:"item"`
	ListName string     `json:"list_name"`
	Date     string     `json:"date"`
	Catalog  string     `json:"catalog_version"`
	Count    int        `json:"count"`
	Objected int        `json:"objected"`
	SHA256   string     `json:"entries_sha256"`
	HashForm string     `json:"entries_sha256_form"`
	Notes    []string   `json:"notes"`
	Columns  []string   `json:"columns"`
	Entries  [][]string `json:"entries"`
}

func newRosterPublishCmd(app *App) *cobra.Command {
	var list, out string
	c := &cobra.Command{
		Use:   "publish --list red|black -o FILE.csv|.json|.xlsx|.html",
		Short: "生成信用网站公示的红黑名单文件（经办）/ write the red or black list the credit website may publish (clerk)",
		Long: `按第二十一条、第二十四条（红黑名单公示）生成信用网站可以公示的名单文件，格式由 -o 的扩展名决定
（.csv、.json、.xlsx、.html）：
  - 只含当日（--today，默认今天）有效的条目：已审核通过（导入的条目发布即生效）、已认定、在有效期内、未移出、
    未撤回、未信用修复；待审核、被驳回、已移出、已过期、已撤回、已修复的条目都不在其中；
  - 只含社会公开范围的内容：名单信息项（HMD、HEIMD）在目录中的字段，目录未列为社会公开的名单不能公示；
  - 自然人的姓名、身份证号码等个人信息按社会公开范围遮蔽（张*、110105********002X），与公开档案相同
    （本办公室规则：服务于第四条“不得侵犯个人隐私”）；
  - 异议处理中的条目照常公示，并在“异议标识”列标明“异议处理中”（第三十二条：打上标识，但不影响其公示与应用）；
  - 文件中写明名单日期、条目数和条目的 SHA-256（按规范形式计算，不是文件的哈希，网站可据此核对；规范形式见
    docs/rosters.md），CSV 在表头之前的说明段，XLSX 在“说明”工作表，HTML 在表格之上，JSON 在对象字段中；
  - HTML 是一张可直接放在网站上的静态页面：内容全部转义，没有脚本，适配手机屏幕。
生成即写入查询记录（动作 publish，社会公开范围，逐条记下导入条目的记录及其版本，如同批量导出）和审计日志。
需要经办（clerk）或以上角色。

Writes the list the credit website may publish: entries in force on --today, the list item's public
fields, natural persons' names and numbers masked as in the public archive (an office rule), entries
under objection published with their mark (art. 32); the list's date and the SHA-256 of its entries
(canonical form: docs/rosters.md) are inside the file. Logged in the query log and audited. Clerk role.`,
		Example: example(
			"credit roster publish --list black -o 黑名单公示.html",
			"credit roster publish --list red -o 红名单.csv --today 2026-12-01",
			"credit roster publish --list black -o heimd.json --format json",
		),
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			list = strings.ToLower(strings.TrimSpace(list))
			if list != roster.Red && list != roster.Black {
				return apperr.Newf(apperr.Usage, "请用 --list 给出 red（红名单）或 black（黑名单）", "give --list red or --list black")
			}
			if out == "" || !tabular.DocumentExt(out) {
				return apperr.New(apperr.Usage, "请用 -o 给出公示文件，扩展名为 .csv、.json、.xlsx 或 .html",
					"give the publication file with -o, ending in .csv, .json, .xlsx or .html")
			}
			st, actor, err := app.Writer(operator.Clerk)
			if err != nil {
				return err
			}
			op, err := app.Operator()
			if err != nil {
				return err
			}
			cat, _, err := st.CatalogInForce(app.Ctx(), app.Today())
			if err != nil {
				return err
			}
			acc, err := archive.Authorize(app.Ctx(), st, cat, op, archive.Request{Scope: archive.Public, Purpose: "红黑名单公示",
				AsOf: app.Today(), RealToday: realToday(app)})
			if err != nil {
				return err
			}
			pub, err := archive.Publish(app.Ctx(), st, acc, list)
			if err != nil {
				return err
			}
			doc := publicationDocument(app, pub)
			ext := strings.TrimPrefix(strings.ToLower(filepath.Ext(out)), ".")
			err = doc.WriteFile(out, app.Lang, func() error { return pub.Log(app.Ctx(), st, acc, actor, ext) })
			if err != nil {
				return app.outputFailed(out, err, "公示文件生成失败，未写入 "+out, "the publication failed; "+out+" was not written")
			}
			app.Warn(app.T("已写入 ", "written: ") + out)
			if app.JSON() {
				return app.Print(&tabular.Table{JSON: map[string]any{"file": out, "list": pub.List, "item": pub.Item, "date": pub.Date,
					"count": len(pub.Entries), "objected": pub.Objected, "entries_sha256": pub.SHA256, "query_id": pub.QueryID}})
			}
			app.Println(fmt.Sprintf(app.T("%s（%s）公示：%s 有效条目 %d 条（其中异议处理中 %d 条），条目 SHA-256 %s（查询记录 Q%d）",
				"%s (%s) publication: %[4]d entries in force on %[3]s (%[5]d under objection), entries SHA-256 %[6]s (query log Q%[7]d)"),
				roster.ListLabel(pub.List, app.Lang), pub.ListName, pub.Date, len(pub.Entries), pub.Objected, pub.SHA256, pub.QueryID))
			return nil
		},
	}
	f := c.Flags()
	f.StringVar(&list, "list", "", "red（红名单）或 black（黑名单）/ red or black")
	f.StringVarP(&out, "output", "o", "", "公示文件（.csv、.json、.xlsx、.html）/ output file")
	return c
}

// publicationDocument lays a publication out as a file: its table, and the
// date, counts and hash inside the file.
func publicationDocument(app *App, pub *archive.Publication) *tabular.Document {
	label := roster.ListLabel(pub.List, "zh")
	title := fmt.Sprintf("%s（%s）公示 %s", label, pub.ListName, pub.Date)
	t := &tabular.Table{Title: label}
	for _, c := range pub.Columns {
		t.Columns = append(t.Columns, tabular.Column{Key: c, Zh: c, En: c})
	}
	t.Rows = pub.Entries
	notes := []string{
		app.T("依据《南通市公共信用信息管理办法》第二十一条、第二十四条公示；只含名单日期当日有效的条目，已移出、已过期、已撤回、已信用修复的条目不予公示（第三十条、第三十五条）。",
			"Published under articles 21 and 24 of the measures: only entries in force on the list's date; removed, expired, withdrawn and repaired entries are not published (art. 30, 35)."),
		app.T("“异议标识”为“异议处理中”的条目正在异议处理中，依第三十二条打上标识，但不影响其公示与应用。",
			"An entry marked 异议处理中 in 异议标识 is under objection: marked as article 32 requires, it is still published and applied."),
		app.T("自然人的姓名、证件号码等个人信息已遮蔽（本办公室规则，服务于第四条“不得侵犯个人隐私”）。",
			"Natural persons' names and ID numbers are masked (office rule, serving article 4: personal privacy)."),
	}
	hashForm := hashFormZh
	if app.Lang == "en" {
		hashForm = hashFormEn
	}
	doc := &tabular.Document{
		Title: title,
		Meta: []tabular.Meta{
			{Zh: "名单", En: "List", Value: label + " " + pub.ListName + "（" + pub.Item + "）"},
			{Zh: "名单日期", En: "Date of the list", Value: pub.Date.String()},
			{Zh: "条目数", En: "Entries", Value: fmt.Sprint(len(pub.Entries))},
			{Zh: "其中异议处理中", En: "Under objection", Value: fmt.Sprint(pub.Objected)},
			{Zh: "目录版本", En: "Catalog version", Value: pub.Catalog},
			{Zh: "条目 SHA-256", En: "Entries SHA-256", Value: pub.SHA256},
			{Zh: "SHA-256 计算方法", En: "How the SHA-256 is computed", Value: hashForm},
		},
		Notes: notes,
		Table: t,
	}
	doc.JSON = publicationJSON{Title: title, List: pub.List, Item: pub.Item, ListName: pub.ListName, Date: pub.Date.String(), Catalog: pub.Catalog,
		Count: len(pub.Entries), Objected: pub.Objected, SHA256: pub.SHA256, HashForm: hashForm, Notes: notes, Columns: pub.Columns, Entries: pub.Entries}
	return doc
}
