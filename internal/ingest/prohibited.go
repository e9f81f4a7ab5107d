package ingest

import (
	"fmt"

	"credit/internal/catalog"
)

// prohibitedColumn is the whole-file refusal of 第十四条: a column whose name
// is prohibited information (catalog.Catalog.ProhibitedHeader judges it by
// meaning when it is about natural persons). Nothing of the file is stored,
// not even with --ignore-unknown: the provider must remove the column.
func prohibitedColumn(file string, col int, header string, hit catalog.Hit) *FileError {
	return &FileError{Reason: "prohibited_field", Line: 1,
		Zh: fmt.Sprintf("%s：第 %d 列“%s”含有%s，整个文件不予接收，未存储任何内容；请信息提供单位删除该列后重新报送",
			file, col+1, header, hit.Zh()),
		En: fmt.Sprintf("%s: column %d %q names %s; the whole file is refused and nothing was stored: the provider must remove the column and send the file again",
			file, col+1, header, hit.En())}
}
