package main

import (
	"bytes"
	"crypto/sha256"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// runIn runs the CLI in process and returns its exit code, stdout and
// stderr. testscript cannot assert an exact exit code; this can.
func runIn(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(append([]string{"debtledger"}, args...), strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

func fileSum(t *testing.T, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return sha256.Sum256(b)
}

// smallLedger is a ledger holding testdata/examples/small.jsonl (the
// contract's public example).
func smallLedger(t *testing.T) (dir, db string) {
	t.Helper()
	t.Setenv("DEBTLEDGER_LOCK_TIMEOUT", "200ms")
	dir = t.TempDir()
	db = filepath.Join(dir, "l.db")
	code, _, errOut := runIn(t, "", "--db", db, "init")
	require.Equal(t, 0, code, errOut)
	code, _, errOut = runIn(t, "", "--db", db, "import", "../../testdata/examples/small.jsonl")
	require.Equal(t, 0, code, errOut)
	// Whatever a test does to it, the ledger must still prove itself.
	t.Cleanup(func() {
		code, out, errOut := runIn(t, "", "--db", db, "check")
		assert.Equal(t, 0, code, "check after the test: %s%s", out, errOut)
	})
	return dir, db
}

func TestExitCodes(t *testing.T) {
	dir, db := smallLedger(t)
	garbage := filepath.Join(dir, "garbage.db")
	require.NoError(t, os.WriteFile(garbage, bytes.Repeat([]byte("not a ledger "), 2000), 0o600))
	existing := filepath.Join(dir, "exists.csv")
	require.NoError(t, os.WriteFile(existing, []byte("x"), 0o600))
	stmt := filepath.Join(dir, "stmt.csv")
	code, out, _ := runIn(t, "", "--db", db, "statement", "--unit", "652301", "--period", "2023-03")
	require.Equal(t, 0, code)
	require.NoError(t, os.WriteFile(stmt, []byte(strings.Replace(out, "B2023R01,general,", "B2023R01,special,", 1)), 0o600))

	cases := []struct {
		name   string
		args   []string
		code   int
		stderr string // substring of the one line on stderr
	}{
		{"verify a sound ledger", []string{"--db", db, "verify"}, 0, ""},
		{"check a sound ledger", []string{"--db", db, "check"}, 0, ""},
		{"missing ledger", []string{"--db", filepath.Join(dir, "none.db"), "balance"}, 2, "no ledger at"},
		{"init over a file", []string{"--db", db, "init"}, 2, "already exists"},
		{"unknown command", []string{"--db", db, "frobnicate"}, 2, "no command"},
		{"unknown flag", []string{"--db", db, "balance", "--colour", "red"}, 2, "colour"},
		{"bad --format", []string{"--db", db, "--format", "xml", "balance"}, 2, "--format"},
		{"unknown unit", []string{"--db", db, "balance", "--unit", "999999"}, 2, "unit 999999 is not registered"},
		{"bad date", []string{"--db", db, "balance", "--as-of", "2023-02-30"}, 2, "not a calendar date"},
		{"period the wrong way round", []string{"--db", db, "report", "--from", "2023-07-01", "--to", "2023-06-30"}, 2, "after --to"},
		{"schedule the wrong way round", []string{"--db", db, "schedule", "--from", "2024-01-01", "--to", "2023-01-01"}, 2, "after --to"},
		{"reconcile finds a difference", []string{"--db", db, "reconcile", "--unit", "652301", "--period", "2023-03", "--statement", stmt}, 1, ""},
		{"reconcile a missing statement", []string{"--db", db, "reconcile", "--unit", "652301", "--period", "2023-03", "--statement", filepath.Join(dir, "none.csv")}, 2, "none.csv"},
		{"statement --out over a file", []string{"--db", db, "statement", "--unit", "652301", "--period", "2023-03", "--out", existing}, 2, "already exists"},
		{"backup --out over a file", []string{"--db", db, "backup", "--out", existing}, 2, "exists"},
		{"verify a file that is not a ledger", []string{"--db", garbage, "verify"}, 1, "garbage.db"},
		{"check a file that is not a ledger", []string{"--db", garbage, "check"}, 1, "garbage.db"},
		{"query a file that is not a ledger", []string{"--db", garbage, "balance"}, 2, "garbage.db"},
		{"record a refused event", []string{"--db", db, "record", "hidden_resolve", "--date", "2023-07-01", "--unit", "652302", "--amount", "10亿", "--method", "fiscal_funds"}, 2, "hidden: 652302"},
		{"record with a bad amount", []string{"--db", db, "record", "hidden_stock", "--unit", "652302", "--amount", "1,000"}, 2, `amount "1,000"`},
		{"reverse an unknown entry", []string{"--db", db, "reverse", "--entry", "nope", "--reason", "test", "--date", "2023-07-01"}, 2, "not in the ledger"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := fileSum(t, db)
			code, _, errOut := runIn(t, "", tc.args...)
			assert.Equal(t, tc.code, code, errOut)
			if tc.stderr != "" {
				assert.Contains(t, errOut, tc.stderr)
			}
			if tc.code == 2 {
				assert.Equal(t, 1, strings.Count(errOut, "\n"), "one line on stderr: %q", errOut)
			}
			assert.NotContains(t, errOut, "goroutine")
			assert.Equal(t, before, fileSum(t, db), "the ledger must be byte-identical")
		})
	}
}

// A write and an undo through the CLI: record, reverse, check.
func TestRecordAndReverse(t *testing.T) {
	_, db := smallLedger(t)
	code, out, errOut := runIn(t, "", "--db", db, "record", "hidden_stock", "--id", "hs-2", "--date", "2023-07-01", "--unit", "652302", "--amount", "2亿")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "recorded hs-2 as entry 44")
	code, out, _ = runIn(t, "", "--db", db, "record", "hidden_stock", "--id", "hs-2", "--date", "2023-07-01", "--unit", "652302", "--amount", "200000000")
	require.Equal(t, 0, code)
	assert.Contains(t, out, "duplicate")
	code, _, errOut = runIn(t, "", "--db", db, "reverse", "--entry", "hs-2", "--reason", "录入错误", "--date", "2023-07-02")
	require.Equal(t, 0, code, errOut)
	code, _, _ = runIn(t, "", "--db", db, "reverse", "--entry", "hs-2", "--reason", "录入错误", "--date", "2023-07-02")
	require.Equal(t, 0, code, "the same reversal again is a duplicate")
	code, out, errOut = runIn(t, "", "--db", db, "--format", "json", "check")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, `"entries":45`)
	code, out, _ = runIn(t, "", "--db", db, "close", "--period", "2023-07", "--date", "2023-08-01")
	require.Equal(t, 0, code)
	assert.Regexp(t, `head 46:[0-9a-f]{64}`, out)
	code, _, errOut = runIn(t, "", "--db", db, "record", "hidden_stock", "--date", "2023-07-31", "--unit", "652302", "--amount", "1")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "closed period")
}
