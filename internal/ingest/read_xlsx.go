package ingest

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"credit/internal/civil"
)

// xlsxOptions keep cells raw (codes such as 000123 stay text, dates arrive as
// serial numbers) and bound memory: a worksheet or shared-string table larger
// than UnzipXMLSizeLimit is unzipped to a temporary file and streamed from
// there, so the rows in memory do not grow with the sheet. UnzipSizeLimit is
// the total unzipped size accepted (a guard against zip bombs); 16 GiB is far
// beyond Excel's 1,048,576 rows.
var xlsxOptions = excelize.Options{
	RawCellValue:      true,
	UnzipSizeLimit:    16 << 30,
	UnzipXMLSizeLimit: 16 << 20,
}

// checkZip applies the workbook limits from the zip directory alone, before
// anything is unzipped: the number of worksheets, the unzipped size of all
// entries, and each big entry's compression ratio (a zip bomb). The
// directory cannot understate an entry: Go's archive/zip, which excelize
// reads with, fails an entry that unzips to more than the directory says.
func checkZip(path string, lim Limits) error {
	if lim.Sheets <= 0 && lim.XLSXUnzippedSize <= 0 && lim.XLSXRatio <= 0 {
		return nil
	}
	zr, err := zip.OpenReader(path)
	if err != nil {
		return nil // excelize reports the broken workbook in its own words
	}
	defer zr.Close()
	var total uint64
	sheets := 0
	for _, f := range zr.File {
		total += f.UncompressedSize64
		if strings.HasPrefix(f.Name, "xl/worksheets/") && strings.HasSuffix(f.Name, ".xml") && !strings.Contains(f.Name[len("xl/worksheets/"):], "/") {
			sheets++
		}
		// Small entries (styles, a short sheet) may compress well beyond any
		// sane ratio without harm: only entries over 1 MiB unzipped count.
		if lim.XLSXRatio > 0 && f.UncompressedSize64 > 1<<20 && f.UncompressedSize64/max(f.CompressedSize64, 1) > uint64(lim.XLSXRatio) {
			return fileErr(ReasonXLSXRatio, path, 0, nil,
				"文件 %s 中的 %s 压缩后 %s、解压后 %s，压缩比超过压缩比上限 %d（import_limits.xlsx_ratio），可能是“压缩炸弹”：不予读取；如确为正常工作簿，请另存为 CSV（UTF-8）后报送",
				"file %s: its entry %s is %s zipped and %s unzipped, over the compression ratio limit of %d (import_limits.xlsx_ratio), likely a zip bomb: not read; if the workbook is genuine, save it as CSV (UTF-8)",
				path, f.Name, humanSize(int64(f.CompressedSize64)), humanSize(int64(f.UncompressedSize64)), lim.XLSXRatio)
		}
	}
	if lim.Sheets > 0 && sheets > lim.Sheets {
		return fileErr(ReasonTooManySheets, path, 0, nil,
			"文件 %s 有 %d 个工作表，超过工作表数上限 %d 个（import_limits.sheets）：请只保留要报送的工作表",
			"file %s has %d sheets, over the sheet limit of %d (import_limits.sheets): keep only the sheet to submit",
			path, sheets, lim.Sheets)
	}
	if lim.XLSXUnzippedSize > 0 && total > uint64(lim.XLSXUnzippedSize) {
		return fileErr(ReasonXLSXTooLarge, path, 0, nil,
			"文件 %s 解压后有 %s，超过工作簿解压后上限 %s（import_limits.xlsx_unzipped_size）：请拆分为较小的文件或另存为 CSV（UTF-8）",
			"file %s unzips to %s, over the workbook's unzipped limit of %s (import_limits.xlsx_unzipped_size): split it or save it as CSV (UTF-8)",
			path, humanSize(int64(total)), humanSize(lim.XLSXUnzippedSize))
	}
	return nil
}

// xlsxSource streams one worksheet with excelize's row iterator.
type xlsxSource struct {
	path string
	f    *excelize.File
	rows *excelize.Rows
	row  int // sheet row number of the last row read
	tmp  string
	err  error
}

func openXLSX(path string, opt ReadOptions) (Source, error) {
	if err := checkZip(path, opt.Limits); err != nil {
		return nil, err
	}
	xo := xlsxOptions
	if l := opt.Limits.XLSXUnzippedSize; l > 0 {
		xo.UnzipSizeLimit = l
		xo.UnzipXMLSizeLimit = min(xo.UnzipXMLSizeLimit, l)
	}
	// excelize unzips big parts to temporary files and does not remove them
	// all when the workbook turns out broken: give it a directory of its
	// own and remove that whatever happens (no temp files left behind).
	tmp, err := os.MkdirTemp("", "credit-xlsx-")
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	xo.TmpDir = tmp
	f, err := excelize.OpenFile(path, xo)
	if err != nil {
		os.RemoveAll(tmp)
		var pathErr *fs.PathError
		if !errors.As(err, &pathErr) { // not an I/O error: the content is broken
			return nil, fileErr(ReasonFormat, path, 0, err,
				"文件 %s 不是有效的 .xlsx 工作簿（%v）：请在 Excel 或 WPS 中打开后另存为 .xlsx",
				"file %s is not a valid .xlsx workbook (%v): open it in Excel or WPS and save it as .xlsx again", path, err)
		}
		return nil, err
	}
	fail := func(err error) (Source, error) {
		f.Close()
		os.RemoveAll(tmp)
		return nil, err
	}
	if props, err := f.GetWorkbookProps(); err == nil && props.Date1904 != nil && *props.Date1904 {
		// Serial numbers would be read 1,462 days early; refuse rather than
		// import wrong dates.
		return fail(fileErr(ReasonFormat, path, 0, nil,
			"文件 %s 使用 1904 日期系统（Mac 版 Excel 的选项），日期会错开 4 年：请在“选项 → 高级 → 计算此工作簿时”取消“使用 1904 日期系统”后另存",
			"file %s uses the 1904 date system (an Excel for Mac option), which would shift dates by 4 years: clear \"Use 1904 date system\" in Excel's options and save again", path))
	}
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return fail(emptyFileErr(path))
	}
	i, err := chooseSheet(path, sheets, opt, func(i int) (bool, error) { return sheetFits(f, path, sheets[i], opt) })
	if err != nil {
		return fail(err)
	}
	sheet := sheets[i]
	s, err := openSheet(f, path, sheet, tmp)
	if err != nil {
		return fail(err)
	}
	src, err := frame(s, path, opt.Header, opt.Limits)
	if err != nil {
		s.Close()
		if fe, ok := err.(*FileError); ok && fe.Reason == ReasonEmptyFile && fe.Line == 0 {
			err = fileErr(ReasonEmptyFile, path, 0, nil,
				"文件 %s 的工作表 %s 是空的：没有表头行", "file %s: sheet %s is empty: it has no header row", path, sheet)
		}
		return nil, err
	}
	src.fr.Sheet = sheet
	return src, nil
}

// sheetFits reports whether a sheet holds a header that fits within its
// first HeaderScanRows rows.
func sheetFits(f *excelize.File, path, sheet string, opt ReadOptions) (bool, error) {
	rows, err := f.Rows(sheet)
	if err != nil {
		return false, fileErr(ReasonFormat, path, 0, err,
			"文件 %s 的工作表 %s 无法读取（%v）", "file %s: sheet %s cannot be read (%v)", path, sheet, err)
	}
	s := &xlsxSource{path: path, rows: rows}
	defer rows.Close()
	fs, err := frame(s, path, opt.Header, opt.Limits)
	switch {
	case err == nil:
		return fs.fr.Found, nil
	case isFileError(err, ReasonEmptyFile):
		return false, nil
	}
	return false, err
}

func isFileError(err error, reason string) bool {
	fe, ok := err.(*FileError)
	return ok && fe.Reason == reason
}

// openSheet opens one worksheet as a Sheet.
func openSheet(f *excelize.File, path, sheet, tmp string) (*xlsxSource, error) {
	rows, err := f.Rows(sheet)
	if err != nil {
		return nil, fileErr(ReasonFormat, path, 0, err,
			"文件 %s 的工作表 %s 无法读取（%v）", "file %s: sheet %s cannot be read (%v)", path, sheet, err)
	}
	return &xlsxSource{path: path, f: f, rows: rows, tmp: tmp}, nil
}

func (s *xlsxSource) Format() Format    { return FormatXLSX }
func (s *xlsxSource) Encoding() string  { return "xlsx" }
func (s *xlsxSource) SerialDates() bool { return true }

func (s *xlsxSource) Close() error {
	err := s.rows.Close()
	if s.f != nil {
		if cerr := s.f.Close(); err == nil {
			err = cerr
		}
	}
	if s.tmp != "" {
		if rerr := os.RemoveAll(s.tmp); err == nil {
			err = rerr
		}
	}
	return err
}

// NextRow returns the next non-blank row (Sheet). Cells is valid until the
// next call.
func (s *xlsxSource) NextRow() (RawRow, error) {
	cells, err := s.read()
	if err != nil {
		return RawRow{}, err
	}
	return RawRow{Line: s.row, Cells: cells}, nil
}

// read returns the next non-blank row. rows.Next also stops at the rows a
// sheet leaves out (blank rows are not stored in the XML), so counting its
// calls gives the sheet's row number.
func (s *xlsxSource) read() ([]string, error) {
	if s.err != nil {
		return nil, s.err
	}
	for s.rows.Next() {
		s.row++
		cells, err := s.rows.Columns(xlsxOptions)
		if err != nil {
			s.err = fileErr(ReasonFormat, s.path, s.row, err,
				"文件 %s 第 %d 行无法读取（%v）", "file %s row %d cannot be read (%v)", s.path, s.row, err)
			return nil, s.err
		}
		if !blank(cells) {
			return cells, nil
		}
	}
	if err := s.rows.Error(); err != nil {
		s.err = fileErr(ReasonFormat, s.path, s.row+1, err,
			"文件 %s 第 %d 行无法读取（%v）", "file %s row %d cannot be read (%v)", s.path, s.row+1, err)
		return nil, s.err
	}
	s.err = io.EOF
	return nil, io.EOF
}

// Excel's 1900 date system (ECMA-376 Part 1 §18.17.4.1): serial 1 is
// 1900-01-01 and 2,958,465 is 9999-12-31. Serial 60 is 1900-02-29, a day that
// never was (kept from Lotus 1-2-3), so from serial 61 (1900-03-01) on the
// days count from 1899-12-30.
const maxExcelSerial = 2958465

var (
	excelEpoch     = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)
	excelEarlyBase = time.Date(1899, 12, 31, 0, 0, 0, 0, time.UTC)
)

// ExcelSerialToDate reads an Excel serial date (the 1900 date system) such
// as "45658" or "45658.5" (the time of day is ignored): 45658 is 2025-01-01.
// It rejects text that is not a number, serials below 1, the fictitious
// 1900-02-29 (serial 60) and serials after 9999-12-31.
func ExcelSerialToDate(s string) (civil.Date, bool) {
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsNaN(v) || v < 1 || v >= maxExcelSerial+1 {
		return civil.Date{}, false
	}
	n := int(v) // v ≥ 1, so this is the floor
	switch {
	case n == 60:
		return civil.Date{}, false
	case n < 60:
		return civil.Of(excelEarlyBase.AddDate(0, 0, n)), true
	default:
		return civil.Of(excelEpoch.AddDate(0, 0, n)), true
	}
}
