//go:build !linux

package ledger

import bolt "go.etcd.io/bbolt"

// releaseMapped is releaseMapped of release_linux.go where it is not
// implemented: the pages stay resident until the kernel wants them.
func releaseMapped(*bolt.Tx, []byte) {}
