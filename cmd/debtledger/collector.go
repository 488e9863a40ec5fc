package main

import (
	"os"
	"runtime/debug"
)

// tuneCollector sets the garbage collector for a command that keeps most
// of what it allocates to its end (an import, a replay, a query over many
// units): it collects lazily (gcPercent), within the soft memory limit
// that limitOf gives for the ledger file's size. The returned func
// restores the previous settings.
func tuneCollector(db string, gcPercent int, limitOf func(ledgerSize int64) int64) (restore func()) {
	var size int64
	if st, err := os.Stat(db); err == nil {
		size = st.Size()
	}
	oldPercent := debug.SetGCPercent(gcPercent)
	oldLimit := debug.SetMemoryLimit(limitOf(size))
	return func() {
		debug.SetGCPercent(oldPercent)
		debug.SetMemoryLimit(oldLimit)
	}
}

// replayLimit is the limit of a command that replays the journal or
// loads many units: it holds about twice the file, and a limit below
// that makes the collector run without pause (`check` of a 5M-entry
// ledger took 110 s against 1 GiB, 54 s against 6 GiB).
func replayLimit(ledgerSize int64) int64 { return 1<<30 + 2*ledgerSize }

// importLimit keeps an import within 1.5 GiB of memory: the heap's limit
// is 1.4 GiB, less room for the ledger's own pages that the commit reads
// through bbolt's map (the ids index it inserts into, about a sixth of the
// file: 0.26 GB for a fifth 1M file into 5M entries), which count
// against the process too. Measured on that file: peak 1.60 GB with the
// heap at 1.17 GiB, 1.64 GB at 1.3 GiB; with the limit growing with the
// file, as before, 2.7 GB. A tight limit costs that file 25 s rather
// than 17 s; a monthly import of 10,000 lines into 5M entries it costs
// nothing (8 s, as against 14 s and 2.4 GB), as what it loads is far
// below the limit.
func importLimit(ledgerSize int64) int64 { return max(1400<<20-ledgerSize/6, 1<<30) }
