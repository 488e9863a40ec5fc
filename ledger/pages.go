package ledger

import (
	"bytes"
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

// pageSet has a bit per page of the file.
type pageSet []uint64

func (s pageSet) has(id uint64) bool { return s[id/64]&(1<<(id%64)) != 0 }

// walkPages walks the trees of the named buckets; f is the ledger file.
// It returns the pages the trees use.
func walkPages(tx *bolt.Tx, f *os.File, pageSize int, buckets ...[]byte) (pageSet, error) {
	pages := uint64(tx.Size()) / uint64(pageSize)
	seen := make(pageSet, pages/64+1)
	mark := func(id uint64) bool {
		first := !seen.has(id)
		seen[id/64] |= 1 << (id % 64)
		return first
	}
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
			leaf, count, overflow, err := treePage(f, pageSize, pages, v.id)
			if err != nil {
				return fmt.Errorf("bucket %q: %v", name, err)
			}
			for o := uint64(1); o <= overflow; o++ {
				if !mark(v.id + o) {
					return fmt.Errorf("bucket %q: page %d overlaps another page", name, v.id+o)
				}
			}
			if leaf {
				continue
			}
			elems, err := readBranch(f, pageSize, v.id, overflow, count)
			if err != nil {
				return fmt.Errorf("bucket %q: %v", name, err)
			}
			for _, e := range elems {
				stack = append(stack, visit{e.child, v.depth + 1})
			}
		}
		return nil
	}
	// The root bucket, which holds the others' headers, first: tx.Bucket
	// searches it.
	if err := walk([]byte("root"), uint64(tx.Cursor().Bucket().Root())); err != nil {
		return nil, err
	}
	for _, name := range buckets {
		if b := tx.Bucket(name); b != nil { // buckets() reports a missing one
			if err := walk(name, uint64(b.Root())); err != nil {
				return nil, err
			}
		}
	}
	return seen, nil
}

// treePage reads the header of page id of a tree, in a file of pages
// pages: it must say it is that page, end inside the file, and be a leaf
// or a branch (count elements, overflow pages after it).
func treePage(f *os.File, pageSize int, pages, id uint64) (leaf bool, count int, overflow uint64, err error) {
	var head [pageHeaderSize]byte
	if _, err := f.ReadAt(head[:], int64(id)*int64(pageSize)); err != nil {
		return false, 0, 0, fmt.Errorf("page %d: %v", id, err)
	}
	flags := binary.NativeEndian.Uint16(head[pageHeaderFlagAt:])
	count = int(binary.NativeEndian.Uint16(head[pageHeaderFlagAt+2:]))
	overflow = uint64(binary.NativeEndian.Uint32(head[pageHeaderFlagAt+4:]))
	switch said := binary.NativeEndian.Uint64(head[:]); {
	case said != id:
		return false, 0, 0, fmt.Errorf("page %d says it is page %d", id, said)
	case id+overflow >= pages:
		return false, 0, 0, fmt.Errorf("page %d runs past the end of the file", id)
	case flags != leafPageFlag && flags != branchPageFlag:
		return false, 0, 0, fmt.Errorf("page %d is neither a branch nor a leaf (flags %#x)", id, flags)
	}
	return flags == leafPageFlag, count, overflow, nil
}

// readBranch reads the elements of branch page id (see branchElems).
func readBranch(f *os.File, pageSize int, id, overflow uint64, count int) ([]branchElem, error) {
	page := make([]byte, int(overflow+1)*pageSize)
	if _, err := f.ReadAt(page, int64(id)*int64(pageSize)); err != nil {
		return nil, fmt.Errorf("page %d: %v", id, err)
	}
	elems, err := branchElems(page, count)
	if err != nil {
		return nil, fmt.Errorf("branch page %d: %v", id, err)
	}
	return elems, nil
}

// branchElems reads the elements of a branch page (all its bytes, with
// its overflow pages): each key must lie inside the page and the keys
// must ascend, or bbolt, searching for a key, would read outside the page
// or take a wrong turn and find nothing where there is something. The
// keys are the page's own bytes.
func branchElems(page []byte, count int) ([]branchElem, error) {
	if count == 0 {
		return nil, fmt.Errorf("no elements")
	}
	if pageHeaderSize+count*branchElemSize > len(page) {
		return nil, fmt.Errorf("claims %d elements, more than it holds", count)
	}
	elems := make([]branchElem, count)
	for i := range elems {
		at := pageHeaderSize + i*branchElemSize
		// A key's offset is from its element (bbolt's BranchPageElement.Key).
		start := uint64(at) + uint64(binary.NativeEndian.Uint32(page[at:]))
		end := start + uint64(binary.NativeEndian.Uint32(page[at+4:]))
		if end > uint64(len(page)) {
			return nil, fmt.Errorf("element %d's key lies outside the page", i)
		}
		elems[i] = branchElem{key: page[start:end], child: binary.NativeEndian.Uint64(page[at+8:])}
		if i > 0 && bytes.Compare(elems[i-1].key, elems[i].key) >= 0 {
			return nil, fmt.Errorf("element %d's key is out of order", i)
		}
	}
	return elems, nil
}
