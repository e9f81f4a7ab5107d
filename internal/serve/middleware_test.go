package serve

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// The request timeout and the access log's status, our own few lines in
// place of chi's middleware package: a handler that gives up at the
// deadline without answering is answered 504; a handler's own status is
// what the log shows; an answer written is never overwritten.
func TestTimeoutAndAccessLogStatus(t *testing.T) {
	var log bytes.Buffer
	a := &API{Timeout: 20 * time.Millisecond, Log: &log}
	mux := http.NewServeMux()
	mux.HandleFunc("/wait", func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
	mux.HandleFunc("/teapot", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusTeapot) })
	mux.HandleFunc("/late", func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
		writeError(w, http.StatusServiceUnavailable, "timeout", "超时", "timed out")
	})
	mux.HandleFunc("/ok", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("x")) })
	srv := httptest.NewServer(a.accessLog(a.timeout(mux)))
	defer srv.Close()
	for path, want := range map[string]int{"/wait": 504, "/teapot": 418, "/late": 503, "/ok": 200} {
		res, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != want {
			t.Errorf("%s: status %d, want %d", path, res.StatusCode, want)
		}
	}
	srv.Close() // waits for the handlers, which log after answering
	for _, want := range []string{"GET - 504 ", "GET - 418 ", "GET - 503 ", "GET - 200 "} {
		if !strings.Contains(log.String(), want) {
			t.Errorf("access log lacks %q:\n%s", want, log.String())
		}
	}
}
