// Package catalog owns the public credit catalog (第八条–第十四条) and the
// city's policy (SPEC §4, §G): what may be collected, from whom, who may see
// it, for how long, and the deadlines every workflow counts. It parses,
// validates, exports and diffs the YAML file administrators edit; it holds no
// SQL (the store keeps applied versions as their YAML text).
package catalog

import "credit/internal/civil"

// Catalog is one version of the catalog file (SPEC §G).
type Catalog struct {
	Jurisdiction string
	Version      string
	Effective    civil.Date
	Policy       Policy
	Items        []*Item
	Providers    []Provider // optional: the city's real departments
	Units        []Unit     // optional: user units
}

// Item returns the item with code, or nil.
func (c *Catalog) Item(code string) *Item {
	for _, it := range c.Items {
		if it.Code == code {
			return it
		}
	}
	return nil
}

// Policy is the policy block (SPEC §G), with the measures' values as defaults.
type Policy struct {
	Timezone          string
	Workdays          Workdays
	Validity          Validity
	RepairCleanPeriod Period
	// RepairedRetention is how long the original of a repaired record is
	// kept as archive (第三十五条 转为档案保存), counted from the day the
	// repair was completed; zero = permanently. The measures fix no period:
	// an office rule, as data.
	RepairedRetention Period
	RosterReportLag   string // "end_of_next_month" (第十七条: 于下月内)
	// 第十四条 (prohibited.go): further terms other laws prohibit, each with
	// its source, and the approved organisation terms that do not trip it.
	ProhibitedTerms      []LegalTerm
	ProhibitedExceptions []ApprovedTerm
	Lights               Lights
	// ImportLimits bound what one provider file may hold (import_limits):
	// a file past any of them is refused whole (exit 4), so no input can
	// make an import run out of memory or disk.
	ImportLimits ImportLimits
}

// ImportLimits are the limits of one imported file (docs/import.md). Sizes
// are in bytes.
type ImportLimits struct {
	FileSize         int64 // the file on disk: 2 GiB
	CellSize         int64 // one cell, in bytes of UTF-8: 64 KiB
	Columns          int   // cells in a row: 512
	Rows             int   // data rows: 5,000,000
	Rejects          int   // rejected rows kept; one more refuses the file: 10,000
	XLSXUnzippedSize int64 // a workbook's entries unzipped, together: 4 GiB
	XLSXRatio        int   // unzipped size over zipped size (zip bomb): 100
	Sheets           int   // worksheets in a workbook: 64
}

// DefaultImportLimits are the limits when the policy names none.
func DefaultImportLimits() ImportLimits {
	return ImportLimits{FileSize: 2 << 30, CellSize: 64 << 10, Columns: 512, Rows: 5_000_000, Rejects: 10_000,
		XLSXUnzippedSize: 4 << 30, XLSXRatio: 100, Sheets: 64}
}

// Workdays are the deadlines in working days (SPEC §B counting).
type Workdays struct {
	ObjectionReview      int // 第三十二条: 10
	ProviderVerification int // 第三十二条: 5
	Correction           int // 第三十二条: 3
	RepairOpinion        int // assumption: 5 (the measures say 规定期限)
	RepairPublicity      int // 5
	RepairVerify         int // 5
	Warning              int // due-soon window: 2
	// UpwardReceipt: a record sent to the province and not acknowledged
	// within this many working days of its change is overdue (本办公室规则,
	// serving 第六条 及时报送; modelled on the 双公示 7-working-day deadline).
	UpwardReceipt int
}

// Validity of negative records by severity (第三十条).
type Validity struct {
	General Period
	Serious Period
}

// Lights are the 红/黄/绿 thresholds for provider assessment (第五条).
type Lights struct {
	RejectRateYellow float64
	RejectRateRed    float64
	LateDaysYellow   int
	LateDaysRed      int
}

// Period is a length of time written like 1y, 6m, 30d.
type Period struct {
	Years  int
	Months int
	Days   int
}

// AddTo moves d by the period (years first, as 民法典 第二百零二条 counts).
func (p Period) AddTo(d civil.Date) civil.Date {
	if p.Years != 0 {
		d = d.AddYears(p.Years)
	}
	if p.Months != 0 {
		d = d.AddMonths(p.Months)
	}
	if p.Days != 0 {
		d = d.AddDays(p.Days)
	}
	return d
}

// IsZero reports an empty period.
func (p Period) IsZero() bool { return p == Period{} }

// Category of an item (第九条–第十三条).
type Category string

const (
	Basic    Category = "basic"    // 基本信息 第十条
	Positive Category = "positive" // 正面信息 第十一条
	Negative Category = "negative" // 负面信息 第十二条
	Other    Category = "other"    // 其他信息 第十三条
)

// Disclosure of an item (第十九条).
type Disclosure string

const (
	Public     Disclosure = "public"     // 社会公开
	Shared     Disclosure = "shared"     // 政府共享
	Authorized Disclosure = "authorized" // 授权查询
)

// SubjectKind is who an item's records may be about.
type SubjectKind string

const (
	Organisation       SubjectKind = "organisation"        // 法人及非法人组织
	IndividualBusiness SubjectKind = "individual_business" // 个体工商户
	NaturalPerson      SubjectKind = "natural_person"      // 自然人
	// Unincorporated is a 非法人组织 (民法典 第一百零二条: 个人独资企业,
	// 合伙企业, …), named as such by a row or by registration data. It is
	// never a 法人, so 第二十九条 never links its records to persons.
	Unincorporated SubjectKind = "unincorporated" // 非法人组织
)

// Severity of a negative record (第十五条, 第三十条).
type Severity string

const (
	General Severity = "general" // 一般失信
	Serious Severity = "serious" // 严重失信
)

// Item is one catalog item (信息项).
type Item struct {
	Code        string
	Name        string
	Category    Category
	Subjects    []SubjectKind
	Disclosure  Disclosure
	UpdateCycle string // daily|weekly|monthly|quarterly|yearly|on_change
	Providers   []string
	Validity    *Validity // use period; nil: the policy's for negative items, no limit for others
	Retention   Period    // how long records are kept; zero = permanently
	Key         []string  // natural key: field names (SPEC §F)
	KindField   string    // "same kind" for repair eligibility, e.g. 违法行为类型
	// DeterminedOn names the date fields that give the day the act was
	// 认定 (第三十条: validity counts from it), in order: the first present
	// and non-empty one is used. The first is what the text means; any later
	// one is a fallback the office chose (本办公室规则). Required of negative
	// items in a catalog being applied; a stored catalog from before the key
	// existed uses the first not_after_today date field.
	DeterminedOn []string
	// WithdrawnOn names a date field by which the 认定单位 withdraws the
	// record (a court removing a 失信被执行人 from its list): from that day
	// the record is no longer valid, whatever 第三十条's period says.
	WithdrawnOn string
	// ValidThrough names a date field holding the last day the record may
	// be used, as its 认定单位 set it (a list entry's 有效期至): it shortens
	// 第三十条's period, never lengthens it, so the list and the archive
	// agree on the day an entry lapses.
	ValidThrough string
	// ActDateField names the date field on which the act happened (第三十四条(二):
	// a same-kind act that happened within the clean year blocks a repair).
	// Empty: the decision date stands in for it.
	ActDateField string
	Severity     SeverityRule
	Roster       string // "red" or "black" for list items (HMD, HEIMD)
	// Upward marks the item for reporting to the provincial system (第六条
	// 向上级系统报送, 第二十三条) and says how its personal fields leave:
	// UpwardFull (as stored: the province keys records by ID number) or
	// UpwardMasked (as the public scope masks them). Empty: not reported.
	Upward  string
	Subject SubjectFields
	Fields  []*Field
	// Layouts are older layouts of the item's files the import also reads
	// (layouts.go), in the order they are tried.
	Layouts []*Layout
	Note    string // free text for people (extension): the article, the source, choices made
}

// Field returns the field named name, or nil.
func (it *Item) Field(name string) *Field {
	for _, f := range it.Fields {
		if f.Name == name {
			return f
		}
	}
	return nil
}

// SubjectFields name the fields that identify a record's subject.
type SubjectFields struct {
	Name       string   // e.g. 行政相对人名称
	Kind       string   // e.g. 行政相对人类别 (values mapped by KindValues)
	Codes      []string // code fields in preference order: USCC field, then ID field
	LegalRep   string   // 法定代表人
	LegalRepID string   // 法定代表人证件号码
	// KindValues maps a value of the Kind field to a subject kind, e.g.
	// 法人及非法人组织 → organisation, 自然人 → natural_person.
	KindValues map[string]SubjectKind
}

// SeverityRule decides a negative record's severity when the row carries no
// 失信程度 column: the first matching rule, else Default.
type SeverityRule struct {
	Default Severity
	Rules   []SeverityCase
}

// SeverityCase: when Field's value contains any of Contains, the severity is Level.
type SeverityCase struct {
	Field    string
	Contains []string
	Level    Severity
}

// FieldType is the type of a field's values (SPEC §G).
type FieldType string

const (
	Text      FieldType = "text"
	Date      FieldType = "date"
	Money     FieldType = "money"
	Number    FieldType = "number"
	USCC      FieldType = "uscc"
	IDNumber  FieldType = "id_number"
	PartyCode FieldType = "party_code" // a subject's code: USCC or 身份证号码 by the row's subject kind
	Enum      FieldType = "enum"
)

// Field is one column of an item.
type Field struct {
	Name          string
	Aliases       []string
	Type          FieldType
	Length        int // maximum length in characters; 0 = no limit
	Required      Requirement
	Values        []string // for enum
	Multiple      bool     // enum holding several values separated by ；;、
	Personal      bool     // masked outside the office and shared scopes (SPEC §C)
	NotAfterToday bool     // a decision date: may not lie after today
	// IDType names the field holding this id_number field's document type
	// (证件类型): the number is a 身份证号码 when that field says 身份证 or is
	// empty, and free text of Length otherwise (extension). Empty: always a
	// 身份证号码.
	IDType string
	// Unit of a money field (extension): yuan (元, the default, written
	// empty) or wan_yuan (万元, as the 双公示 fine columns are).
	Unit string
}

// Upward reporting modes (Item.Upward).
const (
	UpwardFull   = "full"
	UpwardMasked = "masked"
)

// Money units.
const (
	Yuan    = "yuan"
	WanYuan = "wan_yuan"
)

// FenPerUnit is how many fen one unit of a money field is worth.
func (f *Field) FenPerUnit() int64 {
	if f.Unit == WanYuan {
		return 1_000_000
	}
	return 100
}

// Requirement is `required: true`, `required: {when: FIELD, equals: VALUE}`
// or (extension) `required: {when: FIELD, in: [VALUE, ...]}`.
type Requirement struct {
	Always bool
	When   string
	Equals string
	In     []string // several values, any of which makes the field required
}

// Values are the values of When that make the field required.
func (r Requirement) Values() []string {
	if r.Equals != "" {
		return append([]string{r.Equals}, r.In...)
	}
	return r.In
}

// IsSet reports whether the field is required in some rows.
func (r Requirement) IsSet() bool { return r.Always || r.When != "" }

// Provider is a department the catalog ships (the city's real departments).
type Provider struct {
	Code  string // the department's 统一社会信用代码
	Name  string
	Level string // city|county
	Items []string
}

// Unit is a user unit the catalog ships.
type Unit struct {
	Code  string
	Name  string
	Items []string // shared items it may see
}
