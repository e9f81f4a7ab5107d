// Command gendocs writes docs/cli.md, the CLI reference, from the command
// tree (internal/cli.Reference). Run it after changing a command:
//
//	go run ./scripts/gendocs
package main

import (
	"fmt"
	"os"

	"credit/internal/cli"
)

func main() {
	if err := os.WriteFile("docs/cli.md", []byte(cli.Reference()), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
