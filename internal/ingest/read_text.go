package ingest

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"
)

const (
	readBufSize = 1 << 20  // bufio size for text files: few syscalls on a 560 MB file
	sniffSize   = 64 << 10 // bytes looked at to tell UTF-8 from GB18030
)

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// otherBOMs are byte order marks of encodings the importer does not read
// (UTF-16 and UTF-32 have their own messages; GB18030's is read).
var otherBOMs = []struct {
	name  string
	bytes []byte
}{
	{"UTF-7", []byte{0x2B, 0x2F, 0x76}},
	{"UTF-1", []byte{0xF7, 0x64, 0x4C}},
	{"UTF-EBCDIC", []byte{0xDD, 0x73, 0x66, 0x73}},
	{"SCSU", []byte{0x0E, 0xFE, 0xFF}},
	{"BOCU-1", []byte{0xFB, 0xEE, 0x28}},
}

// Encoding names reported by Source.Encoding for text files.
const (
	encUTF8    = "utf-8"
	encUTF8BOM = "utf-8-bom"
	encGB18030 = "gb18030"
)

// textFile is a text provider file decoded to a UTF-8 stream, BOM removed.
type textFile struct {
	f   *os.File
	g   *guardReader // bounds the raw bytes of one row (Limits.recordBytes)
	r   *bufio.Reader
	enc string
	// gb: the stream is decoded from GB18030, whose decoder puts U+FFFD in
	// place of bytes it cannot decode; otherwise the bytes are passed
	// through and must be checked to be valid UTF-8.
	gb       bool
	detected bool // the encoding was detected, not given
}

// normEncoding maps a --encoding value to "auto", "utf-8" or "gb18030".
func normEncoding(s string) (string, bool) {
	switch strings.ToLower(strings.ReplaceAll(strings.TrimSpace(s), "_", "-")) {
	case "", "auto":
		return "auto", true
	case "utf-8", "utf8":
		return encUTF8, true
	case "gbk", "gb18030", "gb2312", "cp936":
		return encGB18030, true
	}
	return "", false
}

// openText opens path and settles its encoding: a UTF-8 BOM means UTF-8;
// otherwise with "auto" the first 64 KiB decide: valid UTF-8 is UTF-8, anything
// else GB18030 when allowGB (CSV) or an encoding error (JSON Lines, which is
// UTF-8 by definition unless an encoding is given).
func openText(path string, opt ReadOptions, allowGB bool) (*textFile, error) {
	want, ok := normEncoding(opt.Encoding)
	if !ok {
		return nil, fileErr(ReasonEncoding, path, 0, nil,
			"文件 %s：不认识的编码 %q，可用 auto、utf-8、gbk、gb18030",
			"file %s: unknown encoding %q; use auto, utf-8, gbk or gb18030", path, opt.Encoding)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	g := &guardReader{r: f, max: opt.Limits.recordBytes()}
	t := &textFile{f: f, g: g, r: bufio.NewReaderSize(g, readBufSize)}
	fail := func(err error) (*textFile, error) {
		f.Close()
		return nil, err
	}
	sample, err := t.r.Peek(sniffSize)
	if errors.Is(err, errRecordTooLong) {
		err = nil // the sample is shorter than the bound allows: judge what came
	}
	if err != nil && err != io.EOF {
		return fail(fmt.Errorf("read %s: %w", path, err))
	}
	atEOF := err == io.EOF
	if len(sample) == 0 {
		return fail(emptyFileErr(path))
	}
	// Workbooks renamed to .csv are common; say so rather than decode zip
	// bytes as text.
	if bytes.HasPrefix(sample, []byte("PK\x03\x04")) {
		return fail(fileErr(ReasonFormat, path, 0, nil,
			"文件 %s 实际是 Excel 工作簿，不是文本文件：请把扩展名改为 .xlsx 后再导入",
			"file %s is an Excel workbook, not a text file: rename it to .xlsx and import again", path))
	}
	if bytes.HasPrefix(sample, []byte{0xD0, 0xCF, 0x11, 0xE0}) {
		return fail(fileErr(ReasonFormat, path, 0, nil,
			"文件 %s 实际是旧版 Excel 工作簿：请把扩展名改为 .xls 后再导入",
			"file %s is an old Excel workbook: rename it to .xls and import again", path))
	}
	if bytes.HasPrefix(sample, []byte{0xFF, 0xFE, 0, 0}) || bytes.HasPrefix(sample, []byte{0, 0, 0xFE, 0xFF}) {
		return fail(fileErr(ReasonEncoding, path, 0, nil,
			"文件 %s 是 UTF-32 编码，不受支持：请另存为 CSV（UTF-8）后再导入",
			"file %s is UTF-32, which is not supported: save it as CSV (UTF-8) and import again", path))
	}
	for _, bom := range otherBOMs {
		if bytes.HasPrefix(sample, bom.bytes) {
			return fail(fileErr(ReasonEncoding, path, 0, nil,
				"文件 %s 以 %s 的字节顺序标记开头，这种编码不受支持：请另存为 CSV（UTF-8）后再导入",
				"file %s starts with the byte order mark of %s, an encoding that is not supported: save it as CSV (UTF-8) and import again", path, bom.name))
		}
	}
	if bytes.HasPrefix(sample, []byte{0xFF, 0xFE}) || bytes.HasPrefix(sample, []byte{0xFE, 0xFF}) {
		return fail(fileErr(ReasonEncoding, path, 0, nil,
			"文件 %s 是 UTF-16 编码（Excel 的“Unicode 文本”），请另存为 CSV（UTF-8）后再导入",
			"file %s is UTF-16 (Excel's \"Unicode Text\"): save it as CSV (UTF-8) and import again", path))
	}
	hasBOM := bytes.HasPrefix(sample, utf8BOM)
	switch {
	case want == encGB18030:
		t.enc, t.gb = encGB18030, true
	case hasBOM:
		t.enc = encUTF8BOM
	case want == encUTF8:
		t.enc = encUTF8
	default: // auto
		t.detected = true
		if i := invalidUTF8(sample, atEOF); i < 0 {
			t.enc = encUTF8
		} else if allowGB {
			t.enc, t.gb = encGB18030, true
		} else if line := bytes.Count(sample[:i], []byte{'\n'}) + 1; line > 1 {
			// The first line is UTF-8: a later line that is not is
			// rejected by row (issue 16), not the whole file.
			t.enc = encUTF8
		} else {
			return fail(fileErr(ReasonEncoding, path, line, nil,
				"文件 %s 第 %d 行（第 %d 字节）不是 UTF-8 编码；JSON Lines 文件应为 UTF-8，或用 --encoding gbk 指明编码",
				"file %s line %d (byte %d) is not UTF-8; JSON Lines files must be UTF-8, or name the encoding with --encoding gbk",
				path, line, i))
		}
	}
	if t.enc == encUTF8BOM {
		t.r.Discard(len(utf8BOM))
	}
	if t.gb {
		t.r = bufio.NewReaderSize(transform.NewReader(t.r, simplifiedchinese.GB18030.NewDecoder()), readBufSize)
		// GB18030's own byte order mark decodes to U+FEFF.
		if p, _ := t.r.Peek(len(utf8BOM)); bytes.Equal(p, utf8BOM) {
			t.r.Discard(len(utf8BOM))
		}
	}
	return t, nil
}

// invalidUTF8 returns the offset of the first byte of sample that is not
// UTF-8, or -1. Unless atEOF, a character cut by the sample's end is fine.
func invalidUTF8(sample []byte, atEOF bool) int {
	if !atEOF {
		for i := len(sample) - 1; i >= 0 && i >= len(sample)-utf8.UTFMax; i-- {
			if utf8.RuneStart(sample[i]) {
				if !utf8.FullRune(sample[i:]) {
					sample = sample[:i]
				}
				break
			}
		}
	}
	if utf8.Valid(sample) {
		return -1
	}
	for i := 0; i < len(sample); {
		r, n := utf8.DecodeRune(sample[i:])
		if r == utf8.RuneError && n == 1 {
			return i
		}
		i += n
	}
	return -1
}

// badString reports whether s holds bytes that were not text in the file's
// encoding.
func (t *textFile) badString(s string) bool {
	if t.gb {
		return strings.Contains(s, "\uFFFD")
	}
	return !utf8.ValidString(s)
}

func (t *textFile) badBytes(b []byte) bool {
	if t.gb {
		return bytes.Contains(b, []byte("\uFFFD"))
	}
	return !utf8.Valid(b)
}

// encodingProblem rejects one row for undecodable bytes in column name.
func (t *textFile) encodingProblem(name string) *RowProblem {
	if t.gb {
		return &RowProblem{Reason: ReasonEncoding, Field: name,
			Zh: name + "：含有无法按 GB18030（GBK）解码的字节；请检查该行的编码后重新报送",
			En: name + ": holds bytes that are not GB18030 (GBK); check this row's encoding and resubmit"}
	}
	hint, hintEn := "", ""
	if t.detected {
		hint, hintEn = "（文件开头是 UTF-8）；如果整个文件是 GBK 编码，请加 --encoding gbk 重新导入", " (the file starts as UTF-8); if the whole file is GBK, import again with --encoding gbk"
	}
	return &RowProblem{Reason: ReasonEncoding, Field: name,
		Zh: name + "：含有不是 UTF-8 的字节" + hint,
		En: name + ": holds bytes that are not UTF-8" + hintEn}
}

// encodingErr refuses the file for undecodable bytes in row line; where
// names the place more precisely ("第 3 列（名称）" / "column 3 (名称)").
func (t *textFile) encodingErr(path string, line int, whereZh, whereEn string) *FileError {
	if t.gb {
		return &FileError{
			Reason: ReasonEncoding, Path: path, Line: line,
			Zh: fmt.Sprintf("文件 %s 第 %d 行%s含有无法按 GB18030（GBK）解码的字节；请检查文件编码，或另存为 CSV（UTF-8）后重新导入", path, line, whereZh),
			En: fmt.Sprintf("file %s row %d%s holds bytes that are not GB18030 (GBK); check the file's encoding, or save it as CSV (UTF-8) and import again", path, line, whereEn),
		}
	}
	hint, hintEn := "", ""
	if t.detected {
		hint, hintEn = "（文件开头是 UTF-8）；如果文件是 GBK 编码，请加 --encoding gbk 重新导入", " (the file starts as UTF-8); if it is GBK, import again with --encoding gbk"
	}
	return &FileError{
		Reason: ReasonEncoding, Path: path, Line: line,
		Zh: fmt.Sprintf("文件 %s 第 %d 行%s含有不是 UTF-8 的字节%s", path, line, whereZh, hint),
		En: fmt.Sprintf("file %s row %d%s holds bytes that are not UTF-8%s", path, line, whereEn, hintEn),
	}
}

func emptyFileErr(path string) *FileError {
	return fileErr(ReasonEmptyFile, path, 0, nil,
		"文件 %s 是空的：没有表头行", "file %s is empty: it has no header row", path)
}

func (t *textFile) Close() error { return t.f.Close() }
