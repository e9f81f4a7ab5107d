package ingest

import (
	"errors"
	"fmt"
	"io"
	"os"

	"credit/internal/xls"
)

// FormatXLS is a legacy Excel workbook (.xls, BIFF8 or BIFF5), read by
// internal/xls.
const FormatXLS Format = "xls"

// CellRange is a merged range of a sheet in the rows and columns a clerk
// sees in Excel (1-based, inclusive): A1:B1 is {1, 1, 1, 2}.
type CellRange struct {
	FirstRow, LastRow, FirstCol, LastCol int
}

// MergedSource is a Source that knows its sheet's merged cells (a .xls
// workbook), so that a two-row header's group cell can be joined with the
// sub-columns under it.
type MergedSource interface {
	Source
	Merges() []CellRange
}

// MergesOf gives the merged ranges of src's sheet when its reader knows them
// (.xls), else nil.
func MergesOf(src Source) []CellRange {
	if l, ok := src.(*limitedSource); ok {
		src = l.Source
	}
	if f, ok := src.(*framedSource); ok {
		if m, ok := f.sheet.(interface{ Merges() []CellRange }); ok {
			return m.Merges()
		}
		return nil
	}
	if m, ok := src.(MergedSource); ok {
		return m.Merges()
	}
	return nil
}

// sniff reads the first bytes of path to tell an OLE2 compound file (.xls)
// or a zip (.xlsx) whatever its extension says: "" for anything else.
func sniff(path string) (Format, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	var b [8]byte
	n, err := io.ReadFull(f, b[:])
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return "", fmt.Errorf("read %s: %w", path, err)
	}
	switch {
	case n == 8 && string(b[:]) == string(xls.Magic):
		return FormatXLS, nil
	case n >= 4 && string(b[:4]) == "PK\x03\x04":
		return FormatXLSX, nil
	}
	return "", nil
}

// xlsSource streams one worksheet of a .xls workbook as a Sheet; Frame
// finds its header, title rows and notes as for CSV and XLSX (issue 22).
type xlsSource struct {
	path   string
	wb     *xls.Workbook
	own    bool // Close closes the workbook
	rows   *xls.Rows
	merges []CellRange
}

func openXLS(path string, opt ReadOptions) (Source, error) {
	wb, err := xls.Open(path)
	if err != nil {
		return nil, xlsErr(path, err)
	}
	fail := func(err error) (Source, error) {
		wb.Close()
		return nil, err
	}
	if lim := opt.Limits.Sheets; lim > 0 && len(wb.Sheets) > lim {
		return fail(fileErr(ReasonTooManySheets, path, 0, nil,
			"文件 %s 有 %d 个工作表，超过工作表数上限 %d 个（import_limits.sheets）：请只保留要报送的工作表",
			"file %s has %d sheets, over the sheet limit of %d (import_limits.sheets): keep only the sheet to submit",
			path, len(wb.Sheets), lim))
	}
	if len(wb.Sheets) == 0 {
		return fail(emptyFileErr(path))
	}
	names := make([]string, len(wb.Sheets))
	for i, s := range wb.Sheets {
		names[i] = s.Name
	}
	sheet, err := chooseSheet(path, names, opt, func(i int) (bool, error) { return xlsSheetFits(wb, path, i, opt) })
	if err != nil {
		return fail(err)
	}
	s, err := openXLSSheet(wb, path, sheet)
	if err != nil {
		return fail(err)
	}
	s.own = true
	src, err := frame(s, path, opt.Header, opt.Limits)
	if err != nil {
		s.Close()
		if fe, ok := err.(*FileError); ok && fe.Reason == ReasonEmptyFile && fe.Line == 0 {
			err = fileErr(ReasonEmptyFile, path, 0, nil,
				"文件 %s 的工作表 %s 是空的：没有表头行", "file %s: sheet %s is empty: it has no header row", path, names[sheet])
		}
		return nil, err
	}
	src.fr.Sheet = names[sheet]
	return src, nil
}

// openXLSSheet opens worksheet i of wb as a Sheet (not owning wb).
func openXLSSheet(wb *xls.Workbook, path string, i int) (*xlsSource, error) {
	rows, err := wb.Rows(i)
	if err != nil {
		return nil, xlsErr(path, err)
	}
	s := &xlsSource{path: path, wb: wb, rows: rows}
	for _, m := range rows.Merges() {
		s.merges = append(s.merges, CellRange{m.FirstRow + 1, m.LastRow + 1, m.FirstCol + 1, m.LastCol + 1})
	}
	return s, nil
}

// xlsSheetFits reports whether worksheet i holds a header that fits within
// its first HeaderScanRows rows.
func xlsSheetFits(wb *xls.Workbook, path string, i int, opt ReadOptions) (bool, error) {
	s, err := openXLSSheet(wb, path, i)
	if err != nil {
		return false, err
	}
	return headerFits(s, path, opt)
}

// xlsErr turns the reader's errors into whole-file refusals.
func xlsErr(path string, err error) error {
	var fe *xls.FormatError
	switch {
	case errors.Is(err, xls.ErrEncrypted):
		return fileErr(ReasonFormat, path, 0, err,
			"文件 %s 设有打开密码（已加密），无法读取：请在 Excel 或 WPS 中打开，取消打开密码后另存，再导入",
			"file %s is protected by a password to open (encrypted) and cannot be read: open it in Excel or WPS, remove the password, save it and import again", path)
	case errors.Is(err, xls.ErrNoWorkbook):
		return fileErr(ReasonFormat, path, 0, err,
			"文件 %s 是 OLE2 复合文档，但其中没有 Excel 工作簿（可能是 Word 等其他文档）：请提供 .xls、.xlsx 或 CSV 文件",
			"file %s is an OLE2 compound document without an Excel workbook in it (a Word document?): provide a .xls, .xlsx or CSV file", path)
	case errors.Is(err, xls.ErrOldBIFF):
		return fileErr(ReasonFormat, path, 0, err,
			"文件 %s 是 Excel 95 以前的格式（BIFF2–BIFF4），无法读取：请在 Excel 或 WPS 中另存为 .xlsx 后再导入",
			"file %s is in a format older than Excel 95 (BIFF2–BIFF4) and cannot be read: save it as .xlsx in Excel or WPS and import again", path)
	case errors.Is(err, xls.ErrCodePage):
		return fileErr(ReasonEncoding, path, 0, err,
			"文件 %s 是 Excel 95 工作簿，使用了不支持的代码页（%v）：请在 Excel 或 WPS 中另存为 .xlsx 后再导入",
			"file %s is an Excel 95 workbook in an unsupported code page (%v): save it as .xlsx in Excel or WPS and import again", path, err)
	case errors.As(err, &fe):
		return fileErr(ReasonFormat, path, 0, err,
			"文件 %s 不是有效的 .xls 工作簿（已损坏：%s）：请在 Excel 或 WPS 中打开后另存为 .xlsx",
			"file %s is not a valid .xls workbook (damaged: %s): open it in Excel or WPS and save it as .xlsx", path, fe.Msg)
	}
	return fmt.Errorf("read %s: %w", path, err)
}

func (s *xlsSource) Format() Format      { return FormatXLS }
func (s *xlsSource) Encoding() string    { return fmt.Sprintf("xls-biff%d", s.wb.BIFF) }
func (s *xlsSource) SerialDates() bool   { return true }
func (s *xlsSource) Merges() []CellRange { return s.merges }

func (s *xlsSource) Close() error {
	if s.own {
		return s.wb.Close()
	}
	return nil
}

// NextRow returns the next non-blank row (Sheet) with its Excel row number.
func (s *xlsSource) NextRow() (RawRow, error) {
	line, cells, err := s.read()
	if err != nil {
		return RawRow{}, err
	}
	return RawRow{Line: line, Cells: cells}, nil
}

// read returns the next row with text in it and its Excel row number.
func (s *xlsSource) read() (int, []string, error) {
	for s.rows.Next() {
		i, cells := s.rows.Row()
		if !blank(cells) {
			return i + 1, cells, nil
		}
	}
	if err := s.rows.Err(); err != nil {
		var fe *xls.FormatError
		if errors.As(err, &fe) {
			return 0, nil, fileErr(ReasonFormat, s.path, 0, err,
				"文件 %s 的工作表无法继续读取（已损坏：%s）：请在 Excel 或 WPS 中打开后另存为 .xlsx",
				"file %s: the sheet cannot be read on (damaged: %s): open it in Excel or WPS and save it as .xlsx", s.path, fe.Msg)
		}
		return 0, nil, fmt.Errorf("read %s: %w", s.path, err)
	}
	return 0, nil, io.EOF
}
