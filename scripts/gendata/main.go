// Command gendata writes realistic provider files for benchmarks, tests and
// the demo: 行政处罚 (XZCF) rows in the national 双公示 layout with valid
// 统一社会信用代码 and 身份证号码, deterministic for a given seed. By default
// a file is shaped like a real one (real.go: random codes over every Nantong
// county, random order, repeated names, some subjects with several records);
// -seq writes codes in row order.
//
//	go run ./scripts/gendata xzcf -n 1000000 -o bench/xzcf.csv
//	go run ./scripts/gendata xzcf -n 50000 -revise 200000 -o bench/rev.csv   (revisions of the 200,000-row file)
package main

import (
	"bufio"
	"encoding/csv"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"time"
)

// XZCFHeader is the national 行政处罚 layout (reference/domain.md §1.1).
var XZCFHeader = []string{
	"行政相对人名称", "行政相对人类别", "行政相对人代码_1（统一社会信用代码）", "行政相对人代码_2（工商注册号）",
	"行政相对人代码_3（组织机构代码）", "行政相对人代码_4（税务登记号）", "行政相对人代码_5（事业单位证书号）",
	"行政相对人代码_6（社会组织登记证号）", "法定代表人", "法定代表人证件类型", "法定代表人证件号码", "证件类型", "证件号码",
	"行政处罚决定书文号", "违法行为类型", "违法事实", "处罚依据", "处罚类别", "处罚内容", "罚款金额（万元）",
	"没收违法所得、没收非法财物的金额（万元）", "暂扣或吊销证照名称及编号", "处罚决定日期", "处罚有效期", "公示截止期",
	"处罚机关", "处罚机关统一社会信用代码", "数据来源单位", "数据来源单位统一社会信用代码", "备注",
	"法定代表人负有责任", // 第二十九条: the provider's finding, 是 for about half the organisations
}

const usccAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

var usccWeights = []int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// USCC completes 17 characters with their GB 32100 check character.
func USCC(first17 string) string {
	sum := 0
	for i := 0; i < 17; i++ {
		for v, c := range usccAlphabet {
			if byte(c) == first17[i] {
				sum += v * usccWeights[i]
			}
		}
	}
	c := 31 - sum%31
	if c == 31 {
		c = 0
	}
	return first17 + string(usccAlphabet[c])
}

var idWeights = []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

// ID completes 17 digits with their GB 11643 check character.
func ID(first17 string) string {
	sum := 0
	for i := 0; i < 17; i++ {
		sum += int(first17[i]-'0') * idWeights[i]
	}
	return first17 + string("10X98765432"[sum%11])
}

var (
	surnames = []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
	given    = []rune("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红梅鹏飞斌宇浩凯健俊帆帅旭宁龙林欣晨佳琳雪婷倩颖")
	places   = []string{"南通", "崇川", "通州", "海门", "启东", "如皋", "海安", "如东", "港闸", "开发区"}
	trades   = []string{"建筑工程", "食品", "商贸", "物流", "机械制造", "纺织", "化工", "餐饮管理", "医疗器械", "科技", "房地产开发", "船舶配件", "家纺", "电子", "环保工程"}
	suffixes = []string{"有限公司", "有限责任公司", "股份有限公司"}
	offences = []struct{ kind, fact, basis, cat, content string }{
		{"未按规定进行食品安全自查", "经检查发现该单位未建立食品安全自查制度", "《中华人民共和国食品安全法》第一百二十六条", "警告", "警告"},
		{"超标排放大气污染物", "在线监测数据显示氮氧化物排放浓度超过国家标准", "《中华人民共和国大气污染防治法》第九十九条", "罚款", "罚款%d元"},
		{"无证经营", "未取得许可证擅自从事经营活动", "《无证无照经营查处办法》第十三条", "罚款；没收违法所得", "罚款%d元，没收违法所得"},
		{"安全生产隐患未及时排除", "未按规定对重大事故隐患进行治理", "《中华人民共和国安全生产法》第一百零二条", "罚款；责令停产停业", "罚款%d元，责令停产停业整顿"},
		{"虚假广告", "发布虚假广告欺骗误导消费者", "《中华人民共和国广告法》第五十五条", "罚款", "罚款%d元"},
		{"违法建设", "未取得建设工程规划许可证进行建设", "《中华人民共和国城乡规划法》第六十四条", "罚款", "罚款%d元"},
		{"拖欠农民工工资", "拒不支付劳动报酬", "《保障农民工工资支付条例》第五十五条", "罚款；吊销许可证件", "罚款%d元，吊销营业执照"},
	}
	agencies = []struct{ name, code string }{
		{"南通市市场监督管理局", USCC("11320600MB1958700")},
		{"南通市生态环境局", USCC("11320600MB1959200")},
		{"南通市应急管理局", USCC("11320600MB1961500")},
		{"南通市住房和城乡建设局", USCC("11320600MB1962300")},
		{"南通市人力资源和社会保障局", USCC("11320600MB1963100")},
	}
)

type gen struct{ r *rand.Rand }

func (g gen) pick(s []string) string { return s[g.r.IntN(len(s))] }

func (g gen) personName() string {
	n := string(surnames[g.r.IntN(len(surnames))]) + string(given[g.r.IntN(len(given))])
	if g.r.IntN(3) > 0 {
		n += string(given[g.r.IntN(len(given))])
	}
	return n
}

func (g gen) orgCode(i int) string {
	// 91 = 工商 企业; 320602 = 南通市崇川区; a body derived from i keeps codes unique.
	body := fmt.Sprintf("%08d", i%100000000)
	return USCC("91320602" + body + "4"[:1])
}

// personID is a valid 身份证号码 unique to (region, i): the birth date steps
// one day per thousand rows from 1960, the sequence number is i mod 1000.
func (g gen) personID(region string, i int) string {
	birth := time.Date(1960, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i/1000)
	return ID(fmt.Sprintf("%s%s%03d", region, birth.Format("20060102"), i%1000))
}

// XZCFRow is row i of a generated penalty file decided on or before today.
func (g gen) XZCFRow(i int, today time.Time) []string {
	row := make([]string, len(XZCFHeader))
	decided := today.AddDate(0, 0, -g.r.IntN(900))
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
	if strings.Contains(off.cat, "吊销") {
		row[21] = fmt.Sprintf("营业执照 %s", g.orgCode(i))
	}
	if g.r.IntN(10) == 0 { // a natural person
		row[0] = g.personName()
		row[1] = "自然人"
		row[11] = "身份证"
		row[12] = g.personID("320602", i)
	} else {
		row[0] = fmt.Sprintf("%s%s%d号%s", g.pick(places), g.pick(trades), i, suffixes[g.r.IntN(len(suffixes))])
		row[1] = "法人及非法人组织"
		row[2] = g.orgCode(i)
		row[8] = g.personName()
		row[9] = "身份证"
		row[10] = g.personID("320611", i)
		if g.r.IntN(2) == 0 {
			row[30] = "是"
		}
	}
	row[13] = fmt.Sprintf("通%s罚决〔%d〕%d号", ag.name[len("南通市"):len("南通市")+6], decided.Year(), i)
	row[14] = off.kind
	row[15] = off.fact
	row[16] = off.basis
	row[17] = off.cat
	row[18] = content
	row[22] = decided.Format("2006-01-02")
	row[23] = decided.AddDate(1, 0, 0).Format("2006-01-02")
	row[24] = decided.AddDate(1, 0, 0).Format("2006-01-02")
	row[25] = ag.name
	row[26] = ag.code
	row[27] = ag.name
	row[28] = ag.code
	return row
}

func main() {
	if len(os.Args) >= 2 && os.Args[1] == "demo" {
		demoMain(os.Args[2:]) // demo.go: the make demo store, through the credit binary
		return
	}
	if len(os.Args) >= 2 && os.Args[1] == "xzcf-shared" {
		sharedMain(os.Args[2:]) // store.go: several records per subject
		return
	}
	if len(os.Args) < 2 || os.Args[1] != "xzcf" {
		fmt.Fprintln(os.Stderr, "usage: gendata xzcf -n ROWS -o FILE.csv [-seed N] [-today YYYY-MM-DD] [-seq] [-revise BASE] [-codes FILE]")
		os.Exit(2)
	}
	fs := flag.NewFlagSet("xzcf", flag.ExitOnError)
	n := fs.Int("n", 1000, "rows")
	out := fs.String("o", "xzcf.csv", "output CSV (UTF-8)")
	seed := fs.Uint64("seed", 1, "random seed")
	todayS := fs.String("today", time.Now().Format("2006-01-02"), "latest decision date")
	seq := fs.Bool("seq", false, "sequential codes in row order (the older benchmark file) instead of a realistic file")
	revise := fs.Int("revise", 0, "write a revision batch against the file made with -n BASE and the same seed")
	codesOut := fs.String("codes", "", "also write each row's subject code and name (tab-separated) to this file")
	fs.Parse(os.Args[2:])
	today, err := time.Parse("2006-01-02", *todayS)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	f, err := os.Create(*out)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	w := csv.NewWriter(bw)
	w.Write(XZCFHeader)
	var cw *bufio.Writer
	if *codesOut != "" {
		cf, err := os.Create(*codesOut)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		defer cf.Close()
		cw = bufio.NewWriterSize(cf, 1<<20)
		defer cw.Flush()
	}
	emit := func(row []string) {
		w.Write(row)
		if cw != nil {
			code := row[2]
			if code == "" {
				code = row[12]
			}
			fmt.Fprintf(cw, "%s\t%s\n", code, row[0])
		}
	}
	if *seq {
		g := gen{rand.New(rand.NewPCG(*seed, 2))}
		for i := 1; i <= *n; i++ {
			emit(g.XZCFRow(i, today))
		}
	} else {
		realRows(*seed, *n, *revise, today, emit)
	}
	w.Flush()
	bw.Flush()
	if err := f.Close(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
