package ingest

import (
	"errors"
	"fmt"
	"io"
	"strings"
)

// limitedSource applies the limits every format shares (columns, cell size,
// rows) and marks rows the reader alone can judge: control characters and
// text beyond the header are rejected by row.
type limitedSource struct {
	Source
	path string
	lim  Limits
	rows int
}

func limit(src Source, path string, lim Limits) Source {
	return &limitedSource{Source: src, path: path, lim: lim}
}

func (s *limitedSource) Next() (Row, error) {
	row, err := s.Source.Next()
	if err != nil {
		return row, err
	}
	s.rows++
	if s.lim.Rows > 0 && s.rows > s.lim.Rows {
		return Row{}, fileErr(ReasonTooManyRows, s.path, row.Line, nil,
			"文件 %s 超过行数上限 %d 行（import_limits.rows，第 %d 行）：请拆分为较小的文件分别报送",
			"file %s has more than %d data rows, the row limit (import_limits.rows, row %d): split it into smaller files",
			s.path, s.lim.Rows, row.Line)
	}
	if err := checkCells(s.path, row.Line, row.Cells, s.lim); err != nil {
		return Row{}, err
	}
	if row.Problem == nil {
		row.Problem = s.rowProblem(row.Cells)
	}
	return row, nil
}

// checkCells refuses a row with more cells or a longer cell than allowed.
func checkCells(path string, line int, cells []string, lim Limits) error {
	if lim.Columns > 0 && len(cells) > lim.Columns {
		return fileErr(ReasonTooManyColumns, path, line, nil,
			"文件 %s 第 %d 行有 %d 列，超过列数上限 %d 列（import_limits.columns）：请删去多余的列",
			"file %s row %d has %d columns, over the column limit of %d (import_limits.columns): remove the extra columns",
			path, line, len(cells), lim.Columns)
	}
	if lim.CellSize > 0 {
		for i, c := range cells {
			if int64(len(c)) > lim.CellSize {
				return fileErr(ReasonCellTooLarge, path, line, nil,
					"文件 %s 第 %d 行第 %d 列的单元格有 %s，超过单元格上限 %s（import_limits.cell_size）：请检查该单元格",
					"file %s row %d column %d holds %s, over the cell limit of %s (import_limits.cell_size): check that cell",
					path, line, i+1, humanSize(int64(len(c))), humanSize(lim.CellSize))
			}
		}
	}
	return nil
}

func (s *limitedSource) rowProblem(cells []string) *RowProblem {
	header := s.Header()
	for i, c := range cells {
		if j := controlChar(c); j >= 0 {
			name := columnName(header, i)
			r := c[j]
			return &RowProblem{Reason: ReasonControlChar, Field: name,
				Zh: fmt.Sprintf("%s：含有控制字符 U+%04X（如 NUL），不是可见文本；请删除后重新报送", name, r),
				En: fmt.Sprintf("%s: holds the control character U+%04X (such as NUL), which is not text; remove it and resubmit", name, r)}
		}
	}
	for i := len(header); i < len(cells); i++ {
		if strings.TrimSpace(cells[i]) != "" {
			name := columnName(header, i)
			return &RowProblem{Reason: ReasonExtraCells, Field: name,
				Zh: fmt.Sprintf("%s：表头只有 %d 列，本行第 %d 列仍有内容；请检查是否多了分隔符或少了表头", name, len(header), i+1),
				En: fmt.Sprintf("%s: the header has %d columns but this row has text in column %d; check for a stray separator or a missing header", name, len(header), i+1)}
		}
	}
	return nil
}

// controlChar is the index of the first control character in s other than
// tab, line feed and carriage return (which cells may hold), or -1. C0
// controls and DEL only: their bytes never occur inside a UTF-8 sequence.
func controlChar(s string) int {
	for i := 0; i < len(s); i++ {
		b := s[i]
		if (b < 0x20 && b != '\t' && b != '\n' && b != '\r') || b == 0x7F {
			return i
		}
	}
	return -1
}

func columnName(header []string, i int) string {
	if i < len(header) && header[i] != "" {
		return header[i]
	}
	return fmt.Sprintf("第 %d 列", i+1)
}

// humanSize writes a byte count for a message: 2 GiB, 64 KiB, 1.5 MiB.
func humanSize(n int64) string {
	switch {
	case n >= 1<<30:
		return trimZero(fmt.Sprintf("%.1f", float64(n)/(1<<30))) + " GiB"
	case n >= 1<<20:
		return trimZero(fmt.Sprintf("%.1f", float64(n)/(1<<20))) + " MiB"
	case n >= 1<<10:
		return trimZero(fmt.Sprintf("%.1f", float64(n)/(1<<10))) + " KiB"
	}
	return fmt.Sprintf("%d 字节", n)
}

func trimZero(s string) string { return strings.TrimSuffix(s, ".0") }

// errRecordTooLong ends a read when one row's raw bytes pass the bound
// (Limits.recordBytes): the reader stops instead of buffering the rest.
var errRecordTooLong = errors.New("row longer than the import limits allow")

// guardReader counts the bytes read since the last reset and fails once
// they pass max (0: no bound). It sits under the text reader's buffer, so
// a row can hold at most max plus one buffer of bytes.
type guardReader struct {
	r   io.Reader
	n   int64
	max int64
}

func (g *guardReader) Read(p []byte) (int, error) {
	if g.max > 0 {
		if g.n >= g.max {
			return 0, errRecordTooLong
		}
		if rest := g.max - g.n; int64(len(p)) > rest {
			p = p[:rest]
		}
	}
	n, err := g.r.Read(p)
	g.n += int64(n)
	return n, err
}

func (g *guardReader) reset() { g.n = 0 }

// recordTooLongErr refuses a file whose row passed the raw-byte bound.
func recordTooLongErr(path string, line int, lim Limits) *FileError {
	return fileErr(ReasonCellTooLarge, path, line, errRecordTooLong,
		"文件 %s 第 %d 行过长：有单元格超过单元格上限 %s（import_limits.cell_size），或超过列数上限 %d 列（import_limits.columns）；请检查该行（常见原因：引号没有闭合）",
		"file %s row %d is too long: a cell is over the cell limit of %s (import_limits.cell_size) or the row over the column limit of %d (import_limits.columns); check that row (often an unclosed quote)",
		path, line, humanSize(lim.CellSize), lim.Columns)
}
