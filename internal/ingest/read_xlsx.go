package ingest

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"credit/internal/civil"
	"credit/internal/xlsx"
)

// checkZip applies the workbook limits from the zip directory alone, before
// anything is unzipped: the number of worksheets, the unzipped size of all
// entries, and each big entry's compression ratio (a zip bomb). The
// directory cannot understate an entry: Go's archive/zip, which
// internal/xlsx reads with, fails an entry that unzips to more than the
// directory says (and internal/xlsx counts what it unzips besides).
func checkZip(path string, lim Limits) error {
	if lim.Sheets <= 0 && lim.XLSXUnzippedSize <= 0 && lim.XLSXRatio <= 0 {
		return nil
	}
	zr, err := zip.OpenReader(path)
	if err != nil {
		return nil // openXLSX reports the broken workbook in its own words
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

// xlsxSource streams one worksheet with internal/xlsx.
type xlsxSource struct {
	path string
	wb   *xlsx.Workbook // nil when the source does not own the workbook
	rows *xlsx.Rows
	row  int // sheet row number of the last row read
	lim  Limits
	err  error
}

// xlsxLimits are the reader's own bounds for the import limits: a part may
// unzip to no more than the workbook may in all, and no run of text in the
// XML may be much longer than a cell may be (escapes such as &amp; and
// &#x4E2D; take up to 10 bytes a character, plus room for a tag).
func xlsxLimits(lim Limits) xlsx.Limits {
	var xl xlsx.Limits
	if lim.XLSXUnzippedSize > 0 {
		xl.EntrySize = lim.XLSXUnzippedSize
	}
	if lim.XLSXRatio > 0 {
		xl.Ratio = lim.XLSXRatio
	}
	if lim.CellSize > 0 {
		xl.Text = 10*lim.CellSize + 4096
	}
	return xl
}

func openXLSX(path string, opt ReadOptions) (Source, error) {
	if err := checkZip(path, opt.Limits); err != nil {
		return nil, err
	}
	wb, err := xlsx.Open(path, xlsxLimits(opt.Limits))
	if err != nil {
		return nil, xlsxErr(path, 0, 0, err, opt.Limits)
	}
	fail := func(err error) (Source, error) {
		wb.Close()
		return nil, err
	}
	if wb.Date1904 {
		// Serial numbers would be read 1,462 days early; refuse rather than
		// import wrong dates.
		return fail(fileErr(ReasonFormat, path, 0, nil,
			"文件 %s 使用 1904 日期系统（Mac 版 Excel 的选项），日期会错开 4 年：请在“选项 → 高级 → 计算此工作簿时”取消“使用 1904 日期系统”后另存",
			"file %s uses the 1904 date system (an Excel for Mac option), which would shift dates by 4 years: clear \"Use 1904 date system\" in Excel's options and save again", path))
	}
	sheets := make([]string, len(wb.Sheets))
	for i, s := range wb.Sheets {
		sheets[i] = s.Name
	}
	if len(sheets) == 0 {
		return fail(emptyFileErr(path))
	}
	i, err := chooseSheet(path, sheets, opt, func(i int) (bool, error) { return sheetFits(wb, path, i, opt) })
	if err != nil {
		return fail(err)
	}
	sheet := sheets[i]
	s, err := openSheet(wb, path, i, opt.Limits)
	if err != nil {
		return fail(err)
	}
	s.wb = wb
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

// xlsxErr turns the reader's errors into whole-file refusals: a bound of
// xlsx.Limits as the import limit it serves, broken content as a format
// error; an I/O error stays as it is.
func xlsxErr(path string, line, col int, err error, lim Limits) error {
	var le *xlsx.LimitError
	var fe *xlsx.FormatError
	switch {
	case errors.As(err, &le):
		switch le.What {
		case "text":
			cell := lim.CellSize
			if cell <= 0 {
				cell = xlsx.DefaultText
			}
			if line > 0 && col > 0 {
				return fileErr(ReasonCellTooLarge, path, line, err,
					"文件 %s 第 %d 行第 %d 列的单元格超过单元格上限 %s（import_limits.cell_size）：请检查该单元格",
					"file %s row %d column %d holds more than the cell limit of %s (import_limits.cell_size): check that cell",
					path, line, col, humanSize(cell))
			}
			if line > 0 {
				return fileErr(ReasonCellTooLarge, path, line, err,
					"文件 %s 第 %d 行有单元格超过单元格上限 %s（import_limits.cell_size）：请检查该行",
					"file %s row %d holds a cell over the cell limit of %s (import_limits.cell_size): check that row",
					path, line, humanSize(cell))
			}
			return fileErr(ReasonCellTooLarge, path, 0, err,
				"文件 %s 的 %s 中有文本超过单元格上限 %s（import_limits.cell_size）：请检查工作簿或另存为 CSV（UTF-8）",
				"file %s: its part %s holds a text over the cell limit of %s (import_limits.cell_size): check the workbook or save it as CSV (UTF-8)",
				path, le.Part, humanSize(cell))
		case "entry size":
			return fileErr(ReasonXLSXTooLarge, path, 0, err,
				"文件 %s 的 %s 解压后超过工作簿解压后上限 %s（import_limits.xlsx_unzipped_size）：请拆分为较小的文件或另存为 CSV（UTF-8）",
				"file %s: its part %s unzips to more than the workbook's unzipped limit of %s (import_limits.xlsx_unzipped_size): split it or save it as CSV (UTF-8)",
				path, le.Part, humanSize(le.Limit))
		case "ratio":
			return fileErr(ReasonXLSXRatio, path, 0, err,
				"文件 %s 中的 %s 压缩比超过压缩比上限 %d（import_limits.xlsx_ratio），可能是“压缩炸弹”：不予读取；如确为正常工作簿，请另存为 CSV（UTF-8）后报送",
				"file %s: its entry %s is over the compression ratio limit of %d (import_limits.xlsx_ratio), likely a zip bomb: not read; if the workbook is genuine, save it as CSV (UTF-8)",
				path, le.Part, le.Limit)
		}
		return fileErr(ReasonFormat, path, line, err,
			"文件 %s 超出读取上限（%v）：请另存为 CSV（UTF-8）后报送",
			"file %s is over a reading limit (%v): save it as CSV (UTF-8)", path, err)
	case errors.As(err, &fe):
		if line > 0 {
			return fileErr(ReasonFormat, path, line, err,
				"文件 %s 第 %d 行无法读取（%v）", "file %s row %d cannot be read (%v)", path, line, err)
		}
		return fileErr(ReasonFormat, path, 0, err,
			"文件 %s 不是有效的 .xlsx 工作簿（%v）：请在 Excel 或 WPS 中打开后另存为 .xlsx",
			"file %s is not a valid .xlsx workbook (%v): open it in Excel or WPS and save it as .xlsx again", path, err)
	}
	return fmt.Errorf("read %s: %w", path, err)
}

// sheetFits reports whether sheet i holds a header that fits within its
// first HeaderScanRows rows.
func sheetFits(wb *xlsx.Workbook, path string, i int, opt ReadOptions) (bool, error) {
	s, err := openSheet(wb, path, i, opt.Limits)
	if err != nil {
		return false, err
	}
	defer s.Close()
	return headerFits(s, path, opt)
}

func isFileError(err error, reason string) bool {
	fe, ok := err.(*FileError)
	return ok && fe.Reason == reason
}

// openSheet opens worksheet i as a Sheet (not owning the workbook).
func openSheet(wb *xlsx.Workbook, path string, i int, lim Limits) (*xlsxSource, error) {
	rows, err := wb.Rows(i)
	if err != nil {
		var le *xlsx.LimitError
		var fe *xlsx.FormatError
		if errors.As(err, &le) || !errors.As(err, &fe) {
			return nil, xlsxErr(path, 0, 0, err, lim)
		}
		return nil, fileErr(ReasonFormat, path, 0, err,
			"文件 %s 的工作表 %s 无法读取（%v）", "file %s: sheet %s cannot be read (%v)", path, wb.Sheets[i].Name, err)
	}
	return &xlsxSource{path: path, rows: rows, lim: lim}, nil
}

func (s *xlsxSource) Format() Format    { return FormatXLSX }
func (s *xlsxSource) Encoding() string  { return "xlsx" }
func (s *xlsxSource) SerialDates() bool { return true }

func (s *xlsxSource) Close() error {
	err := s.rows.Close()
	if s.wb != nil {
		if cerr := s.wb.Close(); err == nil {
			err = cerr
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

// read returns the next non-blank row; rows a sheet leaves out (blank rows
// are often not stored) are skipped, and Rows.Row is the sheet's row number.
func (s *xlsxSource) read() ([]string, error) {
	if s.err != nil {
		return nil, s.err
	}
	for s.rows.Next() {
		s.row = s.rows.Row()
		if cells := s.rows.Cells(); !blank(cells) {
			return cells, nil
		}
	}
	if err := s.rows.Err(); err != nil {
		s.err = xlsxErr(s.path, max(s.rows.Row(), s.row+1), s.rows.Col(), err, s.lim)
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
