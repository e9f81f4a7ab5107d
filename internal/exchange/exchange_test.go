package exchange

import (
	"encoding/xml"
	"strings"
	"testing"

	"credit/internal/catalog"
	"credit/internal/civil"
	"credit/internal/store"
)

func TestOpFor(t *testing.T) {
	for _, c := range []struct {
		status string
		acked  int
		want   string
	}{
		{"active", 0, OpInsert}, {"active", 2, OpUpdate}, {"withdrawn", 0, OpWithdraw}, {"withdrawn", 1, OpWithdraw},
		{"repaired", 1, OpRepair},
	} {
		if got := OpFor(c.status, c.acked); got != c.want {
			t.Errorf("OpFor(%s, %d) = %s, want %s", c.status, c.acked, got, c.want)
		}
	}
}

// TestXMLEscapesAndMasks: values with markup characters survive the XML
// round trip (encoding/xml escapes them), and an item reported masked
// leaves a natural person's ID number masked as the public scope does.
func TestXMLEscapesAndMasks(t *testing.T) {
	it := &catalog.Item{Code: "T", Upward: catalog.UpwardMasked, Key: []string{"文号"}, Fields: []*catalog.Field{
		{Name: "文号", Type: catalog.Text}, {Name: "说明", Type: catalog.Text}, {Name: "证件号码", Type: catalog.IDNumber, Personal: true}}}
	cat := &catalog.Catalog{Items: []*catalog.Item{it}}
	rows := []store.ExchangeRow{{RecordID: 7, Rev: 1, Item: "T", SubjectKind: "natural_person", Status: "active", Layout: 1,
		Vals: `["A<1>&\"2\"","x]]>y","11010519491231002X"]`}}
	run, err := Build(cat, rows, map[int64][]string{1: {"文号", "说明", "证件号码"}}, map[string]string{"T": catalog.UpwardMasked},
		3, "320600", civil.MustParse("2026-12-01"), XML)
	if err != nil {
		t.Fatal(err)
	}
	f := run.Files[0]
	if f.Name != "320600T_20261201_0003.xml" {
		t.Fatalf("name %s", f.Name)
	}
	var d struct {
		Data []struct {
			Fields []struct {
				Name  string `xml:"name,attr"`
				Value string `xml:",chardata"`
			} `xml:"FIELD"`
		} `xml:"DATA"`
	}
	if err := xml.Unmarshal(f.Data, &d); err != nil {
		t.Fatalf("%v\n%s", err, f.Data)
	}
	got := d.Data[0].Fields
	if got[0].Value != `A<1>&"2"` || got[1].Value != "x]]>y" {
		t.Errorf("values after the round trip: %+v", got)
	}
	if got[2].Value == "11010519491231002X" || !strings.HasPrefix(got[2].Value, "110105") || !strings.HasSuffix(got[2].Value, "002X") {
		t.Errorf("masked ID number: %q", got[2].Value)
	}
	if f.SHA256 != HashOf(f.Data) || run.Records() != 1 {
		t.Errorf("hash or count")
	}
}
