package ledger

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
)

// spool holds the stored values of a batch's entries, in append order,
// until the commit writes them. A million entries are 0.18 GB that no
// rule reads again, and an import into a national ledger needs that room
// for the units' state, so past spillSize the values go to a file next to
// the ledger and are read back, in one piece, by the commit. The file is
// unlinked as soon as it is made: a killed import leaves nothing behind,
// and the values are never anything but a copy of what the commit writes.
// Should the file not be made, or a write to it fail, the values stay in
// memory, in chunks of spillSize (never one buffer that doubles).
//
// The values form one stream: the first spilled bytes are in the file,
// the next in kept (when spilling stopped), the last in buf.
type spool struct {
	dir     string
	file    *os.File
	name    string // the file's name, should it not be unlinked yet
	spans   []spoolSpan
	spilled int64 // bytes written to file
	kept    []keptChunk
	keptLen int64
	buf     []byte
	inMem   bool // no (further) spilling: no file, or a write failed
}

// spoolSpan is where a value lies in the spool's stream of values.
type spoolSpan struct {
	off int64
	n   int
}

// keptChunk is a full buffer kept in memory, from start in the stream.
type keptChunk struct {
	start int64
	b     []byte
}

// spillSize is how many bytes of values the spool keeps in memory before
// it writes them out: an import of up to about fifty thousand entries
// makes no file.
var spillSize = 8 << 20

func newSpool(ledgerPath string) *spool { return &spool{dir: filepath.Dir(ledgerPath)} }

// reserve makes room for n more values' places.
func (s *spool) reserve(n int) { s.spans = slices.Grow(s.spans, n) }

// bufStart is where buf begins in the stream.
func (s *spool) bufStart() int64 { return s.spilled + s.keptLen }

// next adds a value of n bytes and returns its room, to be filled before
// the spool is used again.
func (s *spool) next(n int) []byte {
	if len(s.buf) > 0 && len(s.buf)+n > spillSize {
		if !s.inMem {
			s.spill()
		}
		if s.inMem && len(s.buf)+n > cap(s.buf) {
			s.kept = append(s.kept, keptChunk{s.bufStart(), s.buf})
			s.keptLen += int64(len(s.buf))
			s.buf = make([]byte, 0, max(spillSize, n))
		}
	}
	s.spans = append(s.spans, spoolSpan{off: s.bufStart() + int64(len(s.buf)), n: n})
	start := len(s.buf)
	s.buf = slices.Grow(s.buf, n)[:start+n]
	return s.buf[start : start+n : start+n]
}

// spill writes the values in buf to the file, making it first.
func (s *spool) spill() {
	if s.file == nil {
		f, err := os.CreateTemp(s.dir, ".debtledger-spool-*")
		if err != nil {
			s.inMem = true
			return
		}
		s.file = f
		if os.Remove(f.Name()) != nil {
			s.name = f.Name() // Windows: an open file stays; close removes it
		}
		// A batch nobody commits (a dry run, a refusal, a retry after
		// another writer) is dropped, not closed: its file goes with it.
		runtime.AddCleanup(s, func(f *os.File) { _ = f.Close() }, f)
	}
	if _, err := s.file.WriteAt(s.buf, s.spilled); err != nil {
		s.inMem = true // what the file holds so far is still read from it
		return
	}
	s.spilled += int64(len(s.buf))
	s.buf = s.buf[:0]
}

// inMemory is the in-memory value at sp (not in the file).
func (s *spool) inMemory(sp spoolSpan) []byte {
	if lo := sp.off - s.bufStart(); lo >= 0 {
		return s.buf[lo : lo+int64(sp.n)]
	}
	i := sort.Search(len(s.kept), func(i int) bool { return s.kept[i].start > sp.off }) - 1
	lo := sp.off - s.kept[i].start
	return s.kept[i].b[lo : lo+int64(sp.n)]
}

// at returns value i, a view valid until the spool is next added to.
func (s *spool) at(i int) ([]byte, error) {
	sp := s.spans[i]
	if sp.off >= s.spilled {
		return s.inMemory(sp), nil
	}
	v := make([]byte, sp.n)
	if _, err := s.file.ReadAt(v, sp.off); err != nil {
		return nil, fmt.Errorf("reading back a staged entry: %w", err)
	}
	return v, nil
}

// each calls fn with every value in order. What was spilled is read back
// in one piece first: bbolt keeps the values it is given until it
// commits.
func (s *spool) each(fn func(i int, val []byte) error) error {
	var back []byte
	if s.spilled > 0 {
		back = make([]byte, s.spilled)
		if _, err := s.file.ReadAt(back, 0); err != nil {
			return fmt.Errorf("reading back the staged entries: %w", err)
		}
	}
	for i, sp := range s.spans {
		var val []byte
		if sp.off < s.spilled {
			val = back[sp.off : sp.off+int64(sp.n)]
		} else {
			val = s.inMemory(sp)
		}
		if err := fn(i, val); err != nil {
			return err
		}
	}
	return nil
}

// close lets the file go.
func (s *spool) close() {
	if s.file != nil {
		_ = s.file.Close()
		s.file = nil
	}
	if s.name != "" {
		_ = os.Remove(s.name)
		s.name = ""
	}
}
