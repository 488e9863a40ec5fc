package ledger

import (
	"encoding/binary"
	"fmt"
	"os"

	bolt "go.etcd.io/bbolt"
)

// bbolt reads the list of free pages when it opens a file for writing, and
// trusts it: a damaged count makes it allocate without bound (a fatal
// "out of memory", with a Go stack trace), and a page of a live tree
// listed as free would be handed out again and overwritten by the next
// write. So before a write (and in verify and check, which walk every
// tree anyway) the list is read here and checked against the trees' pages.

// The parts of bbolt's free-page list read here (bbolt's
// internal/common/page.go).
const (
	freelistPageFlag = 0x10
	noFreelist       = ^uint64(0)
)

// checkFreelist checks the free-page list of the meta page tx reads:
// inside the file, sized as it says, naming only pages inside the file
// and none that used, the pages of the trees, holds (if it is not nil).
func checkFreelist(tx *bolt.Tx, f *os.File, pageSize int, used pageSet) error {
	freelist, highWater, ok, err := activeMeta(tx, f, pageSize)
	if err != nil || !ok || freelist == noFreelist {
		return err
	}
	pages := uint64(tx.Size()) / uint64(pageSize)
	if freelist < 2 || freelist >= min(pages, highWater) {
		return fmt.Errorf("free-page list: page %d is outside the file", freelist)
	}
	var head [pageHeaderSize + 8]byte
	if _, err := f.ReadAt(head[:], int64(freelist)*int64(pageSize)); err != nil {
		return fmt.Errorf("free-page list: page %d: %v", freelist, err)
	}
	flags := binary.NativeEndian.Uint16(head[pageHeaderFlagAt:])
	count := uint64(binary.NativeEndian.Uint16(head[pageHeaderFlagAt+2:]))
	overflow := uint64(binary.NativeEndian.Uint32(head[pageHeaderFlagAt+4:]))
	first := uint64(pageHeaderSize)
	if count == 0xFFFF { // the real count is the first element
		count, first = binary.NativeEndian.Uint64(head[pageHeaderSize:]), first+8
	}
	switch {
	case binary.NativeEndian.Uint64(head[:]) != freelist:
		return fmt.Errorf("free-page list: page %d says it is page %d", freelist, binary.NativeEndian.Uint64(head[:]))
	case flags != freelistPageFlag:
		return fmt.Errorf("free-page list: page %d is not a free-page list (flags %#x)", freelist, flags)
	case freelist+overflow >= pages:
		return fmt.Errorf("free-page list: page %d runs past the end of the file", freelist)
	case count > ((overflow+1)*uint64(pageSize)-first)/8:
		return fmt.Errorf("free-page list: page %d claims %d pages, more than it holds", freelist, count)
	}
	for p := freelist; p <= freelist+overflow && used != nil; p++ {
		if used.has(p) {
			return fmt.Errorf("free-page list: its page %d is also part of a tree", p)
		}
	}
	ids := make([]byte, count*8)
	if _, err := f.ReadAt(ids, int64(freelist)*int64(pageSize)+int64(first)); err != nil {
		return fmt.Errorf("free-page list: page %d: %v", freelist, err)
	}
	for i := uint64(0); i < count; i++ {
		id := binary.NativeEndian.Uint64(ids[i*8:])
		switch {
		case id < 2 || id >= pages:
			return fmt.Errorf("free-page list: lists page %d, outside the file", id)
		case used != nil && used.has(id):
			return fmt.Errorf("free-page list: lists page %d, which the ledger's trees use", id)
		}
	}
	return nil
}

// activeMeta reads, of the two header pages, the one tx was opened on (its
// transaction id is tx's): its free-page list's page and its high-water
// page number. ok is false if neither matches, which bbolt would not
// have opened.
func activeMeta(tx *bolt.Tx, f *os.File, pageSize int) (freelist, highWater uint64, ok bool, err error) {
	metas, err := readMetas(f, pageSize)
	if err != nil {
		return 0, 0, false, err
	}
	for _, m := range metas {
		if m.sound && m.txid == uint64(tx.ID()) {
			return m.freelist, m.highWater, true, nil
		}
	}
	return 0, 0, false, nil
}
