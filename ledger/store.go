package ledger

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// Bucket and key names. They are the file format: never rename them.
var (
	bucketJournal = []byte("journal")
	bucketIDs     = []byte("ids")
	bucketMeta    = []byte("meta")
	bucketState   = []byte("state")

	keyFormat   = []byte("format")
	keyHead     = []byte("head")
	keyStateSeq = []byte("seq")
)

// formatVersion is stored in meta/format by Create and required by Open, so
// that a future layout is refused rather than misread.
const formatVersion = "debtledger-journal/1"

// headSize is a stored head: 8-byte big-endian seq, then the 32-byte hash.
const headSize = 8 + 32

// defaultTimeout is the lock wait the product promises (SPEC §1).
const defaultTimeout = 5 * time.Second

// Options control Open.
type Options struct {
	ReadOnly bool
	Timeout  time.Duration // lock wait; 0 means 5s
	// CheckPages walks every bucket's page tree at open (see pages.go), so
	// that a page loop is reported as damage rather than crash bbolt. It
	// reads every page's header: 60 ms for a 1M-entry ledger, 0.3 s at
	// 5M, so it is for commands that read the whole file anyway (verify,
	// check) and for writes, which must not build on a damaged tree.
	CheckPages bool
	// HeaderDamageOK opens a file one of whose two header pages is
	// damaged, reading it through the other as bbolt does (header.go), and
	// Verify reports the damage: for verify, which tells whether the head
	// read is the last one (with an anchor), and for backup, whose copy is
	// then a sound file of what is read.
	HeaderDamageOK bool
	// freelist checks the shape of the free-page list (against the trees
	// too with CheckPages): the read-only look before a write's open, at
	// which bbolt reads the list, trusting it.
	freelist bool
}

// Ledger is an open journal file. Its methods may be called from several
// goroutines (bbolt lets one write transaction run at a time), but a
// callback of Update or Scan must not call Update on the same Ledger: it
// would wait for itself.
type Ledger struct {
	db       *bolt.DB
	path     string
	readOnly bool
	// paths checks the pages each read follows (pathcheck.go), for a
	// read-only open that did not walk every page.
	paths *pathChecker
	file  *os.File // the file bbolt opened, for the checks that read it
	// headerDamage is the damaged header page HeaderDamageOK let through.
	headerDamage error
}

// ErrorCode classifies an *Error.
type ErrorCode int

// The kinds of failure to open or read a ledger.
const (
	NoLedger ErrorCode = iota + 1 // the file does not exist
	Exists                        // Create or Backup would overwrite a file
	Locked                        // another process holds the file
	Corrupt                       // the file is not a readable ledger
	IO                            // the operating system refused
)

// Sentinels for errors.Is; every *Error unwraps to the one for its code.
var (
	ErrNoLedger = errors.New("no ledger")
	ErrExists   = errors.New("already exists")
	ErrLocked   = errors.New("ledger is in use")
	ErrCorrupt  = errors.New("not a readable ledger")
	ErrIO       = errors.New("ledger input/output error")

	// ErrNotFound is wrapped by Get for a sequence number not in the journal.
	ErrNotFound = errors.New("not in the journal")
	// ErrDuplicateID is wrapped by Batch.Append for an id already present.
	ErrDuplicateID = errors.New("duplicate id")
)

// Error is what every failure to open or read a ledger returns. Error() is
// one line for a person and names the file.
type Error struct {
	Path string
	Code ErrorCode
	Msg  string // detail; how it is shown depends on Code
}

func (e *Error) Error() string {
	switch e.Code {
	case NoLedger:
		return fmt.Sprintf("no ledger at %s (run debtledger init)", e.Path)
	case Exists:
		return e.Path + ": already exists"
	case Locked:
		return fmt.Sprintf("%s: ledger is in use by another process (%s)", e.Path, e.Msg)
	case Corrupt:
		return e.Path + ": not a readable ledger: " + e.Msg
	}
	return e.Path + ": " + e.Msg
}

// Unwrap lets errors.Is(err, ErrLocked) and friends match on the code.
func (e *Error) Unwrap() error {
	switch e.Code {
	case NoLedger:
		return ErrNoLedger
	case Exists:
		return ErrExists
	case Locked:
		return ErrLocked
	case Corrupt:
		return ErrCorrupt
	}
	return ErrIO
}

// newError builds an *Error whose detail is always one line, whatever the
// cause (a recovered panic value may span lines).
func newError(path string, code ErrorCode, msg string) *Error {
	return &Error{Path: path, Code: code, Msg: strings.Join(strings.Fields(msg), " ")}
}

// ioError reports an operating-system failure without repeating the path
// that *fs.PathError already carries.
func ioError(path string, err error) *Error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return newError(path, IO, err.Error())
}

// bigMap says whether write opens map a gigabyte beyond the file up front
// (see boltOptions).
const bigMap = strconv.IntSize == 64 && runtime.GOOS != "windows"

// growStep is how far past what it needs a growing file is extended. bbolt
// grows by its 16 MiB AllocSize once the map is larger than that, which
// with bigMap would be always: a new, empty ledger would be 16 MiB.
const growStep = 1 << 20

// boltOptions are the options for opening a file of size bytes.
func boltOptions(timeout time.Duration, readOnly bool, size int64) *bolt.Options {
	o := &bolt.Options{
		Timeout:  timeout,
		ReadOnly: readOnly,
		// The map freelist stays fast however fragmented the file gets.
		FreelistType: bolt.FreelistMapType,
		// The freelist is synced (NoFreelistSync false): otherwise every
		// read-write Open rebuilds it by walking the whole file, in a
		// goroutine of bbolt's that panics on a damaged page, which no
		// recover of ours could catch.
		NoFreelistSync: false,
	}
	if !readOnly && bigMap {
		// Map address space for a gigabyte of growth up front. When a
		// write transaction outgrows the map, bbolt remaps and first
		// copies every key and value of the transaction's dirty nodes to
		// the heap, once per doubling of the file: a million-entry import
		// spent most of its time there. Mapping past the end of the file
		// costs no memory on 64-bit systems; on Windows it would grow the
		// file itself.
		o.InitialMmapSize = int(size) + 1<<30
	}
	return o
}

// tune sets what bbolt takes on the DB rather than in Options.
func tune(db *bolt.DB, readOnly bool) {
	if !readOnly && bigMap {
		db.AllocSize = growStep
	}
}

// newPageSize is the page size of a new ledger: bbolt writes each page of a
// commit with a system call of its own, and with the system's 4 KiB pages
// a million-entry import made 75,000 of them (a fifth of its commit's
// time). A ledger keeps the page size it was made with: those made
// before this one have the system's. (A variable for the tests, which
// damage files of both sizes.)
var newPageSize = 16 << 10

// Create makes a new, empty ledger at path, mode 0600, and refuses a path
// that exists (Exists). The ledger is open for writing on return.
func Create(path string) (*Ledger, error) {
	created := false
	opts := boltOptions(defaultTimeout, false, 0)
	opts.PageSize = newPageSize
	opts.OpenFile = func(name string, flag int, _ os.FileMode) (*os.File, error) {
		if created { // a later reopen by bbolt (none today): never create
			return os.OpenFile(name, flag&^os.O_CREATE, 0)
		}
		// O_EXCL makes the existence check and the creation one step.
		f, err := os.OpenFile(name, flag|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return nil, err
		}
		created = true
		// The umask applies to the mode given above; the ledger is
		// private whatever it is, so set the mode explicitly.
		if err := f.Chmod(0o600); err != nil {
			_ = f.Close()
			return nil, err
		}
		return f, nil
	}
	db, err := bolt.Open(path, 0o600, opts)
	if err != nil {
		if created {
			_ = os.Remove(path)
		}
		if errors.Is(err, fs.ErrExist) {
			return nil, newError(path, Exists, "")
		}
		return nil, ioError(path, err)
	}
	tune(db, false)
	err = db.Update(func(tx *bolt.Tx) error {
		for _, name := range [][]byte{bucketJournal, bucketIDs, bucketMeta, bucketState} {
			if _, err := tx.CreateBucket(name); err != nil {
				return err
			}
		}
		meta := tx.Bucket(bucketMeta)
		if err := meta.Put(keyFormat, []byte(formatVersion)); err != nil {
			return err
		}
		return meta.Put(keyHead, make([]byte, headSize))
	})
	if err != nil {
		_ = db.Close()
		_ = os.Remove(path)
		return nil, ioError(path, err)
	}
	return &Ledger{db: db, path: path}, nil
}

// Open opens an existing ledger. It never creates a file: a missing one is
// NoLedger. A lock not obtained within the timeout is Locked; a file that
// is not a bbolt database, or lacks the ledger's buckets, is Corrupt.
// ReadOnly takes a shared lock and opens the file read-only, so that it is
// never changed.
func Open(path string, opt Options) (*Ledger, error) {
	timeout := opt.Timeout
	if timeout <= 0 {
		timeout = defaultTimeout
	}
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, newError(path, NoLedger, "")
	case err != nil:
		return nil, ioError(path, err)
	case fi.IsDir():
		return nil, newError(path, Corrupt, "is a directory")
	case fi.Size() == 0:
		// Checked here because bbolt, opening an empty file for writing,
		// would silently make a new database of it.
		return nil, newError(path, Corrupt, "empty file")
	}

	if !opt.ReadOnly {
		// Check the file read-only first. Opening for writing makes bbolt
		// read the freelist page, which panics on a truncated or damaged
		// file; the panic is recovered, but bbolt's memory map of the file
		// can then not be released, and the map keeps the file's lock until
		// the process exits. A read-only open reads no freelist, and
		// checkFormat finds truncation before anything reads past the end.
		start := time.Now()
		ro, err := Open(path, Options{ReadOnly: true, Timeout: timeout, CheckPages: opt.CheckPages, freelist: true})
		if err != nil {
			return nil, err
		}
		if err := ro.Close(); err != nil {
			return nil, err
		}
		return open(path, fi.Size(), max(timeout-time.Since(start), time.Millisecond), timeout, Options{})
	}
	return open(path, fi.Size(), timeout, timeout, opt)
}

// open opens path, of size bytes, with bbolt, waiting up to wait for the
// lock; a Locked error reports the whole wait the caller asked for.
func open(path string, size int64, wait, timeout time.Duration, opt Options) (*Ledger, error) {
	readOnly := opt.ReadOnly
	var file *os.File // for checkFormat, and to close if bbolt.Open panics
	opts := boltOptions(wait, readOnly, size)
	opts.OpenFile = func(name string, flag int, perm os.FileMode) (*os.File, error) {
		f, err := os.OpenFile(name, flag&^os.O_CREATE, perm)
		if file == nil && err == nil {
			file = f
		}
		return f, err
	}
	var db *bolt.DB
	err := guard(nil, func() error {
		var err error
		db, err = bolt.Open(path, 0o600, opts)
		return err
	})
	if err != nil {
		var d *damageError
		if errors.As(err, &d) && file != nil {
			_ = file.Close()
		}
		return nil, openError(path, timeout, err)
	}
	tune(db, readOnly)
	l := &Ledger{db: db, path: path, readOnly: readOnly, file: file}
	if readOnly && !opt.CheckPages {
		l.paths = newPathChecker(file, db.Info().PageSize)
	}
	if err := l.checkFormat(opt); err != nil {
		_ = db.Close()
		return nil, err
	}
	return l, nil
}

// openError classifies what bbolt.Open returned.
func openError(path string, timeout time.Duration, err error) *Error {
	var d *damageError
	var errno syscall.Errno
	switch {
	case errors.Is(err, bolterrors.ErrTimeout):
		return newError(path, Locked, "waited "+timeout.String())
	case errors.Is(err, fs.ErrNotExist):
		return newError(path, NoLedger, "")
	case errors.Is(err, bolterrors.ErrInvalid):
		return newError(path, Corrupt, "not a bbolt database (no valid header page)")
	case errors.Is(err, bolterrors.ErrChecksum):
		return newError(path, Corrupt, "header checksum error")
	case errors.Is(err, bolterrors.ErrVersionMismatch):
		return newError(path, Corrupt, "unsupported bbolt file version")
	case errors.As(err, &d):
		return newError(path, Corrupt, d.Error())
	case errors.As(err, new(*fs.PathError)), errors.As(err, &errno):
		return ioError(path, err)
	}
	// Whatever else bbolt refuses (a file too small to hold its header
	// pages, …) is about the content.
	return newError(path, Corrupt, err.Error())
}

// checkFormat refuses a bbolt file that is not a ledger of this format, and
// a truncated one: bbolt maps pages past the end of the file and would
// fault on them later.
func (l *Ledger) checkFormat(opt Options) error {
	f := l.file
	fi, err := f.Stat()
	if err != nil {
		return ioError(l.path, err)
	}
	return l.view(nil, func(tx *bolt.Tx) error {
		if tx.Size() > fi.Size() {
			return l.corrupt(fmt.Sprintf("file is truncated (%d bytes, its pages need %d)", fi.Size(), tx.Size()))
		}
		// Two small reads: every open, queries too, refuses a file bbolt
		// reads through its older header (header.go), unless asked to
		// read it so.
		if err := checkHeaders(f, l.db.Info().PageSize); err != nil {
			if !opt.HeaderDamageOK {
				return l.corrupt(err.Error())
			}
			l.headerDamage = err
		}
		switch {
		case opt.CheckPages:
			if err := l.checkPages(tx); err != nil {
				return err
			}
		case opt.freelist:
			if err := checkFreelist(tx, f, l.db.Info().PageSize, nil); err != nil {
				return l.corrupt(err.Error())
			}
		}
		_, _, meta, _, err := l.buckets(tx)
		if err != nil {
			return err
		}
		if v, err := l.get(tx, meta, bucketMeta, keyFormat); err != nil {
			return err
		} else if string(v) != formatVersion {
			return l.corrupt(fmt.Sprintf("unknown format %s (want %q)", quoteShort(v), formatVersion))
		}
		_, _, err = l.readHead(tx)
		return err
	})
}

// checkPages walks every page tree and checks the free-page list against
// them (pages.go, freelist.go).
func (l *Ledger) checkPages(tx *bolt.Tx) error {
	used, err := walkPages(tx, l.file, l.db.Info().PageSize, bucketJournal, bucketIDs, bucketMeta, bucketState)
	if err == nil {
		err = checkFreelist(tx, l.file, l.db.Info().PageSize, used)
	}
	if err != nil {
		return l.corrupt(err.Error())
	}
	return nil
}

// CheckPages walks the page trees and the free-page list as an open with
// Options.CheckPages does: for a write that must build on what another
// writer left since this ledger was opened.
func (l *Ledger) CheckPages() error {
	return l.view(nil, func(tx *bolt.Tx) error { return l.checkPages(tx) })
}

// HeaderDamage is, for a ledger opened with HeaderDamageOK, what is wrong
// with its damaged header page; nil if both are sound.
func (l *Ledger) HeaderDamage() error { return l.headerDamage }

// Close releases the file and its lock.
func (l *Ledger) Close() error {
	if err := l.db.Close(); err != nil {
		return ioError(l.path, err)
	}
	return nil
}

// Path is the file name the ledger was opened with.
func (l *Ledger) Path() string { return l.path }

// Head returns the last entry's sequence number and hash: 0 and the zero
// hash for an empty journal.
func (l *Ledger) Head() (seq uint64, hash [32]byte, err error) {
	err = l.view(nil, func(tx *bolt.Tx) error {
		seq, hash, err = l.readHead(tx)
		return err
	})
	return seq, hash, err
}

// Lookup finds the entry with the given id.
func (l *Ledger) Lookup(id string) (e *Entry, ok bool, err error) {
	err = l.view(nil, func(tx *bolt.Tx) error {
		j, ids, _, _, err := l.buckets(tx)
		if err != nil {
			return err
		}
		e, ok, err = l.lookup(tx, j, ids, []byte(id))
		return err
	})
	return e, ok, err
}

// Get returns entry seq; an error wrapping ErrNotFound if there is none.
func (l *Ledger) Get(seq uint64) (e *Entry, err error) {
	err = l.view(nil, func(tx *bolt.Tx) error {
		j, _, _, _, err := l.buckets(tx)
		if err != nil {
			return err
		}
		e, err = l.readEntry(tx, j, seq)
		return err
	})
	return e, err
}

// Scan calls fn for every entry with seq >= from, in order, inside one read
// transaction (so it sees one consistent journal). It stops at the first
// error fn returns and returns it unchanged. Entries are fully decoded
// copies that fn may keep; the hashes are not checked here (Verify does).
func (l *Ledger) Scan(from uint64, fn func(*Entry) error) error {
	from = max(from, 1)
	var inCallback bool
	return l.view(&inCallback, func(tx *bolt.Tx) error {
		j, _, _, _, err := l.buckets(tx)
		if err != nil {
			return err
		}
		if err := l.paths.whole(tx, bucketJournal); err != nil {
			return l.corrupt(err.Error())
		}
		var prev [32]byte
		if from > 1 {
			v := j.Get(seqKey(from - 1))
			if v == nil {
				return nil // from is past the end: nothing to scan
			}
			if len(v) < len(prev) {
				return l.corrupt(fmt.Sprintf("entry %d: stored value too short", from-1))
			}
			copy(prev[:], v)
		}
		want := from
		c := j.Cursor()
		for k, v := c.Seek(seqKey(from)); k != nil; k, v = c.Next() {
			if len(k) != 8 || binary.BigEndian.Uint64(k) != want {
				return l.corrupt(fmt.Sprintf("entry %d: missing from the journal", want))
			}
			e, err := decodeEntry(want, v, prev)
			if err != nil {
				return l.corrupt(fmt.Sprintf("entry %d: %v", want, err))
			}
			inCallback = true
			err = fn(e)
			inCallback = false
			if err != nil {
				return err
			}
			prev = e.Hash
			want++
		}
		return nil
	})
}

// view runs fn in a read transaction under guard. Errors fn returns pass
// through unchanged; a panic from a damaged file becomes Corrupt.
func (l *Ledger) view(inCallback *bool, fn func(*bolt.Tx) error) error {
	return l.classify(guard(inCallback, func() error { return l.db.View(fn) }))
}

// classify turns bbolt's and guard's errors into *Error; others (the
// caller's own, *Error, *ChainError) pass through.
func (l *Ledger) classify(err error) error {
	var d *damageError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &d):
		return l.corrupt(d.Error())
	case errors.Is(err, bolterrors.ErrDatabaseNotOpen):
		return newError(l.path, IO, "ledger is closed")
	case errors.Is(err, bolterrors.ErrDatabaseReadOnly):
		return newError(l.path, IO, "ledger is open read-only")
	}
	return err
}

func (l *Ledger) corrupt(detail string) *Error { return newError(l.path, Corrupt, detail) }

// get reads key from bucket b (named name), having checked the pages the
// read follows (pathcheck.go).
func (l *Ledger) get(tx *bolt.Tx, b *bolt.Bucket, name, key []byte) ([]byte, error) {
	v, err := l.paths.get(tx, b, name, key)
	if err != nil {
		return nil, l.corrupt(err.Error())
	}
	return v, nil
}

// buckets returns the four buckets, or Corrupt if one is missing.
func (l *Ledger) buckets(tx *bolt.Tx) (journal, ids, meta, state *bolt.Bucket, err error) {
	for _, name := range [][]byte{bucketJournal, bucketIDs, bucketMeta, bucketState} {
		if err := l.paths.bucket(tx, name); err != nil {
			return nil, nil, nil, nil, l.corrupt(err.Error())
		}
	}
	journal, ids = tx.Bucket(bucketJournal), tx.Bucket(bucketIDs)
	meta, state = tx.Bucket(bucketMeta), tx.Bucket(bucketState)
	for _, b := range [...]struct {
		name []byte
		b    *bolt.Bucket
	}{{bucketJournal, journal}, {bucketIDs, ids}, {bucketMeta, meta}, {bucketState, state}} {
		if b.b == nil {
			return nil, nil, nil, nil, l.corrupt(fmt.Sprintf("no %q bucket (not a debtledger file?)", b.name))
		}
	}
	return journal, ids, meta, state, nil
}

func (l *Ledger) readHead(tx *bolt.Tx) (seq uint64, hash [32]byte, err error) {
	_, _, meta, _, err := l.buckets(tx)
	if err != nil {
		return 0, hash, err
	}
	v, err := l.get(tx, meta, bucketMeta, keyHead)
	if err != nil {
		return 0, hash, err
	}
	if len(v) != headSize {
		return 0, hash, l.corrupt("journal head record is damaged")
	}
	copy(hash[:], v[8:])
	return binary.BigEndian.Uint64(v), hash, nil
}

// readEntry decodes entry seq, reading its predecessor for Prev.
func (l *Ledger) readEntry(tx *bolt.Tx, j *bolt.Bucket, seq uint64) (*Entry, error) {
	v, err := l.get(tx, j, bucketJournal, seqKey(seq))
	if err != nil {
		return nil, err
	}
	if v == nil {
		return nil, fmt.Errorf("%s: entry %d: %w", l.path, seq, ErrNotFound)
	}
	var prev [32]byte
	if seq > 1 {
		pv, err := l.get(tx, j, bucketJournal, seqKey(seq-1))
		if err != nil {
			return nil, err
		}
		if len(pv) < len(prev) {
			return nil, l.corrupt(fmt.Sprintf("entry %d: missing or damaged", seq-1))
		}
		copy(prev[:], pv)
	}
	e, err := decodeEntry(seq, v, prev)
	if err != nil {
		return nil, l.corrupt(fmt.Sprintf("entry %d: %v", seq, err))
	}
	return e, nil
}

// lookup resolves id through the ids index.
func (l *Ledger) lookup(tx *bolt.Tx, j, ids *bolt.Bucket, id []byte) (*Entry, bool, error) {
	if len(id) == 0 || len(id) > maxIDLen {
		return nil, false, nil // never stored (Append refuses it); bbolt would not look it up
	}
	v, err := l.get(tx, ids, bucketIDs, id)
	if err != nil {
		return nil, false, err
	}
	if v == nil {
		return nil, false, nil
	}
	if len(v) != 8 {
		return nil, false, l.corrupt(fmt.Sprintf("id index: bad value for %q", id))
	}
	seq := binary.BigEndian.Uint64(v)
	e, err := l.readEntry(tx, j, seq)
	if errors.Is(err, ErrNotFound) {
		return nil, false, l.corrupt(fmt.Sprintf("id index: %q points to entry %d, which is not in the journal", id, seq))
	}
	if err != nil {
		return nil, false, err
	}
	return e, true, nil
}

// quoteShort quotes bytes read from a damaged file for a message: at most
// 64 of them, so that a key a damaged length makes a megabyte long is not
// a megabyte-long line.
func quoteShort(b []byte) string {
	const most = 64
	if len(b) <= most {
		return fmt.Sprintf("%q", b)
	}
	return fmt.Sprintf("%q… (%d bytes)", b[:most], len(b))
}

// seqKey is the journal key of seq: big-endian, so that keys sort in
// sequence order and appends always go to the end of the tree.
func seqKey(seq uint64) []byte {
	return binary.BigEndian.AppendUint64(make([]byte, 0, 8), seq)
}

// damageError is a panic recovered while reading the file: bbolt panics,
// or faults on its memory map, when the file is damaged.
type damageError struct{ v any }

func (d *damageError) Error() string { return fmt.Sprintf("damaged file (%v)", d.v) }

// guard runs fn with memory faults turned into panics (bbolt reads the file
// through a memory map; a truncated or rewritten file faults) and turns any
// panic into a *damageError, because the product promises an error, never a
// crash, on a damaged file. A panic raised while *inCallback is true comes
// from the caller's own callback: it is not ours to hide, so it is raised
// again.
func guard(inCallback *bool, fn func() error) (err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			if inCallback != nil && *inCallback {
				panic(r)
			}
			err = &damageError{r}
		}
	}()
	return fn()
}
