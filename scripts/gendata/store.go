package main

// gendata xzcf-shared: 行政处罚 rows where every subject has several records,
// for the archive lookup benchmark (issue 5: 1,000,000 records over 500,000
// subjects). Subject s (1-based) owns rows (s-1)*per+1 … s*per; one subject in
// ten is a natural person, and the legal representative of organisation s is
// the natural person s rounds up to (a multiple of ten), so people's archives
// also hold the serious records 第二十九条 links to them. Names and codes are
// functions of the subject number, so a subject's rows always agree.

import (
	"bufio"
	"encoding/csv"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"time"
)

// subjectGen derives a subject's stable attributes from its number.
func subjectGen(seed uint64, s int) gen { return gen{rand.New(rand.NewPCG(seed^0x5eed, uint64(s)))} }

func isPerson(s int) bool { return s%10 == 0 }

// repOf is the natural person who represents organisation s.
func repOf(s int) int { return s - s%10 + 10 }

func personOf(seed uint64, s int) (name, id string) {
	g := subjectGen(seed, s)
	return g.personName(), g.personID("320602", s)
}

func orgNameOf(seed uint64, s int) string {
	g := subjectGen(seed, s)
	return fmt.Sprintf("%s%s%d号%s", g.pick(places), g.pick(trades), s, suffixes[g.r.IntN(len(suffixes))])
}

// sharedRow is row i (1-based) of subject s.
func (g gen) sharedRow(seed uint64, i, s int, today time.Time) []string {
	row := g.XZCFRow(i, today)
	for _, k := range []int{0, 2, 8, 9, 10, 11, 12} {
		row[k] = ""
	}
	if isPerson(s) {
		row[0], row[12] = personOf(seed, s)
		row[1], row[11] = "自然人", "身份证"
	} else {
		row[0] = orgNameOf(seed, s)
		row[1] = "法人及非法人组织"
		row[2] = g.orgCode(s)
		row[8], row[10] = personOf(seed, repOf(s))
		row[9] = "身份证"
	}
	if row[21] != "" {
		row[21] = fmt.Sprintf("营业执照 %s", g.orgCode(s))
	}
	return row
}

// sharedMain writes the file and, with -codes, every subject's code, one a line.
func sharedMain(args []string) {
	fs := flag.NewFlagSet("xzcf-shared", flag.ExitOnError)
	n := fs.Int("n", 1000, "rows")
	per := fs.Int("per", 2, "rows (records) per subject")
	out := fs.String("o", "xzcf-shared.csv", "output CSV (UTF-8)")
	codes := fs.String("codes", "", "also write every subject's code to this file")
	seed := fs.Uint64("seed", 1, "random seed")
	todayS := fs.String("today", time.Now().Format("2006-01-02"), "latest decision date")
	fs.Parse(args)
	today, err := time.Parse("2006-01-02", *todayS)
	if err != nil || *per < 1 {
		fmt.Fprintln(os.Stderr, "usage: gendata xzcf-shared -n ROWS -per K -o FILE.csv [-codes FILE] [-seed N] [-today YYYY-MM-DD]")
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
	if *codes != "" {
		cf, err := os.Create(*codes)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		defer cf.Close()
		cw = bufio.NewWriterSize(cf, 1<<20)
		defer cw.Flush()
	}
	g := gen{rand.New(rand.NewPCG(*seed, 2))}
	for i := 1; i <= *n; i++ {
		s := (i-1) / *per + 1
		row := g.sharedRow(*seed, i, s, today)
		w.Write(row)
		if cw != nil && (i-1)%*per == 0 {
			code := row[2]
			if isPerson(s) {
				code = row[12]
			}
			fmt.Fprintln(cw, code)
		}
	}
	w.Flush()
	bw.Flush()
	if err := f.Close(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
