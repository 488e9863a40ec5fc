package ledger

import (
	"os"
	"syscall"
	"unsafe"

	bolt "go.etcd.io/bbolt"
)

// releaseMapped drops the pages under v, a value read through bbolt's
// map of the file (by tx) and already copied, from this process's
// resident set. A write into a national ledger reads every unit's cached
// record: left mapped, those pages counted a quarter of a gigabyte
// against the process's memory for nothing. The map is read-only and
// shared, so the pages stay in the kernel's page cache and a later read of
// them (by any goroutine) faults them back in; nothing can be lost. A
// value that is not in the map (one put in this very write transaction
// lives on the heap) is left alone: dropping heap pages would zero them.
func releaseMapped(tx *bolt.Tx, v []byte) {
	size := uintptr(os.Getpagesize())
	if uintptr(len(v)) < 2*size {
		return // holds no whole page, or one: not worth a system call
	}
	base := unsafe.Pointer(unsafe.SliceData(v))
	start := uintptr(base)
	end := start + uintptr(len(v))
	mapStart := tx.DB().Info().Data
	if start < mapStart || end > mapStart+uintptr(tx.Size()) {
		return
	}
	// Only whole pages inside v: a page it shares with a neighbour is left.
	first, last := (start+size-1)&^(size-1), end&^(size-1)
	if last <= first {
		return
	}
	_ = syscall.Madvise(unsafe.Slice((*byte)(unsafe.Add(base, first-start)), last-first), syscall.MADV_DONTNEED)
}
