package cli

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// Reference renders the CLI reference (docs/cli.md) from the command tree
// itself, so the documentation cannot drift from the commands: a test checks
// that the committed file equals this text (regenerate with
// `go run ./scripts/gendocs`).
func Reference() string {
	app := &App{IO: IO{Getenv: func(string) string { return "" }}, ctx: context.Background()}
	root := newRoot(app)
	var b strings.Builder
	b.WriteString("# credit 命令参考 / CLI reference\n\n")
	b.WriteString("由命令树自动生成（`go run ./scripts/gendocs`），请勿手工编辑。Generated from the command tree; do not edit.\n\n")
	b.WriteString("## 全局参数 / global flags\n\n")
	writeFlags(&b, root.PersistentFlags())
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		subs := c.Commands()
		sort.Slice(subs, func(i, j int) bool { return subs[i].Name() < subs[j].Name() })
		for _, s := range subs {
			if s.Hidden || s.Name() == "help" || s.Name() == "completion" {
				continue
			}
			writeCommand(&b, s)
			walk(s)
		}
	}
	walk(root)
	return b.String()
}

func writeCommand(b *strings.Builder, c *cobra.Command) {
	fmt.Fprintf(b, "## %s\n\n", c.CommandPath())
	if c.Short != "" {
		fmt.Fprintf(b, "%s\n\n", c.Short)
	}
	if c.Runnable() {
		fmt.Fprintf(b, "```\n%s\n```\n\n", c.UseLine())
	}
	if c.Long != "" {
		fmt.Fprintf(b, "%s\n\n", strings.TrimSpace(c.Long))
	}
	if c.Example != "" {
		fmt.Fprintf(b, "示例 / examples:\n\n```\n%s\n```\n\n", c.Example)
	}
	writeFlags(b, c.LocalNonPersistentFlags())
}

func writeFlags(b *strings.Builder, fs *pflag.FlagSet) {
	var rows []string
	fs.VisitAll(func(f *pflag.Flag) {
		if f.Hidden || f.Name == "help" {
			return
		}
		name := "--" + f.Name
		if f.Shorthand != "" {
			name = "-" + f.Shorthand + ", " + name
		}
		def := ""
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "[]" && f.DefValue != "0" {
			def = "（默认 default `" + f.DefValue + "`）"
		}
		rows = append(rows, fmt.Sprintf("| `%s` | %s%s |", name, strings.ReplaceAll(f.Usage, "|", "\\|"), def))
	})
	if len(rows) == 0 {
		return
	}
	b.WriteString("| 参数 flag | 说明 |\n|---|---|\n")
	b.WriteString(strings.Join(rows, "\n"))
	b.WriteString("\n\n")
}
