package ledger

import (
	"bytes"
	"fmt"
	"os"
	"sort"
	"sync"

	bolt "go.etcd.io/bbolt"
)

// A query does not walk every page at open (pages.go): at 5M entries that
// would cost `balance` 0.3 s of its 20 ms. It checks instead, before each
// read, the pages bbolt is about to follow: from the bucket's root to a
// leaf, choosing each child as bbolt's Cursor.search does, no page may
// appear twice, lie outside the file, say it is another page, or be
// neither a branch nor a leaf. A damaged page that would send bbolt round
// a loop (a stack overflow, which no recover catches) is then an error.
// A cursor that runs over a bucket (a scan) walks the bucket's whole tree
// first. Pages read are kept: the upper levels serve every look-up.
// Branch keys must lie inside their page and ascend (branchElems), or
// bbolt would read outside the page or take a wrong turn.
type pathChecker struct {
	mu       sync.Mutex // a Ledger's readers may run in several goroutines
	f        *os.File
	pageSize int
	pages    uint64 // in the file, as the transaction sees it
	branches map[uint64][]branchElem
	leaves   map[uint64]bool
	walked   map[string]bool // buckets whose whole tree passed walkPages
	rootOK   map[string]bool // bucket names whose path in the root bucket passed
}

type branchElem struct {
	key   []byte
	child uint64
}

func newPathChecker(f *os.File, pageSize int) *pathChecker {
	return &pathChecker{f: f, pageSize: pageSize, branches: map[uint64][]branchElem{},
		leaves: map[uint64]bool{}, walked: map[string]bool{}, rootOK: map[string]bool{}}
}

// bucket checks the path to a bucket's header in the root bucket, which
// tx.Bucket follows.
func (pc *pathChecker) bucket(tx *bolt.Tx, name []byte) error {
	if pc == nil {
		return nil
	}
	pc.mu.Lock()
	defer pc.mu.Unlock()
	return pc.bucketLocked(tx, name)
}

func (pc *pathChecker) bucketLocked(tx *bolt.Tx, name []byte) error {
	if pc.rootOK[string(name)] {
		return nil
	}
	pc.pages = uint64(tx.Size()) / uint64(pc.pageSize)
	if err := pc.path("root", uint64(tx.Cursor().Bucket().Root()), name); err != nil {
		return err
	}
	pc.rootOK[string(name)] = true
	return nil
}

// get is b.Get(key) after checking the path to key in b (named name).
func (pc *pathChecker) get(tx *bolt.Tx, b *bolt.Bucket, name, key []byte) ([]byte, error) {
	if pc != nil && b.Root() != 0 {
		pc.mu.Lock()
		var err error
		if !pc.walked[string(name)] {
			pc.pages = uint64(tx.Size()) / uint64(pc.pageSize)
			err = pc.path(string(name), uint64(b.Root()), key)
		}
		pc.mu.Unlock()
		if err != nil {
			return nil, err
		}
	}
	return b.Get(key), nil
}

// whole walks a bucket's tree, for a cursor to run over it.
func (pc *pathChecker) whole(tx *bolt.Tx, name []byte) error {
	if pc == nil {
		return nil
	}
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if pc.walked[string(name)] {
		return nil
	}
	if err := pc.bucketLocked(tx, name); err != nil {
		return err
	}
	if _, err := walkPages(tx, pc.f, pc.pageSize, name); err != nil {
		return err
	}
	pc.walked[string(name)] = true
	return nil
}

// path follows key from root down to a leaf.
func (pc *pathChecker) path(bucket string, root uint64, key []byte) error {
	var onPath [maxTreeDepth + 1]uint64
	id := root
	for depth := 0; ; depth++ {
		switch {
		case depth > maxTreeDepth:
			return fmt.Errorf("bucket %q: tree deeper than %d pages", bucket, maxTreeDepth)
		case id < 2 || id >= pc.pages:
			return fmt.Errorf("bucket %q: page %d is outside the file (%d pages)", bucket, id, pc.pages)
		}
		for _, earlier := range onPath[:depth] {
			if earlier == id {
				return fmt.Errorf("bucket %q: page %d points back to page %d (a loop in the tree)", bucket, onPath[depth-1], id)
			}
		}
		onPath[depth] = id
		elems, err := pc.read(bucket, id)
		if err != nil || elems == nil {
			return err // a leaf, or damage
		}
		// bbolt's choice of child (Cursor.searchPage): the last key at or
		// before key, the same binary search with the same probes.
		exact := false
		i := sort.Search(len(elems), func(i int) bool {
			c := bytes.Compare(elems[i].key, key)
			if c == 0 {
				exact = true
			}
			return c != -1
		})
		if !exact && i > 0 {
			i--
		}
		id = elems[i].child
	}
}

// read reads page id: nil elements for a leaf, a branch's elements.
func (pc *pathChecker) read(bucket string, id uint64) ([]branchElem, error) {
	if pc.leaves[id] {
		return nil, nil
	}
	if elems, ok := pc.branches[id]; ok {
		return elems, nil
	}
	leaf, count, overflow, err := treePage(pc.f, pc.pageSize, pc.pages, id)
	if err != nil {
		return nil, fmt.Errorf("bucket %q: %v", bucket, err)
	}
	if leaf {
		pc.leaves[id] = true
		return nil, nil
	}
	elems, err := readBranch(pc.f, pc.pageSize, id, overflow, count)
	if err != nil {
		return nil, fmt.Errorf("bucket %q: %v", bucket, err)
	}
	pc.branches[id] = elems
	return elems, nil
}
