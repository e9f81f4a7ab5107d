package catalog

import (
	"strings"
	"unicode"
)

// 第十四条: 禁止归集自然人的宗教信仰、基因、血型、疾病和病史信息以及法律、法规规定
// 禁止归集的其他个人信息.
//
// A field or file column is refused by its NAME (never its values). How a
// name is judged depends on whom the field is about:
//
//   - about natural persons (person scope): every field of an item whose
//     subjects include natural persons or 个体工商户 (民法典 第五十四条: a
//     个体工商户 is a natural person who registered to trade), and every file
//     column the catalog does not know (what cannot be judged is judged
//     strictly). The name is matched BY MEANING: the five words of the
//     article and their variants (Article14Terms), after normalisation
//     (MatchForm); an approved organisation term of the policy
//     (Policy.ProhibitedExceptions: 宗教活动场所, 疾病预防控制中心…) covering
//     the matched words lifts the match.
//   - a field marked personal (of any item) is the person's own information:
//     matched by meaning, and no exception applies (所属宗教团体 tells the
//     person's religion).
//   - a field of an organisation-only item that is not personal
//     (organisation scope): the five words as written, as before; approved
//     exceptions apply.
//
// The policy's further terms (Policy.ProhibitedTerms, each with the law that
// prohibits it) apply in every scope.

// Article14Source is the citation of the built-in terms.
const Article14Source = "《办法》第十四条"

// AlwaysProhibited are the five words of 第十四条, matched in every scope; no
// policy can lift them (an approved exception only covers a longer
// organisation term that contains one).
var AlwaysProhibited = []string{"宗教信仰", "基因", "血型", "疾病", "病史"}

// Article14Term is one word that names information 第十四条 prohibits, and
// the article's word (Topic) it means.
type Article14Term struct {
	Term  string
	Topic string
}

// Article14Terms are the words matched by meaning in fields about natural
// persons: the five of the article first (so a name is reported with the
// article's own word when it has one), then their obvious variants. Matching
// is by containment in the normalised name, so 宗教 covers 宗教信仰情况 and
// 病史 covers 家族病史 and 既往病史.
var Article14Terms = []Article14Term{
	{"宗教信仰", "宗教信仰"}, {"基因", "基因"}, {"血型", "血型"}, {"疾病", "疾病"}, {"病史", "病史"},
	{"宗教", "宗教信仰"}, {"信仰", "宗教信仰"}, {"信教", "宗教信仰"},
	{"遗传", "基因"}, {"DNA", "基因"},
	{"患病", "疾病"}, {"患有", "疾病"}, {"罹患", "疾病"}, {"病情", "疾病"}, {"病症", "疾病"}, {"诊断", "疾病"},
	{"传染病", "疾病"}, {"慢性病", "疾病"}, {"精神病", "疾病"},
	{"既往史", "病史"}, {"病历", "病史"},
}

// LegalTerm is a further prohibited term of the policy and the law (法律、法规)
// that prohibits collecting it (第十四条: 法律、法规规定禁止归集的其他个人信息).
// Source is empty only for a term a catalog applied before sources were
// required; catalog check warns about it.
type LegalTerm struct {
	Term   string
	Source string
}

// ApprovedTerm is an organisation term approved not to trip 第十四条
// (宗教活动场所, 疾病预防控制中心…), with the reason it is about an
// organisation and not a person.
type ApprovedTerm struct {
	Term   string
	Reason string
}

// DefaultExceptions are the approved organisation terms of the shipped
// catalog (catalogs/nantong.yaml states the same list; a test keeps them
// equal). A policy that names prohibited_exceptions replaces them.
func DefaultExceptions() []ApprovedTerm {
	return []ApprovedTerm{
		{"宗教活动场所", "《宗教事务条例》第四章：宗教活动场所是场所，不是自然人的宗教信仰"},
		{"宗教团体", "《宗教事务条例》第二章：宗教团体是社会团体"},
		{"宗教院校", "《宗教事务条例》第三章：宗教院校是院校"},
		{"宗教事务", "宗教事务部门（如民族宗教事务局）是行政机关"},
		{"疾病预防控制", "疾病预防控制中心（机构）是事业单位，见《传染病防治法》"},
		{"节能诊断", "对用能单位的节能诊断，不是人的疾病诊断"},
		{"基因工程", "基因工程企业、项目是组织和活动，不是人的基因信息"},
		{"转基因", "《农业转基因生物安全管理条例》：转基因生物，不是人的基因信息"},
	}
}

// Hit is a prohibited name found: the words matched, the information
// 第十四条 names (or the policy term), and the law.
type Hit struct {
	Match  string // the listed word the name contains, e.g. 病史, HIV
	Topic  string // 宗教信仰, 基因, 血型, 疾病, 病史, or the policy term
	Source string // 《办法》第十四条, or the policy term's law
}

// Zh describes the hit for a message: “病史”（《办法》第十四条禁止归集的病史信息）.
func (h Hit) Zh() string {
	if h.Source == Article14Source {
		return "“" + h.Match + "”（" + Article14Source + "禁止归集自然人的" + h.Topic + "信息）"
	}
	src := h.Source
	if src == "" {
		src = "目录政策所列，未注明法律出处"
	}
	return "“" + h.Match + "”（" + Article14Source + "：法律、法规规定禁止归集的其他个人信息；" + src + "）"
}

// En is Zh in English.
func (h Hit) En() string {
	if h.Source == Article14Source {
		return "\"" + h.Match + "\" (measures art. 14 (" + Article14Source + ") prohibits collecting a natural person's " + topicEn[h.Topic] + ")"
	}
	src := h.Source
	if src == "" {
		src = "listed by the catalog policy without a legal source"
	}
	return "\"" + h.Match + "\" (art. 14: other personal information a law or regulation prohibits; " + src + ")"
}

var topicEn = map[string]string{"宗教信仰": "religious belief", "基因": "genetic information", "血型": "blood type", "疾病": "diseases", "病史": "medical history"}

// MatchForm is the form in which names are matched against prohibited terms:
// NormalizeName (white space removed, full/half width folded, a–z upper-cased),
// then punctuation and symbols removed, so 血型（ABO）, 宗教/信仰 and
// 病_史 read 血型ABO, 宗教信仰 and 病史.
func MatchForm(name string) string {
	n := NormalizeName(name)
	clean := true
	for _, r := range n {
		if unicode.IsPunct(r) || unicode.IsSymbol(r) {
			clean = false
			break
		}
	}
	if clean {
		return n
	}
	var b strings.Builder
	b.Grow(len(n))
	for _, r := range n {
		if !unicode.IsPunct(r) && !unicode.IsSymbol(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// nameScope is whom a name is about (see the comment at the top).
type nameScope uint8

const (
	scopeOrganisation nameScope = iota
	scopePerson
	scopePersonal
)

// AboutPersons reports whether the item's records may be about natural
// persons: its subjects include natural persons or 个体工商户 (民法典 第五十四条).
func (it *Item) AboutPersons() bool {
	for _, k := range it.Subjects {
		if k == NaturalPerson || k == IndividualBusiness {
			return true
		}
	}
	return false
}

// scopeOf is how a name of field f of it (f nil: a column the catalog does
// not know) is judged.
func scopeOf(it *Item, f *Field) nameScope {
	switch {
	case f != nil && f.Personal:
		return scopePersonal
	case f == nil || it == nil || it.AboutPersons():
		return scopePerson
	}
	return scopeOrganisation
}

// ProhibitedField reports whether name (the field's name or one of its
// aliases) of field f of item it is prohibited by 第十四条 under this policy.
func (p *Policy) ProhibitedField(it *Item, f *Field, name string) (Hit, bool) {
	return p.prohibited(name, scopeOf(it, f))
}

// ProhibitedHeader reports whether a provider file's column header is
// prohibited for item it: the column is judged as the field it names, and as
// about natural persons when it names none.
func (c *Catalog) ProhibitedHeader(it *Item, header string) (Hit, bool) {
	var f *Field
	if it != nil {
		f = it.FieldByHeader(header)
	}
	return c.policy().prohibited(header, scopeOf(it, f))
}

// ProhibitedName reports whether a name is prohibited when it is about a
// natural person (by meaning, approved exceptions applying), and the word it
// contains. Callers that know the item and field use ProhibitedHeader or
// Policy.ProhibitedField.
func (c *Catalog) ProhibitedName(name string) (term string, ok bool) {
	h, ok := c.policy().prohibited(name, scopePerson)
	return h.Match, ok
}

func (c *Catalog) policy() *Policy {
	if c == nil {
		p := DefaultPolicy()
		return &p
	}
	return &c.Policy
}

// prohibited is the match itself. It runs per field name and per header
// cell, never per row.
func (p *Policy) prohibited(name string, scope nameScope) (Hit, bool) {
	n := MatchForm(name)
	if n == "" {
		return Hit{}, false
	}
	var exceptions []string
	if scope != scopePersonal {
		for _, e := range p.ProhibitedExceptions {
			if ne := MatchForm(e.Term); ne != "" {
				exceptions = append(exceptions, ne)
			}
		}
	}
	for i, t := range Article14Terms {
		if scope == scopeOrganisation && i >= len(AlwaysProhibited) {
			break // organisation fields: the article's five words as written
		}
		if uncovered(n, t.Term, exceptions) {
			return Hit{Match: t.Term, Topic: t.Topic, Source: Article14Source}, true
		}
	}
	for _, t := range p.ProhibitedTerms {
		if nt := MatchForm(t.Term); nt != "" && uncovered(n, nt, exceptions) {
			return Hit{Match: t.Term, Topic: t.Term, Source: t.Source}, true
		}
	}
	return Hit{}, false
}

// uncovered reports whether n contains term at some place that no exception
// occurrence covers. A term of ASCII letters (DNA, HIV) counts only as a
// word of its own: not inside a longer run of letters (CF_DNAME).
func uncovered(n, term string, exceptions []string) bool {
	for from := 0; from < len(n); {
		i := strings.Index(n[from:], term)
		if i < 0 {
			return false
		}
		at := from + i
		from = at + 1
		if asciiLetters(term) && (at > 0 && isLetter(n[at-1]) || at+len(term) < len(n) && isLetter(n[at+len(term)])) {
			continue
		}
		if !covered(n, at, at+len(term), exceptions) {
			return true
		}
	}
	return false
}

// covered reports whether an exception occurs in n around [start, end).
func covered(n string, start, end int, exceptions []string) bool {
	for _, e := range exceptions {
		for from := 0; from <= start; {
			i := strings.Index(n[from:], e)
			if i < 0 || from+i > start {
				break
			}
			if from+i+len(e) >= end {
				return true
			}
			from += i + 1
		}
	}
	return false
}

func asciiLetters(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isLetter(s[i]) {
			return false
		}
	}
	return s != ""
}

func isLetter(c byte) bool { return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' }

// statutory reports whether a policy term is one of the article's own words
// (always applied, so a policy list naming it adds nothing).
func statutory(term string) bool {
	n := MatchForm(term)
	for _, t := range AlwaysProhibited {
		if n == t {
			return true
		}
	}
	return false
}

// excusesSomething reports whether an exception contains a prohibited word
// and is longer than it: an exception equal to a prohibited word would lift
// the article itself.
func excusesSomething(term string, extra []LegalTerm) (contains bool, bare bool) {
	n := MatchForm(term)
	for _, t := range Article14Terms {
		if n == t.Term {
			return true, true
		}
		if strings.Contains(n, t.Term) {
			contains = true
		}
	}
	for _, t := range extra {
		nt := MatchForm(t.Term)
		if n == nt {
			return true, true
		}
		if nt != "" && strings.Contains(n, nt) {
			contains = true
		}
	}
	return contains, false
}

// TermsWithoutSource are the policy's further prohibited terms that name no
// law (written by a catalog applied before sources were required): they are
// still applied, and catalog check asks for their source.
func (p *Policy) TermsWithoutSource() []string {
	var out []string
	for _, t := range p.ProhibitedTerms {
		if t.Source == "" {
			out = append(out, t.Term)
		}
	}
	return out
}
