package ledger

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"

	bolt "go.etcd.io/bbolt"
)

// Backup writes a consistent copy of the ledger to out, mode 0600, from one
// read transaction, and returns the head it copied (to print as an anchor).
// It refuses an existing out (an *Error with Code Exists naming out) unless
// force; with force the copy is written beside out and renamed over it, so
// out is never left half-written. Writing onto the ledger itself is refused.
func (l *Ledger) Backup(out string, force bool) (seq uint64, hash [32]byte, err error) {
	if fi, statErr := os.Stat(out); statErr == nil {
		if self, _ := os.Stat(l.path); self != nil && os.SameFile(fi, self) {
			return 0, [32]byte{}, newError(out, IO, "is the ledger itself; back up to another file")
		}
		if !force {
			return 0, [32]byte{}, newError(out, Exists, "")
		}
	}

	var f *os.File
	if force {
		f, err = os.CreateTemp(filepath.Dir(out), "."+filepath.Base(out)+".tmp-*")
	} else {
		// O_EXCL: a file appearing since the check above is still refused.
		f, err = os.OpenFile(out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	}
	if err != nil {
		if errors.Is(err, fs.ErrExist) {
			return 0, [32]byte{}, newError(out, Exists, "")
		}
		return 0, [32]byte{}, ioError(out, err)
	}
	written := f.Name()
	defer func() {
		if err != nil {
			_ = f.Close()
			_ = os.Remove(written)
		}
	}()

	if err = f.Chmod(0o600); err != nil { // whatever the umask did
		return 0, [32]byte{}, ioError(out, err)
	}
	var writeErr error
	err = l.view(nil, func(tx *bolt.Tx) error {
		var err error
		if seq, hash, err = l.readHead(tx); err != nil {
			return err
		}
		_, writeErr = tx.WriteTo(f)
		return writeErr
	})
	if writeErr != nil {
		return 0, [32]byte{}, ioError(out, writeErr)
	}
	if err != nil {
		return 0, [32]byte{}, err
	}
	if err = f.Sync(); err != nil {
		return 0, [32]byte{}, ioError(out, err)
	}
	if err = f.Close(); err != nil {
		return 0, [32]byte{}, ioError(out, err)
	}
	if force {
		if err = os.Rename(written, out); err != nil {
			return 0, [32]byte{}, ioError(out, err)
		}
	}
	syncDir(filepath.Dir(out))
	return seq, hash, nil
}

// syncDir makes the new directory entry durable. It is best effort: some
// systems cannot sync a directory, and the copy itself is already synced.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
}
