package main

import (
	"bufio"
	"bytes"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/debtledger/debtledger/debt"
	"github.com/stretchr/testify/require"
)

// synthFiles writes a synthetic national ledger split in two: a base to
// import first, and a second file to import (and kill) on top of it.
func synthFiles(t *testing.T, dir string, base, more int) (string, string) {
	t.Helper()
	var all bytes.Buffer
	require.NoError(t, debt.Synthesize(&all, base+more, 7))
	lines := strings.SplitAfter(all.String(), "\n")
	first, second := filepath.Join(dir, "base.jsonl"), filepath.Join(dir, "more.jsonl")
	require.NoError(t, os.WriteFile(first, []byte(strings.Join(lines[:base], "")), 0o600))
	require.NoError(t, os.WriteFile(second, []byte(strings.Join(lines[base:], "")), 0o600))
	return first, second
}

// headSeq is the journal's head sequence number, read with verify.
func headSeq(t *testing.T, db string) (uint64, string) {
	t.Helper()
	out, err := exec.Command("debtledger", "--db", db, "verify").CombinedOutput()
	require.NoError(t, err, "verify after a crash: %s", out)
	var seq uint64
	var rest string
	_, err = fmt.Sscanf(string(out), "ok: %d entries, chain intact; head %s", &seq, &rest)
	require.NoError(t, err, string(out))
	return seq, string(out)
}

// TestCrashDuringImport kills an import with SIGKILL at 30 random moments:
// afterwards verify and check pass, and the journal holds all of that
// import or none of it (bbolt commits one transaction or nothing).
func TestCrashDuringImport(t *testing.T) {
	if testing.Short() {
		t.Skip("kills 30 imports")
	}
	dir := t.TempDir()
	const base, more = 4000, 30000
	first, second := synthFiles(t, dir, base, more)
	pristine := filepath.Join(dir, "pristine.db")
	out, err := exec.Command("debtledger", "--db", pristine, "init").CombinedOutput()
	require.NoError(t, err, string(out))
	out, err = exec.Command("debtledger", "--db", pristine, "import", first).CombinedOutput()
	require.NoError(t, err, string(out))
	data, err := os.ReadFile(pristine)
	require.NoError(t, err)

	// How long a whole import takes here, so that kills land throughout it.
	timed := filepath.Join(dir, "timed.db")
	require.NoError(t, os.WriteFile(timed, data, 0o600))
	start := time.Now()
	out, err = exec.Command("debtledger", "--db", timed, "import", second).CombinedOutput()
	require.NoError(t, err, string(out))
	full := time.Since(start)

	seed := time.Now().UnixNano()
	t.Logf("seed %d, a whole import takes %v", seed, full)
	rng := rand.New(rand.NewSource(seed))
	outcomes := map[uint64]int{}
	for i := 0; i < 30; i++ {
		db := filepath.Join(dir, fmt.Sprintf("crash-%02d.db", i))
		require.NoError(t, os.WriteFile(db, data, 0o600))
		cmd := exec.Command("debtledger", "--db", db, "import", second)
		require.NoError(t, cmd.Start())
		time.Sleep(time.Duration(rng.Int63n(int64(full) * 11 / 10)))
		_ = cmd.Process.Signal(syscall.SIGKILL)
		_ = cmd.Wait()

		seq, _ := headSeq(t, db)
		require.Contains(t, []uint64{base, base + more}, seq, "kill %d (seed %d): the journal holds part of an import", i, seed)
		outcomes[seq]++
		out, err := exec.Command("debtledger", "--db", db, "check").CombinedOutput()
		require.NoError(t, err, "check after kill %d (seed %d): %s", i, seed, out)
	}
	t.Logf("outcomes by head: %v", outcomes)
}

// TestConcurrentWriters runs two imports and a reader at once: both imports
// land (one waits for the other), the reader sees a consistent ledger, and
// nothing is lost.
func TestConcurrentWriters(t *testing.T) {
	dir := t.TempDir()
	first, second := synthFiles(t, dir, 4000, 20000)
	db := filepath.Join(dir, "l.db")
	out, err := exec.Command("debtledger", "--db", db, "init").CombinedOutput()
	require.NoError(t, err, string(out))
	out, err = exec.Command("debtledger", "--db", db, "import", first).CombinedOutput()
	require.NoError(t, err, string(out))

	// The same file twice: one writes it, the other finds every line a
	// duplicate; which is which depends on who gets the lock first.
	env := append(os.Environ(), "DEBTLEDGER_LOCK_TIMEOUT=60s")
	a := exec.Command("debtledger", "--db", db, "import", second)
	b := exec.Command("debtledger", "--db", db, "import", second)
	var aOut, bOut bytes.Buffer
	a.Stdout, b.Stdout, a.Env, b.Env = &aOut, &bOut, env, env
	require.NoError(t, a.Start())
	require.NoError(t, b.Start())
	reader := exec.Command("debtledger", "--db", db, "--format", "json", "balance", "--as-of", "2016-01-01")
	reader.Env = env
	rout, err := reader.CombinedOutput()
	require.NoError(t, err, string(rout))
	require.NoError(t, a.Wait())
	require.NoError(t, b.Wait())
	both := aOut.String() + bOut.String()
	require.Contains(t, both, "20000 entries written, 0 duplicates skipped")
	require.Contains(t, both, "0 entries written, 20000 duplicates skipped")

	seq, _ := headSeq(t, db)
	require.Equal(t, uint64(24000), seq)
	out, err = exec.Command("debtledger", "--db", db, "check").CombinedOutput()
	require.NoError(t, err, string(out))
}

// A reader that cannot get the file within the lock timeout is told so in
// one line, naming the file.
func TestLockTimeoutMessage(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "l.db")
	out, err := exec.Command("debtledger", "--db", db, "init", "--root", "6523", "--name", "昌吉州").CombinedOutput()
	require.NoError(t, err, string(out))
	hold := exec.Command("holdlock", db, "5s")
	stdout, err := hold.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, hold.Start())
	line, _ := bufio.NewReader(stdout).ReadString('\n')
	require.Equal(t, "holding\n", line)
	q := exec.Command("debtledger", "--db", db, "balance")
	q.Env = append(os.Environ(), "DEBTLEDGER_LOCK_TIMEOUT=300ms")
	out, err = q.CombinedOutput()
	require.Error(t, err)
	require.Equal(t, 2, q.ProcessState.ExitCode())
	require.Regexp(t, `l\.db.*in use`, string(out))
	require.Equal(t, 1, strings.Count(string(out), "\n"))
	require.NoError(t, hold.Wait())
}
