// Command debtledger is a tamper-evident, append-only ledger of government
// debt: quotas, limits, bonds, on-lending, repayment, projects and hidden
// debt, with an invariant checker. See README.md and SPEC.md.
package main

import (
	"os"
	"runtime"
	"runtime/pprof"
)

func main() {
	// DEBTLEDGER_CPUPROFILE=FILE writes a CPU profile, for the benchmarks.
	if path := os.Getenv("DEBTLEDGER_CPUPROFILE"); path != "" {
		if f, err := os.Create(path); err == nil {
			_ = pprof.StartCPUProfile(f)
			code := run(os.Args, os.Stdin, os.Stdout, os.Stderr)
			pprof.StopCPUProfile()
			f.Close()
			os.Exit(code)
		}
	}
	os.Exit(run(os.Args, os.Stdin, os.Stdout, os.Stderr))
}

// writeHeapProfile is DEBTLEDGER_MEMPROFILE's: the heap at the end of a
// write, before the transaction commits.
func writeHeapProfile(path string) {
	// A profile shows the heap as of the last collection: collect now, so
	// that it is the live heap at this point.
	runtime.GC()
	if f, err := os.Create(path); err == nil {
		_ = pprof.WriteHeapProfile(f)
		f.Close()
	}
}
