package main

// gendata xzcf (the default): 行政处罚 rows shaped like a real provider file
// (issue 17). Subjects come in random order with random valid codes spread
// over every Nantong county code; about 7 % of subjects have 2–4 records
// (5–10 % in a real file), names repeat (people's names from a short list,
// companies' from a limited set of 字号), decisions spread over five years.
// `-seq` writes the older sequential file instead (codes in row order).
//
// `-revise BASE` writes a revision batch against the file made with
// `-n BASE` and the same seed: half its rows are records of that file with a
// changed 处罚内容 and 罚款金额 (stored as revisions), half are new records.

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// nantongCounties are the GB/T 2260 codes of 南通市 and its counties, current
// and recent (港闸区 320611 and 海门市 320684 until 2020, 海安县 320621 until
// 2018): real registers hold codes issued under all of them.
var nantongCounties = []string{"320600", "320602", "320611", "320612", "320614", "320621", "320623", "320681", "320682", "320684", "320685"}

// 字号: two characters drawn from these make company names that repeat
// across different codes, as real names do.
var brandChars = []rune("华通达盛鑫源恒泰兴隆宏昌永安海瑞丰祥德嘉诚信美佳利宝金辉")

// realSubject is one subject of a realistic file.
type realSubject struct {
	person   bool
	code     string // USCC or 身份证号码
	name     string
	repName  string // organisations: 法定代表人 and the 证件号码
	repID    string
	repBlame bool // 法定代表人负有责任
}

// orgCodeCheck completes an 8-digit body with its GB 11714 check character.
func orgCodeCheck(body string) string {
	w := []int{3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i := 0; i < 8; i++ {
		sum += int(body[i]-'0') * w[i]
	}
	c := 11 - sum%11
	switch c {
	case 10:
		return body + "X"
	case 11:
		return body + "0"
	}
	return body + string(rune('0'+c))
}

func (g gen) county() string { return nantongCounties[g.r.IntN(len(nantongCounties))] }

// randomUSCC is a valid 统一社会信用代码 of a 企业 (91) registered in a
// Nantong county, its 主体标识码 passing GB 11714 too.
func (g gen) randomUSCC() string {
	return USCC("91" + g.county() + orgCodeCheck(fmt.Sprintf("%08d", g.r.IntN(100000000))))
}

// randomID is a valid 身份证号码 of an adult born 1950–2000 in a Nantong county.
func (g gen) randomID() string {
	birth := time.Date(1950, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, g.r.IntN(50*365))
	return ID(fmt.Sprintf("%s%s%03d", g.county(), birth.Format("20060102"), g.r.IntN(1000)))
}

func (g gen) companyName() string {
	b := string(brandChars[g.r.IntN(len(brandChars))]) + string(brandChars[g.r.IntN(len(brandChars))])
	return g.pick(places) + b + g.pick(trades) + suffixes[g.r.IntN(len(suffixes))]
}

// realFile is the subjects of a realistic file and its rows in file order:
// rows[k] is the subject of row k.
type realFile struct {
	subjects []realSubject
	rows     []int32
}

// newRealFile draws n rows' subjects: each new subject has one record, or
// 2–4 for 7 % of them; codes are unique (a set of those drawn).
func newRealFile(seed uint64, n int) *realFile {
	g := gen{rand.New(rand.NewPCG(seed, 17))}
	used := make(map[string]bool, n)
	unique := func(draw func() string) string {
		for {
			if c := draw(); !used[c] {
				used[c] = true
				return c
			}
		}
	}
	f := &realFile{rows: make([]int32, 0, n)}
	for len(f.rows) < n {
		s := realSubject{}
		if g.r.IntN(10) == 0 {
			s.person, s.code, s.name = true, unique(g.randomID), g.personName()
		} else {
			s.code, s.name = unique(g.randomUSCC), g.companyName()
			s.repName, s.repID, s.repBlame = g.personName(), unique(g.randomID), g.r.IntN(2) == 0
		}
		k := 1
		if g.r.IntN(100) < 7 {
			k = 2 + g.r.IntN(3)
		}
		id := int32(len(f.subjects))
		f.subjects = append(f.subjects, s)
		for j := 0; j < k && len(f.rows) < n; j++ {
			f.rows = append(f.rows, id)
		}
	}
	g.r.Shuffle(len(f.rows), func(i, j int) { f.rows[i], f.rows[j] = f.rows[j], f.rows[i] })
	return f
}

// rowGen is row k's own generator: a row is the same whatever else is drawn,
// so a revision file can rebuild the rows it revises.
func rowGen(seed uint64, k int) gen { return gen{rand.New(rand.NewPCG(seed^0xc0ffee, uint64(k)))} }

// realRow is row k (0-based; the 文号 carries k+1, so keys are unique) of
// subject s, decided within five years before today.
func realRow(seed uint64, k int, s realSubject, today time.Time) []string {
	g := rowGen(seed, k)
	row := make([]string, len(XZCFHeader))
	decided := today.AddDate(0, 0, -g.r.IntN(5*365))
	off := offences[g.r.IntN(len(offences))]
	ag := agencies[g.r.IntN(len(agencies))]
	content := off.content
	fine := (g.r.IntN(200) + 1) * 500
	if off.cat != "警告" {
		content = fmt.Sprintf(off.content, fine)
		row[19] = fmt.Sprintf("%g", float64(fine)/10000)
	}
	if strings.Contains(off.cat, "没收") {
		row[20] = fmt.Sprintf("%g", float64(g.r.IntN(100)+1)/100)
	}
	if s.person {
		row[0], row[1], row[11], row[12] = s.name, "自然人", "身份证", s.code
	} else {
		row[0], row[1], row[2] = s.name, "法人及非法人组织", s.code
		row[8], row[9], row[10] = s.repName, "身份证", s.repID
		if s.repBlame {
			row[30] = "是"
		}
	}
	if strings.Contains(off.cat, "吊销") {
		row[21] = "许可证 " + s.code
		if !s.person {
			row[21] = "营业执照 " + s.code
		}
	}
	row[13] = fmt.Sprintf("通%s罚决〔%d〕%d号", ag.name[len("南通市"):len("南通市")+6], decided.Year(), k+1)
	row[14], row[15], row[16], row[17], row[18] = off.kind, off.fact, off.basis, off.cat, content
	row[22] = decided.Format("2006-01-02")
	row[23] = decided.AddDate(1, 0, 0).Format("2006-01-02")
	row[24] = decided.AddDate(1, 0, 0).Format("2006-01-02")
	row[25], row[26], row[27], row[28] = ag.name, ag.code, ag.name, ag.code
	return row
}

// realRows calls emit with each row of a realistic file of n rows or, with
// base > 0, of a revision batch of n rows against the file of base rows.
func realRows(seed uint64, n, base int, today time.Time, emit func([]string)) {
	if base <= 0 {
		f := newRealFile(seed, n)
		for k, s := range f.rows {
			emit(realRow(seed, k, f.subjects[s], today))
		}
		return
	}
	f := newRealFile(seed, base)
	g := gen{rand.New(rand.NewPCG(seed, 23))}
	picked := g.r.Perm(base)[:min(n/2, base)]
	// The new half: subjects of their own (a separate draw, codes checked
	// against the base file's), rows numbered after the base file's.
	fresh := newRealFile(seed+1, n-len(picked))
	taken := make(map[string]bool, len(f.subjects))
	for _, s := range f.subjects {
		taken[s.code], taken[s.repID] = true, true
	}
	order := make([]int, 0, n) // >= 0: a base row to revise; < 0: -1-j, fresh row j
	for _, k := range picked {
		order = append(order, k)
	}
	for j := range fresh.rows {
		order = append(order, -1-j)
	}
	g.r.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
	for _, o := range order {
		if o >= 0 {
			row := realRow(seed, o, f.subjects[f.rows[o]], today)
			// A revision: the provider corrected the amount.
			row[17], row[19] = "罚款", fmt.Sprintf("%g", float64(rowGen(seed, o).r.IntN(200)+201)*500/10000)
			row[18] = "罚款" + row[19] + "万元（更正）"
			row[20], row[21] = "", ""
			emit(row)
			continue
		}
		j := -1 - o
		s := fresh.subjects[fresh.rows[j]]
		if taken[s.code] || (s.repID != "" && taken[s.repID]) {
			continue // a code the base file gave another subject (rare)
		}
		emit(realRow(seed, base+j, s, today))
	}
}
