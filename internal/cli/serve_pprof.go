//go:build pprof

package cli

import (
	"net/http"
	_ "net/http/pprof"
	"os"
)

// A profiling build (go build -tags pprof) serves net/http/pprof on
// $CREDIT_PPROF (e.g. 127.0.0.1:6060) for scripts/bench_serve.sh PROFILE=1.
// Release builds hold none of it.
func init() {
	if addr := os.Getenv("CREDIT_PPROF"); addr != "" {
		go http.ListenAndServe(addr, nil)
	}
}
