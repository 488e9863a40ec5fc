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
// force. The copy is written beside out and then linked (or, with force,
// renamed) to out, so out is never left half-written, even by a kill.
// Writing onto the ledger itself is refused.
func (l *Ledger) Backup(out string, force bool) (seq uint64, hash [32]byte, err error) {
	if fi, statErr := os.Stat(out); statErr == nil {
		if self, _ := os.Stat(l.path); self != nil && os.SameFile(fi, self) {
			return 0, [32]byte{}, newError(out, IO, "is the ledger itself; back up to another file")
		}
		if !force {
			return 0, [32]byte{}, newError(out, Exists, "")
		}
	}

	f, err := os.CreateTemp(filepath.Dir(out), "."+filepath.Base(out)+".tmp-*")
	if err != nil {
		return 0, [32]byte{}, ioError(out, err)
	}
	written := f.Name()
	defer func() {
		_ = f.Close()
		_ = os.Remove(written) // a no-op once renamed; after a link, the spare name
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
		err = os.Rename(written, out)
	} else if err = os.Link(written, out); err != nil && !errors.Is(err, fs.ErrExist) {
		// No hard links here (some network and FUSE file systems): check,
		// then rename, which leaves a window the link did not.
		if _, statErr := os.Stat(out); statErr == nil {
			err = fs.ErrExist
		} else {
			err = os.Rename(written, out)
		}
	}
	if errors.Is(err, fs.ErrExist) {
		return 0, [32]byte{}, newError(out, Exists, "") // appeared since the check above
	}
	if err != nil {
		return 0, [32]byte{}, ioError(out, err)
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
