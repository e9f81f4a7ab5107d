package cli

import (
	"path/filepath"
	"strings"
	"testing"
)

// Codes completed with their check characters by hand (GB 32100, GB 11643).
const (
	a29IndividualBiz  = "92320602MA1N00001X" // 个体工商户 (9-2)
	a29Unincorporated = "91320602MA1N000024"
	a29Partnership    = "91320602MA1N000037" // 法人及非法人组织 in the rows; registered as a 合伙企业
	a29Rep            = "320602198503030014"
	a29Principal      = "320602198704040024"
)

// 第二十九条: 「应将严重失信法人的失信信息记入负有责任的法定代表人、主要负责人和
// 其他直接责任人的失信记录」. A serious record is linked only to the persons
// its provider marks responsible, and only for a 法人: never a 个体工商户,
// never a subject the row or its registration marks as 非法人组织.
func TestArticle29LinksOnlyResponsiblePersonsOfLegalPersons(t *testing.T) {
	h := scHarness(t)
	h.ok("provider", "add", provider, "--items", "DJZC")
	header := append(append([]string{}, xzcfHeader...), "失信程度", "主要负责人证件号码", "法定代表人负有责任")
	row := func(doc, name, kind, code, rep, principal, responsible string) []string {
		return append(xzcfRow(map[string]string{"行政处罚决定书文号": doc, "行政相对人名称": name, "行政相对人类别": kind,
			"行政相对人代码_1（统一社会信用代码）": code, "法定代表人证件号码": rep}), "严重", principal, responsible)
	}
	f := filepath.Join(h.dir, "serious.csv")
	writeCSV(t, f, header, [][]string{
		row("A1", "甲公司", "法人及非法人组织", orgA, personID, "", ""),                 // named only
		row("A2", "乙公司", "法人及非法人组织", orgB, a29Rep, "", "是"),                  // marked responsible
		row("A3", "丙商行", "个体工商户", a29IndividualBiz, "", a29Principal, ""),    // never linked
		row("A4", "丁合伙企业", "非法人组织", a29Unincorporated, "", a29Principal, ""), // never linked
		row("A5", "戊合伙企业", "法人及非法人组织", a29Partnership, "", a29Principal, ""), // taken for a 法人
		row("A6", "甲公司", "法人及非法人组织", orgA, personID, "", "可能"),               // not 是/否
	}, false)
	r := h.run("import", f, "--provider", provider, "--item", "XZCF", "--format", "json")
	if r.Code != 3 || !strings.Contains(r.Out, "法定代表人负有责任") {
		t.Fatalf("import: exit %d, want 3 with the bad 法定代表人负有责任 rejected\n%s%s", r.Code, r.Out, r.Err)
	}
	roles := func(code string) []string {
		t.Helper()
		var out []string
		for _, s := range h.scCheck(code, "--matter", "评优评级").Results[0].SeriousRecords {
			out = append(out, s.Role+"@"+s.OwnerCode)
		}
		return out
	}
	if got := roles(personID); len(got) != 0 {
		t.Errorf("a legal representative only named in the row is linked: %v", got)
	}
	if got := strings.Join(roles(a29Rep), ","); got != "legal_rep@"+orgB {
		t.Errorf("the legal representative marked responsible: %s, want legal_rep@%s", got, orgB)
	}
	if got := strings.Join(roles(a29Principal), ","); got != "principal@"+a29Partnership {
		t.Errorf("principal: %s, want only the 法人 row's link (principal@%s)", got, a29Partnership)
	}

	// Registration data says 戊合伙企业 is a 合伙企业 (a 非法人组织, 民法典
	// 第一百零二条): publishing it removes the link, audited.
	djzc := []string{"主体名称", "统一社会信用代码", "主体类型", "成立日期", "登记机关", "登记状态", "数据来源单位", "数据来源单位统一社会信用代码"}
	h.scImport("DJZC", djzc, []string{"戊合伙企业", a29Partnership, "普通合伙企业", "2015-04-01", "南通市市场监督管理局", "存续",
		"南通市市场监督管理局", agency})
	if got := roles(a29Principal); len(got) != 0 {
		t.Errorf("after the registration says 合伙企业: %v", got)
	}
	if n := h.scCount("SELECT count(*) FROM audit_log WHERE action = 'record.unlink' AND details LIKE '%unincorporated%'"); n != 1 {
		t.Errorf("%d audit entries for the removed link, want 1", n)
	}
	// And a later serious record of it links no one, whatever its row says.
	f2 := filepath.Join(h.dir, "later.csv")
	writeCSV(t, f2, header, [][]string{row("A7", "戊合伙企业", "法人及非法人组织", a29Partnership, "", a29Principal, "")}, false)
	h.ok("import", f2, "--provider", provider, "--item", "XZCF")
	if got := roles(a29Principal); len(got) != 0 {
		t.Errorf("a later record of a registered 非法人组织 is linked: %v", got)
	}
	if n := h.scCount("SELECT count(*) FROM subjects WHERE code = ? AND kind = 'unincorporated'", a29Partnership); n != 1 {
		t.Errorf("the subject is not stored as a 非法人组织")
	}
}
