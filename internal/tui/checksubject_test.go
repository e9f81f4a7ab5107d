package tui_test

import (
	"strings"
	"testing"
)

// After a credit check in 名单与案例 the page shows the subject just
// checked, never the one whose page was open before (issue 19): open the
// entry of one subject, check another code, check a third from the result
// page (typed full-width and in lower case); each time the result, the
// title and the case form that n opens are about the subject checked.
func TestCheckShowsTheSubjectChecked(t *testing.T) {
	db := fixture(t)
	d := newDriver(t, db, 100, 30)
	d.keys("6", "enter").contains("名单与案例 › 名单条目 M2", "通州食品有限公司")
	// Another subject than the entry's: 崇川房地产开发有限公司.
	d.keys("c", "ctrl+u", "91320602MA00000113", "enter", "j", "enter", "enter")
	d.contains("名单与案例 › 信用审查 91320602MA00000113", "信息主体      91320602MA00000113 崇川房地产开发有限公司", "黑名单       M1")
	// From that page, a third: 通州食品有限公司, typed full-width, lower case.
	d.keys("c", "ctrl+u", "９１３２０６０２ｍａ００００００２５", "enter", "enter", "enter")
	d.contains("名单与案例 › 信用审查 91320602MA00000025", "信息主体      91320602MA00000025 通州食品有限公司", "红名单 M2")
	if s := d.screen(); strings.Contains(s, "崇川房地产") || strings.Contains(s, "M1 ") {
		t.Errorf("the page still shows the subject checked before:\n%s", s)
	}
	// n records a case for the subject on the page.
	d.keys("n").contains("> 91320602MA00000025")

	// From the page of M3 (海门商贸, awaiting approval, so a offers the
	// decision), a check of another subject leaves no trace of M3: a on the
	// result page decides nothing and is not offered.
	d = newDriver(t, db, 100, 30)
	d.keys("6", "j", "j", "enter").contains("名单与案例 › 名单条目 M3", "a 批准/驳回")
	d.keys("c", "ctrl+u", "91320602MA00000113", "enter", "enter", "enter").contains("信用审查 91320602MA00000113")
	if s := d.screen(); strings.Contains(s, "批准/驳回") || strings.Contains(s, "海门商贸") {
		t.Errorf("the check page offers the decision on M3:\n%s", s)
	}
	d.keys("a")
	if s := d.screen(); strings.Contains(s, "M3") {
		t.Errorf("a on the check page opened M3's decision:\n%s", s)
	}
}
