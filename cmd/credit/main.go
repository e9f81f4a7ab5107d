// Command credit is the working tool of a city's public credit information office.
package main

import (
	"os"

	"credit/internal/cli"
)

func main() { os.Exit(cli.Main(os.Args[1:], cli.Stdio())) }
