//go:generate go run ../../scripts/gendiagrams -root ../..

package queue

import (
	"fmt"
	"strings"
)

// EmbedDiagram puts m's diagram (Machine.Diagram, Chinese) into doc between
// the lines <!-- workflow:NAME:begin --> and <!-- workflow:NAME:end -->
// (NAME = m.Queue), with the guards listed under it. go generate writes the
// docs with it; a test fails when a doc differs from what it would write.
func EmbedDiagram(doc string, m *Machine) (string, error) {
	begin := fmt.Sprintf("<!-- workflow:%s:begin -->\n", m.Queue)
	end := fmt.Sprintf("<!-- workflow:%s:end -->", m.Queue)
	i, j := strings.Index(doc, begin), strings.Index(doc, end)
	if i < 0 || j < i {
		return "", fmt.Errorf("the doc has no %q … %q block", strings.TrimSpace(begin), end)
	}
	var b strings.Builder
	b.WriteString("<!-- 由 go generate ./internal/queue/ 从状态表生成，请勿手改 / generated from the table: do not edit -->\n")
	b.WriteString(m.Diagram("zh"))
	if rows := m.GuardRows(); len(rows) > 0 {
		b.WriteString("\n标 `*` 的办理另有条件（守卫），不满足时拒绝（退出码 5）并说明依据：\n\n| 命令 | 适用的起始状态 | 依据 |\n|---|---|---|\n")
		for _, r := range rows {
			fmt.Fprintf(&b, "| `%s` | %s | %s |\n", r[0], r[1], r[2])
		}
	}
	return doc[:i+len(begin)] + b.String() + doc[j:], nil
}
