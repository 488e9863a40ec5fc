package main

import (
	"os"
	"runtime/debug"
)

// tuneCollector sets the garbage collector for a command that keeps most
// of what it allocates to its end (an import, a replay, a query over many
// units): it collects lazily (gcPercent), within a soft memory limit of
// 1 GiB plus perByte for each byte of the ledger file, and at least floor.
// A limit below what such a command must hold makes the collector run
// without pause (`check` of a 5M-entry ledger took 110 s against 1 GiB,
// 54 s against 6 GiB); one far above it lets the heap grow to gcPercent
// over what is live. A replay holds about twice the file. A write loads
// the cached records of the units it touches: for a sixth 1M file into 5M
// entries, perByte 0.5 took 52 s and 3.4 GB, 1 took 42 s and 3.5 GB, 2
// took 36 s and 4.8 GB. largePercent replaces gcPercent when the ledger's
// size, not the floor, sets the limit (-1: collect only at the limit). The
// returned func restores the previous settings.
func tuneCollector(db string, gcPercent, largePercent int, floor int64, perByte float64) (restore func()) {
	limit := int64(1 << 30)
	if st, err := os.Stat(db); err == nil {
		limit += int64(perByte * float64(st.Size()))
	}
	if limit > floor {
		gcPercent = largePercent
	}
	limit = max(limit, floor)
	oldPercent := debug.SetGCPercent(gcPercent)
	oldLimit := debug.SetMemoryLimit(limit)
	return func() {
		debug.SetGCPercent(oldPercent)
		debug.SetMemoryLimit(oldLimit)
	}
}
