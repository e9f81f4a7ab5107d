package ingest

import (
	"fmt"
	"strings"

	"credit/internal/catalog"
	"credit/internal/ident"
)

// 第二条: the measures cover natural persons 具有完全民事行为能力. Under 民法典
// 第十七条 a person of 18 is an adult, and under 第十八条第二款 a person of 16
// or 17 who lives mainly on his or her own labour income is treated as having
// full capacity. Only the provider knows the second fact, so it says so in a
// column of its own; the office does not guess it from the data.

// ColOwnIncome is the column in which a provider marks a natural person of
// 16 or 17 as living mainly on his or her own labour income (是/否). Any item
// whose subjects include natural persons accepts it; it is stored with the
// record (the basis on which a minor's record was taken) and is personal
// information.
const ColOwnIncome = "以自己的劳动收入为主要生活来源"

// Ages of 民法典 第十七条 and 第十八条第二款.
const (
	adultAge     = 18
	ownIncomeAge = 16
)

// Warning is a note on a row that was accepted: the import report lists it
// (JSON warnings and the table) without rejecting the row.
type Warning struct {
	Field  string
	Reason string
	Zh, En string
}

// Warning reasons.
const WarnCapacityByIncome = "capacity_by_income"

// addCapacityColumn appends ColOwnIncome to the layout of an item about
// natural persons. It comes after every other column, so the positions of
// the negative items' extra columns do not move.
func (p *Plan) addCapacityColumn() {
	p.ownIncomeF = -1
	for _, k := range p.Item.Subjects {
		if k == catalog.NaturalPerson {
			p.Layout = append(p.Layout, ColOwnIncome)
			p.ownIncomeF = len(p.Layout) - 1
			return
		}
	}
}

// checkOwnIncome checks the mark's value: 是, 否 or empty.
func (p *Plan) checkOwnIncome(c *Checked) {
	if p.ownIncomeF < 0 {
		return
	}
	switch v := c.Values[p.ownIncomeF]; v {
	case "", "是", "否":
	default:
		c.fail(ColOwnIncome, "enum", "“%s”无效（可选：是、否；16、17 周岁以自己的劳动收入为主要生活来源的填“是”）", Excerpt(v))
	}
}

// fullCapacity applies 第二条 to a natural-person subject on the decision
// date (today when the row has none): 18 or over, or 16–17 marked as living
// on his or her own labour income (accepted with a warning). Otherwise the
// row fails as minor_subject and fullCapacity reports false.
func (p *Plan) fullCapacity(c *Checked, field string) bool {
	id, err := ident.ParseID(c.SubjectCode)
	if err != nil {
		return true // not a 身份证号码: the code checks reported it
	}
	on := c.DecidedOn
	if on.IsZero() {
		on = p.Today
	}
	age := id.AgeOn(on)
	if age >= adultAge {
		return true
	}
	// Name the column the person's number came from (证件号码), not the
	// first code column (统一社会信用代码), which is empty for a person.
	for _, i := range p.codeFs {
		if c.Values[i] != "" {
			field = p.Layout[i]
			break
		}
	}
	marked := p.ownIncomeF >= 0 && c.Values[p.ownIncomeF] == "是"
	switch {
	case age >= ownIncomeAge && marked:
		c.Warnings = append(c.Warnings, Warning{Field: field, Reason: WarnCapacityByIncome,
			Zh: fmt.Sprintf("%s：信息主体在 %s 为 %d 周岁，提供单位标明其以自己的劳动收入为主要生活来源，依民法典第十八条第二款视为完全民事行为能力人，已按《办法》第二条归集；请核对提供单位的依据", field, on, age),
			En: fmt.Sprintf("%s: the subject was %d on %s; the provider marks the person as living mainly on his or her own labour income, so under Civil Code art. 18(2) the person is treated as having full capacity and the record is taken under measures art. 2; check the provider's basis", field, age, on)})
		return true
	case age >= ownIncomeAge:
		c.fail(field, "minor_subject", "信息主体在 %s 为 %d 周岁，未满 18 周岁（民法典第十七条），《办法》第二条只归集具有完全民事行为能力的自然人的信息；如其以自己的劳动收入为主要生活来源（民法典第十八条第二款），请在“%s”列填“是”后重新报送", on, age, ColOwnIncome)
	default:
		c.fail(field, "minor_subject", "信息主体在 %s 为 %d 周岁，未满 16 周岁，不具有完全民事行为能力（民法典第十七条、第十八条第二款），《办法》第二条不归集其信息", on, max(age, 0))
	}
	return false
}

// warn records an accepted row's warnings in the result.
func (r *Result) warn(c *Checked) {
	if len(c.Warnings) == 0 {
		return
	}
	r.Warned++
	if len(r.Warnings) >= MaxRejectsInResult {
		return
	}
	var fields, reasons, zh, en []string
	for _, w := range c.Warnings {
		fields, reasons, zh, en = append(fields, w.Field), append(reasons, w.Reason), append(zh, w.Zh), append(en, w.En)
	}
	r.Warnings = append(r.Warnings, WarningRow{Line: c.Line, Fields: strings.Join(fields, "；"), Reasons: strings.Join(reasons, "；"),
		Message: strings.Join(zh, "；"), MessageEn: strings.Join(en, "; ")})
}

// WarningRow is one accepted row's warnings in the report.
type WarningRow struct {
	Line      int    `json:"row"`
	Fields    string `json:"fields"`
	Reasons   string `json:"reasons"`
	Message   string `json:"message"`
	MessageEn string `json:"message_en"`
}
