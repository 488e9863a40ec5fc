package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// An import is checked under a read-only view and committed after: when
// another writer comes in between, the import is checked again against
// what that writer left, holding the file. Standard input too: it is kept
// in a temporary file, read again for the second check, then removed.
func TestImportAfterAnotherWriter(t *testing.T) {
	const interloper = `{"id":"q-x","type":"quota","date":"2023-02-01","year":2023,"kind":"general","to":"6523","amount":"1亿"}`
	const second = `{"id":"q-y","type":"quota","date":"2023-02-01","year":2023,"kind":"special","to":"6523","amount":"2亿"}`
	for _, tc := range []struct {
		name     string
		another  string // what the other writer records between the phases
		code     int
		stdout   string
		stderr   string
		headSeq  uint64
		entryIDs []string // in the ledger afterwards
		absent   string   // an id not in it
	}{
		{
			name:    "unrelated entry: both land",
			another: strings.Replace(interloper, "q-x", "q-other", 1),
			code:    0, stdout: "2 entries written, 0 duplicates skipped",
			headSeq: 46, entryIDs: []string{"q-other", "q-x", "q-y"},
		},
		{
			name:    "the same lines: skipped as duplicates",
			another: interloper,
			code:    0, stdout: "1 entries written, 1 duplicates skipped",
			headSeq: 45, entryIDs: []string{"q-x", "q-y"},
		},
		{
			name:    "an id taken with other content: refused, nothing written",
			another: strings.Replace(interloper, "1亿", "3亿", 1),
			code:    exitBadInput, stderr: "id q-x is already entry 44 with different content",
			headSeq: 44, entryIDs: []string{"q-x"}, absent: "q-y",
		},
	} {
		for _, fromStdin := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/stdin=%v", tc.name, fromStdin), func(t *testing.T) {
				dir, db := smallLedger(t)
				tmp := t.TempDir()
				t.Setenv("TMPDIR", tmp)
				lines := interloper + "\n" + second + "\n"
				file := filepath.Join(dir, "more.jsonl")
				require.NoError(t, os.WriteFile(file, []byte(lines), 0o600))
				anotherFile := filepath.Join(dir, "another.jsonl")
				require.NoError(t, os.WriteFile(anotherFile, []byte(tc.another+"\n"), 0o600))

				var out, errOut bytes.Buffer
				e := &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errOut, now: time.Now, lockTimeout: time.Second}
				phases := 0
				e.betweenPhases = func() {
					phases++
					code, _, msg := runIn(t, "", "--db", db, "import", anotherFile)
					require.Equal(t, 0, code, msg)
				}
				args := []string{"debtledger", "--db", db, "import", file}
				if fromStdin {
					e.stdin = strings.NewReader(lines)
					args[len(args)-1] = "-"
				}
				code := e.run(args)
				assert.Equal(t, 1, phases, "checked read-only, then written")
				spooled, err := os.ReadDir(tmp)
				require.NoError(t, err)
				assert.Empty(t, spooled, "temporary files left behind")
				assert.Equal(t, tc.code, code, errOut.String())
				assert.Contains(t, out.String(), tc.stdout)
				assert.Contains(t, errOut.String(), tc.stderr)
				seq, _ := headSeq(t, db)
				assert.Equal(t, tc.headSeq, seq)
				code, journal, _ := runIn(t, "", "--db", db, "--format", "json", "journal")
				require.Equal(t, 0, code)
				for _, id := range tc.entryIDs {
					assert.Contains(t, journal, `"id":"`+id+`"`)
				}
				if tc.absent != "" {
					assert.NotContains(t, journal, `"id":"`+tc.absent+`"`)
				}
			})
		}
	}
}

// A write with nothing new (a duplicate) prints the ledger's head as it is
// after the write, not as it was when the write was checked.
func TestDuplicateAfterAnotherWriterPrintsTheHead(t *testing.T) {
	dir, db := smallLedger(t)
	other := filepath.Join(dir, "other.jsonl")
	require.NoError(t, os.WriteFile(other, []byte(`{"id":"q-other","type":"quota","date":"2023-02-01","year":2023,"kind":"general","to":"6523","amount":"1亿"}`+"\n"), 0o600))
	var out, errOut bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errOut, now: time.Now, lockTimeout: time.Second}
	e.betweenPhases = func() {
		code, _, msg := runIn(t, "", "--db", db, "import", other)
		require.Equal(t, 0, code, msg)
	}
	// lim-6523-g is already entry 4 of the small ledger, with this content.
	code := e.run([]string{"debtledger", "--db", db, "record", "limit", "--id", "lim-6523-g", "--date", "2023-01-01",
		"--unit", "6523", "--kind", "general", "--amount", "50亿"})
	require.Equal(t, 0, code, errOut.String())
	require.Contains(t, out.String(), "duplicate")
	seq, verified := headSeq(t, db)
	assert.Equal(t, uint64(44), seq)
	head := regexp.MustCompile(`head \d+:[0-9a-f]{64}`).FindString(verified)
	require.NotEmpty(t, head, verified)
	assert.Contains(t, out.String(), head)
}

func TestLineCount(t *testing.T) {
	dir := t.TempDir()
	long := strings.Repeat(`{"id":"x"}`+"\n\n", 3<<20/12) // lines across reads
	for _, tc := range []struct {
		text string
		want int
	}{
		{"", 0},
		{"a\n", 1},
		{"a\nb", 2},
		{"a\nb\n", 2},
		{"a\r\n\r\nb\r\n", 2},
		{"\n\n \t\r\n  ", 0}, // blank lines reserve nothing
		{"\n\n x", 1},
		{long, 3 << 20 / 12},
	} {
		path := filepath.Join(dir, "f.jsonl")
		require.NoError(t, os.WriteFile(path, []byte(tc.text), 0o600))
		f, err := os.Open(path)
		require.NoError(t, err)
		assert.Equal(t, tc.want, lineCount(f, int64(len(tc.text))), "%.20q", tc.text)
		f.Close()
	}
	assert.Equal(t, 0, lineCount(io.MultiReader(strings.NewReader("a\nb\n")), 4), "no ReadAt: no count")
}

// DEBTLEDGER_TIMES prints how long each phase of a write took, on stderr,
// for the benchmarks; without it, nothing.
func TestImportPhaseTimes(t *testing.T) {
	_, db := smallLedger(t)
	file := filepath.Join(t.TempDir(), "q.jsonl")
	require.NoError(t, os.WriteFile(file, []byte(`{"id":"q-t","type":"quota","date":"2023-02-01","year":2023,"kind":"general","to":"6523","amount":"1亿"}`+"\n"), 0o600))
	t.Setenv("DEBTLEDGER_TIMES", "1")
	code, _, errOut := runIn(t, "", "--db", db, "import", file)
	require.Equal(t, 0, code, errOut)
	for _, phase := range []string{"load", "stream", "records", "prepare", "commit"} {
		assert.Regexp(t, regexp.MustCompile(`(?m)^time `+phase+` \d+\.\d{3}s$`), errOut)
	}
	t.Setenv("DEBTLEDGER_TIMES", "")
	code, _, errOut = runIn(t, "", "--db", db, "import", file)
	require.Equal(t, 0, code)
	assert.Empty(t, errOut)
}

// TestImportManyLines: an import of thousands of lines passes through many
// of decodeLines' chunks, which the writer hands back to the parser for
// reuse, and through a batch that made room for the lines ahead. From a
// file and from standard input, the ledgers must hold every line, prove
// every rule, and agree. CI runs it under the race detector.
func TestImportManyLines(t *testing.T) {
	dir := t.TempDir()
	file, lines := generated(t, dir, 6000, 7)

	var journals []string
	for _, source := range []string{file, "-"} {
		db := filepath.Join(dir, fmt.Sprintf("l%d.db", len(journals)))
		code, _, errOut := runIn(t, "", "--db", db, "init")
		require.Equal(t, 0, code, errOut)
		stdin := ""
		if source == "-" {
			stdin = lines
		}
		code, out, errOut := runIn(t, stdin, "--db", db, "--actor", "tester", "import", source)
		require.Equal(t, 0, code, errOut)
		assert.Contains(t, out, "6000 entries written, 0 duplicates skipped")
		code, out, errOut = runIn(t, "", "--db", db, "check")
		require.Equal(t, 0, code, out+errOut)
		code, journal, errOut := runIn(t, "", "--db", db, "--format", "csv", "journal")
		require.Equal(t, 0, code, errOut)
		journals = append(journals, regexp.MustCompile(`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ`).ReplaceAllString(journal, "T"))
	}
	assert.Equal(t, journals[0], journals[1], "a file and standard input record alike")
}

// generated writes a synthetic ledger of events lines (debtledger
// generate) into dir, and returns its path and its text.
func generated(t *testing.T, dir string, events, seed int) (path, lines string) {
	t.Helper()
	code, lines, errOut := runIn(t, "", "generate", "--events", strconv.Itoa(events), "--seed", strconv.Itoa(seed))
	require.Equal(t, 0, code, errOut)
	path = filepath.Join(dir, "g.jsonl")
	require.NoError(t, os.WriteFile(path, []byte(lines), 0o600))
	return path, lines
}
