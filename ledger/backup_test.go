package ledger

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBackup(t *testing.T) {
	l := newLedger(t)
	appendEntries(t, l, 1, 30)
	require.NoError(t, l.Update(func(b *Batch) error { return b.PutState(map[string][]byte{"s": []byte("st")}) }))
	headSeq, headHash, err := l.Head()
	require.NoError(t, err)

	out := filepath.Join(t.TempDir(), "backup.db")
	seq, hash, err := l.Backup(out, false)
	require.NoError(t, err)
	assert.Equal(t, headSeq, seq)
	assert.Equal(t, headHash, hash)

	fi, err := os.Stat(out)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
	left, err := os.ReadDir(filepath.Dir(out))
	require.NoError(t, err)
	require.Len(t, left, 1, "the copy, written beside out then linked, leaves nothing else")
	require.NoError(t, verifyFile(t, out, &Anchor{seq, hash}))
	b, err := Open(out, Options{ReadOnly: true})
	require.NoError(t, err)
	defer b.Close()
	e, ok, err := b.Lookup("e-000030")
	require.NoError(t, err)
	require.True(t, ok)
	want, err := l.Get(30)
	require.NoError(t, err)
	assert.Equal(t, want, e)
	blob, stateSeq, err := b.StateRecord("s")
	require.NoError(t, err)
	assert.Equal(t, []byte("st"), blob)
	assert.Equal(t, seq, stateSeq)
}

func TestBackupRefusesExisting(t *testing.T) {
	l := newLedger(t)
	appendEntries(t, l, 1, 5)
	dir := t.TempDir()
	out := filepath.Join(dir, "old.db")
	require.NoError(t, os.WriteFile(out, []byte("precious"), 0o644))

	_, _, err := l.Backup(out, false)
	le := requireCode(t, err, Exists)
	assert.Equal(t, out, le.Path)
	assert.EqualError(t, err, out+": already exists")
	data, err := os.ReadFile(out)
	require.NoError(t, err)
	assert.Equal(t, "precious", string(data))

	seq, hash, err := l.Backup(out, true)
	require.NoError(t, err)
	assert.Equal(t, uint64(5), seq)
	require.NoError(t, verifyFile(t, out, &Anchor{seq, hash}))
	fi, err := os.Stat(out)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, entries, 1, "no temporary file left behind")
}

func TestBackupFails(t *testing.T) {
	l := newLedger(t)
	appendEntries(t, l, 1, 2)
	before := fileSum(t, l.Path())
	for _, tc := range []struct {
		name  string
		out   string
		force bool
		want  string
	}{
		{"onto the ledger", l.Path(), true, "is the ledger itself"},
		{"onto the ledger, no force", l.Path(), false, "is the ledger itself"},
		{"missing directory", filepath.Join(t.TempDir(), "no", "b.db"), false, "no such file or directory"},
		{"missing directory, force", filepath.Join(t.TempDir(), "no", "b.db"), true, "no such file or directory"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := l.Backup(tc.out, tc.force)
			le := requireCode(t, err, IO)
			assert.Equal(t, tc.out, le.Path)
			assert.Contains(t, err.Error(), tc.want)
			assert.NoFileExists(t, filepath.Join(filepath.Dir(tc.out), "b.db"))
		})
	}
	assert.Equal(t, before, fileSum(t, l.Path()))
}
