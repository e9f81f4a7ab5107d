package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"credit/internal/apperr"
	"credit/internal/catalog"
	"credit/internal/ident"
	"credit/internal/operator"
	"credit/internal/report"
	"credit/internal/store"
	"credit/internal/tabular"
)

func init() { registerNoun("verify", newVerifyCmd) }

// Verification results (基础信息比对核查, 第二十四条).
const (
	verifyMatch       = "match"
	verifyNameDiffers = "name_differs"
	verifyUnknownCode = "unknown_code"
	verifyInvalidCode = "invalid_code"
)

type verifyRow struct {
	Line       int    `json:"line"`
	Code       string `json:"code"`
	Name       string `json:"name"`
	Result     string `json:"result"`
	StoredName string `json:"stored_name,omitempty"` // masked for natural persons
	Reason     string `json:"reason,omitempty"`
}

type verifyJSON struct {
	File    string         `json:"file"`
	Unit    string         `json:"unit,omitempty"`
	Rows    int            `json:"rows"`
	Counts  map[string]int `json:"counts"`
	Results []verifyRow    `json:"results"`
}

func verifyLabel(app *App, r string) string {
	switch r {
	case verifyMatch:
		return app.T("一致", "match")
	case verifyNameDiffers:
		return app.T("名称不一致", "name differs")
	case verifyUnknownCode:
		return app.T("无此代码的档案", "unknown code")
	case verifyInvalidCode:
		return app.T("代码无效", "invalid code")
	}
	return r
}

func newVerifyCmd(app *App) *cobra.Command {
	var unit, out string
	c := &cobra.Command{
		Use:   "verify FILE [--unit UNIT] [-o FILE]",
		Short: "基础信息比对核查：名称与代码 / verify names against codes",
		Long: `基础信息比对核查（第二十四条）：文件每行有“名称”和“统一社会信用代码”或“身份证号码”列，
逐行与信用档案比对，结果为 match（一致）、name_differs（名称不一致）、unknown_code（档案中无此代码）
或 invalid_code（代码校验不通过）。名称比对忽略空格和全角/半角差异。每行记入查询日志：
给出 --unit 时为该信息使用单位的查询（shared 范围，查看及以上角色）；不给 --unit 时为本机构的核查
（office 范围，需要经办（clerk）或以上角色）。自然人档案中的姓名只显示首字。只有已发布的批次建立的档案参与比对。

Each row's name is compared with the archive of its code: match, name_differs, unknown_code or
invalid_code. Every row is logged as a query: with --unit as the unit's (shared scope, viewer role),
without it as the office's own (office scope, clerk role or above).`,
		Example: example(
			"credit verify 供应商名单.xlsx",
			"credit verify 名单.csv --unit 113206000140000015 -o 核查结果.xlsx",
		),
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkReportOut(out); err != nil {
				return err
			}
			st, err := app.Store()
			if err != nil {
				return err
			}
			// For a user unit (--unit) the verification is the unit's, in the
			// shared scope; without one it is the office's own, which only
			// office staff (clerk and above, SPEC §C) may ask for.
			need := operator.Clerk
			if unit != "" {
				need = operator.Viewer
			}
			op, err := app.Require(need)
			if err != nil {
				return err
			}
			scope := "office"
			if unit != "" {
				code := ident.NormalizeCode(unit)
				if _, ok, err := st.Unit(app.Ctx(), code); err != nil {
					return err
				} else if !ok {
					return apperr.Newf(apperr.Rule, "%s 不是已登记的信息使用单位：请管理员先用 credit unit add 登记", "%s is not a registered user unit: register it with credit unit add", code)
				}
				unit, scope = code, "shared"
			}
			rows, err := readSubjectFile(args[0], true)
			if err != nil {
				return err
			}
			res := verifyJSON{File: args[0], Unit: unit, Counts: map[string]int{verifyMatch: 0, verifyNameDiffers: 0, verifyUnknownCode: 0, verifyInvalidCode: 0}, Results: []verifyRow{}}
			entries := make([]store.QueryEntry, 0, len(rows))
			for _, r := range rows {
				v := verifyRow{Line: r.Line, Code: r.Code, Name: r.Name}
				q := store.QueryEntry{Action: "verify", Scope: scope, Unit: unit, Purpose: "基础信息比对核查"}
				chk := ident.CheckOn(r.Code, app.Today())
				switch {
				case !chk.Valid:
					v.Result, v.Reason = verifyInvalidCode, app.T(chk.Reason, chk.ReasonEn)
					q.Text = chk.Code // protected in the log, as every typed code
				default:
					v.Code = chk.Code
					sub, ok, err := st.SubjectBriefByCode(app.Ctx(), chk.Code)
					if err != nil {
						return err
					}
					switch {
					case !ok:
						v.Result = verifyUnknownCode
						q.Text = chk.Code
					case sub.Name == "":
						v.Result, v.Reason = verifyNameDiffers, app.T("档案中没有登记名称，无法比对", "the archive has no name to compare")
						q.SubjectID = sub.ID
					default:
						q.SubjectID = sub.ID
						key := sub.NameKey
						if key == "" {
							key = catalog.NormalizeName(sub.Name)
						}
						if catalog.NormalizeName(r.Name) == key {
							v.Result = verifyMatch
						} else {
							v.Result = verifyNameDiffers
							v.StoredName = sub.Name
							if sub.Kind == string(catalog.NaturalPerson) {
								v.StoredName = ident.MaskName(sub.Name)
							}
						}
					}
				}
				res.Counts[v.Result]++
				res.Rows++
				res.Results = append(res.Results, v)
				entries = append(entries, q)
			}
			err = st.Write(app.Ctx(), app.Actor(op), func(tx *store.Tx) error {
				for _, q := range entries {
					if _, err := tx.LogQuery(q); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				return err
			}
			t := &tabular.Table{Columns: []tabular.Column{
				{Key: "line", Zh: "行号", En: "Row"}, {Key: "code", Zh: "统一社会信用代码/身份证号码", En: "Code"},
				{Key: "name", Zh: "名称", En: "Name"}, {Key: "result", Zh: "比对结果", En: "Result"},
				{Key: "stored_name", Zh: "档案名称", En: "Name on file"}, {Key: "reason", Zh: "说明", En: "Note"},
			}, JSON: res, Title: app.T("基础信息比对核查", "name verification")}
			for _, v := range res.Results {
				t.Rows = append(t.Rows, []string{fmt.Sprint(v.Line), v.Code, v.Name, verifyLabel(app, v.Result), v.StoredName, v.Reason})
			}
			t.Footer = []string{fmt.Sprintf(app.T("共 %d 行：一致 %d，名称不一致 %d，无档案 %d，代码无效 %d", "%d rows: %d match, %d name differs, %d unknown, %d invalid"),
				res.Rows, res.Counts[verifyMatch], res.Counts[verifyNameDiffers], res.Counts[verifyUnknownCode], res.Counts[verifyInvalidCode])}
			if out != "" {
				doc := &report.Doc{Title: t.Title, Sections: []tabular.Sheet{{Name: t.Title, Table: t}}, JSON: res}
				if err := doc.WriteFile(out, app.Lang); err != nil {
					return app.outputFailed(out, err, "", "")
				}
				app.Warn(app.T("已写入 ", "written: ") + out)
				if !app.JSON() {
					app.Warn(t.Footer[0])
					return nil
				}
			}
			return app.Print(t)
		},
	}
	c.Flags().StringVar(&unit, "unit", "", "请求核查的信息使用单位（须已登记）/ the user unit asking")
	c.Flags().StringVarP(&out, "output", "o", "", "写入文件 / write to a file")
	return c
}
