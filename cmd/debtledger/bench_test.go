package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/debtledger/debtledger/debt"
)

// BenchmarkScale runs the real binary, as a user would, over synthetic
// national-scale ledgers (debt.Synthesize: 3,001 units, every event type).
// Sizes come from DEBTLEDGER_BENCH_SIZES (default 10000,100000); for the
// README's table:
//
//	DEBTLEDGER_BENCH_SIZES=10000,100000,1000000 go test ./cmd/debtledger -run '^$' -bench Scale -benchtime 3x
//
// Each operation is one whole process; peak memory is the child's maximum
// resident set.
func BenchmarkScale(b *testing.B) {
	sizes := os.Getenv("DEBTLEDGER_BENCH_SIZES")
	if sizes == "" {
		sizes = "10000,100000"
	}
	for _, s := range strings.Split(sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil {
			b.Fatal(err)
		}
		dir := b.TempDir()
		file := filepath.Join(dir, "events.jsonl")
		f, err := os.Create(file)
		if err != nil {
			b.Fatal(err)
		}
		if err := debt.Synthesize(f, n, 1); err != nil {
			b.Fatal(err)
		}
		f.Close()
		db := filepath.Join(dir, "l.db")
		fresh := func() {
			os.Remove(db)
			mustRun(b, "--db", db, "init")
		}
		b.Run(fmt.Sprintf("import/%d", n), func(b *testing.B) {
			var peak int64
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				fresh()
				b.StartTimer()
				peak = max(peak, mustRun(b, "--db", db, "import", file))
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
			b.ReportMetric(float64(peak)/1024, "peak-MB")
			if st, err := os.Stat(db); err == nil {
				b.ReportMetric(float64(st.Size())/float64(n), "bytes/entry")
			}
		})
		queries := []struct {
			name string
			args []string
		}{
			{"balance", []string{"balance", "--as-of", "2019-06-30"}},
			{"balance-county", []string{"balance", "--unit", "P07C042", "--as-of", "2019-06-30"}},
			{"verify", []string{"verify"}},
			{"check", []string{"check"}},
			{"schedule-root-30y", []string{"schedule", "--as-of", "2019-06-30", "--to", "2049-12-31", "--by", "year"}},
			{"report", []string{"report", "--from", "2019-01-01", "--to", "2019-06-30"}},
			{"statement-county", []string{"statement", "--unit", "P07C042", "--period", "2019-03"}},
			{"statement-subtree", []string{"statement", "--unit", "P07", "--period", "2019-03", "--scope", "subtree"}},
			{"reconcile-county-xlsx", []string{"reconcile", "--unit", "P07C042", "--period", "2019-03", "--statement", filepath.Join(dir, "county.xlsx")}},
			{"reconcile-subtree-csv", []string{"reconcile", "--unit", "P07", "--period", "2019-03", "--scope", "subtree", "--statement", filepath.Join(dir, "subtree.csv")}},
		}
		// The statements a county and a prefecture send back, unchanged.
		mustRun(b, "--db", db, "statement", "--unit", "P07C042", "--period", "2019-03", "--out", filepath.Join(dir, "county.xlsx"))
		mustRun(b, "--db", db, "statement", "--unit", "P07", "--period", "2019-03", "--scope", "subtree", "--out", filepath.Join(dir, "subtree.csv"))
		for _, q := range queries {
			b.Run(fmt.Sprintf("%s/%d", q.name, n), func(b *testing.B) {
				var peak int64
				for i := 0; i < b.N; i++ {
					peak = max(peak, mustRun(b, append([]string{"--db", db}, q.args...)...))
				}
				b.ReportMetric(float64(peak)/1024, "peak-MB")
			})
		}
	}
}

// mustRun runs debtledger and returns its peak resident set in KiB.
func mustRun(b *testing.B, args ...string) int64 {
	b.Helper()
	cmd := exec.Command("debtledger", args...)
	start := time.Now()
	out, err := cmd.CombinedOutput()
	if err != nil {
		b.Fatalf("debtledger %v: %v after %v: %s", args, err, time.Since(start), tail(out))
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		return ru.Maxrss
	}
	return 0
}

func tail(out []byte) string {
	s := string(out)
	if len(s) > 400 {
		s = s[len(s)-400:]
	}
	return s
}
