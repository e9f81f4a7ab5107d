package store

import (
	"context"
	"fmt"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"credit/internal/civil"
)

// BenchmarkShortWrite: one small write transaction (a row into meta and one
// into query_log_records' kind of table), sealed and not: what the seal hook
// adds to each short write such as a served lookup's query-log entry.
//
//	go test -run '^$' -bench ShortWrite ./internal/store/
func BenchmarkShortWrite(b *testing.B) {
	for _, sealed := range []bool{false, true} {
		b.Run(fmt.Sprintf("sealed=%v", sealed), func(b *testing.B) {
			ctx := context.Background()
			st, err := Open(ctx, filepath.Join(b.TempDir(), "b.db"), Options{Create: true})
			if err != nil {
				b.Fatal(err)
			}
			defer st.Close()
			if _, _, err := st.Migrate(ctx); err != nil {
				b.Fatal(err)
			}
			actor := Actor{Operator: "alice", Today: civil.MustParse("2026-11-02")}
			if sealed {
				if _, err := st.SealStore(ctx, actor, testKey); err != nil {
					b.Fatal(err)
				}
			}
			b.ResetTimer()
			cpu0 := cpuTime()
			defer func() { b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/float64(b.N), "cpu-µs/op") }()
			for i := 0; i < b.N; i++ {
				err := st.Write(ctx, actor, func(tx *Tx) error {
					_, err := tx.ExecContext(ctx, "INSERT INTO meta(key, value) VALUES (?, 'v')", fmt.Sprint("k", i))
					return err
				})
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkBulkWrite: 2,000 rows into a sealed table in one transaction (an
// import chunk's shape), not sealed, sealed on a short write's path
// (Store.Write) and sealed on a long job's Session (as imports run).
func BenchmarkBulkWrite(b *testing.B) {
	for _, mode := range []string{"plain", "sealed", "sealed-session"} {
		b.Run(mode, func(b *testing.B) {
			ctx := context.Background()
			st, err := Open(ctx, filepath.Join(b.TempDir(), "b.db"), Options{Create: true})
			if err != nil {
				b.Fatal(err)
			}
			defer st.Close()
			if _, _, err := st.Migrate(ctx); err != nil {
				b.Fatal(err)
			}
			actor := Actor{Operator: "alice", Today: civil.MustParse("2026-11-02")}
			if mode != "plain" {
				if _, err := st.SealStore(ctx, actor, testKey); err != nil {
					b.Fatal(err)
				}
			}
			write := st.Write
			if mode == "sealed-session" {
				se, err := st.Session(ctx)
				if err != nil {
					b.Fatal(err)
				}
				defer se.Close()
				write = se.Write
			}
			b.ResetTimer()
			cpu0 := cpuTime()
			defer func() { b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/float64(b.N), "cpu-µs/op") }()
			for i := 0; i < b.N; i++ {
				err := write(ctx, actor, func(tx *Tx) error {
					ins, err := tx.sessionStmt("INSERT INTO meta(key, value) VALUES (?, 'some value of a typical length for a record field')")
					if err != nil {
						return err
					}
					for j := 0; j < 2000; j++ {
						if _, err := ins.ExecContext(ctx, fmt.Sprint("k", i, "-", j)); err != nil {
							return err
						}
					}
					return nil
				})
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// cpuTime is this process's user+system CPU time: on a shared machine the
// wall time of a benchmark says more about the load than about the code.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkFirstWrite: a one-shot command's write (subject show logging its
// lookup): open the store, one small write transaction, close, sealed and
// not. What the seals add here is their per-connection set-up.
//
//	go test -run '^$' -bench FirstWrite ./internal/store/
func BenchmarkFirstWrite(b *testing.B) {
	for _, sealed := range []bool{false, true} {
		b.Run(fmt.Sprintf("sealed=%v", sealed), func(b *testing.B) {
			ctx := context.Background()
			path := filepath.Join(b.TempDir(), "b.db")
			st, err := Open(ctx, path, Options{Create: true})
			if err != nil {
				b.Fatal(err)
			}
			if _, _, err := st.Migrate(ctx); err != nil {
				b.Fatal(err)
			}
			actor := Actor{Operator: "alice", Today: civil.MustParse("2026-11-02")}
			if sealed {
				if _, err := st.SealStore(ctx, actor, testKey); err != nil {
					b.Fatal(err)
				}
			}
			st.Close()
			b.ResetTimer()
			cpu0 := cpuTime()
			defer func() { b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/float64(b.N), "cpu-µs/op") }()
			for i := 0; i < b.N; i++ {
				st, err := Open(ctx, path, Options{})
				if err != nil {
					b.Fatal(err)
				}
				if sealed {
					if err := st.UseKey(ctx, testKey); err != nil {
						b.Fatal(err)
					}
				}
				err = st.Write(ctx, actor, func(tx *Tx) error {
					_, err := tx.ExecContext(ctx, "INSERT INTO meta(key, value) VALUES (?, 'v')", fmt.Sprint("k", i))
					return err
				})
				if err != nil {
					b.Fatal(err)
				}
				st.Close()
			}
		})
	}
}
