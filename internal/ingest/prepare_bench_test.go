package ingest

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"

	"credit/internal/civil"
)

// benchRows are n rows like those of `go run ./scripts/gendata xzcf`: the
// national 行政处罚 layout with valid codes, one natural person in ten,
// decided within 900 days before today.
func benchRows(n int, today civil.Date) [][]string {
	const alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
	uscc := func(first17 string) string {
		sum, w := 0, 1
		for i := 0; i < 17; i++ {
			sum += strings.IndexByte(alphabet, first17[i]) * w
			w = w * 3 % 31
		}
		c := 31 - sum%31
		if c == 31 {
			c = 0
		}
		return first17 + string(alphabet[c])
	}
	idWeights := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	id := func(first17 string) string {
		sum := 0
		for i := 0; i < 17; i++ {
			sum += int(first17[i]-'0') * idWeights[i]
		}
		return first17 + string("10X98765432"[sum%11])
	}
	surnames := []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕")
	given := []rune("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红梅鹏飞斌宇浩凯健俊帆帅旭宁龙林欣晨佳琳雪婷倩颖")
	places := []string{"南通", "崇川", "通州", "海门", "启东", "如皋", "海安", "如东", "港闸", "开发区"}
	trades := []string{"建筑工程", "食品", "商贸", "物流", "机械制造", "纺织", "化工", "餐饮管理", "医疗器械", "科技"}
	suffixes := []string{"有限公司", "有限责任公司", "股份有限公司"}
	offences := []struct{ kind, fact, basis, cat, content string }{
		{"未按规定进行食品安全自查", "经检查发现该单位未建立食品安全自查制度", "《中华人民共和国食品安全法》第一百二十六条", "警告", "警告"},
		{"超标排放大气污染物", "在线监测数据显示氮氧化物排放浓度超过国家标准", "《中华人民共和国大气污染防治法》第九十九条", "罚款", "罚款%d元"},
		{"无证经营", "未取得许可证擅自从事经营活动", "《无证无照经营查处办法》第十三条", "罚款；没收违法所得", "罚款%d元，没收违法所得"},
		{"安全生产隐患未及时排除", "未按规定对重大事故隐患进行治理", "《中华人民共和国安全生产法》第一百零二条", "罚款；责令停产停业", "罚款%d元，责令停产停业整顿"},
		{"虚假广告", "发布虚假广告欺骗误导消费者", "《中华人民共和国广告法》第五十五条", "罚款", "罚款%d元"},
		{"拖欠农民工工资", "拒不支付劳动报酬", "《保障农民工工资支付条例》第五十五条", "罚款；吊销许可证件", "罚款%d元，吊销营业执照"},
	}
	agencies := []struct{ name, code string }{
		{"南通市市场监督管理局", uscc("11320600MB1958700")},
		{"南通市生态环境局", uscc("11320600MB1959200")},
		{"南通市住房和城乡建设局", uscc("11320600MB1962300")},
	}
	r := rand.New(rand.NewPCG(1, 2))
	person := func() string {
		s := string(surnames[r.IntN(len(surnames))]) + string(given[r.IntN(len(given))])
		if r.IntN(3) > 0 {
			s += string(given[r.IntN(len(given))])
		}
		return s
	}
	orgCode := func(i int) string { return uscc(fmt.Sprintf("91320602%08d4", i)) }
	personID := func(region string, i int) string {
		birth := time.Date(1960, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i/1000)
		return id(fmt.Sprintf("%s%s%03d", region, birth.Format("20060102"), i%1000))
	}
	out := make([][]string, n)
	for i := range out {
		row := make([]string, len(fuzzNationalHeader))
		decided := today.Time().AddDate(0, 0, -r.IntN(900))
		off := offences[r.IntN(len(offences))]
		ag := agencies[r.IntN(len(agencies))]
		content := off.content
		fine := (r.IntN(200) + 1) * 500
		if off.cat != "警告" {
			content = fmt.Sprintf(off.content, fine)
			row[19] = strconv.FormatFloat(float64(fine)/10000, 'g', -1, 64)
		}
		if strings.Contains(off.cat, "没收") {
			row[20] = strconv.FormatFloat(float64(r.IntN(100)+1)/100, 'g', -1, 64)
		}
		if strings.Contains(off.cat, "吊销") {
			row[21] = "营业执照 " + orgCode(i)
		}
		if r.IntN(10) == 0 {
			row[0], row[1], row[11], row[12] = person(), "自然人", "身份证", personID("320602", i)
		} else {
			row[0] = fmt.Sprintf("%s%s%d号%s", places[r.IntN(len(places))], trades[r.IntN(len(trades))], i, suffixes[r.IntN(len(suffixes))])
			row[1], row[2], row[8], row[9], row[10] = "法人及非法人组织", orgCode(i), person(), "身份证", personID("320611", i)
		}
		row[13] = fmt.Sprintf("通%s罚决〔%d〕%d号", ag.name[len("南通市"):len("南通市")+6], decided.Year(), i)
		row[14], row[15], row[16], row[17], row[18] = off.kind, off.fact, off.basis, off.cat, content
		row[22] = decided.Format("2006-01-02")
		row[23] = decided.AddDate(1, 0, 0).Format("2006-01-02")
		row[24] = row[23]
		row[25], row[26], row[27], row[28] = ag.name, ag.code, ag.name, ag.code
		out[i] = row
	}
	return out
}

// BenchmarkCheckAndPrepare is the checking workers' per-row work in an
// import: Plan.Check and prepareRow over realistic XZCF rows.
func BenchmarkCheckAndPrepare(b *testing.B) {
	national, _ := fuzzPlans(b)
	rows := benchRows(1000, fuzzToday)
	for i, row := range rows {
		c := national.Check(i+2, row)
		if !c.OK() {
			b.Fatalf("benchmark row %d is rejected: %+v", i, c.Problems)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		row := rows[i%len(rows)]
		c := national.Check(i+2, row)
		prepareRow(national, c)
	}
}
