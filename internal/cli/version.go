package cli

import (
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"

	"credit/internal/store"
	"credit/internal/tabular"
)

// Version is set at build time with -ldflags "-X credit/internal/cli.Version=...".
var Version = "dev"

func init() { registerNoun("version", newVersionCmd) }

func newVersionCmd(app *App) *cobra.Command {
	return &cobra.Command{
		Use:     "version",
		Short:   "显示版本 / show the version",
		Args:    noArgs,
		Example: example("credit version", "credit version --format json"),
		RunE: func(c *cobra.Command, _ []string) error {
			rev := ""
			if bi, ok := debug.ReadBuildInfo(); ok {
				for _, s := range bi.Settings {
					if s.Key == "vcs.revision" {
						rev = s.Value
					}
				}
			}
			v := map[string]any{"version": Version, "schema": store.SchemaVersion(), "go": runtime.Version(), "revision": rev}
			if app.JSON() {
				return app.Print(&tabular.Table{JSON: v})
			}
			app.Println("credit " + Version + " (schema " + itoa(store.SchemaVersion()) + ", " + runtime.Version() + ")")
			return nil
		},
	}
}
