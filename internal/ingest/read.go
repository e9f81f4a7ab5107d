// Package ingest owns the import of provider files: reading CSV, XLSX and
// JSON Lines files row by row (the read*.go files), validating each row
// against the catalog, and producing reject reports (SPEC §5, §H). The
// readers here know nothing of catalogs or storage: they turn a file into a
// header and a stream of rows numbered as the provider sees them in Excel.
package ingest

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode"
)

// Format is the kind of a provider file.
type Format string

const (
	FormatCSV   Format = "csv"
	FormatXLSX  Format = "xlsx"
	FormatJSONL Format = "jsonl"
)

// ReadOptions are the reader's knobs, set from the import command's flags.
type ReadOptions struct {
	// Encoding of a CSV (or JSON Lines) file: "auto" (the default, also ""),
	// "utf-8", "gbk" or "gb18030". GBK is read as GB18030, its superset.
	Encoding string
	// Sheet of an XLSX or XLS file; "" is the sheet whose header Fits (the
	// first sheet when Header.Fits is nil or no sheet fits).
	Sheet string
	// Header says where the header is: found by Header.Fits within the
	// first HeaderScanRows rows, or given (--header-row).
	Header HeaderSpec
	// Limits bound what the file may hold; a zero field is no limit.
	Limits Limits
}

// Limits are the import limits of the policy (catalog.ImportLimits, docs/
// import.md), copied here so that the readers need no catalog. A file past
// any of them is refused whole with the limit's reason code; the readers
// never hold more than about one row within the limits in memory.
type Limits struct {
	FileSize         int64
	CellSize         int64
	Columns          int
	Rows             int
	XLSXUnzippedSize int64
	XLSXRatio        int
	Sheets           int
}

// recordBytes bounds the raw bytes of one row (or JSON line) before it is
// split into cells: a row longer than cell size × columns breaks one of the
// two limits (it has more cells than allowed, or one of them is too long).
func (l Limits) recordBytes() int64 {
	if l.CellSize <= 0 || l.Columns <= 0 {
		return 0
	}
	// Quotes, separators and JSON keys take room too: allow 2x and 4 KiB.
	return 2*l.CellSize*int64(l.Columns) + 4096
}

// Source is an open provider file: a header and then rows until io.EOF.
type Source interface {
	// Header is the header row (frame.go: the first non-blank row, or the
	// row ReadOptions.Header finds), each cell trimmed of white space and of
	// a byte order mark. Matching to catalog field names happens elsewhere.
	Header() []string
	// Next returns the next non-blank row, or io.EOF after the last one. An
	// error that refuses the whole file is a *FileError.
	Next() (Row, error)
	Format() Format
	// Encoding is what was detected or used: "utf-8", "utf-8-bom",
	// "gb18030", "xlsx" or "jsonl".
	Encoding() string
	// SerialDates reports whether date cells may arrive as Excel serial
	// numbers (XLSX): see ExcelSerialToDate.
	SerialDates() bool
	Close() error
}

// Row is one data row.
//
// Cells is only valid until the next call of Next: readers reuse the slice
// so that a million-row import does not allocate one per row. The strings in
// it are immutable and may be kept; copy the slice (slices.Clone) to keep
// the row.
type Row struct {
	// Line is the physical row number the provider sees in Excel: row 1 is
	// the sheet's first row, whether it is the header or a title above it. In a CSV file a
	// quoted cell may span several physical lines and still count as one row;
	// blank rows are skipped but counted. In JSON Lines it is the line number.
	Line int
	// Cells are aligned with Header(): missing trailing cells are "", extra
	// cells beyond the header are kept for the validator to report.
	Cells []string
	// Problem, when set, rejects this row alone: bytes that are not text in
	// the file's encoding, control characters, or cells beyond the header.
	Problem *RowProblem
}

// RowProblem is what the reader found wrong with one row (reason codes
// encoding, control_character, extra_cells of docs/import.md).
type RowProblem struct {
	Reason string
	Field  string // the column's header name, or "第 N 列"
	Zh, En string
}

// Reasons of a *FileError. The first two are SPEC §H whole-file codes; the
// others are the reader's own.
const (
	ReasonEncoding      = "encoding"        // bytes that are not text in the file's encoding
	ReasonEmptyFile     = "empty_file"      // no bytes, or no header row
	ReasonUnknownColumn = "unknown_column"  // a JSON Lines key that the first object did not have
	ReasonFormat        = "format"          // broken CSV quoting, broken XLSX, invalid JSON, unsupported file type
	ReasonSheet         = "sheet"           // --sheet names a sheet the workbook does not have
	ReasonSheetChoice   = "sheet_ambiguous" // several sheets hold a matching header: --sheet must choose (a usage error)

	// Limits of the policy (import_limits): the file is refused whole.
	ReasonFileTooLarge   = "file_too_large"   // import_limits.file_size
	ReasonCellTooLarge   = "cell_too_large"   // import_limits.cell_size
	ReasonTooManyColumns = "too_many_columns" // import_limits.columns
	ReasonTooManyRows    = "too_many_rows"    // import_limits.rows
	ReasonTooManyRejects = "too_many_rejects" // import_limits.rejects
	ReasonXLSXTooLarge   = "xlsx_too_large"   // import_limits.xlsx_unzipped_size
	ReasonXLSXRatio      = "xlsx_ratio"       // import_limits.xlsx_ratio (a zip bomb)
	ReasonTooManySheets  = "too_many_sheets"  // import_limits.sheets

	// Row reasons the reader finds (the row alone is rejected).
	ReasonControlChar = "control_character" // NUL or another control character in a cell
	ReasonExtraCells  = "extra_cells"       // text in cells to the right of the header's last column
)

// FileError refuses the whole file. Zh and En name the file and, where there
// is one, the row; Line is that row (0 when none applies).
type FileError struct {
	Reason string
	Path   string
	Line   int
	Zh, En string
	Err    error // optional cause
}

func (e *FileError) Error() string { return e.Zh }

func (e *FileError) Unwrap() error { return e.Err }

// Message is the text for lang ("en" or anything else for Chinese).
func (e *FileError) Message(lang string) string {
	if lang == "en" && e.En != "" {
		return e.En
	}
	return e.Zh
}

func fileErr(reason, path string, line int, err error, zh, en string, args ...any) *FileError {
	return &FileError{
		Reason: reason, Path: path, Line: line, Err: err,
		Zh: fmt.Sprintf(zh, args...), En: fmt.Sprintf(en, args...),
	}
}

// FormatOf gives the format a file name implies, by extension.
func FormatOf(path string) (Format, bool) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv", ".txt":
		return FormatCSV, true
	case ".xlsx":
		return FormatXLSX, true
	case ".xls", ".et":
		return FormatXLS, true
	case ".jsonl", ".ndjson", ".json":
		return FormatJSONL, true
	}
	return "", false
}

// Open opens a provider file, choosing the reader by the file's extension
// (.csv, .txt → CSV; .xlsx → XLSX; .xls, .et → legacy Excel; .jsonl,
// .ndjson, .json → JSON Lines) and, for workbooks, by the first bytes (an
// OLE2 file is read as .xls, a zip as .xlsx, whichever the name says),
// and reads its header. I/O errors are returned wrapped; everything wrong
// with the file's content is a *FileError.
func Open(path string, opt ReadOptions) (Source, error) {
	src, err := open(path, opt)
	if err != nil {
		return nil, err
	}
	return limit(src, path, opt.Limits), nil
}

func open(path string, opt ReadOptions) (Source, error) {
	if lim := opt.Limits.FileSize; lim > 0 {
		if fi, err := os.Stat(path); err == nil && fi.Size() > lim {
			return nil, fileErr(ReasonFileTooLarge, path, 0, nil,
				"文件 %s 有 %s，超过文件大小上限 %s（import_limits.file_size）：请拆分为较小的文件分别报送",
				"file %s is %s, over the file size limit of %s (import_limits.file_size): split it into smaller files",
				path, humanSize(fi.Size()), humanSize(lim))
		}
	}
	format, ok := FormatOf(path)
	// A workbook is told by its first bytes, not its name: a .xls renamed
	// .xlsx (or the reverse) is read by the reader its content needs.
	if !ok || format == FormatXLSX || format == FormatXLS {
		sniffed, err := sniff(path)
		if err != nil {
			return nil, err
		}
		ext := strings.ToLower(filepath.Ext(path))
		switch {
		case sniffed != "":
			format, ok = sniffed, true
		case ext == ".xls" || ext == ".et":
			return nil, fileErr(ReasonFormat, path, 0, nil,
				"文件 %s 的扩展名是 %s，但内容不是 Excel 工作簿（常见于把网页或文本另存为 .xls）：请在 Excel 或 WPS 中打开后另存为 .xlsx 或 CSV（UTF-8）后再导入",
				"file %s is named %s but is not an Excel workbook (often a web page or text saved as .xls): open it in Excel or WPS and save it as .xlsx or CSV (UTF-8), then import again", path, ext)
		}
	}
	if !ok {
		ext := filepath.Ext(path)
		return nil, fileErr(ReasonFormat, path, 0, nil,
			"文件 %s 的类型 %q 不支持：请提供 .csv、.xlsx、.xls 或 .jsonl 文件",
			"file %s: type %q is not supported; provide a .csv, .xlsx, .xls or .jsonl file", path, ext)
	}
	switch format {
	case FormatXLS:
		return openXLS(path, opt)
	case FormatXLSX:
		return openXLSX(path, opt)
	case FormatJSONL:
		return openJSONL(path, opt)
	default:
		return openCSV(path, opt)
	}
}

// FileHash is the SHA-256 of the file's raw bytes in hex, by which the
// importer recognises the same file imported again (SPEC §F).
func FileHash(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("hash %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// trimHeader trims white space (including the full-width space) and byte
// order marks from a header cell.
func trimHeader(s string) string {
	return strings.TrimFunc(s, func(r rune) bool { return r == '\uFEFF' || unicode.IsSpace(r) })
}

// blank reports whether every cell is empty or white space.
func blank(cells []string) bool {
	for _, c := range cells {
		if c != "" && strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// pad extends cells with "" up to n, in *buf's storage when cells is short.
func pad(buf *[]string, cells []string, n int) []string {
	if len(cells) >= n {
		return cells
	}
	b := append((*buf)[:0], cells...)
	for len(b) < n {
		b = append(b, "")
	}
	*buf = b
	return b
}

// chooseSheet picks the worksheet a workbook import reads, by index into
// names: --sheet names it (Excel ignores case in sheet names); else, with
// several sheets and a header rule, the one whose header fits (issue 22,
// amends SPEC §5 "first sheet": several that fit are for --sheet to
// choose); else the first. fits(i) reports whether sheet i's header fits.
func chooseSheet(path string, names []string, opt ReadOptions, fits func(i int) (bool, error)) (int, error) {
	if opt.Sheet != "" {
		i := slices.Index(names, opt.Sheet)
		if i < 0 {
			i = slices.IndexFunc(names, func(n string) bool { return strings.EqualFold(n, opt.Sheet) })
		}
		if i < 0 {
			return 0, &FileError{
				Reason: ReasonSheet, Path: path,
				Zh: fmt.Sprintf("文件 %s 没有名为 %q 的工作表；工作表有：%s", path, opt.Sheet, strings.Join(names, "、")),
				En: fmt.Sprintf("file %s has no sheet named %q; its sheets are: %s", path, opt.Sheet, strings.Join(names, ", ")),
			}
		}
		return i, nil
	}
	if len(names) < 2 || opt.Header.Fits == nil {
		return 0, nil
	}
	var fit []int
	var fitNames []string
	for i := range names {
		ok, err := fits(i)
		if err != nil {
			return 0, err
		}
		if ok {
			fit, fitNames = append(fit, i), append(fitNames, names[i])
		}
	}
	switch {
	case len(fit) == 1:
		return fit[0], nil
	case len(fit) > 1:
		return 0, &FileError{
			Reason: ReasonSheetChoice, Path: path,
			Zh: fmt.Sprintf("文件 %s 有 %d 个工作表的表头都符合该信息项：%s；请用 --sheet 指定要导入的工作表", path, len(fit), strings.Join(fitNames, "、")),
			En: fmt.Sprintf("file %s has %d sheets whose header fits the item: %s; choose one with --sheet", path, len(fit), strings.Join(fitNames, ", ")),
		}
	}
	return 0, nil
}
