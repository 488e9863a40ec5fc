package ledger

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
)

// spool holds the stored values of a batch's entries, in append order,
// until the commit writes them. A million entries are 0.18 GB that no
// rule reads again, and an import into a national ledger needs that room
// for the units' state, so past spillSize the values go to a file next to
// the ledger and are read back, in one piece, by the commit. The file is
// unlinked as soon as it is made: a killed import leaves nothing behind,
// and the values are never anything but a copy of what the commit writes.
// Should the file not be made, or a write to it fail, the values simply
// stay in memory.
type spool struct {
	dir     string
	file    *os.File
	spans   []spoolSpan
	buf     []byte // the values after the first spilled bytes
	spilled int64  // bytes written to file
	inMem   bool   // no (further) spilling: no file, or a write failed
}

// spoolSpan is where a value lies in the spool's stream of values.
type spoolSpan struct {
	off int64
	n   int
}

// spillSize is how many bytes of values the spool keeps in memory before
// it writes them out: an import of up to about fifty thousand entries
// makes no file.
var spillSize = 8 << 20

func newSpool(ledgerPath string) *spool { return &spool{dir: filepath.Dir(ledgerPath)} }

// reserve makes room for n more values' places.
func (s *spool) reserve(n int) { s.spans = slices.Grow(s.spans, n) }

// next adds a value of n bytes and returns its room, to be filled before
// the spool is used again.
func (s *spool) next(n int) []byte {
	if len(s.buf) > 0 && len(s.buf)+n > spillSize && !s.inMem {
		s.spill()
	}
	s.spans = append(s.spans, spoolSpan{off: s.spilled + int64(len(s.buf)), n: n})
	start := len(s.buf)
	s.buf = slices.Grow(s.buf, n)[:start+n]
	return s.buf[start : start+n : start+n]
}

// spill writes the values in memory to the file, making it first.
func (s *spool) spill() {
	if s.file == nil {
		f, err := os.CreateTemp(s.dir, ".debtledger-spool-*")
		if err != nil {
			s.inMem = true
			return
		}
		_ = os.Remove(f.Name()) // on Windows only at Close: then it stays until then
		s.file = f
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

// at returns value i, a view valid until the spool is next added to.
func (s *spool) at(i int) ([]byte, error) {
	sp := s.spans[i]
	if sp.off >= s.spilled {
		lo := sp.off - s.spilled
		return s.buf[lo : lo+int64(sp.n)], nil
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
			lo := sp.off - s.spilled
			val = s.buf[lo : lo+int64(sp.n)]
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
}
