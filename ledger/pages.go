package ledger

import (
	"encoding/binary"
	"fmt"
	"os"

	bolt "go.etcd.io/bbolt"
)

// bbolt follows page numbers from a bucket's root down its B+tree
// recursively and without checking them: a damaged branch page that points
// back at itself or an ancestor sends it into endless recursion, a stack
// overflow that no recover catches (the process dies with a Go stack
// trace), or into a loop. So when a ledger is opened, each bucket's tree is
// walked here first, from the file itself: every page a branch points to
// must lie inside the file, be referenced once, say it is that page, and be
// a branch or a leaf. That reads every page's header, so it is done only
// when asked (Options.CheckPages).

// The parts of bbolt's page format the walk reads (bbolt's
// internal/common/page.go; bbolt writes them in the machine's byte order).
const (
	pageHeaderSize   = 16 // id uint64, flags uint16, count uint16, overflow uint32
	branchElemSize   = 16 // pos uint32, ksize uint32, pgid uint64
	branchPageFlag   = 0x01
	leafPageFlag     = 0x02
	maxTreeDepth     = 64 // far beyond any real tree (a billion keys need 8)
	pageHeaderFlagAt = 8
)

// walkPages walks the trees of the named buckets; f is the ledger file.
func walkPages(tx *bolt.Tx, f *os.File, pageSize int, buckets ...[]byte) error {
	pages := uint64(tx.Size()) / uint64(pageSize)
	seen := make([]uint64, pages/64+1) // a bit per page
	mark := func(id uint64) bool {
		w, bit := id/64, uint64(1)<<(id%64)
		first := seen[w]&bit == 0
		seen[w] |= bit
		return first
	}
	buf := make([]byte, pageSize)
	walk := func(name []byte, root uint64) error {
		if root == 0 {
			return nil // an inline bucket: its page is inside its parent's leaf
		}
		type visit struct{ id, depth uint64 }
		stack := []visit{{root, 0}}
		for len(stack) > 0 {
			v := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			switch {
			case v.id < 2 || v.id >= pages:
				return fmt.Errorf("bucket %q: page %d is outside the file (%d pages)", name, v.id, pages)
			case !mark(v.id):
				return fmt.Errorf("bucket %q: page %d is referenced twice (a loop in the tree?)", name, v.id)
			case v.depth > maxTreeDepth:
				return fmt.Errorf("bucket %q: tree deeper than %d pages", name, maxTreeDepth)
			}
			if _, err := f.ReadAt(buf[:pageHeaderSize], int64(v.id)*int64(pageSize)); err != nil {
				return fmt.Errorf("bucket %q: page %d: %v", name, v.id, err)
			}
			id := binary.NativeEndian.Uint64(buf)
			flags := binary.NativeEndian.Uint16(buf[pageHeaderFlagAt:])
			count := int(binary.NativeEndian.Uint16(buf[pageHeaderFlagAt+2:]))
			overflow := uint64(binary.NativeEndian.Uint32(buf[pageHeaderFlagAt+4:]))
			switch {
			case id != v.id:
				return fmt.Errorf("bucket %q: page %d says it is page %d", name, v.id, id)
			case v.id+overflow >= pages:
				return fmt.Errorf("bucket %q: page %d runs past the end of the file", name, v.id)
			}
			for o := uint64(1); o <= overflow; o++ {
				if !mark(v.id + o) {
					return fmt.Errorf("bucket %q: page %d overlaps another page", name, v.id+o)
				}
			}
			switch {
			case flags == leafPageFlag:
				continue
			case flags != branchPageFlag:
				return fmt.Errorf("bucket %q: page %d is neither a branch nor a leaf (flags %#x)", name, v.id, flags)
			}
			size := pageHeaderSize + count*branchElemSize
			if size > int(overflow+1)*pageSize {
				return fmt.Errorf("bucket %q: branch page %d claims %d elements, more than it holds", name, v.id, count)
			}
			if len(buf) < size {
				buf = make([]byte, size)
			}
			if _, err := f.ReadAt(buf[:size], int64(v.id)*int64(pageSize)); err != nil {
				return fmt.Errorf("bucket %q: page %d: %v", name, v.id, err)
			}
			for i := range count {
				child := binary.NativeEndian.Uint64(buf[pageHeaderSize+i*branchElemSize+8:])
				stack = append(stack, visit{child, v.depth + 1})
			}
		}
		return nil
	}
	// The root bucket, which holds the others' headers, first: tx.Bucket
	// searches it.
	if err := walk([]byte("root"), uint64(tx.Cursor().Bucket().Root())); err != nil {
		return err
	}
	for _, name := range buckets {
		if b := tx.Bucket(name); b != nil { // buckets() reports a missing one
			if err := walk(name, uint64(b.Root())); err != nil {
				return err
			}
		}
	}
	return nil
}
