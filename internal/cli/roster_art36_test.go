package cli

import (
	"slices"
	"strings"
	"testing"
)

// views says where list entry id of subject code shows on the office date:
// as a valid entry in the roster, in the public archive (the entry, and for
// an imported one its record), and as a hit of a credit check.
type views struct{ roster, archiveEntry, archiveRecord, check bool }

func (h *harness) entryViews(code, id string, record int64) views {
	h.t.Helper()
	var v views
	v.roster = h.scEntry("roster", "show", id).Status == "valid"
	pub := decode[archListsShow](h.t, h.ok("subject", "show", code, "--format", "json").Out)
	v.archiveEntry = slices.Contains(strings.Split(pub.entryIDs(), ","), id)
	for _, r := range pub.Records {
		v.archiveRecord = v.archiveRecord || record != 0 && r.ID == record
	}
	for _, e := range h.scCheck(code, "--matter", "政府采购").Results[0].ListEntries {
		v.check = v.check || e.ID == id
	}
	return v
}

// agree requires the roster, the public archive and the credit check to say
// the same about entry id: all show it (want) or none does.
func (h *harness) agree(what, code, id string, record int64, want bool) {
	h.t.Helper()
	v := h.entryViews(code, id, record)
	all := views{roster: want, archiveEntry: want, archiveRecord: want && record != 0, check: want}
	if v != all {
		h.t.Errorf("%s: %s shows %+v, want %+v", what, id, v, all)
	}
}

// 第三十六条 「非经法定程序不得撤除、更改」: an approved entry leaves its list
// only on a listed ground with a document, and whatever path it takes — a
// removal on each ground, a withdrawal of its source record after an
// objection, its expiry, a rejection before approval — the roster, the
// public archive and the credit check agree (issue 15, point 4).
func TestRosterRemovalPathsRosterAndArchiveAgree(t *testing.T) {
	h := scHarness(t) // today 2025-12-01
	h.ok("user", "add", "carl", "--role", "clerk")
	h.ok("user", "add", "rita", "--role", "reviewer")
	carl, rita := h.as("carl"), h.as("rita")
	// R1: 甲公司 black (record 1); R2: 乙公司 red (record 2, puts 乙公司 in the archive).
	h.scImport("HEIMD", scHeimdHeader, scBlackRow(nil))
	h.scImport("HMD", scHmdHeader, scRedRow(nil))
	// R3: 丙公司 black (record 3), for the objection path of a reported entry.
	h.scImport("HEIMD", scHeimdHeader, scBlackRow(map[string]string{"主体名称": "丙公司", "统一社会信用代码": orgC, "名单名称": "拖欠农民工工资失信联合惩戒对象名单",
		"法定代表人": "", "法定代表人证件类型": "", "法定代表人证件号码": ""}))
	// Hand-made for 乙公司: M1 (revoked), M2 (objection), M3 (expired 2025-06-30).
	carl.ok(scAddArgs(orgB, "black", "2025-11-03", "--name", "重大税收违法失信主体名单")...)
	carl.ok(scAddArgs(orgB, "black", "2025-11-04", "--name", "失信被执行人名单")...)
	carl.ok(scAddArgs(orgB, "black", "2024-01-10", "--name", "统计严重失信企业名单", "--valid-until", "2025-06-30")...)
	for _, id := range []string{"M1", "M2", "M3"} {
		rita.ok("roster", "approve", id)
	}
	h.agree("reported, in force", orgA, "R1", 1, true)
	h.agree("hand-made, in force", orgB, "M1", 0, true)

	// A reported entry follows its record: an objection is worked there, not by hand.
	if r := rita.fails(5, "roster", "remove", "R1", "--ground", "objection", "--ref", "异议1"); !strings.Contains(r.Err, "credit objection file --record 1") {
		t.Fatalf("objection ground on a reported entry: %s", r.Err)
	}
	// An expiry that has not happened is no ground.
	if r := rita.fails(5, "roster", "remove", "M2", "--ground", "expired", "--ref", "x"); !strings.Contains(r.Err, "尚未届满") {
		t.Fatalf("expired ground before expiry: %s", r.Err)
	}
	h.agree("refusals change nothing", orgA, "R1", 1, true)

	// revoked, reported entry: the record's validity ends the day before, so
	// the public archive drops the record with the entry; the office keeps both.
	rita.ok("roster", "remove", "R1", "--ground", "revoked", "--ref", "通市监信移〔2025〕3号")
	h.agree("reported, revoked", orgA, "R1", 1, false)
	if c := h.scCheck(personID, "--matter", "政府采购"); c.Hits != 0 {
		t.Errorf("the legal representative still hit after the revocation: %+v", c)
	}
	hist := decode[struct {
		Records []struct {
			ID int64 `json:"id"`
		} `json:"records"`
	}](t, h.ok("subject", "history", orgA, "--format", "json").Out)
	if len(hist.Records) != 1 || hist.Records[0].ID != 1 {
		t.Errorf("office history after the revocation: %+v", hist.Records)
	}
	if n := h.scCount("SELECT count(*) FROM records WHERE id = 1 AND valid_until = '2025-11-30' AND procedure = 'removal' AND status = 'active'"); n != 1 {
		t.Errorf("record 1 after the revocation is not valid through 2025-11-30")
	}
	if n := h.scCount("SELECT count(*) FROM record_history WHERE record_id = 1 AND superseded_by = 'removal' AND ref LIKE 'roster:R1 %'"); n != 1 {
		t.Errorf("the revision before the revocation is not kept (%d)", n)
	}

	// revoked and objection, hand-made entries.
	rita.ok("roster", "remove", "M1", "--ground", "revoked", "--ref", "苏税稽移〔2025〕12号")
	h.agree("hand-made, revoked", orgB, "M1", 0, false)
	rita.ok("roster", "remove", "M2", "--ground", "objection", "--ref", "异议复核〔2025〕4号")
	h.agree("hand-made, objection correction", orgB, "M2", 0, false)

	// expiry: M3 left every view on 2025-07-01 by itself; recording the
	// expiry changes nothing.
	h.agree("hand-made, expired", orgB, "M3", 0, false)
	rita.ok("roster", "remove", "M3", "--ground", "expired", "--ref", "有效期届满")
	h.agree("hand-made, expired and recorded", orgB, "M3", 0, false)

	// The source record of a reported entry withdrawn after an objection (第三十一条).
	h.agree("reported, before the objection", orgC, "R3", 3, true)
	h.ok("objection", "file", "--record", "3", "--ground", "prohibited", "--applicant", "丙公司")
	h.ok("objection", "decide", "1", "--uphold", "--reason", "含禁止归集信息")
	h.ok("objection", "withdraw", "1")
	h.agree("reported, source record withdrawn", orgC, "R3", 3, false)

	// A pending entry is not on the list: rejecting it is not a removal, and
	// removing it is refused.
	carl.ok(scAddArgs(orgC, "black", "2025-11-20")...) // M4
	if r := rita.fails(5, "roster", "remove", "M4", "--ground", "revoked", "--ref", "x"); !strings.Contains(r.Err, "credit roster reject M4") {
		t.Fatalf("removal of a pending entry: %s", r.Err)
	}
	rita.ok("roster", "reject", "M4")
	h.agree("pending, rejected", orgC, "M4", 0, false)
	if n := h.scCount("SELECT count(*) FROM roster_removals WHERE entry = 'M4'"); n != 0 {
		t.Errorf("a rejection was stored as a removal")
	}
	// The audit keeps each removal's ground and document.
	if n := h.scCount("SELECT count(*) FROM audit_log WHERE action = 'roster.remove' AND details LIKE '%\"ground\":\"revoked\"%' AND details LIKE '%通市监信移〔2025〕3号%'"); n != 1 {
		t.Errorf("audit of the revocation: %d", n)
	}
}

// 第二十九条 for hand-entered entries: the persons the determination finds
// responsible for a 法人's black-list entry are recorded against, and a
// credit check of such a person finds the entry while it counts; the plain
// legal representative is not; 个体工商户, 非法人组织 and red lists link no one.
func TestRosterHandEnteredResponsiblePersonsLinked(t *testing.T) {
	h := scHarness(t)
	h.ok("user", "add", "carl", "--role", "clerk")
	h.ok("user", "add", "rita", "--role", "reviewer")
	carl, rita := h.as("carl"), h.as("rita")
	const person2 = "320602197506150033" // 王伟 (subject_test.go)
	e := carl.scEntry(scAddArgs(orgB, "black", "2025-11-03", "--principal", personID, "--direct", person2+"；"+person2)...)
	if e.ID != "M1" {
		t.Fatalf("added: %+v", e)
	}
	// Pending: the persons are not hit either.
	if c := h.scCheck(personID, "--matter", "政府采购"); c.Hits != 0 {
		t.Fatalf("hit while pending: %+v", c)
	}
	rita.ok("roster", "approve", "M1")
	for _, p := range []struct{ code, role string }{{personID, "principal"}, {person2, "direct"}} {
		c := h.scCheck(p.code, "--matter", "政府采购")
		r := c.Results[0]
		if c.Hits != 1 || len(r.ListEntries) != 0 || len(r.SeriousRecords) != 1 {
			t.Fatalf("%s: %+v", p.code, r)
		}
		if sr := r.SeriousRecords[0]; sr.Role != p.role || sr.Article != "第二十九条" || sr.OwnerCode != orgB || sr.Item != "HEIMD" {
			t.Errorf("%s: %+v", p.code, sr)
		}
		// Measures answering serious records apply, with the entry as ground.
		if len(r.Measures) == 0 || r.Measures[0].Grounds[0].ID != "M1" {
			t.Errorf("%s measures: %+v", p.code, r.Measures)
		}
	}
	out := h.ok("check", personID, "--matter", "政府采购", "--unit", scUnit).Out
	if !strings.Contains(out, "M1 HEIMD") {
		t.Errorf("check table:\n%s", out)
	}
	// The audit holds counts by role, never the ID numbers.
	if n := h.scCount("SELECT count(*) FROM audit_log WHERE details LIKE ? OR details LIKE ?", "%"+personID+"%", "%"+person2+"%"); n != 0 {
		t.Errorf("ID numbers in the audit log")
	}
	if n := h.scCount(`SELECT count(*) FROM audit_log WHERE action = 'roster.add' AND details LIKE '%"principal":1%' AND details LIKE '%"direct":1%'`); n != 1 {
		t.Errorf("audit of the responsible persons")
	}
	// Removed: the persons' share goes with it.
	rita.ok("roster", "remove", "M1", "--ground", "revoked", "--ref", "苏税稽移〔2025〕12号")
	if c := h.scCheck(person2, "--matter", "政府采购"); c.Hits != 0 {
		t.Errorf("hit after removal: %+v", c)
	}

	// No link for a 个体工商户, a 非法人组织, a natural person or a red list.
	// A constructed 个体工商户 code (登记管理部门 9, 类别 2): its check character
	// is GB 32100's for the first 17.
	const individualBusiness = "923206020000000A16"
	refuse := func(code int, want string, args ...string) {
		t.Helper()
		if r := carl.fails(code, args...); !strings.Contains(r.Err, want) {
			t.Errorf("%v: %s", args, r.Err)
		}
	}
	refuse(5, "第二十九条只及于法人", scAddArgs(orgB, "black", "2025-11-03", "--subject-type", "非法人组织", "--principal", personID)...)
	refuse(5, "红名单条目不能给出负有责任的人员", scAddArgs(orgB, "red", "2025-11-03", "--principal", personID)...)
	refuse(5, "自然人", scAddArgs(person2, "black", "2025-11-03", "--direct", personID)...)
	refuse(2, "主要负责人的证件号码", scAddArgs(orgB, "black", "2025-11-03", "--principal", "110105194912310021")...)
	refuse(2, "--subject-type", scAddArgs(orgB, "black", "2025-11-03", "--subject-type", "公司")...)
	refuse(5, "个体工商户", scAddArgs(individualBusiness, "black", "2025-11-03", "--legal-rep", personID)...)
	if n := h.scCount("SELECT count(*) FROM roster_entries"); n != 1 {
		t.Errorf("refused entries were stored: %d", n)
	}
}
