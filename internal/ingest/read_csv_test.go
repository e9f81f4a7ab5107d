package ingest

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
)

func TestReadCSV(t *testing.T) {
	type want struct {
		enc    string
		header []string
		rows   []Row
	}
	for _, tc := range []struct {
		name string
		data []byte
		opt  ReadOptions
		want want
	}{
		{
			name: "utf-8 without BOM",
			data: []byte("统一社会信用代码,行政相对人名称\n91350100M000100Y43,福州某某科技有限公司\n"),
			want: want{"utf-8", []string{"统一社会信用代码", "行政相对人名称"}, []Row{
				{Line: 2, Cells: []string{"91350100M000100Y43", "福州某某科技有限公司"}},
			}},
		},
		{
			name: "utf-8 with BOM and CRLF",
			data: []byte("\xEF\xBB\xBF代码,名称\r\n000123,甲\r\n2,乙\r\n"),
			want: want{"utf-8-bom", []string{"代码", "名称"}, []Row{
				{Line: 2, Cells: []string{"000123", "甲"}},
				{Line: 3, Cells: []string{"2", "乙"}},
			}},
		},
		{
			name: "GBK detected",
			data: encodeGBK(t, "代码,处罚机关\r\n1,福州市市场监督管理局\r\n"),
			want: want{"gb18030", []string{"代码", "处罚机关"}, []Row{
				{Line: 2, Cells: []string{"1", "福州市市场监督管理局"}},
			}},
		},
		{
			name: "GB18030 four-byte character",
			data: encodeGB18030(t, "代码,名称\n1,𠀀字号\n"),
			want: want{"gb18030", []string{"代码", "名称"}, []Row{{Line: 2, Cells: []string{"1", "𠀀字号"}}}},
		},
		{
			name: "GB18030 with its BOM",
			data: encodeGB18030(t, "\uFEFF代码,名称\n1,甲\n"),
			want: want{"gb18030", []string{"代码", "名称"}, []Row{{Line: 2, Cells: []string{"1", "甲"}}}},
		},
		{
			name: "explicit gbk",
			data: encodeGBK(t, "代码,名称\n1,甲\n"),
			opt:  ReadOptions{Encoding: "GBK"},
			want: want{"gb18030", []string{"代码", "名称"}, []Row{{Line: 2, Cells: []string{"1", "甲"}}}},
		},
		{
			// C3 A9 is é in UTF-8 and 茅 in GBK: detection says UTF-8, the
			// option wins.
			name: "explicit gbk overrides detection",
			data: []byte("\xC3\xA9\n\xC3\xA9\xC3\xA9\n"),
			opt:  ReadOptions{Encoding: "gbk"},
			want: want{"gb18030", []string{"茅"}, []Row{{Line: 2, Cells: []string{"茅茅"}}}},
		},
		{
			name: "same bytes detected as UTF-8",
			data: []byte("\xC3\xA9\n\xC3\xA9\xC3\xA9\n"),
			want: want{"utf-8", []string{"é"}, []Row{{Line: 2, Cells: []string{"éé"}}}},
		},
		{
			name: "explicit utf-8",
			data: []byte("名称\n中文\n"),
			opt:  ReadOptions{Encoding: "utf-8"},
			want: want{"utf-8", []string{"名称"}, []Row{{Line: 2, Cells: []string{"中文"}}}},
		},
		{
			name: "explicit utf-8 with BOM",
			data: []byte("\xEF\xBB\xBF名称\n中文\n"),
			opt:  ReadOptions{Encoding: "utf8"},
			want: want{"utf-8-bom", []string{"名称"}, []Row{{Line: 2, Cells: []string{"中文"}}}},
		},
		{
			name: "quoted cells with commas, quotes and newlines keep Excel rows",
			data: []byte("名称,违法事实,备注\n" +
				"甲,\"销售过期食品，\n货值1200元\",\"说\"\"明\"\"\"\n" +
				"乙,\"一\r\n二\r\n三\",x\n" +
				"丙,c,\"末尾\n换行\"\n" +
				"丁,d,e\n"),
			want: want{"utf-8", []string{"名称", "违法事实", "备注"}, []Row{
				{Line: 2, Cells: []string{"甲", "销售过期食品，\n货值1200元", `说"明"`}},
				{Line: 3, Cells: []string{"乙", "一\n二\n三", "x"}},
				{Line: 4, Cells: []string{"丙", "c", "末尾\n换行"}},
				{Line: 5, Cells: []string{"丁", "d", "e"}},
			}},
		},
		{
			name: "blank rows skipped but counted",
			data: []byte("名称,代码\n甲,1\n\n,\n \t, \n乙,2\r\n\r\n丙,\"3\n\"\n\n丁,4"),
			want: want{"utf-8", []string{"名称", "代码"}, []Row{
				{Line: 2, Cells: []string{"甲", "1"}},
				{Line: 6, Cells: []string{"乙", "2"}},
				{Line: 8, Cells: []string{"丙", "3\n"}},
				{Line: 10, Cells: []string{"丁", "4"}}, // 丙's two lines are one row
			}},
		},
		{
			name: "leading blank lines",
			data: []byte("\n,,\n名称,代码\n甲,1\n"),
			want: want{"utf-8", []string{"名称", "代码"}, []Row{{Line: 4, Cells: []string{"甲", "1"}}}},
		},
		{
			name: "short rows padded, long rows kept",
			data: []byte("a,b,c\n1\n1,2,3,4\n"),
			want: want{"utf-8", []string{"a", "b", "c"}, []Row{
				{Line: 2, Cells: []string{"1", "", ""}},
				{Line: 3, Cells: []string{"1", "2", "3", "4"}},
			}},
		},
		{
			name: "header trimmed, cells raw",
			data: []byte(" 名称 ,\u3000代码\u3000,\t\n 甲 , 000123 ,\n"),
			want: want{"utf-8", []string{"名称", "代码", ""}, []Row{{Line: 2, Cells: []string{" 甲 ", " 000123 ", ""}}}},
		},
		{
			name: "header only",
			data: []byte("名称,代码\r\n"),
			want: want{"utf-8", []string{"名称", "代码"}, nil},
		},
		{
			name: "header then blank lines",
			data: []byte("名称,代码\n\n\n"),
			want: want{"utf-8", []string{"名称", "代码"}, nil},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := readAll(t, writeTemp(t, "in.csv", tc.data), tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			if got.enc != tc.want.enc {
				t.Errorf("Encoding = %q, want %q", got.enc, tc.want.enc)
			}
			if !slices.Equal(got.header, tc.want.header) {
				t.Errorf("Header = %q, want %q", got.header, tc.want.header)
			}
			if len(got.rows) != len(tc.want.rows) {
				t.Fatalf("rows = %v, want %v", got.rows, tc.want.rows)
			}
			for i, w := range tc.want.rows {
				if g := got.rows[i]; g.Line != w.Line || !slices.Equal(g.Cells, w.Cells) {
					t.Errorf("row %d = %d %q, want %d %q", i, g.Line, g.Cells, w.Line, w.Cells)
				}
			}
		})
	}
}

// 𠀀 (U+20000) exists in GB18030 but not in GBK: the test above needs the
// four-byte form.
func TestGB18030FourByteFixture(t *testing.T) {
	if _, err := simplifiedchinese.GBK.NewEncoder().String("𠀀"); err == nil {
		t.Fatal("GBK encoded U+20000; the four-byte test proves nothing")
	}
	if b := encodeGB18030(t, "𠀀"); !bytes.Equal(b, []byte{0x95, 0x32, 0x82, 0x36}) {
		t.Fatalf("GB18030(U+20000) = % X, want 95 32 82 36", b)
	}
}

// Issue 16 changed these from whole-file refusals: a row that does not
// decode is rejected by row (TestReadRowProblems); only a header that does
// not decode refuses the file.
func TestReadCSVErrors(t *testing.T) {
	for _, tc := range []struct {
		name   string
		data   []byte
		opt    ReadOptions
		reason string
		line   int
		want   []string
	}{
		{"empty", nil, ReadOptions{}, ReasonEmptyFile, 0, nil},
		{"BOM only", []byte("\xEF\xBB\xBF"), ReadOptions{}, ReasonEmptyFile, 0, nil},
		{"blank lines only", []byte("\r\n\n,,\n \n"), ReadOptions{}, ReasonEmptyFile, 0, nil},
		{"invalid UTF-8 in the header", []byte("名称,\xff\n甲,1\n"), ReadOptions{Encoding: "utf-8"}, ReasonEncoding, 1, []string{"UTF-8"}},
		{"GBK file read as UTF-8", encodeGBK(t, "名称,代码\n甲,1\n"), ReadOptions{Encoding: "utf-8"}, ReasonEncoding, 1, nil},
		{"UTF-16", []byte("\xFF\xFEa\x00"), ReadOptions{}, ReasonEncoding, 0, []string{"UTF-16"}},
		{"workbook named .csv", []byte("PK\x03\x04\x14\x00\x06\x00"), ReadOptions{}, ReasonFormat, 0, []string{".xlsx"}},
		{"old workbook named .csv", []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"), ReadOptions{}, ReasonFormat, 0, []string{".xls"}},
		{"unknown encoding option", []byte("a\n1\n"), ReadOptions{Encoding: "big5"}, ReasonEncoding, 0, []string{"big5"}},
		{"bare quote", []byte("名称,代码\n甲,1\n乙,ab\"c\n"), ReadOptions{}, ReasonFormat, 3, []string{"引号"}},
		{"unclosed quote", []byte("名称,代码\n甲,1\n\n乙,\"abc\n丙,2\n"), ReadOptions{}, ReasonFormat, 4, []string{"quote"}},
		{"text after closing quote", []byte("名称,代码\n甲,\"1\"x\n"), ReadOptions{}, ReasonFormat, 2, nil},
		{"bad quote after multi-line cell", []byte("名称,代码\n甲,\"1\n2\"\n乙,x\"y\n"), ReadOptions{}, ReasonFormat, 3, []string{"文本第 4 行"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := writeTemp(t, "in.csv", tc.data)
			_, err := readAll(t, path, tc.opt)
			wantFileError(t, err, path, tc.reason, tc.line, tc.want...)
		})
	}
}

// The sniffed sample may end inside a multi-byte character; that must not
// make a UTF-8 file look like GB18030.
func TestReadCSVSampleCutsCharacter(t *testing.T) {
	head := "名称\n"
	for cut := 1; cut <= 2; cut++ {
		filler := strings.Repeat("x", sniffSize-len(head)-cut)
		data := head + filler + "中文\n"
		got, err := readAll(t, writeTemp(t, "in.csv", []byte(data)), ReadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if got.enc != "utf-8" || len(got.rows) != 1 || got.rows[0].Cells[0] != filler+"中文" {
			t.Errorf("cut %d: encoding %q, rows %d", cut, got.enc, len(got.rows))
		}
	}
}

// After an error the source keeps returning it.
func TestReadCSVErrorIsSticky(t *testing.T) {
	src, err := Open(writeTemp(t, "in.csv", []byte("a\n\"x\n")), ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	_, err1 := src.Next()
	_, err2 := src.Next()
	if err1 == nil || err1 != err2 {
		t.Errorf("errors %v then %v", err1, err2)
	}
}

func FuzzReadCSV(f *testing.F) {
	encodings := []string{"auto", "utf-8", "gbk"}
	f.Add([]byte("名称,代码\n甲,1\n"), uint8(0))
	f.Add([]byte("\xEF\xBB\xBF名称,代码\r\n甲,\"1\n2\"\r\n\r\n乙\n"), uint8(0))
	f.Add([]byte("a,b\n\"x\"\"y\",\"\n\n\"\n,,,\n"), uint8(1))
	f.Add([]byte("a\n\"unclosed\n"), uint8(0))
	f.Add([]byte("a,b\nx\"y,1\n"), uint8(0))
	f.Add([]byte("\xb4\xfa\xc2\xeb,\xc3\xfb\xb3\xc6\n1,\x95\x32\x82\x36\n"), uint8(2))
	f.Add([]byte("a\n\xff\xfe\x81\n"), uint8(0))
	f.Add([]byte("\r\r\n\r"), uint8(0))
	f.Add([]byte{}, uint8(0))
	f.Fuzz(func(t *testing.T, data []byte, enc uint8) {
		path := filepath.Join(t.TempDir(), "f.csv")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		src, err := Open(path, ReadOptions{Encoding: encodings[int(enc)%len(encodings)]})
		if err != nil {
			return
		}
		defer src.Close()
		n, last := len(src.Header()), 0
		for {
			row, err := src.Next()
			if err != nil {
				return
			}
			if row.Line <= last || len(row.Cells) < n {
				t.Fatalf("row %d after %d with %d cells for %d columns", row.Line, last, len(row.Cells), n)
			}
			last = row.Line
		}
	})
}

// xzcfHeader is a realistic 30-column 行政处罚 header (the national 双公示
// fields).
var xzcfHeader = []string{
	"行政相对人名称", "行政相对人类别", "统一社会信用代码", "工商注册号", "组织机构代码", "税务登记号",
	"事业单位证书号", "社会组织登记证号", "法定代表人", "法定代表人证件类型", "法定代表人证件号码",
	"证件类型", "证件号码", "行政处罚决定书文号", "违法行为类型", "违法事实", "处罚依据", "处罚类别",
	"处罚内容", "罚款金额（万元）", "没收违法所得、没收非法财物的金额（万元）", "暂扣或吊销证照名称及编号",
	"处罚决定日期", "处罚有效期", "公示截止期", "处罚机关", "处罚机关统一社会信用代码", "数据来源单位",
	"数据来源单位统一社会信用代码", "备注",
}

func writeXZCF(w io.Writer, rows int) error {
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.Write(xzcfHeader); err != nil {
		return err
	}
	for i := range rows {
		day := i%28 + 1
		cw.Write([]string{
			fmt.Sprintf("福州市鼓楼区某某食品商行第%d分店", i), "法人及非法人组织", fmt.Sprintf("92350102MA%07dX", i), "", "", "",
			"", "", "张三", "身份证", fmt.Sprintf("35010219800101%04d", i%10000),
			"", "", fmt.Sprintf("榕鼓市监罚〔2024〕%d号", i), "食品安全",
			"当事人于2024年3月在其经营场所销售超过保质期的食品，货值金额1200元，违法所得300元。",
			"《中华人民共和国食品安全法》第一百二十四条第一款", "罚款；没收违法所得",
			"处罚款人民币5000元，没收违法所得300元", "0.5", "0.03", "",
			fmt.Sprintf("2024-05-%02d", day), fmt.Sprintf("2025-05-%02d", day), fmt.Sprintf("2027-05-%02d", day),
			"福州市鼓楼区市场监督管理局", "11350102003602475B", "福州市鼓楼区市场监督管理局", "11350102003602475B", "",
		})
	}
	cw.Flush()
	return cw.Error()
}

// BenchmarkReadCSV reads a 50,000-row 行政处罚 file (30 columns, about 560
// bytes a row as in SPEC §7's 1,000,000-row file) in UTF-8 and in GB18030.
func BenchmarkReadCSV(b *testing.B) {
	const rows = 50_000
	var buf bytes.Buffer
	if err := writeXZCF(&buf, rows); err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	utf8Path := filepath.Join(dir, "xzcf-utf8.csv")
	gbPath := filepath.Join(dir, "xzcf-gb18030.csv")
	gb, err := simplifiedchinese.GB18030.NewEncoder().Bytes(buf.Bytes())
	if err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(utf8Path, buf.Bytes(), 0o644); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(gbPath, gb, 0o644); err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct{ name, path string }{{"utf-8", utf8Path}, {"gb18030", gbPath}} {
		b.Run(bc.name, func(b *testing.B) {
			fi, err := os.Stat(bc.path)
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(fi.Size())
			b.ReportAllocs()
			for b.Loop() {
				src, err := Open(bc.path, ReadOptions{})
				if err != nil {
					b.Fatal(err)
				}
				n := 0
				for {
					_, err := src.Next()
					if err == io.EOF {
						break
					}
					if err != nil {
						b.Fatal(err)
					}
					n++
				}
				src.Close()
				if n != rows {
					b.Fatalf("read %d rows, want %d", n, rows)
				}
			}
			b.ReportMetric(float64(fi.Size())/rows, "bytes/row")
		})
	}
}
