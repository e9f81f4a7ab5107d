// Command servebench is scripts/bench_serve.sh's load client: C clients
// look up random codes from a file through credit serve's API for D seconds
// and it prints lookups/s and p50/p99.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"slices"
	"sync"
	"time"
)

func main() {
	base := flag.String("url", "http://127.0.0.1:8080", "server")
	token := flag.String("token", "", "API token")
	codesFile := flag.String("codes", "", "file of codes, one a line")
	clients := flag.Int("c", 1, "clients")
	dur := flag.Duration("d", 10*time.Second, "duration")
	flag.Parse()
	f, err := os.Open(*codesFile)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	var codes []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		codes = append(codes, sc.Text())
	}
	var mu sync.Mutex
	var lat []time.Duration
	fails := 0
	end := time.Now().Add(*dur)
	var wg sync.WaitGroup
	start := time.Now()
	for range *clients {
		wg.Go(func() {
			cl := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
			for time.Now().Before(end) {
				req, _ := http.NewRequest("GET", *base+"/api/v1/subjects/"+codes[rand.IntN(len(codes))]+"?purpose=bench", nil)
				req.Header.Set("Authorization", "Bearer "+*token)
				t0 := time.Now()
				resp, err := cl.Do(req)
				ok := err == nil && resp.StatusCode == 200
				if err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				d := time.Since(t0)
				mu.Lock()
				if ok {
					lat = append(lat, d)
				} else {
					fails++
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	el := time.Since(start)
	slices.Sort(lat)
	if len(lat) == 0 {
		fmt.Printf("clients=%d: no successful lookups (%d failed)\n", *clients, fails)
		os.Exit(1)
	}
	fmt.Printf("api clients=%-3d lookups=%-6d failed=%d  %.0f lookups/s  p50 %.1f ms  p99 %.1f ms\n", *clients, len(lat), fails,
		float64(len(lat))/el.Seconds(), ms(lat[len(lat)/2]), ms(lat[len(lat)*99/100]))
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
